"""PutObject(obj, receptacle): put the held object in or on the receptacle."""

from __future__ import annotations

from ..household.world import World
from .base import Skill, candidates, holds, not_holding, not_in_reach, visible
from .call import SkillCall


class PutObject(Skill):
    name = "PutObject"
    args = ("object", "receptacle")
    description = "put the held object in or on the receptacle"
    action = "PutObject"
    target = 1  # the receptacle, which may itself be closed furniture (a fridge)
    may_open_container = True

    def precondition(self, world: World, call: SkillCall):
        if not holds(world, call, 0):
            return not_holding(call.args[0])
        return None if visible(world, call, 1) else not_in_reach(call.args[1])

    def is_done(self, world: World, call: SkillCall) -> bool:
        # the object is put down (one of its type already there, as a pick-two task's first,
        # does not end the skill while the agent still holds the second)
        if holds(world, call, 0):
            return False
        receptacles = {o.id for o in candidates(world, call, 1)}
        return any(o.parent in receptacles for o in candidates(world, call, 0))
