"""The skills a goal asks for, by object type, without the world: the plan of an agent
that knows the instruction and nothing of the home (ALFRED's RGB-and-language rule).

The symbolic search (symbolic.py) plans from the world's state: where each object is,
which container is closed, which slicing tool the home has. Without it, each ALFRED task
type has one order of skills, and every skill names object types for the skill policy to
find through its own eyes: go to the object, pick it up, go to where it goes, put it
there, with the type's transform, slice or light on the way. The choices the world would
make are the household's common ones: a Knife slices, and it is put down on a CounterTop
before the slice is picked up.
"""

from __future__ import annotations

from dataclasses import replace

from ..envs.skills import Plan, SkillCall
from ..envs.tasks.goals import TaskGoal
from ..envs.transforms import transform_of_task_type
from .base import Feedback, PlanningContext, PlanningError

SLICING_TOOL = "Knife"
TOOL_REST = "CounterTop"  # where the knife is put down after slicing


def goal_skills(goal: TaskGoal) -> Plan:
    """The skill calls (object types only, no ids) that reach `goal` in a home the
    planner has not seen."""
    steps: list[SkillCall] = []
    thing = goal.object_type_name
    if goal.sliced:
        steps += [_go(SLICING_TOOL), _call("PickupObject", SLICING_TOOL), _go(goal.object),
                  _call("SliceObject", goal.object), _go(TOOL_REST), _call("PutObject", SLICING_TOOL, TOOL_REST)]
    kind = goal.task_type
    transform = transform_of_task_type(kind)
    if kind == "look_at_obj_in_light":
        steps += _fetch(thing) + [_go(goal.parent_receptacle), _call("ToggleObject", goal.parent_receptacle)]
    elif kind == "pick_two_obj_and_place":
        for _ in range(2):
            steps += _fetch(thing) + _bring(thing, goal.parent_receptacle)
    elif kind == "pick_and_place_with_movable_recep":
        movable = goal.movable_receptacle
        steps += _fetch(thing) + _bring(thing, movable) + [_call("PickupObject", movable)]
        steps += _bring(movable, goal.parent_receptacle)
    elif transform is not None:
        steps += _fetch(thing) + [_go(transform.appliance), _call(transform.skill, thing)]
        steps += _bring(thing, goal.parent_receptacle)
    elif kind == "pick_and_place_simple":
        steps += _fetch(thing) + _bring(thing, goal.parent_receptacle)
    else:
        raise ValueError(f"no skill order for task type {kind!r}")
    return Plan(steps)


def _call(skill: str, *args: str) -> SkillCall:
    return SkillCall(skill, tuple(args))


def _go(type_name: str) -> SkillCall:
    return _call("GotoLocation", type_name)


def _fetch(type_name: str) -> list[SkillCall]:
    return [_go(type_name), _call("PickupObject", type_name)]


def _bring(type_name: str, receptacle: str) -> list[SkillCall]:
    return [_go(receptacle), _call("PutObject", type_name, receptacle)]


def resume(plan: Plan, completed) -> Plan:
    """A plan made without the world, again from its first skill not `completed` (the
    skills done are its first ones: each re-plan resumes it in order), as new call objects,
    so that a policy sees the retried skill as a new one."""
    return Plan([replace(call) for call in plan.steps[len(completed):]])


class GoalSkillsPlanner:
    """The task's true goal's skills by object type (goal_skills): the plan a planner that
    reads the instruction alone writes when it reads it right. Privileged (it is given the
    goal): demonstrations for policies that play after such planners, and their ceiling."""

    name = "goal-skills"
    inputs = ("instruction", "goal")  # errands/protocols.py

    def __init__(self):
        self._plan: Plan | None = None

    def plan(self, instruction: str, context: PlanningContext) -> Plan:
        if context.goal is None:
            raise PlanningError("the goal-skills planner is given the task's goal (privileged context); it has none")
        self._plan = goal_skills(context.goal)
        return self._plan

    def replan(self, feedback: Feedback) -> Plan:
        if self._plan is None:
            return self.plan(feedback.context.instruction, feedback.context)
        return resume(self._plan, feedback.completed)
