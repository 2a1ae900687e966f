"""`errands collect`: play sampled tasks with the oracle planner and record every skill step.

With the scripted expert acting (the default) the dataset holds demonstrations; with a
checkpoint acting (`actor=`), the expert labels the states the learner reaches (DAgger).
Episode i's task is drawn from `default_rng([seed, i])`, so a dataset is the same
whatever the number of workers, and a rerun into the same folder only collects the shards
that are missing. An episode that raises is recorded as failed in the manifest and the
collection goes on. With `layouts` (ALFRED's gen/layouts folder) the tasks are drawn in
ALFRED's real floor plans of the split instead of its procedural scenes. With `camera`
(a resolution) the world sees through the agent's camera: the expert walks to where
the frame shows what it acts on, and the learner sees what the camera shows; `frames`
also keeps each step's camera image in the data (for exports and image policies), with
the pixels that show each interaction label's target (the visuomotor network's label).
With `search` the expert (acting or labelling) looks round for GotoLocation's target
before it walks to it, so that the image explains its moves (policies/searching_expert.py).
`planner="goal-skills"` plays the task's goal's skills by object type instead of the
oracle's search (the plans a planner that reads the instruction alone writes).
With `vector` N a worker plays N episodes at once over one HouseholdVectorEnv (each
episode's agent loop as it is, in lockstep with the others: train/lockstep.py); the
episodes, and so the shards, are the same as without it.

`backend="babyai:LEVEL"` records minigrid's BabyAI bot on a BabyAI level instead (one
segment per episode, the mission as its text); episode i plays the level's env seed
`training_seed(seed, i)`.
"""

from __future__ import annotations

import multiprocessing
import shutil
import traceback
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from tqdm import tqdm

from ..envs.config import HouseholdEnvConfig
from ..options import Options
from ..policies.features import household_spec
from .dataset import DATASET_FORMAT, DATASET_VERSION, MANIFEST, DatasetError, read_manifest, sha256, write_manifest, write_shard

SOURCE_KEYS = ("backend", "split", "seed", "shard_size", "actor", "layouts", "camera", "frames", "planner",
               "search")
SOURCE_DEFAULTS = {"planner": "oracle", "search": False}  # of the keys a manifest of an earlier errands lacks
# Who writes the plans the actor follows: the symbolic search over the world (skills at
# the furniture where things are), or the task's goal's skills by object type, as a
# planner that reads the instruction alone writes them (planners/goal_skills.py).
COLLECT_PLANNERS = ("oracle", "goal-skills")


@dataclass(frozen=True)
class CollectConfig(Options):
    """What `errands collect` records; the settings a dataset's manifest keeps are SOURCE_KEYS."""

    episodes: int = 1000
    split: str | None = "seen"  # None for BabyAI levels, which have no scene splits
    seed: int = 0  # episode i's task comes from seed [seed, i]
    workers: int = 1
    shard_size: int = 50  # episodes per Parquet shard
    actor: str = "expert"  # or a checkpoint folder, whose visited states the expert labels (DAgger)
    backend: str = "household"  # or "babyai:LEVEL"
    layouts: str | None = None  # ALFRED's gen/layouts folder: tasks in its floor plans of the split
    camera: int | None = None  # a resolution: the world seen through the agent's camera
    frames: bool = False  # keep each step's camera image (needs camera)
    vector: int = 0  # N > 0: each worker plays N episodes at once over one HouseholdVectorEnv; 0: one by one
    planner: str = "oracle"  # or "goal-skills" (COLLECT_PLANNERS)
    search: bool = False  # the expert, acting or labelling, looks round for GotoLocation's target before walking
    # to it (policies/searching_expert.py: what a camera policy can imitate)

    def __post_init__(self):
        super().__post_init__()
        if self.episodes < 1 or self.shard_size < 1 or self.workers < 1:
            raise ValueError(f"episodes, shard_size and workers must be at least 1, got {self.episodes}, "
                             f"{self.shard_size}, {self.workers}")
        if isinstance(self.vector, bool) or not isinstance(self.vector, int) or self.vector < 0:
            raise ValueError(f"vector must be a non-negative integer (0: one episode at a time; N: N episodes in "
                             f"one batch per worker), got {self.vector!r}")
        if self.planner not in COLLECT_PLANNERS:
            raise ValueError(f"unknown collection planner {self.planner!r}: expected one of "
                             f"{', '.join(COLLECT_PLANNERS)}")
        if not isinstance(self.search, bool):
            raise ValueError(f"search is true or false, got {self.search!r}")
        if self.search and self.camera is None:
            raise ValueError("search looks round through the camera: give a camera resolution (--camera RES) too")
        if self.frames and self.camera is None:
            raise ValueError("frames keeps the camera's images: give a camera resolution (--camera RES) too")

    @property
    def frame_shape(self) -> tuple[int, int, int] | None:
        """The shape of the recorded camera images, or None when none are kept."""
        return (self.camera, self.camera, 3) if self.frames else None

    def env_config(self) -> HouseholdEnvConfig:
        """The household env a shard's episodes are played in (a bad camera resolution fails here)."""
        return HouseholdEnvConfig.seeing_through_camera(
            self.camera, split=self.split, layouts_dir=self.layouts,
            scenes="alfred_floorplans" if self.layouts else "procedural",
            **({"observations": ("view", "rgb")} if self.frames else {}))


_DEFAULTS = CollectConfig()


def collect(out: str | Path, episodes: int, split: str = _DEFAULTS.split, seed: int = _DEFAULTS.seed,
            workers: int = _DEFAULTS.workers, shard_size: int = _DEFAULTS.shard_size, actor: str = _DEFAULTS.actor,
            progress: bool = True, overwrite: bool = False, backend: str = _DEFAULTS.backend,
            layouts: str | None = _DEFAULTS.layouts, camera: int | None = _DEFAULTS.camera,
            frames: bool = _DEFAULTS.frames, vector: int = _DEFAULTS.vector, planner: str = _DEFAULTS.planner,
            search: bool = _DEFAULTS.search) -> dict:
    """Collect `episodes` episodes into `out`; return the manifest. `backend` is
    "household" or "babyai:LEVEL"."""
    config = CollectConfig(episodes=episodes, split=split, seed=seed, workers=workers, shard_size=shard_size,
                           actor=actor, backend=backend, layouts=layouts, camera=camera, frames=frames, vector=vector,
                           planner=planner, search=search)
    out = Path(out)
    if overwrite and out.exists():
        shutil.rmtree(out)
    spec, shard_function = backend_parts(backend, actor)
    if backend != "household":
        if planner != "oracle":
            raise ValueError(f"BabyAI levels are played by the BabyAI bot without a planner, got planner {planner!r}")
        if layouts or camera:
            raise ValueError("layouts and camera are for household tasks; BabyAI levels have neither")
        if vector:
            raise ValueError(f"vector batches household worlds; BabyAI levels are played one by one, got "
                             f"vector={vector}")
        # BabyAI levels have no scene splits: seeds keep training and evaluation apart
        config = config.replace(split=None)
    else:
        config.env_config()  # a bad resolution fails before any work
    source = {key: getattr(config, key) for key in SOURCE_KEYS}
    manifest = _open(out, source, spec, config.frame_shape)
    jobs = []
    for index, first in enumerate(range(0, episodes, shard_size)):
        name = f"shard-{index:05d}.parquet"
        known = manifest["shards"].get(name)
        count = min(shard_size, episodes - first)
        if known and known["episodes"] == count and (out / name).is_file() and sha256(out / name) == known["sha256"]:
            continue
        jobs.append((str(out), name, first, count, config.to_dict()))
    bar = tqdm(total=episodes, initial=episodes - sum(j[3] for j in jobs), unit="episode", desc="collect",
               disable=not progress)
    for name, info in _run(jobs, workers, shard_function):
        manifest["shards"][name] = info
        manifest["source"]["episodes"] = max(manifest["source"].get("episodes", 0), episodes)
        write_manifest(out, manifest)
        bar.update(info["episodes"])
    bar.close()
    manifest["source"]["episodes"] = episodes
    write_manifest(out, manifest)
    return manifest


def backend_parts(backend: str, actor: str):
    """(observation spec, shard function) of a backend: "household" or "babyai:LEVEL"."""
    if backend == "household":
        return household_spec(), collect_shard
    kind, _, level = backend.partition(":")
    if kind != "babyai" or not level:
        raise ValueError(f"unknown collection backend {backend!r}: expected 'household' or 'babyai:LEVEL'")
    from ..envs.babyai import check_level
    from ..policies.features import babyai_spec

    check_level(level)
    if actor != "expert":
        raise ValueError(f"on BabyAI levels the actor is the BabyAI bot ('expert'), got {actor!r}")
    return babyai_spec(), partial(collect_babyai_shard, level=level)


def _open(out: Path, source: dict, spec, frames: tuple[int, int, int] | None) -> dict:
    if (out / MANIFEST).is_file():
        manifest = read_manifest(out)
        if manifest["version"] != DATASET_VERSION:
            raise DatasetError(f"{out} holds dataset version {manifest['version']}, from an earlier errands; "
                               f"this one writes version {DATASET_VERSION}: use another folder or --overwrite")
        old = {k: manifest["source"].get(k, SOURCE_DEFAULTS.get(k)) for k in SOURCE_KEYS}
        if old != source:
            diff = ", ".join(f"{k}: {old[k]!r} there, {source[k]!r} now" for k in SOURCE_KEYS if old[k] != source[k])
            raise DatasetError(f"{out} was collected with other settings ({diff}); use another folder or --overwrite")
        return manifest
    out.mkdir(parents=True, exist_ok=True)
    return {"format": DATASET_FORMAT, "version": DATASET_VERSION, "spec": spec.to_dict(),
            "frames": list(frames) if frames else None, "source": dict(source), "shards": {}}


def _run(jobs: list[tuple], workers: int, shard_function):
    if workers == 1 or len(jobs) <= 1:
        for job in jobs:
            yield shard_function(job)
        return
    with multiprocessing.get_context("spawn").Pool(min(workers, len(jobs))) as pool:
        yield from pool.imap_unordered(shard_function, jobs)


def collect_shard(job: tuple) -> tuple[str, dict]:
    """Play one shard's episodes and write them (runs in a worker process): one by one
    in a HouseholdEnv, or with `vector` N, N at a time over one HouseholdVectorEnv."""
    out, name, first, count, config = job
    config = CollectConfig.from_dict(config)
    episodes = range(first, first + count)
    if config.actor != "expert":
        import torch

        torch.set_num_threads(1)
    if config.vector:
        from .lockstep import Lockstep

        lockstep = Lockstep(min(config.vector, count), **config.env_config().kwargs())
        players: dict[int, object] = {}

        def play(slot, episode: int):
            if slot.index not in players:  # each world's own agent and recorder
                players[slot.index] = _household_player(config, lockstep.batch.sampler)
            return players[slot.index](slot, episode)

        outcomes = lockstep.play(episodes, play)
    else:
        from ..envs.household_env import HouseholdEnv

        env = HouseholdEnv(**config.env_config().kwargs())
        player = _household_player(config, env.sampler)  # the env's own task distribution
        outcomes = _one_by_one(episodes, lambda episode: player(env, episode))
    return _write_episodes(out, name, outcomes, household_spec(), config.frame_shape)


def _household_player(config: CollectConfig, sampler):
    """play(env, episode) -> (rows, episode columns): episode's task from `sampler` with
    seed [seed, episode], played by the oracle planner and the actor, recorded."""
    import numpy as np

    from ..planners import make_planner
    from ..policies import make_policy
    from ..policies.agent import Agent
    from .recording import ExpertTeacher, RecordingPolicy

    if config.actor == "expert":
        recorder = RecordingPolicy(make_policy("expert", search=config.search), frames=config.frames)
    else:
        teacher = ExpertTeacher(make_policy("expert", search=config.search))
        recorder = RecordingPolicy(make_policy(config.actor), teacher, frames=config.frames)
    agent = Agent(make_planner(config.planner), recorder)

    def play(env, episode: int) -> tuple[list[dict], dict]:
        recorder.rows, recorder.segment = [], -1
        task = sampler.sample(np.random.default_rng([config.seed, episode]))
        log = agent.run_episode(env, task)
        return recorder.rows, {"task_id": task.task_id, "task_type": task.goal.task_type,
                               "instruction": task.instruction, "success": log.success}

    return play


def collect_babyai_shard(job: tuple, level: str) -> tuple[str, dict]:
    """Play one shard's episodes of a BabyAI level with the bot and write them. An episode
    the bot does not solve is listed as failed and left out of the data."""
    from ..envs.babyai import BabyAIEnv, training_seed
    from ..policies.babyai_policy import record_demonstration
    from ..policies.features import babyai_spec

    out, name, first, count, config = job
    seed = CollectConfig.from_dict(config).seed
    env = BabyAIEnv(level)

    def play(episode: int) -> tuple[list[dict], dict]:
        env_seed = training_seed(seed, episode)
        recorded, log = record_demonstration(env, env_seed)
        if not log.success:
            raise RuntimeError(f"the bot did not solve it ({log.failure_reason})")
        return recorded, {"task_id": f"{level}-{env_seed}", "task_type": level,
                          "instruction": log.instruction, "success": True}

    return _write_episodes(out, name, _one_by_one(range(first, first + count), play), babyai_spec())


def _one_by_one(episodes: range, play):
    """(episode, play(episode) or the exception it raised, its traceback or None), in order."""
    for episode in episodes:
        try:
            yield episode, play(episode), None
        except Exception as e:  # one bad episode is recorded, not fatal
            yield episode, e, traceback.format_exc(limit=-4)


def _write_episodes(out, name: str, outcomes, spec, frames: tuple[int, int, int] | None = None) -> tuple[str, dict]:
    """Write the shard `name` from `outcomes` ((episode, (rows, episode columns) or the
    exception its play raised, traceback), in any order): each episode's rows, in episode
    order, tagged with its columns (task_id, task_type, instruction, success); an episode
    that raised is listed as failed in the shard's manifest entry."""
    rows, failed, segments = [], [], 0
    outcomes = sorted(outcomes, key=lambda item: item[0])
    for episode, outcome, trace in outcomes:
        if isinstance(outcome, Exception):
            failed.append({"episode": episode, "error": f"{type(outcome).__name__}: {outcome}", "trace": trace})
            continue
        recorded, columns = outcome
        for row in recorded:
            row.update(episode=episode, **columns)
        rows.extend(recorded)
        segments += len({row["segment"] for row in recorded})
    digest = write_shard(Path(out) / name, rows, spec, frames)
    return name, {"episodes": len(outcomes), "rows": len(rows), "segments": segments, "failed": failed,
                  "sha256": digest}
