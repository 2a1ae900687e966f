"""`errands/Habitat-v0`: ObjectNav-style instruction tasks ("Find a chair.") over
habitat-sim with a local scene file, behind the household env's contract.

The translation (errands' navigation actions as habitat-sim agent actions with ALFRED's
step sizes, habitat-sim observations as the contract's "rgb", "depth", "segmentation",
ObjectNav's success rule as goal conditions) is plain code tested without habitat-sim.
The env itself needs habitat-sim, which PyPI has no Linux wheel of (conda:
HABITAT_INSTALL_HINT), and a scene file (`scene=PATH` or $ERRANDS_HABITAT_SCENE); nothing
is downloaded. It has never run here: no machine this was written on has habitat-sim.
Interactions (PickupObject, ...) are failed actions: ObjectNav has none, and
rearrangement's grasping lives in habitat-lab, which this adapter does not drive.
"""

from __future__ import annotations

import os
import string
from pathlib import Path

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from .actions import ACTIONS, NAVIGATION_ACTIONS, Action

HABITAT_SCENE_ENV = "ERRANDS_HABITAT_SCENE"
HABITAT_INSTALL_HINT = ("the habitat backend needs habitat-sim, which PyPI has no Linux wheel of: "
                        "conda install habitat-sim -c conda-forge -c aihabitat")
SUCCESS_DISTANCE = 1.0  # metres: ObjectNav's success distance
MAX_STEPS = 500  # ObjectNav's episode length
# errands action -> (habitat-sim action name, actuation amount): ALFRED's 0.25 m, 90 and 15 degrees.
HABITAT_ACTIONS: dict[str, tuple[str, float]] = {
    "MoveAhead": ("move_forward", 0.25),
    "RotateLeft": ("turn_left", 90.0),
    "RotateRight": ("turn_right", 90.0),
    "LookUp": ("look_up", 15.0),
    "LookDown": ("look_down", 15.0),
}
assert tuple(HABITAT_ACTIONS) == NAVIGATION_ACTIONS


def habitat_action(action: Action) -> str | None:
    """The habitat-sim agent action of a navigation action (None for Stop); an
    interaction is a ValueError, which the env counts as a failed action."""
    if action.name == "Stop":
        return None
    if action.name not in HABITAT_ACTIONS:
        raise ValueError(f"{action.name} is not available in habitat ObjectNav tasks: only "
                         f"{', '.join(NAVIGATION_ACTIONS)} and Stop")
    return HABITAT_ACTIONS[action.name][0]


def find_scene(scene: str | os.PathLike | None) -> Path:
    given = scene if scene is not None else os.environ.get(HABITAT_SCENE_ENV) or None
    if given is None:
        raise FileNotFoundError(f"no habitat scene given: pass scene=PATH (a .glb or .basis.glb file) or set "
                                f"{HABITAT_SCENE_ENV}=PATH; errands never downloads scenes")
    path = Path(given).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"habitat scene {str(path)!r} does not exist or is not a file")
    return path


def convert_observations(raw: dict, semantic_names: dict[int, str]) -> tuple[dict, tuple[str, ...]]:
    """habitat-sim's sensor observations ("rgb" RGBA, "depth" metres, "semantic" instance
    ids) as the contract's keys; segmentation value k + 1 is the k-th name of those in view."""
    out = {}
    if "rgb" in raw:
        out["rgb"] = np.ascontiguousarray(np.asarray(raw["rgb"])[..., :3], dtype=np.uint8)
    if "depth" in raw:
        out["depth"] = np.asarray(raw["depth"], dtype=np.float32)
    ids: tuple[str, ...] = ()
    if "semantic" in raw:
        semantic = np.asarray(raw["semantic"])
        present = [int(v) for v in np.unique(semantic) if int(v) in semantic_names]
        ids = tuple(sorted({semantic_names[v] for v in present}))
        lookup = {v: ids.index(semantic_names[v]) + 1 for v in present}
        seg = np.zeros(semantic.shape, dtype=np.uint16)
        for value, index in lookup.items():
            seg[semantic == value] = index
        out["segmentation"] = seg
    return out, ids


def objectnav_conditions(category: str, agent_position, objects: list[dict], stopped: bool) -> tuple[int, int]:
    """ObjectNav's success as goal conditions: (1, 1) once the agent has stopped within
    SUCCESS_DISTANCE of an object of the category, else (0, 1). `objects` are dicts with
    "category" and "position" ([x, y, z])."""
    near = any(o["category"] == category and
               float(np.hypot(o["position"][0] - agent_position[0], o["position"][2] - agent_position[2]))
               <= SUCCESS_DISTANCE for o in objects)
    return (1 if near and stopped else 0), 1


class HabitatEnv(gym.Env):
    """ObjectNav "Find a {category}." in a local habitat-sim scene."""

    metadata = {"render_modes": ["rgb_array"], "render_fps": 4}

    def __init__(self, category: str = "chair", scene: str | None = None, resolution: int = 128,
                 observations: tuple[str, ...] = ("rgb", "depth", "segmentation"), max_steps: int = MAX_STEPS):
        try:
            import habitat_sim
        except ImportError:
            raise ImportError(HABITAT_INSTALL_HINT) from None
        self.scene = find_scene(scene)
        self.category, self.max_steps, self.observations = category, max_steps, tuple(observations)
        self.resolution = resolution
        self.instruction = f"Find a {category}."
        sensors = []
        for key, kind in (("rgb", habitat_sim.SensorType.COLOR), ("depth", habitat_sim.SensorType.DEPTH),
                          ("segmentation", habitat_sim.SensorType.SEMANTIC)):
            if key in self.observations:
                spec = habitat_sim.CameraSensorSpec()
                spec.uuid = "semantic" if key == "segmentation" else key
                spec.sensor_type, spec.resolution = kind, [resolution, resolution]
                sensors.append(spec)
        agent = habitat_sim.agent.AgentConfiguration()
        agent.sensor_specifications = sensors
        agent.action_space = {name: habitat_sim.agent.ActionSpec(name, habitat_sim.agent.ActuationSpec(amount=amount))
                              for name, amount in HABITAT_ACTIONS.values()}
        backend = habitat_sim.SimulatorConfiguration()
        backend.scene_id = str(self.scene)
        self.sim = habitat_sim.Simulator(habitat_sim.Configuration(backend, [agent]))
        self.semantic_names = {int(o.semantic_id): f"{o.category.name()}|{o.id}"
                               for o in self.sim.semantic_scene.objects if o is not None and o.category is not None}
        self.objects = [{"category": o.category.name(), "position": list(o.aabb.center)}
                        for o in self.sim.semantic_scene.objects if o is not None and o.category is not None]
        r = resolution
        optional = {"rgb": spaces.Box(0, 255, (r, r, 3), dtype=np.uint8),
                    "depth": spaces.Box(0.0, np.inf, (r, r), dtype=np.float32),
                    "segmentation": spaces.Box(0, np.iinfo(np.uint16).max, (r, r), dtype=np.uint16)}
        self.observation_space = spaces.Dict({"instruction": spaces.Text(512, charset=string.printable),
                                              **{k: optional[k] for k in self.observations}})
        self.action_space = spaces.Discrete(len(ACTIONS))

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.sim.reset()
        self.steps, self.failures, self.stopped = 0, 0, False
        self.last = (True, "")
        return self._observation(self.sim.get_sensor_observations())

    def step(self, action):
        error = ""
        try:
            name = habitat_action(Action.parse(action))
        except ValueError as e:
            name, error = None, str(e)
        raw = self.sim.step(name) if name else self.sim.get_sensor_observations()
        self.stopped = self.stopped or (not error and name is None)
        self.steps += 1
        self.failures += 1 if error else 0
        self.last = (not error, error)
        obs, info = self._observation(raw)
        terminated, truncated = self.stopped, not self.stopped and self.steps >= self.max_steps
        return obs, float(info["success"] and terminated), terminated, truncated, info

    def _observation(self, raw):
        obs, ids = convert_observations(raw, self.semantic_names)
        position = self.sim.get_agent(0).get_state().position
        met, total = objectnav_conditions(self.category, position, self.objects, self.stopped)
        info = {"visible_objects": list(ids), "last_action_success": self.last[0], "error_message": self.last[1],
                "goal_conditions_met": (met, total), "success": met == total, "steps": self.steps,
                "failures": self.failures, "segmentation_ids": ids}
        return {"instruction": self.instruction, **{k: obs[k] for k in self.observations}}, info

    def close(self):
        self.sim.close()
