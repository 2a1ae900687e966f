"""HouseholdVectorEnv's camera (one BatchCamera for all worlds) against N scalar
HouseholdEnvs under SyncVectorEnv: identical RGB, depth and segmentation frames (no
pixel may differ), info and rewards step by step, across autoresets and with
interactions that change what the camera shows; the spaces, shapes and dtypes the
scalar env declares; bad input refused with the reason."""

import gymnasium as gym
import numpy as np
import pytest
from test_household_vector_env import assert_same, assert_same_step, per_env, play, scalar_batch

from errands.envs.actions import ACTIONS, INTERACTION_ACTIONS, NAVIGATION_ACTIONS, pixel_target
from errands.envs.household_env import HouseholdEnv
from errands.envs.household_vector_env import HouseholdVectorEnv

CAMERA = ("rgb", "depth", "segmentation")


def visible_interactions(n: int, seed: int):
    """Navigation, or an interaction aimed at a visible object, per world."""
    rng = np.random.default_rng(seed)

    def act(t, obs, info):
        actions = []
        for visible in info["visible_objects"]:
            if visible and rng.random() < 0.5:
                name = INTERACTION_ACTIONS[int(rng.integers(len(INTERACTION_ACTIONS)))]
                actions.append((name, visible[int(rng.integers(len(visible)))]))
            else:
                actions.append(NAVIGATION_ACTIONS[int(rng.integers(len(NAVIGATION_ACTIONS)))])
        return actions
    return act


def test_spaces_shapes_and_dtypes_are_the_scalar_envs_batched():
    n, resolution = 3, (24, 40)
    vector = HouseholdVectorEnv(num_envs=n, observations=("view",) + CAMERA, resolution=resolution)
    scalar = HouseholdEnv(observations=("view",) + CAMERA, resolution=resolution)
    assert vector.single_observation_space == scalar.observation_space
    obs, _ = vector.reset(seed=0)
    expected = {"rgb": ((n, 24, 40, 3), np.uint8), "depth": ((n, 24, 40), np.float32),
                "segmentation": ((n, 24, 40), np.uint16)}
    for key, (shape, dtype) in expected.items():
        assert obs[key].shape == shape and obs[key].dtype == dtype, key
        assert vector.observation_space[key].shape == shape and vector.observation_space[key].dtype == dtype
        for i in range(n):
            assert vector.single_observation_space[key].contains(obs[key][i]), (key, i)
    obs2, *_ = vector.step(["RotateLeft"] * n)
    assert not np.shares_memory(obs["rgb"], obs2["rgb"])  # each step's frames are the caller's own
    assert not np.array_equal(obs["rgb"], obs2["rgb"])


def test_frames_with_interactions_match_scalar_envs(alfred_dir):
    n, kwargs = 4, {"observations": CAMERA, "resolution": 32}
    vector, scalar = HouseholdVectorEnv(num_envs=n, full_info=True, **kwargs), scalar_batch(n, **kwargs)
    counts = play(vector, scalar, visible_interactions(n, 3), 120, seed=11)
    assert counts["ends"] >= 1
    kwargs.update(scenes="alfred_floorplans", layouts_dir=str(alfred_dir / "layouts"))
    vector, scalar = HouseholdVectorEnv(num_envs=n, full_info=True, **kwargs), scalar_batch(n, **kwargs)
    play(vector, scalar, visible_interactions(n, 4), 60, seed=12)


@pytest.mark.parametrize("mode", [gym.vector.AutoresetMode.NEXT_STEP, gym.vector.AutoresetMode.SAME_STEP])
def test_frames_across_autoresets_match_scalar_envs(mode):
    """Worlds that stop are reset (the next step, or the same step with the last frame
    in final_obs) and show their new episode's first frame, as the scalar envs do."""
    n, kwargs = 4, {"observations": CAMERA, "resolution": 24}
    vector = HouseholdVectorEnv(num_envs=n, full_info=True, autoreset_mode=mode, **kwargs)
    scalar = scalar_batch(n, autoreset_mode=mode, **kwargs)
    assert_same_step(vector.reset(seed=6), scalar.reset(seed=6), -1)
    stops = {2: 0, 4: 3, 5: 0, 9: 1}  # step -> the world that stops
    ends = 0
    for t in range(14):
        actions = [ACTIONS[(t + i) % 5] if stops.get(t) != i else "Stop" for i in range(n)]
        result = vector.step(actions)
        assert_same_step(result, scalar.step(actions), t)
        ends += int((result[2] | result[3]).sum())
        if mode == gym.vector.AutoresetMode.SAME_STEP and stops.get(t) is not None:
            assert set(result[4]["final_obs"][stops[t]]) >= set(CAMERA)
    assert ends == len(stops)


def test_camera_visibility_without_camera_observations_matches_scalar_envs():
    n, kwargs = 3, {"observations": ("view",), "visibility": "camera", "resolution": 24}
    vector, scalar = HouseholdVectorEnv(num_envs=n, full_info=True, **kwargs), scalar_batch(n, **kwargs)
    assert vector.camera is not None and vector.camera.keys == ()
    play(vector, scalar, visible_interactions(n, 5), 80, seed=13)


def test_text_in_view_through_the_camera_matches_scalar_envs():
    """The text observation reads what each world's frame shows (its sight is the batch)."""
    n, kwargs = 3, {"observations": ("rgb", "text"), "resolution": 24}
    vector, scalar = HouseholdVectorEnv(num_envs=n, full_info=True, **kwargs), scalar_batch(n, **kwargs)
    play(vector, scalar, visible_interactions(n, 6), 60, seed=14)


def test_one_worlds_bad_action_leaves_the_others_frames_as_the_scalar_envs():
    n, kwargs = 3, {"observations": CAMERA, "resolution": 16}
    vector, scalar = HouseholdVectorEnv(num_envs=n, full_info=True, **kwargs), scalar_batch(n, **kwargs)
    assert_same_step(vector.reset(seed=2), scalar.reset(seed=2), -1)
    actions = ["RotateLeft", "Fly", "LookDown"]
    result = vector.step(actions)
    assert_same_step(result, scalar.step(per_env(actions)), 0)
    assert list(result[4]["last_action_success"]) == [True, False, True]


@pytest.mark.parametrize("kwargs, words", [
    ({"observations": ("rgb",), "resolution": 4}, "resolution must be between 8 and 2048 pixels a side, got 4x4"),
    ({"observations": ("rgb",), "resolution": "64"}, "resolution must be an int or a (height, width) pair"),
    ({"observations": ("rgbd",)}, "unknown observation key 'rgbd'"),
    ({"observations": ("rgb",), "visibility": "xray"}, "unknown visibility 'xray'"),
])
def test_bad_camera_options_are_refused_with_the_reason(kwargs, words):
    with pytest.raises(ValueError) as error:
        HouseholdVectorEnv(num_envs=2, **kwargs)
    assert words in str(error.value)


def test_make_vec_gives_the_camera_too():
    env = gym.make_vec("errands/Household-v0", num_envs=2, vectorization_mode="vector_entry_point",
                       observations=("rgb",), resolution=16)
    obs, _ = env.reset(seed=0)
    assert obs["rgb"].shape == (2, 16, 16, 3)
    single = HouseholdEnv(observations=("rgb",), resolution=16)
    first, _ = single.reset(seed=0)
    assert_same(obs["rgb"][0], first["rgb"])


def pixel_interactions(n: int, seed: int):
    """Per world: navigation, or an interaction aimed at a pixel of the frame, half the
    time one that shows a visible object, else any pixel (the room, something out of
    reach, a malformed or outside one now and then)."""
    rng = np.random.default_rng(seed)

    def act(t, obs, info):
        actions = []
        for i in range(n):
            if rng.random() < 0.4:
                actions.append(NAVIGATION_ACTIONS[int(rng.integers(len(NAVIGATION_ACTIONS)))])
                continue
            name = INTERACTION_ACTIONS[int(rng.integers(len(INTERACTION_ACTIONS)))]
            seg = obs["segmentation"][i]
            ys, xs = np.nonzero(seg)
            if len(ys) and rng.random() < 0.5:
                k = int(rng.integers(len(ys)))
                actions.append((name, pixel_target(int(xs[k]), int(ys[k]))))
            elif rng.random() < 0.9:
                actions.append((name, pixel_target(int(rng.integers(seg.shape[1])), int(rng.integers(seg.shape[0])))))
            else:
                actions.append((name, rng.choice(["pixel:99,1", "pixel:x,3"])))
        return actions
    return act


def test_pixel_targets_match_scalar_envs():
    """Interactions named by a pixel resolve to the same object, succeed and fail alike,
    with the same errors, in the batch and in the scalar envs."""
    n, kwargs = 4, {"observations": CAMERA, "resolution": 32}
    vector, scalar = HouseholdVectorEnv(num_envs=n, full_info=True, **kwargs), scalar_batch(n, **kwargs)
    counts = play(vector, scalar, pixel_interactions(n, 5), 150, seed=13)
    assert counts["ends"] >= 1
