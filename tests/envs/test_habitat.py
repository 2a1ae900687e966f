"""The habitat-sim adapter's translation, without habitat-sim (which no machine here has:
PyPI has no Linux wheel): actions, observations, ObjectNav's goal conditions, and the
error that says how to get habitat-sim."""

import importlib.util

import gymnasium as gym
import numpy as np
import pytest

import errands  # noqa: F401
from errands.envs.actions import NAVIGATION_ACTIONS, Action
from errands.envs.habitat import HABITAT_ACTIONS, convert_observations, find_scene, habitat_action, \
    objectnav_conditions


def test_navigation_actions_are_habitat_sims_with_alfreds_step_sizes():
    assert {a: habitat_action(Action(a)) for a in NAVIGATION_ACTIONS} == {
        "MoveAhead": "move_forward", "RotateLeft": "turn_left", "RotateRight": "turn_right",
        "LookUp": "look_up", "LookDown": "look_down"}
    assert [HABITAT_ACTIONS[a][1] for a in NAVIGATION_ACTIONS] == [0.25, 90.0, 90.0, 15.0, 15.0]
    assert habitat_action(Action("Stop")) is None
    with pytest.raises(ValueError, match="PickupObject is not available in habitat ObjectNav tasks"):
        habitat_action(Action("PickupObject", "Apple"))


def test_observations_become_the_contracts_keys():
    raw = {"rgb": np.full((2, 3, 4), 7, dtype=np.uint8), "depth": np.ones((2, 3)),
           "semantic": np.array([[0, 5, 5], [9, 9, 2]], dtype=np.uint32)}
    obs, ids = convert_observations(raw, {5: "chair|5", 9: "table|9"})
    assert obs["rgb"].shape == (2, 3, 3) and obs["depth"].dtype == np.float32
    assert ids == ("chair|5", "table|9")
    assert obs["segmentation"].tolist() == [[0, 1, 1], [2, 2, 0]]


def test_objectnav_succeeds_on_stop_within_a_metre_of_the_category():
    objects = [{"category": "chair", "position": [1.0, 0.0, 1.0]}, {"category": "bed", "position": [0.0, 0.0, 0.0]}]
    assert objectnav_conditions("chair", [1.5, 0.5, 1.5], objects, stopped=True) == (1, 1)
    assert objectnav_conditions("chair", [1.5, 0.5, 1.5], objects, stopped=False) == (0, 1)
    assert objectnav_conditions("chair", [3.0, 0.0, 3.0], objects, stopped=True) == (0, 1)


def test_a_scene_must_be_a_local_file(tmp_path, monkeypatch):
    monkeypatch.delenv("ERRANDS_HABITAT_SCENE", raising=False)
    with pytest.raises(FileNotFoundError, match="errands never downloads scenes"):
        find_scene(None)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        find_scene(tmp_path / "nothing.glb")


@pytest.mark.skipif(importlib.util.find_spec("habitat_sim") is not None, reason="habitat-sim is installed")
def test_without_habitat_sim_the_env_says_how_to_get_it():
    with pytest.raises(ImportError, match="conda install habitat-sim -c conda-forge -c aihabitat"):
        gym.make("errands/Habitat-v0")
