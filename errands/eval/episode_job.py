"""One evaluation episode as a job a worker runs: a plain dict in (the episode, the env id
that plays it, the run's EvalConfig as a dict), a plain dict out (the EpisodeLog plus the
episode's id and seed), so that the same function runs in this process, in a local worker
process and in a Ray task, with the same result. The env id says which player plays it
(eval/household_episodes.py, eval/babyai_episodes.py); this module holds what they share.

An exception or a run past the per-episode time limit becomes that episode's failure
("crashed" or "episode_timeout", with the reason); the worker goes on with the next.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from contextlib import contextmanager

from ..episode_log import EpisodeLog


class EpisodeTimeout(Exception):
    """The episode ran past its time limit."""


def make_job(episode, env_id: str, config) -> dict:
    """The job of one suite episode (an eval.suites.Episode) under an EvalConfig."""
    return {"episode": episode.to_dict(), "env_id": env_id, "config": config.to_dict()}


def job_key(job: dict) -> str:
    """What a worker's cached env and agent depend on: the env id and the settings that
    decide how an episode plays out (AGENT_KEYS)."""
    from .config import AGENT_KEYS

    return json.dumps([job["env_id"], {k: job["config"].get(k) for k in AGENT_KEYS}], sort_keys=True)


_CONFIGS: dict[str, object] = {}  # the config's JSON -> its EvalConfig, read once per worker


def job_config(job: dict):
    """The job's EvalConfig (checked once per worker process)."""
    from .config import EvalConfig

    key = json.dumps(job["config"], sort_keys=True)
    if key not in _CONFIGS:
        _CONFIGS[key] = EvalConfig.from_dict(job["config"])
    return _CONFIGS[key]


def chunk_jobs(jobs: list[dict], size: int) -> list[list[dict]]:
    """Jobs grouped by scene, at most `size` a chunk, in a fixed order. Results do not
    depend on the grouping; only how often a worker builds a scene does."""
    by_scene: dict[str, list[dict]] = {}
    for job in jobs:
        task = job["episode"]["task"]
        by_scene.setdefault(str(task.get("scene")) if isinstance(task, dict) else "", []).append(job)
    return [group[i:i + size] for group in by_scene.values() for i in range(0, len(group), size)]


def episode_record(episode: dict, log: EpisodeLog, started: float | None, traceback_text: str | None = None) -> dict:
    """The line episodes.jsonl holds for an episode: its id and seed, and its EpisodeLog,
    timed from `started` (perf_counter) when it is given; a crash's traceback beside it."""
    if started is not None:
        log.wall_time_s = round(time.perf_counter() - started, 4)
    record = {"episode_id": episode["id"], "seed": episode["seed"], **log.to_dict()}
    if traceback_text is not None:
        record["traceback"] = traceback_text
    return record


def timeout_reason(seconds: float | None, steps: int | None = None) -> str:
    taken = f" ({steps} steps taken)" if steps is not None else ""
    return f"the episode ran past its time limit of {seconds} s{taken}"


@contextmanager
def deadline(seconds: float | None):
    """Raise EpisodeTimeout in this thread after `seconds` (SIGALRM: the main thread of a
    Unix process, which is where local workers and Ray tasks run; elsewhere, no limit)."""
    usable = (seconds is not None and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    expired = []

    def expire(signum, frame):
        expired.append(True)
        raise EpisodeTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
        if expired:  # the alarm came in a weakref callback or __del__, where Python ignores what it raises
            raise EpisodeTimeout()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
