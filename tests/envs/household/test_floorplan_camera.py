"""ALFRED's floor plans as the camera needs them (envs/household/alfred_floorplans.py and
render/placement.py): clearance cells are open room, furniture cells are rectangles off
the walkable floor, the receptacles ALFRED's tasks use are present, and the camera at
AI2-THOR's height shows the receptacles from the poses the expert walks to."""

import json

import numpy as np

from errands.envs.household.alfred_floorplans import _footprint, clearance, load_floorplan
from errands.envs.household.render.camera import Camera
from errands.envs.household.scene import CAMERA_HEIGHT, FLOOR, FURNITURE, WALL, Pose
from errands.envs.household.world import World


def grid(rows: list[str]) -> np.ndarray:
    return np.array([[FLOOR if ch == "F" else WALL for ch in row] for row in rows], dtype=np.uint8)


def test_short_runs_between_parts_of_the_room_are_clearance_not_wall():
    cells = grid(["WWWWWWWW",
                  "WFFWWFFW",
                  "WFFWFFFW",
                  "WWWWWWWW"])
    assert np.argwhere(clearance(cells)).tolist() == [[1, 3], [1, 4], [2, 3]]
    assert np.argwhere(clearance(cells, max_gap=1)).tolist() == [[2, 3]]  # the run of 2 is too long
    assert not clearance(cells)[0].any() and not clearance(cells)[:, 0].any()  # runs to the edge stay walls


def test_footprints_are_rectangles_within_the_extent_off_the_floor_and_off_other_boxes():
    cells = np.full((7, 7), WALL, dtype=np.uint8)
    cells[:, 0] = FLOOR
    cells[3, 3] = FLOOR
    to_cell = lambda x, z: (int(round(z / 0.25)), int(round(x / 0.25)))  # noqa: E731
    # a cabinet centred on a walkable cell starts at the nearest blocked one and stops at the floor
    assert _footprint(cells, to_cell, (0.75, 0.9, 0.75), "Cabinet") == [(1, 2), (1, 3), (1, 4), (2, 2), (2, 3), (2, 4)]
    # a fridge beside another box does not grow into its cells
    assert _footprint(cells, to_cell, (0.5, 0.9, 0.5), "Fridge", taken={(1, 1)}) == [(1, 2), (2, 2), (3, 2)]


def test_the_camera_stands_at_ai2thors_height():
    assert CAMERA_HEIGHT == 1.576  # the agent's centre at 0.901 m and the camera 0.675 m above


def test_every_receptacle_alfreds_valid_tasks_use_is_in_their_floor_plans(alfred_dir):
    splits = json.loads((alfred_dir / "splits-oct21.json").read_text())
    needed: dict[int, set] = {}
    for split in ("valid_seen", "valid_unseen"):
        for entry in splits[split]:
            _, _, movable, parent, number = entry["task"].split("/")[0].split("-")
            needed.setdefault(int(number), set()).update(t for t in (movable, parent) if t != "None")
    missing = []
    for number, types in sorted(needed.items()):
        present = {o.type for o in load_floorplan(alfred_dir / "layouts", number).objects}
        missing += [(number, t) for t in sorted(types) if t not in present]
    assert len(needed) == 92  # 88 seen floor plans, 4 unseen
    assert missing == [(304, "Drawer")]  # FloorPlan304's files list no drawer anywhere


def test_a_standing_receptacle_is_placed_by_the_floor_facing_its_pose(alfred_dir):
    scene = load_floorplan(alfred_dir / "layouts", 1)
    cans = [o for o in scene.fixed if o.type == "GarbageCan"]
    assert [o.id for o in cans] == ["GarbageCan|+01.00|+00.00|+00.75"]  # ALFRED lists none in FloorPlan1
    assert cans[0].footprint == [(16, 15)] and scene.cells[16, 15] == FURNITURE
    assert scene.recorded_poses[cans[0].id] == [Pose(17, 15, 180, 30)] and scene.is_floor(17, 15)
    assert load_floorplan(alfred_dir / "layouts", 1, seed=5).fixed_index == scene.fixed_index  # the plan's, not a task's


def test_the_camera_shows_the_receptacles_of_the_unseen_floor_plans(alfred_dir):
    """From the poses that frame and reach it, the 64x64 camera shows every receptacle of
    valid_unseen's floor plans but one burner (an appliance placed at its counter); and
    nothing is placed where every surface is above the camera."""
    hidden, above = {}, {}
    for number in (10, 219, 308, 424):
        scene = load_floorplan(alfred_dir / "layouts", number)
        camera = Camera(64)
        world = World(scene, sight=camera)
        hidden[number] = []
        for spec in scene.fixed:
            if spec.id in scene.unreachable or not spec.object_type.receptacle:
                continue
            with_pose = False
            for pose in scene.interaction_poses[spec.id].tolist():
                with world.standing_at(Pose(*pose)):
                    if spec.id in camera.shown_ids(world):
                        with_pose = True
                        break
            if not with_pose:
                hidden[number].append(spec.id)
        above[number] = scene.above_eye
        assert not any(o.parent in scene.above_eye for o in scene.objects)
    assert hidden == {10: ["StoveBurner|+00.93|+01.05|-00.21"], 219: [], 308: [], 424: []}
    assert above == {10: ["Cabinet|+00.95|+02.16|-02.38"],
                     219: ["Shelf|-00.27|+01.58|+00.99", "Shelf|-01.29|+01.58|+00.27", "Shelf|-05.24|+01.58|+00.07",
                           "Shelf|-05.24|+01.78|+00.07", "Shelf|-05.24|+01.97|+00.09"],
                     308: ["Shelf|-01.29|+01.72|+00.41", "Shelf|-01.96|+01.72|+00.41"], 424: []}


def test_the_fridge_shows_from_the_pose_alfred_recorded_for_it(alfred_dir):
    """FloorPlan10's fridge stands a metre from its recorded pose, past unlisted cells
    that were once drawn as a wall in front of the camera."""
    scene = load_floorplan(alfred_dir / "layouts", 10)
    fridge = "Fridge|+00.97|+00.00|+01.25"
    pose = scene.recorded_poses[fridge][0]
    assert pose == Pose(17, 16, 90, 0)
    assert scene.clearance[17, 17] and scene.cells[17, 17] == WALL and not scene.is_floor(17, 17)
    camera = Camera(64)
    world = World(scene, sight=camera)
    world.agent = pose
    pixels = int((camera.render(world, rgb=False, depth=False)["segmentation"] == camera.segments.value(fridge)).sum())
    assert pixels > 64 * 64 // 4  # a third of the frame (1428 pixels); a wall there drew none
