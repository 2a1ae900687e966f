"""A camera skill policy that maps what it sees and plans on the map: ALFRED's modular
recipe (FILM, HLSM), under ALFRED's rule when its perception is learned.

Every step, a perception (policies/perception.py) turns the frame into per-pixel object
types and depth; the semantic map (policies/semantic_map.py) lifts them into a top-down
map of floor, obstacles and where each type was seen, kept over the whole episode, so
that what one skill saw helps the next. On that map:

- GotoLocation walks to a floor cell near the nearest cell where the target type was
  seen, turns to it and tilts the camera until the frame shows the bulk of the target
  within reach, and ends there (a cell whose view does not show it is dropped). While no
  cell shows the target it explores: a look round at the start and at each frontier (seen
  floor beside unseen space) it walks to, nearest first. It walks only over cells it has
  seen to be floor, so that it seldom bumps (each refused action counts towards the
  episode's limit). Once nothing is left to explore, it searches the receptacles that may
  hold the target, nearest first: it looks at a surface from beside it, and opens what
  opens (the target may be shut in), leaving it open: where it opened something, a later
  skill looks in rather than opening it again.
- An interaction aims at the most confident pixel of its target type within reach (the
  one it opened, for what it puts in or shuts), tilting the camera and then stepping to
  another cell beside it when the frame shows none; a refused one is aimed elsewhere. A
  receptacle that opens is opened before something is put in it and shut after. The
  transforms (clean, heat, cool) are their appliance's routine, as the expert's: put the
  held object in, switch it (or its faucet) on and off, take the object back.

Words of the call refine the target: `not_in` leaves out cells where the receptacle was
seen (the object already put there), `holding` prefers cells where the held type was.
Only labels the perception is sure of (at its class's threshold) go into the map and the aims.
"""

from __future__ import annotations

import numpy as np

from ..envs.actions import Action, parse_pixel_target, pixel_target
from ..envs.household.object_types import OBJECT_TYPES, types_named
from ..envs.household.scene import HEADINGS, heading_step
from ..envs.skills import SKILLS, SkillCall
from ..envs.transforms import transform_of_skill
from .base import PolicyStep
from .pixel_classes import FLOOR
from .semantic_map import SemanticMap, distances, heading_towards

MAX_STEPS_PER_SKILL = 300
REACH = 1.4  # metres: a GotoLocation target pixel this near (horizontally) is in reach (the simulator's 1.5 m, with a margin)
CLOSE = 1.0  # metres: where GotoLocation ends when it can
BULK = 0.85  # and the median of their distances at most this share of the reach
STAND_BACK = 0.5  # metres: GotoLocation to a thing that opens ends no nearer to it than this
AIM_REACH = 2.0  # metres: an interaction may aim this far (what is in a receptacle counts at the receptacle's reach)
GOAL_CELLS = 4  # a goal cell is within this many cells (straight line) of a target cell
WALK_HORIZON = 45  # degrees down while walking and looking round: the frame spans the feet to the horizon
LOOK_ORDER = (45, 30, 60, 15, 0, -15, -30)  # horizons an interaction tries
GOAL_LOOKS = (45, 60, 15, 0)  # and GotoLocation at a goal cell
CONTAINER_LOOKS = (45, 15)  # and at a container's (its base units low, its wall units high)
MISS_RADIUS = 3  # pixels around a refused interaction's pixel not aimed at again
HIGH = 1.2  # metres: a container part above this is a wall cabinet, apart from the one below it
MOVED = 0.1  # a pixel whose depth changes by this share between two frames at one pose shows something that moved
OPENED_SPAN = 3  # cells around where an opened container was aimed at that count as opened (its door swings out)
SURFACE_SPAN = 3  # cells around the nearest cell of a surface that one look at it searches
RETRIES = 2  # refused interactions aimed elsewhere before the skill gives up
REFUSED_OPENS = 8  # containers that would not open, over an episode, before it stops looking into them
REPOSITIONS = 4  # cells an interaction steps to when the frame shows no target from where it stands


class SemanticMapSkillPolicy:
    needs_world = False

    def __init__(self, perception, max_steps_per_skill: int = MAX_STEPS_PER_SKILL):
        self.perception = perception
        self.inputs = tuple(dict.fromkeys(("instruction", "action_success") + tuple(perception.inputs)))
        self.classes = {name: i for i, name in enumerate(perception.classes)}
        self.max_steps_per_skill = int(max_steps_per_skill)
        self.name = f"semantic-map ({perception.name})"
        self.reset(None)

    def reset(self, env) -> None:
        self.map = SemanticMap(len(self.classes))
        self.depth = None  # the last frame's depth
        self._previous: Action | None = None
        self._call: SkillCall | None = None
        self._turns_left = 4  # the episode starts with a look round
        self._explored: set[tuple[int, int]] = set()
        self._held: str | None = None  # the type it picked up last (its own action's success says so)
        # (target type, holder type) -> the holder's (row, col, high) places searched for the target, over
        # the episode (a re-plan's new skill goes on where the last left off)
        self._searched_for: dict[tuple[str, str], set[tuple[int, int, bool]]] = {}
        self._just_opened: str | None = None  # the type of the container its last action opened to look in
        # the (row, col, high) places of containers it opened (and left open) or that would not open, over the
        # episode: no container there is opened again, whatever a later skill looks for (looking in is enough)
        # and whatever its type (a door swung open stands before its neighbours: kept by type, valid_seen's 200
        # episodes with ground-truth perception gave 61.5% SR rather than 66.5%)
        self._opened: set[tuple[int, int, bool]] = set()
        self._ended_at: set = set()  # poses a retried GotoLocation does not end at
        self._end_pose = None  # where the last GotoLocation ended
        self._refused_opens = 0  # containers that would not open, over the episode (ten failed actions end one)

    # --- the step -------------------------------------------------------------------------

    def act(self, observation: dict, info: dict, call: SkillCall) -> PolicyStep:
        success = bool(info.get("last_action_success", True))
        if self._previous is not None:
            self.map.moved(self._previous.name, success)
        before = self.depth  # the last frame's (at this pose, after an interaction)
        self.labels, self.confidence, self.depth = self.perception(observation, info, self.map.horizon)
        # each pixel's (height, map row, map col, distance, ray) at this pose, for the aims and checks below
        self.points = self.map.points(self.depth)
        floor = self.classes.get(FLOOR)
        # a label counts (in the map, for an aim, to end a walk) when its confidence reaches its class's threshold
        self.sure = self.confidence >= self.perception.thresholds[self.labels]
        self.map.add_frame(np.where(self.sure | (self.labels == floor), self.labels, 0), self.depth,
                           self._class_indices(self._held) if self._held else [], floor_class=floor)
        if call is not self._call:
            self._start(call)
        elif self._previous is not None:
            self._after(self._previous, success, before)
        self._steps += 1
        if self._steps > self.max_steps_per_skill:
            return PolicyStep(failed=True, reason=f"no success within {self.max_steps_per_skill} steps")
        step = self._goto() if call.skill == "GotoLocation" else self._interact()
        self._previous = step.action
        return step

    def _start(self, call: SkillCall) -> None:
        # the same GotoLocation again, straight after it ended one: where it ended did not do (a mistaken label,
        # or not near enough), so that retry does not end at those poses again
        retry = self._call is not None and self._call.skill == "GotoLocation" and _same_goal(self._call, call)
        if not retry:
            self._ended_at = set()
        elif self._end_pose:
            self._ended_at.add(self._end_pose)
        self._end_pose = None
        self._call, self._steps = call, 0
        self._sweep_at, self._looks, self._tried_goals = None, [], set()
        self._routine = self._routine_of(call)
        self._opened_pixel = None  # ((x, y), type) of the last thing it opened in this skill
        # where the skill acts: the appliance of a transform, else its last argument
        transform = transform_of_skill(call.skill)
        self._place = transform.appliance if transform else call.args[-1]
        self._repositions, self._walk_to = 0, None
        self._misses: list[tuple[int, int]] = []
        self._rejected: set[tuple[int, int]] = set()  # target cells whose goal cell showed no target

    def _after(self, action: Action, success: bool, before: np.ndarray) -> None:
        """Follow up an interaction (`before`: the depth of the frame it was aimed in, at
        this pose): on success the routine moves on; a refused one is aimed elsewhere next
        time."""
        self._just_opened = None
        if not action.is_interaction:
            return
        if action.name == "OpenObject" and success:  # what is put in it or shut again is aimed here
            self._opened_pixel = (parse_pixel_target(action.target), self._aimed_type)
        if self._call.skill == "GotoLocation":  # it opened a container to look in: done with, either way
            searched = self._searched(self._aimed_type)
            shown = self._reachable_pixels(self._class_indices(self._aimed_type))
            if success:  # (left open: shutting it again costs a step, and aims at a door that moved)
                self._just_opened = self._aimed_type
                (r, c), high = self._aimed_cell, self._aimed_high
                opened = _square(r, c, OPENED_SPAN, (high,))  # its door swung out: not to be opened again
                opened |= self._places(shown & moved_pixels(before, self.depth))  # where its door now shows
            else:  # it would not open (it is open already, or not of the kind): done with all of it in sight
                opened = self._places(shown)
                self._refused_opens += 1
            searched |= opened
            self._opened |= opened
            return
        if success:
            name, type_name = self._routine.pop(0)
            if name == "PickupObject":
                self._held = type_name
            elif name == "PutObject":
                self._held = None
            self._misses = []
            return
        x, y = parse_pixel_target(action.target)
        self._misses.append((x, y))
        name, type_name = self._routine[0]
        if name == "OpenObject" and len(self._routine) > 1 and self._routine[1][0] == "PutObject":
            self._routine.pop(0)  # it would not open: it is open already (it cannot be seen shut or open)
            self._misses = []

    # --- GotoLocation -------------------------------------------------------------------

    def _goto(self) -> PolicyStep:
        call = self._call
        targets = self._class_indices(call.args[0])
        # end the walk near the target (what is in it or on it is then in reach too), or, once
        # two cells beside it failed to show it so near or a container it opened shows it,
        # anywhere the frame shows it in reach
        near = REACH if self._just_opened is not None or len(self._tried_goals) >= 2 else CLOSE
        pose = (self.map.cell, self.map.heading)
        if pose not in self._ended_at and self._in_reach(targets, call.not_in, near,
                                                         stand_back=self._opens(call.args[0])):
            self._end_pose = pose
            return PolicyStep(done=True)
        if self._turns_left > 0:  # finish a look round
            return self._look_round()
        free = self.map.free()
        reach = distances(free, [self.map.cell])  # steps from here to every free cell
        cells = self._target_cells(targets, call.not_in, call.holding)
        goals = [g for g in self._goal_cells(cells, free, 2 if self._opens(call.args[0]) else 1) if reach[g] >= 0]
        if goals:
            return self._approach(cells, goals, None)
        step = self._explore(free, reach)
        if step is not None:
            return step
        # seen everywhere it can walk, and no target: it may be too small to show from afar,
        # or shut in something that opens. Search what may hold it, nearest first: look at a
        # surface from beside it, open a container.
        options = []  # (steps to its nearest goal cell, type, its cells, goals) per holder type
        for type_name in self._holders_for(call.args[0]):
            classes = self._class_indices(type_name)
            cells = [(r, c) for r, c in self.map.cells_of(classes)
                     if (r, c, False) not in self._searched(type_name) or (r, c, True) not in self._searched(type_name)]
            goals = [g for g in self._goal_cells(cells, free) if reach[g] >= 0]
            if goals:
                options.append((min(reach[g] for g in goals), type_name, cells, goals))
        if options and self._refused_opens < REFUSED_OPENS:
            _, type_name, cells, goals = min(options, key=lambda o: o[0])
            return self._approach(cells, goals, type_name)
        return PolicyStep(failed=True, reason=f"explored all the floor it saw and searched what could hold one, "
                                              f"and saw no {call.args[0]} within reach")

    def _approach(self, cells, goals, container: str | None) -> PolicyStep:
        """Walk to the nearest goal cell, face the nearest of `cells` and tilt through the
        horizons (the walk ends when the target shows); for a `container`, open it when
        the frame shows a part not looked into yet."""
        step = self._go_and_face(goals, cells)
        if step is not None:
            return step
        here = self.map.cell
        r, c = self._nearest_cell(cells)
        if container is not None and self._opens(container) and self._unsearched_pixels(container).any():
            return self._aim("OpenObject", container, mask=self._unsearched_pixels(container))
        step = self._sweep(here, CONTAINER_LOOKS if container is not None else GOAL_LOOKS)
        if step is not None:
            return step
        self._tried_goals.add(here)
        if container is not None:  # looked at from here at every horizon: as good as searched
            span = 1 if self._opens(container) else SURFACE_SPAN
            self._searched(container).update(_square(r, c, span, (False, True)))
        else:  # what was mapped there is not what the frame shows within reach from beside it
            self._rejected.add((r, c))
        return self._goto()

    def _searched(self, holder: str) -> set[tuple[int, int, bool]]:
        """The places of `holder` searched for this skill's target, over the episode."""
        return self._searched_for.setdefault((self._call.args[0], holder), set())

    def _unsearched_pixels(self, holder: str) -> np.ndarray:
        """Pixels of the container classes within reach of an open (the container's own
        reach, not its contents'), of places neither looked into yet nor opened before."""
        mask = self._reachable_pixels(self._class_indices(holder), reach=REACH)
        if mask.any():
            places = self._pixel_places()
            searched = self._searched(holder)
            for y, x in zip(*np.nonzero(mask)):
                if places[y][x] in searched or places[y][x] in self._opened:
                    mask[y, x] = False
        return mask

    def _pixel_places(self) -> list[list[tuple[int, int, bool]]]:
        """Each pixel's place: its point's map cell and whether it is high (a wall cabinet)."""
        height, row, col, _, _ = self.points
        r, c, high = np.rint(row).astype(int).tolist(), np.rint(col).astype(int).tolist(), (height > HIGH).tolist()
        return [list(zip(r[y], c[y], high[y])) for y in range(len(r))]

    def _places(self, mask: np.ndarray) -> set[tuple[int, int, bool]]:
        places = self._pixel_places()
        return {places[y][x] for y, x in zip(*np.nonzero(mask))}

    def _go_and_face(self, goals, cells) -> PolicyStep | None:
        """A step towards the nearest goal cell, then a turn to face the nearest of
        `cells`; None once it stands on a goal facing it."""
        if self.map.cell not in goals:
            return self._walk(goals)
        heading = heading_towards(*self.map.cell, *self._nearest_cell(cells))
        if heading != self.map.heading:
            return self._step(_turn_towards(self.map.heading, heading))
        return None

    def _nearest_cell(self, cells) -> tuple[int, int]:
        r, c = self.map.cell
        return min(cells, key=lambda rc: (rc[0] - r) ** 2 + (rc[1] - c) ** 2)

    def _explore(self, free, reach) -> PolicyStep | None:
        """Walk to the nearest frontier not yet stood on, and look round there (None when
        no frontier is left)."""
        here = self.map.cell
        frontier = [tuple(rc) for rc in np.argwhere(self.map.frontier(free) & (reach >= 0))
                    if tuple(rc) not in self._explored]
        if not frontier:
            return None
        goal = min(frontier, key=lambda rc: reach[rc])
        if goal == here:
            self._explored.add(here)
            self._turns_left = 4
            return self._look_round()
        return self._walk([goal])

    def _holders_for(self, type_name: str) -> list[str]:
        """The receptacle types that may hold an object of `type_name`."""
        names = types_named(type_name)
        return [t.name for t in OBJECT_TYPES.values() if t.receptacle and any(n in t.accepts for n in names)]

    def _other_side(self, goals, cells) -> tuple[int, int]:
        """Of the goal cells, the one seeing `cells` from the direction least like those it
        has stood at in this skill, nearest to them first among equals."""
        cr, cc = np.mean(cells, axis=0)
        tried = [np.arctan2(r - cr, c - cc) for r, c in self._tried_goals | {self.map.cell}]

        def score(g):
            angle = np.arctan2(g[0] - cr, g[1] - cc)
            apart = min(abs(np.angle(np.exp(1j * (angle - t)))) for t in tried)
            return -round(apart / (np.pi / 4)), min((g[0] - r) ** 2 + (g[1] - c) ** 2 for r, c in cells)
        return min(goals, key=score)

    def _look_round(self) -> PolicyStep:
        """The next step of a look round: at the walking horizon, the next quarter turn."""
        if self.map.horizon != WALK_HORIZON:
            return self._tilt_to(WALK_HORIZON)
        self._turns_left -= 1
        return self._step("RotateLeft")

    def _sweep(self, where, horizons) -> PolicyStep | None:
        """The next tilt of a sweep through `horizons` at `where` (a sweep starts anew when
        `where` changes); None once it has looked at each."""
        if self._sweep_at != where:
            self._sweep_at, self._looks = where, [h for h in horizons if h != self.map.horizon]
        while self._looks:
            horizon = self._looks.pop(0)
            if horizon != self.map.horizon:
                return self._tilt_to(horizon)
        return None

    def _tilt_to(self, horizon: int) -> PolicyStep:
        return self._step("LookDown" if horizon > self.map.horizon else "LookUp")

    def _walk(self, goals) -> PolicyStep:
        """One step along a shortest way over free cells to the nearest goal, with the
        camera at the walking horizon."""
        if self.map.horizon != WALK_HORIZON:
            return self._tilt_to(WALK_HORIZON)
        dist = distances(self.map.free(), goals)
        here = self.map.cell
        if dist[here] < 0:
            return PolicyStep(failed=True, reason="no seen floor leads to the target")
        if dist[here] == 0:
            return self._step("RotateLeft")
        best = None
        for heading in HEADINGS:
            dr, dc = heading_step(heading)
            nxt = (here[0] + dr, here[1] + dc)
            if dist[nxt] >= 0 and dist[nxt] < dist[here]:
                cost = 0 if heading == self.map.heading else (2 if (heading - self.map.heading) % 360 == 180 else 1)
                if best is None or cost < best[0]:
                    best = (cost, heading)
        if best[1] == self.map.heading:
            return self._step("MoveAhead")
        return self._step(_turn_towards(self.map.heading, best[1]))

    def _target_cells(self, targets, not_in, holding) -> list[tuple[int, int]]:
        cells = [rc for rc in self.map.cells_of(targets) if rc not in self._rejected]
        if not_in:
            excluded = _around(self.map.cells_of(self._class_indices(not_in)))
            cells = [rc for rc in cells if rc not in excluded]
        if holding:
            held = set(self.map.cells_of(self._class_indices(holding), least=1))
            preferred = [rc for rc in cells if rc in held]
            cells = preferred or cells
        return cells

    def _goal_cells(self, cells, free, nearest: int = 1) -> list[tuple[int, int]]:
        """Free cells from `nearest` to GOAL_CELLS cells (straight line) from any of
        `cells`, less those tried in this skill."""
        size = free.shape[0]
        goals = set()
        for r, c in cells:
            for dr in range(-GOAL_CELLS, GOAL_CELLS + 1):
                for dc in range(-GOAL_CELLS, GOAL_CELLS + 1):
                    if nearest * nearest <= dr * dr + dc * dc <= GOAL_CELLS * GOAL_CELLS:
                        g = (r + dr, c + dc)
                        if 0 <= g[0] < size and 0 <= g[1] < size and free[g]:
                            goals.add(g)
        return [g for g in goals if g not in self._tried_goals]

    def _in_reach(self, targets, not_in, near: float, stand_back: bool) -> bool:
        """Whether the frame shows the target within `near` metres: most of its pixels well
        within (depth from one image errs, least so for the bulk of an
        object), and, for a thing that opens, none nearer than STAND_BACK."""
        shown = self._reachable_pixels(targets, not_in, near)
        if not shown.any():
            return False
        distance = self.points[3][shown]
        return float(np.median(distance)) <= BULK * near and not (stand_back and distance.min() < STAND_BACK)

    def _reachable_pixels(self, targets, not_in=None, reach: float = AIM_REACH) -> np.ndarray:
        """(H, W) bool: pixels of the target classes within `reach` (and not on a cell
        where `not_in` was seen)."""
        height, row, col, distance, _ = self.points
        mask = np.isin(self.labels, targets) & (distance <= reach) & self.sure
        if not_in and mask.any():
            excluded = _around(self.map.cells_of(self._class_indices(not_in)))
            if excluded:
                r, c = np.rint(row).astype(int), np.rint(col).astype(int)
                for y, x in zip(*np.nonzero(mask)):
                    if (r[y, x], c[y, x]) in excluded:
                        mask[y, x] = False
        return mask

    # --- interactions -----------------------------------------------------------------------

    def _routine_of(self, call: SkillCall) -> list[tuple[str, str]]:
        """(action, target type) steps that carry out an interaction skill."""
        skill = SKILLS.get(call.skill)
        if skill is not None and skill.action == "PutObject" and self._opens(call.args[-1]):
            receptacle = call.args[-1]  # most are shut: open it first, and shut it after
            return [("OpenObject", receptacle), ("PutObject", receptacle), ("CloseObject", receptacle)]
        if skill is not None and skill.action is not None:
            return [(skill.action, call.args[skill.target])]
        transform = transform_of_skill(call.skill)
        if transform is None:
            return []
        appliance = transform.appliance
        opens = OBJECT_TYPES[appliance].openable
        switch = transform.switch
        steps = [("OpenObject", appliance)] if opens else []
        steps.append(("PutObject", appliance))
        steps += [("CloseObject", appliance)] if opens else []
        if switch:
            steps += [("ToggleObjectOn", switch), ("ToggleObjectOff", switch)]
        steps += [("OpenObject", appliance)] if opens else []
        steps.append(("PickupObject", call.args[0]))
        steps += [("CloseObject", appliance)] if opens else []
        return steps

    def _interact(self) -> PolicyStep:
        if not self._routine:
            return PolicyStep(done=True)
        if len(self._misses) > RETRIES:
            name, type_name = self._routine[0]
            return PolicyStep(failed=True, reason=f"{name} at a {type_name} was refused {len(self._misses)} times")
        name, type_name = self._routine[0]
        if self._walk_to:  # stepping to another cell beside it, then facing it
            step = self._go_and_face(*self._walk_to)
            if step is not None:
                return step
            self._walk_to = None
        return self._aim(name, type_name, self._call.not_in if name == "PickupObject" else None)

    def _aim(self, name: str, type_name: str, not_in: str | None = None, mask: np.ndarray | None = None) -> PolicyStep:
        """The action at the most confident pixel (away from the mask's edges) of the type
        within reach (of `mask`, when given), not near a pixel refused before; tilt to look
        for one when none."""
        if mask is None:
            mask = self._reachable_pixels(self._class_indices(type_name), not_in)
        for x, y in self._misses:
            mask[max(0, y - MISS_RADIUS):y + MISS_RADIUS + 1, max(0, x - MISS_RADIUS):x + MISS_RADIUS + 1] = False
        if not mask.any():
            return self._look_for(type_name)
        near = mask & (self.points[3] <= REACH)  # surely in reach, if any is
        if near.any():
            mask = near
        if self._opened_pixel is not None and self._opened_pixel[1] == type_name and name != "OpenObject":
            (x, y), _ = self._opened_pixel  # the one it opened, when that pixel still shows it
            if mask[y, x]:
                return self._aimed_at(name, type_name, x, y)
        scores = np.where(mask, self.confidence + _interior(mask) + _central(mask.shape), -1.0)
        y, x = np.unravel_index(int(scores.argmax()), scores.shape)
        return self._aimed_at(name, type_name, int(x), int(y))

    def _aimed_at(self, name: str, type_name: str, x: int, y: int) -> PolicyStep:
        height, row, col, _, _ = self.points
        self._aimed_cell, self._aimed_type = (int(np.rint(row[y, x])), int(np.rint(col[y, x]))), type_name
        self._aimed_high = bool(height[y, x] > HIGH)
        return self._step(name, pixel_target(x, y))

    def _look_for(self, type_name: str) -> PolicyStep:
        """Tilt the camera through the horizons (down first) while the frame shows no
        target within reach; then step to another cell beside where the target (or the
        appliance it is in) was mapped, up to REPOSITIONS times."""
        step = self._sweep(("look", type_name, self.map.cell), LOOK_ORDER)
        if step is not None:
            return step
        self._tried_goals.add(self.map.cell)
        if self._repositions < REPOSITIONS:
            # a free cell on another side of where it acts (what opens shows its inside from
            # its front alone), near it
            in_transform = transform_of_skill(self._call.skill) is not None
            place = self._place if in_transform or not self.map.cells_of(self._class_indices(type_name)) \
                else type_name
            cells = self.map.cells_of(self._class_indices(place)) if place else []
            free = self.map.free()
            reach = distances(free, [self.map.cell])
            goals = [g for g in self._goal_cells(cells, free) if reach[g] > 0]
            if goals:
                goal = self._other_side(goals, cells)
                self._repositions += 1
                self._walk_to = ([goal], cells)
                return self._walk([goal])
        return PolicyStep(failed=True, reason=f"the camera shows no {type_name} within reach")

    # --- helpers ----------------------------------------------------------------------------

    def _opens(self, name: str) -> bool:
        """Whether the type opens (its door, swung open, hides its inside from beside it)."""
        return any(OBJECT_TYPES[t].openable for t in types_named(name) if t in OBJECT_TYPES)

    def _class_indices(self, name: str) -> list[int]:
        return [self.classes[t] for t in types_named(name) if t in self.classes]

    def _step(self, name: str, target: str | None = None) -> PolicyStep:
        return PolicyStep(action=Action(name, target))


def moved_pixels(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """(H, W) bool: pixels whose depth changed by more than MOVED of it between two frames
    at one pose: what an interaction moved (a door that swung open)."""
    return np.abs(after - before) > MOVED * before


def _same_goal(a: SkillCall, b: SkillCall) -> bool:
    return a.skill == b.skill and a.args == b.args and a.not_in == b.not_in and a.holding == b.holding


def _turn_towards(heading: int, wanted: int) -> str:
    return "RotateRight" if (wanted - heading) % 360 == 90 else "RotateLeft"


def _square(row: int, col: int, span: int, highs) -> set[tuple[int, int, bool]]:
    """The places within `span` cells (either way) of a cell, at each of `highs`."""
    steps = range(-span, span + 1)
    return {(row + dr, col + dc, high) for dr in steps for dc in steps for high in highs}


def _around(cells) -> set[tuple[int, int]]:
    """The cells and their eight neighbours (what rests on a receptacle may map beside it)."""
    return {(r + dr, c + dc) for r, c in cells for dr in (-1, 0, 1) for dc in (-1, 0, 1)}


def _central(shape) -> np.ndarray:
    """0 at the frame's corners to 0.5 at its centre: of equal pixels, aim nearer the
    middle (what is put there stays in view)."""
    h, w = shape
    y, x = np.mgrid[0:h, 0:w]
    return 0.5 * (1 - np.hypot((y - (h - 1) / 2) / h, (x - (w - 1) / 2) / w) / np.sqrt(0.5))


def _interior(mask: np.ndarray) -> np.ndarray:
    """How deep inside the mask each pixel is (0 to 1): 1 where its four neighbours at
    two pixels are in the mask too, so that aims avoid edges."""
    inner = mask.astype(np.float32)
    for shift in ((2, 0), (-2, 0), (0, 2), (0, -2)):
        inner = inner + np.roll(mask, shift, axis=(0, 1))
    return inner / 5.0

