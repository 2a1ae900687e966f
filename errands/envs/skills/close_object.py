"""CloseObject(openable): close the object."""

from __future__ import annotations

from ..household.world import World
from .base import Skill, visible
from .call import SkillCall


class CloseObject(Skill):
    name = "CloseObject"
    args = ("openable",)
    description = "close the object"
    action = "CloseObject"

    def is_done(self, world: World, call: SkillCall) -> bool:
        return any(not o.is_open for o in visible(world, call, 0))
