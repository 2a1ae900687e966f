"""ALFRED's seven task types, one class each, and their registry.

A task type validates a goal's parameters, says what a scene must hold for it, and
yields its goal conditions; the env's (met, total) count, the metrics, the symbolic
search and the viewer's checklist all read them from here. Adding a task type is one
module with its class and one line in TASK_TYPES.
"""

from __future__ import annotations

from .base import Condition, GoalState, NothingState, TaskType, WorldState
from .look_at_obj_in_light import LookAtObjInLight
from .pick_and_place_simple import PickAndPlaceSimple
from .pick_and_place_with_movable_recep import PickAndPlaceWithMovableRecep
from .pick_clean_then_place_in_recep import PickCleanThenPlaceInRecep
from .pick_cool_then_place_in_recep import PickCoolThenPlaceInRecep
from .pick_heat_then_place_in_recep import PickHeatThenPlaceInRecep
from .pick_two_obj_and_place import PickTwoObjAndPlace
from .transform import TransformTaskType

# In ALFRED's order (the order of reports and prompts).
TASK_TYPES: dict[str, TaskType] = {t.name: t for t in (
    PickAndPlaceSimple(),
    PickTwoObjAndPlace(),
    LookAtObjInLight(),
    PickCleanThenPlaceInRecep(),
    PickHeatThenPlaceInRecep(),
    PickCoolThenPlaceInRecep(),
    PickAndPlaceWithMovableRecep(),
)}


class UnknownTaskType(ValueError):
    """A task type that is not registered (the message lists those that are)."""


def task_type_named(name: str) -> TaskType:
    """The registered task type, or UnknownTaskType listing them."""
    found = TASK_TYPES.get(name)
    if found is None:
        raise UnknownTaskType(f"unknown task type {name!r}: expected one of {', '.join(TASK_TYPES)}")
    return found


__all__ = ["TASK_TYPES", "Condition", "GoalState", "LookAtObjInLight", "NothingState", "PickAndPlaceSimple",
           "PickAndPlaceWithMovableRecep", "PickCleanThenPlaceInRecep", "PickCoolThenPlaceInRecep",
           "PickHeatThenPlaceInRecep", "PickTwoObjAndPlace", "TaskType", "TransformTaskType", "UnknownTaskType",
           "WorldState", "task_type_named"]
