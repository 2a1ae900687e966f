"""The primitive action contract: ALFRED's action space, shared by every backend."""

from __future__ import annotations

import operator
from dataclasses import dataclass

NAVIGATION_ACTIONS = ("MoveAhead", "RotateLeft", "RotateRight", "LookUp", "LookDown")
INTERACTION_ACTIONS = (
    "PickupObject",
    "PutObject",
    "OpenObject",
    "CloseObject",
    "ToggleObjectOn",
    "ToggleObjectOff",
    "SliceObject",
)
ACTIONS = NAVIGATION_ACTIONS + INTERACTION_ACTIONS + ("Stop",)
ACTION_INDEX = {name: i for i, name in enumerate(ACTIONS)}
# An interaction may name its target by a pixel of the camera's frame, as ALFRED's agents
# name theirs by an interaction mask: "pixel:X,Y" (X the column, Y the row, from the top
# left); the simulator acts on the object the segmentation shows at that pixel.
PIXEL_PREFIX = "pixel:"


def pixel_target(x: int, y: int) -> str:
    """The target string of the pixel in column x, row y of the camera's frame."""
    return f"{PIXEL_PREFIX}{int(x)},{int(y)}"


def parse_pixel_target(target: str) -> tuple[int, int] | None:
    """(x, y) of a "pixel:X,Y" target; None for a target that is no pixel (a type or an
    id); ValueError naming a malformed pixel target."""
    if not target.startswith(PIXEL_PREFIX):
        return None
    parts = target[len(PIXEL_PREFIX):].split(",")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(f"malformed pixel target {target!r}: expected 'pixel:X,Y' with X and Y non-negative "
                         f"integers (column and row of the camera's frame)")
    return int(parts[0]), int(parts[1])


@dataclass(frozen=True)
class Action:
    """One primitive action; interactions name a target (an object type, an exact object
    id, or a pixel of the camera's frame: pixel_target)."""

    name: str
    target: str | None = None

    def __str__(self) -> str:
        return self.name if self.target is None else f"{self.name} {self.target}"

    @property
    def is_interaction(self) -> bool:
        return self.name in INTERACTION_ACTIONS

    @classmethod
    def parse(cls, value, type_names: tuple[str, ...] = ()) -> Action:
        """Accept an Action, "PickupObject Apple", ("PutObject", "Fridge"), an action
        index, or the env's Dict sample {"action": i, "target": j} (j indexes
        `type_names` from 1; 0 means no target; ignored for navigation and Stop).
        Raise ValueError naming what is wrong."""
        if isinstance(value, Action):
            action = value
        elif isinstance(value, str):
            words = value.split()
            if not words or len(words) > 2:
                raise ValueError(f"malformed action {value!r}: expected 'Name' or 'Name Target'")
            action = cls(words[0], words[1] if len(words) == 2 else None)
        elif isinstance(value, (tuple, list)) and len(value) in (1, 2):
            action = cls(str(value[0]), None if len(value) == 1 or value[1] is None else str(value[1]))
        elif isinstance(value, dict):
            # A policy over the Dict space always emits a target; it means nothing to
            # navigation or Stop, so it is dropped there (an interaction mask).
            name = _action_name(value.get("action"))
            target = _target_name(value.get("target"), type_names) if name in INTERACTION_ACTIONS else None
            action = cls(name, target)
        elif _is_int(value):
            action = cls(_action_name(value))
        else:
            raise ValueError(
                f"malformed action {value!r}: expected an Action, a string, a (name, target) "
                "pair, an action index or {'action': index, 'target': type index}"
            )
        if not isinstance(action.name, str) or not (action.target is None or isinstance(action.target, str)):
            raise ValueError(f"malformed action {value!r}: the name and target must be strings")
        if action.name not in ACTION_INDEX:
            raise ValueError(f"unknown action {action.name!r}: expected one of {', '.join(ACTIONS)}")
        if action.target is not None and not action.is_interaction:
            raise ValueError(f"{action.name} takes no target, got {action.target!r}")
        return action


def _is_int(value) -> bool:
    """An int or anything that is one (numpy integers, 0-d arrays), but not a bool."""
    if isinstance(value, bool):
        return False
    try:
        operator.index(value)
    except TypeError:
        return False
    return True


def _action_name(value) -> str:
    if isinstance(value, str):
        return value
    if _is_int(value) and 0 <= operator.index(value) < len(ACTIONS):
        return ACTIONS[operator.index(value)]
    raise ValueError(f"unknown action index {value!r}: expected 0..{len(ACTIONS) - 1}")


def _target_name(value, type_names: tuple[str, ...]) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    if _is_int(value):
        index = operator.index(value)
        if index == 0:
            return None
        if 1 <= index <= len(type_names):
            return type_names[index - 1]
    raise ValueError(f"unknown target {value!r}: expected 0 (none) or a type index 1..{len(type_names)}")
