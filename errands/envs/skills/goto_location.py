"""GotoLocation(target): walk until the target is in view and in reach."""

from __future__ import annotations

from ..household.scene import Pose
from ..household.world import World
from .base import Skill, candidates, inside_visible, visible
from .call import SkillCall


class GotoLocation(Skill):
    name = "GotoLocation"
    args = ("location",)
    description = "walk until the target object is in view and in reach"

    def precondition(self, world: World, call: SkillCall):
        return None  # walking can always start

    def is_done(self, world: World, call: SkillCall) -> bool:
        # in view, or its closed container is (the agent can open it)
        return bool(visible(world, call, 0)) or inside_visible(world, call)

    def poses(self, world: World, call: SkillCall) -> list[Pose]:
        """The interaction poses of the target (the grounded object, else every object of
        the type the call means, base.candidates): where the expert walks to, and the skill
        env measures from."""
        poses = []
        for obj in candidates(world, call, 0):
            root = world.root_fixed(obj.id) if obj.id != world.held else None
            if root is not None:
                poses.extend(_interaction_poses(world.scene, root.id))
        return poses


def _interaction_poses(scene, root_id: str) -> list[Pose]:
    """The scene's interaction poses of a piece of furniture as Poses, made once and kept
    with the scene's geometry (which its copies share, as they share the poses); callers
    copy the list, never change it."""
    made = scene.geometry_cache.setdefault("interaction_pose_lists", {})
    if root_id not in made:
        table = scene.interaction_poses.get(root_id)
        made[root_id] = [] if table is None else [Pose(*p) for p in table.tolist()]
    return made[root_id]
