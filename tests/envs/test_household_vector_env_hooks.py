"""HouseholdVectorEnv's hooks for trainers: `adopt` (a world already in play, its episode
going on from the counts of the env that played it) and SIT_OUT (a world that does not
act this step), checked against the scalar env playing on."""

import numpy as np
import pytest

from errands.envs.household_env import HouseholdEnv
from errands.envs.household_vector_env import SIT_OUT, HouseholdVectorEnv


def test_an_adopted_world_plays_on_as_its_scalar_env_would():
    scalar = HouseholdEnv(max_steps=8)
    scalar.reset(seed=5)
    for action in ("RotateLeft", "MoveAhead", "PickupObject Nothing"):  # a failed action among them
        scalar.step(action)
    twin = HouseholdEnv(max_steps=8)
    twin.reset(seed=5)
    for action in ("RotateLeft", "MoveAhead", "PickupObject Nothing"):
        twin.step(action)
    batch = HouseholdVectorEnv(num_envs=2, max_steps=8, full_info=True, autoreset_mode="Disabled")
    batch.reset(seed=0)
    batch.adopt(1, twin.task, twin.world, twin.steps, twin.failures, twin.last_success)
    assert twin.failures >= 1  # failures carried over, and compared below
    for t, action in enumerate(["MoveAhead", "RotateRight", "LookDown", "MoveAhead", "RotateLeft"]):
        obs, reward, terminated, truncated, info = batch.step(["RotateLeft", action])
        s_obs, s_reward, s_terminated, s_truncated, s_info = scalar.step(action)
        assert np.array_equal(obs["view"][1], s_obs["view"]) and np.array_equal(obs["pose"][1], s_obs["pose"])
        assert (info["steps"][1], info["failures"][1], info["error_message"][1]) == \
               (s_info["steps"], s_info["failures"], s_info["error_message"])
        assert (bool(terminated[1]), bool(truncated[1]), float(reward[1])) == (s_terminated, s_truncated, s_reward)
    assert s_truncated and info["steps"][1] == 8  # the 3 steps before adoption counted toward max_steps
    with pytest.raises(IndexError, match="env index 2 out of range: expected 0..1"):
        batch.adopt(2, twin.task, twin.world)
    for bad in (2, -1):
        with pytest.raises(IndexError, match=f"env index {bad} out of range: expected 0..1"):
            batch.world(bad)
    with pytest.raises(ValueError, match="env 0: the world has view_size 7, the batch 9"):
        small = HouseholdEnv(view_size=7)
        small.reset(seed=1)
        batch.adopt(0, small.task, small.world)


def test_an_adopted_world_seen_through_the_camera_is_seen_through_the_batchs():
    options = {"visibility": "camera", "resolution": 32}
    scalar, twin = HouseholdEnv(**options), HouseholdEnv(**options)
    for env in (scalar, twin):
        env.reset(seed=8)
        env.step("RotateRight")
    batch = HouseholdVectorEnv(num_envs=1, full_info=True, autoreset_mode="Disabled", **options)
    batch.adopt(0, twin.task, twin.world, twin.steps, twin.failures, twin.last_success)
    seen = 0
    for action in ["MoveAhead", "RotateLeft", "MoveAhead", "RotateLeft", "LookDown", "MoveAhead"]:
        _, _, _, _, info = batch.step([action])
        _, _, _, _, s_info = scalar.step(action)
        assert info["visible_objects"][0] == s_info["visible_objects"]
        seen += len(s_info["visible_objects"])
    assert seen > 0
    with pytest.raises(ValueError, match="env 0: the world sees by the geometric rule, the batch by the camera rule"):
        geometric = HouseholdEnv()
        geometric.reset(seed=1)
        batch.adopt(0, geometric.task, geometric.world)


def test_a_world_that_sits_out_stands_still_and_may_wait_after_its_end():
    batch = HouseholdVectorEnv(num_envs=3, full_info=True, autoreset_mode="Disabled")
    batch.reset(seed=2)
    before = batch.step(["RotateLeft", "RotateLeft", "Stop"])  # world 2 ends
    pose, steps = before[0]["pose"][1].copy(), int(before[4]["steps"][1])
    obs, reward, terminated, truncated, info = batch.step(["MoveAhead", SIT_OUT, SIT_OUT])
    assert np.array_equal(obs["pose"][1], pose) and info["steps"][1] == steps  # no step counted
    assert not terminated[1] and not truncated[1] and reward[1] == 0.0
    assert not terminated[2]  # its end was the step before; it waits to be reset
    with pytest.raises(RuntimeError, match=r"envs \[2\] ended: reset them"):
        batch.step(["MoveAhead", "MoveAhead", "MoveAhead"])
    with pytest.raises(ValueError, match="expected 3 actions"):
        batch.step([SIT_OUT])
