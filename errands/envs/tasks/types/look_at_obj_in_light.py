"""look_at_obj_in_light: hold an object (or a slice of it) with a lamp switched on in view."""

from __future__ import annotations

from ...household.object_types import LIGHT_TYPES, object_type
from .base import Condition, GoalState, TaskType, article, check_object


class LookAtObjInLight(TaskType):
    name = "look_at_obj_in_light"
    note = "hold an object and switch on a lamp"

    def validate(self, goal) -> None:
        check_object(goal)
        object_type(goal.parent_receptacle)
        if goal.parent_receptacle not in LIGHT_TYPES:
            raise ValueError(f"{self.name} needs a light ({', '.join(LIGHT_TYPES)}), got {goal.parent_receptacle!r}")

    def kept_away_from(self, goal) -> tuple[str, ...]:
        return ()  # the "parent" is the lamp, which holds nothing

    def conditions(self, goal, state: GoalState, objs: list[str]) -> list[Condition]:
        return [Condition(f"the agent holds {article(goal.object_type_name)}", state.held is not None and state.held in objs),
                Condition(f"a switched-on {goal.parent_receptacle} is in view",
                          state.light_on_in_view(goal.parent_receptacle))]

    def estimate(self, goal, state: GoalState) -> int:
        holding = state.held in state.ids_of_type(goal.object_type_name)
        return (0 if holding else 1) + (0 if state.light_on_in_view(goal.parent_receptacle) else 1)
