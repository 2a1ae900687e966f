"""What every skill is (its argument kinds, precondition, success test), and the questions
about the world that skills share: which objects a call names, which of them are in
view, whether the agent holds one."""

from __future__ import annotations

from ...failures import Failure, FailureCategory, FailureKind
from ..household.object_types import types_named
from ..household.world import World, WorldObject
from .call import SkillCall


class Skill:
    """One of ALFRED's high-level subgoals. Subclasses set the attributes and write
    `precondition` and `is_done`.

    The scripted expert carries out a skill with `action` (the primitive interaction,
    aimed at argument `target`), opening the closed furniture the target is in (or is)
    first when `may_open_container` (and closing it after); skills without an `action`
    (walking, the transforms) have their own routines."""

    name: str = ""
    args: tuple[str, ...] = ()  # argument kinds, from ARG_KINDS
    description: str = ""  # its line in prompts
    action: str | None = None
    target: int = 0
    may_open_container: bool = False

    def precondition(self, world: World, call: SkillCall) -> Failure | None:
        """Why the skill cannot start now (None when it can). By default: its object in reach."""
        return None if visible(world, call, 0) else not_in_reach(call.args[0])

    def is_done(self, world: World, call: SkillCall) -> bool:
        """The skill's success test over the world state."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name}({', '.join(self.args)}))"


# --- failures of a precondition -----------------------------------------------------------

def not_in_reach(type_name: str) -> Failure:
    return Failure(FailureCategory.INTERACTION_FAILURE, FailureKind.NOT_IN_REACH, f"no {type_name} in reach", type_name)


def not_holding(type_name: str) -> Failure:
    return Failure(FailureCategory.INTERACTION_FAILURE, FailureKind.NOT_HOLDING,
                   f"the agent does not hold a {type_name}", type_name)


def already_holding(object_id: str) -> Failure:
    return Failure(FailureCategory.INTERACTION_FAILURE, FailureKind.ALREADY_HOLDING,
                   f"the agent already holds {object_id}", object_id)


# --- the world as skills see it ------------------------------------------------------------

def candidates(world: World, call: SkillCall, i: int) -> list[WorldObject]:
    """The objects argument `i` names: the grounded one, else every one of the type (or
    family), less, for the first argument, those in or on a receptacle of the call's
    `not_in` type, and, for the last, only those that hold an object of its `holding` type."""
    if call.ids and call.ids[i] in world.objects:
        return [world.objects[call.ids[i]]]
    if call.ids and call.ids[i]:
        return []  # the grounded object is gone (sliced, say)
    found = world.objects_of_type(call.args[i])
    if call.not_in and i == 0:
        found = [o for o in found if not _inside_type(world, o, call.not_in)]
    if call.holding and i == len(call.args) - 1:
        held = [o for o in world.objects_of_type(call.holding) if o.id != world.held]
        found = [r for r in found if any(_inside(world, o, r.id) for o in held)]
    return found


def _holders(world: World, obj: WorldObject):
    """The receptacles `obj` is in or on: its parent, the parent's parent, and so on."""
    node = world.objects.get(obj.parent) if obj.parent else None
    while node is not None:
        yield node
        node = world.objects.get(node.parent) if node.parent else None


def _inside(world: World, obj: WorldObject, receptacle_id: str) -> bool:
    """`obj` is in or on the receptacle (directly, or in something that is)."""
    return any(node.id == receptacle_id for node in _holders(world, obj))


def _inside_type(world: World, obj: WorldObject, receptacle_type: str) -> bool:
    """`obj` is in or on a receptacle of the type (directly, or in something that is)."""
    names = types_named(receptacle_type)
    return any(node.type.name in names for node in _holders(world, obj))


def visible(world: World, call: SkillCall, i: int) -> list[WorldObject]:
    seen = set(world.visible_ids())
    return [o for o in candidates(world, call, i) if o.id in seen]


def holds(world: World, call: SkillCall, i: int) -> bool:
    if world.held is None:
        return False
    held = world.objects[world.held]
    if call.ids and call.ids[i]:
        return held.id == call.ids[i]
    return held.type.name in types_named(call.args[i])


def inside_visible(world: World, call: SkillCall) -> bool:
    """The object is in a closed container the agent can see (PickupObject opens it)."""
    seen = set(world.visible_ids())
    for obj in candidates(world, call, 0):
        parent = world.objects.get(obj.parent) if obj.parent else None
        if parent is not None and parent.id in seen and parent.type.openable and not parent.is_open:
            return True
    return False
