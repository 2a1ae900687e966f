"""A SkillCall (one step of a plan) and PlanError (a plan that is not well formed)."""

from __future__ import annotations

from dataclasses import dataclass

from ...failures import FailureKind


class PlanError(ValueError):
    """A plan that is not well formed. `kind` is a FailureKind (a str enum, so it equals
    the plain strings of older code): unparsable, unknown_skill, wrong_arity,
    hallucinated_object, wrong_argument_type (the grammar errors of the Embodied Agent
    Interface taxonomy)."""

    def __init__(self, kind: FailureKind | str, message: str):
        super().__init__(message)
        try:
            self.kind = FailureKind(kind)
        except ValueError:
            raise ValueError(f"unknown plan error kind {kind!r}: expected one of "
                             f"{', '.join(k.value for k in FailureKind)}") from None


@dataclass(frozen=True)
class SkillCall:
    """One skill with its arguments (object types, or a family such as "Lamp") and the
    exact ids when the planner grounded them. Plans written without the world's ids say in
    words which object of a type they mean: `not_in`, a receptacle type whose contents the
    first argument does not mean (the second object of a pick-two task: another one than
    the one already put there); `holding`, a type that the last argument (a receptacle)
    already holds (the second object goes where the first went)."""

    skill: str
    args: tuple[str, ...]
    ids: tuple[str, ...] | None = None  # exact object ids, when the planner grounded them
    not_in: str | None = None
    holding: str | None = None

    def __str__(self) -> str:
        args = ", ".join(self.args)
        if self.not_in:
            args += f" not in {self.not_in}"
        if self.holding:
            args += f" with {self.holding}"
        return f"{self.skill}({args})"

    def to_dict(self) -> dict:
        data = {"skill": self.skill, "args": list(self.args)}
        if self.ids:
            data["ids"] = list(self.ids)
        for key in ("not_in", "holding"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data

    @classmethod
    def from_dict(cls, data) -> SkillCall:
        if not isinstance(data, dict) or not isinstance(data.get("skill"), str):
            raise PlanError(FailureKind.UNPARSABLE, f"a step must be an object with 'skill' and 'args', got {data!r}")
        args = data.get("args", [])
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            raise PlanError(FailureKind.UNPARSABLE,
                            f"'args' of {data['skill']} must be a list of strings, got {args!r}")
        ids = data.get("ids")
        for key in ("not_in", "holding"):
            if data.get(key) is not None and not isinstance(data[key], str):
                raise PlanError(FailureKind.UNPARSABLE,
                                f"'{key}' of {data['skill']} must be an object type (a string), got {data[key]!r}")
        return cls(data["skill"], tuple(args), tuple(ids) if ids else None, data.get("not_in") or None,
                   data.get("holding") or None)
