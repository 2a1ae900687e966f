"""Household rules: what an operator sets once for every episode of a deployment ("never
put a knife in the sink", "keep the fridge closed"), and how they meet the user's
instruction.

A rule is a typed constraint with the operator's words. Rules outrank the user: a
constraint the user asks for that contradicts a rule is set aside, and a goal that
cannot be reached without breaking a rule is refused ("cannot do this because ..."),
naming the rule. Either way the conflict is reported (`RuleConflict`), so that the person
who asked learns why the agent did not do exactly what they said.

A rules file is a JSON list; each entry is {"text": ..., "constraint": {...}} (the
constraint as `Constraint.to_dict()` writes it) or {"text": ...} alone, read from its
words by the constraint reader.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..envs.tasks.constraints import (Constraint, EndPlacement, EndState, Ordering, constraint_from_dict)
from ..envs.tasks.goals import TaskGoal
from ..envs.household.world import World
from ..envs.skills import Plan
from ..failures import Failure, FailureCategory, FailureKind
from .base import PlanningError
from .symbolic import plan_for_goal


@dataclass(frozen=True)
class HouseholdRule:
    text: str
    constraint: Constraint

    def to_dict(self) -> dict:
        return {"text": self.text, "constraint": self.constraint.to_dict()}

    @classmethod
    def from_dict(cls, data, where: str = "rule") -> HouseholdRule:
        if not isinstance(data, dict) or not isinstance(data.get("text"), str) or not data["text"].strip():
            raise ValueError(f"{where}: expected an object with a non-empty 'text', got {data!r}")
        if "constraint" in data:
            try:
                return cls(data["text"].strip(), constraint_from_dict(data["constraint"]))
            except ValueError as e:
                raise ValueError(f"{where} ({data['text']!r}): {e}") from None
        return rule_from_text(data["text"], where)


def rule_from_text(text: str, where: str = "rule") -> HouseholdRule:
    """A rule read from the operator's words: they must say exactly one constraint."""
    from .constraint_reader import read_constraints

    reading = read_constraints(text, first_is_goal=False)
    if len(reading.constraints) != 1 or reading.unread:
        found = "; ".join(c.describe() for c in reading.constraints) or "none"
        raise ValueError(f"{where} {text!r}: a rule must say exactly one constraint the reader can read "
                         f"(read: {found}; unread: {list(reading.unread)}); give it as "
                         f"{{\"text\": ..., \"constraint\": {{...}}}} instead")
    return HouseholdRule(text.strip(), reading.constraints[0])


def load_rules(path: str | Path) -> tuple[HouseholdRule, ...]:
    """The rules of a rules file (see the module docstring)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise ValueError(f"household rules file {str(path)!r} does not exist") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"household rules file {str(path)!r} is not JSON: {e}") from None
    if not isinstance(data, list):
        raise ValueError(f"household rules file {str(path)!r}: expected a JSON list of rules, got "
                         f"{type(data).__name__}")
    return tuple(HouseholdRule.from_dict(entry, f"{path.name} rule {i + 1}") for i, entry in enumerate(data))


def rule_constraints(rules) -> tuple[Constraint, ...]:
    return tuple(rule.constraint for rule in rules)


@dataclass(frozen=True)
class RuleConflict:
    """The user asked for something a household rule forbids; the rule was followed."""

    rule: str  # the rule's words
    asked: str  # what the user asked that breaks it: a constraint's words, or the goal
    resolution: str

    def to_dict(self) -> dict:
        return {"rule": self.rule, "asked": self.asked, "resolution": self.resolution}


def contradicts(rule: Constraint, asked: Constraint) -> bool:
    """Whether no episode can meet both: opposite end states of one type, opposite end
    placements, or opposite orders of the same two events."""
    if isinstance(rule, EndState) and isinstance(asked, EndState):
        opposite = {"closed": "open", "open": "closed", "on": "off", "off": "on"}
        return rule.object_type == asked.object_type and opposite[rule.state] == asked.state
    if isinstance(rule, EndPlacement) and isinstance(asked, EndPlacement):
        return ((rule.object_type, rule.receptacle) == (asked.object_type, asked.receptacle)
                and rule.inside != asked.inside)
    if isinstance(rule, Ordering) and isinstance(asked, Ordering):
        return (rule.first, rule.then) == (asked.then, asked.first)
    return False


def settle(rules, asked) -> tuple[tuple[Constraint, ...], tuple[RuleConflict, ...]]:
    """The user's constraints that can stand beside the rules, and a conflict for each one
    set aside because it contradicts a rule."""
    kept, conflicts = [], []
    for constraint in asked:
        against = next((rule for rule in rules if contradicts(rule.constraint, constraint)), None)
        if against is None:
            kept.append(constraint)
        else:
            conflicts.append(RuleConflict(against.text, constraint.describe(),
                                          f"followed the household rule and not '{constraint.describe()}'"))
    return tuple(kept), tuple(conflicts)


def plan_within_rules(goal: TaskGoal, world: World, constraints, rules) -> Plan:
    """The symbolic search's plan for the goal within the user's constraints and the rules.
    When only the rules stand in the way, a PlanningError of kind rule_conflict (category
    cannot_do) names the first rule that alone rules the goal out."""
    constraints = tuple(constraints)
    try:
        return plan_for_goal(goal, world, constraints + rule_constraints(rules))
    except PlanningError as within:
        if not rules:
            raise
        try:
            plan_for_goal(goal, world, constraints)
        except PlanningError:
            raise within from None  # the rules are not what stands in the way
        culprit = next((rule for rule in rules if _rules_out(goal, world, constraints, rule)), None)
        text = culprit.text if culprit else "; ".join(rule.text for rule in rules)
        what = "the household rule" if culprit else "the household rules together"
        message = f"cannot do this because it conflicts with {what} '{text}': {within}"
        failure = Failure(FailureCategory.CANNOT_DO, FailureKind.RULE_CONFLICT, message, text)
        raise PlanningError(message, kind=FailureKind.RULE_CONFLICT.value, failure=failure) from None


def _rules_out(goal: TaskGoal, world: World, constraints: tuple, rule: HouseholdRule) -> bool:
    try:
        plan_for_goal(goal, world, constraints + (rule.constraint,))
    except PlanningError:
        return True
    return False
