"""HouseholdVectorEnv against the scalar env, step by step: the same actions played in the
batch and in N scalar HouseholdEnvs under Gymnasium's SyncVectorEnv (which is Gymnasium's
own definition of batching, autoreset and info masks) must give identical observations,
rewards, terminations, truncations and info (full_info), across autoresets."""

import re

import gymnasium as gym
import numpy as np
import pytest

import errands  # noqa: F401  (registers the envs)
from errands.envs.actions import ACTIONS, INTERACTION_ACTIONS, NAVIGATION_ACTIONS, Action
from errands.envs.household.object_types import TYPE_NAMES
from errands.envs.household_env import HouseholdEnv
from errands.envs.household_vector_env import HouseholdVectorEnv
from errands.envs.tasks.task import Task
from errands.eval.suites import load_suite


class AnyAction(gym.Space):
    """Whatever HouseholdEnv.step takes: as a Tuple of these, SyncVectorEnv hands each
    scalar env its own entry of a list of actions."""


def scalar_batch(n: int, autoreset_mode=gym.vector.AutoresetMode.NEXT_STEP, tasks=None, **kwargs):
    envs = gym.vector.SyncVectorEnv(
        [lambda k=k: HouseholdEnv(task=tasks[k] if tasks else None, **kwargs) for k in range(n)],
        autoreset_mode=autoreset_mode)
    envs.action_space = gym.spaces.Tuple([AnyAction()] * n)
    return envs


def per_env(actions):
    """A batch of the Dict action space as each scalar env's own Dict action."""
    if isinstance(actions, dict):
        return [{"action": a, "target": t} for a, t in zip(actions["action"], actions["target"])]
    return actions


def assert_same(a, b, where="") -> None:
    """Equal values of equal types (arrays: equal dtypes, shapes and items)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), f"{where}: keys {set(a) ^ set(b)}"
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and (a.dtype, a.shape) == (b.dtype, b.shape), \
            f"{where}: {a.dtype}{a.shape} vs {getattr(b, 'dtype', type(b))}{getattr(b, 'shape', '')}"
        if a.dtype == object:
            for k, (x, y) in enumerate(zip(a, b)):
                assert_same(x, y, f"{where}[{k}]")
        else:
            assert np.array_equal(a, b), f"{where}: differ at {np.argwhere(a != b)[:5].tolist()}"
    elif isinstance(a, (tuple, list)):
        assert type(a) is type(b) and len(a) == len(b), f"{where}: {a!r} vs {b!r}"
        for k, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{k}]")
    else:
        assert type(a) is type(b) and a == b, f"{where}: {a!r} vs {b!r}"


def assert_same_step(vector_result, scalar_result, t: int) -> None:
    for name, x, y in zip(("obs", "reward", "terminated", "truncated", "info"), vector_result, scalar_result):
        assert_same(x, y, f"step {t} {name}")


def play(vector, scalar, choose, steps: int, seed: int) -> dict:
    """Both batches from reset(seed) through `steps` steps of choose(t, obs, info);
    counts of what happened, to check the run covered what it should."""
    result = vector.reset(seed=seed)
    assert_same_step(result, scalar.reset(seed=seed), -1)
    obs, info = result
    ends = rewards = 0
    for t in range(steps):
        actions = choose(t, obs, info)
        result = vector.step(actions)
        assert_same_step(result, scalar.step(per_env(actions)), t)
        obs, _, terminated, truncated, info = result
        ends += int((terminated | truncated).sum())
        rewards += int(result[1].sum())
    return {"ends": ends, "rewards": rewards, "task_types": len(set(info["task_type"]))}


# --- the same steps ---------------------------------------------------------------------

def test_random_action_space_samples_match_scalar_envs():
    n = 6
    vector, scalar = HouseholdVectorEnv(num_envs=n, full_info=True), scalar_batch(n)
    space = vector.action_space
    space.seed(3)
    counts = play(vector, scalar, lambda t, obs, info: space.sample(), 200, seed=11)
    assert counts["ends"] >= 2 * n and counts["task_types"] >= 2  # autoresets, mixed tasks


def test_random_visible_interactions_in_every_form_match_scalar_envs():
    """Actions as strings, (name, id) pairs, Actions, Dict samples and indices, aimed at
    visible objects, with malformed ones among them (failed actions of their world only)."""
    n = 5
    vector, scalar = HouseholdVectorEnv(num_envs=n, full_info=True), scalar_batch(n)
    rng = np.random.default_rng(0)
    malformed = ["Jump", None, "PickupObject", 99, "MoveAhead MoveAhead", {"action": 99}, ("Stop", "Apple"),
                 "PickupObject Appel", ("OpenObject", "NoSuch|+00.00|+00.00|+00.00")]

    def act(visible: list[str]):
        roll = rng.random()
        if roll < 0.05:
            return malformed[int(rng.integers(len(malformed)))]
        if roll < 0.4 or not visible:
            name = NAVIGATION_ACTIONS[int(rng.integers(len(NAVIGATION_ACTIONS)))]
            return [name, Action(name), ACTIONS.index(name), {"action": ACTIONS.index(name), "target": 3}][
                int(rng.integers(4))]
        name = INTERACTION_ACTIONS[int(rng.integers(len(INTERACTION_ACTIONS)))]
        oid = visible[int(rng.integers(len(visible)))]
        kind = oid.split("|", 1)[0]
        return [f"{name} {kind}", (name, oid), Action(name, kind),
                {"action": ACTIONS.index(name), "target": TYPE_NAMES.index(kind) + 1}][int(rng.integers(4))]

    counts = play(vector, scalar, lambda t, obs, info: [act(v) for v in info["visible_objects"]], 300, seed=40)
    assert counts["ends"] >= n


def expert_actions(tasks: list[Task]) -> list[list[str]]:
    """The expert's primitive actions for each task, played (as ReferenceRun plays them)
    by the oracle planner and the expert in one scalar env."""
    from errands.planners import make_planner
    from errands.policies import make_policy
    from errands.policies.agent import Agent

    env = gym.make("errands/Household-v0")
    agent = Agent(make_planner("oracle"), make_policy("expert"))
    runs = []
    for task in tasks:
        log = agent.run_episode(env, task)
        assert log.success, task.goal.alfred_name
        runs.append([step.action for step in log.steps])
    return runs


def first_of_each_task_type(suite: str, per_type: int) -> list[Task]:
    chosen: dict[str, list[Task]] = {}
    for episode in load_suite(suite).episodes:
        kind = chosen.setdefault(episode.task_type, [])
        if len(kind) < per_type:
            kind.append(Task.from_dict(episode.task))
    return [task for kind in chosen.values() for task in kind]


@pytest.mark.parametrize("suite, per_type", [("smoke", 2), ("valid_unseen", 1), ("injection_test", 1)])
def test_expert_episodes_of_packaged_suites_replay_identically(suite, per_type):
    """Each world plays its task's expert episode (it ends with Stop, rewarded), the next
    step resets it to the same task, and it plays the episode again (injection_test's
    worlds have text on what the agent sees from its start)."""
    tasks = first_of_each_task_type(suite, per_type)
    runs = expert_actions(tasks)
    n = len(tasks)
    vector = HouseholdVectorEnv(tasks=tasks, full_info=True)
    scalar = scalar_batch(n, tasks=tasks)
    plans = [run + ["RotateLeft"] + run for run in runs]  # the RotateLeft is the reset step's, not played
    longest = max(map(len, plans))
    plans = [plan + ["RotateRight"] * (longest - len(plan)) for plan in plans]
    rewarded = np.zeros(n, int)
    _, info = vector.reset(seed=0)
    scalar.reset(seed=0)
    assert all(bool(texts) == bool(task.texts) for texts, task in zip(info["visible_text"], tasks))
    for t in range(longest):
        actions = [plan[t] for plan in plans]
        result = vector.step(actions)
        assert_same_step(result, scalar.step(actions), t)
        rewarded += result[1] > 0
        for i, run in enumerate(runs):
            if t in (len(run) - 1, 2 * len(run)):  # the Stops
                assert result[2][i] and result[1][i] == 1.0, (i, t)
    assert list(rewarded) == [2] * n
    assert len({task.goal.task_type for task in tasks}) == 7


def test_look_at_goal_conditions_follow_the_view_once_the_light_is_on():
    """look_at tasks: with the lamp switched on, turning away and back changes the goal
    conditions by the pose alone (the batch counts them again then, as the scalar env)."""
    tasks = [task for task in first_of_each_task_type("valid_unseen", 3) + first_of_each_task_type("smoke", 2)
             if task.goal.task_type == "look_at_obj_in_light"]
    runs = expert_actions(tasks)
    tail = ["RotateLeft", "RotateLeft", "LookUp", "RotateLeft", "RotateLeft", "LookDown", "MoveAhead", "Stop"]
    plans = [run[:-1] + tail for run in runs]
    longest = max(map(len, plans))
    plans = [plan + ["RotateRight"] * (longest - len(plan)) for plan in plans]
    n = len(tasks)
    vector, scalar = HouseholdVectorEnv(tasks=tasks, full_info=True), scalar_batch(n, tasks=tasks)
    assert_same_step(vector.reset(seed=0), scalar.reset(seed=0), -1)
    seen = [set() for _ in range(n)]
    for t in range(longest):
        actions = [plan[t] for plan in plans]
        result = vector.step(actions)
        assert_same_step(result, scalar.step(actions), t)
        for i, run in enumerate(runs):
            if len(run) - 1 <= t < len(run) - 1 + len(tail):
                seen[i].add(result[4]["goal_conditions_met"][i])
    assert n >= 3 and any(len(counts) > 1 for counts in seen)


def test_floor_plans_match_scalar_envs(alfred_dir):
    n = 4
    kwargs = {"scenes": "alfred_floorplans", "layouts_dir": str(alfred_dir / "layouts")}
    vector, scalar = HouseholdVectorEnv(num_envs=n, full_info=True, **kwargs), scalar_batch(n, **kwargs)
    rng = np.random.default_rng(1)
    navigation = [ACTIONS.index(a) for a in NAVIGATION_ACTIONS]

    def act(t, obs, info):
        return {"action": rng.choice(navigation, size=n), "target": np.zeros(n, np.int64)}

    counts = play(vector, scalar, act, 150, seed=2)
    assert counts["task_types"] >= 2


def test_camera_observations_match_scalar_envs():
    n, kwargs = 3, {"observations": ("view", "rgb", "depth", "segmentation"), "resolution": 16}
    vector, scalar = HouseholdVectorEnv(num_envs=n, full_info=True, **kwargs), scalar_batch(n, **kwargs)
    space = vector.action_space
    space.seed(5)
    play(vector, scalar, lambda t, obs, info: space.sample(), 25, seed=9)


@pytest.mark.parametrize("mode", [gym.vector.AutoresetMode.SAME_STEP, gym.vector.AutoresetMode.DISABLED])
def test_other_autoreset_modes_match_scalar_envs(mode):
    n = 4
    vector = HouseholdVectorEnv(num_envs=n, full_info=True, autoreset_mode=mode)
    scalar = scalar_batch(n, autoreset_mode=mode)
    space = vector.action_space
    space.seed(8)
    assert_same_step(vector.reset(seed=4), scalar.reset(seed=4), -1)
    ends = 0
    for t in range(80):
        actions = space.sample()
        result = vector.step(actions)
        assert_same_step(result, scalar.step(per_env(actions)), t)
        ended = result[2] | result[3]
        ends += int(ended.sum())
        if mode == gym.vector.AutoresetMode.DISABLED and ended.any():
            assert_same_step(vector.reset(options={"reset_mask": ended.copy()}),
                             scalar.reset(options={"reset_mask": ended.copy()}), t)
    assert ends >= n


def test_partial_reset_matches_scalar_envs():
    n = 4
    vector, scalar = HouseholdVectorEnv(num_envs=n, full_info=True), scalar_batch(n)
    assert_same_step(vector.reset(seed=1), scalar.reset(seed=1), -1)
    for t in range(3):
        actions = ["RotateLeft", "MoveAhead", "LookDown", "Stop"]
        assert_same_step(vector.step(actions), scalar.step(actions), t)
    mask = np.array([True, False, False, True])
    assert_same_step(vector.reset(seed=[7, None, None, 8], options={"reset_mask": mask.copy()}),
                     scalar.reset(seed=[7, None, None, 8], options={"reset_mask": mask.copy()}), 3)
    assert_same_step(vector.step(["MoveAhead"] * n), scalar.step(["MoveAhead"] * n), 4)


def test_render_matches_scalar_envs():
    n = 2
    vector = HouseholdVectorEnv(num_envs=n, render_mode="rgb_array")
    scalar = scalar_batch(n, render_mode="rgb_array")
    vector.reset(seed=3), scalar.reset(seed=3)
    for actions in (["MoveAhead", "RotateLeft"], ["MoveAhead", "MoveAhead"], ["RotateRight", "MoveAhead"]):
        vector.step(actions), scalar.step(actions)
    assert_same(vector.render(), scalar.render())


# --- the batch itself -------------------------------------------------------------------

def test_cheap_info_is_the_full_infos_subset_and_worlds_draw_into_the_batch():
    cheap, full = HouseholdVectorEnv(num_envs=3), HouseholdVectorEnv(num_envs=3, full_info=True)
    _, info = cheap.reset(seed=0)
    _, full_info = full.reset(seed=0)
    assert {"task_id", "steps", "failures", "last_action_success", "goal_conditions_met", "success",
            "held_object", "task_type"} <= set(info) < set(full_info)
    assert_same(info, {key: full_info[key] for key in info})
    for i in range(3):
        assert np.shares_memory(cheap.world(i)._layers, cheap._layers)


def test_one_worlds_malformed_action_fails_that_world_only():
    n = 4
    vector, scalar = HouseholdVectorEnv(num_envs=n, full_info=True), scalar_batch(n)
    assert_same_step(vector.reset(seed=5), scalar.reset(seed=5), -1)
    actions = ["MoveAhead", "PickupObject", "RotateLeft", "Jump"]
    result = vector.step(actions)
    assert_same_step(result, scalar.step(actions), 0)
    assert list(result[4]["last_action_success"]) == [result[4]["last_action_success"][0], False, True, False]
    assert "needs a target" in result[4]["error_message"][1]
    assert "unknown action 'Jump'" in result[4]["error_message"][3]


@pytest.mark.parametrize("actions, words", [
    ({"action": np.array([0, 1, 2]), "target": np.zeros(4, np.int64)}, "actions['action'] must be an integer array of shape (4,)"),
    ({"action": np.array([0, 1, 2, 13]), "target": np.zeros(4, np.int64)}, "actions['action'][3] (env 3) is 13: expected 0..12"),
    ({"action": np.zeros(4, np.int64), "target": np.array([0, 0, -1, 0])}, "actions['target'][2] (env 2) is -1"),
    ({"action": np.zeros(4, np.float32), "target": np.zeros(4, np.int64)}, "dtype float32"),
    ({"action": np.zeros(4, np.int64)}, "keys 'action' and 'target'"),
    (np.array([0, 1, 2, 40]), "actions[3] (env 3) is 40: expected 0..12"),
    (["MoveAhead"] * 3, "expected 4 actions (one per env), got 3"),
    ("MoveAhead", "got str"),
])
def test_bad_action_batches_say_which_env_and_what_was_expected(actions, words):
    env = HouseholdVectorEnv(num_envs=4)
    env.reset(seed=0)
    with pytest.raises(ValueError) as error:
        env.step(actions)
    assert words in str(error.value)


def test_make_vec_in_all_three_modes_and_the_vector_contract():
    n = 3
    # AsyncVectorEnv's shared memory decodes Text observations once, when it is built (the
    # instructions would stay what the empty buffer reads), so async goes without it.
    batches = {mode: gym.make_vec("errands/Household-v0", num_envs=n, vectorization_mode=mode,
                                  vector_kwargs={"shared_memory": False} if mode == "async" else None)
               for mode in ("vector_entry_point", "sync", "async")}
    assert isinstance(batches["vector_entry_point"].unwrapped, HouseholdVectorEnv)
    assert isinstance(gym.make_vec("errands/HouseholdVector-v0", num_envs=2).unwrapped, HouseholdVectorEnv)
    first = {mode: envs.reset(seed=21)[0] for mode, envs in batches.items()}
    assert_same(first["vector_entry_point"], first["sync"])
    assert_same(first["vector_entry_point"], first["async"])
    actions = {"action": np.array([ACTIONS.index("RotateLeft"), ACTIONS.index("MoveAhead"), 0]),
               "target": np.zeros(n, np.int64)}
    stepped = {mode: envs.step(actions) for mode, envs in batches.items()}
    for mode in ("sync", "async"):
        assert_same(stepped["vector_entry_point"][0], stepped[mode][0])
        for key in ("steps", "failures", "last_action_success", "goal_conditions_met", "task_id"):
            assert_same(stepped["vector_entry_point"][4][key], stepped[mode][4][key])
    vector = batches["vector_entry_point"]
    single = gym.make("errands/Household-v0")
    assert vector.single_observation_space == single.observation_space
    assert vector.single_action_space == single.action_space
    assert vector.observation_space == gym.vector.utils.batch_space(single.observation_space, n)
    assert vector.action_space == gym.vector.utils.batch_space(single.action_space, n)
    assert vector.metadata["autoreset_mode"] == gym.vector.AutoresetMode.NEXT_STEP
    assert vector.observation_space.contains(stepped["vector_entry_point"][0])
    assert vector.spec.id == "errands/Household-v0"
    for envs in batches.values():
        envs.close()


def test_same_seed_same_batch_and_bad_options():
    def trace(seed):
        env = HouseholdVectorEnv(num_envs=3)
        obs, _ = env.reset(seed=seed)
        env.action_space.seed(seed)
        out = [obs["view"].tobytes(), obs["instruction"]]
        for _ in range(30):
            obs, reward, *_ = env.step(env.action_space.sample())
            out.append((obs["view"].tobytes(), reward.tobytes()))
        return out

    assert trace(4) == trace(4) != trace(5)
    with pytest.raises(ValueError, match="one task .* per env"):
        HouseholdVectorEnv(num_envs=2, tasks=[None])
    with pytest.raises(RuntimeError, match="reset"):
        HouseholdVectorEnv(num_envs=2).step(["Stop", "Stop"])


def test_a_fault_in_one_worlds_rules_cuts_its_episode_short_and_spares_the_others():
    faulty, sound = HouseholdVectorEnv(num_envs=3), HouseholdVectorEnv(num_envs=3)
    faulty.reset(seed=6), sound.reset(seed=6)

    def broken_rules(action):
        raise KeyError("a bug")

    faulty.world(1).step = broken_rules
    target = next(iter(faulty.world(1).objects))  # an object id: only the world's rules can read it
    actions = ["RotateLeft", f"PickupObject {target}", "MoveAhead"]
    with pytest.warns(RuntimeWarning, match=rf"env 1: PickupObject {re.escape(target)} raised KeyError"):
        obs, reward, terminated, truncated, info = faulty.step(actions)
    expected = sound.step(actions)
    assert list(truncated) == [False, True, False] and not terminated[1] and reward[1] == 0.0
    assert not info["last_action_success"][1]
    for i in (0, 2):
        assert_same({key: value[i] for key, value in obs.items()},
                    {key: value[i] for key, value in expected[0].items()})
    obs, *_, info = faulty.step(["RotateLeft"] * 3)  # world 1 starts its next episode
    assert info["steps"][1] == 0 and info["steps"][0] == 2
