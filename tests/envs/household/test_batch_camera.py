"""BatchCamera against the one-world Camera: every frame of N worlds drawn in one batch
equals, pixel for pixel (tolerance zero: no pixel of the RGB, depth or segmentation may
differ), the frame Camera draws of each world alone, over many poses and states of
procedural scenes of every room type and of ALFRED floor plans, at square and
non-square resolutions; and bad input is refused with the reason."""

import numpy as np
import pytest

from errands.envs.actions import INTERACTION_ACTIONS, NAVIGATION_ACTIONS, Action
from errands.envs.household.alfred_floorplans import load_floorplan
from errands.envs.household.render import batch_camera
from errands.envs.household.render.batch_camera import BatchCamera
from errands.envs.household.render.camera import Camera
from errands.envs.household.scene import FLOOR, HEADINGS, HORIZONS, Pose
from errands.envs.household.scenes import load_scene
from errands.envs.household.world import World

PROCEDURAL = (1, 7, 201, 215, 301, 322, 401, 428)  # two of each room type
FLOORPLANS = (2, 205, 310, 403)


def worlds_of(alfred_dir) -> list[World]:
    scenes = [load_scene(s) for s in PROCEDURAL]
    scenes += [load_floorplan(alfred_dir / "layouts", n) for n in FLOORPLANS]
    return [World(scene) for scene in scenes]


def assert_frames_equal(batch: dict, worlds: list[World], cameras: list[Camera], where: str) -> int:
    """Each world's batch frame is its Camera frame; the number of pixels compared."""
    for i, (world, camera) in enumerate(zip(worlds, cameras)):
        alone = camera.render(world)
        for key, image in alone.items():
            got = batch[key][i]
            assert got.dtype == image.dtype and got.shape == image.shape, (where, i, key)
            differ = np.argwhere(got != image)
            assert not len(differ), f"{where}: world {i} {key} differs at {differ[:5].tolist()}"
    return len(worlds) * batch["segmentation"][0].size


@pytest.mark.parametrize("resolution", [32, (24, 40)])
def test_batch_frames_are_the_cameras_over_many_poses(alfred_dir, resolution):
    worlds = worlds_of(alfred_dir)
    batch = BatchCamera(len(worlds), resolution)
    cameras = [Camera(resolution) for _ in worlds]
    rng = np.random.default_rng(0)
    floors = [np.argwhere(w.scene.cells == FLOOR) for w in worlds]
    compared = 0
    for t in range(40):  # every world at a random pose: each heading and horizon, many cells
        for world, cells in zip(worlds, floors):
            r, c = cells[rng.integers(len(cells))]
            world.agent = Pose(int(r), int(c), HEADINGS[t % 4], HORIZONS[(t // 4) % len(HORIZONS)])
        compared += assert_frames_equal(batch.render(worlds), worlds, cameras, f"pose {t}")
    assert compared == 40 * len(worlds) * batch.height * batch.width


def test_batch_frames_are_the_cameras_as_worlds_change(alfred_dir, monkeypatch):
    """Random walks with interactions on visible objects (doors open, objects are picked
    up, put down, sliced): the layers follow each world's changes, and the pools those
    changes fill are compacted (small floors here, so that it happens) without changing
    a frame."""
    monkeypatch.setattr(batch_camera, "STATIC_POOL_FLOOR", 64)
    monkeypatch.setattr(batch_camera, "DYNAMIC_POOL_FLOOR", 64)
    worlds = worlds_of(alfred_dir)
    batch = BatchCamera(len(worlds), 24)
    batch._static_limit = batch._dynamic_limit = 64
    cameras = [Camera(24) for _ in worlds]
    rng = np.random.default_rng(1)
    changed = held = 0
    for t in range(120):
        for world in worlds:
            name = INTERACTION_ACTIONS[int(rng.integers(len(INTERACTION_ACTIONS)))] if rng.random() < 0.6 else ""
            visible = world.visible_ids()
            if name and visible:
                action = Action(name, visible[int(rng.integers(len(visible)))])
            else:
                action = Action(NAVIGATION_ACTIONS[int(rng.integers(len(NAVIGATION_ACTIONS)))])
            version = world.version
            try:
                world.step(action)
            except ValueError:  # refused, as the env counts a failed action
                pass
            changed += world.version != version
            held += world.held is not None
        assert_frames_equal(batch.render(worlds), worlds, cameras, f"step {t}")
    assert changed >= 50 and held >= 200  # the run changed worlds and held things
    assert batch.compactions["static"] >= 1 and batch.compactions["dynamic"] >= 2


def test_unchanged_worlds_are_not_drawn_again_and_new_worlds_get_new_segment_tables():
    worlds = [World(load_scene(s)) for s in (1, 201)]
    batch = BatchCamera(2, 16, keys=("segmentation",))
    first = batch.render(worlds)
    assert set(first) == {"segmentation"}
    drawn = batch._drawn.copy()
    again = batch.render(worlds)
    assert np.array_equal(first["segmentation"], again["segmentation"]) and np.array_equal(drawn, batch._drawn)
    table = batch.segments[1]
    worlds[1] = World(load_scene(201))
    batch.render(worlds)
    assert batch.segments[1] is not table and batch.segments[0] is not None


def test_sight_reads_the_batch_frame_and_sees_what_the_camera_sees():
    worlds = [World(load_scene(s)) for s in (1, 301)]
    batch = BatchCamera(2, 32)
    frames = batch.render(worlds)
    for i, world in enumerate(worlds):
        shown = batch.sight(i).shown_ids(world)
        values = np.unique(frames["segmentation"][i])
        assert shown == {batch.segments[i].object_id(int(v)) for v in values if v}
        assert shown == Camera(32).shown_ids(world)
        world.agent = world.agent.after("RotateLeft")  # a pose the batch has not drawn
        assert batch.sight(i).shown_ids(world) == Camera(32).shown_ids(world)


def test_bad_input_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="num_worlds must be a positive integer, got 0"):
        BatchCamera(0)
    with pytest.raises(ValueError, match=r"unknown camera keys \['normals'\]"):
        BatchCamera(2, keys=("rgb", "normals"))
    with pytest.raises(ValueError, match="resolution"):
        BatchCamera(2, resolution=4)
    batch = BatchCamera(2, 16)
    worlds = [World(load_scene(1)), World(load_scene(2))]
    with pytest.raises(ValueError, match="expected 2 worlds \\(one per camera\\), got 1"):
        batch.render(worlds[:1])
    rows, cols = np.array([3, 3]), np.array([4, 4])
    with pytest.raises(ValueError, match=r"camera pose \(camera 1\): heading 45 and horizon 0: expected a heading "
                                         r"in \(0, 90, 180, 270\)"):
        batch.render(worlds, rows, cols, np.array([0, 45]), np.array([0, 0]))
    with pytest.raises(ValueError, match="horizon 20"):
        batch.render(worlds, rows, cols, np.array([0, 0]), np.array([20, 0]))
    with pytest.raises(ValueError, match=r"heading must be an integer array of shape \(2,\)"):
        batch.render(worlds, rows, cols, np.array([0.0, 0.0]), np.array([0, 0]))
    world = World(load_scene(1))
    world.agent = world.agent._replace(horizon=75)
    with pytest.raises(ValueError, match="camera pose: heading .* and horizon 75"):
        Camera(16).render(world)
