"""The oracle planner: the task's true goal (or the goal read from the instruction) handed
to the symbolic search over skills, within the task's constraints. Privileged: it reads the
world state."""

from __future__ import annotations

from ..envs.skills import Plan
from .base import Feedback, PlanningContext, PlanningError
from .goal_parser import parse_goal
from .reading import GoalReading
from .symbolic import plan_for_goal


class OraclePlanner:
    name = "oracle"

    def __init__(self):
        self.last_reading: GoalReading | None = None

    def plan(self, instruction: str, context: PlanningContext) -> Plan:
        if context.world is None:
            raise PlanningError("the oracle planner needs the world state (privileged context)")
        if context.goal is not None:
            self.last_reading = GoalReading(context.goal, 1.0, "oracle")
        else:
            self.last_reading = GoalReading(parse_goal(instruction), None, "rules")
        return plan_for_goal(self.last_reading.goal, context.world, context.constraints)

    def replan(self, feedback: Feedback) -> Plan:
        """Search again from the state the world is in now."""
        return self.plan(feedback.context.instruction, feedback.context)
