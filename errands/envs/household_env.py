"""`errands/Household-v0`: the built-in simulator behind the Gymnasium contract.

Observation (a Dict): the instruction text, the pose and the held object's type, and the
views chosen with `observations`: the symbolic egocentric grid ("view"), the
first-person camera's "rgb", "depth" and "segmentation" (camera.py), rendered only when
asked for, and "text": what is written on the visible objects, in words (world_text.py). `info` carries what a planner may use: visible objects, the last action's
success and error, goal conditions met, the step and failure counts (and, with
segmentation on, "segmentation_ids": segmentation value k + 1 is the k-th id).

What the agent can see and act on follows the camera when the env has one
(`visibility="camera"`, the default with any of "rgb", "depth", "segmentation"): an
object is visible when the frame shows at least one pixel of it and its furniture is
within 1.5 m, so info["visible_objects"] is exactly what the segmentation shows within
reach, and interactions need the same. Without a camera (`visibility="geometric"`, the
default for the symbolic view alone) nothing is rendered: furniture is visible when its
view box meets the view within reach, with whatever rests on it unless it is closed,
which counts more objects than a camera shows (no occlusion; see
benchmarks/visibility_gap.py). `visibility="camera"` without camera keys renders the
segmentation at `resolution` for the rule alone.

Sampled tasks (no `task` given) come from the split's procedural scenes, or with
`scenes="alfred_floorplans"` from ALFRED's real floor plans of the split (`layouts_dir`).

An episode ends when the agent emits Stop or makes its 10th failed action (terminated),
or after 1000 steps (truncated), as in ALFRED. The reward is 1 on the step that ends an
episode with every goal condition met, else 0.
"""

from __future__ import annotations

import string

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from .actions import ACTIONS, Action
from .household.object_types import NUM_TYPES, TYPE_NAMES
from .household.render.camera import CAMERA_KEYS, Camera, parse_resolution
from .household.render.raycast import MAX_DEPTH
from .household.scene import HORIZONS
from .household.topdown import render_topdown
from .household.world import World
from .tasks.goals import TASK_TYPES, goal_conditions
from .tasks.sampler import TaskSampler, task_for_episode
from .tasks.task import Task
from .tasks.world_text import read_aloud, visible_text

MAX_STEPS = 1000
MAX_FAILURES = 10
INSTRUCTION_CHARSET = string.printable
MAX_INSTRUCTION_LENGTH = 512
MAX_TEXT_LENGTH = 2048  # the "text" observation: everything readable in view
MAX_GRID = 255
OBSERVATION_KEYS = ("view", "rgb", "depth", "segmentation", "text")
VISIBILITY_RULES = ("camera", "geometric")


class HouseholdEnv(gym.Env):
    metadata = {"render_modes": ["rgb_array"], "render_fps": 4}

    def __init__(
        self,
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
    ):
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        self.observations = observation_keys(observations)
        self.resolution = parse_resolution(resolution)
        self.visibility = visibility_rule(self.observations, visibility)
        uses_camera = self.visibility == "camera" or bool(set(self.observations) & set(CAMERA_KEYS))
        self.camera = Camera(self.resolution) if uses_camera else None
        self._viewer_camera: Camera | None = None
        self.fixed_task = Task.from_dict(task) if isinstance(task, dict) else task
        self.sampler = TaskSampler(split=split, scene=scene, layouts_dir=layouts_dir, scenes=scenes)
        self.layouts_dir = layouts_dir
        self.view_size = view_size
        self.max_steps = max_steps
        self.max_failures = max_failures
        self.render_mode = render_mode
        self.observation_space, self.action_space = household_spaces(view_size, self.observations, self.resolution)
        self.task: Task | None = None
        self.world: World | None = None
        self._gc_key, self._gc = None, (0, 0)

    # --- Gymnasium API ---------------------------------------------------------------

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self.task = task_for_episode(options, self.fixed_task, self.sampler, self.np_random)
        sight = self.camera if self.visibility == "camera" else None
        self.world = task_world(self.task, self.layouts_dir, self.view_size, sight)
        self.steps = 0
        self.failures = 0
        self.path = [(self.world.agent.row, self.world.agent.col)]
        self.last_action = None
        self.last_success, self.last_error, self.last_object = True, "", None
        return self._observation(), self._info()

    def step(self, action):
        if self.world is None:
            raise RuntimeError("call reset() before step()")
        try:
            parsed = Action.parse(action, TYPE_NAMES)
            result = self.world.step(parsed)
            success, error, acted_on = result.success, result.error, result.object_id
        except ValueError as e:  # a malformed or unknown action is a failed action
            parsed, success, error, acted_on = None, False, str(e), None
        self.steps += 1
        self.last_action = parsed
        self.last_success, self.last_error, self.last_object = success, error, acted_on
        if not success:
            self.failures += 1
        here = (self.world.agent.row, self.world.agent.col)
        if here != self.path[-1]:
            self.path.append(here)
        stopped = parsed is not None and parsed.name == "Stop"
        terminated = stopped or self.failures >= self.max_failures
        truncated = not terminated and self.steps >= self.max_steps
        met, total = self._goal_conditions()
        reward = 1.0 if (terminated or truncated) and met == total else 0.0
        return self._observation(), reward, terminated, truncated, self._info(met, total)

    def render(self):
        if self.render_mode == "rgb_array":
            return render_topdown(self.world, self.path)
        return None

    def first_person(self, resolution: int | tuple[int, int] | None = None) -> np.ndarray:
        """The agent's first-person RGB frame (at the env's resolution unless given), for
        videos and viewers; works whatever the observation keys are."""
        res = parse_resolution(resolution) if resolution is not None else self.resolution
        camera = self.camera
        if camera is None or (camera.height, camera.width) != res:
            if self._viewer_camera is None or (self._viewer_camera.height, self._viewer_camera.width) != res:
                self._viewer_camera = Camera(res)
            camera = self._viewer_camera
        return camera.render(self.world, depth=False, segmentation=False)["rgb"]

    @property
    def segmentation_ids(self) -> tuple[str, ...]:
        """Object ids by segmentation value: value k + 1 is segmentation_ids[k], 0 the room."""
        if self.camera is None or self.camera.segments is None:
            return ()
        return self.camera.segments.ids

    # --- what comes back -------------------------------------------------------------

    def _goal_conditions(self) -> tuple[int, int]:
        """Cached until the world changes (or, for look_at tasks, the view does)."""
        w = self.world
        key = (id(w), w.version, w.agent if TASK_TYPES[self.task.goal.task_type].reads_view else None)
        if key != self._gc_key:
            self._gc_key, self._gc = key, goal_conditions(self.task.goal, w)
        return self._gc

    def _observation(self) -> dict:
        w = self.world
        held = w.objects[w.held].type.index if w.held else 0
        a = w.agent
        obs = {"instruction": self.task.instruction[:MAX_INSTRUCTION_LENGTH]}
        if "view" in self.observations:
            obs["view"] = w.egocentric_view()
        wanted = [key for key in CAMERA_KEYS if key in self.observations]
        if wanted:
            obs.update(self.camera.render(w, **{key: key in wanted for key in CAMERA_KEYS}))
        if "text" in self.observations:
            obs["text"] = text_in_view(self.task, w)
        obs["pose"] = np.array([a.col, a.row, a.heading, a.horizon], dtype=np.int64)
        obs["held"] = held
        return obs


    def _info(self, met: int | None = None, total: int | None = None) -> dict:
        if met is None:
            met, total = self._goal_conditions()
        w = self.world
        x, z = w.agent_position()
        visible = list(w.visible_ids())
        info = {
            "task_id": self.task.task_id,
            "task_type": self.task.goal.task_type,
            "scene": self.task.scene,
            "visible_objects": visible,
            "visible_text": visible_text(self.task.texts, visible),
            "held_object": w.held,
            "last_action": str(self.last_action) if self.last_action else None,
            "last_action_success": self.last_success,
            "last_action_object": self.last_object,  # the object id a successful interaction acted on
            "error_message": self.last_error,
            "goal_conditions_met": (met, total),
            "success": met == total,
            "steps": self.steps,
            "failures": self.failures,
            "agent_position": (x, z),
            "agent_pose": tuple(w.agent),
        }
        if "segmentation" in self.observations:
            info["segmentation_ids"] = self.segmentation_ids
        return info


def text_in_view(task: Task, world: World) -> str:
    """The "text" observation: what is written on the visible objects, in words ("" when
    the task has no text)."""
    if not task.texts:
        return ""
    return read_aloud(task.texts, world)[:MAX_TEXT_LENGTH]


def household_spaces(view_size: int, observations: tuple[str, ...],
                     resolution: tuple[int, int]) -> tuple[spaces.Dict, spaces.Dict]:
    """The observation and action spaces of one household world (the vector env batches
    the same ones)."""
    if view_size < 3 or view_size % 2 == 0:
        raise ValueError(f"view_size must be an odd number >= 3, got {view_size}")
    h, w = resolution
    optional = {
        "view": spaces.Box(0, 255, (view_size, view_size, 4), dtype=np.uint8),
        "rgb": spaces.Box(0, 255, (h, w, 3), dtype=np.uint8),
        "depth": spaces.Box(0.0, MAX_DEPTH, (h, w), dtype=np.float32),
        "segmentation": spaces.Box(0, np.iinfo(np.uint16).max, (h, w), dtype=np.uint16),
        "text": spaces.Text(MAX_TEXT_LENGTH, min_length=0, charset=INSTRUCTION_CHARSET),
    }
    observation_space = spaces.Dict({
        "instruction": spaces.Text(MAX_INSTRUCTION_LENGTH, charset=INSTRUCTION_CHARSET),
        **{key: optional[key] for key in observations},
        "pose": spaces.Box(np.array([0, 0, 0, HORIZONS[0]]), np.array([MAX_GRID, MAX_GRID, 270, HORIZONS[-1]]),
                           dtype=np.int64),
        "held": spaces.Discrete(NUM_TYPES + 1),
    })
    # An action index, and a target object type (0: none). Step also takes an
    # Action, "PickupObject Apple" or ("PutObject", "Fridge|+01.00|+00.90|-00.50").
    action_space = spaces.Dict({"action": spaces.Discrete(len(ACTIONS)), "target": spaces.Discrete(NUM_TYPES + 1)})
    return observation_space, action_space


def visibility_rule(observations: tuple[str, ...], visibility: str | None) -> str:
    """The visibility rule asked for, or the default: "camera" with any camera key, else
    "geometric"."""
    rule = visibility or ("camera" if set(observations) & set(CAMERA_KEYS) else "geometric")
    if rule not in VISIBILITY_RULES:
        raise ValueError(f"unknown visibility {visibility!r}: expected one of {', '.join(VISIBILITY_RULES)}")
    return rule


def task_world(task: Task, layouts_dir: str | None, view_size: int, sight) -> World:
    """A new World of the task's scene; text the task writes on an object the scene lacks
    is a ValueError naming it."""
    world = World(task.build_scene(layouts_dir), view_size=view_size, sight=sight)
    unplaced = [t.object_id for t in task.texts if t.object_id not in world.objects]
    if unplaced:
        raise ValueError(f"task {task.task_id} puts text on {', '.join(unplaced)}, which its scene "
                         f"{task.scene} does not have")
    return world


def camera_options(resolution: int | None) -> dict:
    """The env options of a world seen through the agent's camera at `resolution` pixels a
    side (what commands' --camera asks for); {} for the geometric rule."""
    if resolution is None:
        return {}
    parse_resolution(resolution)  # a bad size fails here, with the reason
    return {"visibility": "camera", "resolution": resolution}


def observation_keys(observations) -> tuple[str, ...]:
    """Validate the chosen observation keys (a name or a sequence of names)."""
    keys = (observations,) if isinstance(observations, str) else tuple(observations)
    for key in keys:
        if key not in OBSERVATION_KEYS:
            raise ValueError(f"unknown observation key {key!r}: expected some of {', '.join(OBSERVATION_KEYS)}")
    if len(set(keys)) != len(keys):
        raise ValueError(f"observation keys must not repeat, got {keys}")
    return keys
