"""Symbolic planning over skills: best-first search from the world state to a state where
every goal condition holds, with the skills' preconditions and effects as operators.

Nothing here is specific to a task type: the goal test is the task type's own goal
conditions (errands.envs.tasks.types, the ones the env counts) read from an abstract
state (where each relevant object is, what is held, heated, cooled, cleaned, sliced,
switched on), the search's order is the type's estimate, and the operators are the skill
classes', so goals no template anticipated are solved the same way.

A task's constraints (errands.envs.tasks.constraints) shape the search: a skill whose
interactions break one is not taken (planners/constraint_rules.py), a location that can
only be reached inside a forbidden region is not walked to, the end states asked for are
reached by skills appended to the plan (close the fridge), and the plan's end placements
are checked. A constraint the search cannot meet is a PlanningError that names it.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, replace

from ..envs.household.object_types import OBJECT_TYPES, SLICES, SLICING_TOOLS
from ..envs.household.object_types import type_of_id as type_of
from ..envs.household.world import World
from ..envs.skills import (SKILLS, GotoLocation, PickupObject, Plan, PutObject, SkillCall, SliceObject, ToggleObject,
                           TransformObject)
from ..envs.tasks.constraints import END_STATES, forbidden_cells
from ..envs.tasks.goals import TaskGoal
from ..envs.tasks.types import TASK_TYPES
from ..envs.transforms import FLAGS, transform_of_task_type
from .base import PlanningError
from .constraint_rules import ConstraintRules, skill_events

MAX_EXPANSIONS = 60_000
CANDIDATES_PER_ROLE = 4
TRAVEL_WEIGHT = 1 / 20  # a Goto costs 1 plus this per grid cell travelled
# The skills the search uses as operators, in the order it tries them: on equal cost the
# first found wins, so this order is part of which plan comes out. OpenObject and
# CloseObject are not operators: the skills that may open a container do it on the way.
OPERATOR_ORDER = (GotoLocation, PickupObject, PutObject, TransformObject, SliceObject, ToggleObject)


@dataclass(frozen=True)
class _State:
    at: str  # a fixed object the agent stands at ("" at the start)
    held: str | None
    parents: tuple[tuple[str, str], ...]  # (object, receptacle) of every relevant pickupable
    flags: frozenset  # (object, a transform's flag: "cleaned" | "heated" | "cooled")
    sliced: frozenset  # (whole object, receptacle it was cut in): the other pieces stay there
    lit: frozenset  # lights switched on
    progress: tuple = ()  # with constraints: ConstraintRules' progress of the plan so far


def plan_for_goal(goal: TaskGoal, world: World, constraints=()) -> Plan:
    """The cheapest plan of skills that reaches the goal from the world's state, within
    the constraints."""
    return _Search(goal, world, constraints).run()


class _Search:
    def __init__(self, goal: TaskGoal, world: World, constraints=()):
        self.rules = ConstraintRules(constraints)
        self.goal = goal
        self.kind = TASK_TYPES[goal.task_type]
        self.world = world
        by_class = {GotoLocation: self._goto, PickupObject: self._pickup, PutObject: self._put,
                    TransformObject: self._transform, SliceObject: self._slice, ToggleObject: self._toggle}
        self.operators = [(skill, by_class[cls]) for cls in OPERATOR_ORDER
                          for skill in SKILLS.values() if type(skill) is cls]
        scene = world.scene
        self.reachable = {o.id for o in scene.fixed if len(scene.interaction_poses.get(o.id, ()))}
        self.anchor = {o.id: scene.xz_cell(o.position[0], o.position[2]) for o in scene.fixed}
        self.anchor[""] = (world.agent.row, world.agent.col)
        self.types: dict[str, str] = {}

        def nearest(type_names, fixed_only=False, k=CANDIDATES_PER_ROLE):
            found = [o for t in type_names for o in world.objects_of_type(t) if (o.position is not None) == fixed_only]
            found = [o for o in found if self._root_initial(o.id) in self.reachable or o.id == world.held]
            found.sort(key=lambda o: (self._dist("", self._root_initial(o.id)), o.id))
            return [o.id for o in found[:k]]

        whole = nearest([goal.object])
        existing_slices = nearest([goal.object_type_name]) if goal.sliced else []
        self.targets = whole + existing_slices
        self.movables = nearest([goal.movable_receptacle]) if goal.movable_receptacle else []
        self.knives = nearest(SLICING_TOOLS, k=2) if goal.sliced else []
        held = [world.held] if world.held else []
        relevant = list(dict.fromkeys(self.targets + self.movables + self.knives + held))
        for oid in relevant:
            self.types[oid] = world.objects[oid].type.name
        for oid in whole if goal.sliced else []:
            for piece in self.slice_ids(oid):
                self.types[piece] = goal.object_type_name
        self.parent_ids = {o.id for o in world.objects_of_type(goal.parent_receptacle)}
        is_light = self.kind.parent_is_light
        self.lights = set(nearest([goal.parent_receptacle], fixed_only=True)) if is_light else set()
        places = set() if is_light else set(nearest([goal.parent_receptacle], fixed_only=True))
        transform = transform_of_task_type(goal.task_type)
        appliances = set(nearest([transform.appliance], fixed_only=True)) if transform else set()
        if transform and transform.needs_control:  # only appliances whose control the scene has
            appliances &= {o.controls for o in world.objects_of_type(transform.switch)}
        self.appliances = appliances
        roots = {self._root_initial(oid) for oid in relevant} - {""}
        self.locations = sorted((places | appliances | self.lights | roots) & self.reachable)
        if self.rules.regions:
            self._avoid_regions()
        # Objects in each receptacle that the search does not track (for capacity).
        self.base_load = {}
        for oid, obj in world.objects.items():
            if obj.type.receptacle:
                self.base_load[oid] = sum(1 for c in obj.contents if c not in self.types)
        self.start = _State(
            at="", held=world.held,
            parents=tuple(sorted((oid, world.objects[oid].parent) for oid in relevant if oid != world.held)),
            flags=frozenset((oid, f) for oid in relevant for f in FLAGS if getattr(world.objects[oid], f)),
            sliced=frozenset(), lit=frozenset(o.id for o in world.objects.values() if o.is_on and o.id in self.lights),
            progress=self.rules.start if self.rules else (),
        )

    def _avoid_regions(self) -> None:
        """Walk only to locations with an interaction pose outside the forbidden regions."""
        scene = self.world.scene
        blocked = forbidden_cells(scene, self.rules.regions)
        agent = self.world.agent
        if (agent.row, agent.col) in blocked:
            raise PlanningError(f"the agent starts inside a forbidden region ({self.rules.describe()})")
        self.locations = [loc for loc in self.locations
                          if any((int(r), int(c)) not in blocked for r, c, *_ in scene.interaction_poses[loc])]

    # --- helpers ----------------------------------------------------------------------

    @staticmethod
    def slice_ids(whole_id: str) -> list[str]:
        """The pieces the search tracks (two, enough for any goal; the world makes them
        with these ids); the other pieces only take room where the cut was made."""
        whole = OBJECT_TYPES[type_of(whole_id)]
        return [f"{whole_id}|{whole.sliced_name}_{k}" for k in range(1, min(2, SLICES[whole.name]) + 1)]

    def _root_initial(self, oid: str) -> str:
        obj = self.world.root_fixed(oid)
        return obj.id if obj is not None else ""

    def _dist(self, a: str, b: str) -> int:
        (r1, c1), (r2, c2) = self.anchor.get(a, self.anchor[""]), self.anchor.get(b, self.anchor[""])
        return abs(r1 - r2) + abs(c1 - c2)

    def _root(self, parents: dict, oid: str) -> str | None:
        seen = 0
        while oid in parents:
            oid = parents[oid]
            seen += 1
            if oid is None or seen > 10:
                return None
        return oid

    # --- goal test and heuristic --------------------------------------------------------

    def _reached(self, s: _State) -> bool:
        """Every goal condition holds (the task type's own conditions)."""
        return all(c.met for c in self.kind.goal_conditions(self.goal, _GoalView(self, s)))

    def _unmet(self, s: _State) -> int:
        """The task type's estimate of how far the state is from the goal: 0 at the goal."""
        return self.kind.estimate(self.goal, _GoalView(self, s))

    # --- operators: one per skill class --------------------------------------------------

    def _successors(self, s: _State):
        parents = dict(s.parents)
        for skill, operator in self.operators:
            if not self.rules:
                yield from operator(skill, s, parents)
                continue
            for cost, op, nxt in operator(skill, s, parents):
                progress = self.rules.advance(s.progress, [e[:2] for e in self._events(op, s)])
                if progress is not None:
                    yield cost, op, replace(nxt, progress=progress)

    def _events(self, op: tuple, s: _State) -> list[tuple[str, str, str]]:
        """What the expert will do for the skill `op` from state `s` (skill_events)."""
        skill, ids = op
        return skill_events(self.world, skill, ids, s.at, s.held, lambda oid: self.types.get(oid) or type_of(oid))

    def _goto(self, skill: GotoLocation, s: _State, parents: dict):
        for loc in self.locations:
            if loc != s.at:
                yield (1 + TRAVEL_WEIGHT * self._dist(s.at, loc),
                       (skill.name, (loc,)), _State(loc, s.held, s.parents, s.flags, s.sliced, s.lit))

    def _pickup(self, skill: PickupObject, s: _State, parents: dict):
        """Anything at the agent's location (closed furniture is opened on the way)."""
        if not s.at or s.held is not None:
            return
        for oid, parent in s.parents:
            if self._root(parents, oid) != s.at:
                continue
            new = dict(parents)
            del new[oid]
            yield 1, (skill.name, (oid,)), _State(s.at, oid, tuple(sorted(new.items())), s.flags, s.sliced, s.lit)

    def _put(self, skill: PutObject, s: _State, parents: dict):
        if not s.at or s.held is None:
            return
        held_type = self.types[s.held]
        for rec in self._receptacles_here(s, parents):
            rtype = OBJECT_TYPES[self.types.get(rec) or type_of(rec)]
            if self.rules.placements and not self.rules.may_put(held_type, self._root_type(parents, rec)):
                continue
            if held_type in rtype.accepts and self._load(s, parents, rec) < rtype.capacity:
                new = dict(parents)
                new[s.held] = rec
                yield 1, (skill.name, (s.held, rec)), _State(s.at, None, tuple(sorted(new.items())), s.flags, s.sliced, s.lit)

    def _transform(self, skill: TransformObject, s: _State, parents: dict):
        if not s.at or s.held is None:
            return
        t = skill.transform
        if (type_of(s.at) == t.appliance and s.at in self.appliances
                and getattr(OBJECT_TYPES[self.types[s.held]], t.affordance) and (s.held, t.flag) not in s.flags
                and self._load(s, parents, s.at) < OBJECT_TYPES[t.appliance].capacity):
            yield 1, (skill.name, (s.held,)), _State(s.at, s.held, s.parents, s.flags | {(s.held, t.flag)}, s.sliced, s.lit)

    def _slice(self, skill: SliceObject, s: _State, parents: dict):
        if not s.at or s.held is None or self.types[s.held] not in SLICING_TOOLS:
            return
        for oid in self.targets:
            if oid in parents and OBJECT_TYPES[self.types[oid]].sliceable and self._root(parents, oid) == s.at:
                pieces = self.slice_ids(oid)
                new = dict(parents)
                where = new.pop(oid)
                for piece in pieces:
                    new[piece] = where
                flags = s.flags | {(p, f) for (o, f) in s.flags if o == oid for p in pieces}
                sliced = s.sliced | {(oid, where)}
                yield 1, (skill.name, (oid,)), _State(s.at, s.held, tuple(sorted(new.items())), flags, sliced, s.lit)

    def _toggle(self, skill: ToggleObject, s: _State, parents: dict):
        """Switch on the light the agent stands at."""
        if s.at in self.lights and s.at not in s.lit:
            yield 1, (skill.name, (s.at,)), _State(s.at, s.held, s.parents, s.flags, s.sliced, s.lit | {s.at})

    def _root_type(self, parents: dict, rec: str) -> str:
        """The type of the furniture a receptacle rests in (its own, for furniture)."""
        return type_of(self._root(parents, rec) or rec)

    def _load(self, s: _State, parents: dict, rec: str) -> int:
        """How many objects are in a receptacle: untracked ones, tracked ones, and the
        extra pieces of objects sliced there."""
        return (self.base_load.get(rec, 0) + sum(1 for p in parents.values() if p == rec)
                + sum(SLICES[type_of(w)] - len(self.slice_ids(w)) for w, where in s.sliced if where == rec))

    def _receptacles_here(self, s: _State, parents: dict) -> list[str]:
        here = []
        if OBJECT_TYPES[type_of(s.at)].receptacle and type_of(s.at) != "Sink":
            here.append(s.at)
        for m in self.movables:
            if m != s.held and m in parents and self._root(parents, m) == s.at:
                here.append(m)
        return here

    # --- search -----------------------------------------------------------------------

    def run(self) -> Plan:
        if not self.targets:
            raise PlanningError(f"no reachable {self.goal.object} in {self.world.scene.name}")
        counter = itertools.count()
        frontier = [(self._unmet(self.start), next(counter), 0.0, self.start)]
        came_from: dict[_State, tuple[_State, tuple] | None] = {self.start: None}
        cost = {self.start: 0.0}
        expansions = 0
        while frontier:
            _, _, g, state = heapq.heappop(frontier)
            if g > cost[state]:
                continue
            if self._reached(state):
                return self._plan(came_from, state) if not self.rules else self._constrained_plan(came_from, state)
            expansions += 1
            if expansions > MAX_EXPANSIONS:
                break
            for step_cost, op, nxt in self._successors(state):
                new_cost = g + step_cost
                if new_cost < cost.get(nxt, float("inf")):
                    cost[nxt] = new_cost
                    came_from[nxt] = (state, op)
                    heapq.heappush(frontier, (new_cost + self._unmet(nxt), next(counter), new_cost, nxt))
        within = f" within its constraints ({self.rules.describe()})" if self.rules else ""
        raise PlanningError(f"no plan reaches {self.goal.alfred_name} in {self.world.scene.name}{within} "
                            f"({expansions} states searched)")

    def _path(self, came_from, state) -> list[tuple[_State, tuple]]:
        """(the state it starts from, op) of each step of the plan to `state`."""
        path = []
        while came_from[state] is not None:
            state, op = came_from[state]
            path.append((state, op))
        path.reverse()
        return path

    def _plan(self, came_from, state) -> Plan:
        return Plan([self._call(op) for _, op in self._path(came_from, state)])

    def _call(self, op: tuple) -> SkillCall:
        skill, ids = op
        return SkillCall(skill, tuple(self.types.get(i) or type_of(i) for i in ids), tuple(ids))

    # --- what the search cannot see: end states and placements ------------------------

    def _constrained_plan(self, came_from, final: _State) -> Plan:
        """The plan to `final`, with the skills the end states need appended; a
        PlanningError names an end state or a placement it cannot meet."""
        path = self._path(came_from, final)
        ops = [op for _, op in path]
        flags = {o.id: {"is_open": o.is_open, "is_on": o.is_on} for o in self.world.objects.values()}
        for s, op in path:
            for action, _, oid in self._events(op, s):
                if action in ("OpenObject", "CloseObject") and oid in flags:
                    flags[oid]["is_open"] = action == "OpenObject"
                elif action in ("ToggleObjectOn", "ToggleObjectOff") and oid in flags:
                    flags[oid]["is_on"] = action == "ToggleObjectOn"
        progress, at = final.progress, final.at
        for constraint in self.rules.end_states:
            flag, wanted, _ = END_STATES[constraint.state]
            for obj in sorted(self.world.objects_of_type(constraint.object_type), key=lambda o: o.id):
                if flags[obj.id][flag] == wanted:
                    continue
                skill = {"closed": "CloseObject", "open": "OpenObject", "on": "ToggleObject"}.get(constraint.state)
                if skill is None:
                    raise PlanningError(f"no skill switches a {constraint.object_type} off, and {obj.id} is on at "
                                        f"the end: cannot '{constraint.describe()}'")
                action = {"ToggleObject": "ToggleObjectOn"}.get(skill, skill)
                events = [("GotoLocation", constraint.object_type), (action, constraint.object_type)]
                if skill == "ToggleObject":
                    events.append((skill, constraint.object_type))
                progress, broken = self.rules.broken_by(progress, events if at != obj.id else events[1:])
                if progress is None:
                    raise PlanningError(f"'{constraint.describe()}' needs {action} on {obj.id}, which breaks "
                                        f"'{broken.describe()}'")
                if at != obj.id:
                    ops.append(("GotoLocation", (obj.id,)))
                ops.append((skill, (obj.id,)))
                at = obj.id
        self._check_placements(final)
        return Plan([self._call(op) for op in ops])

    def _check_placements(self, final: _State) -> None:
        """The end placements hold where the plan leaves things (objects the search does
        not track stay where they are)."""
        parents = dict(final.parents)
        for constraint in self.rules.placements:
            there = []
            for obj in self.world.objects_of_type(constraint.object_type):
                oid = obj.id
                if oid in self.types and oid not in parents:
                    continue  # held at the end, or cut into tracked pieces
                chain = []
                while oid is not None:
                    oid = parents.get(oid) if oid in parents else self.world.objects[oid].parent
                    if oid is not None:
                        chain.append(type_of(oid))
                if constraint.receptacle in chain:
                    there.append(obj.id)
            if bool(there) != constraint.inside:
                what = (f"{there[0]} stays in a {constraint.receptacle}" if there
                        else f"no {constraint.object_type} ends in a {constraint.receptacle}")
                raise PlanningError(f"cannot '{constraint.describe()}': {what}, and the planner moves only "
                                    f"the objects the goal needs")



class _GoalView:
    """A search state as the task types' GoalState: the tracked objects of the goal's
    type that exist, the receptacles of its parent type, the tracked movable ones, and
    a light on in view when the agent stands at a light it switched on."""

    __slots__ = ("search", "state", "parents", "held", "_objs")

    def __init__(self, search: _Search, state: _State):
        self.search = search
        self.state = state
        self.parents = dict(state.parents)
        self.held = state.held
        self._objs: list[str] | None = None

    def ids_of_type(self, type_name: str):
        goal = self.search.goal
        if type_name == goal.object_type_name:
            if self._objs is None:
                self._objs = [o for o, t in self.search.types.items()
                              if t == type_name and (o in self.parents or o == self.held)]
            return self._objs
        if type_name == goal.movable_receptacle:
            return self.search.movables
        if type_name == goal.parent_receptacle:
            return self.search.parent_ids
        raise PlanningError(f"the search tracks no objects of type {type_name!r} for {goal.alfred_name}")

    def parent_of(self, object_id: str) -> str | None:
        return self.parents.get(object_id)

    def has_flag(self, object_id: str, flag: str) -> bool:
        return (object_id, flag) in self.state.flags

    def light_on_in_view(self, type_name: str) -> bool:
        return self.state.at in self.state.lit
