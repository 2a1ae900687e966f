"""What every skill is (its argument kinds, precondition, success test), and the questions
about the world that skills share: which objects a call names, which of them are in
view, whether the agent holds one."""

from __future__ import annotations

from ...failures import Failure, FailureCategory, FailureKind
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
    """The objects argument `i` names: the grounded one, else every one of the type."""
    if call.ids and call.ids[i] in world.objects:
        return [world.objects[call.ids[i]]]
    if call.ids and call.ids[i]:
        return []  # the grounded object is gone (sliced, say)
    return world.objects_of_type(call.args[i])


def visible(world: World, call: SkillCall, i: int) -> list[WorldObject]:
    seen = set(world.visible_ids())
    return [o for o in candidates(world, call, i) if o.id in seen]


def holds(world: World, call: SkillCall, i: int) -> bool:
    if world.held is None:
        return False
    held = world.objects[world.held]
    if call.ids and call.ids[i]:
        return held.id == call.ids[i]
    return held.type.name == call.args[i]


def inside_visible(world: World, call: SkillCall) -> bool:
    """The object is in a closed container the agent can see (PickupObject opens it)."""
    seen = set(world.visible_ids())
    for obj in candidates(world, call, 0):
        parent = world.objects.get(obj.parent) if obj.parent else None
        if parent is not None and parent.id in seen and parent.type.openable and not parent.is_open:
            return True
    return False
