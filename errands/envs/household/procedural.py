"""Procedural floor plans: kitchens, living rooms, bedrooms and bathrooms furnished the way
those rooms are, from a seed. ALFRED's scene ids (1-30, 201-230, 301-330, 401-430) map to
fixed seeds, so the same id gives the same scene on every machine; any other seed gives
a new scene. Every scene is validated before it is returned.
"""

from __future__ import annotations

import numpy as np

from .object_types import OBJECT_TYPES, ROOM_TYPES
from .scene import FLOOR, FURNITURE, GRID_SIZE, WALL, ObjectSpec, Pose, Scene, SceneError, object_id
from .visibility import validate_scene

ALFRED_RANGES = {"kitchen": range(1, 31), "living_room": range(201, 231),
                 "bedroom": range(301, 331), "bathroom": range(401, 431)}
# ALFRED holds these floor plans out of training (valid_unseen and tests_unseen).
UNSEEN_SCENE_IDS = (9, 10, 29, 215, 219, 226, 308, 315, 325, 404, 424, 425)
SEEN_SCENE_IDS = tuple(i for r in ALFRED_RANGES.values() for i in r if i not in UNSEEN_SCENE_IDS)

ROOM_SIZE_CELLS = {"kitchen": (16, 24), "living_room": (18, 28), "bedroom": (16, 24), "bathroom": (11, 16)}
SMALL_OBJECT_COUNT = {"kitchen": (22, 30), "living_room": (12, 18), "bedroom": (12, 18), "bathroom": (10, 14)}

# Furniture units per room: (type, placement, length cells, depth cells, count range).
# "wall" units stand against a wall, "free" ones in the room, "mount" ones hang on a wall.
ROOM_FURNITURE = {
    "kitchen": [
        ("Fridge", "wall", 3, 3, (1, 1)), ("CounterTop", "wall", 8, 2, (2, 3)),
        ("DiningTable", "free", 4, 3, (0, 1)), ("GarbageCan", "wall", 1, 1, (1, 1)),
        ("Shelf", "wall", 3, 1, (0, 1)), ("Stool", "free", 1, 1, (0, 2)),
        ("LightSwitch", "mount", 1, 1, (1, 1)), ("Window", "mount", 1, 1, (0, 1)),
        ("Blinds", "mount", 1, 1, (0, 1)), ("HousePlant", "wall", 1, 1, (0, 1)),
        ("SideTable", "wall", 2, 2, (0, 1)),
    ],
    "living_room": [
        ("Sofa", "wall", 6, 3, (1, 1)), ("TVStand", "wall", 4, 2, (1, 1)),
        ("CoffeeTable", "free", 4, 2, (1, 1)), ("ArmChair", "wall", 3, 3, (1, 2)),
        ("SideTable", "wall", 2, 2, (1, 2)), ("Shelf", "wall", 3, 1, (1, 2)),
        ("Dresser", "wall", 4, 2, (0, 1)), ("Ottoman", "free", 2, 2, (0, 1)),
        ("DiningTable", "free", 4, 3, (0, 1)), ("GarbageCan", "wall", 1, 1, (1, 1)),
        ("FloorLamp", "wall", 1, 1, (1, 1)), ("Painting", "mount", 1, 1, (1, 2)),
        ("LightSwitch", "mount", 1, 1, (1, 1)), ("Window", "mount", 1, 1, (0, 2)),
        ("HousePlant", "wall", 1, 1, (0, 1)),
    ],
    "bedroom": [
        ("Bed", "wall", 6, 8, (1, 1)), ("SideTable", "wall", 2, 2, (1, 2)),
        ("Desk", "wall", 5, 2, (1, 1)), ("Dresser", "wall", 4, 2, (1, 1)),
        ("Shelf", "wall", 3, 1, (0, 2)), ("GarbageCan", "wall", 1, 1, (1, 1)),
        ("LaundryHamper", "wall", 2, 2, (0, 1)), ("Safe", "wall", 2, 2, (0, 1)),
        ("FloorLamp", "wall", 1, 1, (0, 1)), ("Chair", "free", 2, 2, (0, 1)),
        ("Mirror", "mount", 1, 1, (0, 1)), ("LightSwitch", "mount", 1, 1, (1, 1)),
        ("Window", "mount", 1, 1, (0, 1)), ("Painting", "mount", 1, 1, (0, 1)),
    ],
    "bathroom": [
        ("Toilet", "wall", 2, 3, (1, 1)), ("CounterTop", "wall", 5, 2, (1, 1)),
        ("Bathtub", "wall", 7, 3, (1, 1)), ("GarbageCan", "wall", 1, 1, (1, 1)),
        ("Shelf", "wall", 2, 1, (0, 1)), ("Cart", "wall", 2, 2, (0, 1)),
        ("ToiletPaperHanger", "mount", 1, 1, (1, 1)), ("TowelHolder", "mount", 1, 1, (1, 1)),
        ("HandTowelHolder", "mount", 1, 1, (1, 1)), ("Mirror", "mount", 1, 1, (1, 1)),
        ("LightSwitch", "mount", 1, 1, (1, 1)),
    ],
}

# What sits on or in a unit: (type, height above the floor, how many, share of the unit).
FIXTURES = {
    "CounterTop": [("Cabinet", 0.45, "per3"), ("Drawer", 0.75, "one"), ("Cabinet", 1.95, "per3")],
    "Dresser": [("Drawer", 0.3, "one"), ("Drawer", 0.6, "one")],
    "Desk": [("Drawer", 0.55, "one")],
    "SideTable": [("Drawer", 0.45, "one")],
    "TVStand": [("Television", 1.0, "one")],
    "Bathtub": [("BathtubBasin", 0.35, "one"), ("ShowerHead", 1.8, "one")],
}


def room_type_of_scene_id(scene_id: int) -> str | None:
    for room, ids in ALFRED_RANGES.items():
        if scene_id in ids:
            return room
    return None


def scene_split(scene_id: int) -> str:
    """'unseen' for the floor plans ALFRED holds out, else 'seen'."""
    return "unseen" if scene_id in UNSEEN_SCENE_IDS else "seen"


def procedural_scene(scene_id: int, room_type: str | None = None) -> Scene:
    """The scene for an ALFRED scene id, or a new one for any other seed."""
    if not isinstance(scene_id, (int, np.integer)) or isinstance(scene_id, bool) or scene_id < 0:
        raise ValueError(f"scene id must be a non-negative integer, got {scene_id!r}")
    fixed_room = room_type_of_scene_id(int(scene_id))
    rng = np.random.default_rng([int(scene_id), 7_031_997])
    room = room_type or fixed_room or ROOM_TYPES[int(rng.integers(len(ROOM_TYPES)))]
    if room not in ROOM_TYPES:
        raise ValueError(f"unknown room type {room!r}: expected one of {', '.join(ROOM_TYPES)}")
    for attempt in range(60):
        try:
            return _build(f"procedural-{scene_id}", room, rng)
        except _Retry:
            continue
    raise SceneError(f"could not lay out a valid {room} for scene {scene_id} in 60 attempts")


class _Retry(Exception):
    pass


def _build(name: str, room: str, rng: np.random.Generator) -> Scene:
    lo, hi = ROOM_SIZE_CELLS[room]
    depth, width = int(rng.integers(lo, hi + 1)), int(rng.integers(lo, hi + 1))
    cells = np.full((depth + 2, width + 2), WALL, dtype=np.uint8)
    cells[1:-1, 1:-1] = FLOOR
    layout = _Layout(cells, rng)
    objects: list[ObjectSpec] = []
    for type_name, placement, length, unit_depth, (n_lo, n_hi) in ROOM_FURNITURE[room]:
        for _ in range(int(rng.integers(n_lo, n_hi + 1))):
            if placement == "mount":
                rect = layout.place_mount()
            else:
                rect = layout.place(length, unit_depth, against_wall=placement == "wall")
            if rect is None:
                if n_lo > 0:
                    raise _Retry
                continue
            objects.extend(_furnish(type_name, rect, placement, layout, rng))
    if room == "kitchen":
        objects.extend(_kitchen_appliances(objects, layout, rng))
    if room == "bathroom":
        objects.extend(_sink_on_counter(objects, layout, rng, "bathroom"))
    _add_lamps(objects, rng)
    floor = [tuple(c) for c in np.argwhere(cells == FLOOR)]
    start = floor[int(rng.integers(len(floor)))]
    scene = Scene(name=name, room_type=room, cells=cells, origin=(0.0, 0.0), objects=objects,
                  start_pose=Pose(int(start[0]), int(start[1]), int(rng.choice([0, 90, 180, 270])), 30))
    if len(scene.reachable_cells(start)) != len(floor):
        raise _Retry
    try:
        validate_scene(scene)
    except SceneError:
        raise _Retry from None
    _place_small_objects(scene, room, rng)
    return scene


class _Layout:
    """Free-space bookkeeping while furniture is placed."""

    def __init__(self, cells: np.ndarray, rng: np.random.Generator):
        self.cells = cells
        self.rng = rng
        self.clearance = np.zeros(cells.shape, dtype=bool)  # keep these cells walkable
        self.mounted: set[tuple[int, int]] = set()
        self.used: set[tuple[int, int]] = set()  # counter cells taken by appliances

    def place(self, length: int, depth: int, against_wall: bool):
        rows, cols = self.cells.shape
        for _ in range(200):
            if against_wall:
                side = int(self.rng.integers(4))
                along = length if self.rng.random() < 0.8 or length == depth else depth
                across = depth if along == length else length
                if side in (0, 1):  # south (row 1) or north (row rows-2) wall
                    h, w = across, along
                    r0 = 1 if side == 0 else rows - 1 - h
                    c0 = int(self.rng.integers(1, max(2, cols - w)))
                    front = (r0 + h, c0, 1, w) if side == 0 else (r0 - 1, c0, 1, w)
                else:  # west (col 1) or east (col cols-2) wall
                    h, w = along, across
                    c0 = 1 if side == 2 else cols - 1 - w
                    r0 = int(self.rng.integers(1, max(2, rows - h)))
                    front = (r0, c0 + w, h, 1) if side == 2 else (r0, c0 - 1, h, 1)
            else:
                h, w = (depth, length) if self.rng.random() < 0.5 else (length, depth)
                r0 = int(self.rng.integers(3, max(4, rows - h - 2)))
                c0 = int(self.rng.integers(3, max(4, cols - w - 2)))
                front = (r0 - 1, c0 - 1, h + 2, w + 2)
            if self._fits(r0, c0, h, w, front):
                self.cells[r0:r0 + h, c0:c0 + w] = FURNITURE
                fr, fc, fh, fw = front
                self.clearance[fr:fr + fh, fc:fc + fw] = True
                return r0, c0, h, w
        return None

    def _fits(self, r0, c0, h, w, front) -> bool:
        rows, cols = self.cells.shape
        if r0 < 1 or c0 < 1 or r0 + h > rows - 1 or c0 + w > cols - 1:
            return False
        if (self.cells[r0:r0 + h, c0:c0 + w] != FLOOR).any() or self.clearance[r0:r0 + h, c0:c0 + w].any():
            return False
        fr, fc, fh, fw = front
        if fr < 1 or fc < 1 or fr + fh > rows - 1 or fc + fw > cols - 1:
            return False
        return bool((self.cells[fr:fr + fh, fc:fc + fw] == FLOOR).all())

    def place_mount(self):
        """A wall cell with a free floor cell in front of it."""
        rows, cols = self.cells.shape
        for _ in range(200):
            side = int(self.rng.integers(4))
            if side < 2:
                r, c = (0 if side == 0 else rows - 1), int(self.rng.integers(1, cols - 1))
                front = (1 if side == 0 else rows - 2, c)
            else:
                r, c = int(self.rng.integers(1, rows - 1)), (0 if side == 2 else cols - 1)
                front = (r, 1 if side == 2 else cols - 2)
            if (r, c) not in self.mounted and self.cells[front] == FLOOR:
                self.mounted.add((r, c))
                self.clearance[front] = True
                return r, c, 1, 1
        return None


def _centre(rect) -> tuple[float, float]:
    r0, c0, h, w = rect
    return (c0 + (w - 1) / 2) * GRID_SIZE, (r0 + (h - 1) / 2) * GRID_SIZE


def _cells(rect) -> list[tuple[int, int]]:
    r0, c0, h, w = rect
    return [(r, c) for r in range(r0, r0 + h) for c in range(c0, c0 + w)]


def _furnish(type_name, rect, placement, layout, rng) -> list[ObjectSpec]:
    x, z = _centre(rect)
    cells = _cells(rect)
    r0, c0, h, w = rect
    half_extent = max(h, w) * GRID_SIZE / 2 if placement != "mount" else None
    unit = ObjectSpec(object_id(type_name, x, OBJECT_TYPES[type_name].height, z), type_name,
                      (x, OBJECT_TYPES[type_name].height, z), footprint=cells, half_extent=half_extent)
    specs = []
    for fixture, height, share in FIXTURES.get(type_name, ()):
        groups = [cells] if share == "one" else _split(rect, max(1, len(cells) // 6))
        for group in groups:
            gx = sum(c for _, c in group) / len(group) * GRID_SIZE
            gz = sum(r for r, _ in group) / len(group) * GRID_SIZE
            specs.append(ObjectSpec(object_id(fixture, gx, height, gz), fixture, (gx, height, gz), footprint=group))
    specs.append(unit)  # drawn on top of its drawers and cabinets
    if type_name == "Bathtub":
        basin = next(s for s in specs if s.type == "BathtubBasin")
        shower = next(s for s in specs if s.type == "ShowerHead")
        shower.controls = basin.id
    return specs


def _split(rect, n: int) -> list[list[tuple[int, int]]]:
    """Cut a unit into n side-by-side pieces along its long side (cabinets under a counter)."""
    r0, c0, h, w = rect
    long_side = w if w >= h else h
    bounds = [round(i * long_side / n) for i in range(n + 1)]
    if w >= h:
        return [_cells((r0, c0 + a, h, b - a)) for a, b in zip(bounds, bounds[1:])]
    return [_cells((r0 + a, c0, b - a, w)) for a, b in zip(bounds, bounds[1:])]


def _counter_cells(objects, used: set) -> list[tuple[ObjectSpec, tuple[int, int]]]:
    return [(o, c) for o in objects if o.type == "CounterTop" for c in o.footprint if c not in used]


def _on_counter(type_name, counter, cell, height_above=0.0) -> ObjectSpec:
    r, c = cell
    y = counter.position[1] + OBJECT_TYPES[type_name].height - 0.9 + height_above
    x, z = c * GRID_SIZE, r * GRID_SIZE
    return ObjectSpec(object_id(type_name, x, y, z), type_name, (x, y, z), footprint=[cell])


def _sink_on_counter(objects, layout, rng, room) -> list[ObjectSpec]:
    spots = _counter_cells(objects, set())
    counter, cell = spots[int(rng.integers(len(spots)))]
    sink = _on_counter("Sink", counter, cell, 0.01)
    basin = _on_counter("SinkBasin", counter, cell)
    faucet = _on_counter("Faucet", counter, cell, 0.1)
    faucet.controls, faucet.half_extent = basin.id, basin.object_type.half_extent
    layout.used.add(cell)
    return [sink, basin, faucet]


def _kitchen_appliances(objects, layout, rng) -> list[ObjectSpec]:
    added = _sink_on_counter(objects, layout, rng, "kitchen")
    used = set(layout.used)
    spots = _counter_cells(objects, used)
    order = rng.permutation(len(spots))
    free = [spots[i] for i in order]
    burners = int(rng.choice([2, 4]))
    for type_name in ["StoveBurner"] * burners + ["Microwave", "CoffeeMachine", "Toaster"]:
        while free and free[0][1] in used:
            free.pop(0)
        if not free:
            raise _Retry
        counter, cell = free.pop(0)
        used.add(cell)
        spec = _on_counter(type_name, counter, cell)
        added.append(spec)
        if type_name == "StoveBurner":
            knob = _on_counter("StoveKnob", counter, cell, 0.02)
            knob.controls, knob.half_extent = spec.id, spec.object_type.half_extent
            added.append(knob)
    return added


def _add_lamps(objects: list[ObjectSpec], rng) -> None:
    """A desk lamp on side tables and desks (ALFRED's look_at_obj_in_light needs lights)."""
    for host in [o for o in objects if o.type in ("SideTable", "Desk")]:
        if rng.random() < 0.8:
            x, y, z = host.position
            objects.append(ObjectSpec(object_id("DeskLamp", x, y + 0.3, z), "DeskLamp", (x, y + 0.3, z),
                                      footprint=[host.footprint[0]]))


def small_object_types(room: str) -> list[str]:
    """Pickupable types that belong in a room (whole objects, not slices)."""
    return [t.name for t in OBJECT_TYPES.values()
            if t.pickupable and room in t.rooms and not t.name.endswith(("Sliced", "Cracked"))]


def _place_small_objects(scene: Scene, room: str, rng) -> None:
    lo, hi = SMALL_OBJECT_COUNT[room]
    names = small_object_types(room)
    chosen = list(rng.permutation(names))[: int(rng.integers(lo, hi + 1))]
    for type_name in chosen:
        place_object(scene, type_name, rng)


def place_object(scene: Scene, type_name: str, rng, receptacle_type: str | None = None,
                 avoid: tuple[str, ...] = ()) -> ObjectSpec:
    """Put a new object of `type_name` into a compatible receptacle of the scene (one of
    `receptacle_type` if given, none of the types in `avoid`) and return it. Raise
    SceneError if none accepts it."""
    load: dict[str, int] = {}
    for o in scene.objects:
        if o.parent:
            load[o.parent] = load.get(o.parent, 0) + 1
    hosts = [o for o in scene.fixed
             if type_name in o.object_type.accepts
             and (receptacle_type is None or o.type == receptacle_type)
             and load.get(o.id, 0) < o.object_type.capacity
             and o.type != "Sink" and o.type not in avoid and o.id not in scene.unreachable
             and o.id not in scene.above_eye]
    if not hosts:
        where = f" in a {receptacle_type}" if receptacle_type else ""
        raise SceneError(f"{scene.name}: no receptacle can take a {type_name}{where}")
    host = hosts[int(rng.integers(len(hosts)))]
    taken = {o.id for o in scene.objects}
    x, y, z = host.position
    ext = host.object_type.half_extent
    while True:
        ox, oz = x + rng.uniform(-ext, ext), z + rng.uniform(-ext, ext)
        oid = object_id(type_name, ox, y + 0.05, oz)
        if oid not in taken:
            break
    dirty = OBJECT_TYPES[type_name].washable and rng.random() < 0.3
    spec = ObjectSpec(oid, type_name, None, parent=host.id, is_dirty=bool(dirty))
    scene.objects.append(spec)
    return spec
