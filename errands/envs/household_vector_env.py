"""`errands/HouseholdVector-v0`: N household worlds stepped as one batch, each with its
own task and scene, under the rules of `errands/Household-v0` (household_env.py).

What is batched (structure of arrays, no Python loop over worlds): the agents' poses,
the step and failure counters, the held types, a padded floor mask and the symbolic map
layers of all worlds in one (N, H, W, 4) array; navigation (MoveAhead, rotations,
LookUp/LookDown) and Stop; the egocentric views, cut from the batch with one gather;
rewards, terminations and truncations; the interactions the rules certainly refuse
(nothing held to put, no target, nothing of the target type visible: decided from bit
tables, household_vector_refusals.py, with the rules' messages); with a start pool,
resets.

What loops over worlds, through the same scalar code HouseholdEnv runs (so the rules are
identical by construction): the other interactions (each world's own `World.step`, after
its agent is set from the arrays; a World's `_layers` is a view into the batch array, so
what an interaction redraws lands in the batch), the goal conditions of the worlds that
changed, resets without a pool, and with `full_info=True` the keys that are per world by
nature (visible objects, messages, positions).

Camera frames ("rgb", "depth", "segmentation", as HouseholdEnv's `observations` and
`resolution` declare them) are drawn for all worlds by one call of the compiled kernel
the scalar camera uses (render/batch_camera.py), so they are the scalar env's frames; a
world's visibility reads the frame its observation showed.

Episodes end and reset as Gymnasium 1.x defines it (`autoreset_mode`, NEXT_STEP by
default). How a new episode's task is drawn:
  * given tasks (`task`, `tasks`, reset options) are played as given;
  * by default (start_pool=0) every new episode samples its task and builds its scene and
    World with the scalar env's code: reset(seed=s) seeds world i with s + i, as
    SyncVectorEnv over HouseholdEnv does, so world i plays exactly the scalar env's
    episodes for that seed, autoresets included;
  * with start_pool=P, reset(seed=s) builds a pool of P starts: slot k is the task
    HouseholdEnv samples for seed s + k, world i's first episode is slot i mod P, and
    every later new episode copies a slot drawn by a generator seeded with s, making its
    World only when something needs it; pool_refresh=R rebuilds the oldest slot every R
    such starts with the next seed's task. `start_slots` and `start_seeds` say where each
    world's episode came from. Same seed, same episodes (household_vector_starts.py says
    the rest).

Actions: a batch of the Dict action space ({"action": (N,), "target": (N,)} integer
arrays, checked: a wrong shape or a value outside the space is a ValueError naming the
env), an (N,) array of action indices, or a list of N actions in any form
`Action.parse` takes (each parsed as the scalar env parses it: a malformed one is a
failed action of its world only); in a list, SIT_OUT means that world does not act
this step (it stands as it is, counting no step: for trainers whose worlds wait on
something else, e.g. between episodes).

A fault in one world's rules (an exception other than the ValueError of a refused
action, which the scalar env would raise) ends that world's episode as truncated, with
a RuntimeWarning; the other worlds step on.

info follows Gymnasium's vector convention (arrays with "_key" masks); every key means
what HouseholdEnv's key means, formatted as SyncVectorEnv batches it. By default only
the keys that cost nothing per world (CHEAP_INFO_KEYS); `full_info=True` adds the rest.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from gymnasium.utils import seeding
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from .actions import ACTIONS, Action
from .household.object_types import NUM_TYPES, TYPE_NAMES
from .household.render.batch_camera import BatchCamera
from .household.render.camera import CAMERA_KEYS, parse_resolution
from .household.scene import FLOOR, HORIZONS, Pose
from .household.topdown import render_topdown
from .household.world import World, look_error, view_offsets
from .household_env import (
    MAX_FAILURES,
    MAX_INSTRUCTION_LENGTH,
    MAX_STEPS,
    household_spaces,
    observation_keys,
    task_world,
    text_in_view,
    visibility_rule,
)
from .household_vector_actions import (
    AHEAD_COL,
    AHEAD_ROW,
    IDLE,
    INTERACTS,
    LOOKS,
    MALFORMED,
    MOVES,
    NAVIGATES,
    RESETTING,
    SIT_OUT,
    STEPPED,
    STOP,
    TURNS,
    parse_actions,
)
from .household_vector_info import CHEAP_INFO_KEYS, FULL_INFO_KEYS, BatchInfo
from .household_vector_refusals import (
    MAYBE,
    WORDS,
    VisibleTypeTables,
    certain_refusals,
    refusal_message,
    type_rows,
)
from .household_vector_starts import StartPool, sampled_tasks
from .tasks.goals import TASK_TYPES, goal_conditions, goal_reads_view
from .tasks.sampler import TaskSampler, task_for_episode
from .tasks.task import Task

__all__ = ["CHEAP_INFO_KEYS", "FULL_INFO_KEYS", "SIT_OUT", "HouseholdVectorEnv"]

class HouseholdVectorEnv(BatchInfo, VectorEnv):
    metadata = {"render_modes": ["rgb_array"], "render_fps": 4, "autoreset_mode": AutoresetMode.NEXT_STEP}

    def __init__(
        self,
        num_envs: int | None = None,
        tasks: list[Task | dict | None] | None = None,
        task: Task | dict | None = None,
        scene: int | str | None = None,
        split: str = "seen",
        layouts_dir: str | None = None,
        view_size: int = 9,
        max_steps: int = MAX_STEPS,
        max_failures: int = MAX_FAILURES,
        render_mode: str | None = None,
        observations: tuple[str, ...] | str = ("view",),
        resolution: int | tuple[int, int] = 64,
        scenes: str = "procedural",
        visibility: str | None = None,
        full_info: bool = False,
        autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
        start_pool: int = 0,
        pool_refresh: int = 0,
    ):
        if num_envs is None:
            num_envs = len(tasks) if tasks is not None else 1
        if not isinstance(num_envs, (int, np.integer)) or num_envs < 1:
            raise ValueError(f"num_envs must be a positive integer, got {num_envs!r}")
        if tasks is not None and len(tasks) != num_envs:
            raise ValueError(f"tasks must list one task (or None) per env: got {len(tasks)} for num_envs={num_envs}")
        if tasks is not None and task is not None:
            raise ValueError("give either task (every env's) or tasks (one per env), not both")
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        if not isinstance(start_pool, (int, np.integer)) or start_pool < 0:
            raise ValueError(f"start_pool must be an integer >= 0 (0: no pool), got {start_pool!r}")
        if not isinstance(pool_refresh, (int, np.integer)) or pool_refresh < 0:
            raise ValueError(f"pool_refresh must be an integer >= 0 (0: the pool's tasks stay), got {pool_refresh!r}")
        if pool_refresh and not start_pool:
            raise ValueError(f"pool_refresh={pool_refresh} rebuilds slots of a start pool: give start_pool > 0 too")
        self.num_envs = n = int(num_envs)
        self.start_pool = int(start_pool)
        self.pool_refresh = int(pool_refresh)
        self.autoreset_mode = AutoresetMode(autoreset_mode)
        self.metadata = {**self.metadata, "autoreset_mode": self.autoreset_mode}
        self.render_mode = render_mode
        self.observations = observation_keys(observations)
        self.resolution = parse_resolution(resolution)
        self.visibility = visibility_rule(self.observations, visibility)
        self.single_observation_space, self.single_action_space = household_spaces(
            view_size, self.observations, self.resolution)
        self.observation_space = batch_space(self.single_observation_space, n)
        self.action_space = batch_space(self.single_action_space, n)
        self.view_size = view_size
        self.max_steps = max_steps
        self.max_failures = max_failures
        self.layouts_dir = layouts_dir
        self.full_info = full_info
        self.sampler = TaskSampler(split=split, scene=scene, layouts_dir=layouts_dir, scenes=scenes)
        self._pool_kwargs = {"split": split, "scene": scene, "layouts_dir": layouts_dir, "view_size": view_size,
                             "max_steps": max_steps, "max_failures": max_failures, "scenes": scenes}
        fixed = tasks if tasks is not None else [task] * n
        self.fixed_tasks = [Task.from_dict(t) if isinstance(t, dict) else t for t in fixed]
        self._samples = np.array([t is None for t in self.fixed_tasks], bool)  # worlds that sample their tasks
        # Every world's camera in one batch: the frames each HouseholdEnv's camera draws.
        uses_camera = self.visibility == "camera" or bool(set(self.observations) & set(CAMERA_KEYS))
        self._camera_keys = tuple(key for key in CAMERA_KEYS if key in self.observations)
        self.camera = BatchCamera(n, self.resolution, self._camera_keys) if uses_camera else None

        # Per world, in Python: what only the scalar code reads. A world started from the
        # pool has no World until something needs it (`world(i)` makes it from its template).
        self.tasks = np.full(n, None, dtype=object)
        self._worlds = np.full(n, None, dtype=object)
        self._templates = np.full(n, None, dtype=object)  # a pool slot's World, copied when needed
        self._rngs: list[np.random.Generator | None] = [None] * n
        self._instructions = np.full(n, "", dtype=object)
        self._paths: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        self._last_action: list[str | None] = [None] * n  # kept with full_info only
        self._last_error = [""] * n
        self._last_object: list[str | None] = [None] * n
        # Per world, as arrays.
        self._row, self._col, self._heading, self._horizon = (np.zeros(n, np.int64) for _ in range(4))
        self._steps, self._failures, self._held = (np.zeros(n, np.int64) for _ in range(3))
        self._success = np.ones(n, bool)  # the last action's
        self._met, self._total = np.zeros(n, np.int64), np.zeros(n, np.int64)
        self._gc_version = np.full(n, -1, np.int64)  # the world version the goal conditions were counted at
        self._reads_view = np.zeros(n, bool)  # look_at tasks: goal conditions may depend on the pose
        self._view_matters = np.zeros(n, bool)  # and do in the world's present state
        self._task_ids, self._task_types, self._scenes, self._held_ids, self._gc = (
            np.full(n, None, dtype=object) for _ in range(5))
        self._scene_ints, self._scene_is_int = np.zeros(n, np.int64), np.zeros(n, bool)  # int scene refs as ints
        # What the batch's refusals read (household_vector_refusals.py): each world's scene
        # entry in the tables, and its type rows.
        self._tables = VisibleTypeTables()
        self._sight = np.zeros((n, 4), np.int64)
        self._type_bits = np.zeros((n, NUM_TYPES + 1, WORDS), np.uint64)
        self._pool: StartPool | None = None
        self._pool_builder: HouseholdVectorEnv | None = None  # resets the tasks of rebuilt slots
        self._pool_rng: np.random.Generator | None = None
        self.start_slots = np.full(n, -1, np.int64)  # the pool slot each world's episode started from (-1: none)
        self.start_seeds = np.full(n, -1, np.int64)  # the seed whose sampled task that slot held (-1: none)
        self._ended = np.zeros(n, bool)  # terminated or truncated at the last step
        # The worlds' map layers and floor, padded by the view size like World's own, in
        # one array each; grown when a larger scene comes.
        self._pad = view_size
        self._layers = np.zeros((n, 0, 0, 4), np.uint8)
        self._floor = np.zeros((n, 0, 0), bool)
        self._view_index = np.zeros((4, view_size, view_size), np.int64)
        self._slab = np.zeros(n, np.int64)
        self._cells = np.zeros((n, view_size, view_size), np.int64)  # the views' flat indices
        self._targets = np.zeros(n, np.int64)  # interactions' target type indices (-1: only the rules can read it)
        self._started = False

    # --- Gymnasium API ---------------------------------------------------------------

    def reset(self, *, seed: int | list[int | None] | None = None, options: dict | None = None):
        """New episodes, as SyncVectorEnv's reset: `seed` an int (world i gets seed + i), a
        list (one per world) or None. options: "task" (every world's, as HouseholdEnv's
        option), "tasks" (one per world, None for its own), "reset_mask" (reset only
        these worlds; the info of the others is masked out)."""
        n = self.num_envs
        if isinstance(seed, (int, np.integer)):
            super().reset(seed=int(seed))
            seeds = [int(seed) + i for i in range(n)]
        elif seed is None:
            seeds = [None] * n
        else:
            seeds = list(seed)
            if len(seeds) != n:
                raise ValueError(f"reset(seed=list) needs one seed per env ({n}), got {len(seeds)}")
        options = dict(options or {})
        mask = options.pop("reset_mask", None)
        if mask is None:
            mask = np.ones(n, bool)
        elif not isinstance(mask, np.ndarray) or mask.shape != (n,) or mask.dtype != np.bool_ or not mask.any():
            raise ValueError(f"options['reset_mask'] must be a bool array of shape ({n},) with a True value, "
                             f"got {mask!r}")
        per_env = options.pop("tasks", None)
        if per_env is not None and len(per_env) != n:
            raise ValueError(f"options['tasks'] must list one task (or None) per env ({n}), got {len(per_env)}")
        indices = mask.nonzero()[0]
        env_options = [{**options, "task": per_env[i]} if per_env is not None and per_env[i] is not None
                       else options for i in indices]
        first_slots = False
        if self.start_pool:
            seeded = isinstance(seed, (int, np.integer))
            if self._pool is None or (seeded and (self._pool.seed != int(seed) or self._pool.refreshed)):
                self._build_pool(int(seed) if seeded else int(np.random.SeedSequence().generate_state(1)[0] >> 1))
            if seeded:
                self._pool_rng, first_slots = np.random.default_rng(int(seed)), True
            elif self._pool_rng is None:
                self._pool_rng = np.random.default_rng(self._pool.seed)
        self._reset_worlds(indices, [seeds[i] for i in indices], env_options, first_slots)
        self._ended[indices] = False
        self._started = all(task is not None for task in self.tasks)
        return self._observation(), self._info(mask)

    def step(self, actions):
        if not self._started:
            raise RuntimeError("call reset() before step()")
        codes, parsed = self._parse(actions)
        n = self.num_envs
        if self.autoreset_mode == AutoresetMode.NEXT_STEP:
            codes[self._ended] = RESETTING
        elif self.autoreset_mode == AutoresetMode.DISABLED and (self._ended & (codes != IDLE)).any():
            ended = (self._ended & (codes != IDLE)).nonzero()[0].tolist()
            raise RuntimeError(f"envs {ended} ended: reset them (options={{'reset_mask': ...}}) before stepping "
                               f"them again")
        success, broken = np.ones(n, bool), np.zeros(n, bool)
        self._interact(codes, parsed, success, broken)
        moved = self._navigate(codes, success)
        stepped = STEPPED[codes]
        self._steps += stepped
        self._failures += stepped & ~success
        self._success[stepped] = success[stepped]
        if self.full_info:
            self._record_last_actions(codes, parsed, stepped)
        if self.render_mode == "rgb_array":
            for i in moved.nonzero()[0].tolist():
                self._paths[i].append((int(self._row[i]), int(self._col[i])))
        self._count_goal_conditions((stepped & NAVIGATES[codes] & success & self._view_matters).nonzero()[0].tolist())
        terminated = stepped & ~broken & ((codes == STOP) | (self._failures >= self.max_failures))
        truncated = stepped & ~terminated & ((self._steps >= self.max_steps) | broken)
        ended = terminated | truncated
        rewards = np.where(ended & ~broken & (self._met == self._total), 1.0, 0.0)

        final = None
        if self.autoreset_mode == AutoresetMode.SAME_STEP and ended.any():
            final = self._final_info(ended.nonzero()[0])
            self._reset_worlds(ended.nonzero()[0])
        resetting = (codes == RESETTING).nonzero()[0]
        if len(resetting):
            self._reset_worlds(resetting)
        if self.autoreset_mode == AutoresetMode.SAME_STEP:
            self._ended = np.zeros(n, bool)
        else:  # a world that sat the step out stays as it ended
            self._ended = ended | (self._ended & (codes == IDLE))
        info = self._info()
        if final is not None:
            info.update(final)
        return self._observation(), rewards, terminated, truncated, info

    def render(self) -> tuple[np.ndarray, ...] | None:
        """Each world's top-down map with the path it walked (as SyncVectorEnv's render)."""
        if self.render_mode != "rgb_array":
            return None
        return tuple(render_topdown(self.world(i), self._paths[i]) for i in range(self.num_envs))

    def world(self, i: int) -> World:
        """World i with its agent where the arrays say (the batch moves agents without
        touching their World); made now from its pool slot's World if it has none yet."""
        if not 0 <= i < self.num_envs:
            raise IndexError(f"env index {i} out of range: expected 0..{self.num_envs - 1}")
        world = self._worlds[i]
        if world is None:
            template = self._templates[i]
            rows, cols = template.scene.cells.shape
            p = self._pad
            world = template.copy(layers=self._layers[i, :rows + 2 * p, :cols + 2 * p])
            if self.visibility == "camera":
                world.sight = self.camera.sight(i)
            self._worlds[i] = world
        world.agent = Pose(int(self._row[i]), int(self._col[i]), int(self._heading[i]), int(self._horizon[i]))
        return world

    def adopt(self, i: int, task: Task, world: World, steps: int = 0, failures: int = 0,
              last_success: bool = True) -> None:
        """Put a world already in play into slot i (a trainer's episodes that start
        mid-task, where a scalar HouseholdEnv played the way there): its episode goes on
        from `steps` and `failures` as that env counted them. The batch owns the world
        from now on."""
        if not 0 <= i < self.num_envs:
            raise IndexError(f"env index {i} out of range: expected 0..{self.num_envs - 1}")
        if world.view_size != self.view_size:
            raise ValueError(f"env {i}: the world has view_size {world.view_size}, the batch {self.view_size}")
        rule = "camera" if world.sight is not None else "geometric"
        if rule != self.visibility:
            raise ValueError(f"env {i}: the world sees by the {rule} rule, the batch by the {self.visibility} rule")
        if world.sight is not None:  # the batch's camera draws what world i sees from now on
            world.sight, world._visible_cache = self.camera.sight(i), None
        self.tasks[i], self._worlds[i] = task, world
        self._place(np.array([i]))
        self._steps[i], self._failures[i], self._success[i] = steps, failures, last_success
        self._ended[i] = False
        self._started = all(t is not None for t in self.tasks)

    # --- actions -----------------------------------------------------------------------

    def _parse(self, actions) -> tuple[np.ndarray, list | None]:
        """(codes, parsed), as parse_actions reads them; the targets kept in self._targets."""
        codes, parsed, self._targets = parse_actions(actions, self.num_envs)
        return codes, parsed

    def _action(self, i: int, code: int, parsed: list | None) -> Action:
        """Env i's Action (an interaction's, from an array batch; any, from a list)."""
        if parsed is not None:
            return parsed[i]
        target = int(self._targets[i])
        return Action(ACTIONS[code], TYPE_NAMES[target - 1] if target else None)

    def _interact(self, codes: np.ndarray, parsed: list | None, success: np.ndarray, broken: np.ndarray) -> None:
        """The interactions: those certainly refused decided for the batch at once
        (household_vector_refusals.py), the rest each through its world's own rules
        (`broken`: the worlds whose rules raised anything but the ValueError of a refused
        action)."""
        interacting = INTERACTS[codes]
        rules = codes == MALFORMED
        if interacting.any():
            at = interacting.nonzero()[0]
            targets = self._targets[at]
            seen, known = self._tables.seen_fixed(self._sight[at], self._row[at], self._col[at], self._heading[at],
                                                  self._horizon[at])
            reason = certain_refusals(codes[at], targets, self._held[at], seen, known,
                                      self._type_bits[at, np.maximum(targets, 0)])
            refused = at[reason != MAYBE]
            success[refused] = False
            if self.full_info:
                for i, why in zip(refused.tolist(), reason[reason != MAYBE].tolist()):
                    action = self._action(i, int(codes[i]), parsed)
                    self._last_error[i] = refusal_message(why, action.name, action.target)
                    self._last_object[i] = None
            rules[at[reason == MAYBE]] = True
        for i in rules.nonzero()[0].tolist():
            code = int(codes[i])
            if code == MALFORMED:
                success[i] = False
                self._last_object[i] = None
                if self.full_info:
                    self._last_error[i] = str(parsed[i])
                continue
            world = self.world(i)
            action = self._action(i, code, parsed)
            try:
                result = world.step(action)
                ok, error, acted_on = result.success, result.error, result.object_id
            except ValueError as e:  # as the scalar env: a failed action
                ok, error, acted_on = False, str(e), None
            except Exception as e:  # noqa: BLE001 - a fault in one world's rules must not stop the others
                warnings.warn(f"env {i}: {action} raised {type(e).__name__}: {e}; its episode is cut short "
                              f"(truncated)", RuntimeWarning, stacklevel=3)
                success[i], broken[i] = False, True
                self._last_error[i], self._last_object[i] = f"{type(e).__name__}: {e}", None
                continue
            success[i] = ok
            self._last_error[i], self._last_object[i] = error, acted_on
            held = world.held
            self._held_ids[i] = held
            self._held[i] = world.objects[held].type.index if held else 0
            if world.version != self._gc_version[i]:
                self._count_goal_conditions([i])
                type_rows(world, self._type_bits[i])

    def _navigate(self, codes: np.ndarray, success: np.ndarray) -> np.ndarray:
        """MoveAhead, rotations and looks of the whole batch at once; the worlds that
        moved to another cell."""
        wide = self._layers.shape[2]
        quarter = self._heading // 90
        move = MOVES[codes]
        ahead_row = self._row + AHEAD_ROW[quarter]
        ahead_col = self._col + AHEAD_COL[quarter]
        p = self._pad
        free = self._floor.reshape(-1)[self._slab + (ahead_row + p) * wide + ahead_col + p]
        moved = move & free
        blocked = move & ~free
        if self.full_info:
            for i in blocked.nonzero()[0].tolist():
                self._last_error[i] = self.world(i).blocked_error(int(ahead_row[i]), int(ahead_col[i]))
        self._row += AHEAD_ROW[quarter] * moved
        self._col += AHEAD_COL[quarter] * moved
        self._heading += TURNS[codes]
        self._heading %= 360
        horizon = self._horizon + LOOKS[codes]
        looked = (horizon >= HORIZONS[0]) & (horizon <= HORIZONS[-1])
        if self.full_info:
            for i in (~looked).nonzero()[0].tolist():
                self._last_error[i] = look_error(ACTIONS[codes[i]], int(self._horizon[i]))
        np.copyto(self._horizon, horizon, where=looked)
        success &= ~blocked & looked
        return moved

    # --- worlds --------------------------------------------------------------------------

    def _reset_worlds(self, indices, seeds=None, options=None, first_slots: bool = False) -> None:
        """New episodes in worlds `indices` (seeds and options per world, or None). With a
        start pool, the worlds that sample their task and have no seed or task of their own
        start from slots drawn by the pool's generator (`first_slots`: world i from slot
        i mod P, as after reset(seed)); the others build theirs as HouseholdEnv does."""
        indices = np.asarray(indices, np.int64)
        pooled = np.zeros(len(indices), bool)
        if self._pool is not None:
            pooled = self._samples[indices].copy()
            if options is not None:
                pooled &= np.array([not (o or {}).get("task") for o in options], bool)
            if seeds is not None and not first_slots:
                pooled &= np.array([s is None for s in seeds], bool)
        for k in (~pooled).nonzero()[0].tolist():
            i = int(indices[k])
            seed = seeds[k] if seeds is not None else None
            if seed is not None or self._rngs[i] is None:
                self._rngs[i] = seeding.np_random(seed)[0]
            task = task_for_episode(options[k] if options else None, self.fixed_tasks[i], self.sampler,
                                    self._rngs[i])
            sight = self.camera.sight(i) if self.visibility == "camera" else None
            self.tasks[i] = task
            self._worlds[i] = task_world(task, self.layouts_dir, self.view_size, sight)
        if not pooled.all():
            self._place(indices[~pooled])
        if pooled.any():
            self._start_from_pool(indices[pooled], first_slots)
        self._steps[indices] = 0
        self._failures[indices] = 0
        self._success[indices] = True

    def _start_from_pool(self, indices: np.ndarray, first_slots: bool) -> None:
        """Worlds `indices` start from pool slots: array copies, no World made (but with
        the camera, which draws every world, or with render_mode or full_info, which read
        per world)."""
        size = self._pool.size
        slots = indices % size if first_slots else self._pool_rng.integers(size, size=len(indices))
        due = self._pool.start(self, indices, slots)
        self.start_slots[indices] = slots
        self.start_seeds[indices] = self._pool.seeds[slots]
        if self.render_mode == "rgb_array" or self.full_info:
            for i in indices.tolist():
                self._paths[i] = [(int(self._row[i]), int(self._col[i]))]
                self._last_action[i], self._last_error[i], self._last_object[i] = None, "", None
        if self.camera is not None:  # the goal conditions of look_at tasks follow the camera's rule
            self._count_goal_conditions(indices.tolist())
        for _ in range(due):  # the oldest slots rebuilt with the next seeds' tasks (pool_refresh)
            self._rebuild_oldest_slot()

    def _build_pool(self, seed: int) -> None:
        """The start pool for `seed`: slot k the task HouseholdEnv samples for seed + k
        (household_vector_starts.py)."""
        batch = HouseholdVectorEnv(tasks=sampled_tasks(self.sampler, seed, self.start_pool), **self._pool_kwargs)
        batch._tables = self._tables  # the slots' scene entries index this batch's tables
        batch.reset(seed=seed)
        self._pool = StartPool(batch, seed, self.pool_refresh)
        self._fit([], fresh=set(), padded=batch._layers.shape[1:3])
        self._pool.fit(*self._layers.shape[1:3])

    def _rebuild_oldest_slot(self) -> None:
        """The pool's oldest slot takes the task HouseholdEnv samples for its next seed,
        reset in a batch of one world kept for this (making a batch costs more than the
        reset)."""
        if self._pool_builder is None:
            self._pool_builder = HouseholdVectorEnv(num_envs=1, **self._pool_kwargs)
            self._pool_builder._tables = self._tables
        seed, builder = self._pool.next_seed, self._pool_builder
        builder.reset(seed=seed, options={"tasks": sampled_tasks(self.sampler, seed, 1)})
        self._fit([], fresh=set(), padded=builder._layers.shape[1:3])
        self._pool.replace(builder)

    def _place(self, indices: np.ndarray) -> None:
        """Copy the worlds `indices` (new, or adopted) into the batch arrays."""
        indices = np.asarray(indices, np.int64)
        self._fit([self._worlds[i].scene.cells.shape for i in indices], fresh=set(indices.tolist()))
        p = self._pad
        for i in indices.tolist():
            world, task = self._worlds[i], self.tasks[i]
            rows, cols = world.scene.cells.shape
            own = world._layers
            slab = self._layers[i]
            slab[:] = 0
            slab[:own.shape[0], :own.shape[1]] = own
            world._layers = slab[:own.shape[0], :own.shape[1]]  # what World redraws lands in the batch
            self._templates[i] = None
            self.start_slots[i] = self.start_seeds[i] = -1
            self._floor[i] = False
            self._floor[i, p:p + rows, p:p + cols] = world.scene.cells == FLOOR
            agent = world.agent
            self._row[i], self._col[i], self._heading[i], self._horizon[i] = agent
            self._instructions[i] = task.instruction[:MAX_INSTRUCTION_LENGTH]
            self._task_ids[i], self._task_types[i], self._scenes[i] = task.task_id, task.goal.task_type, task.scene
            self._scene_is_int[i] = isinstance(task.scene, (int, np.integer))
            self._scene_ints[i] = task.scene if self._scene_is_int[i] else 0
            self._reads_view[i] = TASK_TYPES[task.goal.task_type].reads_view
            self._held_ids[i] = world.held
            self._held[i] = world.objects[world.held].type.index if world.held else 0
            self._sight[i] = self._tables.entry(world.scene)
            type_rows(world, self._type_bits[i])
            self._paths[i] = [(agent.row, agent.col)]
            self._last_action[i], self._last_error[i], self._last_object[i] = None, "", None
        self._count_goal_conditions(indices.tolist())

    def _fit(self, shapes: list[tuple[int, int]], fresh: set[int], padded: tuple[int, int] = (0, 0)) -> None:
        """Grow the batch arrays to hold scenes of these shapes (or of `padded` size with
        the padding); the worlds in the batch (all but the `fresh` ones, not yet placed)
        keep views into it."""
        tall = max([rows + 2 * self._pad for rows, _ in shapes] + [self._layers.shape[1], padded[0]])
        wide = max([cols + 2 * self._pad for _, cols in shapes] + [self._layers.shape[2], padded[1]])
        if (tall, wide) == self._layers.shape[1:3]:
            return
        n, old_tall, old_wide = self._layers.shape[:3]
        layers = np.zeros((n, tall, wide, 4), np.uint8)
        layers[:, :old_tall, :old_wide] = self._layers
        floor = np.zeros((n, tall, wide), bool)
        floor[:, :old_tall, :old_wide] = self._floor
        self._layers, self._floor = layers, floor
        for i, world in enumerate(self._worlds):
            if world is not None and i not in fresh:
                shape = world._layers.shape
                world._layers = layers[i, :shape[0], :shape[1]]
        if self._pool is not None:
            self._pool.fit(tall, wide)
        # Flat indices: world i's cell (r, c) of the padded grid is i*tall*wide + r*wide + c.
        self._slab = np.arange(n, dtype=np.int64) * tall * wide
        offsets = view_offsets(self.view_size)
        self._view_index = np.stack([offsets[h][0] * wide + offsets[h][1] for h in (0, 90, 180, 270)])

    def _count_goal_conditions(self, indices) -> None:
        """Count again the goal conditions of these worlds (those that changed), and
        note whether a move alone could change them now (look_at tasks with a light on)."""
        for i in indices:
            goal = self.tasks[i].goal
            world = self.world(i)
            met, total = goal_conditions(goal, world)
            self._met[i], self._total[i], self._gc[i] = met, total, (met, total)
            self._gc_version[i] = world.version
            self._view_matters[i] = self._reads_view[i] and goal_reads_view(goal, world)

    # --- what comes back ---------------------------------------------------------------

    def _observation(self) -> dict:
        n = self.num_envs
        obs: dict[str, Any] = {}
        # Every world's frame in one batch, first: what the worlds see (text in view) reads it.
        frames = self.camera.render(self._worlds, self._row, self._col, self._heading, self._horizon) \
            if self._camera_keys else {}
        for key in self.single_observation_space.spaces:
            if key == "instruction":
                obs[key] = tuple(self._instructions)
            elif key == "view":
                obs[key] = self._views()
            elif key == "pose":
                obs[key] = np.stack([self._col, self._row, self._heading, self._horizon], axis=1)
            elif key == "held":
                obs[key] = self._held.copy()
            elif key == "text":
                obs[key] = tuple(text_in_view(self.tasks[i], self.world(i)) if self.tasks[i].texts else ""
                                 for i in range(n))
        obs.update(frames)
        return obs

    def _views(self) -> np.ndarray:
        """Every world's egocentric view, (N, v, v, 4), cut from the batch with one gather
        (a cell's 4 channels read as one uint32; the indices go to a buffer kept between
        steps, since fresh large arrays cost page faults)."""
        n, v, p = self.num_envs, self.view_size, self._pad
        wide = self._layers.shape[2]
        cells = self._cells
        np.take(self._view_index, self._heading // 90, axis=0, out=cells)
        cells += (self._slab + (self._row + p) * wide + self._col + p)[:, None, None]
        return np.take(self._layers.view(np.uint32).reshape(-1), cells).view(np.uint8).reshape(n, v, v, 4)
