"""Which player plays a suite's episodes, by the env id they are played in: household
suites in errands/Household-v0 (a planner and a skill policy), BabyAI levels in
errands/BabyAI-LEVEL-v0 (a policy alone). The runner and its workers go through here,
so that every backend plays both kinds the same way."""

from __future__ import annotations

from . import babyai_episodes, household_episodes

PLAYERS = {"household": household_episodes, "babyai": babyai_episodes}


def suite_env_id(suite) -> str:
    """The env id a suite's episodes are played in."""
    return babyai_episodes.suite_env_id(suite) or household_episodes.ENV_ID


def player(env_id: str):
    """The module that plays episodes of `env_id`: resolve, check, run_dir_name, play, warm_up, lost_record."""
    if env_id == household_episodes.ENV_ID:
        return household_episodes
    if env_id.startswith("errands/BabyAI-"):
        return babyai_episodes
    raise ValueError(f"no evaluation player for env {env_id!r}: expected {household_episodes.ENV_ID} or "
                     f"errands/BabyAI-LEVEL-v0")


def resolve(suite, config):
    """The config the suite runs with, its env kind's defaults filled in (cheap, and the
    same when done again); or a ValueError for what the suite's env cannot take."""
    return player(suite_env_id(suite)).resolve(suite, config)


def check(suite, config) -> None:
    """Build what the resolved config plays with once, so that a bad checkpoint or env
    option fails before the first episode."""
    player(suite_env_id(suite)).check(config)


def default_run_dir(suite, config, root="runs/eval"):
    """runs/eval/SUITE-PLANNER-POLICY (with -cameraRES when it sees through the camera) for a
    household suite, runs/eval/babyai-LEVEL-POLICY for a BabyAI level."""
    from pathlib import Path

    return Path(root) / player(suite_env_id(suite)).run_dir_name(suite, config)


def play(jobs: list[dict]):
    """The records of the jobs' episodes (one env id and config), as they end."""
    return player(jobs[0]["env_id"]).play(jobs)


def run_jobs(jobs: list[dict]) -> list[dict]:
    """Play a chunk of episodes in a worker (of one scene, so that it builds it once)."""
    return list(play(jobs))


def warm_up(job: dict) -> int:
    """Import everything and build the job's players once in this worker; its pid."""
    return player(job["env_id"]).warm_up(job)


def lost_record(job: dict, reason: str) -> dict:
    """The record of an episode whose worker died under it."""
    return player(job["env_id"]).lost_record(job, reason)
