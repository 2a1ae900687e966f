"""pick_two_obj_and_place: put two objects of a type in or on the same receptacle."""

from __future__ import annotations

from collections import Counter

from .base import Condition, GoalState, TaskType, article, check_fixed_receptacle, check_holds, check_no_movable, \
    check_object


class PickTwoObjAndPlace(TaskType):
    name = "pick_two_obj_and_place"
    note = "put two objects of a type somewhere"
    objects_needed = 2
    goal_templates = {
        "train": [
            "[Put|Place] two {objs} in {parent}.",
            "[Put|Place|Set] two {objs} on {parent}.",
            "Move two {objs} to {parent}.",
            "Take two {objs} and put them in {parent}.",
            "Pick up two {objs} and place them on {parent}.",
            "Bring two {objs} to {parent}.",
            "Put a pair of {objs} [in|on] {parent}.",
            "Find two {objs} and move them to {parent}.",
            "[Put|Place] both {objs} [in|on] {parent}.",
            "Two {objs} go [in|on] {parent}.",
            "Carry two {objs} over to {parent}.",
        ],
        "novel": [
            "Could you relocate a couple of {objs} to {parent}?",
            "I need two {objs} sitting [in|on] {parent}.",
            "Deposit two {objs} [in|on] {parent}.",
            "Make sure two {objs} end up [in|on] {parent}.",
        ],
    }

    def validate(self, goal) -> None:
        check_object(goal)
        parent = check_fixed_receptacle(goal)
        check_no_movable(goal)
        check_holds(parent, goal.object_type_name)

    @staticmethod
    def most_in_one(goal, state: GoalState, objs: list[str]) -> int:
        """The most of the objects in any one receptacle of the goal's type."""
        parent_ids = set(state.ids_of_type(goal.parent_receptacle))
        counts = Counter(state.parent_of(o) for o in objs)
        return max((n for p, n in counts.items() if p in parent_ids), default=0)

    def conditions(self, goal, state: GoalState, objs: list[str]) -> list[Condition]:
        name, best = goal.object_type_name, self.most_in_one(goal, state, objs)
        return [Condition(f"one {name} is in/on {article(goal.parent_receptacle)}", best >= 1),
                Condition(f"a second {name} is in/on the same {goal.parent_receptacle}", best >= 2)]

    def estimate(self, goal, state: GoalState) -> int:
        objs = state.ids_of_type(goal.object_type_name)
        return 2 - min(2, self.most_in_one(goal, state, objs)) + (0 if len(objs) >= 2 else 1)
