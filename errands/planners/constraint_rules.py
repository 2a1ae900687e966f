"""A task's constraints as the symbolic search applies them: to the primitive interactions
each skill will cause (what the scripted expert does for it), in plan order.

`check_plan` applies the same rules to a plan someone else wrote (the LLM planner's), so
that a plan that would break a constraint is refused, with the step and the constraint
named, before any of it is carried out.

A skill is ruled out when one of its interactions is a forbidden action, acts on a
forbidden object, goes past a count, or comes before what an ordering says must come
first; the search carries each plan's progress (the orderings whose first event has
happened, the counts so far) in its state. Budgets of steps and failures are not
planned for: they count primitive actions, which the search does not see (its plans are
short by construction; suite building checks the reference run against them).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..envs.actions import INTERACTION_ACTIONS
from ..envs.household.object_types import type_of_id as type_of
from ..envs.household.world import World
from ..envs.skills import Plan, SkillCall
from ..envs.tasks.constraints import (END_STATES, ActionCount, Constraint, EndPlacement, EndState, ForbiddenAction,
                                      ForbiddenObject, ForbiddenRegion, Ordering, forbidden_cells)
from ..envs.transforms import transform_of_skill

# The orderings whose first event has happened (indexes), and each count so far.
Progress = tuple[frozenset, tuple[int, ...]]


class ConstraintRules:
    def __init__(self, constraints):
        self.constraints = tuple(constraints)
        self.forbidden_actions = {(c.action, c.object_type) for c in self.constraints if isinstance(c, ForbiddenAction)}
        self.forbidden_objects = {c.object_type for c in self.constraints if isinstance(c, ForbiddenObject)}
        self.orderings = [c for c in self.constraints if isinstance(c, Ordering)]
        self.counts = [c for c in self.constraints if isinstance(c, ActionCount)]
        self.end_states = [c for c in self.constraints if isinstance(c, EndState)]
        self.placements = [c for c in self.constraints if isinstance(c, EndPlacement)]
        self.regions = [c for c in self.constraints if isinstance(c, ForbiddenRegion)]
        self.start: Progress = (frozenset(), (0,) * len(self.counts))

    def __bool__(self) -> bool:
        return bool(self.constraints)

    def describe(self) -> str:
        return "; ".join(c.describe() for c in self.constraints)

    def may_put(self, held_type: str, receptacle_type: str) -> bool:
        """Whether a PutObject skill may leave the held object there (an end placement
        that forbids it; a transform's put, taken back at once, is not one)."""
        return not any(not c.inside and (c.object_type, c.receptacle) == (held_type, receptacle_type)
                       for c in self.placements)

    def broken_by(self, progress: Progress, events) -> tuple[Progress | None, object]:
        """The progress after `events` ((action, type) pairs, in order), or None and the
        constraint the first offending event breaks."""
        done, counts = set(progress[0]), list(progress[1])
        for action, type_name in events:
            if (action, type_name) in self.forbidden_actions:
                return None, next(c for c in self.constraints if isinstance(c, ForbiddenAction)
                                  and (c.action, c.object_type) == (action, type_name))
            if action in INTERACTION_ACTIONS and type_name in self.forbidden_objects:
                return None, next(c for c in self.constraints if isinstance(c, ForbiddenObject)
                                  and c.object_type == type_name)
            for i, ordering in enumerate(self.orderings):
                if (ordering.then.action, ordering.then.object_type) == (action, type_name) and i not in done:
                    return None, ordering
                if (ordering.first.action, ordering.first.object_type) == (action, type_name):
                    done.add(i)
            for i, count in enumerate(self.counts):
                if (count.action, count.object_type) == (action, type_name):
                    counts[i] += 1
                    if counts[i] > count.max_count:
                        return None, count
        return (frozenset(done), tuple(counts)), None

    def advance(self, progress: Progress, events) -> Progress | None:
        return self.broken_by(progress, events)[0]


# --- what a skill does, as the expert does it -----------------------------------------------

def skill_events(world: World, skill: str, ids: tuple[str, ...], at: str, held: str | None,
                 type_name=type_of) -> list[tuple[str, str, str]]:
    """(action or skill, object type, object id) of what the expert does for `skill` on
    `ids`, standing at `at` with `held` in hand, in order: its primitive interactions (the
    furniture it opens on the way and closes after; a transform's opening, switching and
    taking back) and the skill itself done. `type_name(id)` names an id's type (the search
    knows the types of the slices it has not cut yet)."""
    done = (skill, type_name(ids[0]), ids[0])
    if skill in ("GotoLocation", "ToggleObject"):
        switch = [("ToggleObjectOn", done[1], ids[0])] if skill == "ToggleObject" else []
        return [*switch, done]
    if skill in ("OpenObject", "CloseObject"):
        return [done]
    transform = transform_of_skill(skill)
    if transform is not None:
        appliance = world.objects[at]
        control = next((o.id for o in world.objects.values() if o.controls == at), None)
        actions = transform.actions(appliance, held, control)
        return [(a.name, type_name(a.target), a.target) for a in actions] + [done]
    if skill == "PutObject":
        done = (skill, type_name(ids[1]), ids[1])
    furniture = world.objects.get(at)
    if furniture is not None and furniture.type.openable and not furniture.is_open:  # opened on the way, closed after
        return [("OpenObject", furniture.type.name, at), done, ("CloseObject", furniture.type.name, at)]
    return [done]


# --- checking a whole plan ------------------------------------------------------------------

@dataclass(frozen=True)
class PlanViolation:
    """A constraint a plan would break: at plan step `step` (None: where the plan leaves
    things at its end), and why."""

    constraint: Constraint
    step: int | None
    reason: str

    def __str__(self) -> str:
        where = f"step {self.step + 1}" if self.step is not None else "its end"
        return f"the plan breaks '{self.constraint.describe()}' at {where}: {self.reason}"


def check_plan(plan: Plan, world: World, constraints) -> PlanViolation | None:
    """The first constraint the plan breaks when its skills are carried out as the expert
    carries them out from the world's state now, or None. Skills that name only types are
    grounded as the expert grounds them: the instance where the agent stands, else the
    first. Budgets are not checked: they count primitive actions, which a plan does not fix."""
    rules = ConstraintRules(constraints)
    if not rules:
        return None
    blocked = forbidden_cells(world.scene, rules.regions) if rules.regions else frozenset()
    flags = {oid: {"is_open": o.is_open, "is_on": o.is_on} for oid, o in world.objects.items()}
    moved: dict[str, str | None] = {}  # object -> the receptacle the plan leaves it in
    at, held, progress = "", world.held, rules.start
    for index, call in enumerate(plan.steps):
        ids = _ground(world, call, at, held)
        if ids is None:  # names nothing in this world: the plan's validation says so
            continue
        if call.skill == "GotoLocation":
            poses = world.scene.interaction_poses.get(ids[0], ())
            if blocked and len(poses) and all((int(r), int(c)) in blocked for r, c, *_ in poses):
                first = (int(poses[0][0]), int(poses[0][1]))
                region = next(c for c in rules.regions if first in forbidden_cells(world.scene, [c]))
                return PlanViolation(region, index, f"every place to stand at {ids[0]} is inside it")
            at = ids[0]
        transform = transform_of_skill(call.skill)
        if transform is not None and type_of(at) != transform.appliance:
            at = next((o.id for o in world.objects_of_type(transform.appliance)), at)
        events = skill_events(world, call.skill, ids, at, held)
        progress, broken = rules.broken_by(progress, [e[:2] for e in events])
        if progress is None:
            return PlanViolation(broken, index, f"{call} would break it")
        for action, _, oid in events:
            if action in ("OpenObject", "CloseObject"):
                flags[oid]["is_open"] = action == "OpenObject"
            elif action in ("ToggleObjectOn", "ToggleObjectOff"):
                flags[oid]["is_on"] = action == "ToggleObjectOn"
            elif action == "PickupObject" and call.skill == "PickupObject":
                held = oid
                moved[oid] = None
            elif action == "PutObject" and call.skill == "PutObject" and held is not None:
                moved[held] = oid
                held = None
    for constraint in rules.end_states:
        flag, wanted, _ = END_STATES[constraint.state]
        for obj in sorted(world.objects_of_type(constraint.object_type), key=lambda o: o.id):
            if flags[obj.id][flag] != wanted:
                return PlanViolation(constraint, None, f"it leaves {obj.id} {_state_word(flag, not wanted)}")
    for constraint in rules.placements:
        there = [o.id for o in world.objects_of_type(constraint.object_type)
                 if constraint.receptacle in _chain(world, moved, o.id)]
        if bool(there) != constraint.inside:
            what = (f"it leaves {there[0]} in a {constraint.receptacle}" if there
                    else f"it leaves no {constraint.object_type} in a {constraint.receptacle}")
            return PlanViolation(constraint, None, what)
    return None


def _state_word(flag: str, value: bool) -> str:
    return {"is_open": ("closed", "open"), "is_on": ("off", "on")}[flag][value]


def _chain(world: World, moved: dict, oid: str) -> list[str]:
    """The types of the receptacles an object ends in, innermost first."""
    chain = []
    while True:
        oid = moved[oid] if oid in moved else world.objects[oid].parent
        if oid is None:
            return chain
        chain.append(type_of(oid))


def _ground(world: World, call: SkillCall, at: str, held: str | None) -> tuple[str, ...] | None:
    """The object ids a skill call acts on: its own ids, else per argument the held
    object, the one where the agent stands or rests there, else the first of the type."""
    if call.ids:
        return tuple(call.ids)
    ids = []
    for position, type_name in enumerate(call.args):
        found = sorted(world.objects_of_type(type_name), key=lambda o: o.id)
        if not found:
            return None
        if held is not None and type_of(held) == type_name and not (call.skill == "PutObject" and position == 1):
            ids.append(held)
            continue
        here = [o.id for o in found if o.id == at or (at and (root := world.root_fixed(o.id)) is not None
                                                     and root.id == at)]
        ids.append(here[0] if here else found[0].id)
    return tuple(ids)
