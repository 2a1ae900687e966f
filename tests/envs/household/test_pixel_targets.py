"""Interactions whose target is a pixel of the camera's frame (ALFRED's interaction
mask, read as the object under one pixel): the object the segmentation shows there is
acted on, exactly as when it is named by id; a pixel that shows the room, lies outside
the frame or is malformed, and a world without a camera, are refused with the reason."""

import numpy as np
import pytest

from errands.envs.actions import Action, parse_pixel_target, pixel_target
from errands.envs.household_env import HouseholdEnv


def pickup_in_view(seed_range=range(40)):
    """(env, object id, its pixel) for the first seed whose start frame shows an object
    the agent can pick up (in view within reach)."""
    for seed in seed_range:
        env = HouseholdEnv(observations=("rgb", "segmentation"), resolution=48)
        obs, info = env.reset(seed=seed)
        ids = info["segmentation_ids"]
        for oid in info["visible_objects"]:
            obj = env.world.objects[oid]
            if not obj.type.pickupable:
                continue
            ys, xs = np.nonzero(obs["segmentation"] == ids.index(oid) + 1)
            if len(ys):
                return env, oid, (int(xs[len(xs) // 2]), int(ys[len(ys) // 2]))
    raise AssertionError("no start frame in the seeds shows a pickupable object within reach")


def test_pixel_target_strings_round_trip_and_malformed_ones_are_named():
    assert pixel_target(3, 17) == "pixel:3,17"
    assert parse_pixel_target("pixel:3,17") == (3, 17)
    assert parse_pixel_target("Apple") is None
    assert parse_pixel_target("Apple|+01.00|+00.90|-00.50") is None
    with pytest.raises(ValueError, match=r"malformed pixel target 'pixel:3;17': expected 'pixel:X,Y'"):
        parse_pixel_target("pixel:3;17")
    assert Action.parse("PickupObject pixel:3,17") == Action("PickupObject", "pixel:3,17")


def test_a_pixel_of_an_object_acts_on_that_object():
    env, oid, (x, y) = pickup_in_view()
    _, _, _, _, info = env.step(("PickupObject", pixel_target(x, y)))
    assert info["last_action_success"], info["error_message"]
    assert info["last_action_object"] == oid
    assert env.world.held == oid


def test_a_pixel_of_the_held_object_is_refused_as_the_id_would_be():
    env, oid, (x, y) = pickup_in_view()
    env.step(("PickupObject", pixel_target(x, y)))
    obs, *_ = env.step("LookDown")
    ids = env.segmentation_ids
    ys, xs = np.nonzero(obs["segmentation"] == ids.index(oid) + 1)
    assert len(ys), "the held object is drawn in the frame"
    _, _, _, _, info = env.step(("OpenObject", pixel_target(int(xs[0]), int(ys[0]))))
    assert not info["last_action_success"]
    assert info["error_message"] == f"OpenObject failed: {oid} is in the agent's hand"


def test_pixels_of_the_room_outside_the_frame_or_malformed_are_refused_with_the_reason():
    env, oid, _ = pickup_in_view()
    seg = env.camera.render(env.world, rgb=False, depth=False)["segmentation"]
    ys, xs = np.nonzero(seg == 0)
    assert len(ys), "the frame shows some floor, wall or ceiling"
    x, y = int(xs[0]), int(ys[0])
    before = env.world.version
    cases = {pixel_target(x, y): f"PickupObject failed: pixel ({x}, {y}) shows no object (the floor, a wall or "
                                 f"the ceiling)",
             "pixel:48,0": "PickupObject failed: pixel (48, 0) is outside the 48x48 frame (expected x 0..47, y 0..47)",
             "pixel:-1,2": "PickupObject failed: malformed pixel target 'pixel:-1,2': expected 'pixel:X,Y' with X "
                           "and Y non-negative integers (column and row of the camera's frame)"}
    for target, message in cases.items():
        _, _, _, _, info = env.step(("PickupObject", target))
        assert not info["last_action_success"]
        assert info["error_message"] == message
    assert env.world.version == before and env.world.held is None


def test_a_world_without_a_camera_refuses_pixel_targets():
    env = HouseholdEnv()
    env.reset(seed=0)
    _, _, _, _, info = env.step(("PickupObject", "pixel:3,4"))
    assert not info["last_action_success"]
    assert info["error_message"] == ("PickupObject failed: a pixel target needs the camera's visibility (an env with "
                                     "camera observations); this world sees by the geometric rule")
