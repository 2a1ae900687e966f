"""The oracle planner: the task's true goal (or the goal read from the instruction) handed
to the symbolic search over skills, within the task's typed constraints and the household
rules. Privileged: it reads the world state and is given the constraints."""

from __future__ import annotations

from ..envs.skills import Plan
from .base import Feedback, PlanningContext, PlanningError
from .goal_parser import parse_goal
from .household_rules import plan_within_rules
from .reading import GoalReading
from .working_constraints import WorkingConstraints, working_constraints


class OraclePlanner:
    name = "oracle"
    inputs = ("instruction", "goal", "world")  # privileged (errands/protocols.py)

    def __init__(self):
        self.last_reading: GoalReading | None = None
        self.last_constraints: WorkingConstraints | None = None

    def plan(self, instruction: str, context: PlanningContext) -> Plan:
        if context.world is None:
            raise PlanningError("the oracle planner needs the world state (privileged context)")
        working = working_constraints(instruction, context, "given")
        self.last_constraints = working
        if context.goal is not None:
            self.last_reading = GoalReading(context.goal, 1.0, "oracle")
        else:
            self.last_reading = GoalReading(parse_goal(working.task_text), None, "rules")
        return plan_within_rules(self.last_reading.goal, context.world, working.constraints, working.rules)

    def replan(self, feedback: Feedback) -> Plan:
        """Search again from the state the world is in now."""
        return self.plan(feedback.context.instruction, feedback.context)
