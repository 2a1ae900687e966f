"""Constraints on how a task is done ("don't open the microwave", "use at most 30 steps",
"leave the fridge closed"): typed, said in words, and checked over an EpisodeLog.

Each kind is a frozen dataclass with its `kind` name, `to_dict` / `constraint_from_dict`
(a bad field is a ValueError naming it and what was expected), `describe(variant)` (the
words an instruction carries; a few phrasings per kind) and `check(log)`, which returns
a ConstraintResult: satisfied or not, and a reason for people that names the step.

What the checkers read from the log: each step's action and success (a step's object is
its `object`, else the action's target: an object id, or for old logs a type), the
agent's cell after each step (`StepRecord.cell`), the footprint cells of the fixtures a
region names (`EpisodeLog.fixture_cells`, recorded at the start) and the end state of the
objects end-state constraints name (`EpisodeLog.end_state`, recorded at the end).
Forbidden actions, forbidden objects, counts and orderings count successful actions only:
a failed action leaves the world as it was.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import ClassVar

from ...episode_log import EpisodeLog, SkillRecord, StepRecord
from ..actions import INTERACTION_ACTIONS
from ..household.object_types import OBJECT_TYPES
from ..household.object_types import type_of_id as type_of
from .instructions import names_for, preposition

# Events an ordering can name: a primitive interaction on an object of a type, or a skill
# (by its name) completed on one; a name that is both is the primitive action.
SKILL_EVENTS = ("GotoLocation", "ToggleObject", "CleanObject", "HeatObject", "CoolObject")
EVENTS = INTERACTION_ACTIONS + SKILL_EVENTS
END_STATES = {"closed": ("is_open", False, "openable"), "open": ("is_open", True, "openable"),
              "off": ("is_on", False, "toggleable"), "on": ("is_on", True, "toggleable")}
# How instructions say an action or a skill: (verb, past participle).
VERBS = {"PickupObject": ("pick up", "picked up"), "PutObject": ("put something {prep}", "put something {prep}"),
         "OpenObject": ("open", "opened"), "CloseObject": ("close", "closed"),
         "ToggleObjectOn": ("switch on", "switched on"), "ToggleObjectOff": ("switch off", "switched off"),
         "SliceObject": ("slice", "sliced"), "GotoLocation": ("go to", "gone to"),
         "ToggleObject": ("switch on", "switched on"), "CleanObject": ("wash", "washed"),
         "HeatObject": ("heat", "heated"), "CoolObject": ("cool", "cooled")}


@dataclass(frozen=True)
class ConstraintResult:
    """A constraint checked over one episode; `step` is the step that broke it (None when
    it holds, or when no single step did)."""

    satisfied: bool
    reason: str
    step: int | None = None


# --- reading a log ------------------------------------------------------------------------

def acted_on(step: StepRecord) -> str | None:
    """The type of the object a successful interaction acted on (None otherwise)."""
    name, _, target = step.action.partition(" ")
    if not step.success or name not in INTERACTION_ACTIONS:
        return None
    target = step.object or target
    return type_of(target) if target else None


def _done_skill(record: SkillRecord) -> tuple[str, str] | None:
    """(skill name, its first argument's type) of a completed skill."""
    if record.status != "done" or "(" not in record.skill:
        return None
    name, _, args = record.skill.partition("(")
    return name, args.rstrip(")").split(",")[0].strip()


def _a(type_name: str) -> str:
    """'a Fridge', 'an Apple'."""
    return ("an " if type_name[0] in "AEIOU" else "a ") + type_name


def _name(type_name: str) -> str:
    return names_for(type_name, "train")[0]


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _steps(n: int) -> str:
    return f"{n} step" if n == 1 else f"{n} steps"


def _check_type(field: str, value) -> str:
    if not isinstance(value, str) or value not in OBJECT_TYPES:
        raise ValueError(f"{field} must be an object type (such as 'Fridge'), got {value!r}")
    return value


def _check_count(field: str, value, least: int = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < least:
        raise ValueError(f"{field} must be an integer >= {least}, got {value!r}")
    return value


def _check_action(field: str, value, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{field} must be one of {', '.join(allowed)}, got {value!r}")
    return value


# --- the kinds ----------------------------------------------------------------------------

class Constraint:
    """What every kind has; subclasses are frozen dataclasses."""

    kind: ClassVar[str] = ""
    phrasings: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict:
        return {"kind": self.kind, **asdict(self)}

    def slots(self) -> dict:
        return {}

    def describe(self, variant: int = 0) -> str:
        """The words that say it ("don't open the microwave"); `variant` picks a phrasing."""
        return self.phrasings[variant % len(self.phrasings)].format(**self.slots())

    def check(self, log: EpisodeLog) -> ConstraintResult:
        raise NotImplementedError

    def object_types(self) -> tuple[str, ...]:
        """The types whose end state the check reads (EpisodeLog.end_state)."""
        return ()


@dataclass(frozen=True)
class ForbiddenAction(Constraint):
    """Never do `action` on an object of `object_type` ("don't open the microwave")."""

    action: str
    object_type: str
    kind: ClassVar[str] = "forbidden_action"
    phrasings: ClassVar[tuple[str, ...]] = ("don't {verb} the {obj}", "do not {verb} the {obj}",
                                            "never {verb} the {obj}")
    put_phrasings: ClassVar[tuple[str, ...]] = ("put nothing {prep} the {obj}", "don't put anything {prep} the {obj}",
                                                "never put anything {prep} the {obj}")

    def __post_init__(self):
        _check_action("forbidden_action action", self.action, INTERACTION_ACTIONS)
        _check_type("forbidden_action object_type", self.object_type)

    def slots(self) -> dict:
        return {"verb": VERBS[self.action][0].format(prep=preposition(self.object_type)),
                "obj": _name(self.object_type), "prep": preposition(self.object_type)}

    def describe(self, variant: int = 0) -> str:
        phrasings = self.put_phrasings if self.action == "PutObject" else self.phrasings
        return phrasings[variant % len(phrasings)].format(**self.slots())

    def check(self, log: EpisodeLog) -> ConstraintResult:
        for step in log.steps:
            if step.action.split(" ")[0] == self.action and acted_on(step) == self.object_type:
                return ConstraintResult(False, f"step {step.t}: {step.action} is a forbidden {self.action} on "
                                               f"{_a(self.object_type)}", step.t)
        return ConstraintResult(True, f"no {self.action} on {_a(self.object_type)} in {_steps(len(log.steps))}")


@dataclass(frozen=True)
class ForbiddenObject(Constraint):
    """Never act on an object of `object_type` at all ("don't touch the knife")."""

    object_type: str
    kind: ClassVar[str] = "forbidden_object"
    phrasings: ClassVar[tuple[str, ...]] = ("don't touch the {obj}", "leave the {obj} alone",
                                            "do not interact with the {obj}")

    def __post_init__(self):
        _check_type("forbidden_object object_type", self.object_type)

    def slots(self) -> dict:
        return {"obj": _name(self.object_type)}

    def check(self, log: EpisodeLog) -> ConstraintResult:
        for step in log.steps:
            if acted_on(step) == self.object_type:
                return ConstraintResult(False, f"step {step.t}: {step.action} acts on {_a(self.object_type)}, "
                                               f"which must not be touched", step.t)
        return ConstraintResult(True, f"no action on {_a(self.object_type)} in {_steps(len(log.steps))}")


@dataclass(frozen=True)
class ForbiddenRegion(Constraint):
    """Never stand within `radius` cells (a cell is one MoveAhead, 0.25 m; diagonals count
    as one) of any fixture of type `fixture` ("stay away from the bed")."""

    fixture: str
    radius: int = 1
    kind: ClassVar[str] = "forbidden_region"
    phrasings: ClassVar[tuple[str, ...]] = ("don't come within {n} of the {obj}",
                                            "stay more than {n} away from the {obj}",
                                            "keep clear of the {obj} by more than {n}")

    def __post_init__(self):
        _check_type("forbidden_region fixture", self.fixture)
        _check_count("forbidden_region radius", self.radius, least=1)

    def slots(self) -> dict:
        return {"obj": _name(self.fixture), "n": _steps(self.radius)}

    def check(self, log: EpisodeLog) -> ConstraintResult:
        if self.fixture not in log.fixture_cells:
            return ConstraintResult(False, f"the log records no cells of the {self.fixture}s (it was written "
                                           f"without this constraint)")
        cells = log.fixture_cells[self.fixture]
        for step in log.steps:
            if step.cell is None:
                return ConstraintResult(False, f"step {step.t} records no agent cell", step.t)
            r, c = step.cell
            if any(max(abs(r - fr), abs(c - fc)) <= self.radius for fr, fc in cells):
                return ConstraintResult(False, f"step {step.t}: the agent stood at cell ({r}, {c}), within "
                                               f"{_steps(self.radius)} of {_a(self.fixture)}", step.t)
        return ConstraintResult(True, f"never within {_steps(self.radius)} of {_a(self.fixture)} in "
                                      f"{_steps(len(log.steps))}")


@dataclass(frozen=True)
class StepBudget(Constraint):
    """At most `max_steps` actions (the final Stop not counted, as L* does not count it)."""

    max_steps: int
    kind: ClassVar[str] = "step_budget"
    phrasings: ClassVar[tuple[str, ...]] = ("use at most {n} steps", "take no more than {n} steps",
                                            "finish within {n} steps")

    def __post_init__(self):
        _check_count("step_budget max_steps", self.max_steps, least=1)

    def slots(self) -> dict:
        return {"n": self.max_steps}

    def check(self, log: EpisodeLog) -> ConstraintResult:
        counted = [s for s in log.steps if not s.action.startswith("Stop")]
        if len(counted) > self.max_steps:
            over = counted[self.max_steps].t
            return ConstraintResult(False, f"{_steps(len(counted))}, more than the budget of {self.max_steps}: "
                                           f"step {over} went over", over)
        return ConstraintResult(True, f"{_steps(len(counted))}, within the budget of {self.max_steps}")


@dataclass(frozen=True)
class FailureBudget(Constraint):
    """At most `max_failures` failed actions."""

    max_failures: int
    kind: ClassVar[str] = "failure_budget"
    phrasings: ClassVar[tuple[str, ...]] = ("make at most {actions}", "don't fail more than {times}",
                                            "allow yourself at most {actions}")

    def __post_init__(self):
        _check_count("failure_budget max_failures", self.max_failures)

    def slots(self) -> dict:
        n = self.max_failures
        return {"actions": f"{n} failed action{'' if n == 1 else 's'}", "times": _times(n)}

    def describe(self, variant: int = 0) -> str:
        if self.max_failures == 0:
            return ("make no failed actions", "don't fail a single action", "never fail an action")[variant % 3]
        return super().describe(variant)

    def check(self, log: EpisodeLog) -> ConstraintResult:
        failed = [s for s in log.steps if not s.success]
        if len(failed) > self.max_failures:
            over = failed[self.max_failures]
            return ConstraintResult(False, f"{len(failed)} failed actions, more than the budget of "
                                           f"{self.max_failures}: step {over.t} ({over.action}) went over", over.t)
        return ConstraintResult(True, f"{len(failed)} failed actions, within the budget of {self.max_failures}")


@dataclass(frozen=True)
class Event:
    """A primitive interaction (OpenObject, ...) on an object of a type, or a skill
    (HeatObject, GotoLocation, ...) completed with an object of that type first."""

    action: str
    object_type: str

    def __post_init__(self):
        _check_action("an ordering event's action", self.action, EVENTS)
        _check_type("an ordering event's object_type", self.object_type)

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}"

    def words(self, past: bool = False) -> str:
        verb = VERBS[self.action][1 if past else 0].format(prep=preposition(self.object_type))
        return f"{verb} the {_name(self.object_type)}"

    def steps(self, log: EpisodeLog) -> list[int]:
        """The steps at which it happened, in order."""
        if self.action in INTERACTION_ACTIONS:
            return [s.t for s in log.steps if s.action.split(" ")[0] == self.action and acted_on(s) == self.object_type]
        return sorted(r.end for r in log.skills if r.end is not None
                      and _done_skill(r) == (self.action, self.object_type))


@dataclass(frozen=True)
class Ordering(Constraint):
    """`then` only after `first` ("pick up the knife only after you have opened the
    drawer"): `then` must not happen before `first` has; it need not happen at all."""

    first: Event
    then: Event
    kind: ClassVar[str] = "ordering"
    phrasings: ClassVar[tuple[str, ...]] = ("{then} only after you have {first_past}",
                                            "don't {then} before you have {first_past}",
                                            "{first} before you {then}")

    def __post_init__(self):
        for name in ("first", "then"):
            value = getattr(self, name)
            if isinstance(value, dict):
                object.__setattr__(self, name, _event(f"ordering {name}", value))
            elif not isinstance(value, Event):
                raise ValueError(f"ordering {name} must be an event {{'action', 'object_type'}}, got {value!r}")

    def slots(self) -> dict:
        return {"then": self.then.words(), "first": self.first.words(), "first_past": self.first.words(past=True)}

    def check(self, log: EpisodeLog) -> ConstraintResult:
        then, first = self.then.steps(log), self.first.steps(log)
        if then and (not first or first[0] >= then[0]):
            before = f"the first {self.first} was at step {first[0]}" if first else f"no {self.first} happened"
            return ConstraintResult(False, f"step {then[0]}: {self.then} happened before {self.first} ({before})",
                                    then[0])
        if not then:
            return ConstraintResult(True, f"no {self.then} happened")
        return ConstraintResult(True, f"{self.first} at step {first[0]}, before {self.then} at step {then[0]}")


@dataclass(frozen=True)
class EndState(Constraint):
    """Every object of `object_type` is in `state` at the end ("leave the fridge closed"):
    closed or open for openables, off or on for toggleables."""

    object_type: str
    state: str
    kind: ClassVar[str] = "end_state"
    phrasings: ClassVar[tuple[str, ...]] = ("leave the {obj} {state}", "make sure the {obj} is {state} at the end",
                                            "the {obj} must be {state} when you finish")

    def __post_init__(self):
        _check_type("end_state object_type", self.object_type)
        _check_action("end_state state", self.state, tuple(END_STATES))
        affordance = END_STATES[self.state][2]
        if not getattr(OBJECT_TYPES[self.object_type], affordance):
            raise ValueError(f"end_state {self.state!r} needs a {affordance} object type, and {self.object_type} "
                             f"is not one")

    def slots(self) -> dict:
        return {"obj": _name(self.object_type), "state": self.state}

    def object_types(self) -> tuple[str, ...]:
        return (self.object_type,)

    def check(self, log: EpisodeLog) -> ConstraintResult:
        if not log.end_state:
            return ConstraintResult(False, "the log records no end state")
        flag, wanted, _ = END_STATES[self.state]
        objects = {oid: s for oid, s in log.end_state.items() if s["type"] == self.object_type}
        wrong = sorted(oid for oid, s in objects.items() if s[flag] != wanted)
        if wrong:
            return ConstraintResult(False, f"at the end {wrong[0]} is not {self.state}")
        return ConstraintResult(True, f"at the end every {self.object_type} ({len(objects)}) is {self.state}")


@dataclass(frozen=True)
class EndPlacement(Constraint):
    """At the end some object of `object_type` is in (or on) a `receptacle`, with
    `inside`; or none is, without ("leave no knife in the sink")."""

    object_type: str
    receptacle: str
    inside: bool = False
    kind: ClassVar[str] = "end_placement"
    phrasings: ClassVar[tuple[str, ...]] = ("leave no {obj} {prep} the {rec}",
                                            "make sure no {obj} is {prep} the {rec} at the end",
                                            "don't leave a {obj} {prep} the {rec}")
    inside_phrasings: ClassVar[tuple[str, ...]] = ("leave {a_obj} {prep} the {rec}",
                                                   "make sure {a_obj} is {prep} the {rec} at the end",
                                                   "finish with {a_obj} {prep} the {rec}")

    def __post_init__(self):
        _check_type("end_placement object_type", self.object_type)
        _check_type("end_placement receptacle", self.receptacle)
        if not isinstance(self.inside, bool):
            raise ValueError(f"end_placement inside must be true or false, got {self.inside!r}")

    def slots(self) -> dict:
        name = _name(self.object_type)
        return {"obj": name, "a_obj": ("an " if name[0] in "aeiou" else "a ") + name, "rec": _name(self.receptacle),
                "prep": preposition(self.receptacle)}

    def describe(self, variant: int = 0) -> str:
        phrasings = self.inside_phrasings if self.inside else self.phrasings
        return phrasings[variant % len(phrasings)].format(**self.slots())

    def object_types(self) -> tuple[str, ...]:
        return (self.object_type,)

    def check(self, log: EpisodeLog) -> ConstraintResult:
        if not log.end_state:
            return ConstraintResult(False, "the log records no end state")
        there = sorted(oid for oid, s in log.end_state.items() if s["type"] == self.object_type
                       and any(type_of(p) == self.receptacle for p in s["inside"]))
        where = f"{preposition(self.receptacle)} {_a(self.receptacle)}"
        if self.inside:
            return (ConstraintResult(True, f"at the end {there[0]} is {where}") if there
                    else ConstraintResult(False, f"at the end no {self.object_type} is {where}"))
        return (ConstraintResult(False, f"at the end {there[0]} is {where}") if there
                else ConstraintResult(True, f"at the end no {self.object_type} is {where}"))


@dataclass(frozen=True)
class ActionCount(Constraint):
    """At most `max_count` of `action` on objects of `object_type` ("open the fridge at
    most twice")."""

    action: str
    object_type: str
    max_count: int
    kind: ClassVar[str] = "count"
    phrasings: ClassVar[tuple[str, ...]] = ("{verb} the {obj} at most {times}",
                                            "don't {verb} the {obj} more than {times}",
                                            "{verb} the {obj} no more than {times}")

    def __post_init__(self):
        _check_action("count action", self.action, INTERACTION_ACTIONS)
        _check_type("count object_type", self.object_type)
        _check_count("count max_count", self.max_count, least=1)

    def slots(self) -> dict:
        return {"verb": VERBS[self.action][0].format(prep=preposition(self.object_type)),
                "obj": _name(self.object_type), "times": _times(self.max_count)}

    def check(self, log: EpisodeLog) -> ConstraintResult:
        steps = [s.t for s in log.steps if s.action.split(" ")[0] == self.action and acted_on(s) == self.object_type]
        if len(steps) > self.max_count:
            over = steps[self.max_count]
            return ConstraintResult(False, f"step {over}: {self.action} on {_a(self.object_type)} number "
                                           f"{self.max_count + 1}, more than {_times(self.max_count)}", over)
        return ConstraintResult(True, f"{len(steps)} {self.action} on {_a(self.object_type)}, at most "
                                      f"{_times(self.max_count)}")


CONSTRAINT_KINDS: dict[str, type[Constraint]] = {
    cls.kind: cls for cls in (ForbiddenAction, ForbiddenObject, ForbiddenRegion, StepBudget, FailureBudget,
                              Ordering, EndState, EndPlacement, ActionCount)}


# --- from JSON ----------------------------------------------------------------------------

def _event(where: str, data) -> Event:
    if not isinstance(data, dict) or set(data) != {"action", "object_type"}:
        raise ValueError(f"{where} must be an object with 'action' and 'object_type', got {data!r}")
    return Event(data["action"], data["object_type"])


def constraint_from_dict(data) -> Constraint:
    """A constraint from its JSON ({"kind": ..., its fields}); a ValueError names what is wrong."""
    if not isinstance(data, dict) or "kind" not in data:
        raise ValueError(f"a constraint must be an object with a 'kind', got {str(data)[:120]!r}")
    cls = CONSTRAINT_KINDS.get(data["kind"])
    if cls is None:
        raise ValueError(f"unknown constraint kind {data['kind']!r}: expected one of {', '.join(CONSTRAINT_KINDS)}")
    fields = {k: v for k, v in data.items() if k != "kind"}
    try:
        return cls(**fields)
    except TypeError as e:
        expected = ", ".join(cls.__dataclass_fields__)
        raise ValueError(f"bad {data['kind']} constraint {fields!r}: expected the fields {expected} ({e})") from None


def constraints_from_list(data) -> tuple[Constraint, ...]:
    if not isinstance(data, (list, tuple)):
        raise ValueError(f"a task's constraints must be a list, got {type(data).__name__}")
    return tuple(c if isinstance(c, Constraint) else constraint_from_dict(c) for c in data)


# --- in an instruction, over a log ----------------------------------------------------------

def constrained_instruction(instruction: str, constraints, variants=None) -> str:
    """The instruction with each constraint's words after it, a sentence each
    ("Put a clean apple in the fridge. Don't open the microwave."); `variants` picks
    each one's phrasing (the first by default)."""
    variants = list(variants) if variants is not None else [0] * len(constraints)
    text = instruction.strip()
    if text and text[-1] not in ".!?":
        text += "."
    sentences = [c.describe(v) for c, v in zip(constraints, variants)]
    return " ".join([text] + [s[0].upper() + s[1:] + "." for s in sentences]).strip()


def check_constraints(constraints, log: EpisodeLog) -> list[dict]:
    """Each constraint's result over the log, as the JSON the log and the eval records keep."""
    results = []
    for constraint in constraints:
        result = constraint.check(log)
        results.append({"kind": constraint.kind, "constraint": constraint.to_dict(), "satisfied": result.satisfied,
                        "reason": result.reason, "step": result.step})
    return results


# --- what the log records for the checkers --------------------------------------------------

def fixture_cells(scene, constraints) -> dict[str, list[list[int]]]:
    """The footprint cells of every fixture a region constraint names, by type."""
    wanted = {c.fixture for c in constraints if isinstance(c, ForbiddenRegion)}
    return {t: sorted([r, c] for o in scene.fixed if o.type == t for r, c in o.footprint) for t in sorted(wanted)}


def forbidden_cells(scene, constraints) -> frozenset[tuple[int, int]]:
    """The floor cells the region constraints forbid standing on."""
    cells = set()
    for constraint in constraints:
        if isinstance(constraint, ForbiddenRegion):
            k = constraint.radius
            for o in scene.fixed:
                if o.type == constraint.fixture:
                    cells.update((r + dr, c + dc) for r, c in o.footprint
                                 for dr in range(-k, k + 1) for dc in range(-k, k + 1))
    return frozenset(cell for cell in cells if scene.is_floor(*cell))


def end_state(world, constraints) -> dict[str, dict]:
    """The state at the end of every object of a type an end-state constraint names: its
    type, open and on flags, and what it is inside (parent first, out to the furniture); a
    type the scene has none of is recorded as "no TYPE" (so that its constraints hold)."""
    wanted = {t for c in constraints for t in c.object_types()}
    states = {}
    for oid, obj in sorted(world.objects.items()):
        if obj.type.name in wanted:
            inside, parent = [], obj.parent
            while parent is not None:
                inside.append(parent)
                parent = world.objects[parent].parent
            states[oid] = {"type": obj.type.name, "is_open": obj.is_open, "is_on": obj.is_on, "inside": inside}
    for type_name in sorted(wanted - {s["type"] for s in states.values()}):  # recorded: there are none
        states[f"no {type_name}"] = {"type": None, "is_open": None, "is_on": None, "inside": []}
    return states
