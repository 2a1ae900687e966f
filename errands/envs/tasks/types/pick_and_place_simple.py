"""pick_and_place_simple: put one object (or a slice of it) in or on a receptacle."""

from __future__ import annotations

from .base import Condition, GoalState, TaskType, article, check_fixed_receptacle, check_holds, check_no_movable, \
    check_object, placed_in


class PickAndPlaceSimple(TaskType):
    name = "pick_and_place_simple"
    note = "put one object somewhere"
    goal_templates = {
        "train": [
            "[Put|Place] {obj} in {parent}.",
            "[Put|Place|Set] {obj} on {parent}.",
            "Move {obj} to {parent}.",
            "Take {obj} and put it in {parent}.",
            "Pick up {obj} and place it on {parent}.",
            "Bring {obj} to {parent}.",
            "Grab {obj} and leave it [in|on] {parent}.",
            "[Put|Place] {obj} [in|on] {parent}, please.",
            "Find {obj} and move it to {parent}.",
            "{Obj} goes [in|on] {parent}.",
            "Carry {obj} over to {parent}.",
        ],
        "novel": [
            "Could you relocate {obj} to {parent}?",
            "I need {obj} sitting [in|on] {parent}.",
            "Deposit {obj} [in|on] {parent}.",
            "Make sure {obj} ends up [in|on] {parent}.",
        ],
    }

    def validate(self, goal) -> None:
        check_object(goal)
        parent = check_fixed_receptacle(goal)
        check_no_movable(goal)
        check_holds(parent, goal.object_type_name)

    def conditions(self, goal, state: GoalState, objs: list[str]) -> list[Condition]:
        placed = placed_in(state, objs, set(state.ids_of_type(goal.parent_receptacle)))
        return [Condition(f"{article(goal.object_type_name)} is in/on {article(goal.parent_receptacle)}", bool(placed))]

    def estimate(self, goal, state: GoalState) -> int:
        objs = state.ids_of_type(goal.object_type_name)
        if placed_in(state, objs, set(state.ids_of_type(goal.parent_receptacle))):
            return 0
        return 1 + (0 if objs else 1)
