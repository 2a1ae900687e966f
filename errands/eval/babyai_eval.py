"""Evaluation on BabyAI levels: `errands eval --suite babyai:LEVEL`.

A BabyAI suite is N consecutive env seeds of one level, from `EVAL_SEED_START` (10^9)
on, far from every training seed. Each episode is played by a BabyAI policy (the bot, or
a checkpoint trained on BabyAI demonstrations) in this process, and L* for PLW is the
bot's episode length on the same seed. The run folder is the household's: config.json,
episodes.jsonl (EpisodeLogs, appended as episodes end, resumed on a rerun),
summary.json, report.md and report.html, written by the same code. GC is SR here: a
BabyAI episode has one goal condition, the mission.
"""

from __future__ import annotations

import hashlib
import json
import time
import traceback
from pathlib import Path

from .. import __version__
from ..envs.babyai import EVAL_SEED_START, BabyAIEnv, check_level
from ..episode_log import EpisodeLog
from .episode_job import EpisodeTimeout, deadline
from .runner import DEFAULT_TIMEOUT_S, EPISODES_FILE, RunStats, _prepare_folder, finish_run, read_records
from .suites import Episode, Suite

SUITE_PREFIX = "babyai:"
DEFAULT_EPISODES = 512
DEFAULT_BATCH = 64  # episodes a learned policy plays in lockstep


def babyai_level(suite: str) -> str | None:
    """The level of a "babyai:LEVEL" suite name (checked), None for any other suite."""
    if not str(suite).startswith(SUITE_PREFIX):
        return None
    return check_level(str(suite)[len(SUITE_PREFIX):])


def babyai_suite(level: str, episodes: int = DEFAULT_EPISODES, first_seed: int = EVAL_SEED_START) -> Suite:
    """`episodes` consecutive seeds of `level` from `first_seed`, as a Suite the reports read."""
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


def default_babyai_run_dir(level: str, policy: str, root: str | Path = "runs/eval") -> Path:
    return Path(root) / f"babyai-{level}-{Path(policy).name}"


def evaluate_babyai(level: str, out_dir: str | Path, policy: str = "expert", episodes: int = DEFAULT_EPISODES,
                    first_seed: int = EVAL_SEED_START, timeout_s: float | None = DEFAULT_TIMEOUT_S,
                    policy_options: dict | None = None, progress: bool = True, overwrite: bool = False,
                    write_reports: bool = True, batch_size: int = DEFAULT_BATCH) -> dict:
    """Play `policy` ("expert" = the BabyAI bot, or a BabyAI checkpoint folder) on the
    suite's seeds into `out_dir`; return the summary (as `errands eval` writes it). A
    checkpoint plays `batch_size` episodes in lockstep (one forward pass a step for all);
    the bot, one at a time. Records are appended as episodes end, in that order."""
    from tqdm import tqdm

    from ..policies import make_policy
    from ..policies.babyai_policy import BOT_NAME, BabyAIBotPolicy, LearnedBabyAIPolicy, play_batched

    suite = babyai_suite(level, episodes, first_seed)
    if timeout_s is not None and timeout_s <= 0:
        raise ValueError(f"the per-episode timeout must be positive seconds, got {timeout_s}")
    policy_name = BOT_NAME if policy == "expert" else policy
    out = Path(out_dir)
    config = {"suite": suite.reference(), "suite_hash": suite.hash, "planner": "none", "policy": policy_name,
              "planner_options": {}, "policy_options": policy_options or {}, "layouts_dir": None,
              "timeout_s": timeout_s, "errands_version": __version__}
    _prepare_folder(out, config, overwrite)
    episodes_path = out / EPISODES_FILE
    finished = {r["episode_id"] for r in read_records(episodes_path)}
    todo = [e for e in suite.episodes if e.id not in finished]
    stats = RunStats(backend="inline", workers=0, already_done=len(suite.episodes) - len(todo))
    if todo:
        t0 = time.perf_counter()
        agent = make_policy(policy_name, **(policy_options or {}))
        if not isinstance(agent, (BabyAIBotPolicy, LearnedBabyAIPolicy)):
            raise ValueError(f"policy {policy!r} does not play BabyAI levels: expected 'expert' (the BabyAI bot) "
                             f"or a checkpoint trained on BabyAI demonstrations")
        bot_env = BabyAIEnv(level)  # plays the bot on each seed for L*
        stats.backend_start_s = time.perf_counter() - t0
        stats.start_clock = time.perf_counter()
        if isinstance(agent, LearnedBabyAIPolicy) and batch_size > 1:  # play_batched makes its own envs
            by_seed = {e.seed: e for e in todo}
            records = (played_record(bot_env, agent, by_seed[seed], outcome, timeout_s)
                       for seed, outcome in play_batched(level, agent, list(by_seed), batch_size, timeout_s))
        else:
            env = BabyAIEnv(level)
            records = (play_record(env, bot_env, agent, episode, timeout_s) for episode in todo)
        with open(episodes_path, "a", encoding="utf-8") as file, \
                tqdm(total=len(suite.episodes), initial=stats.already_done, unit="ep", disable=not progress,
                     desc=suite.name) as bar:
            for record in records:
                file.write(json.dumps(record) + "\n")
                file.flush()
                stats.episodes_run += 1
                bar.update(1)
        stats.episodes_wall_s = time.perf_counter() - stats.start_clock
    return finish_run(out, suite, config, stats, write_reports)


def play_record(env: BabyAIEnv, bot_env: BabyAIEnv, policy, episode: Episode, timeout_s: float | None) -> dict:
    """One episode's record (its EpisodeLog with its id and seed), played here; a crash or
    a run past the time limit is the episode's failure, not the run's."""
    from ..policies.babyai_policy import run_episode

    def play(expert_length: int | None) -> EpisodeLog:
        with deadline(timeout_s):
            return run_episode(env, policy, episode.seed, expert_length=expert_length)

    return _record(bot_env, policy, episode, play, timeout_s)


def played_record(bot_env: BabyAIEnv, policy, episode: Episode, outcome, timeout_s: float | None) -> dict:
    """The record of an episode play_batched has played: `outcome` is its EpisodeLog or
    the exception that ended it."""

    def play(expert_length: int | None) -> EpisodeLog:
        if isinstance(outcome, BaseException):
            raise outcome
        outcome.expert_length = expert_length
        return outcome

    return _record(bot_env, policy, episode, play, timeout_s)


def _record(bot_env: BabyAIEnv, policy, episode: Episode, play, timeout_s: float | None) -> dict:
    """L* from the bot on the same seed, then `play(L*)`'s EpisodeLog, or the failure it raised."""
    from ..policies.babyai_policy import bot_episode_length

    started, expert_length = time.perf_counter(), None
    try:
        expert_length = bot_episode_length(bot_env, episode.seed)
        log = play(expert_length)
    except (EpisodeTimeout, TimeoutError):
        log = _failed_log(episode, policy, expert_length, "episode_timeout", "TimeoutError",
                          f"the episode ran past its time limit of {timeout_s} s")
    except Exception as e:  # noqa: BLE001 - one bad episode must not end the run
        log = _failed_log(episode, policy, expert_length, "crashed", type(e).__name__, f"{type(e).__name__}: {e}")
        log.failure_reason += "\n" + "".join(traceback.format_exception(e, limit=-4))
    if not log.wall_time_s:  # a failure's log: the time until it
        log.wall_time_s = round(time.perf_counter() - started, 4)
    return {"episode_id": episode.id, "seed": episode.seed, **log.to_dict()}


def _failed_log(episode: Episode, policy, expert_length, category: str, kind: str, reason: str) -> EpisodeLog:
    return EpisodeLog(task=episode.task, instruction="", planner="none", policy=getattr(policy, "name", str(policy)),
                      goal_conditions=(0, 1), success=False, failure_category=category, failure_kind=kind,
                      failure_reason=reason, expert_length=expert_length)
