"""ToggleObject(toggleable): switch the object on."""

from __future__ import annotations

from ..household.world import World
from .base import Skill, visible
from .call import SkillCall


class ToggleObject(Skill):
    name = "ToggleObject"
    args = ("toggleable",)
    description = "switch the object on"
    action = "ToggleObjectOn"

    def is_done(self, world: World, call: SkillCall) -> bool:
        return any(o.is_on for o in visible(world, call, 0))
