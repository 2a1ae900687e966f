"""errands/Thor-v0 driven through the real `ai2thor` client (Controller, FifoServer,
Event) against a stand-in Unity process that speaks its FIFO protocol (standin_unity.py):
the client's own code path runs, with no Unity build and no download.

Runs where ai2thor is installed (`pip install -e ".[thor]"`); it is not in the test
extra, because ai2thor pulls in opencv-python beside the project's headless OpenCV."""

import os
import stat
import sys
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

pytest.importorskip("ai2thor", reason='needs the thor extra: pip install -e ".[thor]"')

import errands  # noqa: E402,F401  (registers the envs)
from errands.envs.household.object_types import TYPE_NAMES  # noqa: E402
from errands.envs.tasks.goals import TaskGoal  # noqa: E402
from errands.envs.tasks.task import Task  # noqa: E402

STANDIN = Path(__file__).resolve().parent / "standin_unity.py"
APPLE = "Apple|-01.65|+00.81|+00.07"
FRIDGE = "Fridge|-02.10|+00.00|+01.07"
COOL_TASK = Task(TaskGoal("pick_cool_then_place_in_recep", "Apple", "CounterTop"), scene=1,
                 instruction="Put a cold apple on the counter.")


@pytest.fixture
def build(tmp_path) -> Path:
    """An executable the Controller launches as its Unity build: this Python running the stand-in."""
    launcher = tmp_path / "thor-standin"
    launcher.write_text(f"#!/bin/sh\nexec {sys.executable} {STANDIN} \"$@\"\n")
    launcher.chmod(launcher.stat().st_mode | stat.S_IXUSR)
    return launcher


def make(build, **kwargs):
    return gym.make("errands/Thor-v0", task=COOL_TASK, local_executable_path=str(build), x_display=":0",
                    resolution=64, observations=("rgb", "depth", "segmentation"), **kwargs)


def test_an_episode_through_the_real_client(build, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))  # the client writes its logs under ~/.ai2thor
    env = make(build)
    try:
        obs, info = env.reset(seed=0)
        controller = env.unwrapped.controller
        assert type(controller).__module__ == "ai2thor.controller"
        assert type(controller.server).__name__ == "FifoServer"
        assert obs["rgb"].shape == (64, 64, 3) and obs["depth"].shape == (64, 64)
        assert obs["depth"].dtype == np.float32 and float(obs["depth"][0, 0]) == pytest.approx(2.5)
        assert obs["pose"].tolist() == [-4, 0, 270, 30] and obs["held"] == 0
        assert info["goal_conditions_met"] == (1, 3) and APPLE in info["visible_objects"]
        assert set(info["segmentation_ids"]) == set(info["visible_objects"])
        assert env.observation_space.contains(obs)

        def step(action):
            obs, reward, terminated, truncated, info = env.step(action)
            assert env.observation_space.contains(obs)
            return obs, reward, terminated, info

        obs, _, _, info = step("PickupObject Apple")
        assert info["last_action_success"] and info["held_object"] == APPLE
        assert obs["held"] == TYPE_NAMES.index("Apple") + 1
        obs, _, _, info = step({"action": 9999, "target": 0})
        assert not info["last_action_success"] and "unknown action index 9999" in info["error_message"]
        obs, _, _, info = step(("PutObject", "Fridge"))  # closed: THOR's error comes back
        assert not info["last_action_success"] and info["error_message"] == f"{FRIDGE} is closed"
        for action in ("OpenObject Fridge", "PutObject Fridge", "CloseObject Fridge", "OpenObject Fridge"):
            obs, _, _, info = step(action)
            assert info["last_action_success"], (action, info["error_message"])
        assert info["goal_conditions_met"] == (1, 3)  # cooled, as ALFRED tracks it when the fridge closed
        seg, ids = obs["segmentation"], info["segmentation_ids"]
        apple_mask = seg == ids.index(APPLE) + 1
        obs, _, _, info = step({"action": "PickupObject", "mask": apple_mask})
        assert info["last_action_success"] and info["held_object"] == APPLE
        for action in ("MoveAhead", "RotateLeft", "LookDown", "RotateRight", "PutObject CounterTop"):
            obs, reward, terminated, info = step(action)
            assert info["last_action_success"], (action, info["error_message"])
        assert obs["pose"].tolist() == [-5, 0, 270, 45]
        assert info["goal_conditions_met"] == (3, 3) and info["success"] and reward == 0.0
        obs, reward, terminated, info = step("Stop")
        assert terminated and reward == 1.0 and info["steps"] == 14 and info["failures"] == 2
    finally:
        env.close()


def test_thor_env_passes_the_gymnasium_checker(build, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    env = make(build)
    try:
        check_env(env.unwrapped, skip_render_check=True)
    finally:
        env.close()


def test_an_alfred_scene_is_restored_on_reset(build, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    scene = {"floor_plan": "FloorPlan1", "init_action": {"action": "TeleportFull", "x": -1.0, "y": 0.9009992, "z": 0.5,
                                                        "rotation": 90, "horizon": 30},
             "object_poses": [], "object_toggles": [], "dirty_and_empty": False}
    env = make(build, alfred_scene=scene)
    try:
        obs, info = env.reset(seed=0)
        assert obs["pose"].tolist() == [-4, 2, 90, 30]
        assert env.unwrapped.controller.last_event.metadata["lastAction"] == "TeleportFull"
    finally:
        env.close()


def test_the_client_never_downloads_a_build(monkeypatch):
    monkeypatch.delenv("ERRANDS_THOR_BUILD", raising=False)
    with pytest.raises(FileNotFoundError, match="errands never downloads one"):
        gym.make("errands/Thor-v0", task=COOL_TASK)
    with pytest.raises(FileNotFoundError, match="does not exist or is not a file"):
        gym.make("errands/Thor-v0", task=COOL_TASK, local_executable_path=os.devnull + "-nothing")
