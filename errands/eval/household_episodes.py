"""The player of household suite episodes (errands/Household-v0): the run's planner and
skill policy as an Agent, one episode after another in a worker.

Before each episode the random generators are seeded from the episode's seed, and a
planner or policy that has a `seed(int)` method is given it. An episode whose suite has
no L* gets one from the oracle planner with the expert on the same task.
"""

from __future__ import annotations

import os
import time
import traceback
from pathlib import Path

from ..envs import HOUSEHOLD_ENV_ID
from ..envs.tasks.goals import TaskGoal, goal_condition_total
from ..episode_log import EpisodeLog
from ..seeding import seed_everything
from .config import NO_PLANNER, EvalConfig
from .episode_job import EpisodeTimeout, deadline, episode_record, job_config, job_key, timeout_reason

ENV_ID = HOUSEHOLD_ENV_ID
DEFAULT_PLANNER = "oracle"
DEFAULT_WORKERS = 1  # one worker process; 0 plays the episodes in this process


_AGENTS: dict[str, tuple] = {}  # job_key -> (env, agent), one per worker process


def resolve(suite, config: EvalConfig) -> EvalConfig:
    """The config a household suite runs with: the default planner and workers filled in,
    the layouts folder found (--layouts or ERRANDS_ALFRED_LAYOUTS) and made absolute; or a
    ValueError for what it cannot run with."""
    from ..planners import PLANNERS
    from ..policies import policy_env

    if config.planner == NO_PLANNER:
        raise ValueError(f"household suites need a planner: expected one of {', '.join(PLANNERS)}")
    if policy_env(config.policy) != "household":
        raise ValueError(f"policy {config.policy!r} does not play household tasks: it plays "
                         f"{policy_env(config.policy)} levels")
    layouts_dir = config.layouts_dir or os.environ.get("ERRANDS_ALFRED_LAYOUTS")
    if suite.scenes == "alfred_floorplans" and not layouts_dir:
        raise ValueError(f"suite {suite.name!r} plays ALFRED floor plans: pass --layouts (ALFRED's gen/layouts "
                         f"folder) or set ERRANDS_ALFRED_LAYOUTS")
    return config.replace(planner=config.planner or DEFAULT_PLANNER,
                          workers=DEFAULT_WORKERS if config.workers is None else config.workers,
                          layouts_dir=str(Path(layouts_dir).resolve()) if layouts_dir else None)


def check(config: EvalConfig) -> None:
    """Build the policy and the env once, so that a bad name, checkpoint or env option
    fails now, not in every episode; under a protocol that is not privileged, build the
    planner too and refuse either when it needs an input the protocol does not give."""
    from ..envs.household_env import HouseholdEnv
    from ..planners import make_planner
    from ..policies import make_policy
    from ..protocols import protocol

    policy = make_policy(config.policy, config.policy_options)
    chosen = protocol(config.protocol)
    if not chosen.privileged:
        chosen.check(make_planner(config.planner, config.planner_options), "planner")
        chosen.check(policy, "policy")
    HouseholdEnv(**config.env_options.kwargs())


def run_dir_name(suite, config: EvalConfig) -> str:
    """The same folder for the same suite, agent, protocol and camera, so that a rerun resumes."""
    from ..protocols import DEFAULT_PROTOCOL

    env = config.env_options
    camera = f"-camera{env.resolution}" if env.visibility == "camera" else ""
    rules = "-rules" if config.rules else ""
    protocol = f"-{config.protocol}" if config.protocol != DEFAULT_PROTOCOL else ""
    return f"{suite.name}-{config.planner or DEFAULT_PLANNER}-{Path(config.policy).name}{protocol}{camera}{rules}"


def play(jobs: list[dict]):
    """The records of the jobs' episodes, one after another."""
    for job in jobs:
        yield play_one(job)


def play_one(job: dict) -> dict:
    """Play one episode and return its record; never raises for the episode's own faults."""
    episode, config = job["episode"], job_config(job)
    steps: list[dict] = []
    started = time.perf_counter()
    try:
        with deadline(config.timeout_s):
            log = _play(job, config, steps)
    except EpisodeTimeout:
        _AGENTS.pop(job_key(job), None)  # its state is unknown now: start the next episode afresh
        log = failed_log(job, steps, "episode_timeout", "TimeoutError", timeout_reason(config.timeout_s, len(steps)))
    except Exception as e:  # noqa: BLE001 - one bad episode must not end the run
        _AGENTS.pop(job_key(job), None)
        log = failed_log(job, steps, "crashed", type(e).__name__, f"{type(e).__name__}: {e}")
        return episode_record(episode, log, started, traceback.format_exc(limit=6))
    return episode_record(episode, log, started)


def lost_record(job: dict, reason: str) -> dict:
    """The record of an episode whose worker died under it."""
    return episode_record(job["episode"], failed_log(job, [], "crashed", "WorkerDied", reason), time.perf_counter())


def warm_up(job: dict) -> int:
    """Import everything and build the job's agent once in this worker (before timing)."""
    _agent_for(job)
    return os.getpid()


def _play(job: dict, config: EvalConfig, steps: list[dict]) -> EpisodeLog:
    from ..envs.tasks.task import Task

    episode = job["episode"]
    task = Task.from_dict(episode["task"])
    env, agent = _agent_for(job)
    seed = int(episode["seed"])
    seed_everything(seed, env, agent)
    expert_length = episode.get("expert_length") or _reference_length(task, config.layouts_dir)
    return agent.run_episode(env, task, expert_length=expert_length, on_step=steps.append)


def _agent_for(job: dict):
    key = job_key(job)
    if key not in _AGENTS:
        import gymnasium as gym

        from ..planners import make_planner
        from ..planners.household_rules import HouseholdRule
        from ..policies import make_policy
        from ..policies.agent import Agent

        config = job_config(job)
        env = gym.make(job["env_id"], **config.env_options.replace(layouts_dir=config.layouts_dir).kwargs())
        agent = Agent(make_planner(config.planner, config.planner_options),
                      make_policy(config.policy, config.policy_options),
                      rules=[HouseholdRule.from_dict(r) for r in config.rules], protocol=config.protocol)
        _AGENTS[key] = (env, agent)
    return _AGENTS[key]


def _reference_length(task, layouts_dir: str | None) -> int | None:
    """L* for an episode whose suite has none: the oracle planner with the expert."""
    reference = {"env_id": ENV_ID,
                 "config": EvalConfig(planner="oracle", policy="expert", layouts_dir=layouts_dir).to_dict()}
    env, agent = _agent_for(reference)
    log = agent.run_episode(env, task)
    return log.num_steps if log.success else None


def conditions_of(goal: dict) -> int:
    """How many goal conditions a task's goal has (0 for one that is not a valid goal)."""
    try:
        return goal_condition_total(TaskGoal(**goal))
    except (TypeError, ValueError):
        return 0


def failed_log(job: dict, steps: list[dict], category: str, kind: str, reason: str) -> EpisodeLog:
    """The log of an episode that crashed or timed out, with the steps it took."""
    config = job["config"]
    task = job["episode"]["task"]
    task = task if isinstance(task, dict) else {"invalid": repr(task)}
    goal = task.get("goal") if isinstance(task.get("goal"), dict) else {}
    total = conditions_of(goal)
    met = steps[-1]["goal_conditions"][0] if steps else 0
    return EpisodeLog(task=task, instruction=str(task.get("instruction", "")), planner=config["planner"],
                      policy=config["policy"], steps=list(steps), goal_conditions=(int(met), int(total)), success=False,
                      failure_category=category, failure_kind=kind, failure_reason=reason,
                      expert_length=job["episode"].get("expert_length"))
