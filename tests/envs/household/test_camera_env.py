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
from errands.envs.household.render.raycast import MAX_DEPTH
from errands.envs.household.scene import Pose
from errands.envs.household.visibility import scene_visibility


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


def _shown_within_reach(world, obs, info) -> set[str]:
    """The objects the segmentation shows whose furniture is within reach (1.5 m to its
    footprint, the world's rule), the object in the hand aside."""
    ids = info["segmentation_ids"]
    shown = {ids[v - 1] for v in np.unique(obs["segmentation"]) if v > 0} - {world.held}
    x, z = world.agent_position()
    _, reach = scene_visibility(world.scene).seen(np.array([x]), np.array([z]), world.agent.heading, world.agent.horizon)
    return {oid for oid in shown if reach[0, world.scene.fixed_index[_root(world, oid)]] <= 1.5}


def _random_episodes(visibility: str, resolution: int, episodes: int = 12, steps: int = 60):
    """(world, obs, info) at every step of random episodes with interactions."""
    env = gym.make("errands/Household-v0", observations=("segmentation",), resolution=resolution,
                   split="any", visibility=visibility)
    rng = np.random.default_rng(resolution)
    for episode in range(episodes):
        obs, info = env.reset(seed=episode)
        for _ in range(steps):
            yield env.unwrapped.world, obs, info
            obs, _, terminated, truncated, info = env.step(_random_step(env, info, rng))
            if terminated or truncated:
                break


@pytest.mark.parametrize("resolution", [32, 128])
def test_visible_objects_are_exactly_what_the_segmentation_shows_within_reach(resolution):
    """With camera observations the world sees through the camera: info['visible_objects']
    is the set of objects the frame shows within reach, both ways, at any resolution."""
    states = visible_total = 0
    for world, obs, info in _random_episodes("camera", resolution):
        assert set(info["visible_objects"]) == _shown_within_reach(world, obs, info), (world.agent, info["steps"])
        states += 1
        visible_total += len(info["visible_objects"])
    assert states > 200 and visible_total > 700


def test_the_geometric_rule_counts_all_the_camera_shows_and_more():
    """Without the camera's rule (nothing rendered in the symbolic env) visibility is
    geometric: everything the camera shows within reach is visible, and also what is
    out of frame on visible furniture or hidden behind something."""
    shown_total = visible_total = 0
    for world, obs, info in _random_episodes("geometric", 64):
        shown = _shown_within_reach(world, obs, info)
        assert shown <= set(info["visible_objects"]), (world.agent, info["steps"])
        shown_total += len(shown)
        visible_total += len(info["visible_objects"])
    assert shown_total > 500 and visible_total > shown_total


def test_interactions_need_the_camera_to_show_their_target():
    """An object the geometric rule calls visible but the frame does not show cannot be
    picked up in a camera env; the symbolic env picks it up from the same pose."""
    camera_env = gym.make("errands/Household-v0", observations=("rgb",), resolution=64)
    symbolic_env = gym.make("errands/Household-v0")
    assert camera_env.unwrapped.visibility == "camera" and symbolic_env.unwrapped.visibility == "geometric"
    for seed in range(30):
        camera_env.reset(seed=seed)
        symbolic_env.reset(seed=seed)
        cam, sym = camera_env.unwrapped.world, symbolic_env.unwrapped.world
        for pose in (Pose(*p) for poses in cam.scene.interaction_poses.values() for p in poses.tolist()):
            cam.agent = sym.agent = pose
            hidden = [o for o in set(sym.visible_ids()) - set(cam.visible_ids()) if sym.objects[o].type.pickupable]
            if hidden:
                break
        if hidden:
            break
    assert hidden, "no pose in 30 scenes where the camera hides a pickable object the geometric rule sees"
    *_, info = camera_env.step(f"PickupObject {hidden[0]}")
    assert not info["last_action_success"]
    assert info["error_message"] == (f"PickupObject failed: {hidden[0]} is not visible within 1.5 m (it is out "
                                     f"of view, hidden behind something, or farther than 1.5 m)")
    *_, info = symbolic_env.step(f"PickupObject {hidden[0]}")
    assert info["last_action_success"] and info["held_object"] == hidden[0]


def test_each_step_draws_one_frame_for_observation_and_visibility(monkeypatch):
    """The frame an observation shows is the one visibility reads: a frame is drawn once
    per state of the world and pose (a state seen a moment ago is not drawn again)."""
    from errands.envs.household.render.camera import Camera

    drawn = []
    draw = Camera._render
    monkeypatch.setattr(Camera, "_render", lambda self, world, *a: drawn.append(1) or draw(self, world, *a))
    env = gym.make("errands/Household-v0", observations=("rgb",), resolution=32)
    env.reset(seed=3)
    world = env.unwrapped.world
    states = [(world.version, world.agent, world.held)]
    for action in ("RotateLeft", "MoveAhead", "PickupObject Mug", "LookDown", "OpenObject Apple", "LookUp"):
        env.step(action)
        states.append((world.version, world.agent, world.held))
    assert states[6] == states[3] != states[4]  # looked down, then back up
    assert states[5] == states[4]  # an Apple cannot be opened: nothing changed
    assert len(drawn) == len(set(states)) >= 4


def test_visibility_rule_is_checked():
    with pytest.raises(ValueError, match=r"unknown visibility 'xray': expected one of camera, geometric"):
        gym.make("errands/Household-v0", visibility="xray")
    env = gym.make("errands/Household-v0", visibility="camera", resolution=48)
    assert set(env.observation_space.spaces) == {"instruction", "view", "pose", "held"}  # renders for the rule alone
    obs, info = env.reset(seed=1)
    assert "rgb" not in obs and env.unwrapped.camera.height == 48


def test_the_expert_works_with_the_cameras_visibility():
    """It walks to where the frame shows what it acts on, so its paths differ from the
    suites' L* (the geometric world's)."""
    from errands.envs.tasks.task import Task
    from errands.eval.suites import load_suite
    from errands.planners import make_planner
    from errands.policies import make_policy
    from errands.policies.agent import Agent

    env = gym.make("errands/Household-v0", observations=("rgb",), resolution=64)
    agent = Agent(make_planner("oracle"), make_policy("expert"))
    other_paths = 0
    for episode in load_suite("valid_unseen").episodes[:60]:
        log = agent.run_episode(env, Task.from_dict(episode.task), expert_length=episode.expert_length)
        assert log.success, (episode.id, log.failure_reason)
        other_paths += log.num_steps != episode.expert_length
    assert other_paths > 10


def test_run_through_the_agents_camera(tmp_path, capsys):
    code = main(["run", "put a washed apple in the fridge", "--camera", "48", "--no-gif", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0 and "outcome:     SUCCESS" in out
    assert main(["run", "put a washed apple in the fridge", "--camera", "2", "--out", str(tmp_path)]) == 2
    assert "resolution must be between 8 and 2048 pixels a side, got 2x2" in capsys.readouterr().err


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
