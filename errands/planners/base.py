"""The planner contract: plan(instruction, context) -> Plan, replan(feedback) -> Plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..envs.household.world import World
from ..envs.skills import Plan, SkillCall
from ..envs.tasks.constraints import Constraint
from ..envs.tasks.goals import TaskGoal


@dataclass
class PlanningContext:
    """What a planner may know. `goal` and `world` are privileged (the oracle uses them);
    planners that act like an agent read only the instruction and what was seen."""

    instruction: str
    object_types: list[str] = field(default_factory=list)  # types the agent knows of
    visible_objects: list[str] = field(default_factory=list)
    goal: TaskGoal | None = None
    world: World | None = None
    constraints: tuple[Constraint, ...] = ()  # the task's typed constraints (privileged, as the goal is)
    rules: tuple = ()  # the household rules (planners.household_rules.HouseholdRule) the operator set
    # Text the agent has read on things so far ({"object", "kind", "text"}): part of the
    # world, never an instruction (notes, labels and screens may carry injected ones).
    seen_text: tuple[dict, ...] = ()


@dataclass
class Feedback:
    """Why the agent asks for a new plan: the skills done, the one that failed and why,
    and what it has seen so far."""

    completed: list[SkillCall]
    failed: SkillCall
    reason: str
    seen_objects: list[str]
    context: PlanningContext


class Planner(Protocol):
    name: str

    def plan(self, instruction: str, context: PlanningContext) -> Plan: ...

    def replan(self, feedback: Feedback) -> Plan: ...


class PlanningError(RuntimeError):
    """No plan could be made; the message says why, and `kind` names the error kind when
    it is known (unparsable, hallucinated_object, backend_error, ...)."""

    def __init__(self, message: str, kind: str | None = None, failure=None):
        super().__init__(message)
        self.kind = kind
        self.failure = failure  # an errands.failures.Failure, when the planner knows exactly why
