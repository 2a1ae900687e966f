"""The BabyAI backend: the adapter, the bot as expert, collection, training and evaluation."""

from __future__ import annotations

import json
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

pytest.importorskip("minigrid", reason="the BabyAI tests need minigrid (pip install -e '.[test]')")
torch = pytest.importorskip("torch", reason="the BabyAI training tests need torch (pip install -e '.[test]')")

import errands  # noqa: E402,F401  (registers the envs)
from errands.cli import main  # noqa: E402
from errands.envs.babyai import EVAL_SEED_START, LEVELS, BabyAIEnv, env_id, training_seed  # noqa: E402
from errands.episode_log import EpisodeLog  # noqa: E402
from errands.eval.babyai_episodes import babyai_suite  # noqa: E402
from errands.eval.runner import run_evaluation  # noqa: E402
from errands.eval.suites import load_suite  # noqa: E402
from errands.policies import make_policy  # noqa: E402
from errands.policies.babyai_policy import (  # noqa: E402
    BabyAIBotPolicy, LearnedBabyAIPolicy, record_demonstration, run_episode)
from errands.policies.features import babyai_spec  # noqa: E402
from errands.policies.network import CheckpointError, load_checkpoint  # noqa: E402
from errands.train.collect import collect  # noqa: E402
from errands.train.dataset import load_demonstrations, read_manifest  # noqa: E402
from errands.train.imitation import train  # noqa: E402
from errands.train.imitation_config import TrainConfig  # noqa: E402

TINY = {"epochs": 2, "hidden": 32, "embed": 8, "batch_size": 8, "val_fraction": 0.2}


@pytest.fixture(scope="module")
def demos(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("babyai-demos")
    collect(out, 12, shard_size=6, seed=1, backend="babyai:GoToLocal", progress=False)
    return out


@pytest.fixture(scope="module")
def checkpoint(demos, tmp_path_factory) -> Path:
    torch.set_num_threads(1)
    out = tmp_path_factory.mktemp("babyai-bc")
    return train(TrainConfig(datasets=[str(demos)], out=str(out), **TINY), progress=False)


# --- the adapter ---------------------------------------------------------------------------

@pytest.mark.parametrize("level", ["GoToLocal", "PutNextLocal"])
def test_levels_are_registered_and_pass_the_gymnasium_checker(level):
    env = gym.make(f"errands/BabyAI-{level}-v0")
    check_env(env.unwrapped)
    assert set(env.observation_space.spaces) == {"instruction", "view", "direction"}
    obs, info = env.reset(seed=5)
    assert obs["view"].shape == (7, 7, 3) and obs["view"].dtype == np.uint8
    assert info["level"] == level and info["success"] is False and info["steps"] == 0
    obs, reward, terminated, truncated, info = env.step("forward")
    assert info["steps"] == 1
    assert all(env_id(name) in gym.registry for name in LEVELS)


def test_the_same_seed_gives_minigrids_own_episode():
    ours, theirs = gym.make("errands/BabyAI-GoToLocal-v0"), gym.make("BabyAI-GoToLocal-v0")
    for seed in (0, 7, 123):
        obs, _ = ours.reset(seed=seed)
        raw, _ = theirs.reset(seed=seed)
        assert obs["instruction"] == raw["mission"]
        assert np.array_equal(obs["view"], raw["image"]) and obs["direction"] == raw["direction"]


def test_bad_levels_and_actions_are_named():
    with pytest.raises(ValueError, match=r"unknown BabyAI level 'GoToNowhere'.*GoToLocal.*BossLevel"):
        BabyAIEnv("GoToNowhere")
    env = BabyAIEnv("GoToLocal")
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"unknown BabyAI action 'jump'.*forward"):
        env.step("jump")
    with pytest.raises(ValueError, match="not an index 0..6"):
        env.step(7)


def test_level_generation_prints_nothing(capsys):
    # BossLevel's seed 3 is redrawn once by minigrid's rejection sampling, which prints it.
    gym.make("BabyAI-BossLevel-v0").reset(seed=3)
    assert "Sampling rejected" in capsys.readouterr().out
    env = gym.make("errands/BabyAI-BossLevel-v0")
    for seed in range(3, 8):
        env.reset(seed=seed)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("level", ["GoToRedBallGrey", "GoToLocal", "PickupLoc", "PutNextLocal"])
def test_the_bot_solves_seeds_through_the_adapter(level):
    env = BabyAIEnv(level)
    for seed in range(8):
        log = run_episode(env, BabyAIBotPolicy(), seed)
        assert log.success, (level, seed, log.failure_reason)
        assert log.instruction == env.mission and log.num_steps == len(log.steps) >= 1
        assert log.goal_conditions == (1, 1) and log.failure_category is None


# --- demonstrations -------------------------------------------------------------------------

def test_collect_writes_a_babyai_dataset_that_loads(demos):
    manifest = read_manifest(demos)
    assert manifest["spec"] == json.loads(json.dumps(babyai_spec().to_dict()))
    assert manifest["source"]["backend"] == "babyai:GoToLocal" and manifest["source"]["split"] is None
    assert sorted(manifest["shards"]) == ["shard-00000.parquet", "shard-00001.parquet"]
    assert manifest["totals"]["episodes"] == 12 and manifest["totals"]["failed_episodes"] == 0
    data = load_demonstrations([demos])
    assert data.spec == babyai_spec()
    assert len(data.starts) == 12 and data.rows == manifest["totals"]["rows"]
    # episode 0 is the bot on env seed training_seed(1, 0): its first row is that reset's view
    env = BabyAIEnv("GoToLocal")
    obs, _ = env.reset(seed=training_seed(1, 0))
    assert data.texts[0] == obs["instruction"]
    assert np.array_equal(data.grid[0], obs["view"]) and data.extras[0].tolist() == [obs["direction"]]
    rows, log = record_demonstration(env, training_seed(1, 0))
    assert data.lengths[0] == len(rows) == log.num_steps
    assert data.action[:len(rows)].tolist() == [r["action"] for r in rows]
    assert (data.target == 0).all()


def test_collect_refuses_what_it_cannot_do(tmp_path):
    with pytest.raises(ValueError, match=r"unknown BabyAI level 'Nope'.*GoToLocal"):
        collect(tmp_path / "a", 2, backend="babyai:Nope", progress=False)
    with pytest.raises(ValueError, match="BabyAI bot"):
        collect(tmp_path / "b", 2, backend="babyai:GoToLocal", actor="runs/some-checkpoint", progress=False)
    with pytest.raises(ValueError, match="unknown collection backend 'thor'"):
        collect(tmp_path / "c", 2, backend="thor", progress=False)
    with pytest.raises(ValueError, match="below the evaluation seeds"):
        training_seed(100, 0)


def test_the_collect_command_records_a_level(tmp_path, capsys):
    assert main(["collect", "--level", "PickupLoc", "--episodes", "3", "--out", str(tmp_path), "--no-progress"]) == 0
    assert "3 episodes, 3 skill segments" in capsys.readouterr().out
    assert read_manifest(tmp_path)["source"]["backend"] == "babyai:PickupLoc"


# --- training and acting ---------------------------------------------------------------------

def test_the_unchanged_trainer_trains_on_babyai_demonstrations(checkpoint, demos):
    model, config = load_checkpoint(checkpoint, expect_backend="babyai")
    assert model.config.spec == babyai_spec()
    assert len(config["training"]["history"]) == 2
    missions = {w for text in load_demonstrations([demos]).texts for w in text.split()}
    assert missions <= set(model.config.vocabulary)
    with pytest.raises(CheckpointError, match="'babyai' backend, not 'household'"):
        load_checkpoint(checkpoint, expect_backend="household")


def test_the_learned_policy_plays_an_episode_into_an_episode_log(checkpoint):
    policy = make_policy(str(checkpoint))
    assert isinstance(policy, LearnedBabyAIPolicy)
    env = BabyAIEnv("GoToLocal")
    log = run_episode(env, policy, EVAL_SEED_START, expert_length=5)
    assert log.instruction == env.mission and log.policy == str(checkpoint)
    assert log.steps and all(s.action in env.actions for s in log.steps)
    assert log.success or log.failure_category in ("max_steps", "interaction_failure")
    again = EpisodeLog.from_dict(json.loads(json.dumps(log.to_dict())))
    assert again.steps == log.steps and again.expert_length == 5


def test_eval_on_fresh_seeds_writes_the_summary_and_resumes(checkpoint, tmp_path):
    out = tmp_path / "eval"
    summary = run_evaluation(babyai_suite("GoToLocal", 3), out, policy=str(checkpoint), progress=False)
    assert summary["episodes"] == 3 and summary["complete"] and summary["run"]["episodes_run"] == 3
    assert json.loads((out / "summary.json").read_text())["metrics"]["overall"]["episodes"] == 3
    assert (out / "report.md").is_file() and (out / "report.html").is_file()
    records = [json.loads(line) for line in (out / "episodes.jsonl").read_text().splitlines()]
    assert sorted(r["seed"] for r in records) == [EVAL_SEED_START, EVAL_SEED_START + 1, EVAL_SEED_START + 2]
    assert all(isinstance(r["expert_length"], int) and r["expert_length"] > 0 for r in records)
    again = run_evaluation(babyai_suite("GoToLocal", 3), out, policy=str(checkpoint), progress=False)
    assert again["run"]["already_done"] == 3 and again["run"]["episodes_run"] == 0
    with pytest.raises(ValueError, match="evaluation seeds start at"):
        babyai_suite("GoToLocal", 3, first_seed=0)
    with pytest.raises(ValueError, match="'learned' does not play BabyAI levels"):  # the household checkpoint
        run_evaluation(babyai_suite("GoToLocal", 1), tmp_path / "household", policy="learned", progress=False)


def test_episodes_played_in_lockstep_are_the_episodes_played_one_by_one(tmp_path):
    # a policy that solves some seeds of an easy level, so that episodes end at different steps
    collect(tmp_path / "demos", 60, shard_size=60, seed=2, backend="babyai:GoToRedBallGrey", progress=False)
    checkpoint = train(TrainConfig(datasets=[str(tmp_path / "demos")], out=str(tmp_path / "bc"), epochs=25,
                                   hidden=32, embed=8, batch_size=8, val_fraction=0.0), progress=False)

    def played(batch_size: int) -> dict:
        out = tmp_path / f"batch-{batch_size}"
        run_evaluation(babyai_suite("GoToRedBallGrey", 7), out, policy=str(checkpoint), progress=False,
                       batch_size=batch_size)
        records = [json.loads(line) for line in (out / "episodes.jsonl").read_text().splitlines()]
        return {r["seed"]: ([s["action"] for s in r["steps"]], r["success"], r["expert_length"]) for r in records}

    one_by_one, in_lockstep = played(1), played(3)  # 3 slots for 7 episodes: slots are refilled
    assert sorted(in_lockstep) == list(range(EVAL_SEED_START, EVAL_SEED_START + 7))
    assert in_lockstep == one_by_one
    assert len({len(actions) for actions, _, _ in one_by_one.values()}) > 1  # episodes of several lengths


def test_the_eval_command_plays_the_bot_on_a_level(tmp_path, capsys):
    out = tmp_path / "bot"
    assert main(["eval", "--suite", "babyai:PickupLoc", "--episodes", "4", "--out", str(out), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "SR 100.0%" in printed and "PLW-SR 100.0%" in printed
    assert main(["eval", "--suite", "babyai:Nowhere", "--out", str(out)]) == 2
    assert "unknown BabyAI level 'Nowhere'" in capsys.readouterr().err


def test_the_runner_plays_a_level_in_worker_processes_as_in_this_one(tmp_path):
    """One runner for every env: a BabyAI level goes to local workers like a household suite."""
    def played(workers: int) -> dict:
        out = tmp_path / f"workers-{workers}"
        summary = run_evaluation(babyai_suite("PickupLoc", 4), out, workers=workers, progress=False)
        assert summary["run"]["backend"] == ("inline" if workers == 0 else "local")
        records = [json.loads(line) for line in (out / "episodes.jsonl").read_text().splitlines()]
        return {r["seed"]: ([s["action"] for s in r["steps"]], r["success"], r["expert_length"]) for r in records}

    assert played(2) == played(0)
    config = json.loads((tmp_path / "workers-2" / "config.json").read_text())
    assert (config["planner"], config["policy"], config["workers"]) == ("none", "babyai-bot", 2)
    with pytest.raises(ValueError, match="BabyAI levels take no planner, got 'oracle'"):
        run_evaluation(babyai_suite("PickupLoc", 1), tmp_path / "planner", planner="oracle", progress=False)
    with pytest.raises(ValueError, match="policy 'babyai-bot' does not play household tasks"):
        run_evaluation(load_suite("smoke"), tmp_path / "bot", policy="babyai-bot", progress=False)
