"""THOR's event metadata as errands reads a world: the goal state the task types count
their conditions on, the states ALFRED's env tracks itself (THOR has no "cleaned",
"heated" or "cooled" flag), and the household env's observation and info values.

Containment is THOR's `receptacleObjectIds`, as ALFRED's env/tasks.py reads it; an
object listed by several receptacles (an apple in a bowl on a counter) has as its one
parent the innermost of them, the one that is itself inside another.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..household.object_types import TYPE_NAMES
from .actions import closest_of_type, held_object, objects_by_id

TYPE_INDEX = {name: i + 1 for i, name in enumerate(TYPE_NAMES)}  # 0: nothing held
OTHER_TYPE = len(TYPE_NAMES) + 1  # a held THOR type errands has no name for


@dataclass
class TrackedStates:
    """ALFRED's cleaned, heated and cooled objects (env/thor_env.py update_states): what
    is in the faucet's sink basin when it is switched on, in the microwave when it is
    switched on, in the fridge when it is closed. Sets of object ids, by transform flag."""

    cleaned: set[str] = field(default_factory=set)
    heated: set[str] = field(default_factory=set)
    cooled: set[str] = field(default_factory=set)

    def update(self, step: dict, metadata: dict) -> None:
        """Record what the successful THOR step `step` did, from the metadata after it."""
        if not metadata["lastActionSuccess"] or "objectId" not in step:
            return
        objects = objects_by_id(metadata)
        target = objects.get(step["objectId"])
        if target is None:
            return
        kind, action = target["objectType"], step["action"]
        if action == "ToggleObjectOn" and kind == "Faucet":
            basin = closest_of_type("SinkBasin", target, metadata)
            self.cleaned |= set((basin or {}).get("receptacleObjectIds") or [])
        elif action == "ToggleObjectOn" and kind == "Microwave":
            self.heated |= set(target.get("receptacleObjectIds") or [])
        elif action == "CloseObject" and kind == "Fridge":
            self.cooled |= set(target.get("receptacleObjectIds") or [])


def parents(metadata: dict) -> dict[str, str]:
    """Each contained object's one parent: the innermost receptacle listing it."""
    listed: dict[str, list[str]] = {}
    for o in metadata["objects"]:
        for inside in o.get("receptacleObjectIds") or []:
            listed.setdefault(inside, []).append(o["objectId"])
    out = {}
    for obj, receptacles in listed.items():
        nested = [r for r in receptacles if any(r2 in listed.get(r, ()) for r2 in receptacles if r2 != r)]
        out[obj] = nested[0] if nested else receptacles[0]
    return out


class ThorState:
    """A THOR event's metadata (with the tracked states) as a task types' GoalState."""

    def __init__(self, metadata: dict, tracked: TrackedStates):
        self.metadata = metadata
        self.tracked = tracked
        held = held_object(metadata)
        self.held = held["objectId"] if held else None
        self._parents = parents(metadata)

    def ids_of_type(self, type_name: str) -> list[str]:
        return [o["objectId"] for o in self.metadata["objects"] if o["objectType"] == type_name]

    def parent_of(self, object_id: str) -> str | None:
        return None if object_id == self.held else self._parents.get(object_id)

    def has_flag(self, object_id: str, flag: str) -> bool:
        return object_id in getattr(self.tracked, flag)

    def light_on_in_view(self, type_name: str) -> bool:
        return any(o["objectType"] == type_name and o["isToggled"] and o["visible"] for o in self.metadata["objects"])


def visible_ids(metadata: dict) -> list[str]:
    """What THOR says the agent sees within its visibility distance, sorted."""
    return sorted(o["objectId"] for o in metadata["objects"] if o["visible"])


def held_type_index(metadata: dict) -> int:
    """The observation's "held": the held object's type index (0: nothing)."""
    held = held_object(metadata)
    if held is None:
        return 0
    return TYPE_INDEX.get(held["objectType"], OTHER_TYPE)


def pose(metadata: dict) -> np.ndarray:
    """[x, z in grid steps of 0.25 m, heading in degrees, camera horizon in degrees]."""
    agent = metadata["agent"]
    p = agent["position"]
    return np.array([round(p["x"] / 0.25), round(p["z"] / 0.25), round(agent["rotation"]["y"]) % 360,
                     round(agent["cameraHorizon"])], dtype=np.int64)


def segmentation_ids(instance_frame: np.ndarray, color_to_object_id: dict) -> tuple[np.ndarray, tuple[str, ...]]:
    """THOR's instance colours as the household env's segmentation: value k + 1 is the
    k-th id (ids sorted), 0 a colour no object has."""
    colors, inverse = np.unique(instance_frame.reshape(-1, instance_frame.shape[-1]), axis=0, return_inverse=True)
    named = {i: color_to_object_id[tuple(int(v) for v in c)] for i, c in enumerate(colors)
             if tuple(int(v) for v in c) in color_to_object_id}
    ids = tuple(sorted(set(named.values())))
    value = {i: ids.index(name) + 1 for i, name in named.items()}
    lookup = np.array([value.get(i, 0) for i in range(len(colors))], dtype=np.uint16)
    return lookup[inverse.reshape(-1)].reshape(instance_frame.shape[:2]), ids
