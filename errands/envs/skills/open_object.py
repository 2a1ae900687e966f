"""OpenObject(openable): open the object."""

from __future__ import annotations

from ..household.world import World
from .base import Skill, visible
from .call import SkillCall


class OpenObject(Skill):
    name = "OpenObject"
    args = ("openable",)
    description = "open the object"
    action = "OpenObject"

    def is_done(self, world: World, call: SkillCall) -> bool:
        return any(o.is_open for o in visible(world, call, 0))
