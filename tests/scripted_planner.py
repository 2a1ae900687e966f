"""A planner for tests that makes one chosen mistake: always the same plan (or the same
error), whatever the instruction. tests/ is on the import path through its conftest."""

from __future__ import annotations

from errands.envs.skills import Plan, SkillCall


class ScriptedPlanner:
    name = "scripted"

    def __init__(self, steps=None, error=None):
        self.steps, self.error = steps, error

    def plan(self, instruction, context):
        if self.error:
            raise self.error
        return Plan([SkillCall(s, tuple(args)) for s, *args in self.steps])

    def replan(self, feedback):
        return self.plan(feedback.context.instruction, feedback.context)
