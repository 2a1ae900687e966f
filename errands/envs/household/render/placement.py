"""Placement: where each piece of a scene goes in 3D, for the first-person camera
(camera.py). The walls from the cell grid (2.5 m high, with one door drawn on a free
stretch of wall), and every fixed object's look in each state (furniture_looks.py,
appliance_looks.py, wall_looks.py), turned so that its front faces the room, standing on
what is under it. Small objects rest on their receptacle's surfaces, by their index in
its contents (place_contents); the held object is drawn in the lower right of the view
(held_fit).

Every fixed object also gets a *view box*: the axis-aligned box that holds everything it
may ever draw, in any state, and everything that may rest on or in it. The geometric
visibility rule (visibility.py) tests that box against the camera's frustum, so an
object the camera can show within reach is always one the world calls visible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..scene import FLOOR, FURNITURE, GRID_SIZE, WALL, Scene
from .appliance_looks import APPLIANCE_SIZE, appliance_look
from .furniture_looks import ALONE, CHEST_TOPS, Neighbours, unit_look
from .object_looks import small_shape, small_shape_and_bounds
from .primitives import WALL_HEIGHT, WALL_SURFACE, Builder, Frame, Prims, Surface, shade
from .wall_looks import mount_look

HALF_CELL = GRID_SIZE / 2
MOUNT_TYPES = {"Window", "Painting", "Mirror", "LightSwitch", "Blinds", "TowelHolder",
               "HandTowelHolder", "ToiletPaperHanger"}
APPLIANCE_TYPES = {"Microwave", "StoveBurner", "StoveKnob", "Sink", "SinkBasin", "Faucet",
                   "CoffeeMachine", "Toaster", "DeskLamp", "Television", "ShowerHead", "FloorLamp"}
ROOM_WALLS = {"kitchen": (236, 226, 190), "living_room": (222, 208, 186),
              "bedroom": (196, 210, 226), "bathroom": (214, 232, 230)}
DOOR, DOOR_FRAME = (132, 88, 52), (236, 232, 222)
SLOT_SIZE, MIN_SLOT_SIZE = 0.22, 0.03  # metres: the cells contents rest in
BLOCK = (176, 170, 160)  # what stands where an imported floor plan is neither floor nor listed
HELD_SIZE = 0.16  # metres: the held object is drawn at most this big, in the lower right
HELD_AHEAD, HELD_RIGHT, HELD_DOWN = 0.45, 0.14, 0.16  # metres from the eye: where the hand holds it


@dataclass
class Look:
    """One fixed object in one state: what it draws and where its contents rest."""

    prims: Prims
    surfaces: list[Surface]
    _slot_cache: dict = field(default_factory=dict, repr=False, compare=False)

    def slots(self, at_least: int = 1) -> list[tuple]:
        """Places for contents, (x0, x1, z0, z1, y0, y1): each surface cut in a grid of
        cells about 0.22 m across, finer when that gives fewer than `at_least` (no two
        contents share a place, down to cells of 3 cm), y1 the top of the room above it;
        the row at the surface's front first (what is in a cabinet is seen through its
        door)."""
        cell = SLOT_SIZE
        slots = self._slots_of(cell)
        while len(slots) < at_least and cell > MIN_SLOT_SIZE:
            cell *= 0.8
            slots = self._slots_of(cell)
        return slots

    def _slots_of(self, cell: float) -> list[tuple]:
        cache = self._slot_cache
        if cell not in cache:
            slots = cache[cell] = []
            for s in self.surfaces:
                nx = max(1, int((s.x1 - s.x0) / cell))
                nz = max(1, int((s.z1 - s.z0) / cell))
                dx, dz = (s.x1 - s.x0) / nx, (s.z1 - s.z0) / nz
                cells = [(i, j) for i in range(nz) for j in range(nx)]
                if s.front:  # rows by depth from the front
                    depth = {"-z": lambda i, j: i, "+z": lambda i, j: -i, "-x": lambda i, j: j,
                             "+x": lambda i, j: -j}[s.front]
                    cells.sort(key=lambda ij: depth(*ij))
                for i, j in cells:
                    x0, z0 = s.x0 + dx * j, s.z0 + dz * i
                    slots.append((x0, x0 + dx, z0, z0 + dz, s.y, s.y + s.height))
        return cache[cell]


class SceneGeometry:
    """The static geometry of a scene, computed once and shared by all its episodes:
    walls and door, each fixed object's look in its four states (open x on), its view
    box, and the floor and wall styles of the room. A rectangular room's walls are kept
    as its inner faces (`shell`: x0, x1, z0, z1), which the camera hits analytically."""

    def __init__(self, scene: Scene):
        self.scene = scene
        self.shell = _rectangular_shell(scene)
        self.structure = _structure(scene, walls=self.shell is None)
        self.wall_colour = ROOM_WALLS.get(scene.room_type, ROOM_WALLS["living_room"])
        self.layers: dict = {}  # the camera's static layers, by the fixed objects' states
        fronts = [_front(scene, spec) for spec in scene.fixed]
        tops = _unit_tops(scene, fronts)
        self.looks: list[list[Look]] = []
        bounded: list[list[Look]] = []  # the looks each view box holds
        for i, spec in enumerate(scene.fixed):
            # Only the states a type can show get their own look; the others share it.
            t = spec.object_type
            shown = (1 if t.openable else 0) | (2 if t.toggleable or spec.type == "StoveBurner" else 0)
            states = [s for s in range(4) if s & ~shown == 0]
            around = _neighbours(scene, spec, _unit_frame(scene, spec, fronts[i])) \
                if _kind(scene, spec) == "unit" and spec.footprint else ALONE
            own = {s: _look(scene, spec, fronts[i], tops, bool(s & 1), bool(s & 2), around) for s in states}
            self.looks.append([own[s & shown] for s in range(4)])
            # The view box also holds what the object would draw alone: its neighbours
            # only cut or split its look, and the geometric world must not move with them.
            alone = [] if around == ALONE else [_look(scene, spec, fronts[i], tops, bool(s & 1), bool(s & 2))
                                                for s in states]
            bounded.append(list(own.values()) + alone)
        lo = np.zeros((len(scene.fixed), 3))
        hi = np.zeros((len(scene.fixed), 3))
        for i, looks in enumerate(bounded):
            parts_lo, parts_hi = [], []
            for look in looks:
                if len(look.prims):
                    a, b = look.prims.bounds()
                    parts_lo.append(a)
                    parts_hi.append(b)
                for s in look.surfaces:
                    parts_lo.append(np.array([s.x0, s.y, s.z0]))
                    parts_hi.append(np.array([s.x1, s.y + s.height, s.z1]))
            if not parts_lo:  # should not happen: every type draws something
                x, y, z = scene.fixed[i].position
                parts_lo, parts_hi = [np.array([x, y, z])], [np.array([x, y, z])]
            lo[i] = np.min(parts_lo, axis=0)
            hi[i] = np.max(parts_hi, axis=0)
        self.view_lo, self.view_hi = lo, hi


def scene_geometry(scene: Scene) -> SceneGeometry:
    """The scene's geometry, computed on first use and shared by the scene's copies."""
    cache = scene.geometry_cache
    if "placement" not in cache:
        cache["placement"] = SceneGeometry(scene)
    return cache["placement"]


# Metres from the front an imported (ALFRED) unit of these types reaches back at most: its
# cells are the unlisted ones around its centre, often as deep as the gap to the wall.
IMPORTED_DEPTH = {"Shelf": 0.4, "Cabinet": 0.6, "Drawer": 0.6}
# Metres an imported unit's front stands back from the edge of its cells: with it, a front
# by the walkable floor is at least 0.175 m from the nearest walkable position, the radius
# of the agent's body in AI2-THOR (a position nearer to furniture is not walkable there).
IMPORTED_SETBACK = 0.05
# Cells of furniture before an imported drawer's front that its open tray pulls out past, at most.
MAX_AHEAD_CELLS = 2
# Rows of furniture before an imported cabinet's or drawer's front past which it cannot
# face the room (a metre: a counter and its edge, under a wall cabinet).
FRONT_REACH_CELLS = 4


def _unit_frame(scene: Scene, spec, front: str) -> Frame:
    """A unit's footprint box turned to face the room; an imported cabinet or drawer
    built into a counter that faces the same way brought forward to the counter's front,
    an imported cabinet or drawer kept to its side of the others of its type beside it
    (_beside_others), an imported unit's front set back by IMPORTED_SETBACK, and an
    imported shelf, cabinet or drawer no deeper than IMPORTED_DEPTH from its front (its
    back cut off)."""
    x0, x1, z0, z1 = _cell_box(scene, spec.footprint)
    imported = spec.id in scene.recorded_poses
    if imported and spec.type in ("Cabinet", "Drawer"):
        cells = set(spec.footprint)
        for counter in scene.fixed:
            if counter.type == "CounterTop" and cells & set(counter.footprint) and _front(scene, counter) == front:
                cx0, cx1, cz0, cz1 = _cell_box(scene, counter.footprint)
                x0, x1, z0, z1 = {"-z": (x0, x1, min(z0, cz0), z1), "+z": (x0, x1, z0, max(z1, cz1)),
                                  "-x": (min(x0, cx0), x1, z0, z1), "+x": (x0, max(x1, cx1), z0, z1)}[front]
                break
        x0, x1, z0, z1 = _beside_others(scene, spec, front, (x0, x1, z0, z1))
    if imported:  # AI2-THOR's walkable grid keeps the agent's body (0.175 m) clear of furniture
        setback = min(IMPORTED_SETBACK, ((x1 - x0) if front in ("-x", "+x") else (z1 - z0)) / 2)
        x0, x1, z0, z1 = {"-z": (x0, x1, z0 + setback, z1), "+z": (x0, x1, z0, z1 - setback),
                          "-x": (x0 + setback, x1, z0, z1), "+x": (x0, x1 - setback, z0, z1)}[front]
    depth = IMPORTED_DEPTH.get(spec.type) if imported else None
    if depth is not None:
        if front == "-z":
            z1 = min(z1, z0 + depth)
        elif front == "+z":
            z0 = max(z0, z1 - depth)
        elif front == "-x":
            x1 = min(x1, x0 + depth)
        else:
            x0 = max(x0, x1 - depth)
    return Frame(x0, x1, z0, z1, front)


# Metres: imported units of one type closer than this in height stand side by side (a wall
# cabinet above a base one does not); farther apart than SIDE_BY_SIDE along the front.
SAME_LEVEL, SIDE_BY_SIDE = 0.5, 0.1


def _beside_others(scene: Scene, spec, front: str, box: tuple) -> tuple[float, float, float, float]:
    """An imported cabinet's or drawer's box (x0, x1, z0, z1) cut, along its front, at the
    midpoint to each other imported one of its type at its level whose cells overlap
    its own (the cells of ALFRED's units side by side, rounded to the grid, share a
    column): each keeps to its own side, so that neither's carcass stands in the other."""
    x0, x1, z0, z1 = box
    along_x = front in ("-z", "+z")
    cells = set(spec.footprint)
    mine = spec.position[0] if along_x else spec.position[2]
    for other in scene.fixed:
        if other is spec or other.type != spec.type or other.id not in scene.recorded_poses \
                or abs(other.position[1] - spec.position[1]) >= SAME_LEVEL or not cells & set(other.footprint):
            continue
        theirs = other.position[0] if along_x else other.position[2]
        if abs(theirs - mine) <= SIDE_BY_SIDE:
            continue
        cut = (mine + theirs) / 2
        if along_x:
            x0, x1 = (max(x0, cut), x1) if theirs < mine else (x0, min(x1, cut))
        else:
            z0, z1 = (max(z0, cut), z1) if theirs < mine else (z0, min(z1, cut))
    return x0, x1, z0, z1


def _cell_box(scene: Scene, cells) -> tuple[float, float, float, float]:
    rows = [r for r, _ in cells]
    cols = [c for _, c in cells]
    ox, oz = scene.origin
    return (ox + min(cols) * GRID_SIZE - HALF_CELL, ox + max(cols) * GRID_SIZE + HALF_CELL,
            oz + min(rows) * GRID_SIZE - HALF_CELL, oz + max(rows) * GRID_SIZE + HALF_CELL)


def _front(scene: Scene, spec) -> str:
    """The side a fixed object turns to the room: towards its recorded interaction pose
    (ALFRED), else the side of its footprint with the most floor in front. An imported
    cabinet or drawer does not face furniture that runs on (inside a counter, towards a
    pose along the counter): of the sides towards its pose, the first with the room
    within reach of its front (_faces_room)."""
    cells = spec.footprint or [scene.xz_cell(spec.position[0], spec.position[2])]
    recorded = scene.recorded_poses.get(spec.id)
    rows = [r for r, _ in cells]
    cols = [c for _, c in cells]
    if recorded:
        pr, pc = recorded[0].row, recorded[0].col
        dr, dc = pr - (min(rows) + max(rows)) / 2, pc - (min(cols) + max(cols)) / 2
        towards = [("+z" if dr > 0 else "-z", abs(dr)), ("+x" if dc > 0 else "-x", abs(dc))]
        if abs(dr) < abs(dc):
            towards.reverse()
        if spec.type in ("Cabinet", "Drawer") and spec.footprint:
            for side, _ in towards:
                if _faces_room(scene, spec.footprint, side):
                    return side
        return towards[0][0]
    sides = {side: _line_before(cells, side, 1) for side in ("-z", "+z", "-x", "+x")}
    best, best_n = "-z", -1
    for side, neighbours in sides.items():
        n = sum(scene.is_floor(r, c) for r, c in neighbours)
        if n > best_n:
            best, best_n = side, n
    return best


def _faces_room(scene: Scene, footprint, side: str) -> bool:
    """Whether a walkable cell lies before the `side` of the footprint within
    FRONT_REACH_CELLS rows: a unit's front there opens into the room (past the edge of
    its counter, or under a wall cabinet the counter below it)."""
    return any(scene.is_floor(r, c) for k in range(1, FRONT_REACH_CELLS + 1)
               for r, c in _line_before(footprint, side, k))


def _line_before(cells, side: str, k: int) -> list[tuple[int, int]]:
    """The cells in the k-th row (or column) before the `side` of the cells' bounding
    box, along its whole width."""
    rows = [r for r, _ in cells]
    cols = [c for _, c in cells]
    r0, r1, c0, c1 = min(rows), max(rows), min(cols), max(cols)
    return {"-z": [(r0 - k, c) for c in range(c0, c1 + 1)], "+z": [(r1 + k, c) for c in range(c0, c1 + 1)],
            "-x": [(r, c0 - k) for r in range(r0, r1 + 1)], "+x": [(r, c1 + k) for r in range(r0, r1 + 1)]}[side]


def _ismount_look(scene: Scene, spec) -> bool:
    if spec.type not in MOUNT_TYPES or not spec.footprint:
        return False
    rows, cols = scene.cells.shape
    r, c = spec.footprint[0]
    return 0 <= r < rows and 0 <= c < cols and scene.cells[r, c] == WALL


def _kind(scene: Scene, spec) -> str:
    if _ismount_look(scene, spec):
        return "mount"
    if spec.type in APPLIANCE_TYPES or spec.type in MOUNT_TYPES:
        return "appliance"
    return "unit"


def _unit_tops(scene: Scene, fronts: list[str]) -> list[tuple[tuple, float]]:
    """(footprint box, top height) of every unit's highest surface up to 1 m, so that
    appliances can stand on what is under them."""
    out = []
    for spec, front in zip(scene.fixed, fronts):
        if _kind(scene, spec) != "unit" or spec.type in ("Cabinet", "Drawer", "Shelf"):
            continue
        box = _cell_box(scene, spec.footprint) if spec.footprint else None
        if box is None:
            continue
        surfaces: list[Surface] = []
        unit_look(Builder(), spec, Frame(*box, front), False, False, surfaces, [])
        if spec.type == "CounterTop":
            surfaces = [Surface(*box, 0.9)]
        heights = [s.y for s in surfaces if s.y <= 1.0]
        if heights:
            out.append((box, max(heights)))
    return out


def _support(tops, x: float, z: float, fallback: float) -> float:
    best = None
    for (x0, x1, z0, z1), top in tops:
        if x0 - 1e-6 <= x <= x1 + 1e-6 and z0 - 1e-6 <= z <= z1 + 1e-6:
            best = top if best is None else max(best, top)
    return fallback if best is None else best


def _look(scene: Scene, spec, front: str, tops, is_open: bool, is_on: bool, around: Neighbours = ALONE) -> Look:
    """A fixed object's look in one state, given the furniture sharing its place."""
    b = Builder()
    surfaces: list[Surface] = []
    kind = _kind(scene, spec)
    x, y, z = spec.position
    if kind == "mount":
        # The wall cell's front face is the wall's face towards the room (v = 0).
        mount_look(b, spec, Frame(*_cell_box(scene, spec.footprint), front), is_open, is_on, surfaces)
    elif kind == "appliance":
        x, z = drawn_xz(scene, spec)
        f = Frame(*_appliance_box(spec, front, (x, z)), front)
        if spec.type == "StoveKnob":  # on the counter's front face, below the worktop
            f = _knob_frame(scene, spec, front, tops)
        if spec.type == "FloorLamp":
            base = 0.0
        elif spec.type == "ShowerHead":
            base = y - 0.3
        else:
            base = _support(tops, x, z, max(0.0, y - 0.15))
            if spec.id in scene.recorded_poses and y - base > 0.5:  # ALFRED: stands higher up
                base = y - 0.15
        appliance_look(b, spec, f, base, is_open, is_on, surfaces)
    else:
        f = _unit_frame(scene, spec, front)
        occupied = _free_counter_surfaces(scene, spec, f) if spec.type == "CounterTop" else []
        unit_look(b, spec, f, is_open, is_on, surfaces, occupied, around)
        if spec.type == "Shelf" and spec.id in scene.recorded_poses:
            # ALFRED's shelf is the board at its height: what rests on it goes there first
            surfaces.sort(key=lambda s: abs(s.y - y))
    return Look(b.prims(), surfaces)


def _neighbours(scene: Scene, spec, f: Frame) -> Neighbours:
    """What a unit's look takes from the furniture sharing its place: the cabinets and
    drawers built into a counter, the other shelves ALFRED records at a shelf's place
    (or on its cells),
    the other of two cabinets ALFRED records at one place, the shelves ALFRED records
    inside a dresser or TV stand."""
    if spec.type == "CounterTop":
        return Neighbours(openings=tuple(_counter_openings(scene, spec, f)))
    if spec.type == "Drawer" and spec.id in scene.recorded_poses:
        ahead = _furniture_ahead(scene, spec, f)
        return Neighbours(ahead=ahead) if ahead > 0 else ALONE
    if spec.type in CHEST_TOPS and spec.id in scene.recorded_poses:
        cells = set(spec.footprint)
        inside = any(o.type == "Shelf" and o.id in scene.recorded_poses and cells & set(o.footprint)
                     and o.position[1] < CHEST_TOPS[spec.type] for o in scene.fixed)
        return Neighbours(shelved=True) if inside else ALONE
    if spec.type not in ("Shelf", "Cabinet"):
        return ALONE
    same_type = [o for o in scene.fixed if o is not spec and o.type == spec.type]
    near = np.isclose([o.position[::2] for o in same_type], spec.position[::2], atol=0.05).all(axis=1) \
        if same_type else []
    same_place = [o for o, is_near in zip(same_type, near) if is_near]
    if spec.type == "Shelf" and (same_place or _shares_cells(scene, spec, same_type)):
        return Neighbours(stacked=True)
    twins = [o for o in same_place if abs(o.position[1] - spec.position[1]) < 0.05]
    if spec.type == "Cabinet" and len(twins) == 1:
        mine, theirs = ((f.u_at(o.position[0], o.position[2]), scene.fixed_index[o.id]) for o in (spec, twins[0]))
        return Neighbours(half="left" if mine < theirs else "right")
    return ALONE


def _shares_cells(scene: Scene, spec, others) -> bool:
    """Whether an imported unit's cells overlap those of one of `others` (ALFRED's shelves
    of one piece of furniture, at different places: each is a board of it)."""
    if spec.id not in scene.recorded_poses:
        return False
    cells = set(spec.footprint)
    return any(cells & set(o.footprint) for o in others if o.id in scene.recorded_poses)


def _furniture_ahead(scene: Scene, spec, f: Frame) -> float:
    """How far the rows of furniture cells right before a unit's front (its whole width,
    at most MAX_AHEAD_CELLS deep, with none right after them) reach out past its front: an imported drawer that the
    reconstruction set behind its counter's or dresser's edge (its cells inside, the
    edge's cells before it) pulls out past them, as AI2-THOR's drawers do at that edge."""
    n_rows, n_cols = scene.cells.shape
    last = None
    for k in range(1, MAX_AHEAD_CELLS + 2):
        line = _line_before(spec.footprint, f.front, k)
        if not all(0 <= r < n_rows and 0 <= c < n_cols and scene.cells[r, c] == FURNITURE for r, c in line):
            break
        if k > MAX_AHEAD_CELLS:  # the furniture runs on: no edge near this front to pull out past
            return 0.0
        last = line
    if last is None:
        return 0.0
    x0, x1, z0, z1 = _cell_box(scene, last)
    edge = {"-z": (x0, z0), "+z": (x0, z1), "-x": (x0, z0), "+x": (x1, z0)}[f.front]
    return max(0.0, -f.v_at(*edge))


def _appliance_box(spec, front: str, at: tuple[float, float]) -> tuple[float, float, float, float]:
    """(x0, x1, z0, z1) of the box an appliance's look stands in, facing `front`, centred
    `at` (drawn_xz; a knob's is on its counter's face instead: _knob_frame)."""
    x, z = at
    w, d = APPLIANCE_SIZE.get(spec.type, (0.25, 0.25))
    hx, hz = (w / 2, d / 2) if front in ("-z", "+z") else (d / 2, w / 2)
    return x - hx, x + hx, z - hz, z + hz


# What an imported floor plan stands at its counter's centre (its files give no place):
# each is drawn on a cell of its own along the counter's front.
SPREAD_ON_COUNTER = ("StoveBurner", "CoffeeMachine", "Toaster")


def drawn_xz(scene: Scene, spec) -> tuple[float, float]:
    """Where an appliance is drawn: at its position, but the burners, coffee machine and
    toaster an imported floor plan puts at its counter's centre (alfred_floorplans'
    hosted fixtures, which share the counter's cells) each on a cell of the counter's
    front row of its own, nearest the centre first, off the cells of appliances with
    cells of their own; a knob under its burner."""
    cache = scene.geometry_cache
    if "drawn_xz" not in cache:
        cache["drawn_xz"] = _spread_on_counters(scene)
    spots = cache["drawn_xz"]
    if spec.id in spots:
        return spots[spec.id]
    if spec.type == "StoveKnob" and spec.controls in spots:
        return spots[spec.controls]
    return spec.position[0], spec.position[2]


def _spread_on_counters(scene: Scene) -> dict[str, tuple[float, float]]:
    spots: dict[str, tuple[float, float]] = {}
    counters = [o for o in scene.fixed if o.type == "CounterTop" and o.id in scene.recorded_poses
                and len(o.footprint) > 1]
    if not counters:
        return spots
    shared = {frozenset(o.footprint) for o in counters}
    own = {cell for o in scene.fixed if o.type in APPLIANCE_TYPES and o.footprint
           and frozenset(o.footprint) not in shared for cell in o.footprint}
    for counter in counters:
        guests = [o for o in scene.fixed if o.type in SPREAD_ON_COUNTER and set(o.footprint) == set(counter.footprint)]
        if not guests:
            continue
        f = _unit_frame(scene, counter, _front(scene, counter))
        cx, cz = counter.position[0], counter.position[2]
        centre_u = f.u_at(cx, cz)
        cells = []
        for cell in counter.footprint:
            if cell in own:
                continue
            x, z = scene.cell_xz(*cell)
            cells.append((round(f.v_at(x, z) / GRID_SIZE), abs(f.u_at(x, z) - centre_u), cell, (x, z)))
        cells.sort()
        for guest, (_, _, _, xz) in zip(guests, cells):
            spots[guest.id] = xz
    return spots


def _knob_frame(scene: Scene, spec, front: str, tops) -> Frame:
    """A knob sits on the front face of the counter under its burner."""
    x, z = drawn_xz(scene, spec)
    counter = None
    for (x0, x1, z0, z1), _top in tops:
        if x0 <= x <= x1 and z0 <= z <= z1:
            counter = (x0, x1, z0, z1)
    if counter is None:
        return Frame(x - 0.12, x + 0.12, z - 0.12, z + 0.12, front)
    x0, x1, z0, z1 = counter
    if front == "-z":
        return Frame(x - 0.12, x + 0.12, z0, z0 + 0.24, front)
    if front == "+z":
        return Frame(x - 0.12, x + 0.12, z1 - 0.24, z1, front)
    if front == "-x":
        return Frame(x0, x0 + 0.24, z - 0.12, z + 0.12, front)
    return Frame(x1 - 0.24, x1, z - 0.12, z + 0.12, front)


def _counter_openings(scene: Scene, spec, f: Frame) -> list[tuple[float, ...]]:
    """(u0, u1, y0, y1, v0, v1) in the counter's frame of each cabinet and drawer built
    into it: the span along the front of the cells it shares with the counter, their
    depth, the heights its closed look takes; and where an imported counter reaches in
    front of them, a recess of the carcass's full height from the counter's front to them."""
    cells = set(spec.footprint)
    out = []
    for other in scene.fixed:
        shared = [c for c in other.footprint or () if c in cells]
        if other.type not in ("Cabinet", "Drawer") or not shared:
            continue
        b = Builder()
        unit_look(b, other, Frame(*_cell_box(scene, other.footprint), f.front), False, False, [], [])
        lo, hi = b.prims().bounds()
        x0, x1, z0, z1 = _cell_box(scene, shared)
        u0, u1 = sorted((f.u_at(x0, z0), f.u_at(x1, z1)))
        own = _unit_frame(scene, other, _front(scene, other))  # brought forward, or not
        v0, v1 = sorted((f.v_at(own.x0, own.z0), f.v_at(own.x1, own.z1)))
        v0, v1 = max(v0, 0.0), min(max(v1, f.v_at(x0, z0), f.v_at(x1, z1)), f.depth)
        if v0 > 0.05:
            out.append((u0, u1, 0.0, 2.0, 0.0, v0))
        out.append((u0, u1, float(lo[1]), float(hi[1]), v0, v1))
    for x0, x1, z0, z1 in _side_notches(scene, spec, f):
        u0, u1 = sorted((f.u_at(x0, z0), f.u_at(x1, z1)))
        v0, v1 = sorted((f.v_at(x0, z0), f.v_at(x1, z1)))
        out.append((max(u0, 0.0), min(u1, f.width), 0.0, 2.0, max(v0, 0.0), min(v1, f.depth)))
    return out


def _side_notches(scene: Scene, spec, f: Frame) -> list[tuple[float, float, float, float]]:
    """(x0, x1, z0, z1) of the notches an imported counter has from its edge to the front
    of each cabinet and drawer built into it that faces another way than the counter (at
    its end, or round a corner): as deep as the counter reaches past that front, as wide
    as the unit, cut to the floor, so that the unit's front shows from its pose."""
    if spec.id not in scene.recorded_poses:
        return []
    cells = set(spec.footprint)
    out = []
    for other in scene.fixed:
        if other.type not in ("Cabinet", "Drawer") or not cells & set(other.footprint or ()):
            continue
        front = _front(scene, other)
        if front == f.front:
            continue
        own = _unit_frame(scene, other, front)
        rect = {"-x": (f.x0, own.x0, own.z0, own.z1), "+x": (own.x1, f.x1, own.z0, own.z1),
                "-z": (own.x0, own.x1, f.z0, own.z0), "+z": (own.x0, own.x1, own.z1, f.z1)}[front]
        if rect[1] - rect[0] > 0.02 and rect[3] - rect[2] > 0.02:
            out.append(rect)
    return out


def _free_counter_surfaces(scene: Scene, spec, f: Frame) -> list[Surface]:
    """The worktop where nothing stands: one surface per run of cells free of appliances
    (on an imported counter, also free of any appliance drawn over them: ALFRED's
    microwave, burners and coffee machine stand where its files say, not on a cell)."""
    taken = set()
    imported = spec.id in scene.recorded_poses
    for other in scene.fixed:
        if other is spec or other.type not in APPLIANCE_TYPES or not other.footprint:
            continue
        if len(other.footprint) == 1:
            taken.add(other.footprint[0])
        elif imported and other.type != "StoveKnob":
            ax0, ax1, az0, az1 = _appliance_box(other, _front(scene, other), drawn_xz(scene, other))
            for cell in spec.footprint:
                x0, x1, z0, z1 = _cell_box(scene, [cell])
                if ax0 < x1 and x0 < ax1 and az0 < z1 and z0 < az1:
                    taken.add(cell)
    for x0, x1, z0, z1 in _side_notches(scene, spec, f):  # no worktop there
        taken.update(c for c in spec.footprint
                     if x0 <= scene.cell_xz(*c)[0] <= x1 and z0 <= scene.cell_xz(*c)[1] <= z1)
    free = [c for c in spec.footprint if c not in taken] or list(spec.footprint)
    out = []
    for cell in free:
        x0, x1, z0, z1 = _cell_box(scene, [cell])
        out.append(Surface(x0 + 0.01, x1 - 0.01, z0 + 0.01, z1 - 0.01, 0.9))
    return out


# --- walls and the door ------------------------------------------------------------------

def wall_mask(scene: Scene) -> np.ndarray:
    """The cells the camera draws as walls: the wall cells but the scene's clearance."""
    wall = scene.cells == WALL
    return wall & ~scene.clearance if scene.clearance is not None else wall


def _rectangular_shell(scene: Scene) -> tuple[float, float, float, float] | None:
    """The inner faces of the walls when the room is a rectangle ringed by wall cells."""
    inside = np.argwhere(~wall_mask(scene))
    if not len(inside):
        return None
    r0, c0 = inside.min(axis=0)
    r1, c1 = inside.max(axis=0)
    if len(inside) != (r1 - r0 + 1) * (c1 - c0 + 1) or r0 < 1 or c0 < 1 \
            or r1 > scene.cells.shape[0] - 2 or c1 > scene.cells.shape[1] - 2:
        return None
    ox, oz = scene.origin
    return (ox + c0 * GRID_SIZE - HALF_CELL, ox + c1 * GRID_SIZE + HALF_CELL,
            oz + r0 * GRID_SIZE - HALF_CELL, oz + r1 * GRID_SIZE + HALF_CELL)


def _structure(scene: Scene, walls: bool = True) -> Prims:
    """Walls (unless the camera draws them as a shell): every wall cell next to the room,
    merged into long boxes, full height where the wall reaches the plan's border, and
    as a waist-high block where it stands alone in the room (an ALFRED floor plan's
    cells that are neither walkable nor a receptacle: furniture it does not list); and
    a door."""
    cells = scene.cells
    rows, cols = cells.shape
    wall = wall_mask(scene)
    inside = ~wall
    near = np.zeros_like(inside)
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            shifted = np.zeros_like(inside)
            shifted[max(0, dr):rows + min(0, dr), max(0, dc):cols + min(0, dc)] = \
                inside[max(0, -dr):rows + min(0, -dr), max(0, -dc):cols + min(0, -dc)]
            near |= shifted
    boundary = wall & near
    outer = _wall_reaching_border(wall)
    b = Builder()
    ox, oz = scene.origin
    colour = ROOM_WALLS.get(scene.room_type, ROOM_WALLS["living_room"])
    for mask, height, tone in ((boundary & outer, WALL_HEIGHT, colour), (boundary & ~outer, 0.9, BLOCK)):
        for r0, r1, c0, c1 in _merge_rectangles(mask) if walls else ():
            b.box(ox + c0 * GRID_SIZE - HALF_CELL, ox + c1 * GRID_SIZE + HALF_CELL, 0.0, height,
                  oz + r0 * GRID_SIZE - HALF_CELL, oz + r1 * GRID_SIZE + HALF_CELL, tone, WALL_SURFACE)
    _door(scene, b)
    return b.prims()


def _wall_reaching_border(wall: np.ndarray) -> np.ndarray:
    """Wall cells (a mask) connected to the edge of the plan through wall cells."""
    rows, cols = wall.shape
    reached = np.zeros_like(wall)
    stack = [(r, c) for r in range(rows) for c in (0, cols - 1)] + [(r, c) for r in (0, rows - 1) for c in range(cols)]
    while stack:
        r, c = stack.pop()
        if 0 <= r < rows and 0 <= c < cols and wall[r, c] and not reached[r, c]:
            reached[r, c] = True
            stack.extend(((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)))
    return reached


def _merge_rectangles(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Cover the True cells with rectangles (r0, r1, c0, c1), inclusive: runs along rows,
    then identical runs on consecutive rows merged."""
    runs: dict[tuple[int, int], int] = {}
    out = []
    for r in range(mask.shape[0]):
        row_runs = []
        c = 0
        while c < mask.shape[1]:
            if mask[r, c]:
                start = c
                while c + 1 < mask.shape[1] and mask[r, c + 1]:
                    c += 1
                row_runs.append((start, c))
            c += 1
        new_runs = {}
        for run in row_runs:
            new_runs[run] = runs.pop(run, r)
        for (c0, c1), r0 in runs.items():
            out.append((r0, r - 1, c0, c1))
        runs = new_runs
    for (c0, c1), r0 in runs.items():
        out.append((r0, mask.shape[0] - 1, c0, c1))
    return out


def _door(scene: Scene, b: Builder) -> None:
    """A door drawn on the first stretch of four wall cells (in a fixed order) with free
    floor in front and nothing mounted on it. It is part of the wall: it does not open."""
    cells = scene.cells
    rows, cols = cells.shape
    mounted = {spec.footprint[0] for spec in scene.fixed if spec.footprint and _ismount_look(scene, spec)}

    # A cell (r, c) starts a run if it and the three next cells along the wall are wall
    # cells, free of mounts, with two floor cells in front of each.
    wall = wall_mask(scene)
    for r, c in mounted:
        wall[r, c] = False
    floor = np.pad(cells == FLOOR, 2)  # padded so that shifted look-ups stay in bounds
    candidates = []
    for dr, dc, front in ((1, 0, "+z"), (-1, 0, "-z"), (0, 1, "+x"), (0, -1, "-x")):
        ok = wall & floor[2 + dr:2 + dr + rows, 2 + dc:2 + dc + cols] \
            & floor[2 + 2 * dr:2 + 2 * dr + rows, 2 + 2 * dc:2 + 2 * dc + cols]
        along = (0, 1) if dr else (1, 0)
        okp = np.pad(ok, ((0, 3), (0, 3)))
        start = ok.copy()
        for k in range(1, 4):
            start &= okp[along[0] * k:along[0] * k + rows, along[1] * k:along[1] * k + cols]
        for r, c in zip(*np.nonzero(start)):
            candidates.append(((int(r), int(c)), [(int(r) + along[0] * k, int(c) + along[1] * k) for k in range(4)], front))
    candidates = [(run, front) for _, run, front in sorted(candidates)]
    if not candidates:
        return
    run, front = candidates[len(candidates) // 2]
    f = Frame(*_cell_box(scene, run), front)  # v = 0 on the wall's face, v < 0 in the room
    w = f.width
    f.box(b, 0.02, w - 0.02, -0.03, 0.0, 0.0, 2.15, DOOR_FRAME)
    f.box(b, 0.08, w - 0.08, -0.05, -0.03, 0.0, 2.08, DOOR)
    for y0, y1 in ((1.2, 1.9), (0.2, 1.0)):
        f.box(b, 0.18, w - 0.18, -0.06, -0.05, y0, y1, shade(DOOR, 1.12))
    f.sphere(b, w - 0.18, -0.09, 1.0, 0.035, (210, 180, 90))


# --- what rests on the furniture, and the held object ------------------------------------
# These read a world (world.py's World) and never import it: the world's visibility rule
# builds on this module's view boxes.

def fixed_states(world) -> bytes:
    """The fixed objects' states, a byte each (1 open, 2 on), in scene order: the key of
    their looks."""
    return bytes((1 if o.is_open else 0) | (2 if o.is_on else 0)
                 for o in (world.objects[spec.id] for spec in world.scene.fixed))


def placed_items(world, geometry, states: bytes) -> list[tuple[Prims, str]]:
    """The shapes, with their ids, of what rests on or in the fixed objects the camera
    can see into (closed receptacles hide theirs), placed in their looks' slots."""
    out = []
    for spec, looks, state in zip(world.scene.fixed, geometry.looks, states):
        obj = world.objects[spec.id]
        if obj.contents and not (obj.type.openable and not obj.is_open):
            out.extend(place_contents(world, obj, looks[state].slots(len(obj.contents))))
    return out


def place_contents(world, obj, slots: list[tuple]) -> list[tuple[Prims, str]]:
    """The shapes of what rests on or in `obj`, its contents' contents included: the
    k-th content takes the k-th slot of its receptacle's surfaces (Look.slots, which
    gives as many as there are contents where it can), wrapping around when there are
    more contents than slots, scaled down to fit its slot and the
    room above it, so that nothing pokes out of the receptacle's view box."""
    if not slots:
        return []
    out = []
    for k, child_id in enumerate(obj.contents):
        out.extend(place_object(world, child_id, slots[k % len(slots)]))
    return out


def place_object(world, object_id: str, slot) -> list[tuple[Prims, str]]:
    obj = world.objects[object_id]
    placed = placed_shape(obj.type.name, obj.is_open, obj.is_on, slot)
    out = [(placed, object_id)]
    if obj.contents:
        plo, phi = placed.bounds()
        y1 = slot[5]
        inner = (float(plo[0]), float(phi[0]), float(plo[2]), float(phi[2]), min(float(phi[1]), y1), y1)
        for child_id in obj.contents:  # stacked in the same spot, on top
            out.extend(place_object(world, child_id, inner))
    return out


@lru_cache(maxsize=8192)
def placed_shape(type_name: str, is_open: bool, is_on: bool, slot: tuple) -> Prims:
    """A small object's shape in a slot: centred on it, standing on its floor, scaled
    down to fit. Shared: do not modify the arrays."""
    x0, x1, z0, z1, y0, y1 = slot
    shape, lo, hi = small_shape_and_bounds(type_name, is_open, is_on)
    size = hi - lo
    scale = min(1.0, (x1 - x0) / max(size[0], 1e-6), (z1 - z0) / max(size[2], 1e-6),
                (y1 - y0) / max(size[1], 1e-6))
    centre = np.array([(x0 + x1) / 2, y0, (z0 + z1) / 2])
    anchor = np.array([(lo[0] + hi[0]) / 2, lo[1], (lo[2] + hi[2]) / 2])
    return shape.moved(centre - anchor, scale, anchor)


def held_fit(world) -> tuple[Prims, np.ndarray] | None:
    """The held object's shape in its own coordinates and how it fits the hand: (scale,
    anchor x, y, z). The camera draws it at (lo - anchor) * scale + centre, the centre
    HELD_AHEAD ahead of the eye, HELD_RIGHT to its right and HELD_DOWN below it, so that
    it is at most HELD_SIZE across, in the lower right of the view (kernel.py)."""
    if world.held is None:
        return None
    obj = world.objects[world.held]
    shape = small_shape(obj.type.name, obj.is_open, obj.is_on)
    lo, hi = shape.bounds()
    scale = min(1.0, HELD_SIZE / max(1e-6, float((hi - lo).max())))
    return shape, np.array([scale, (lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2])
