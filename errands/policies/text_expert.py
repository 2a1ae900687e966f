"""The expert for the text interface: the oracle's plan said as ALFWorld commands, one
command per call, worked out from the current state (slices get their names only once
they exist)."""

from __future__ import annotations

from ..envs.household_text_env import HouseholdTextEnv
from ..envs.skills import (SKILLS, GotoLocation, PickupObject, Plan, PutObject, SkillCall, SliceObject, ToggleObject,
                           TransformObject)
from ..planners.symbolic import plan_for_goal


class TextExpert:
    needs_world = True  # it works its commands out from the simulator's state

    def __init__(self, env: HouseholdTextEnv):
        self.env = env
        self.plan: Plan = plan_for_goal(env.task.goal, env.world)
        self.queue: list[str] = []
        self.index = 0

    def next_command(self) -> str | None:
        while not self.queue:
            if self.index >= len(self.plan.steps):
                return None
            self.queue = self._commands(self.plan.steps[self.index])
            self.index += 1
        return self.queue.pop(0)

    def _commands(self, call: SkillCall) -> list[str]:
        """The skill as ALFWorld commands, by its class."""
        env, w = self.env, self.env.world
        ids = call.ids
        skill = SKILLS.get(call.skill)
        if isinstance(skill, GotoLocation):
            return [f"go to {env.name(ids[0])}"]
        if isinstance(skill, PickupObject):
            obj = w.objects[ids[0]]
            return self._opening(obj.parent) + [f"take {env.name(obj.id)} from {env.name(obj.parent)}"]
        if isinstance(skill, PutObject):
            root = w.root_fixed(ids[1])
            return self._opening(root.id) + [f"move {env.name(ids[0])} to {env.name(ids[1])}"]
        if isinstance(skill, TransformObject):
            return [f"{skill.transform.name} {env.name(ids[0])} with {env.name(env.location)}"]
        if isinstance(skill, SliceObject):
            return self._opening(w.objects[ids[0]].parent) + [f"slice {env.name(ids[0])} with {env.name(w.held)}"]
        if isinstance(skill, ToggleObject):
            return [f"use {env.name(ids[0])}"]
        raise ValueError(f"the text expert cannot say {call}")

    def _opening(self, receptacle_id: str) -> list[str]:
        """Open the closed furniture at the agent's location first."""
        w = self.env.world
        node = w.objects[receptacle_id]
        while node is not None:
            if node.type.openable and not node.is_open and node.position is not None:
                return [f"open {self.env.name(node.id)}"]
            node = w.objects[node.parent] if node.parent else None
        return []
