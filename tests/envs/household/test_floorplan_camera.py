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
    valid_unseen's floor plans (FloorPlan10's burner too, once hidden under the coffee
    machine at its counter's centre); and nothing is placed where every surface is above
    the camera."""
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
    assert hidden == {10: [], 219: [], 308: [], 424: []}
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


def test_a_drawer_behind_its_counters_edge_pulls_out_past_it(alfred_dir):
    """FloorPlan13's drawer stands a cell behind the edge of the counter it is built into
    (its front faces +x, the counter's cells reach 0.3 m further): open, what lies in it
    comes out past the edge, where the camera sees it from above."""
    from errands.envs.household.render.placement import _front, _furniture_ahead, _unit_frame, scene_geometry

    scene = load_floorplan(alfred_dir / "layouts", 13)
    drawer = scene.fixed[scene.fixed_index["Drawer|-01.86|+00.78|+01.96"]]
    frame = _unit_frame(scene, drawer, _front(scene, drawer))
    assert (frame.front, round(frame.x1, 3)) == ("+x", -1.675)
    assert round(_furniture_ahead(scene, drawer, frame), 3) == 0.3
    counter_edge = -1.375  # the far side of the counter's cells before the drawer
    opened = scene_geometry(scene).looks[scene.fixed_index[drawer.id]][1]
    assert [(round(s.x0, 3), round(s.x1, 3)) for s in opened.surfaces] == [(-1.365, -1.105)]
    assert all(s.x0 > counter_edge for s in opened.surfaces)


def test_what_an_imported_counter_holds_rests_off_its_appliances(alfred_dir):
    """The burners, coffee machine and toaster ALFRED's files put at a counter's centre
    are drawn on cells of their own (FloorPlan18), and no worktop surface lies under the
    microwave standing over a counter (FloorPlan27)."""
    from errands.envs.household.render.placement import _appliance_box, _front, drawn_xz, scene_geometry

    scene = load_floorplan(alfred_dir / "layouts", 18)
    drawn = {o.id: scene.xz_cell(*drawn_xz(scene, o)) for o in scene.fixed
             if o.type in ("StoveBurner", "StoveKnob", "CoffeeMachine", "Toaster")}
    assert drawn == {"StoveBurner|+01.39|+01.13|+00.90": (5, 12), "StoveKnob|+01.39|+01.18|+00.90": (5, 12),
                     "StoveBurner|+01.49|+01.13|+04.72": (20, 13), "StoveKnob|+01.49|+01.18|+04.72": (20, 13),
                     "CoffeeMachine|+01.39|+01.13|+00.90": (4, 12), "Toaster|+01.39|+01.13|+00.90": (6, 12)}
    scene = load_floorplan(alfred_dir / "layouts", 27)
    microwave = next(o for o in scene.fixed if o.type == "Microwave")
    x0, x1, z0, z1 = _appliance_box(microwave, _front(scene, microwave), drawn_xz(scene, microwave))
    counter = scene.fixed_index["CounterTop|+01.07|+00.97|+02.67"]
    surfaces = scene_geometry(scene).looks[counter][0].surfaces
    assert len(surfaces) == 43  # of its 55 cells: none under the microwave, the burner, coffee machine or toaster
    assert not [s for s in surfaces if s.x0 < x1 and x0 < s.x1 and s.z0 < z1 and z0 < s.z1]


def test_a_drawer_facing_the_end_of_its_counter_shows_from_its_pose(alfred_dir):
    """FloorPlan423's drawer faces the counter's end, a cell inside it: the counter has a
    notch before its front, so the camera shows it from the pose ALFRED recorded."""
    scene = load_floorplan(alfred_dir / "layouts", 423)
    drawer = "Drawer|-00.33|+00.32|+01.72"
    camera = Camera(64)
    world = World(scene, sight=camera)
    world.agent = scene.recorded_poses[drawer][0]
    assert world.agent == Pose(10, 11, 90, 30)
    assert drawer in camera.shown_ids(world)


def test_shelves_sharing_cells_are_boards_of_one_piece(alfred_dir):
    """FloorPlan227 records shelves whose cells overlap: each is its own board, at its
    height, not a whole shelving unit whose bottom board the others hide."""
    from errands.envs.household.render.placement import scene_geometry

    scene = load_floorplan(alfred_dir / "layouts", 227)
    looks = scene_geometry(scene).looks[scene.fixed_index["Shelf|-01.78|+00.99|+00.18"]]
    assert [s.y for s in looks[0].surfaces] == [0.99]


def test_a_drawer_in_a_counter_faces_the_room_not_the_counter_beyond_it(alfred_dir):
    """FloorPlan4's drawers and FloorPlan219's have their poses off to a side, along the
    counter they are built into: towards the pose lies a metre of counter, so each faces
    the counter's front, and open it shows from the pose ALFRED recorded (facing the
    pose, the drawer opened into the counter and showed from none of them)."""
    from errands.envs.household.render.placement import _faces_room, _front

    for number, drawer, pose in ((4, "Drawer|-02.04|+00.22|+00.59", Pose(5, 14, 270, 30)),
                                 (219, "Drawer|-05.02|+00.88|+00.37", Pose(6, 8, 270, 30))):
        scene = load_floorplan(alfred_dir / "layouts", number)
        spec = scene.fixed[scene.fixed_index[drawer]]
        assert scene.recorded_poses[drawer] == [pose]
        assert not _faces_room(scene, spec.footprint, "+x")  # the side towards the pose
        assert _front(scene, spec) == "+z"
        camera = Camera(64)
        world = World(scene, sight=camera)
        world.objects[drawer].is_open = True
        world.version += 1
        world.agent = pose
        assert drawer in camera.shown_ids(world)


def test_cabinets_side_by_side_keep_to_their_own_side(alfred_dir):
    """FloorPlan11 records two base cabinets 0.42 m apart whose cells, rounded to the
    grid, share a column: each is drawn on its side of the midpoint between them, so
    that neither's carcass stands in the other (what lay in one was hidden by the other)."""
    from errands.envs.household.render.placement import _front, _unit_frame

    scene = load_floorplan(alfred_dir / "layouts", 11)
    left, right = (scene.fixed[scene.fixed_index[i]] for i in ("Cabinet|-00.82|+00.40|-01.35",
                                                                "Cabinet|-00.40|+00.40|-01.35"))
    assert set(left.footprint) & set(right.footprint) == {(5, 8)}
    frames = [_unit_frame(scene, spec, _front(scene, spec)) for spec in (left, right)]
    assert [f.front for f in frames] == ["+z", "+z"]
    assert [(round(f.x0, 3), round(f.x1, 3)) for f in frames] == [(-1.125, -0.625), (-0.61, -0.375)]


def test_shelves_inside_a_tv_stand_show_through_its_open_front(alfred_dir):
    """FloorPlan225 records shelves inside its TV stand, below its top: the stand is drawn
    open at the front (a closed body hid the boards), so the low board shows from the
    pose ALFRED recorded for it."""
    from errands.envs.household.render.placement import _neighbours, _unit_frame

    scene = load_floorplan(alfred_dir / "layouts", 225)
    stand = scene.fixed[scene.fixed_index["TVStand|-00.34|+00.01|+02.68"]]
    assert _neighbours(scene, stand, _unit_frame(scene, stand, "-x")).shelved
    shelf = "Shelf|-00.34|+00.18|+02.67"
    camera = Camera(64)
    world = World(scene, sight=camera)
    world.agent = scene.recorded_poses[shelf][0]
    assert shelf in camera.shown_ids(world)
