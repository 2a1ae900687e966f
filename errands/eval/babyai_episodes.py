"""BabyAI levels as suites, and their player (errands/BabyAI-LEVEL-v0):
`errands eval --suite babyai:LEVEL`.

A BabyAI suite is N consecutive env seeds of one level, from `EVAL_SEED_START` (10^9)
on, far from every training seed. Each episode is played by a BabyAI policy alone (no
planner: the bot, or a checkpoint trained on BabyAI demonstrations), and L* for PLW is
the bot's episode length on the same seed. GC is SR here: a BabyAI episode has one goal
condition, the mission. A learned policy plays the episodes a worker is given
`batch_size` at a time in lockstep (one forward pass a step for all), with the same
actions as one by one; by default they are played in this process, all in one batch.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import traceback
from functools import partial

from .. import __version__
from ..envs.babyai import EVAL_SEED_START, check_level, env_id
from ..episode_log import EpisodeLog
from .config import EXPERT, NO_PLANNER, EvalConfig
from .episode_job import EpisodeTimeout, deadline, episode_record, job_config, job_key, timeout_reason
from .suites import Episode, Suite

SUITE_PREFIX = "babyai:"
DEFAULT_EPISODES = 512
DEFAULT_WORKERS = 0  # in this process, where a learned policy plays every episode in one lockstep batch

_PLAYERS: dict[str, tuple] = {}  # job_key -> (policy, env, bot env), one per worker process


def babyai_level(suite: str) -> str | None:
    """The level of a "babyai:LEVEL" suite name (checked), None for any other suite."""
    if not str(suite).startswith(SUITE_PREFIX):
        return None
    return check_level(str(suite)[len(SUITE_PREFIX):])


def babyai_suite(level: str, episodes: int = DEFAULT_EPISODES, first_seed: int = EVAL_SEED_START) -> Suite:
    """`episodes` consecutive seeds of `level` from `first_seed`, as a Suite the runner plays."""
    check_level(level)
    if episodes < 1:
        raise ValueError(f"a BabyAI suite needs at least 1 episode, got {episodes}")
    if first_seed < EVAL_SEED_START:
        raise ValueError(f"evaluation seeds start at {EVAL_SEED_START} or later (training data uses the seeds "
                         f"below), got --first-seed {first_seed}")
    seeds = range(first_seed, first_seed + episodes)
    items = [Episode(id=f"{level}-{seed}", seed=seed,
                     task={"backend": "babyai", "level": level, "seed": seed, "goal": {"task_type": level}})
             for seed in seeds]
    identity = {"backend": "babyai", "level": level, "first_seed": first_seed, "episodes": episodes}
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()
    return Suite(name=f"babyai-{level}", episodes=items, hash=digest, scenes="babyai",
                 metadata={"errands_version": __version__, **identity})


def suite_env_id(suite: Suite) -> str | None:
    """The env id of a BabyAI suite's level; None for a suite of another kind."""
    if suite.metadata.get("backend") != "babyai":
        return None
    return env_id(suite.metadata["level"])


def level_of(env: str) -> str:
    """The level an errands/BabyAI-LEVEL-v0 id plays."""
    import gymnasium as gym

    return check_level(gym.spec(env).kwargs["level"])


def resolve(suite, config: EvalConfig) -> EvalConfig:
    """The config a BabyAI suite runs with ("expert" is the bot; no planner; the default
    workers filled in), or a ValueError for what a level cannot take."""
    from ..policies import policy_env
    from ..policies.babyai_policy import BOT_NAME
    from ..protocols import DEFAULT_PROTOCOL

    if config.planner not in (None, NO_PLANNER):
        raise ValueError(f"BabyAI levels take no planner, got {config.planner!r}: give the policy alone")
    if config.protocol != DEFAULT_PROTOCOL:
        raise ValueError(f"BabyAI levels are played under the {DEFAULT_PROTOCOL!r} protocol (minigrid's own "
                         f"observation), got protocol {config.protocol!r}")
    if config.layouts_dir or config.env_options.changed():
        raise ValueError("BabyAI levels take no layouts or household env options (such as --camera): they are "
                         "seen the way minigrid shows them")
    config = config.replace(planner=NO_PLANNER, policy=BOT_NAME if config.policy == EXPERT else config.policy)
    if policy_env(config.policy) != "babyai":
        raise ValueError(f"policy {config.policy!r} does not play BabyAI levels: expected 'expert' (the BabyAI bot) "
                         f"or a checkpoint trained on BabyAI demonstrations")
    if config.workers is None:
        config = config.replace(workers=DEFAULT_WORKERS)
    return config


def check(config: EvalConfig) -> None:
    """Nothing to build ahead: the policy's name and kind were checked by resolve."""


def run_dir_name(suite, config: EvalConfig) -> str:
    """The same folder for the same level and policy (as it was named), so that a rerun resumes."""
    from pathlib import Path

    return f"{suite.name}-{Path(config.policy).name}"


def play(jobs: list[dict]):
    """The records of the jobs' episodes (all of one level and config), as they end: in
    lockstep batches for a learned policy, else one after another."""
    from ..policies.babyai_policy import LearnedBabyAIPolicy, play_batched

    config = job_config(jobs[0])
    policy, env, bot_env = _players_for(jobs[0])
    if isinstance(policy, LearnedBabyAIPolicy) and config.batch_size > 1:  # play_batched makes its own envs
        by_seed = {job["episode"]["seed"]: job for job in jobs}
        batches = play_batched(level_of(jobs[0]["env_id"]), policy, list(by_seed), config.batch_size,
                               config.timeout_s)
        for seed, outcome in batches:
            yield _record(bot_env, by_seed[seed], config, partial(_played, outcome))
        return
    for job in jobs:
        yield _record(bot_env, job, config, partial(_play_alone, env, policy, job["episode"]["seed"], config.timeout_s))


def lost_record(job: dict, reason: str) -> dict:
    """The record of an episode whose worker died under it."""
    log = failed_log(job, None, "crashed", "WorkerDied", reason)
    return episode_record(job["episode"], log, time.perf_counter())


def warm_up(job: dict) -> int:
    """Import everything and build the job's policy and envs once in this worker (before timing)."""
    _players_for(job)
    return os.getpid()


def _players_for(job: dict) -> tuple:
    key = job_key(job)
    if key not in _PLAYERS:
        import gymnasium as gym

        from ..policies import make_policy

        config = job_config(job)
        policy = make_policy(config.policy, config.policy_options)
        # the env the policy plays one episode at a time in, and the one the bot plays each seed in for L*
        _PLAYERS[key] = (policy, gym.make(job["env_id"]).unwrapped, gym.make(job["env_id"]).unwrapped)
    return _PLAYERS[key]


def _play_alone(env, policy, seed: int, timeout_s: float | None, expert_length: int | None) -> EpisodeLog:
    """The episode of `seed` played here, within its time limit."""
    from ..policies.babyai_policy import run_episode

    with deadline(timeout_s):
        return run_episode(env, policy, seed, expert_length=expert_length)


def _played(outcome, expert_length: int | None) -> EpisodeLog:
    """The EpisodeLog play_batched gave, or the exception it gave instead, raised."""
    if isinstance(outcome, BaseException):
        raise outcome
    outcome.expert_length = expert_length
    return outcome


def _record(bot_env, job: dict, config: EvalConfig, play) -> dict:
    """L* from the bot on the same seed, then `play(L*)`'s EpisodeLog, or the failure it raised."""
    from ..policies.babyai_policy import bot_episode_length

    episode = job["episode"]
    started, expert_length = time.perf_counter(), None
    try:
        expert_length = bot_episode_length(bot_env, episode["seed"])
        log = play(expert_length)
    except (EpisodeTimeout, TimeoutError):
        log = failed_log(job, expert_length, "episode_timeout", "TimeoutError", timeout_reason(config.timeout_s))
    except Exception as e:  # noqa: BLE001 - one bad episode must not end the run
        log = failed_log(job, expert_length, "crashed", type(e).__name__, f"{type(e).__name__}: {e}")
        return episode_record(episode, log, started, "".join(traceback.format_exception(e, limit=-4)))
    return episode_record(episode, log, None if log.wall_time_s else started)  # a failure's log: the time until it


def failed_log(job: dict, expert_length: int | None, category: str, kind: str, reason: str) -> EpisodeLog:
    return EpisodeLog(task=job["episode"]["task"], instruction="", planner=NO_PLANNER, policy=job["config"]["policy"],
                      goal_conditions=(0, 1), success=False, failure_category=category, failure_kind=kind,
                      failure_reason=reason, expert_length=expert_length)
