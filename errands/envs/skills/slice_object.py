"""SliceObject(sliceable): slice the object with the knife in hand."""

from __future__ import annotations

from ...failures import Failure, FailureCategory, FailureKind
from ..household.object_types import OBJECT_TYPES, SLICING_TOOLS
from ..household.world import World
from .base import Skill, candidates, not_in_reach, visible
from .call import SkillCall


class SliceObject(Skill):
    name = "SliceObject"
    args = ("sliceable",)
    description = "slice the object with the knife in hand"
    action = "SliceObject"
    may_open_container = True

    def precondition(self, world: World, call: SkillCall):
        if world.held is None or world.objects[world.held].type.name not in SLICING_TOOLS:
            return Failure(FailureCategory.INTERACTION_FAILURE, FailureKind.NO_SLICING_TOOL,
                           "slicing needs a Knife or ButterKnife in hand")
        return None if visible(world, call, 0) else not_in_reach(call.args[0])

    def is_done(self, world: World, call: SkillCall) -> bool:
        sliced = OBJECT_TYPES[call.args[0]].sliced_name
        gone = not candidates(world, call, 0) if call.ids else True
        return gone and bool(world.objects_of_type(sliced))
