"""One evaluation episode as a job a worker runs: a plain dict in, a plain dict (the
EpisodeLog plus the episode's id and seed) out, so that the same function runs in this
process, in a local worker process and in a Ray task, with the same result.

An exception or a run past the per-episode time limit becomes that episode's failure
("crashed" or "episode_timeout", with the reason); the worker goes on with the next.
Before each episode the random generators are seeded from the episode's seed, and a
planner or policy that has a `seed(int)` method is given it.
"""

from __future__ import annotations

import random
import signal
import threading
import time
import traceback
from contextlib import contextmanager

import numpy as np

from ..envs.tasks.goals import TASK_TYPES
from ..episode_log import EpisodeLog

# Goal conditions per task type (one more when the object must be sliced), for the
# log of an episode that never got as far as the simulator counting them.
CONDITIONS = {"pick_and_place_simple": 1, "pick_two_obj_and_place": 2, "look_at_obj_in_light": 2,
              "pick_clean_then_place_in_recep": 3, "pick_heat_then_place_in_recep": 3,
              "pick_cool_then_place_in_recep": 3, "pick_and_place_with_movable_recep": 3}
assert set(CONDITIONS) == set(TASK_TYPES)

_AGENTS: dict[tuple, tuple] = {}  # (planner, policy, layouts) -> (env, agent), one per worker process


class EpisodeTimeout(Exception):
    """The episode ran past its time limit."""


def make_job(episode, planner: str, policy: str, layouts_dir: str | None, timeout_s: float | None,
             planner_options: dict | None = None, policy_options: dict | None = None,
             env_options: dict | None = None) -> dict:
    return {"episode": episode.to_dict(), "planner": planner, "policy": policy, "layouts_dir": layouts_dir,
            "timeout_s": timeout_s, "planner_options": planner_options or {}, "policy_options": policy_options or {},
            "env_options": env_options or {}}


def run_jobs(jobs: list[dict]) -> list[dict]:
    """Play a chunk of episodes (of one scene, so that a worker builds it once)."""
    return [run_job(job) for job in jobs]


def chunk_jobs(jobs: list[dict], size: int) -> list[list[dict]]:
    """Jobs grouped by scene, at most `size` a chunk, in a fixed order. Results do not
    depend on the grouping; only how often a worker builds a scene does."""
    by_scene: dict[str, list[dict]] = {}
    for job in jobs:
        task = job["episode"]["task"]
        by_scene.setdefault(str(task.get("scene")) if isinstance(task, dict) else "", []).append(job)
    return [group[i:i + size] for group in by_scene.values() for i in range(0, len(group), size)]


def run_job(job: dict) -> dict:
    """Play one episode and return its record; never raises for the episode's own faults."""
    episode = job["episode"]
    steps: list[dict] = []
    started = time.perf_counter()
    try:
        with deadline(job.get("timeout_s")):
            log = _play(job, steps)
    except EpisodeTimeout:
        _AGENTS.pop(_key(job), None)  # its state is unknown now: start the next episode afresh
        log = _failed_log(job, steps, "episode_timeout", "TimeoutError",
                          f"the episode ran past its time limit of {job['timeout_s']} s "
                          f"({len(steps)} steps taken)")
    except Exception as e:  # noqa: BLE001 - one bad episode must not end the run
        _AGENTS.pop(_key(job), None)
        log = _failed_log(job, steps, "crashed", type(e).__name__, f"{type(e).__name__}: {e}")
        record = _record(episode, log, started)
        record["traceback"] = traceback.format_exc(limit=6)
        return record
    return _record(episode, log, started)


def _play(job: dict, steps: list[dict]) -> EpisodeLog:
    from ..envs.tasks.task import Task

    episode = job["episode"]
    task = Task.from_dict(episode["task"])
    env, agent = _agent_for(job)
    seed = int(episode["seed"])
    _seed_everything(seed, env, agent)
    expert_length = episode.get("expert_length") or _reference_length(task, job["layouts_dir"])
    return agent.run_episode(env, task, expert_length=expert_length, on_step=steps.append)


def _key(job: dict) -> tuple:
    import json

    options = ("planner_options", "policy_options", "env_options")
    return (job["planner"], job["policy"], job["layouts_dir"],
            *(json.dumps(job.get(k) or {}, sort_keys=True) for k in options))


def _agent_for(job: dict):
    key = _key(job)
    if key not in _AGENTS:
        import gymnasium as gym

        from ..envs import HOUSEHOLD_ENV_ID
        from ..planners import make_planner
        from ..policies import make_policy
        from ..policies.agent import Agent

        env = gym.make(HOUSEHOLD_ENV_ID, layouts_dir=job["layouts_dir"], **(job.get("env_options") or {}))
        agent = Agent(make_planner(job["planner"], **job["planner_options"]),
                      make_policy(job["policy"], **job["policy_options"]))
        _AGENTS[key] = (env, agent)
    return _AGENTS[key]


def _seed_everything(seed: int, env, agent) -> None:
    from gymnasium.utils import seeding

    random.seed(seed)
    np.random.seed(seed % 2**32)
    env.unwrapped.np_random, _ = seeding.np_random(seed)
    for part in (agent.planner, agent.policy):
        if callable(getattr(part, "seed", None)):
            part.seed(seed)


def _reference_length(task, layouts_dir: str | None) -> int | None:
    """L* for an episode whose suite has none: the oracle planner with the expert."""
    env, agent = _agent_for({"planner": "oracle", "policy": "expert", "layouts_dir": layouts_dir,
                             "planner_options": {}, "policy_options": {}})
    log = agent.run_episode(env, task)
    return log.num_steps if log.success else None


def _failed_log(job: dict, steps: list[dict], category: str, kind: str, reason: str) -> EpisodeLog:
    """The log of an episode that crashed or timed out, with the steps it took."""
    task = job["episode"]["task"]
    task = task if isinstance(task, dict) else {"invalid": repr(task)}
    goal = task.get("goal") if isinstance(task.get("goal"), dict) else {}
    total = CONDITIONS.get(goal.get("task_type"), 0) + (1 if goal.get("sliced") else 0)
    met = steps[-1]["goal_conditions"][0] if steps else 0
    return EpisodeLog(task=task, instruction=str(task.get("instruction", "")), planner=job["planner"],
                      policy=job["policy"], steps=list(steps), goal_conditions=(int(met), int(total)), success=False,
                      failure_category=category, failure_kind=kind, failure_reason=reason,
                      expert_length=job["episode"].get("expert_length"))


def _record(episode: dict, log: EpisodeLog, started: float) -> dict:
    log.wall_time_s = round(time.perf_counter() - started, 4)
    return {"episode_id": episode["id"], "seed": episode["seed"], **log.to_dict()}


@contextmanager
def deadline(seconds: float | None):
    """Raise EpisodeTimeout in this thread after `seconds` (SIGALRM: the main thread of a
    Unix process, which is where local workers and Ray tasks run; elsewhere, no limit)."""
    usable = (seconds is not None and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise EpisodeTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def warm_up(job: dict) -> int:
    """Import everything and build the job's agent once in this worker (before timing)."""
    import os

    _agent_for(job)
    return os.getpid()
