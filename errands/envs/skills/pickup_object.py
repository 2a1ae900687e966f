"""PickupObject(obj): pick up the object, opening the closed furniture it is in first."""

from __future__ import annotations

from ..household.world import World
from .base import Skill, already_holding, holds, inside_visible, not_in_reach, visible
from .call import SkillCall


class PickupObject(Skill):
    name = "PickupObject"
    args = ("object",)
    description = "pick up the object (opening its container if needed)"
    action = "PickupObject"
    may_open_container = True

    def precondition(self, world: World, call: SkillCall):
        if world.held is not None:
            return already_holding(world.held)
        if visible(world, call, 0) or inside_visible(world, call):
            return None
        return not_in_reach(call.args[0])

    def is_done(self, world: World, call: SkillCall) -> bool:
        return holds(world, call, 0)
