"""The skills a goal asks for, by object type, without the world: the plan of an agent
that knows the instruction and nothing of the home (ALFRED's RGB-and-language rule).

The symbolic search (symbolic.py) plans from the world's state: where each object is,
which container is closed, which slicing tool the home has. Without it, each ALFRED task
type has one order of skills, and every skill names object types for the skill policy to
find through its own eyes: go to the object, pick it up, go to where it goes, put it
there, with the type's transform, slice or light on the way. The choices the world would
make are the household's common ones: a Knife slices, and it is put down on a CounterTop
before the slice is picked up. What the world would tell apart, the calls say in words, as
an agent that sees would: the second object of a pick-two task is one not already in the
receptacle (the call's `not_in`) and goes to the receptacle that holds the first (its
`holding`), and a light the words do not name exactly ("the lamp")
is any lamp (the "Lamp" family), the one the room has.
"""

from __future__ import annotations

from dataclasses import replace

from ..envs.household.object_types import LIGHT_TYPES, TYPE_FAMILIES
from ..envs.skills import Plan, SkillCall
from ..envs.tasks.goals import TaskGoal
from ..envs.transforms import transform_of_task_type
from .base import Feedback, PlanningContext, PlanningError

SLICING_TOOL = "Knife"
TOOL_REST = "CounterTop"  # where the knife is put down after slicing
ANY_LAMP = "Lamp"  # the family of LIGHT_TYPES (object_types.TYPE_FAMILIES)


def goal_skills(goal: TaskGoal, light: str | None = None) -> Plan:
    """The skill calls (object types only, no ids) that reach `goal` in a home the
    planner has not seen. `light` is the lamp a look-at plan turns on: the goal's light
    when the words name it (lamp_named), else any lamp (the default)."""
    steps: list[SkillCall] = []
    thing = goal.object_type_name
    if goal.sliced:
        steps += [_go(SLICING_TOOL), _call("PickupObject", SLICING_TOOL), _go(goal.object),
                  _call("SliceObject", goal.object), _go(TOOL_REST), _call("PutObject", SLICING_TOOL, TOOL_REST)]
    kind = goal.task_type
    transform = transform_of_task_type(kind)
    if kind == "look_at_obj_in_light":
        light = ANY_LAMP if light is None else light
        if light not in TYPE_FAMILIES[ANY_LAMP] and light != ANY_LAMP:
            raise ValueError(f"light {light!r} is no lamp: expected {ANY_LAMP} or one of {', '.join(LIGHT_TYPES)}")
        steps += _fetch(thing) + [_go(light), _call("ToggleObject", light)]
    elif kind == "pick_two_obj_and_place":
        receptacle = goal.parent_receptacle
        steps += _fetch(thing) + _bring(thing, receptacle)
        # another one than the first, to the receptacle that holds the first
        steps += _fetch(thing, not_in=receptacle) + _bring(thing, receptacle, holding=thing)
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


def lamp_named(instruction: str, light: str) -> str:
    """`light` when the instruction's words name that lamp type and no other ("the floor
    lamp"), else ANY_LAMP ("the lamp", or words that name no lamp): which lamp a room has
    is for the agent to see, not for the planner to guess."""
    from .interpreter.lexicon import find_mentions, tokenize

    lamps = set(TYPE_FAMILIES[ANY_LAMP])
    named = [set(m.types) & lamps for m in find_mentions(tokenize(instruction)) if m.named]
    return light if any(types == {light} for types in named) else ANY_LAMP


def _call(skill: str, *args: str, not_in: str | None = None, holding: str | None = None) -> SkillCall:
    return SkillCall(skill, tuple(args), not_in=not_in, holding=holding)


def _go(type_name: str, not_in: str | None = None, holding: str | None = None) -> SkillCall:
    return _call("GotoLocation", type_name, not_in=not_in, holding=holding)


def _fetch(type_name: str, not_in: str | None = None) -> list[SkillCall]:
    return [_go(type_name, not_in), _call("PickupObject", type_name, not_in=not_in)]


def _bring(type_name: str, receptacle: str, holding: str | None = None) -> list[SkillCall]:
    return [_go(receptacle, holding=holding), _call("PutObject", type_name, receptacle, holding=holding)]


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
        self._plan = goal_skills(context.goal, light=words_light(instruction, context.goal))
        return self._plan

    def replan(self, feedback: Feedback) -> Plan:
        if self._plan is None:
            return self.plan(feedback.context.instruction, feedback.context)
        return resume(self._plan, feedback.completed)


def words_light(instruction: str, goal: TaskGoal) -> str | None:
    """The lamp a look-at plan of `goal` turns on, as the instruction's words name it."""
    if goal.task_type != "look_at_obj_in_light":
        return None
    return lamp_named(instruction, goal.parent_receptacle)
