"""CleanObject, HeatObject, CoolObject(obj): do a transform (errands.envs.transforms) to
the held object at its appliance. One class, registered once per transform."""

from __future__ import annotations

from ..household.world import World
from ..transforms import Transform
from .base import Skill, holds, not_holding, not_in_reach
from .call import SkillCall


class TransformObject(Skill):
    def __init__(self, transform: Transform):
        self.transform = transform
        self.name = transform.skill
        self.args = (transform.affordance,)
        self.description = transform.skill_description

    def precondition(self, world: World, call: SkillCall):
        if not holds(world, call, 0):
            return not_holding(call.args[0])
        appliance = self.transform.appliance
        seen = set(world.visible_ids())
        if not any(o.id in seen for o in world.objects_of_type(appliance)):
            return not_in_reach(appliance)
        return None

    def is_done(self, world: World, call: SkillCall) -> bool:
        return holds(world, call, 0) and getattr(world.objects[world.held], self.transform.flag)
