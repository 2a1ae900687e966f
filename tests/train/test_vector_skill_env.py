"""VectorSkillEnv (N skill episodes over HouseholdVectorEnv, an SB3 VecEnv) against what
`errands train rl` steps without it: DummyVecEnv over Monitor-wrapped scalar skill envs,
played with the same seeds and actions, step by step; and `train rl --vector`."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

pytest.importorskip("torch", reason="the RL tests need torch (pip install -e '.[test]')")
pytest.importorskip("stable_baselines3", reason="the RL tests need stable-baselines3 (pip install -e '.[test]')")

from stable_baselines3.common.monitor import Monitor  # noqa: E402
from stable_baselines3.common.vec_env import DummyVecEnv  # noqa: E402

import errands  # noqa: E402, F401  (registers the envs)
from errands.envs.household_vector_env import CHEAP_INFO_KEYS  # noqa: E402
from errands.policies.expert import ExpertSkillPolicy, SkillImpossible  # noqa: E402
from errands.policies.features import POLICY_ACTIONS, SKILL_DONE, action_label  # noqa: E402
from errands.train.rl import train_rl  # noqa: E402
from errands.train.rl_config import RLConfig  # noqa: E402
from errands.train.skill_env import HouseholdSkillEnv, SB3SkillObservation  # noqa: E402
from errands.train.vector_skill_env import VectorSkillEnv  # noqa: E402

DONE = POLICY_ACTIONS.index(SKILL_DONE)
SKILL_KEYS = ("skill", "skill_steps", "actions_left")


def scalar_envs(n: int, **kwargs) -> DummyVecEnv:
    """What make_vec_env builds with vec_env="dummy"."""
    return DummyVecEnv([lambda: Monitor(SB3SkillObservation(HouseholdSkillEnv(**kwargs))) for _ in range(n)])


def choose(scalar: DummyVecEnv, experts: list, rng: np.random.Generator) -> np.ndarray:
    """Per env: the expert's next action (SkillDone when it has none) half the time, else
    a random action with a random target (SkillDone and interactions included)."""
    actions = []
    for env, expert in zip(scalar.envs, experts):
        skill = env.unwrapped
        if rng.random() < 0.5:
            try:
                queue = expert.actions_for(skill.call)
                actions.append(action_label(queue[0]) if queue else (DONE, 0))
                continue
            except SkillImpossible:
                pass
        actions.append((int(rng.integers(len(POLICY_ACTIONS))), int(rng.integers(len(skill.target_names)))))
    return np.array(actions, dtype=np.int64)


def assert_same_obs(a: dict, b: dict, where: str) -> None:
    assert set(a) == set(b) == {"grid", "extras", "text"}, where
    for key in a:
        assert a[key].dtype == b[key].dtype and a[key].shape == b[key].shape, f"{where} {key}"
        assert np.array_equal(a[key], b[key]), f"{where} {key}: differ at {np.argwhere(a[key] != b[key])[:4]}"


def assert_same_info(vector_info: dict, scalar_info: dict, where: str) -> None:
    """Every key the vector info carries is the scalar info's, with the same value and type."""
    expected = {*CHEAP_INFO_KEYS, *SKILL_KEYS, "TimeLimit.truncated"}
    assert expected <= set(vector_info), f"{where}: lacks {expected - set(vector_info)}"
    for key, value in vector_info.items():
        other = scalar_info[key]
        if key == "terminal_observation":
            assert_same_obs(value, other, f"{where} terminal_observation")
        elif key == "episode":
            assert (value["r"], value["l"]) == (other["r"], other["l"]), f"{where}: {value} vs {other}"
        else:
            assert type(value) is type(other) and value == other, f"{where} {key}: {value!r} vs {other!r}"
    for key in ("is_success", "episode", "terminal_observation"):
        assert (key in vector_info) == (key in scalar_info), f"{where}: {key}"


@pytest.mark.parametrize("kwargs", [{"skills": "any", "detour_steps": 2}, {"skills": "GotoLocation"}],
                         ids=["any-skill-with-detours", "GotoLocation"])
def test_the_batch_plays_the_scalar_envs_episodes_step_for_step(kwargs):
    n, steps = 4, 160
    vector, scalar = VectorSkillEnv(n, max_steps=15, **kwargs), scalar_envs(n, max_steps=15, **kwargs)
    vector.seed(11)
    scalar.seed(11)
    assert_same_obs(vector.reset(), scalar.reset(), "reset")
    experts = [ExpertSkillPolicy() for _ in range(n)]
    for expert, env in zip(experts, scalar.envs):
        expert.reset(env.unwrapped.household)
    rng = np.random.default_rng(0)
    seen = {"ends": 0, "successes": 0, "truncations": 0, "early_done": 0, "failed": 0}
    for t in range(steps):
        actions = choose(scalar, experts, rng)
        done_before = [bool(a == DONE) for a in actions[:, 0]]
        v_obs, v_rewards, v_dones, v_infos = vector.step(actions)
        s_obs, s_rewards, s_dones, s_infos = scalar.step(actions)
        assert_same_obs(v_obs, s_obs, f"step {t}")
        assert v_rewards.dtype == s_rewards.dtype and np.array_equal(v_rewards, s_rewards), f"step {t}: rewards"
        assert np.array_equal(v_dones, s_dones), f"step {t}: dones"
        for i in range(n):
            assert_same_info(v_infos[i], s_infos[i], f"step {t} env {i}")
            seen["successes"] += bool(s_infos[i].get("is_success"))
            seen["truncations"] += bool(s_infos[i]["TimeLimit.truncated"])
            seen["early_done"] += done_before[i] and not s_dones[i]
            seen["failed"] += not s_infos[i]["last_action_success"]
        seen["ends"] += int(s_dones.sum())
    assert vector.start_errors == []
    # the run met what it should compare: ends of every kind, early SkillDones, failed actions
    assert seen["ends"] >= 8 and seen["successes"] >= 2 and seen["truncations"] >= 1, seen
    assert seen["early_done"] >= 1 and seen["failed"] >= 5, seen


def test_bad_action_batches_name_the_env_and_what_was_expected():
    vector = VectorSkillEnv(2)
    vector.seed(0)
    vector.reset()
    with pytest.raises(ValueError, match=r"expected an \(2, 2\) array .* got shape \(3, 2\)"):
        vector.step(np.zeros((3, 2), np.int64))
    with pytest.raises(ValueError, match=rf"env 1: action \[{len(POLICY_ACTIONS)}, 0\] out of range: expected "
                                         rf"action 0..{len(POLICY_ACTIONS) - 1}"):
        vector.step(np.array([[0, 0], [len(POLICY_ACTIONS), 0]]))
    with pytest.raises(ValueError, match=r"env 0: malformed action \[0.5, 0.0\]"):
        vector.step(np.array([[0.5, 0], [0, 0]]))
    with pytest.raises(ValueError, match="num_envs must be a positive integer .* got 0"):
        VectorSkillEnv(0)


def test_a_start_that_raises_is_recorded_and_drawn_again_in_that_world_only():
    vector = VectorSkillEnv(2)
    vector.seed(3)
    real = vector.starters[1].reset
    calls = {"n": 0}

    def fails_once(**kwargs):  # the only fault that cannot be caused for real: a start that raises
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("no task reached the start")
        return real(**kwargs)

    vector.starters[1].reset = fails_once
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        obs = vector.reset()
    assert vector.start_errors == [{"env": 1, "error": "RuntimeError: no task reached the start"}]
    assert [str(w.message) for w in caught] == [
        "env 1: a skill episode could not start (RuntimeError: no task reached the start); drawing another"]
    reference = scalar_envs(1)
    reference.seed(3)
    assert_same_obs({k: v[:1] for k, v in obs.items()}, reference.reset(), "env 0 untouched")
    assert obs["text"][1].any()


TINY = {"n_steps": 64, "batch_size": 64, "n_epochs": 1, "checkpoint_every": 128, "hidden": 16, "embed": 8}


def test_train_rl_with_vector_runs_resumes_and_refuses_bad_values(tmp_path):
    out = tmp_path / "rl"
    train_rl(RLConfig(out=str(out), total_steps=256, vector=2, **TINY), progress=False)
    training = json.loads((out / "config.json").read_text())["training"]
    assert [row["timesteps"] for row in training["history"]] == [128, 256]
    assert training["config"]["vector"] == 2
    assert all(row["steps_per_s"] > 0 and row["ep_length"] is not None for row in training["history"])
    assert (out / "checkpoints" / "last" / "ppo.zip").is_file() and (out / "model.safetensors").is_file()
    train_rl(RLConfig(out=str(out), total_steps=384, vector=2, **TINY), progress=False)  # resumes
    assert json.loads((out / "config.json").read_text())["training"]["history"][-1]["timesteps"] == 384
    with pytest.raises(ValueError, match="vector: 2 there, 0 now"):
        train_rl(RLConfig(out=str(out), total_steps=512, **TINY), progress=False)
    for bad in (-1, True, 2.5):
        with pytest.raises(ValueError, match=rf"config vector must be a non-negative integer \(0: scalar envs; "
                                             rf"N: N skill episodes in one batch\), got {bad!r}"):
            RLConfig(vector=bad).validate()
