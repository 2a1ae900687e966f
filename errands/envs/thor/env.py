"""`errands/Thor-v0`: errands' tasks in AI2-THOR, behind the household env's contract.

The same observation keys (the instruction, "rgb", "depth", "segmentation" as chosen, the
pose, the held object's type; no symbolic "view", which THOR has no grid for) and the same
info keys (visible objects, the last action's success and error, goal conditions met, step
and failure counts, "segmentation_ids" with segmentation on). Actions are ALFRED's, sent as
ALFRED's env sends them (actions.py); an interaction's target is an object type, an exact
object id, or a mask: `step({"action": "PickupObject", "mask": HxW bool array})`, read as
ALFRED reads one. Goal conditions are errands' task types counted over THOR's metadata
with the cleaned, heated and cooled objects tracked as ALFRED's env tracks them (state.py).

It needs the `thor` extra (`pip install -e ".[thor]"`) and a local Unity build:
`local_executable_path=PATH` or $ERRANDS_THOR_BUILD. The client is never allowed to
download one. Scenes are THOR's floor plans: task scene N (or "FloorPlanN") is
FloorPlanN. An ALFRED task's scene (its `init_action`, `object_poses`, `object_toggles`,
`dirty_and_empty`) is restored on reset when given (`alfred_scene=` or
reset(options={"alfred_scene": ...})).
"""

from __future__ import annotations

import re
import string

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from ..actions import ACTIONS, INTERACTION_ACTIONS, Action
from ..household.object_types import NUM_TYPES, TYPE_NAMES
from ..tasks.goals import TASK_TYPES
from ..tasks.sampler import TaskSampler, task_for_episode
from ..tasks.task import Task
from .actions import HORIZON_DEGREES, STEP_SIZE, VISIBILITY_DISTANCE, CannotAct, clean_steps, resolve_mask, thor_step
from .build import find_thor_build
from .state import OTHER_TYPE, ThorState, TrackedStates, held_type_index, pose, segmentation_ids, visible_ids

MAX_STEPS = 1000
MAX_FAILURES = 10
MAX_INSTRUCTION_LENGTH = 512
THOR_OBSERVATION_KEYS = ("rgb", "depth", "segmentation")
THOR_INSTALL_HINT = 'the THOR backend needs the ai2thor client: pip install -e ".[thor]"'
FLOOR_PLAN_RANGES = ((1, 30), (201, 230), (301, 330), (401, 430))
MAX_GRID = 1000  # pose bounds, in 0.25 m steps either side of the scene's origin
MAX_DEPTH = 20.0  # metres: THOR's camera far plane (ai2thor.server's camera_far_plane)


def thor_scene_name(scene: int | str) -> str:
    """THOR's floor plan for a task's scene: N or "FloorPlanN" -> "FloorPlanN"."""
    if isinstance(scene, str) and re.fullmatch(r"FloorPlan\d+", scene):
        return scene
    if isinstance(scene, int) and any(lo <= scene <= hi for lo, hi in FLOOR_PLAN_RANGES):
        return f"FloorPlan{scene}"
    raise ValueError(f"scene {scene!r} is no AI2-THOR floor plan: expected FloorPlanN or N in 1-30, 201-230, "
                     f"301-330 or 401-430")


def initialize_args(resolution: tuple[int, int], observations: tuple[str, ...]) -> dict:
    """THOR's Initialize parameters as ALFRED sets them (gridSize 0.25, visibility 1.5 m,
    the agent invisible), with depth only when observed; the instance segmentation is
    always rendered, since mask interactions are read from it."""
    return {"gridSize": STEP_SIZE, "visibilityDistance": VISIBILITY_DISTANCE, "makeAgentsVisible": False,
            "renderDepthImage": "depth" in observations, "renderInstanceSegmentation": True,
            "width": resolution[1], "height": resolution[0]}


def alfred_scene_steps(alfred_scene: dict) -> list[dict]:
    """The THOR steps that restore an ALFRED task's scene (ALFRED's restore_scene, then
    its init_action): object states, dirty and empty receptacles, object poses, the
    agent's pose."""
    steps = []
    for toggle in alfred_scene.get("object_toggles") or []:
        steps.append({"action": "SetObjectStates", "SetObjectStates": toggle})
    poses = alfred_scene.get("object_poses") or []
    if alfred_scene.get("dirty_and_empty"):
        for p in poses:
            kind = p["objectName"].split("_")[0]
            steps.append({"action": "SetObjectStates",
                          "SetObjectStates": {"objectType": kind, "stateChange": "dirtyable", "isDirty": True}})
            steps.append({"action": "SetObjectStates", "SetObjectStates": {
                "objectType": kind, "stateChange": "canFillWithLiquid", "isFilledWithLiquid": False}})
    if poses:
        steps.append({"action": "SetObjectPoses", "objectPoses": poses})
    init = alfred_scene.get("init_action")
    if init:
        steps.append({"action": "TeleportFull", "position": {k: init[k] for k in ("x", "y", "z")},
                      "rotation": {"x": 0.0, "y": init["rotation"], "z": 0.0}, "horizon": init["horizon"],
                      "standing": True, "forceAction": True})
    return steps


class ThorEnv(gym.Env):
    metadata = {"render_modes": ["rgb_array"], "render_fps": 4}

    def __init__(self, task: Task | dict | None = None, local_executable_path: str | None = None,
                 observations: tuple[str, ...] | str = ("rgb",), resolution: int | tuple[int, int] = 300,
                 split: str = "seen", alfred_scene: dict | None = None, max_steps: int = MAX_STEPS,
                 max_failures: int = MAX_FAILURES, render_mode: str | None = None, x_display: str | None = None,
                 controller_options: dict | None = None):
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        keys = (observations,) if isinstance(observations, str) else tuple(observations)
        unknown = [k for k in keys if k not in THOR_OBSERVATION_KEYS]
        if unknown or len(set(keys)) != len(keys):
            raise ValueError(f"observations must be distinct keys among {', '.join(THOR_OBSERVATION_KEYS)}, "
                             f"got {keys}")
        self.observations = keys
        self.resolution = (resolution, resolution) if isinstance(resolution, int) else tuple(resolution)
        self.build = find_thor_build(local_executable_path)  # before anything else: the clearest error
        self.fixed_task = Task.from_dict(task) if isinstance(task, dict) else task
        self.sampler = TaskSampler(split=split)
        self.alfred_scene = alfred_scene
        self.max_steps, self.max_failures = max_steps, max_failures
        self.render_mode = render_mode
        self.x_display = x_display
        self.controller_options = dict(controller_options or {})
        h, w = self.resolution
        optional = {"rgb": spaces.Box(0, 255, (h, w, 3), dtype=np.uint8),
                    "depth": spaces.Box(0.0, MAX_DEPTH, (h, w), dtype=np.float32),
                    "segmentation": spaces.Box(0, np.iinfo(np.uint16).max, (h, w), dtype=np.uint16)}
        self.observation_space = spaces.Dict({
            "instruction": spaces.Text(MAX_INSTRUCTION_LENGTH, charset=string.printable),
            **{k: optional[k] for k in self.observations},
            "pose": spaces.Box(np.array([-MAX_GRID, -MAX_GRID, 0, -HORIZON_DEGREES * 4]),
                               np.array([MAX_GRID, MAX_GRID, 359, HORIZON_DEGREES * 6]), dtype=np.int64),
            "held": spaces.Discrete(OTHER_TYPE + 1),
        })
        self.action_space = spaces.Dict({"action": spaces.Discrete(len(ACTIONS)),
                                         "target": spaces.Discrete(NUM_TYPES + 1)})
        self.controller = None
        self.event = None
        self.task: Task | None = None

    # --- Gymnasium API ---------------------------------------------------------------

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self.task = task_for_episode(options, self.fixed_task, self.sampler, self.np_random)
        scene = thor_scene_name(self.task.scene)
        init = initialize_args(self.resolution, self.observations)
        if self.controller is None:
            self.controller = self._start_controller(scene, init)
        else:
            self.controller.reset(scene, **init)
        self.event = self.controller.last_event
        alfred_scene = (options or {}).get("alfred_scene", self.alfred_scene)
        for step in alfred_scene_steps(alfred_scene or {}):
            self.event = self.controller.step(step)
        self.tracked = TrackedStates()
        self.steps, self.failures = 0, 0
        self.last_action, self.last_success, self.last_error = None, True, ""
        return self._observation(), self._info()

    def step(self, action):
        if self.event is None:
            raise RuntimeError("call reset() before step()")
        mask = action.get("mask") if isinstance(action, dict) else None
        parsed = None
        try:
            parsed = Action.parse({k: v for k, v in action.items() if k != "mask"} if mask is not None else action,
                                  TYPE_NAMES)
            success, error = self._act(parsed, mask)
        except (ValueError, CannotAct) as e:  # malformed, or refused before THOR: a failed action
            success, error = False, str(e)
        self.steps += 1
        self.last_action, self.last_success, self.last_error = parsed, success, error
        self.failures += 0 if success else 1
        terminated = (parsed is not None and parsed.name == "Stop") or self.failures >= self.max_failures
        truncated = not terminated and self.steps >= self.max_steps
        met, total = self.goal_conditions()
        reward = 1.0 if (terminated or truncated) and met == total else 0.0
        return self._observation(), reward, terminated, truncated, self._info(met, total)

    def render(self):
        return self.event.frame if self.render_mode == "rgb_array" and self.event is not None else None

    def close(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    # --- THOR ------------------------------------------------------------------------

    def _start_controller(self, scene: str, init: dict):
        try:
            from ai2thor.controller import Controller
        except ImportError:
            raise ImportError(THOR_INSTALL_HINT) from None
        return Controller(local_executable_path=str(self.build), scene=scene, x_display=self.x_display,
                          **init, **self.controller_options)

    def _act(self, action: Action, mask) -> tuple[bool, str]:
        """Send one action; (success, error). Stop never reaches THOR."""
        metadata = self.event.metadata
        object_id = None
        if mask is not None and action.name in INTERACTION_ACTIONS:
            object_id = resolve_mask(mask, self.event.instance_segmentation_frame, self.event.color_to_object_id,
                                     metadata)
        step = thor_step(action, metadata, object_id)
        if step is None:
            return True, ""
        self.event = self.controller.step(step)
        self.tracked.update(step, self.event.metadata)
        success, error = self.event.metadata["lastActionSuccess"], self.event.metadata["errorMessage"]
        if success and step["action"] == "ToggleObjectOn" and step["objectId"].startswith("Faucet|"):
            self.event = self.controller.step({"action": "Pass"})  # ALFRED: let isDirty settle first
            for clean in clean_steps(step["objectId"], self.event.metadata):
                self.event = self.controller.step(clean)
        return success, "" if success else error or f"{action.name} failed"

    # --- what comes back -------------------------------------------------------------

    def goal_conditions(self) -> tuple[int, int]:
        conditions = TASK_TYPES[self.task.goal.task_type].goal_conditions(
            self.task.goal, ThorState(self.event.metadata, self.tracked))
        return sum(c.met for c in conditions), len(conditions)

    def _observation(self) -> dict:
        e = self.event
        obs = {"instruction": self.task.instruction[:MAX_INSTRUCTION_LENGTH]}
        if "rgb" in self.observations:
            obs["rgb"] = np.ascontiguousarray(e.frame, dtype=np.uint8)
        if "depth" in self.observations:
            obs["depth"] = np.ascontiguousarray(e.depth_frame, dtype=np.float32)
        if "segmentation" in self.observations:
            obs["segmentation"], self._segmentation_ids = segmentation_ids(e.instance_segmentation_frame,
                                                                           e.color_to_object_id)
        obs["pose"] = pose(e.metadata)
        obs["held"] = held_type_index(e.metadata)
        return obs

    def _info(self, met: int | None = None, total: int | None = None) -> dict:
        if met is None:
            met, total = self.goal_conditions()
        m = self.event.metadata
        state = ThorState(m, self.tracked)
        p = m["agent"]["position"]
        info = {
            "task_id": self.task.task_id,
            "task_type": self.task.goal.task_type,
            "scene": self.task.scene,
            "visible_objects": visible_ids(m),
            "held_object": state.held,
            "last_action": str(self.last_action) if self.last_action else None,
            "last_action_success": self.last_success,
            "error_message": self.last_error,
            "goal_conditions_met": (met, total),
            "success": met == total,
            "steps": self.steps,
            "failures": self.failures,
            "agent_position": (p["x"], p["z"]),
            "agent_pose": tuple(int(v) for v in pose(m)),
        }
        if "segmentation" in self.observations:
            info["segmentation_ids"] = self._segmentation_ids
        return info
