"""Skills (ALFRED's high-level subgoals) and Plans.

Each skill knows the types of its arguments, its precondition and its success test over
the world state. A SkillCall names object types as ALFRED's plans do ("PickupObject(Apple)");
a planner that grounded them also gives the exact object ids. A Plan is a list of
SkillCalls and serialises to JSON. Planners, policies and the text interface all read
this registry, so prompts, grammars and validators never drift from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable

from ..failures import Failure, FailureCategory, FailureKind
from .household.object_types import OBJECT_TYPES, SLICING_TOOLS, ObjectType
from .household.scene import Pose
from .household.world import World, WorldObject

# Argument kinds: what an object type must be to fill the slot.
ARG_KINDS: dict[str, Callable[[ObjectType], bool]] = {
    "location": lambda t: True,
    "object": lambda t: t.pickupable,
    "receptacle": lambda t: t.receptacle,
    "openable": lambda t: t.openable,
    "toggleable": lambda t: t.toggleable,
    "sliceable": lambda t: t.sliceable,
    "washable": lambda t: t.pickupable and t.washable,
    "heatable": lambda t: t.pickupable and t.heatable,
    "coolable": lambda t: t.pickupable and t.coolable,
}


@dataclass(frozen=True)
class Skill:
    name: str
    args: tuple[str, ...]  # argument kinds, from ARG_KINDS
    description: str


SKILLS: dict[str, Skill] = {s.name: s for s in [
    Skill("GotoLocation", ("location",), "walk until the target object is in view and in reach"),
    Skill("PickupObject", ("object",), "pick up the object (opening its container if needed)"),
    Skill("PutObject", ("object", "receptacle"), "put the held object in or on the receptacle"),
    Skill("OpenObject", ("openable",), "open the object"),
    Skill("CloseObject", ("openable",), "close the object"),
    Skill("ToggleObject", ("toggleable",), "switch the object on"),
    Skill("SliceObject", ("sliceable",), "slice the object with the knife in hand"),
    Skill("CleanObject", ("washable",), "wash the held object in a sink under running water"),
    Skill("HeatObject", ("heatable",), "heat the held object in a microwave"),
    Skill("CoolObject", ("coolable",), "cool the held object in a fridge"),
]}
TRANSFORM_APPLIANCE = {"CleanObject": "SinkBasin", "HeatObject": "Microwave", "CoolObject": "Fridge"}
TRANSFORM_FLAG = {"CleanObject": "cleaned", "HeatObject": "heated", "CoolObject": "cooled"}


class PlanError(ValueError):
    """A plan that is not well formed. `kind` is one of: unparsable, unknown_skill,
    wrong_arity, hallucinated_object, wrong_argument_type (the grammar errors of the
    Embodied Agent Interface taxonomy)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class SkillCall:
    skill: str
    args: tuple[str, ...]
    ids: tuple[str, ...] | None = None  # exact object ids, when the planner grounded them

    def __str__(self) -> str:
        return f"{self.skill}({', '.join(self.args)})"

    def to_dict(self) -> dict:
        data = {"skill": self.skill, "args": list(self.args)}
        if self.ids:
            data["ids"] = list(self.ids)
        return data

    @classmethod
    def from_dict(cls, data) -> SkillCall:
        if not isinstance(data, dict) or not isinstance(data.get("skill"), str):
            raise PlanError("unparsable", f"a step must be an object with 'skill' and 'args', got {data!r}")
        args = data.get("args", [])
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            raise PlanError("unparsable", f"'args' of {data['skill']} must be a list of strings, got {args!r}")
        ids = data.get("ids")
        return cls(data["skill"], tuple(args), tuple(ids) if ids else None)


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
            raise PlanError("unparsable", f"plan is not valid JSON ({e}): {str(text)[:200]!r}") from None
        if isinstance(data, dict) and "plan" in data:
            data = data["plan"]
        if not isinstance(data, list):
            raise PlanError("unparsable", f"a plan must be a JSON list of steps, got {type(data).__name__}")
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
        raise PlanError("unknown_skill", f"{prefix}unknown skill {call.skill!r}: expected one of {', '.join(SKILLS)}")
    if len(call.args) != len(skill.args):
        raise PlanError("wrong_arity", f"{prefix}{call.skill} takes {len(skill.args)} argument(s) "
                                       f"({', '.join(skill.args)}), got {len(call.args)}")
    for arg, kind in zip(call.args, skill.args):
        t = OBJECT_TYPES.get(arg)
        if t is None or (known_types is not None and arg not in known_types):
            raise PlanError("hallucinated_object", f"{prefix}{call.skill} names {arg!r}, "
                                                   f"which is not an object {'in this scene' if t else 'type'}")
        if not ARG_KINDS[kind](t):
            raise PlanError("wrong_argument_type", f"{prefix}{call.skill} needs a {kind} object, and {arg} is not one")


# --- runtime checks over the world --------------------------------------------------

def _candidates(world: World, call: SkillCall, i: int) -> list[WorldObject]:
    if call.ids and call.ids[i] in world.objects:
        return [world.objects[call.ids[i]]]
    if call.ids and call.ids[i]:
        return []  # the grounded object is gone (sliced, say)
    return world.objects_of_type(call.args[i])


def _visible(world: World, call: SkillCall, i: int) -> list[WorldObject]:
    seen = set(world.visible_ids())
    return [o for o in _candidates(world, call, i) if o.id in seen]


def _holds(world: World, call: SkillCall, i: int) -> bool:
    if world.held is None:
        return False
    held = world.objects[world.held]
    if call.ids and call.ids[i]:
        return held.id == call.ids[i]
    return held.type.name == call.args[i]


def precondition_error(world: World, call: SkillCall) -> str:
    """Why the skill cannot start now ("" when it can). GotoLocation always can."""
    s = call.skill
    if s == "GotoLocation":
        return ""
    if s == "PickupObject":
        if world.held is not None:
            return f"the agent already holds {world.held}"
        return "" if _visible(world, call, 0) or _inside_visible(world, call) else f"no {call.args[0]} in reach"
    if s == "PutObject":
        if not _holds(world, call, 0):
            return f"the agent does not hold a {call.args[0]}"
        return "" if _visible(world, call, 1) else f"no {call.args[1]} in reach"
    if s == "SliceObject":
        if world.held is None or world.objects[world.held].type.name not in SLICING_TOOLS:
            return "slicing needs a Knife or ButterKnife in hand"
        return "" if _visible(world, call, 0) else f"no {call.args[0]} in reach"
    if s in TRANSFORM_APPLIANCE:
        if not _holds(world, call, 0):
            return f"the agent does not hold a {call.args[0]}"
        appliance = TRANSFORM_APPLIANCE[s]
        seen = set(world.visible_ids())
        if not any(o.id in seen for o in world.objects_of_type(appliance)):
            return f"no {appliance} in reach"
        return ""
    return "" if _visible(world, call, 0) else f"no {call.args[0]} in reach"


def precondition_failure(world: World, call: SkillCall) -> Failure | None:
    """Why the skill cannot start now, as a typed record (None when it can)."""
    message = precondition_error(world, call)
    if not message:
        return None
    kind, argument = FailureKind.NOT_IN_REACH, None
    if message.startswith("the agent already holds"):
        kind, argument = FailureKind.ALREADY_HOLDING, world.held
    elif message.startswith("the agent does not hold"):
        kind, argument = FailureKind.NOT_HOLDING, call.args[0]
    elif message.startswith("slicing needs"):
        kind = FailureKind.NO_SLICING_TOOL
    else:
        argument = message.removeprefix("no ").removesuffix(" in reach")
    return Failure(FailureCategory.INTERACTION_FAILURE, kind, message, argument)


def _inside_visible(world: World, call: SkillCall) -> bool:
    """The object is in a closed container the agent can see (PickupObject opens it)."""
    seen = set(world.visible_ids())
    for obj in _candidates(world, call, 0):
        parent = world.objects.get(obj.parent) if obj.parent else None
        if parent is not None and parent.id in seen and parent.type.openable and not parent.is_open:
            return True
    return False


def is_done(world: World, call: SkillCall) -> bool:
    """The skill's success test over the world state."""
    s = call.skill
    if s == "GotoLocation":  # in view, or its closed container is (the agent can open it)
        return bool(_visible(world, call, 0)) or _inside_visible(world, call)
    if s == "PickupObject":
        return _holds(world, call, 0)
    if s == "PutObject":
        receptacles = {o.id for o in _candidates(world, call, 1)}
        return any(o.parent in receptacles for o in _candidates(world, call, 0))
    if s in ("OpenObject", "CloseObject"):
        want = s == "OpenObject"
        return any(o.is_open == want for o in _visible(world, call, 0))
    if s == "ToggleObject":
        return any(o.is_on for o in _visible(world, call, 0))
    if s == "SliceObject":
        sliced = OBJECT_TYPES[call.args[0]].sliced_name
        gone = not _candidates(world, call, 0) if call.ids else True
        return gone and bool(world.objects_of_type(sliced))
    if s in TRANSFORM_FLAG:
        return _holds(world, call, 0) and getattr(world.objects[world.held], TRANSFORM_FLAG[s])
    raise PlanError("unknown_skill", f"unknown skill {s!r}")


def goto_poses(world: World, call: SkillCall) -> list[Pose]:
    """The interaction poses of GotoLocation's target (the grounded object, else every
    object of the type): where the expert walks to, and the skill env measures from."""
    if call.ids and call.ids[0]:
        targets = [world.objects[call.ids[0]]] if call.ids[0] in world.objects else []
    else:
        targets = world.objects_of_type(call.args[0])
    poses = []
    for obj in targets:
        root = world.root_fixed(obj.id) if obj.id != world.held else None
        if root is not None:
            poses.extend(Pose(*p) for p in world.scene.interaction_poses.get(root.id, ()).tolist())
    return poses
