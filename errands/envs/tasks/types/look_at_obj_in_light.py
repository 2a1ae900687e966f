"""look_at_obj_in_light: hold an object (or a slice of it) with a lamp switched on in view."""

from __future__ import annotations

from ...household.object_types import LIGHT_TYPES, object_type
from .base import Condition, GoalState, TaskType, article, check_object


class LookAtObjInLight(TaskType):
    name = "look_at_obj_in_light"
    note = "hold an object and switch on a lamp"
    parent_is_light = True
    reads_view = True
    goal_templates = {
        "train": [
            "Look at {obj} under {light}.",
            "Examine {obj} in the light of {light}.",
            "Pick up {obj} and turn on {light}.",
            "Hold {obj} and switch on {light}.",
            "Inspect {obj} by the light of {light}.",
            "Study {obj} with {light} on.",
            "Take {obj} to {light} and turn the lamp on.",
            "Look at {obj} using {light}.",
            "Check {obj} under the light of {light}.",
            "Grab {obj} and examine it under {light}.",
            "Turn on {light} while holding {obj}.",
        ],
        "novel": [
            "Could you get a good look at {obj} beneath {light}?",
            "Illuminate {obj} with {light}.",
            "I want {obj} viewed under {light}.",
            "Switch {light} on and observe {obj}.",
        ],
    }

    def validate(self, goal) -> None:
        check_object(goal)
        object_type(goal.parent_receptacle)
        if goal.parent_receptacle not in LIGHT_TYPES:
            raise ValueError(f"{self.name} needs a light ({', '.join(LIGHT_TYPES)}), got {goal.parent_receptacle!r}")

    def conditions(self, goal, state: GoalState, objs: list[str]) -> list[Condition]:
        holding = state.held is not None and state.held in objs
        return [Condition(f"the agent holds {article(goal.object_type_name)}", holding),
                Condition(f"a switched-on {goal.parent_receptacle} is in view",
                          state.light_on_in_view(goal.parent_receptacle))]

    def reads_view_now(self, goal, state: GoalState) -> bool:
        """Only a switched-on light makes the view matter (switching one bumps the version)."""
        return any(state.has_flag(oid, "is_on") for oid in state.ids_of_type(goal.parent_receptacle))

    def estimate(self, goal, state: GoalState) -> int:
        holding = state.held in state.ids_of_type(goal.object_type_name)
        return (0 if holding else 1) + (0 if state.light_on_in_view(goal.parent_receptacle) else 1)
