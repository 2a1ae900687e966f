"""Import ALFRED's real floor plans (the `gen/layouts` folder of an ALFRED checkout).

Per floor plan N the folder has `FloorPlanN-layout.npy` (standable x, z positions on the
0.25 m grid), `FloorPlanN-objects.json` (the object types present) and
`FloorPlanN-openable.json` (receptacle id -> the agent pose used to interact with it;
the id encodes the receptacle's position). From these we build a Scene: the reachable
grid, receptacles at their real positions with their recorded poses, and the scene's
other object types placed where they belong (appliances on counters, faucets at sinks,
small objects in compatible receptacles, from a seed since ALFRED's files do not say).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from .object_types import OBJECT_TYPES
from .procedural import place_object, room_type_of_scene_id
from .render.placement import scene_geometry
from .scene import CAMERA_HEIGHT, FLOOR, FURNITURE, GRID_SIZE, WALL, ObjectSpec, Pose, Scene, SceneError, object_id
from .visibility import validate_scene

# Types ALFRED's files list without a position: where they go, and what they control.
HOSTS = {
    "StoveBurner": ("CounterTop",),
    "CoffeeMachine": ("CounterTop", "DiningTable"),
    "Toaster": ("CounterTop", "DiningTable"),
    "Faucet": ("SinkBasin", "BathtubBasin"),
    "DeskLamp": ("Desk", "SideTable", "Dresser", "Shelf"),
    "FloorLamp": ("SideTable", "Sofa", "ArmChair", "Bed", "Desk", "Dresser"),
    "Television": ("TVStand", "Dresser", "Shelf"),
    "ShowerHead": ("BathtubBasin", "Bathtub"),
    "LightSwitch": ("CounterTop", "Dresser", "Shelf", "SideTable", "Desk", "Toilet", "Sofa"),
}
# Closed boxes that stand side by side in ALFRED's kitchens: one does not grow into the
# cells of another at a different place (drawers stacked at one place share theirs).
BOXES = {"Cabinet", "Drawer", "Fridge", "Safe", "Dresser", "Microwave"}
# What stands in or under a counter; the centre of anything else is not counter.
BUILT_IN = {"CounterTop", "Cabinet", "Drawer", "Sink", "SinkBasin", "Microwave", "Shelf", "StoveBurner"}
# Receptacles ALFRED's tasks use that its files may list without a pose: placed by
# _add_standing_receptacles when a floor plan's objects.json has them.
STANDING = ("GarbageCan", "Toilet", "ToiletPaperHanger", "TowelHolder", "HandTowelHolder")
HUNG = ("ToiletPaperHanger", "TowelHolder", "HandTowelHolder")  # of STANDING, those on a wall
_FILE = re.compile(r"FloorPlan(\d+)-layout\.npy$")


def floorplan_numbers(layouts_dir: str | Path) -> list[int]:
    """The floor plan numbers a layouts folder holds."""
    folder = Path(layouts_dir)
    if not folder.is_dir():
        raise FileNotFoundError(f"ALFRED layouts folder {str(folder)!r} does not exist")
    return sorted(int(m.group(1)) for p in folder.iterdir() if (m := _FILE.search(p.name)))


def parse_receptacle_id(receptacle_id: str) -> tuple[str, tuple[float, float, float]]:
    """'Cabinet|+00.68|+00.50|-02.20' -> ('Cabinet', (0.68, 0.5, -2.2)); a trailing
    part names the real type: 'Sink|...|SinkBasin' is a SinkBasin."""
    parts = receptacle_id.split("|")
    if len(parts) not in (4, 5):
        raise SceneError(f"malformed object id {receptacle_id!r}: expected 'Type|x|y|z'")
    try:
        x, y, z = (float(v) for v in parts[1:4])
    except ValueError:
        raise SceneError(f"malformed object id {receptacle_id!r}: x, y, z must be numbers") from None
    return parts[-1] if len(parts) == 5 else parts[0], (x, y, z)


def load_floorplan(layouts_dir: str | Path, number: int, seed: int = 0) -> Scene:
    """Build the Scene of ALFRED's FloorPlan`number` from `layouts_dir`."""
    folder = Path(layouts_dir)
    stem = folder / f"FloorPlan{number}"
    files = [Path(f"{stem}-layout.npy"), Path(f"{stem}-objects.json"), Path(f"{stem}-openable.json")]
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        raise FileNotFoundError(f"FloorPlan{number}: missing {', '.join(missing)}")
    layout = np.load(files[0])
    if layout.ndim != 2 or layout.shape[1] != 2 or len(layout) == 0:
        raise SceneError(f"{files[0]}: expected an array of (x, z) rows, got shape {layout.shape}")
    types = json.loads(files[1].read_text())
    openable = json.loads(files[2].read_text())
    if not isinstance(types, list) or not isinstance(openable, dict):
        raise SceneError(f"FloorPlan{number}: objects.json must be a list and openable.json a map")

    receptacles = []
    for rid, pose in openable.items():
        type_name, position = parse_receptacle_id(rid)
        if type_name not in OBJECT_TYPES:
            continue
        if not (isinstance(pose, list) and len(pose) == 4):
            raise SceneError(f"FloorPlan{number}: pose of {rid} must be [x, z, rotation, horizon], got {pose!r}")
        receptacles.append((rid, type_name, position, pose))

    xs = np.concatenate([layout[:, 0], [p[0] for _, _, p, _ in receptacles]])
    zs = np.concatenate([layout[:, 1], [p[2] for _, _, p, _ in receptacles]])
    origin = (float(np.floor(xs.min() / GRID_SIZE) * GRID_SIZE) - 2 * GRID_SIZE,
              float(np.floor(zs.min() / GRID_SIZE) * GRID_SIZE) - 2 * GRID_SIZE)
    rows = int(round((zs.max() - origin[1]) / GRID_SIZE)) + 3
    cols = int(round((xs.max() - origin[0]) / GRID_SIZE)) + 3
    cells = np.full((rows, cols), WALL, dtype=np.uint8)
    to_cell = _cell_converter(origin)
    for x, z in layout:
        cells[to_cell(x, z)] = FLOOR

    objects: list[ObjectSpec] = []
    recorded: dict[str, list[Pose]] = {}
    boxes: dict[tuple[int, int], tuple[float, float]] = {}  # cell -> (x, z) of the box taking it
    standing = {to_cell(p[0], p[2]) for _, t, p, _ in receptacles if t not in BUILT_IN}
    for rid, type_name, position, (px, pz, rotation, horizon) in receptacles:
        where = (position[0], position[2])
        taken = set() if type_name not in BOXES else {
            cell for cell, at in boxes.items() if abs(at[0] - where[0]) > 0.1 or abs(at[1] - where[1]) > 0.1}
        if type_name == "CounterTop":  # a counter does not swallow the bin or the fridge beside it
            taken = standing
        elif type_name in BOXES:  # nor does a cabinet the bin under its sink
            taken = taken | (standing - {to_cell(*where)})
        spec = ObjectSpec(rid, type_name, position, footprint=_footprint(cells, to_cell, position, type_name, taken))
        for cell in spec.footprint:
            cells[cell] = FURNITURE
            if type_name in BOXES:
                boxes.setdefault(cell, where)
        objects.append(spec)
        r, c = to_cell(px, pz)
        recorded[rid] = [Pose(r, c, int(round(rotation)) % 360, int(round(horizon)))]
    _add_hosted_fixtures(objects, recorded, types)
    _add_standing_receptacles(cells, origin, objects, recorded, types, np.random.default_rng([number, 40_000]))

    rng = np.random.default_rng([number, seed])
    sr, sc = _start_cell(cells, [to_cell(x, z) for x, z in layout], rng)
    scene = Scene(name=f"FloorPlan{number}", room_type=room_type_of_scene_id(number) or "kitchen",
                  cells=cells, origin=origin, objects=objects, start_pose=Pose(sr, sc, 0, 30),
                  recorded_poses=recorded, clearance=clearance(cells))
    validate_scene(scene, allow_unreachable=True)
    scene.above_eye = surfaces_above_eye(scene)
    for type_name in types:
        t = OBJECT_TYPES.get(type_name)
        if t is not None and t.pickupable:
            try:
                place_object(scene, type_name, rng)
            except SceneError:
                continue  # no receptacle of this floor plan takes it; ALFRED's would be on the floor
    return scene


def surfaces_above_eye(scene: Scene) -> list[str]:
    """The receptacles whose surfaces (open, as drawn for the camera) all lie above the
    camera's eye: what rests there no pose can see (ALFRED's generator places objects only
    where its agent sees them)."""
    geometry = scene_geometry(scene)
    out = []
    for spec, looks in zip(scene.fixed, geometry.looks):
        surfaces = looks[1].surfaces  # open (the same look when it cannot open)
        if spec.object_type.receptacle and surfaces and min(s.y for s in surfaces) >= CAMERA_HEIGHT:
            out.append(spec.id)
    return out


CLEARANCE_GAP = 4  # cells: the widest run of unlisted cells between the room's parts taken for clearance


def clearance(cells: np.ndarray, max_gap: int = CLEARANCE_GAP) -> np.ndarray:
    """The wall cells that are ALFRED's clearance, not walls: AI2-THOR's walkable grid
    leaves out the cells where the agent's body would touch furniture, so a fridge a
    metre ahead of its recorded pose has a row of unlisted cells before it. A run of at
    most `max_gap` wall cells along a row or a column with floor or furniture at both
    ends lies inside the room; the camera draws it as open room (walking there stays
    blocked). Runs that reach the plan's edge, or are longer, stay walls."""
    inside = cells != WALL
    clear = np.zeros(cells.shape, dtype=bool)
    for grid, out in ((inside, clear), (inside.T, clear.T)):
        for line, mark in zip(grid, out):
            where = np.nonzero(line)[0]
            for a, b in zip(where[:-1], where[1:]):
                if 1 < b - a <= max_gap + 1:
                    mark[a + 1:b] = True
    return clear


def _start_cell(cells, floor: list[tuple[int, int]], rng) -> tuple[int, int]:
    """A random cell of the largest connected part of the floor (a few ALFRED layouts
    have stray unreachable positions)."""
    probe = Scene("probe", "kitchen", cells, (0.0, 0.0), [], Pose(*floor[0], 0, 0))
    best: set = set()
    left = set(floor)
    while left:
        part = probe.reachable_cells(next(iter(left)))
        left -= part
        best = max(best, part, key=len)
    ordered = sorted(best)
    return ordered[int(rng.integers(len(ordered)))]


def _cell_converter(origin):
    def to_cell(x: float, z: float) -> tuple[int, int]:
        return int(round((z - origin[1]) / GRID_SIZE)), int(round((x - origin[0]) / GRID_SIZE))
    return to_cell


def _footprint(cells, to_cell, position, type_name, taken=frozenset()) -> list[tuple[int, int]]:
    """The blocked cells under an object: a rectangle of cells that are not floor around
    the cell of its centre (or the nearest blocked cell to it), grown a row or a column
    at a time, each side in turn, while it stays within the type's extent of the centre,
    off the floor and off the `taken` cells (another box's). A rectangle, so that the look
    drawn over its box (render/) never stands on a cell the agent walks on."""
    x, _, z = position
    span = int(OBJECT_TYPES[type_name].half_extent / GRID_SIZE + 1e-9)
    rows, cols = cells.shape
    r0, c0 = to_cell(x, z)
    if not (0 <= r0 < rows and 0 <= c0 < cols) or cells[r0, c0] == FLOOR:
        blocked = np.argwhere(cells != FLOOR)
        r0, c0 = (int(v) for v in blocked[np.argmin(np.abs(blocked - (r0, c0)).sum(axis=1))])
    box = [r0, r0, c0, c0]  # top, bottom, left, right (inclusive)

    def free(rs, cs) -> bool:
        return all(0 <= r < rows and 0 <= c < cols and cells[r, c] != FLOOR and (r, c) not in taken
                   for r in rs for c in cs)

    grown = True
    while grown:
        grown = False
        for side in range(4):
            t, b, left, right = box
            if side == 0 and r0 - (t - 1) <= span and free([t - 1], range(left, right + 1)):
                box[0] -= 1
            elif side == 1 and (b + 1) - r0 <= span and free([b + 1], range(left, right + 1)):
                box[1] += 1
            elif side == 2 and c0 - (left - 1) <= span and free(range(t, b + 1), [left - 1]):
                box[2] -= 1
            elif side == 3 and (right + 1) - c0 <= span and free(range(t, b + 1), [right + 1]):
                box[3] += 1
            else:
                continue
            grown = True
    t, b, left, right = box
    return [(r, c) for r in range(t, b + 1) for c in range(left, right + 1)]


def _add_standing_receptacles(cells, origin, objects: list[ObjectSpec], recorded: dict[str, list[Pose]],
                              types: list[str], rng) -> None:
    """The receptacles ALFRED's tasks put things in that its files list without a pose
    (STANDING: the kitchens' GarbageCan, the bathrooms' Toilet...): each on a cell by the
    walkable floor where nothing else stands (the clearance inside the room first, else
    against a wall), chosen from the floor plan's own seed, with the pose facing it from
    the floor as its recorded pose."""
    present = {o.type for o in objects}
    taken = {cell for o in objects for cell in o.footprint}
    inside = clearance(cells)
    rows, cols = cells.shape
    for type_name in STANDING:
        if type_name not in types or type_name in present:
            continue
        spots = []  # (not inside the room, cell, the floor cell facing it, heading from there)
        for r, c in np.argwhere(cells == WALL).tolist():
            if (r, c) in taken:
                continue
            for heading, (dr, dc) in ((0, (-1, 0)), (180, (1, 0)), (90, (0, -1)), (270, (0, 1))):
                fr, fc = r + dr, c + dc
                if 0 <= fr < rows and 0 <= fc < cols and cells[fr, fc] == FLOOR:
                    spots.append((not inside[r, c], (r, c), (fr, fc), heading))
                    break
        if not spots:
            continue
        best = [s for s in spots if s[0] == min(s[0] for s in spots)]
        _, (r, c), (fr, fc), heading = best[int(rng.integers(len(best)))]
        t = OBJECT_TYPES[type_name]
        x, z = origin[0] + c * GRID_SIZE, origin[1] + r * GRID_SIZE
        spec = ObjectSpec(object_id(type_name, x, 0.0 if t.height < 0.5 else t.height, z), type_name,
                          (x, 0.0 if t.height < 0.5 else t.height, z), footprint=[(r, c)])
        if type_name not in HUNG:  # a holder hangs on the wall, which stays a wall (drawn as one)
            cells[r, c] = FURNITURE
        taken.add((r, c))
        objects.append(spec)
        recorded[spec.id] = [Pose(fr, fc, heading, 30)]


def _add_hosted_fixtures(objects: list[ObjectSpec], recorded: dict[str, list[Pose]], types: list[str]) -> None:
    present = set(types)
    for type_name, host_types in HOSTS.items():
        if type_name not in present:
            continue
        hosts = [o for ht in host_types for o in objects if o.type == ht]
        if not hosts:
            continue
        copies = 2 if type_name == "StoveBurner" else 1
        for k in range(copies):
            host = hosts[k % len(hosts)]
            x, y, z = host.position
            position = (x + 0.1 * k, y + 0.1, z)
            spec = ObjectSpec(object_id(type_name, *position), type_name, position,
                              footprint=list(host.footprint), half_extent=host.object_type.half_extent)
            objects.append(spec)
            recorded[spec.id] = list(recorded[host.id])
            if type_name == "StoveBurner":
                knob = ObjectSpec(object_id("StoveKnob", x + 0.1 * k, y + 0.15, z), "StoveKnob",
                                  (x + 0.1 * k, y + 0.15, z), controls=spec.id,
                                  footprint=list(host.footprint), half_extent=host.object_type.half_extent)
                objects.append(knob)
                recorded[knob.id] = list(recorded[host.id])
            if type_name in ("Faucet", "ShowerHead") and host.object_type.receptacle:
                spec.controls = host.id
