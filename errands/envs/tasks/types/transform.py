"""The three transform task types (clean, heat, cool an object, then put it somewhere):
one class, told its transform by each type's own module."""

from __future__ import annotations

from ...household.object_types import object_type
from ...transforms import Transform
from .base import Condition, GoalState, TaskType, article, check_fixed_receptacle, check_holds, check_no_movable, \
    check_object, placed_in


class TransformTaskType(TaskType):
    transform: Transform
    goal_templates = {
        "train": [
            "[Put|Place] {done} {bare} in {parent}.",
            "[Put|Place|Set] {done} {bare} on {parent}.",
            "Move {done} {bare} to {parent}.",
            "{Verb} {obj} and put it in {parent}.",
            "{Verb} {obj}, then place it on {parent}.",
            "Bring {done} {bare} to {parent}.",
            "{Verb} {obj} and leave it [in|on] {parent}.",
            "Pick up {obj}, {verb} it, and put it [in|on] {parent}.",
            "Place {done} {bare} [in|on] {parent}.",
            "Find {obj}, {verb} it and move it to {parent}.",
            "{Done} {bare} goes [in|on] {parent}.",
        ],
        "novel": [
            "Could you {verb} {obj} and relocate it to {parent}?",
            "I need {done} {bare} sitting [in|on] {parent}.",
            "Deposit {done} {bare} [in|on] {parent}.",
            "Make sure {obj} is {done} and ends up [in|on] {parent}.",
        ],
    }

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.name = cls.transform.task_type
        cls.note = f"{cls.transform.prompt_verb} an object, then put it somewhere"

    def validate(self, goal) -> None:
        check_object(goal)
        parent = check_fixed_receptacle(goal)
        check_no_movable(goal)
        held = goal.object_type_name
        check_holds(parent, held)
        if not getattr(object_type(held), self.transform.affordance):
            raise ValueError(f"a {held} cannot be {self.transform.flag}")

    def needed_fixtures(self, goal) -> list[str]:
        return [goal.parent_receptacle, self.transform.appliance]

    def requirements(self, goal, scene) -> list[str]:
        missing = super().requirements(goal, scene)
        t = self.transform
        if t.needs_control:
            appliances = {o.id for o in scene.fixed if o.type == t.appliance}
            if not any(o.controls in appliances for o in scene.fixed if o.type == t.switch):
                missing.append(f"a {t.switch} over a {t.appliance}")
        if goal.object_type_name not in object_type(t.appliance).accepts:
            missing.append(f"a {t.appliance} that takes a {goal.object_type_name}")
        return missing

    def conditions(self, goal, state: GoalState, objs: list[str]) -> list[Condition]:
        name, parent, flag = goal.object_type_name, goal.parent_receptacle, self.transform.flag
        word = self.transform.state_word
        placed = set(placed_in(state, objs, set(state.ids_of_type(parent))))
        done = {o for o in objs if state.has_flag(o, flag)}
        return [Condition(f"{article(name)} is in/on {article(parent)}", bool(placed)),
                Condition(f"{article(name)} is {word}", bool(done)),
                Condition(f"a {word} {name} is in/on {article(parent)}", bool(placed & done))]

    def estimate(self, goal, state: GoalState) -> int:
        flag = self.transform.flag
        objs = state.ids_of_type(goal.object_type_name)
        placed = placed_in(state, objs, set(state.ids_of_type(goal.parent_receptacle)))
        if any(state.has_flag(o, flag) for o in placed):
            return 0
        return 1 + (0 if any(state.has_flag(o, flag) for o in objs) else 1) + (0 if objs else 1)
