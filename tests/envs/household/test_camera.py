"""The first-person camera: exact pixels, depths and segments in a small hand-made room,
open/closed and on/off looks, the held object, and determinism."""

import numpy as np
import pytest

from errands.envs.actions import Action
from errands.envs.household.render.camera import Camera, parse_resolution
from errands.envs.household.render.placement import scene_geometry
from errands.envs.household.render.raycast import camera_basis
from errands.envs.household.scene import CAMERA_HEIGHT, FLOOR, FURNITURE, WALL, ObjectSpec, Pose, Scene, object_id
from errands.envs.household.scenes import load_scene
from errands.envs.household.visibility import validate_scene
from errands.envs.household.world import World

FRIDGE_CELLS = [(r, c) for r in (6, 7, 8) for c in (4, 5, 6)]
TABLE_CELLS = [(r, c) for r in (1, 2) for c in (1, 2)]


def small_room() -> Scene:
    """A 2 m x 2 m kitchen: a fridge against the north wall (rows 6-8, an apple inside),
    a side table with a desk lamp in the south-west corner."""
    cells = np.full((10, 10), WALL, np.uint8)
    cells[1:-1, 1:-1] = FLOOR
    for rc in FRIDGE_CELLS + TABLE_CELLS:
        cells[rc] = FURNITURE
    fridge = ObjectSpec(object_id("Fridge", 1.25, 0.9, 1.75), "Fridge", (1.25, 0.9, 1.75),
                        footprint=FRIDGE_CELLS, half_extent=0.375)
    table = ObjectSpec(object_id("SideTable", 0.375, 0.6, 0.375), "SideTable", (0.375, 0.6, 0.375),
                       footprint=TABLE_CELLS, half_extent=0.25)
    lamp = ObjectSpec(object_id("DeskLamp", 0.375, 0.9, 0.375), "DeskLamp", (0.375, 0.9, 0.375),
                      footprint=[TABLE_CELLS[0]])
    apple = ObjectSpec("Apple|+01.25|+00.95|+01.75", "Apple", None, parent=fridge.id)
    scene = Scene("test-room", "kitchen", cells, (0.0, 0.0), [fridge, table, lamp, apple], Pose(3, 5, 0, 0))
    validate_scene(scene)
    return scene


def project(point, pose: Pose, scene: Scene, size: int) -> tuple[int, int]:
    """The pixel (row, col) whose centre ray is nearest a world point."""
    x, z = scene.cell_xz(pose.row, pose.col)
    forward, right, up = camera_basis(pose.heading, pose.horizon)
    v = np.asarray(point, float) - np.array([x, CAMERA_HEIGHT, z])
    a, b = v @ right / (v @ forward), v @ up / (v @ forward)
    return int(round((1 - b) * size / 2 - 0.5)), int(round((a + 1) * size / 2 - 0.5))


def test_resolutions_are_checked():
    assert parse_resolution(64) == (64, 64) and parse_resolution((48, 80)) == (48, 80)
    for bad in (0, 4, "64", (64,), (64, 64, 3), 1.5, True, 5000):
        with pytest.raises(ValueError, match="resolution"):
            parse_resolution(bad)


def test_outputs_have_exact_shapes_and_dtypes():
    world = World(small_room())
    out = Camera((48, 80)).render(world)
    assert out["rgb"].shape == (48, 80, 3) and out["rgb"].dtype == np.uint8
    assert out["depth"].shape == (48, 80) and out["depth"].dtype == np.float32
    assert out["segmentation"].shape == (48, 80) and out["segmentation"].dtype == np.uint16
    assert set(Camera(16).render(world, rgb=False, depth=True, segmentation=False)) == {"depth"}


def test_depth_of_the_wall_ahead_is_its_distance():
    scene = small_room()
    world = World(scene)
    door = scene_geometry(scene).structure  # a door is drawn on some wall: skip it
    checked = 0
    for heading, (dx, dz) in ((90, (1, 0)), (180, (0, -1)), (270, (-1, 0))):  # the fridge is north
        world.agent = Pose(4, 4, heading, 0)  # the cell's centre: x = z = 1.0
        # The walls' faces towards the room are at 0.125 (south, west) and 2.125 (north, east).
        distance = 1.125 if (dx, dz) == (1, 0) else 0.875
        hit = np.array([1.0 + dx * distance, CAMERA_HEIGHT, 1.0 + dz * distance])
        if any((door.lo[k] - 0.1 <= hit).all() and (hit <= door.hi[k] + 0.1).all() for k in range(len(door))):
            continue
        out = Camera(65).render(world)  # an odd size: pixel (32, 32) looks straight ahead
        assert abs(float(out["depth"][32, 32]) - distance) < 1e-3, heading
        assert out["segmentation"][32, 32] == 0  # the room itself
        checked += 1
    assert checked >= 2


def test_a_known_object_is_at_its_pixel():
    scene = small_room()
    world = World(scene)
    pose = Pose(3, 5, 0, 15)  # two cells south of the fridge, facing it
    world.agent = pose
    camera = Camera(64)
    out = camera.render(world)
    fridge = scene.fixed[0].id
    row, col = project((1.25, 1.0, 1.5), pose, scene, 64)  # the middle of its front
    assert camera.object_id(int(out["segmentation"][row, col])) == fridge
    assert camera.segments.ids[0] == fridge and camera.object_id(0) is None
    assert 0.5 < float(out["depth"][row, col]) < 1.0  # the fridge's door is 0.625 m ahead


def test_closed_fridge_hides_the_apple_and_open_fridge_shows_it():
    scene = small_room()
    world = World(scene)
    world.agent = Pose(3, 5, 0, 15)
    camera = Camera(128)
    fridge, apple = scene.fixed[0].id, "Apple|+01.25|+00.95|+01.75"
    closed = camera.render(world)
    apple_value = camera.segments.value(apple)
    assert apple_value not in closed["segmentation"] and apple not in world.visible_ids()
    assert world.step(Action("OpenObject", fridge)).success
    opened = camera.render(world)
    assert apple_value in opened["segmentation"] and apple in world.visible_ids()
    changed = (closed["rgb"] != opened["rgb"]).any(axis=2)
    assert changed.mean() > 0.1  # the door swings out, the lit inside shows


def test_the_held_object_is_drawn_in_the_lower_right():
    scene = small_room()
    world = World(scene)
    world.agent = Pose(3, 5, 0, 15)
    camera = Camera(64)
    apple = "Apple|+01.25|+00.95|+01.75"
    assert world.step(Action("OpenObject", scene.fixed[0].id)).success
    assert world.step(Action("PickupObject", apple)).success
    world.agent = Pose(3, 5, 180, 15)  # turn away from the fridge
    seg = camera.render(world)["segmentation"]
    rows, cols = np.nonzero(seg == camera.segments.value(apple))
    assert len(rows) > 4 and rows.min() >= 32 and cols.min() >= 32


def test_a_lamp_switched_on_is_lit():
    scene = small_room()
    world = World(scene)
    lamp = scene.fixed[2].id
    world.agent = Pose(3, 2, 180, 30)  # facing the side table from the north
    camera = Camera(96)
    off = camera.render(world)
    assert world.step(Action("ToggleObjectOn", lamp)).success
    on = camera.render(world)
    mask = on["segmentation"] == camera.segments.value(lamp)
    assert mask.sum() > 10
    assert on["rgb"][mask].astype(int).sum() > off["rgb"][mask].astype(int).sum() * 1.2
    assert (off["segmentation"] == on["segmentation"]).all()


def test_frames_are_deterministic_and_caches_do_not_change_them():
    scene = load_scene(1)
    world = World(scene)
    first = Camera(40).render(world)
    for _ in range(2):
        again = Camera(40).render(world)  # a separate camera, its caches empty
        for key in first:
            assert np.array_equal(first[key], again[key]), key


def test_view_boxes_hold_everything_drawn_and_what_rests_on_it():
    from errands.envs.household.render.placement import place_contents

    for scene_id in (1, 201, 301, 401):
        scene = load_scene(scene_id)
        world = World(scene)
        geometry = scene_geometry(scene)
        for i, (spec, looks) in enumerate(zip(scene.fixed, geometry.looks)):
            lo, hi = geometry.view_lo[i] - 1e-9, geometry.view_hi[i] + 1e-9
            obj = world.objects[spec.id]
            for look in looks:
                if len(look.prims):
                    assert (look.prims.lo >= lo).all() and (look.prims.hi <= hi).all(), spec.id
                for prims, _ in place_contents(world, obj, look.slots(len(obj.contents))):
                    assert (prims.lo >= lo).all() and (prims.hi <= hi).all(), spec.id


def test_boxes_in_view_is_exact():
    """The world's view-box test against dense samples of each box: a box with a sampled
    point strictly inside the view is in view; a box in view has sampled points at
    most a sample spacing outside it."""
    from errands.envs.household.visibility import boxes_in_view

    rng = np.random.default_rng(7)
    n = 300
    centre = rng.uniform(-2, 2, (n, 3)) + np.array([0, 1.2, 0])
    half = rng.uniform(0.02, 0.6, (n, 3))
    lo, hi = centre - half, centre + half
    grid = np.linspace(0, 1, 9)
    u = np.stack(np.meshgrid(grid, grid, grid, indexing="ij"), -1).reshape(-1, 3)
    for heading in (0, 90, 180, 270):
        for horizon in (-30, 0, 30, 60):
            got = boxes_in_view(np.zeros(n), np.zeros(n), lo, hi, heading, horizon)
            forward, right, up = camera_basis(heading, horizon)
            for i in range(n):
                p = lo[i] + u * (hi[i] - lo[i]) - np.array([0, CAMERA_HEIGHT, 0])
                depth, x, y = p @ forward, p @ right, p @ up
                strictly_in = (np.maximum(np.abs(x), np.abs(y)) < depth - 1e-6).any()
                if strictly_in:
                    assert got[i], (heading, horizon, i)
                if got[i]:
                    spacing = np.linalg.norm(hi[i] - lo[i]) / 8 * 2
                    assert (np.maximum(np.abs(x), np.abs(y)) - depth).min() <= spacing, (heading, horizon, i)


def test_a_counters_carcass_leaves_out_the_cabinets_and_drawers_built_into_it():
    """So that an open cabinet under a worktop shows its inside: the carcass is the
    rectangle less the openings, in pieces that do not overlap them or each other."""
    from errands.envs.household.render.furniture_looks import carcass_pieces

    openings = [(0.0, 1.0, 0.1, 0.66), (1.0, 2.0, 0.1, 0.66), (0.0, 2.0, 0.67, 0.83), (0.5, 1.5, 0.4, 2.3)]
    pieces = carcass_pieces(0.0, 2.0, 0.1, 0.86, openings)
    assert all(u0 < u1 and y0 < y1 for u0, u1, y0, y1 in pieces)

    def overlap(a, b):
        return max(0.0, min(a[1], b[1]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[2], b[2]))

    assert all(overlap(p, o) < 1e-12 for p in pieces for o in openings)
    assert all(overlap(p, q) < 1e-12 for i, p in enumerate(pieces) for q in pieces[i + 1:])
    # What is left: the strips between the cabinets and the drawer, and above the drawer,
    # except where the tall opening (0.5..1.5 from 0.4 up) cuts through them.
    area = sum((u1 - u0) * (y1 - y0) for u0, u1, y0, y1 in pieces)
    assert area == pytest.approx(1.0 * (0.01 + 0.03))


def test_utensils_are_told_apart_by_colour_and_breadth_and_fit_a_slot_unscaled():
    """AI2-THOR's six utensils: a few pixels each through a 64-pixel camera, so their
    looks differ in what shows at that size (a dark handle, a broad head) and none is
    longer than 0.2 m (a slot scales down what does not fit it)."""
    from errands.envs.household.object_types import OBJECT_TYPES
    from errands.envs.household.render.object_looks import DARK_HANDLE, small_shape_and_bounds

    utensils = ("Knife", "ButterKnife", "Fork", "Spoon", "Spatula", "Ladle")
    looks = {}
    for name in utensils:
        shape, lo, hi = small_shape_and_bounds(name)
        length, _, breadth = hi - lo
        colours = {tuple(int(v) for v in c) for c in shape.colour}
        looks[name] = (round(float(breadth), 3), DARK_HANDLE in colours)
        assert length <= 0.2 + 1e-9
        assert tuple(int(v) for v in OBJECT_TYPES[name].colour) in colours  # the head in the type's colour
    assert looks == {"Knife": (0.04, True), "ButterKnife": (0.024, False), "Fork": (0.032, False),
                     "Spoon": (0.045, False), "Spatula": (0.07, True), "Ladle": (0.08, False)}
