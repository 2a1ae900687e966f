"""The camera behind the env: observation keys and spaces, laziness, the consistency of
the segmentation with the symbolic world, and `errands run --video`."""

import sys

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import errands  # noqa: F401  (registers the envs)
from errands.cli import main
from errands.envs.actions import ACTIONS, INTERACTION_ACTIONS, NAVIGATION_ACTIONS
from errands.envs.household.camera import MAX_DEPTH


def test_observation_keys_and_spaces_are_exact():
    env = gym.make("errands/Household-v0", observations=("rgb", "depth", "segmentation", "view"),
                   resolution=(48, 64))
    space = env.observation_space
    assert set(space.spaces) == {"instruction", "rgb", "depth", "segmentation", "view", "pose", "held"}
    assert space["rgb"].shape == (48, 64, 3) and space["rgb"].dtype == np.uint8
    assert space["depth"].shape == (48, 64) and space["depth"].dtype == np.float32
    assert float(space["depth"].high.max()) == MAX_DEPTH and float(space["depth"].low.min()) == 0.0
    assert space["segmentation"].dtype == np.uint16
    obs, info = env.reset(seed=4)
    assert space.contains(obs)
    assert info["segmentation_ids"] == env.unwrapped.segmentation_ids
    for _ in range(5):
        obs, *_ , info = env.step(env.action_space.sample())
        assert space.contains(obs)
    check_env(gym.make("errands/Household-v0", observations=("rgb", "segmentation"), resolution=32).unwrapped)


def test_symbolic_only_by_default_and_unknown_keys_are_refused():
    env = gym.make("errands/Household-v0")
    assert set(env.observation_space.spaces) == {"instruction", "view", "pose", "held"}
    assert env.unwrapped.camera is None  # nothing is rendered
    obs, info = env.reset(seed=0)
    assert "segmentation_ids" not in info and env.unwrapped.segmentation_ids == ()
    assert env.unwrapped.first_person(32).shape == (32, 32, 3)  # still available to viewers
    with pytest.raises(ValueError, match=r"unknown observation key 'image': expected some of view, rgb, depth, "
                                         r"segmentation"):
        gym.make("errands/Household-v0", observations=("rgb", "image"))
    with pytest.raises(ValueError, match="resolution"):
        gym.make("errands/Household-v0", observations=("rgb",), resolution=(64,))


def _random_step(env, info, rng):
    """A random action; interactions aim at a visible object, so things open, move and
    switch on."""
    name = ACTIONS[int(rng.integers(len(ACTIONS) - 1))]  # never Stop
    visible = info["visible_objects"]
    if name in INTERACTION_ACTIONS:
        if not visible:
            return NAVIGATION_ACTIONS[int(rng.integers(len(NAVIGATION_ACTIONS)))]
        return f"{name} {visible[int(rng.integers(len(visible)))]}"
    return name


def _root(world, object_id):
    obj = world.objects[object_id]
    while obj.parent is not None:
        obj = world.objects[obj.parent]
    return obj.id


@pytest.mark.parametrize("resolution", [32, 128])
def test_segmentation_agrees_with_the_symbolic_world(resolution):
    """Exact: every object the segmentation shows within reach (the world's rule: the
    distance to its furniture's footprint, 1.5 m) is in info['visible_objects'], the
    object in the hand aside. Measured: most visible objects show in the segmentation
    (the rest lie outside the frame on a receptacle that is partly in view, or behind
    other things; the world's visibility has no occlusion)."""
    env = gym.make("errands/Household-v0", observations=("segmentation",), resolution=resolution,
                   split="any")
    rng = np.random.default_rng(resolution)
    shown_visible = visible_total = checked = 0
    for episode in range(12):
        obs, info = env.reset(seed=episode)
        for _ in range(60):
            world = env.unwrapped.world
            ids = info["segmentation_ids"]
            shown = {ids[v - 1] for v in np.unique(obs["segmentation"]) if v > 0} - {world.held}
            visible = set(info["visible_objects"])
            x, z = world.agent_position()
            _, reach = world.scene.visibility(np.array([x]), np.array([z]), world.agent.heading, world.agent.horizon)
            for oid in shown:
                if reach[0, world.scene.fixed_index[_root(world, oid)]] <= 1.5:
                    assert oid in visible, (episode, world.agent, oid)
                    checked += 1
            shown_visible += len(visible & shown)
            visible_total += len(visible)
            obs, _, terminated, truncated, info = env.step(_random_step(env, info, rng))
            if terminated or truncated:
                break
    assert checked > 50
    assert shown_visible / visible_total > 0.5


def test_run_writes_a_readable_video(tmp_path, capsys):
    cv2 = pytest.importorskip("cv2")
    code = main(["run", "put a washed apple in the fridge", "--seed", "0", "--out", str(tmp_path), "--video"])
    out = capsys.readouterr().out
    assert code == 0, out
    videos = list(tmp_path.glob("run-*/episode.mp4"))
    gifs = list(tmp_path.glob("run-*/episode.gif"))
    assert len(videos) == 1 and len(gifs) == 1 and "video:" in out
    import json

    steps = len(json.loads(videos[0].with_name("episode.json").read_text())["steps"])  # Stop included
    capture = cv2.VideoCapture(str(videos[0]))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    assert len(frames) == steps
    height, width = frames[0].shape[:2]
    assert all(f.shape == (height, width, 3) for f in frames)
    from PIL import Image

    gif = Image.open(gifs[0])  # the same frames, padded to even sizes for the video codec
    assert gif.n_frames == steps and (width, height) == (gif.width + gif.width % 2, gif.height + gif.height % 2)
    assert gif.width > gif.height * 1.2  # the first-person view beside the map
    assert not list(tmp_path.glob("run-*/.episode*"))  # no temporary files left behind


def test_video_without_opencv_says_how_to_get_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "cv2", None)  # import cv2 now fails
    code = main(["run", "put a washed apple in the fridge", "--out", str(tmp_path), "--video"])
    assert code == 2
    assert 'pip install "errands[video]"' in capsys.readouterr().err
    assert not list(tmp_path.glob("run-*"))  # it stops before the episode
