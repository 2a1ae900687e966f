"""`errands collect --vector N` (and DAgger's rollouts with it): episodes played N at a
time in lockstep over one HouseholdVectorEnv give the same shards, byte for byte, as one
at a time in a HouseholdEnv; a loop that raises is recorded and the others go on."""

from __future__ import annotations

import numpy as np
import pytest

import errands  # noqa: F401  (registers the envs)
from errands.cli import main
from errands.envs.household_env import HouseholdEnv
from errands.policies.learned import default_checkpoint
from errands.train.collect import CollectConfig, collect
from errands.train.dataset import read_manifest
from errands.train.imitation_config import TrainConfig
from errands.train.lockstep import Lockstep


def shards(manifest: dict) -> dict:
    return {name: (entry["episodes"], entry["rows"], entry["segments"], entry["sha256"])
            for name, entry in manifest["shards"].items()}


@pytest.mark.parametrize("settings", [
    {"episodes": 7, "shard_size": 7, "vector": 3},  # 7 = 3 + 3 + 1: worlds wait idle between and after episodes
    {"episodes": 8, "shard_size": 4, "vector": 4, "workers": 2},
    {"episodes": 4, "shard_size": 4, "vector": 2, "camera": 32, "frames": True},
], ids=["expert", "expert-two-workers", "expert-camera-frames"])
def test_vector_collection_writes_the_scalar_collections_shards(settings, tmp_path):
    scalar = collect(tmp_path / "scalar", seed=4, progress=False, **{**settings, "vector": 0, "workers": 1})
    vector = collect(tmp_path / "vector", seed=4, progress=False, **settings)
    assert shards(vector) == shards(scalar)
    assert vector["totals"] == scalar["totals"] and scalar["totals"]["failed_episodes"] == 0
    assert scalar["totals"]["rows"] > 10 * settings["episodes"]
    assert "vector" not in read_manifest(tmp_path / "vector")["source"]  # the data does not depend on it


def test_dagger_rollouts_over_the_batch_label_the_same_states(tmp_path):
    """The learner acts (the packaged checkpoint), the expert labels each world's states."""
    actor = str(default_checkpoint())
    scalar = collect(tmp_path / "scalar", 5, shard_size=5, seed=9, actor=actor, progress=False)
    vector = collect(tmp_path / "vector", 5, shard_size=5, seed=9, actor=actor, vector=2, progress=False)
    assert shards(vector) == shards(scalar) and scalar["totals"]["rows"] > 0


def test_a_loop_that_raises_is_recorded_and_the_other_worlds_play_on():
    """Episode 1's loop raises after three steps; the others play the scalar env's
    episodes, step for step."""
    tasks = [HouseholdEnv().sampler.sample(np.random.default_rng([2, k])) for k in range(4)]

    def play(env, k: int) -> list:
        obs, info = env.reset(options={"task": tasks[k]})
        seen = [(obs["pose"].tolist(), info["visible_objects"])]
        for t in range(12):
            if k == 1 and t == 3:
                raise RuntimeError("episode 1 went wrong")
            obs, reward, terminated, truncated, info = env.step(["MoveAhead", "RotateLeft", "MoveAhead"][t % 3])
            seen.append((obs["pose"].tolist(), info["visible_objects"], reward, terminated, info["steps"]))
        return seen

    outcomes = {job: (outcome, trace) for job, outcome, trace in Lockstep(2).play(range(4), play)}
    assert sorted(outcomes) == [0, 1, 2, 3]
    error, trace = outcomes[1]
    assert isinstance(error, RuntimeError) and str(error) == "episode 1 went wrong" and "RuntimeError" in trace
    for k in (0, 2, 3):
        assert outcomes[k][1] is None
        assert outcomes[k][0] == play(HouseholdEnv(), k)


def test_bad_vector_values_are_named():
    with pytest.raises(ValueError, match=r"vector must be a non-negative integer \(0: one episode at a time; "
                                         r"N: N episodes in one batch per worker\), got -1"):
        CollectConfig(vector=-1)
    for bad in (True, 1.5):
        with pytest.raises(ValueError, match=rf"CollectConfig: vector must be a whole number, got {bad!r}"):
            CollectConfig(vector=bad)
    with pytest.raises(ValueError, match="config dagger_vector must be a non-negative integer"):
        TrainConfig(datasets=["x"], dagger_vector=-2).validate()
    with pytest.raises(ValueError, match="vector batches household worlds; BabyAI levels are played one by one"):
        collect("unused", 1, backend="babyai:GoToLocal", vector=2, progress=False)


def test_the_cli_says_what_is_wrong_with_vector(tmp_path, capsys):
    assert main(["collect", "--episodes", "1", "--vector", "-3", "--out", str(tmp_path / "d")]) == 2
    assert "errands collect: error: vector must be a non-negative integer" in capsys.readouterr().err
    assert main(["train", "rl", "--vector", "-1", "--out", str(tmp_path / "rl")]) == 2
    assert "errands train: error: config vector must be a non-negative integer" in capsys.readouterr().err
