"""N skill episodes stepped as one batch: `errands/HouseholdSkill-v0` (skill_env.py) over
`HouseholdVectorEnv`, as a stable-baselines3 `VecEnv` (what `errands train rl --vector N`
trains on).

It gives what `DummyVecEnv([Monitor(SB3SkillObservation(HouseholdSkillEnv())), ...])`
gives, seed for seed and action for action: the same observations, rewards, dones and
(for the keys it carries) infos; tests/train/test_vector_skill_env.py plays both side by
side. How:

- Episode starts (a sampled task, the oracle's plan, the expert's play up to the skill,
  the detour) are the scalar env's own code: world i has a HouseholdSkillEnv (its
  "starter") whose reset does all of it, with world i's seeds, in a scalar HouseholdEnv;
  the world it reaches is then handed to the batch (`HouseholdVectorEnv.adopt`) with its
  step and failure counts, and the starter's first observation is the episode's.
- Steps: the primitive actions of every world go to the batch in one `step` (a world
  whose policy said SkillDone sits the step out, as the scalar env does not step its
  household then); the rewards, ends and the network's inputs (view, extras, word ids)
  are worked out from the batch's arrays, and per world only what reads the world: the
  goal sensors, the shortest-path progress, SkillDone's success test, and the target
  grounding of an interaction.

info, per env (SB3's list of dicts): "skill", "skill_steps", "actions_left",
"is_success" at an episode's end, the household info's cheap keys
(HouseholdVectorEnv.CHEAP_INFO_KEYS), Monitor's "episode" and DummyVecEnv's
"TimeLimit.truncated" and "terminal_observation". The household info's per-world keys
(visible objects, messages, positions, "goal_holders") are left out: they cost a world
each, and training does not read them.

An episode start that raises (the starter found no task to start the skill from, or a
fault) is recorded in `start_errors` with a RuntimeWarning and drawn again; a fault in
one world's rules cuts that episode short (truncated, as HouseholdVectorEnv does) and the
others go on.

`get_attr`, `set_attr` and `env_method` reach the starters: their settings are the
envs', but the worlds in play are the batch's (`world(i)`).

The batch is NumPy on the CPU whatever PPO's device: the policy makes torch tensors of
it (on `--device cuda`, on the GPU) at its boundary, as SB3 does for any VecEnv.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from gymnasium.vector import AutoresetMode
from stable_baselines3.common.vec_env.base_vec_env import VecEnv

from ..envs.actions import ACTIONS, INTERACTION_ACTIONS, Action
from ..envs.household.scene import HORIZONS, Pose
from ..envs.household.sensors import goal_holders, goal_visible, point_goal
from ..envs.household_vector_env import CHEAP_INFO_KEYS, SIT_OUT, HouseholdVectorEnv
from ..envs.skills import is_done
from .skill_env import (
    END_PENALTY,
    FAILED_ACTION_PENALTY,
    MAX_SKILL_STEPS,
    PROGRESS_REWARD,
    STEP_PENALTY,
    SUCCESS_BONUS,
    EARLY_DONE_PENALTY,
    HouseholdSkillEnv,
    SB3SkillObservation,
)

START_RETRIES = 3  # episode starts that may raise in a row in one world before the run stops
HORIZON_INDEX = {h: k for k, h in enumerate(HORIZONS)}
# extras' columns (policies/features.household_features): held, horizon, previous action,
# the point-goal sensor's three codes, goal_visible
HELD, HORIZON, PREVIOUS, POINT_GOAL, GOAL_VISIBLE = 0, 1, 2, slice(3, 6), 6


class VectorSkillEnv(VecEnv):
    """`num_envs` skill episodes over one HouseholdVectorEnv; keyword arguments are
    HouseholdSkillEnv's (skills, split, max_steps, view_size, detour_steps, layouts_dir)."""

    def __init__(self, num_envs: int, skills="GotoLocation", split: str = "seen", max_steps: int = MAX_SKILL_STEPS,
                 view_size: int = 9, detour_steps: int = 0, layouts_dir: str | None = None):
        if isinstance(num_envs, bool) or not isinstance(num_envs, (int, np.integer)) or num_envs < 1:
            raise ValueError(f"num_envs must be a positive integer (skill episodes in the batch), got {num_envs!r}")
        n = int(num_envs)
        kwargs = dict(skills=skills, split=split, max_steps=max_steps, view_size=view_size,
                      detour_steps=detour_steps, layouts_dir=layouts_dir)
        self.starters = [SB3SkillObservation(HouseholdSkillEnv(**kwargs)) for _ in range(n)]
        first = self.starters[0]
        skill_env, household = first.unwrapped, first.unwrapped.household
        # The batch never draws a task: every world comes from a starter (adopt).
        self.batch = HouseholdVectorEnv(num_envs=n, layouts_dir=layouts_dir, view_size=view_size,
                                        max_steps=household.max_steps, max_failures=household.max_failures,
                                        autoreset_mode=AutoresetMode.DISABLED)
        self.max_steps = skill_env.max_steps
        self.action_names, self.target_names = skill_env.action_names, skill_env.target_names
        self.start_errors: list[dict] = []  # {"env", "error"} of the episode starts that raised
        super().__init__(n, first.observation_space, first.action_space)
        # Per world: the skill episode in play.
        self._calls = [None] * n
        self._targets = [None] * n  # the goal sensors' GoalTarget
        self._distances = [None] * n  # GotoLocation's shortest-path lengths (skill_env._PoseDistance)
        self._left: list[int | None] = [None] * n
        self._skill_steps = np.zeros(n, np.int64)
        self._returns = np.zeros(n, np.float64)  # Monitor's episode statistics
        self._lengths = np.zeros(n, np.int64)
        self._grid = np.zeros((n, *first.observation_space["grid"].shape), np.uint8)
        self._extras = np.zeros((n, *first.observation_space["extras"].shape), np.int64)
        self._text = np.zeros((n, *first.observation_space["text"].shape), np.int64)
        self._household_info: list[dict] = [{} for _ in range(n)]  # the cheap keys, as of each world's last step
        self._actions: np.ndarray | None = None
        self._started_at = time.time()

    # --- SB3's VecEnv API -------------------------------------------------------------

    def reset(self):
        for i in range(self.num_envs):
            self._start(i, self._seeds[i], self._options[i])
        self._reset_seeds()
        self._reset_options()
        return self._observations()

    def step_async(self, actions: np.ndarray) -> None:
        self._actions = actions

    def step_wait(self):
        if self._calls[0] is None:
            raise RuntimeError("call reset() before step()")
        n = self.num_envs
        index, target = self._check(self._actions)
        names = [self.action_names[k] for k in index.tolist()]
        skill_done = np.array([name == "SkillDone" for name in names])
        primitives = [SIT_OUT if skill_done[i] else Action(names[i], self._ground(i, names[i], int(target[i])))
                      for i in range(n)]
        self._skill_steps += 1
        rewards = np.full(n, -STEP_PENALTY)
        terminated, cut = np.zeros(n, bool), np.zeros(n, bool)
        is_success: dict[int, bool] = {}
        for i in skill_done.nonzero()[0].tolist():
            if is_done(self.batch.world(i), self._calls[i]):
                rewards[i] += SUCCESS_BONUS
                terminated[i] = is_success[i] = True
            else:
                rewards[i] += -EARLY_DONE_PENALTY
        acted = ~skill_done
        if acted.any():
            obs, _, stopped, truncated, info = self.batch.step(primitives)
            failed = acted & ~info["last_action_success"]
            rewards[failed] -= FAILED_ACTION_PENALTY
            self._grid[acted] = obs["view"][acted].reshape(int(acted.sum()), -1)
            columns = {key: info[key].tolist() for key in CHEAP_INFO_KEYS}
            for i in acted.nonzero()[0].tolist():
                self._household_info[i] = {key: columns[key][i] for key in CHEAP_INFO_KEYS}
                self._sense(i, primitives[i], columns["last_action_success"][i], rewards)
            stopped &= acted
            rewards[stopped] -= END_PENALTY
            terminated |= stopped
            cut = truncated & acted
            for i in stopped.nonzero()[0].tolist():
                is_success[i] = False
        truncated = ~terminated & ((self._skill_steps >= self.max_steps) | cut)
        for i in truncated.nonzero()[0].tolist():
            is_success[i] = False
        dones = terminated | truncated
        self._returns += rewards
        self._lengths += 1
        infos = self._infos()
        for i, success in is_success.items():
            infos[i]["is_success"] = success
        for i in dones.nonzero()[0].tolist():
            infos[i]["TimeLimit.truncated"] = bool(truncated[i])
            infos[i]["terminal_observation"] = {"grid": self._grid[i].copy(), "extras": self._extras[i].copy(),
                                                "text": self._text[i].copy()}
            infos[i]["episode"] = {"r": round(float(self._returns[i]), 6), "l": int(self._lengths[i]),
                                   "t": round(time.time() - self._started_at, 6)}
            self._start(i, None, None)
        for i in range(n):
            if not dones[i]:
                infos[i]["TimeLimit.truncated"] = False
        return self._observations(), rewards.astype(np.float32), dones, infos

    def close(self) -> None:
        for starter in self.starters:
            starter.close()
        self.batch.close()

    def world(self, i: int):
        """World i as the batch has it now."""
        return self.batch.world(i)

    def get_attr(self, attr_name: str, indices=None) -> list:
        return [getattr(self.starters[i], attr_name) for i in self._get_indices(indices)]

    def set_attr(self, attr_name: str, value, indices=None) -> None:
        for i in self._get_indices(indices):
            setattr(self.starters[i], attr_name, value)

    def env_method(self, method_name: str, *method_args, indices=None, **method_kwargs) -> list:
        return [getattr(self.starters[i], method_name)(*method_args, **method_kwargs)
                for i in self._get_indices(indices)]

    def env_is_wrapped(self, wrapper_class, indices=None) -> list[bool]:
        from stable_baselines3.common.env_util import is_wrapped

        return [is_wrapped(self.starters[i], wrapper_class) for i in self._get_indices(indices)]

    # --- episodes ---------------------------------------------------------------------

    def _start(self, i: int, seed: int | None, options: dict | None) -> None:
        """A new skill episode in world i: the starter plays the way there, the batch
        takes the world over."""
        starter = self.starters[i]
        for attempt in range(START_RETRIES + 1):
            try:
                obs, self.reset_infos[i] = starter.reset(seed=seed, options=options or None)
                break
            except Exception as e:  # noqa: BLE001 - one world's failed start must not stop the others
                self.start_errors.append({"env": i, "error": f"{type(e).__name__}: {e}"})
                warnings.warn(f"env {i}: a skill episode could not start ({type(e).__name__}: {e}); drawing "
                              f"another", RuntimeWarning, stacklevel=3)
                if attempt == START_RETRIES:
                    raise RuntimeError(f"env {i}: {START_RETRIES + 1} skill episode starts in a row raised; last: "
                                       f"{type(e).__name__}: {e}") from e
                seed = None  # the starter's generator has moved on: the next draw differs
        skill = starter.unwrapped
        household = skill.household
        self.batch.adopt(i, skill.task, household.world, household.steps, household.failures,
                         household.last_success)
        self._calls[i], self._targets[i] = skill.call, skill.sensed.target
        self._distances[i], self._left[i] = skill._distance, skill._left
        self._skill_steps[i] = 0
        self._returns[i], self._lengths[i] = 0.0, 0
        self._grid[i], self._extras[i], self._text[i] = obs["grid"], obs["extras"], obs["text"]
        self._household_info[i] = {key: skill._info[key] for key in CHEAP_INFO_KEYS}

    def _check(self, actions) -> tuple[np.ndarray, np.ndarray]:
        """(action indices, target indices), checked as the scalar env checks one action."""
        n = self.num_envs
        array = np.asarray(actions)
        if array.shape != (n, 2) or array.dtype.kind not in "iuf":
            raise ValueError(f"expected an ({n}, 2) array of [action index, target index] (one row per env), got "
                             f"shape {array.shape} and dtype {array.dtype}")
        pairs = array.astype(np.int64)
        if not np.array_equal(pairs, array):
            i = int(np.argwhere(pairs != array)[0][0])
            raise ValueError(f"env {i}: malformed action {array[i].tolist()!r}: expected integer indices")
        index, target = pairs[:, 0], pairs[:, 1]
        bad = (index < 0) | (index >= len(self.action_names)) | (target < 0) | (target >= len(self.target_names))
        if bad.any():
            i = int(bad.argmax())
            raise ValueError(f"env {i}: action {pairs[i].tolist()!r} out of range: expected action "
                             f"0..{len(self.action_names) - 1}, target 0..{len(self.target_names) - 1}")
        return index, target

    def _ground(self, i: int, name: str, target: int) -> str | None:
        """The object an interaction aims at, grounded as the scalar env grounds it
        (features.ground_target over the info of the state in hand)."""
        from ..policies.features import ground_target

        if name not in INTERACTION_ACTIONS or target == 0:
            return None
        world = self.batch.world(i)
        info = {"visible_objects": world.visible_ids(), "held_object": world.held,
                "goal_holders": goal_holders(world, self._targets[i])}
        return ground_target(self.target_names[target], info)

    def _sense(self, i: int, action: Action, success: bool, rewards: np.ndarray) -> None:
        """World i after its primitive action: the shortest-path progress and the network's
        inputs (the view, held type, horizon, previous action and the goal sensors)."""
        world = self.batch.world(i)
        if self._distances[i] is not None:
            left = self._distances[i](world.agent)
            rewards[i] += PROGRESS_REWARD * (self._left[i] - left)
            self._left[i] = left
        extras = self._extras[i]
        agent = world.agent
        extras[HELD] = world.objects[world.held].type.index if world.held else 0
        extras[HORIZON] = HORIZON_INDEX[agent.horizon]
        extras[PREVIOUS] = 1 + ACTIONS.index(action.name) + (0 if success else len(ACTIONS))
        extras[POINT_GOAL] = point_goal(world, self._targets[i])
        extras[GOAL_VISIBLE] = goal_visible(world, self._targets[i])

    # --- what comes back ----------------------------------------------------------------

    def _observations(self) -> dict:
        return {"grid": self._grid.copy(), "extras": self._extras.copy(), "text": self._text.copy()}

    def _infos(self) -> list[dict]:
        """Each env's info: the household info's cheap keys and the skill's keys."""
        return [{**self._household_info[i], "skill": str(self._calls[i]), "skill_steps": int(self._skill_steps[i]),
                 "actions_left": self._left[i]} for i in range(self.num_envs)]


def make_vector_skill_env(num_envs: int, **kwargs) -> VectorSkillEnv:
    """The batched skill env with HouseholdSkillEnv's keyword arguments (RLConfig.env_kwargs)."""
    return VectorSkillEnv(num_envs, **kwargs)
