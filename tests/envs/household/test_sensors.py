"""The goal sensors (envs/household/sensors.py) and what the learned policy makes of them.

The reference is the featurisation the packaged checkpoint was trained with, which read
the world; it is kept here, as it was, and over real episodes the features, the
groundings and the state names made from the observation and info must equal it.
"""

import gymnasium as gym
import numpy as np
import pytest

import errands  # noqa: F401  (registers the envs)
from errands.envs.household_env import HouseholdEnv
from errands.envs.household.object_types import TYPE_NAMES
from errands.envs.household.scene import HORIZONS, heading_step
from errands.envs.household.sensors import GOAL_HEIGHTS, GOAL_RANGE, GOAL_SENSOR_KEYS, GoalSensors, GoalTarget
from errands.planners.oracle import OraclePlanner
from errands.policies import make_policy
from errands.policies.agent import Agent
from errands.policies.base import reset_policy
from errands.policies.features import goal_target, ground_target, household_features, previous_action_code
from errands.policies.learned import EpisodeState

# --- the reference: the world-reading featurisation of before the sensors ----------------


def reference_goal_object_id(world, call):
    if not call.ids:
        return None
    oid = call.ids[1] if call.skill == "PutObject" and len(call.ids) > 1 else call.ids[0]
    if not oid or oid not in world.objects or oid == world.held:
        return None
    return oid


def reference_goal_sensor(world, call):
    oid = reference_goal_object_id(world, call)
    root = world.root_fixed(oid) if oid else None
    if root is None:
        return 0, 0, 0
    x, y, z = root.position
    row, col = world.scene.xz_cell(x, z)
    a = world.agent
    dr, dc = row - a.row, col - a.col
    fr, fc = heading_step(a.heading)
    rr, rc = heading_step((a.heading + 90) % 360)
    ahead = int(np.clip(dr * fr + dc * fc, -GOAL_RANGE, GOAL_RANGE))
    right = int(np.clip(dr * rr + dc * rc, -GOAL_RANGE, GOAL_RANGE))
    height = int(np.clip(y // 0.5, 0, GOAL_HEIGHTS - 1))
    return ahead + GOAL_RANGE + 1, right + GOAL_RANGE + 1, height + 1


def reference_goal_visible(world, call):
    oid = reference_goal_object_id(world, call)
    if oid is not None:
        return 2 if oid in world.visible_ids() else 1
    if call.ids or not call.args:
        return 0
    name = call.args[1] if call.skill == "PutObject" and len(call.args) > 1 else call.args[0]
    held = world.objects[world.held].type.name if world.held else None
    if name == held:
        return 0
    return 2 if any(world.objects[o].type.name == name for o in world.visible_ids()) else 1


def reference_features(world, call, previous, previous_success):
    held = world.objects[world.held].type.index if world.held else 0
    extras = np.array([held, HORIZONS.index(world.agent.horizon), previous_action_code(previous, previous_success),
                       *reference_goal_sensor(world, call), reference_goal_visible(world, call)], dtype=np.int64)
    return world.egocentric_view().copy(), extras


def reference_ground(type_name, call, world):
    visible = set(world.visible_ids())
    for oid in call.ids or ():
        while oid and oid in world.objects:
            obj = world.objects[oid]
            if obj.type.name == type_name and (oid in visible or oid == world.held):
                return oid
            oid = obj.parent
    return type_name


class CheckedPolicy:
    """Acts with `policy`; before each step, checks what the observation and info give
    against the reference read from the world."""

    needs_world = True  # for the reference
    sensors = GOAL_SENSOR_KEYS

    def __init__(self, policy):
        self.policy, self.name = policy, policy.name
        self.steps = 0

    def reset(self, env) -> None:
        self.env = env.unwrapped
        reset_policy(self.policy, env)
        self.call, self.previous = None, None
        self.episode = EpisodeState()
        self.changes_of_version: dict[int, int] = {}

    def act(self, observation, info, call):
        world = self.env.world
        if call is not self.call:
            self.call, self.previous = call, None
        success = bool(info.get("last_action_success", True))
        grid, extras = household_features(observation, self.previous, success)
        ref_grid, ref_extras = reference_features(world, call, self.previous, success)
        assert grid.dtype == ref_grid.dtype and grid.tobytes() == ref_grid.tobytes()
        assert extras.dtype == ref_extras.dtype and extras.tolist() == ref_extras.tolist(), (str(call), extras, ref_extras)
        for type_name in TYPE_NAMES:
            assert ground_target(type_name, info) == reference_ground(type_name, call, world), (str(call), type_name)
        pose, changes = self.episode.observe(observation, info)
        assert pose == world.agent
        # the policy's count of object changes names the same states as the world's version
        assert self.changes_of_version.setdefault(world.version, changes) == changes
        assert len(set(self.changes_of_version.values())) == len(self.changes_of_version)
        step = self.policy.act(observation, info, call)
        if step.action is not None:
            self.previous = step.action
            self.episode.took(step.action)
        self.steps += 1
        return step


@pytest.mark.parametrize("policy_name, env_options, seeds", [
    ("expert", {}, range(6)),
    ("learned", {}, range(6)),
    ("learned", {"visibility": "camera", "resolution": 48}, range(2)),
])
def test_features_from_the_sensors_equal_the_features_read_from_the_world(policy_name, env_options, seeds):
    env = HouseholdEnv(split="unseen", **env_options)
    assert _checked_steps(env, policy_name, seeds) >= 25 * len(seeds)  # 522 steps over the three cases


def test_features_from_the_sensors_equal_the_world_read_ones_in_alfred_floor_plans(alfred_dir):
    env = HouseholdEnv(split="unseen", layouts_dir=str(alfred_dir / "layouts"), scenes="alfred_floorplans")
    assert _checked_steps(env, "learned", range(2)) >= 40


def _checked_steps(env, policy_name: str, seeds) -> int:
    checked = CheckedPolicy(make_policy(policy_name))
    agent = Agent(OraclePlanner(), checked)
    for seed in seeds:
        agent.run_episode(env, env.sampler.sample(np.random.default_rng([7, seed])))
    return checked.steps


def test_the_learned_policy_acts_from_the_observation_alone():
    """Given the env's spaces only, it plays: it never reads the world."""
    env = GoalSensors(HouseholdEnv(split="unseen"))
    policy = make_policy("learned")
    reset_policy(policy, env)
    obs, info = env.reset(seed=2)
    task = env.unwrapped.task
    call = OraclePlanner().plan(task.instruction, _context(env.unwrapped)).steps[0]
    obs, info = env.set_goal_target(goal_target(call), obs, info)
    for _ in range(5):
        step = policy.act(obs, info, call)
        if step.action is None:
            break
        obs, _, _, _, info = env.step(step.action)


def _context(env):
    from errands.planners.base import PlanningContext

    return PlanningContext(env.task.instruction, goal=env.task.goal, world=env.world)


def test_a_policy_that_does_not_declare_needs_world_is_given_the_spaces_only():
    class Peeking:
        name = "peeking"

        def reset(self, env):
            self.env = env

    env = gym.make("errands/Household-v0")
    peeking = Peeking()
    reset_policy(peeking, env)
    assert peeking.env.observation_space is env.observation_space
    with pytest.raises(PermissionError, match="policy 'peeking' does not declare needs_world = True"):
        peeking.env.unwrapped.world
    expert = make_policy("expert")
    reset_policy(expert, env)
    assert expert.world is None  # the env itself (not reset yet)
    assert expert.needs_world and not make_policy("learned").needs_world


def test_goal_sensors_are_declared_and_off_until_a_target_is_set():
    plain = gym.make("errands/Household-v0")
    assert not set(GOAL_SENSOR_KEYS) & set(plain.observation_space.spaces)  # the env alone keeps its space
    env = GoalSensors(plain)
    assert set(env.observation_space.spaces) == {"instruction", "view", "pose", "held", *GOAL_SENSOR_KEYS}
    obs, info = env.reset(seed=4)
    assert env.observation_space.contains(obs)
    assert obs["point_goal"].tolist() == [0, 0, 0] and obs["goal_visible"] == 0 and info["goal_holders"] == ()
    world = env.unwrapped.world
    fridge = next(o for o in world.objects.values() if o.type.name == "Fridge" or o.type.receptacle)
    obs, info = env.set_goal_target(GoalTarget(object_id=fridge.id, grounded_ids=(fridge.id,)), obs, info)
    assert env.observation_space.contains(obs)
    assert obs["point_goal"].min() > 0 and obs["goal_visible"] in (1, 2)
    assert info["goal_holders"] == ((fridge.id,),)
    obs, _, _, _, info = env.step("RotateLeft")
    assert env.observation_space.contains(obs) and obs["point_goal"].min() > 0
    obs, info = env.reset(seed=4)
    assert obs["point_goal"].tolist() == [0, 0, 0]
    with pytest.raises(ValueError, match="wrap it with GoalSensors once"):
        GoalSensors(env)
    with pytest.raises(ValueError, match="an object id or a type, not both"):
        GoalTarget(object_id=fridge.id, type_name="Fridge")
    with pytest.raises(TypeError, match="a goal target is a GoalTarget or None"):
        env.set_goal_target("Fridge", obs, info)


def test_the_features_say_what_is_missing_from_a_plain_observation():
    obs, _ = gym.make("errands/Household-v0").reset(seed=0)
    with pytest.raises(KeyError, match=r"the observation lacks \['point_goal', 'goal_visible'\]"):
        household_features(obs, None, True)
