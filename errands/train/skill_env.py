"""`errands/HouseholdSkill-v0`: one skill per episode, for reinforcement learning.

`reset` samples a household task (seeded), plans it with the oracle planner, takes a step
of the plan whose skill is among `skills` (GotoLocation by default), and plays the
scripted expert through the plan's earlier steps, so the episode starts where that skill
starts in a real episode. Every such step of a plan is played once, in a random order,
before the next task is drawn (planning is most of a reset's cost); `reset(seed=...)`
always draws afresh, so the same seed gives the same episode. Then the agent acts with the learned policy's outputs: a
primitive action and a target object type, or SkillDone. This is the task a learned skill
policy faces inside the Agent (policies/agent.py), with the same features
(policies/features.py) and the same grounding of targets (features.ground_target).

Observation (a Dict): what a skill policy is given inside the Agent, the household
env's observation with the goal sensors aimed at the skill's target
(envs/household/sensors.py: "instruction", "view", "pose", "held", "point_goal",
"goal_visible"), and the network's inputs made from it: `skill`, the SkillCall as text
("GotoLocation(Fridge)"); `grid`, the symbolic egocentric view (H, W, 4); `extras`, the
categorical extras (held type, horizon, previous action, goal sensors). info is the
household env's (with "goal_holders") and the skill's own entries below.
`SB3SkillObservation` turns this into what stable-baselines3 takes (it has no Text
space): word ids, and integer Boxes.

Action: MultiDiscrete([len(POLICY_ACTIONS), len(TARGET_NAMES)]): the action index (the 13
primitive actions, then SkillDone) and the target type index (0 = none; read only for
interactions).

Reward, per step (the constants below):
- STEP_PENALTY (-0.01) on every step, SkillDone included;
- FAILED_ACTION_PENALTY (-0.05) when the simulator refuses the primitive action;
- GotoLocation only: PROGRESS_REWARD (0.1) times the decrease in the number of actions
  left on the shortest path to the target's nearest interaction pose (moving and
  turning toward it earns it, moving away loses as much: a difference of potentials, so
  wandering earns nothing); every expert action earns +0.1 from it (+0.09 net);
- SkillDone: SUCCESS_BONUS (+1) when the skill's success test (skills.is_done) holds,
  and the episode ends; before it holds, EARLY_DONE_PENALTY (-0.1) and the episode goes
  on: inside the Agent a premature done fails the skill, the planner plans again from
  the same state and the skill starts over. Were it the end, stopping at once would beat
  a random walk's refused actions, and PPO from scratch falls into that (episodes
  shrink to one step); with a larger penalty it learns to avoid SkillDone before
  learning when it holds;
- Stop, or the episode's last allowed failed action, ends the episode with END_PENALTY.
The episode terminates on a successful SkillDone, Stop or too many failed actions, and
is truncated after `max_steps` actions (100, the learned policy's own limit per skill).
info["is_success"] says at the end whether the skill was done (SB3 logs its rate).

Scenes: the split's procedural scenes, or with `layouts_dir` (ALFRED's gen/layouts folder)
ALFRED's real floor plans of the split.

Through the camera (`camera=RES`): the world sees by the agent's RES x RES camera, the
observation also holds "rgb" (the frame) and "previous" (the previous action's code and
whether it succeeded, features.previous_action_code: what the visuomotor network is
given), the skill's plan is written by object type as the RGB-only planners write it
(the goal-skills planner: no object ids), and an interaction's target is a pixel of the
frame: the action is MultiDiscrete([len(POLICY_ACTIONS), RES * RES]), the pixel's index
in row-major order, resolved to the object the frame shows there (`pixel:X,Y`).
`SB3CameraSkillObservation` gives stable-baselines3 only what ALFRED's rule allows:
the frame, the skill's words and the previous action's code.

Perturbed starts (`detour_steps=N`, 0 by default): after the expert, 0 to N random
moves and turns (drawn with the env's seed) take the agent off the expert's path before
the skill starts, so that training meets the states a policy's own mistakes lead to
(next to a wall, facing away) that demonstrations never show.

This env composes the simulator with the oracle planner and the scripted expert (to
reach the skill's start) and the policy features: it is a training env, built on the
layers the Agent uses, not part of the simulator.
"""

from __future__ import annotations

import string

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.envs.registration import EnvSpec

from ..envs import HOUSEHOLD_SKILL_ENV_ID
from ..envs.actions import INTERACTION_ACTIONS, Action, pixel_target
from ..envs.household.navigation import goal_distances
from ..envs.household.scene import Pose, Scene
from ..envs.household.sensors import GoalSensors
from ..envs.household_env import HouseholdEnv
from ..envs.skills import SKILLS, SkillCall, goto_poses, is_done, start_failure

STEP_PENALTY = 0.01
FAILED_ACTION_PENALTY = 0.05
PROGRESS_REWARD = 0.1
SUCCESS_BONUS = 1.0
EARLY_DONE_PENALTY = 0.1
END_PENALTY = 0.5
MAX_SKILL_STEPS = 100
MAX_SKILL_TEXT = 64
RESET_ATTEMPTS = 50
ANY_SKILL = "any"
DETOUR_ACTIONS = ("MoveAhead", "MoveAhead", "RotateLeft", "RotateRight")  # moving ahead as often as turning


class HouseholdSkillEnv(gym.Env):
    metadata = {"render_modes": ["rgb_array"], "render_fps": 4}

    def __init__(self, skills: str | tuple[str, ...] = "GotoLocation", split: str = "seen",
                 max_steps: int = MAX_SKILL_STEPS, view_size: int = 9, render_mode: str | None = None,
                 detour_steps: int = 0, layouts_dir: str | None = None, camera: int | None = None):
        from ..policies.features import POLICY_ACTIONS, PREVIOUS_CODES, TARGET_NAMES, household_spec

        self.skills = parse_skills(skills)
        if not isinstance(max_steps, int) or max_steps < 1:
            raise ValueError(f"max_steps must be a positive integer, got {max_steps!r}")
        self.max_steps = max_steps
        if not isinstance(detour_steps, int) or detour_steps < 0:
            raise ValueError(f"detour_steps must be a non-negative integer, got {detour_steps!r}")
        self.detour_steps = detour_steps
        self.camera = check_camera(camera)
        seeing = {"observations": ("view", "rgb"), "resolution": camera, "visibility": "camera"} if camera else {}
        self.household = HouseholdEnv(split=split, view_size=view_size, render_mode=render_mode,
                                      layouts_dir=layouts_dir,
                                      scenes="alfred_floorplans" if layouts_dir else "procedural", **seeing)
        self.sensed = GoalSensors(self.household)  # the skill's steps, read with the goal sensors
        self.render_mode = render_mode
        self.spec_features = household_spec(view_size)
        grid_high = np.broadcast_to(np.array(self.spec_features.grid_vocab, dtype=np.uint8) - 1,
                                    self.spec_features.grid_shape)
        self.observation_space = spaces.Dict({
            **self.sensed.observation_space.spaces,
            "skill": spaces.Text(MAX_SKILL_TEXT, charset=string.printable),
            "grid": spaces.Box(np.zeros_like(grid_high), grid_high.copy(), dtype=np.uint8),
            "extras": spaces.MultiDiscrete(np.array(self.spec_features.extras_vocab, dtype=np.int64)),
            **({"previous": spaces.Discrete(PREVIOUS_CODES)} if camera else {}),
        })
        targets = camera * camera if camera else len(TARGET_NAMES)  # a pixel of the frame, or an object type
        self.action_space = spaces.MultiDiscrete([len(POLICY_ACTIONS), targets])
        self.action_names, self.target_names = POLICY_ACTIONS, TARGET_NAMES
        self.call: SkillCall | None = None
        self.task = None
        self._starts: list[tuple] = []  # (task, plan, step index) of the episodes still to play

    @property
    def world(self):
        return self.household.world

    # --- Gymnasium API ---------------------------------------------------------------

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        from ..policies.learned import SkillTracker

        super().reset(seed=seed)
        if seed is not None:
            self._starts = []  # a fresh draw: the same seed gives the same episode
        problems = []
        while len(problems) < RESET_ATTEMPTS:
            problem = None if self._starts else self._draw_task()
            if problem is None:
                problem = self._start_skill(*self._starts.pop())
            if problem is None:
                break
            problems.append(problem)
        else:
            raise RuntimeError(f"no task reached the start of a {'/'.join(self.skills)} skill in {RESET_ATTEMPTS} "
                               f"draws; last problems: {problems[-3:]}")
        self.tracker = SkillTracker()
        self.steps = 0
        self._left = self._distance(self.world.agent) if self._distance else None
        return self._observation(self._obs, self._info), self._report(self._info)

    def step(self, action):
        if self.call is None:
            raise RuntimeError("call reset() before step()")
        index, target = _action_pair(action, *(int(n) for n in self.action_space.nvec))
        name = self.action_names[index]
        self.steps += 1
        reward = -STEP_PENALTY
        success, cut = None, False
        if name == "SkillDone":
            done = is_done(self.world, self.call)
            reward += SUCCESS_BONUS if done else -EARLY_DONE_PENALTY
            success = True if done else None
            terminated, obs, info = done, self._obs, self._info
        else:
            primitive = Action(name, self._target(name, target))
            self.tracker.took(primitive)
            obs, _, stopped, cut, info = self.sensed.step(primitive)
            self._obs, self._info = obs, info
            if not info["last_action_success"]:
                reward -= FAILED_ACTION_PENALTY
            if self._distance is not None:
                left = self._distance(self.world.agent)
                reward += PROGRESS_REWARD * (self._left - left)
                self._left = left
            terminated = stopped  # Stop, or the episode's last allowed failed action
            if terminated:
                success = False
                reward -= END_PENALTY
        truncated = not terminated and (self.steps >= self.max_steps or cut)
        if truncated:
            success = False
        report = self._report(info)
        if success is not None:
            report["is_success"] = success
        return self._observation(obs, info), float(reward), terminated, truncated, report

    def render(self):
        return self.household.render()

    # --- the start of a skill ----------------------------------------------------------

    def _draw_task(self) -> str | None:
        """Sample a task and plan it; each plan step with a wanted skill becomes an episode
        to play, in a random order (planning is most of a reset's cost, so it is done
        once per task). None when it worked, else why not (the caller draws again)."""
        from ..planners.base import PlanningContext, PlanningError
        from ..planners.goal_skills import GoalSkillsPlanner
        from ..planners.oracle import OraclePlanner

        env = self.household
        task = env.sampler.sample(self.np_random)
        env.reset(options={"task": task})
        planner = GoalSkillsPlanner() if self.camera else OraclePlanner()  # by type, as the RGB-only planners plan
        try:
            plan = planner.plan(task.instruction, PlanningContext(task.instruction, goal=task.goal, world=env.world))
        except PlanningError as e:
            return f"{task.task_id}: no plan ({e})"
        wanted = [i for i, call in enumerate(plan.steps) if call.skill in self.skills]
        if not wanted:
            return f"{task.task_id}: the plan has no {'/'.join(self.skills)} step"
        self._starts = [(task, plan, int(i)) for i in self.np_random.permutation(wanted)]
        return None

    def _start_skill(self, task, plan, chosen: int) -> str | None:
        """Rebuild the task's world and play the expert through the plan's steps before
        `chosen`; None when the skill can start, else why not."""
        from ..policies.base import reset_policy
        from ..policies.expert import ExpertSkillPolicy, SkillImpossible
        from ..policies.features import goal_target

        env = self.household
        obs, info = env.reset(options={"task": task})
        world = env.world
        expert = ExpertSkillPolicy()
        reset_policy(expert, env)
        for call in plan.steps[:chosen]:
            try:
                actions = expert.actions_for(call)
            except SkillImpossible as e:
                return f"{task.task_id}: the expert cannot do {call} ({e})"
            for action in actions:
                obs, _, terminated, truncated, info = env.step(action)
                if not info["last_action_success"] or terminated or truncated:
                    return f"{task.task_id}: the expert's {action} failed during {call}"
            if not is_done(world, call):
                return f"{task.task_id}: the expert did not finish {call}"
        call = plan.steps[chosen]
        unmet = start_failure(world, call)  # as the Agent checks
        if unmet is not None:
            return f"{task.task_id}: {call} cannot start ({unmet.message})"
        obs, info = self._detour(obs, info)
        poses = goto_poses(world, call) if call.skill == "GotoLocation" else None
        if poses == []:
            return f"{task.task_id}: no pose reaches the target of {call}"
        self.task, self.call = task, call
        self._obs, self._info = self.sensed.set_goal_target(goal_target(call), obs, info)
        self._distance = _PoseDistance(world.scene, poses) if poses else None
        return None

    def _detour(self, obs: dict, info: dict) -> tuple[dict, dict]:
        """0 to `detour_steps` random moves and turns (refused ones included: they are
        part of the state the skill starts from)."""
        for _ in range(int(self.np_random.integers(self.detour_steps + 1))):
            name = DETOUR_ACTIONS[int(self.np_random.integers(len(DETOUR_ACTIONS)))]
            obs, _, _, _, info = self.household.step(Action(name))
        return obs, info

    # --- what comes back -----------------------------------------------------------------

    def _target(self, name: str, target: int) -> str | None:
        """The object an interaction aims at, grounded as the learned policy grounds it."""
        from ..policies.features import ground_target

        if name not in INTERACTION_ACTIONS:
            return None
        if self.camera:
            return pixel_target(target % self.camera, target // self.camera)
        if target == 0:
            return None
        return ground_target(self.target_names[target], self._info)

    def _observation(self, obs: dict, info: dict) -> dict:
        """The observation with the network's inputs, in arrays of its own (a SkillDone
        step returns the state of the step before, which must not share them)."""
        from ..policies.features import previous_action_code

        grid, extras, _ = self.tracker.observe(obs, info, self.call)
        fresh = {key: value.copy() if isinstance(value, np.ndarray) else value for key, value in obs.items()}
        seen = {"previous": previous_action_code(self.tracker.previous, bool(info.get("last_action_success", True)))
                } if self.camera else {}
        return {**fresh, "skill": str(self.call), "grid": grid, "extras": extras, **seen}

    def _report(self, info: dict) -> dict:
        return {**info, "skill": str(self.call), "skill_steps": self.steps, "actions_left": self._left}


class _PoseDistance:
    """The number of primitive actions on the shortest path from a pose to the nearest
    goal pose (navigation.shortest_actions' length), for every pose at a camera horizon
    from one backward search (navigation.goal_distances), made when a pose at that
    horizon is first asked about."""

    def __init__(self, scene: Scene, goals: list[Pose]):
        self.scene, self.goals = scene, goals
        self.by_horizon: dict[int, np.ndarray] = {}

    def __call__(self, pose: Pose) -> int:
        if pose.horizon not in self.by_horizon:
            self.by_horizon[pose.horizon] = goal_distances(self.scene, self.goals, pose.horizon)
        length = int(self.by_horizon[pose.horizon][pose.heading // 90, pose.row, pose.col])
        if length < 0:  # cannot happen from a walkable pose; say so rather than guess
            raise RuntimeError(f"no path from {pose} to the target's poses in {self.scene.name}")
        return length


def parse_skills(skills) -> tuple[str, ...]:
    """Skill names from a name, "A,B", a sequence of names, or "any" (every skill)."""
    if skills == ANY_SKILL:
        return tuple(SKILLS)
    names = tuple(s.strip() for s in skills.split(",")) if isinstance(skills, str) else tuple(skills)
    unknown = [s for s in names if s not in SKILLS]
    if unknown or not names:
        raise ValueError(f"unknown skills {unknown or names!r}: expected some of {', '.join(SKILLS)} or {ANY_SKILL!r}")
    return names


def check_camera(camera) -> int | None:
    """None (the symbolic view), or a camera resolution the visuomotor network takes."""
    if camera is None:
        return None
    if not isinstance(camera, int) or isinstance(camera, bool) or camera < 8 or camera % 8:
        raise ValueError(f"camera must be a resolution in pixels, a multiple of 8 (e.g. 64), got {camera!r}")
    return camera


def _action_pair(action, n_actions: int, n_targets: int) -> tuple[int, int]:
    try:
        index, target = (int(v) for v in np.asarray(action).reshape(-1))
    except (TypeError, ValueError):
        raise ValueError(f"malformed action {action!r}: expected [action index, target index]") from None
    if not (0 <= index < n_actions and 0 <= target < n_targets):
        raise ValueError(f"action {action!r} out of range: expected action 0..{n_actions - 1}, "
                         f"target 0..{n_targets - 1}")
    return index, target


class SB3SkillObservation(gym.ObservationWrapper):
    """What stable-baselines3 takes: it has no Text space, so the skill becomes its word
    ids (household_vocabulary, 0-padded to `max_words`); the grid is flattened and the
    extras become integer Boxes with their exact bounds (SB3 would one-hot a
    MultiDiscrete, and treat a uint8 (H, W, C) Box in 0..255 as an image to rescale and
    transpose). The policy (train/sb3_policy.py) reshapes and embeds them as the network
    does."""

    def __init__(self, env: gym.Env, max_words: int = 8):
        super().__init__(env)
        from ..policies.features import household_vocabulary

        self.vocabulary = household_vocabulary()
        self.max_words = max_words
        space = env.observation_space
        grid, extras = space["grid"], space["extras"]
        self.observation_space = spaces.Dict({
            "grid": spaces.Box(grid.low.reshape(-1), grid.high.reshape(-1), dtype=np.uint8),
            "extras": spaces.Box(np.zeros(len(extras.nvec), dtype=np.int64), extras.nvec.astype(np.int64) - 1,
                                 dtype=np.int64),
            "text": self.text_space(),
        })

    def text_space(self) -> spaces.Box:
        return spaces.Box(0, len(self.vocabulary) - 1, (self.max_words,), dtype=np.int64)

    def word_ids(self, skill: str) -> np.ndarray:
        """The skill's word ids, 0-padded to max_words."""
        ids = self.vocabulary.encode(skill)
        if len(ids) > self.max_words:
            raise ValueError(f"skill {skill!r} has {len(ids)} words; max_words is {self.max_words}")
        text = np.zeros(self.max_words, dtype=np.int64)
        text[:len(ids)] = ids
        return text

    def observation(self, observation: dict) -> dict:
        return {"grid": np.asarray(observation["grid"], dtype=np.uint8).reshape(-1),
                "extras": np.asarray(observation["extras"], dtype=np.int64),
                "text": self.word_ids(observation["skill"])}


class SB3CameraSkillObservation(SB3SkillObservation):
    """What stable-baselines3 takes under ALFRED's rule: the camera's frame (flattened, so
    that SB3 neither rescales nor transposes it as an image), the skill's word ids and the
    previous action's code; nothing of the symbolic view, the goal sensors or the world."""

    def __init__(self, env: gym.Env, max_words: int = 8):
        gym.ObservationWrapper.__init__(self, env)
        from ..policies.features import PREVIOUS_CODES, household_vocabulary

        if "rgb" not in env.observation_space.spaces:
            raise ValueError("SB3CameraSkillObservation needs a skill env that sees through the camera (camera=RES)")
        self.vocabulary = household_vocabulary()
        self.max_words = max_words
        rgb = env.observation_space["rgb"]
        self.observation_space = spaces.Dict({
            "rgb": spaces.Box(0, 255, (int(np.prod(rgb.shape)),), dtype=np.uint8),
            "text": self.text_space(),
            "previous": spaces.Box(0, PREVIOUS_CODES - 1, (1,), dtype=np.int64),
        })

    def observation(self, observation: dict) -> dict:
        return {"rgb": np.asarray(observation["rgb"], dtype=np.uint8).reshape(-1),
                "text": self.word_ids(observation["skill"]),
                "previous": np.array([observation["previous"]], dtype=np.int64)}


def make_sb3_skill_env(**kwargs) -> gym.Env:
    """`errands/HouseholdSkill-v0` wrapped for stable-baselines3 (the factory that
    SubprocVecEnv workers call; keyword arguments go to the env): its symbolic inputs, or
    with `camera` only the camera's. Made from its spec, with the wrappers gym.make adds,
    so that a fresh worker needs no registry."""
    env = gym.make(EnvSpec(HOUSEHOLD_SKILL_ENV_ID, entry_point=HouseholdSkillEnv), **kwargs)
    return SB3CameraSkillObservation(env) if kwargs.get("camera") else SB3SkillObservation(env)
