"""The constraints a planner plans within: the user's (read from the instruction's words, or
given typed, as the task carries them) settled against the household rules.

`source="read"` is what an agent that gets only language has: the constraint reader takes
the instruction's constraint clauses out, and what is left (`task_text`) is what the goal
reader reads. `source="given"` hands the planner the task's typed constraints (privileged,
like the oracle's goal), to measure planning apart from reading; `source="none"` plans as
if the instruction said none (the household rules still hold): the blind baseline. Either way the record
(`to_dict`) says where they came from, what could not be read, and the conflicts with the
rules, and the Agent writes it into the EpisodeLog.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..envs.tasks.constraints import Constraint
from .base import PlanningContext
from .household_rules import HouseholdRule, RuleConflict, rule_constraints, settle

CONSTRAINT_SOURCES = ("read", "given", "none")


@dataclass(frozen=True)
class WorkingConstraints:
    source: str
    task_text: str  # the instruction without its constraint clauses
    constraints: tuple[Constraint, ...]  # the user's that stand beside the rules
    rules: tuple[HouseholdRule, ...] = ()
    conflicts: tuple[RuleConflict, ...] = ()
    unread: tuple[str, ...] = ()  # clauses that look like constraints but could not be read

    @property
    def all(self) -> tuple[Constraint, ...]:
        """Everything the plan must keep: the user's constraints and the rules."""
        return self.constraints + rule_constraints(self.rules)

    def __bool__(self) -> bool:
        return bool(self.all or self.conflicts or self.unread)

    def to_dict(self) -> dict:
        return {"source": self.source, "constraints": [c.to_dict() for c in self.constraints],
                "rules": [r.text for r in self.rules], "conflicts": [c.to_dict() for c in self.conflicts],
                "unread": list(self.unread)}


def working_constraints(instruction: str, context: PlanningContext, source: str) -> WorkingConstraints:
    if source not in CONSTRAINT_SOURCES:
        raise ValueError(f"unknown constraint source {source!r}: expected one of {', '.join(CONSTRAINT_SOURCES)}")
    from .constraint_reader import read_constraints  # the reader's lexicon loads on first use

    reading = read_constraints(instruction, context.object_types or None)
    asked = {"read": reading.constraints, "given": tuple(context.constraints), "none": ()}[source]
    kept, conflicts = settle(context.rules, asked)
    task_text = reading.task_text if reading.clauses else instruction
    return WorkingConstraints(source, task_text, kept, tuple(context.rules), conflicts,
                              reading.unread if source == "read" else ())
