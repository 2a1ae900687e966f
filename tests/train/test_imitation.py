"""Demonstrations, behaviour cloning, DAgger, checkpoints and the learned policy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the imitation tests need torch (pip install -e '.[test]')")

from errands.envs.household_env import HouseholdEnv  # noqa: E402
from errands.envs.tasks.sampler import TaskSampler  # noqa: E402
from errands.planners.oracle import OraclePlanner  # noqa: E402
from errands.policies import make_policy  # noqa: E402
from errands.policies.agent import Agent  # noqa: E402
from errands.policies.expert import ExpertSkillPolicy  # noqa: E402
from errands.policies.features import POLICY_ACTIONS, SKILL_DONE, household_spec  # noqa: E402
from errands.policies.network import CheckpointError, load_checkpoint  # noqa: E402
from errands.train.collect import collect  # noqa: E402
from errands.train.dataset import DatasetError, load_demonstrations, read_manifest  # noqa: E402
from errands.train.dagger import train_dagger  # noqa: E402
from errands.train.imitation import train  # noqa: E402
from errands.train.imitation_config import TrainConfig  # noqa: E402
from errands.train.recording import ExpertTeacher, RecordingPolicy  # noqa: E402

TINY = {"epochs": 2, "hidden": 32, "embed": 8, "batch_size": 8, "val_fraction": 0.2}


@pytest.fixture(scope="module")
def demos(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demos")
    collect(out, 8, shard_size=4, workers=1, seed=3, progress=False)
    return out


def _sample(seed: int, split: str = "seen"):
    return TaskSampler(split=split).sample(np.random.default_rng([seed, 0]))


def test_collect_writes_shards_and_a_manifest_that_match(demos):
    manifest = read_manifest(demos)
    assert sorted(manifest["shards"]) == ["shard-00000.parquet", "shard-00001.parquet"]
    assert manifest["totals"]["episodes"] == 8 and manifest["totals"]["failed_episodes"] == 0
    data = load_demonstrations([demos])
    assert data.rows == manifest["totals"]["rows"]
    assert len(data.starts) == manifest["totals"]["segments"]
    assert data.spec == household_spec()
    # every segment ends with SkillDone, and only there
    done = POLICY_ACTIONS.index(SKILL_DONE)
    ends = data.starts + data.lengths - 1
    assert (data.action[ends] == done).all()
    assert (data.action == done).sum() == len(ends)


def test_collection_does_not_depend_on_workers_and_resumes(demos, tmp_path):
    collect(tmp_path, 8, shard_size=4, workers=2, seed=3, progress=False)
    ours, theirs = read_manifest(tmp_path), read_manifest(demos)
    assert {k: v["sha256"] for k, v in ours["shards"].items()} == {k: v["sha256"] for k, v in theirs["shards"].items()}
    shard = tmp_path / "shard-00000.parquet"
    before = shard.stat().st_mtime_ns
    collect(tmp_path, 12, shard_size=4, workers=1, seed=3, progress=False)  # resumes: only shard 2 is new
    assert shard.stat().st_mtime_ns == before
    assert read_manifest(tmp_path)["totals"]["episodes"] == 12


def test_collection_in_alfreds_floor_plans_plays_the_tasks_drawn_there(alfred_dir, tmp_path):
    import pyarrow.parquet as pq

    layouts = str(alfred_dir / "layouts")
    manifest = collect(tmp_path, 3, shard_size=3, seed=5, layouts=layouts, progress=False)
    assert manifest["source"]["layouts"] == layouts and manifest["totals"]["failed_episodes"] == 0
    sampler = TaskSampler(layouts_dir=layouts, scenes="alfred_floorplans")
    drawn = [sampler.sample(np.random.default_rng([5, i])) for i in range(3)]
    assert all(t.scene.startswith("FloorPlan") for t in drawn)
    recorded = pq.read_table(tmp_path / "shard-00000.parquet", columns=["task_id"]).column("task_id").to_pylist()
    assert list(dict.fromkeys(recorded)) == [t.task_id for t in drawn]
    with pytest.raises(DatasetError, match="layouts: .* there, None now"):
        collect(tmp_path, 3, shard_size=3, seed=5, progress=False)


def test_collection_through_the_agents_camera(tmp_path):
    """With a camera the expert walks to where the frame shows what it acts on: the same
    tasks, the same skills, more steps; the dataset remembers the camera."""
    geometric = collect(tmp_path / "geometric", 6, shard_size=6, seed=3, progress=False)
    camera = collect(tmp_path / "camera", 6, shard_size=6, seed=3, camera=64, progress=False)
    assert camera["source"]["camera"] == 64 and geometric["source"]["camera"] is None
    assert camera["totals"]["failed_episodes"] == geometric["totals"]["failed_episodes"] == 0
    assert camera["totals"]["segments"] == geometric["totals"]["segments"]
    assert camera["totals"]["rows"] > geometric["totals"]["rows"]
    with pytest.raises(DatasetError, match="camera: 64 there, None now"):
        collect(tmp_path / "camera", 6, shard_size=6, seed=3, progress=False)
    with pytest.raises(ValueError, match="resolution must be between 8 and 2048"):
        collect(tmp_path / "tiny", 1, camera=2, progress=False)
    with pytest.raises(ValueError, match="config dagger_camera: resolution must be"):
        TrainConfig(datasets=["x"], dagger_camera=4).validate()


def test_collection_refuses_other_settings_and_reports_corrupt_shards(demos, tmp_path):
    collect(tmp_path, 4, shard_size=4, seed=1, progress=False)
    with pytest.raises(DatasetError, match="seed: 1 there, 2 now"):
        collect(tmp_path, 4, shard_size=4, seed=2, progress=False)
    shard = tmp_path / "shard-00000.parquet"
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shard.write_bytes(bytes(data))
    with pytest.raises(DatasetError, match="shard-00000.parquet is corrupt"):
        load_demonstrations([tmp_path])
    with pytest.raises(DatasetError, match="manifest.json is missing"):
        load_demonstrations([tmp_path / "nothing"])


def test_the_teacher_labels_what_the_expert_does_when_the_expert_acts():
    env = HouseholdEnv()
    task = _sample(5)
    alone = RecordingPolicy(ExpertSkillPolicy())
    Agent(OraclePlanner(), alone).run_episode(env, task)
    taught = RecordingPolicy(ExpertSkillPolicy(), ExpertTeacher())
    Agent(OraclePlanner(), taught).run_episode(env, task)
    assert len(alone.rows) > 10
    assert [(r["action"], r["target"], r["extras"]) for r in taught.rows] == \
        [(r["action"], r["target"], r["extras"]) for r in alone.rows]


def _weights(folder: Path) -> bytes:
    return (folder / "model.safetensors").read_bytes()


def test_training_is_reproducible_and_resumes_to_the_same_weights(demos, tmp_path):
    a = train(TrainConfig(datasets=[str(demos)], out=str(tmp_path / "a"), **TINY), progress=False)
    b = train(TrainConfig(datasets=[str(demos)], out=str(tmp_path / "b"), **TINY), progress=False)
    assert _weights(a) == _weights(b)
    config = json.loads((a / "config.json").read_text())
    assert [h["epoch"] for h in config["training"]["history"]] == [1, 2]
    assert (a / "tensorboard").is_dir() and any((a / "tensorboard").iterdir())
    # one epoch, then the same run asked for two: resumes from checkpoints/last
    half = {**TINY, "epochs": 1}
    train(TrainConfig(datasets=[str(demos)], out=str(tmp_path / "c"), **half), progress=False)
    c = train(TrainConfig(datasets=[str(demos)], out=str(tmp_path / "c"), **TINY), progress=False)
    assert _weights(c) == _weights(a)


def test_bad_checkpoints_and_configs_fail_clearly(demos, tmp_path):
    run = train(TrainConfig(datasets=[str(demos)], out=str(tmp_path / "run"), **{**TINY, "epochs": 1}),
                progress=False)
    with pytest.raises(CheckpointError, match="no checkpoint at"):
        load_checkpoint(tmp_path / "missing")
    config = json.loads((run / "config.json").read_text())
    config["network"]["hidden"] = 64
    (run / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match=r"has shape \(.*\), the config expects"):
        load_checkpoint(run)
    config["network"]["hidden"] = 32
    (run / "config.json").write_text(json.dumps(config))
    (run / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(CheckpointError, match="is not a readable safetensors file"):
        make_policy(str(run))
    with pytest.raises(ValueError, match=r"unknown config keys \['epoch'\]"):
        TrainConfig.from_file(None, epoch=3)
    with pytest.raises(ValueError, match="config batch_size must be a positive integer, got 0"):
        TrainConfig.from_file(None, batch_size=0)


def test_a_policy_trained_on_one_episode_replays_it(tmp_path):
    """Overfitting one expert episode is the smallest end-to-end check that features,
    labels, memory and the agent line up: the learned policy must then solve it."""
    task = _sample(11)
    env = HouseholdEnv()
    recorder = RecordingPolicy(ExpertSkillPolicy())
    expert_log = Agent(OraclePlanner(), recorder).run_episode(env, task)
    assert expert_log.success
    data = tmp_path / "one"
    collect(data, 1, seed=11, shard_size=1, progress=False)
    # collect draws episode 0 from default_rng([11, 0]): the same task as above
    assert read_manifest(data)["totals"]["rows"] == len(recorder.rows)
    # One batch a step: at lr 3e-3 and width 64 the GRU core saturated on half of the seeds
    # tried and the fit stalled; at lr 1e-3 and width 128 each of seeds 0-9 fits all 26 steps.
    run = train(TrainConfig(datasets=[str(data)], out=str(tmp_path / "run"), epochs=200, hidden=128, lr=1e-3,
                            batch_size=64, val_fraction=0.0), progress=False)
    log = Agent(OraclePlanner(), make_policy(str(run))).run_episode(env, task)
    assert log.success, (log.failure_category, log.failure_reason)
    assert [s.action.split()[0] for s in log.steps] == [s.action.split()[0] for s in expert_log.steps]


def test_dagger_rounds_can_play_alfreds_floor_plans(demos, alfred_dir, tmp_path):
    layouts = str(alfred_dir / "layouts")
    config = TrainConfig(datasets=[str(demos)], out=str(tmp_path / "dagger"), dagger_rounds=1, dagger_episodes=2,
                         dagger_epochs=1, dagger_layouts=layouts, **TINY)
    train_dagger(config, progress=False)
    round_data = read_manifest(tmp_path / "dagger" / "round-1" / "data")
    assert round_data["source"]["layouts"] == layouts and round_data["totals"]["rows"] > 0


def test_dagger_rounds_can_see_through_the_agents_camera(demos, tmp_path):
    config = TrainConfig(datasets=[str(demos)], out=str(tmp_path / "dagger"), dagger_rounds=1, dagger_episodes=2,
                         dagger_epochs=1, dagger_camera=48, **TINY)
    train_dagger(config, progress=False)
    round_data = read_manifest(tmp_path / "dagger" / "round-1" / "data")
    assert round_data["source"]["camera"] == 48 and round_data["totals"]["rows"] > 0


def test_dagger_adds_learner_states_labelled_by_the_expert(demos, tmp_path):
    config = TrainConfig(datasets=[str(demos)], out=str(tmp_path / "dagger"), dagger_rounds=1, dagger_episodes=3,
                         dagger_epochs=1, **TINY)
    out = train_dagger(config, progress=False)
    round_data = read_manifest(out / "round-1" / "data")
    assert round_data["source"]["actor"] == str(out / "round-0")
    assert round_data["totals"]["episodes"] == 3 and round_data["totals"]["rows"] > 0
    training = json.loads((out / "config.json").read_text())["training"]
    assert training["labels"] == read_manifest(demos)["totals"]["rows"] + round_data["totals"]["rows"]
    assert training["stage"] == "dagger"


def test_torchrun_data_parallel_on_two_cpu_processes(demos, tmp_path):
    out = tmp_path / "ddp"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
         "-m", "errands.cli", "train", "bc", "--data", str(demos), "--out", str(out), "--epochs", "1",
         "--hidden", "32", "--no-progress"],
        capture_output=True, text=True, timeout=240, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    training = json.loads((out / "config.json").read_text())["training"]
    assert training["world_size"] == 2
    load_checkpoint(out)


def test_the_packaged_checkpoint_acts_in_an_unseen_scene():
    policy = make_policy("learned")
    assert policy.model.config.spec == household_spec()
    env = HouseholdEnv(split="unseen")
    log = Agent(OraclePlanner(), policy).run_episode(env, _sample(2, "unseen"))
    assert log.policy == "learned" and len(log.steps) > 0
    assert log.skills[0].skill.startswith("GotoLocation")


def test_a_learned_policy_without_torch_says_how_to_get_it(monkeypatch):
    """The base install has no torch; a missing module is simulated, as it cannot be
    uninstalled for one test."""
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ValueError, match=r"needs torch and safetensors: pip install -e '\.\[train\]' torch==2\.13\.0"):
        make_policy("learned")


def _repeated_refusals(log) -> int:
    """Refused actions repeated at once: a refusal leaves the world as it was, so the
    repeat is the same action in the same state."""
    return sum(1 for a, b in zip(log.steps, log.steps[1:])
               if not a.success and not b.success and a.action == b.action)


def test_the_learned_policy_does_not_repeat_an_action_refused_in_the_same_state(alfred_dir):
    """On this floor plan the packaged network keeps walking into a wall until ALFRED's
    10 failed actions end the episode; remembering the refusal, it does something else
    and the task is done (the loop escape, which would also end the repeats, is off)."""
    from errands.eval.suites import load_suite
    from errands.envs.tasks.task import Task

    layouts = str(alfred_dir / "layouts")
    episode = load_suite("valid_unseen", layouts_dir=layouts).episodes[15]
    assert episode.id == "trial_T20190912_221141_608117:0"
    env = HouseholdEnv(layouts_dir=layouts)
    logs = {}
    for remember in (False, True):
        policy = make_policy("learned", remember_refusals=remember, avoid_loops=False)
        logs[remember] = Agent(OraclePlanner(), policy).run_episode(env, Task.from_dict(episode.task))
    assert logs[False].failure_category == "max_failures"
    assert _repeated_refusals(logs[False]) == 9
    assert _repeated_refusals(logs[True]) == 0
    assert logs[True].success
    with pytest.raises(ValueError, match="remember_refusals must be true or false, got 'yes'"):
        make_policy("learned", remember_refusals="yes")


def test_the_learned_policy_leaves_a_loop_instead_of_walking_it_again():
    """In unseen scene 424 the toilet is behind a block of furniture; from this start the
    packaged network walks to a dead end and then turns on the spot until the skill's
    100 steps run out. Leaving each loop toward the least visited pose, it reaches the
    toilet."""
    from errands.policies.features import SKILL_DONE, action_label
    from errands.train.skill_env import HouseholdSkillEnv

    def play(avoid_loops: bool) -> tuple[bool, int, int]:
        """(skill succeeded, steps, distinct poses)."""
        env = HouseholdSkillEnv(skills="GotoLocation", split="unseen")
        obs, info = env.reset(seed=1_000_089)
        assert (env.household.world.scene.name, str(env.call)) == ("procedural-424", "GotoLocation(Toilet)")
        policy = make_policy("learned", avoid_loops=avoid_loops)
        policy.reset(env.household)
        poses, ended = set(), False
        while not ended:
            step = policy.act(obs, info, env.call)
            if step.failed:
                break
            action = (env.action_names.index(SKILL_DONE), 0) if step.done else action_label(step.action)
            obs, _, terminated, truncated, info = env.step(np.array(action))
            poses.add(env.household.world.agent)
            ended = terminated or truncated or step.done
        return bool(info.get("is_success")), env.steps, len(poses)

    assert play(avoid_loops=False) == (False, 100, 8)  # 100 steps among 8 poses
    assert play(avoid_loops=True) == (True, 22, 14)
    with pytest.raises(ValueError, match="avoid_loops must be true or false, got 1"):
        make_policy("learned", avoid_loops=1)
