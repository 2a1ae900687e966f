"""The scripted expert: executes a skill with primitive actions using privileged access to
the world (shortest paths to interaction poses, then the interactions ALFRED's expert
uses). It provides demonstrations and the reference path length L* of PLW metrics.

When the world's visibility follows a camera (an env with camera observations), an
interaction pose of a piece of furniture need not show everything on it: the expert then
walks to the nearest pose whose frame shows what it is about to act on, before each
interaction. With the geometric rule every interaction pose shows it, and nothing changes.

It never steps into a region the task's constraints or the household rules it is told of
(`keep_rules`) forbid (its cells are blocked for its paths, and poses there are not
walked to).
"""

from __future__ import annotations

from ..envs.actions import Action
from ..envs.household.navigation import nearest_first, shortest_actions
from ..envs.household.scene import Pose
from ..envs.household.visibility import scene_visibility
from ..envs.household.world import World, WorldObject
from ..envs.skills import SKILLS, GotoLocation, SkillCall, TransformObject, goto_poses, is_done
from ..envs.skills.base import candidates
from ..envs.tasks.constraints import forbidden_cells
from ..envs.transforms import Transform
from .base import PolicyStep


class ExpertSkillPolicy:
    name = "expert"
    needs_world = True  # it plans over the simulator's state
    inputs = ("world", "action_success", "object_ids")  # privileged (errands/protocols.py)

    def __init__(self):
        self.env = None
        self._call: SkillCall | None = None
        self._queue: list[Action] = []
        self._blocked: tuple[World | None, frozenset] = (None, frozenset())
        self._rules: tuple = ()

    def keep_rules(self, constraints) -> None:
        """The household rules' constraints (the Agent's), kept with the task's."""
        self._rules = tuple(constraints)
        self._blocked = (None, frozenset())

    def reset(self, env) -> None:
        self.env = env.unwrapped
        self._call = None

    @property
    def world(self) -> World:
        return self.env.world

    @property
    def blocked(self) -> frozenset:
        """The cells of the forbidden regions of the env's task (worked out once a world)."""
        world = self.world
        if self._blocked[0] is not world:
            constraints = tuple(getattr(getattr(self.env, "task", None), "constraints", ())) + self._rules
            self._blocked = (world, forbidden_cells(world.scene, constraints) if constraints else frozenset())
        return self._blocked[1]

    def act(self, observation: dict, info: dict, call: SkillCall) -> PolicyStep:
        if call is not self._call:
            self._call = call
            try:
                self._queue = self.actions_for(call)
            except SkillImpossible as e:
                return PolicyStep(failed=True, reason=str(e))
        elif not info.get("last_action_success", True):
            return PolicyStep(failed=True, reason=info.get("error_message", "the last action failed"))
        if self._queue:
            try:
                self._queue = self._into_sight(self._queue)
            except SkillImpossible as e:
                return PolicyStep(failed=True, reason=str(e))
            return PolicyStep(action=self._queue.pop(0))
        if is_done(self.world, call):
            return PolicyStep(done=True)
        return PolicyStep(failed=True, reason=f"{call} ended without meeting its success test")

    # --- per skill ----------------------------------------------------------------------

    def actions_for(self, call: SkillCall) -> list[Action]:
        """The primitive actions that carry out `call` from the current state (raises
        SkillImpossible); DAgger's teacher asks again whenever the learner strays."""
        return self._into_sight(self._skill_actions(call))

    def _skill_actions(self, call: SkillCall) -> list[Action]:
        skill = SKILLS.get(call.skill)
        if skill is None:
            raise SkillImpossible(f"unknown skill {call.skill!r}")
        if isinstance(skill, GotoLocation):
            return self._goto(call)
        if isinstance(skill, TransformObject):
            return self._transform(call, skill.transform)
        if skill.action is None:
            raise SkillImpossible(f"the expert has no way to carry out {call.skill}")
        target = self._resolve(call, skill.target, reachable_only=not skill.may_open_container)
        actions = [Action(skill.action, target.id)]
        if not skill.may_open_container:
            return actions
        # a receptacle may itself be the closed furniture (a fridge); an object is inside it
        return self._through_container(target, actions, include_self=skill.args[skill.target] == "receptacle")

    def _goto(self, call: SkillCall) -> list[Action]:
        w = self.world
        if call.ids and call.ids[0] and call.ids[0] not in w.objects:
            raise SkillImpossible(f"{call.ids[0]} no longer exists")
        poses = goto_poses(w, call)
        if not poses:
            raise SkillImpossible(f"no reachable {call.args[0]} in this scene")
        if self.blocked:
            poses = [p for p in poses if (p.row, p.col) not in self.blocked]
            if not poses:
                raise SkillImpossible(f"every pose that reaches a {call.args[0]} is in a forbidden region")
        if w.sight is not None:  # the nearest pose whose frame shows the target
            poses = self._first_showing(poses, lambda: is_done(w, call), f"a {call.args[0]}", _goto_roots(w, call))
        actions = shortest_actions(w.scene, w.agent, poses, self.blocked)
        if actions is None:
            raise SkillImpossible(f"no path to a {call.args[0]}")
        return [Action(a) for a in actions]

    def _into_sight(self, actions: list[Action]) -> list[Action]:
        """With a camera's visibility, the way to the nearest pose that shows the next
        action's target first, when it is not in view from here."""
        w = self.world
        if w.sight is None or not actions or not actions[0].is_interaction:
            return actions
        target = actions[0].target
        if target not in w.objects or w.is_visible(target) or target == w.held:
            return actions
        root = w.root_fixed(target)
        poses = [Pose(*p) for p in w.scene.interaction_poses.get(root.id, ()).tolist()] if root else []
        poses = [p for p in poses if (p.row, p.col) not in self.blocked]
        pose = self._first_showing(poses, lambda: w.is_visible(target), target, [root] if root else [])
        return [Action(a) for a in shortest_actions(w.scene, w.agent, pose, self.blocked)] + actions

    def _first_showing(self, poses: list[Pose], shows, what: str, roots: list[WorldObject]) -> list[Pose]:
        """The nearest of `poses` (by actions from here) at which `shows()` holds; when
        none does, the nearest of the other poses that see the `roots` (the furniture the
        target is or rests on: looking down into a low shelf, up at a high one, from
        beside it rather than before it)."""
        w = self.world
        for pose in nearest_first(w.scene, w.agent, poses, self.blocked):
            with w.standing_at(pose):
                if shows():
                    return [pose]
        tried = set(poses)
        sight = scene_visibility(w.scene)
        others = [p for root in roots for p in sight.seeing_poses(w.scene.fixed_index[root.id])
                  if p not in tried and (p.row, p.col) not in self.blocked]
        for pose in nearest_first(w.scene, w.agent, others, self.blocked):
            with w.standing_at(pose):
                if shows():
                    return [pose]
        raise SkillImpossible(f"no pose within reach shows {what} at the camera's resolution")

    def _resolve(self, call: SkillCall, i: int, reachable_only: bool = True) -> WorldObject:
        """The grounded object, or the nearest visible one of those the call means (of the
        type or family, not in its `not_in` receptacle; or one hidden in a closed container
        that is visible, when `reachable_only` is off)."""
        w = self.world
        if call.ids and call.ids[i]:
            obj = w.objects.get(call.ids[i])
            if obj is None:
                raise SkillImpossible(f"{call.ids[i]} no longer exists")
            return obj
        visible = w.visible_ids()
        meant = candidates(w, call, i)
        meant_ids = {o.id for o in meant}
        for oid in visible:
            if oid in meant_ids:
                return w.objects[oid]
        if not reachable_only:
            for obj in meant:
                container = self._closed_container(obj)
                if container is not None and container.id in visible:
                    return obj
        raise SkillImpossible(f"no {call.args[i]} in reach")

    def _closed_container(self, obj: WorldObject, include_self: bool = False) -> WorldObject | None:
        w = self.world
        node = obj if include_self else (w.objects.get(obj.parent) if obj.parent else None)
        while node is not None:
            if node.type.openable and not node.is_open and node.position is not None:
                return node
            node = w.objects.get(node.parent) if node.parent else None
        return None

    def _through_container(self, obj: WorldObject, actions: list[Action], include_self: bool = False) -> list[Action]:
        """Open the closed furniture the object is in (or is) first, close it after."""
        container = self._closed_container(obj, include_self)
        if container is None:
            return actions
        return [Action("OpenObject", container.id), *actions, Action("CloseObject", container.id)]

    def _transform(self, call: SkillCall, transform: Transform) -> list[Action]:
        w = self.world
        if w.held is None:
            raise SkillImpossible(f"{call.skill} needs the {call.args[0]} in hand")
        visible = w.visible_ids()
        appliances = [w.objects[o] for o in visible if w.objects[o].type.name == transform.appliance]
        if transform.needs_control:  # of two basins in view, the one under a faucet
            controlled = {o.controls for o in w.objects.values() if o.controls}
            appliances = [a for a in appliances if a.id in controlled] or appliances
        appliance = appliances[0] if appliances else None
        if appliance is None:
            raise SkillImpossible(f"no {transform.appliance} in reach")
        control_id = None
        if transform.needs_control:
            # (with a camera's visibility the faucet may be out of frame from here: the
            # expert steps to where it shows before turning it on)
            candidates = w.objects.values() if w.sight is not None else (w.objects[o] for o in visible)
            control = next((o for o in candidates if o.controls == appliance.id), None)
            if control is None:
                raise SkillImpossible(f"no {transform.switch.lower()} over {appliance.id} in reach")
            control_id = control.id
        return transform.actions(appliance, w.held, control_id)


def _goto_roots(w: World, call: SkillCall) -> list[WorldObject]:
    """The furniture GotoLocation's targets are or rest on (as GotoLocation.poses finds them)."""
    roots = {}
    for oid in (o.id for o in candidates(w, call, 0)):
        root = w.root_fixed(oid) if oid != w.held else None
        if root is not None:
            roots.setdefault(root.id, root)
    return list(roots.values())


class SkillImpossible(Exception):
    """The skill cannot be carried out from this state (the reason says why)."""
