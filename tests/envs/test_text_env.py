import gymnasium as gym
import numpy as np
import pytest

import errands  # noqa: F401
from errands.envs.tasks.goals import TaskGoal
from errands.envs.tasks.sampler import TaskSampler
from errands.envs.tasks.task import Task
from errands.policies.text_expert import TextExpert


def test_alfworld_observation_and_commands():
    env = gym.make("errands/HouseholdText-v0")
    task = Task(TaskGoal("pick_clean_then_place_in_recep", "Apple", "Fridge"), 6, seed=0,
                instruction="put a washed apple in the fridge")
    obs, info = env.reset(options={"task": task})
    assert obs.startswith("You are in the middle of a room. Looking quickly around you, you see a ")
    assert "a fridge 1" in obs and "a sinkbasin 1" in obs
    assert obs.endswith("Your task is to: put a washed apple in the fridge")
    assert "go to fridge 1" in info["admissible_commands"] and "inventory" in info["admissible_commands"]
    assert env.step("fly to the moon")[0] == "Nothing happens."
    assert env.step("take apple 1 from fridge 1")[0] == "Nothing happens."  # not there yet
    obs, *_ = env.step("go to fridge 1")
    assert obs == "You arrive at fridge 1. The fridge 1 is closed."
    obs, reward, terminated, truncated, info = env.step("open fridge 1")
    assert obs.startswith("You open the fridge 1. The fridge 1 is open. In the fridge 1, you see") or \
        obs.startswith("You open the fridge 1. In the fridge 1, you see")
    assert "close fridge 1" in info["admissible_commands"]
    assert env.step("inventory")[0] == "You are not carrying anything."


def test_text_expert_solves_every_task():
    env = gym.make("errands/HouseholdText-v0")
    for split, seed in (("seen", 3), ("unseen", 4)):
        sampler, rng = TaskSampler(split=split), np.random.default_rng(seed)
        for _ in range(60):
            task = sampler.sample(rng)
            obs, info = env.reset(options={"task": task})
            expert = TextExpert(env.unwrapped)
            while (command := expert.next_command()) is not None:
                assert command in info["admissible_commands"], (task.goal.alfred_name, command)
                obs, reward, terminated, truncated, info = env.step(command)
                assert obs != "Nothing happens.", (task.goal.alfred_name, command)
            assert info["success"] and reward == 1.0 and terminated, task.goal.alfred_name


def test_text_space_and_limits():
    env = gym.make("errands/HouseholdText-v0", max_steps=3)
    obs, info = env.reset(seed=1)
    assert env.observation_space.contains(obs)
    results = [env.step("look")[3] for _ in range(3)]
    assert results == [False, False, True]
    with pytest.raises(RuntimeError, match="reset"):
        gym.make("errands/HouseholdText-v0").unwrapped.step("look")
