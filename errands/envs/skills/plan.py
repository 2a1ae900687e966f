"""A Plan (a list of SkillCalls that serialises to JSON) and the check of one call
against the skill registry and the scene's object types."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ...failures import FailureKind
from ..household.object_types import OBJECT_TYPES, types_named
from .arg_kinds import ARG_KINDS
from .call import PlanError, SkillCall
from .registry import SKILLS


@dataclass
class Plan:
    steps: list[SkillCall] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.steps)

    def __str__(self) -> str:
        return "\n".join(f"{i + 1}. {s}" for i, s in enumerate(self.steps))

    def to_dict(self) -> list[dict]:
        return [s.to_dict() for s in self.steps]

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text: str) -> Plan:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, TypeError) as e:
            raise PlanError(FailureKind.UNPARSABLE, f"plan is not valid JSON ({e}): {str(text)[:200]!r}") from None
        if isinstance(data, dict) and "plan" in data:
            data = data["plan"]
        if not isinstance(data, list):
            raise PlanError(FailureKind.UNPARSABLE, f"a plan must be a JSON list of steps, got {type(data).__name__}")
        return cls([SkillCall.from_dict(d) for d in data])

    def validate(self, known_types: set[str] | None = None) -> None:
        """Raise PlanError for the first step that breaks the skill registry or names an
        object type not in `known_types` (the scene's types, when given)."""
        for i, call in enumerate(self.steps):
            check_call(call, known_types, where=f"step {i + 1}")


def check_call(call: SkillCall, known_types: set[str] | None = None, where: str = "") -> None:
    prefix = f"{where}: " if where else ""
    skill = SKILLS.get(call.skill)
    if skill is None:
        raise PlanError(FailureKind.UNKNOWN_SKILL,
                        f"{prefix}unknown skill {call.skill!r}: expected one of {', '.join(SKILLS)}")
    if len(call.args) != len(skill.args):
        raise PlanError(FailureKind.WRONG_ARITY, f"{prefix}{call.skill} takes {len(skill.args)} argument(s) "
                                                 f"({', '.join(skill.args)}), got {len(call.args)}")
    for arg, kind in zip(call.args, skill.args):
        _check_argument(call, arg, kind, known_types, prefix)
    if call.not_in is not None:
        _check_argument(call, call.not_in, "receptacle", known_types, prefix)
    if call.holding is not None:
        _check_argument(call, call.holding, "object", known_types, prefix)
        _check_argument(call, call.args[-1], "receptacle", known_types, prefix)


def _check_argument(call: SkillCall, arg: str, kind: str, known_types: set[str] | None, prefix: str) -> None:
    """An argument is a type (or a family of types) of the scene that fits its kind."""
    names = types_named(arg)
    types = [OBJECT_TYPES.get(name) for name in names]
    known = known_types is None or any(name in known_types for name in names)
    if None in types or not known:
        where_known = "in this scene" if None not in types else "type"
        raise PlanError(FailureKind.HALLUCINATED_OBJECT,
                        f"{prefix}{call.skill} names {arg!r}, which is not an object {where_known}")
    if not all(ARG_KINDS[kind](t) for t in types):
        raise PlanError(FailureKind.WRONG_ARGUMENT_TYPE,
                        f"{prefix}{call.skill} needs a {kind} object, and {arg} is not one")
