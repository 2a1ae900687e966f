"""pick_and_place_with_movable_recep: put an object in a movable receptacle (a bowl, a
plate) and that receptacle in or on another."""

from __future__ import annotations

from ...household.object_types import object_type
from .base import Condition, GoalState, TaskType, article, check_fixed_receptacle, check_holds, check_object


class PickAndPlaceWithMovableRecep(TaskType):
    name = "pick_and_place_with_movable_recep"
    note = "put an object in a container and the container somewhere"
    goal_templates = {
        "train": [
            "[Put|Place] {obj} in {movable} and put {movable_it} in {parent}.",
            "[Put|Place] {movable} with {obj} in it on {parent}.",
            "Move {obj} in {movable} to {parent}.",
            "Put {obj} into {movable}, then place {movable_it} on {parent}.",
            "Carry {obj} in {movable} to {parent}.",
            "Bring {movable} holding {obj} to {parent}.",
            "Take {obj}, put it in {movable}, and move {movable_it} to {parent}.",
            "Set {movable} containing {obj} [in|on] {parent}.",
            "Place {obj} inside {movable} and set {movable_it} [in|on] {parent}.",
            "{Movable} with {obj} goes [in|on] {parent}.",
            "Load {obj} into {movable} and leave {movable_it} [in|on] {parent}.",
        ],
        "novel": [
            "Could you relocate {movable} with {obj} inside to {parent}?",
            "I need {obj} in {movable} sitting [in|on] {parent}.",
            "Deposit {movable} carrying {obj} [in|on] {parent}.",
            "Make sure {obj} is in {movable} and {movable_it} ends up [in|on] {parent}.",
        ],
    }

    def validate(self, goal) -> None:
        check_object(goal)
        parent = check_fixed_receptacle(goal)
        if not goal.movable_receptacle:
            raise ValueError(f"{self.name} needs a movable receptacle (Bowl, Plate, ...)")
        movable = object_type(goal.movable_receptacle)
        if not movable.movable_receptacle:
            raise ValueError(f"{goal.movable_receptacle!r} is not a movable receptacle")
        if goal.object_type_name not in movable.accepts:
            raise ValueError(f"a {goal.movable_receptacle} cannot hold a {goal.object_type_name}")
        check_holds(parent, goal.movable_receptacle)

    def conditions(self, goal, state: GoalState, objs: list[str]) -> list[Condition]:
        name, movable, parent = goal.object_type_name, goal.movable_receptacle, goal.parent_receptacle
        movables = set(state.ids_of_type(movable))
        parent_ids = set(state.ids_of_type(parent))
        in_movable = [o for o in objs if state.parent_of(o) in movables]
        movable_placed = {m for m in movables if state.parent_of(m) in parent_ids}
        return [Condition(f"{article(name)} is in/on {article(movable)}", bool(in_movable)),
                Condition(f"{article(movable)} is in/on {article(parent)}", bool(movable_placed)),
                Condition(f"{article(name)} is in/on {article(movable)} that is in/on {article(parent)}",
                          any(state.parent_of(o) in movable_placed for o in in_movable))]

    def estimate(self, goal, state: GoalState) -> int:
        objs = state.ids_of_type(goal.object_type_name)
        movables = set(state.ids_of_type(goal.movable_receptacle))
        parent_ids = set(state.ids_of_type(goal.parent_receptacle))
        inside = [o for o in objs if state.parent_of(o) in movables]
        if any(state.parent_of(state.parent_of(o)) in parent_ids for o in inside):
            return 0
        return 1 + (0 if inside else 1) + (0 if objs else 1)
