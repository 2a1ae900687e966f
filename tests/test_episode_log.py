"""EpisodeLog's typed records: logs of version 1 (tests/data/episode_logs_v1.jsonl, written
by errands before the records were typed) still load and keep every field they had; a
version-2 log records its failure's kind and argument; the episode-end rule; bad logs are
errors that name what is wrong."""

import json
from pathlib import Path

import gymnasium as gym
import pytest

import errands
from errands.envs.skills import PlanError
from errands.envs.tasks.goals import TaskGoal
from errands.envs.tasks.task import Task
from errands.episode_log import (LOG_VERSION, EpisodeLog, PlanRecord, SkillRecord, StepRecord,
                                 episode_end_failure)
from errands.eval.taxonomy import classify_failure
from errands.failures import FailureCategory, FailureKind
from errands.policies import make_policy
from errands.policies.agent import Agent
from scripted_planner import ScriptedPlanner

V1_LOGS = Path(__file__).parent / "data" / "episode_logs_v1.jsonl"
# The fixture's episodes: the smoke suite's longest (oracle + expert), then on one heat task
# a plan that heats before picking up, one that never heats, and a planner error.
V1_CLASSES = [None, ("planner", "wrong_order"), ("planner", "missing_step"), ("planner", "hallucinated_object")]


def v1_records() -> list[dict]:
    return [json.loads(line) for line in V1_LOGS.read_text().splitlines()]


def assert_keeps(old, new, where="log"):
    """`new` holds everything `old` holds, with the same values (it may add keys)."""
    if isinstance(old, dict):
        assert isinstance(new, dict), where
        for key, value in old.items():
            assert key in new, f"{where} lost {key!r}"
            assert_keeps(value, new[key], f"{where}.{key}")
    elif isinstance(old, list):
        assert isinstance(new, list) and len(new) == len(old), where
        for i, (a, b) in enumerate(zip(old, new)):
            assert_keeps(a, b, f"{where}[{i}]")
    else:
        assert old == new, f"{where}: {old!r} became {new!r}"


def test_a_version_1_log_loads_as_records_and_keeps_its_json():
    for record in v1_records():
        assert record["version"] == 1 and "failure_argument" not in record
        log = EpisodeLog.from_dict(record)
        assert log.version == 1
        assert all(isinstance(s, StepRecord) for s in log.steps) and len(log.steps) == len(record["steps"])
        assert all(isinstance(p, PlanRecord) for p in log.plans)
        assert all(isinstance(s, SkillRecord) for s in log.skills)
        assert log.num_steps == record["num_steps"] and log.episode_metrics() == record["metrics"]
        assert_keeps(record, log.to_dict())
        assert EpisodeLog.from_dict(log.to_dict()) == log


def test_version_1_logs_classify_as_before():
    assert [classify_failure(r) for r in v1_records()] == V1_CLASSES


def test_version_2_logs_record_kinds_and_classify_as_version_1():
    """The fixture's episodes played again: the same actions and outcome, now with the
    failure's kind and argument, and the same classification read from them."""
    env = gym.make(errands.HOUSEHOLD_ENV_ID)
    heat = Task(TaskGoal("pick_heat_then_place_in_recep", "Apple", "SinkBasin"), 10, seed=0,
                instruction="Move a heated red apple to the sink.")
    planners = [ScriptedPlanner([("GotoLocation", "Microwave"), ("HeatObject", "Apple"), ("GotoLocation", "Apple"),
                                 ("PickupObject", "Apple"), ("GotoLocation", "SinkBasin"),
                                 ("PutObject", "Apple", "SinkBasin")]),
                ScriptedPlanner([("GotoLocation", "Apple"), ("PickupObject", "Apple"), ("GotoLocation", "SinkBasin"),
                                 ("PutObject", "Apple", "SinkBasin")]),
                ScriptedPlanner(error=PlanError("hallucinated_object",
                                                "step 1: PickupObject names 'Unicorn', which is not an object type"))]
    logs = [Agent(planner, make_policy("expert")).run_episode(env, heat) for planner in planners]
    for old, log in zip(v1_records()[1:], logs):
        new = log.to_dict()
        assert new["version"] == LOG_VERSION == 2
        assert [s["action"] for s in new["steps"]] == [s["action"] for s in old["steps"]]
        assert (new["failure_category"], new["failure_reason"]) == (old["failure_category"], old["failure_reason"])
        assert_keeps({k: v for k, v in old.items() if k not in ("version", "wall_time_s", "failure_kind", "skills")},
                     new)
    wrong_order, missing_step, hallucinated = (log.to_dict() for log in logs)
    assert (wrong_order["failure_kind"], wrong_order["failure_argument"]) == ("not_holding", "Apple")
    failed = [s for s in wrong_order["skills"] if s["status"] == "failed"]
    assert len(failed) == 4 and all((s["failure_category"], s["failure_kind"], s["failure_argument"])
                                    == ("interaction_failure", "not_holding", "Apple") for s in failed)
    assert (missing_step["failure_kind"], missing_step["failure_argument"]) == ("stopped_before_goal", None)
    assert hallucinated["failure_kind"] == "hallucinated_object"
    assert [classify_failure(r) for r in (wrong_order, missing_step, hallucinated)] == V1_CLASSES[1:]
    # Read from the kinds, not the words: a reason in other words classifies the same.
    reworded = dict(wrong_order, failure_reason="the hand is empty")
    assert classify_failure(reworded) == ("planner", "wrong_order")


def test_the_episode_end_rule():
    ended = {"success": False, "failures": 3, "error_message": "no Fridge in view"}
    assert episode_end_failure({**ended, "success": True}, True, 1000, 10, "stopped") is None
    step_limit = episode_end_failure(ended, True, 1000, 10, None)
    assert (step_limit.category, step_limit.kind, step_limit.message) == (
        FailureCategory.MAX_STEPS, FailureKind.STEP_LIMIT, "the episode reached 1000 steps")
    failures = episode_end_failure({**ended, "failures": 10}, False, 1000, 10, None)
    assert (failures.category, failures.message) == (FailureCategory.MAX_FAILURES,
                                                     "10 failed actions; last: no Fridge in view")
    stopped = episode_end_failure(ended, False, 1000, 10, "the plan ended")
    assert (stopped.category, stopped.kind, stopped.message) == (
        FailureCategory.GOAL_NOT_MET, FailureKind.STOPPED_BEFORE_GOAL, "the plan ended")
    assert episode_end_failure(ended, False, 1000, 10, None) is None  # a Stop the writer did not take
    log = EpisodeLog(task={}, instruction="", planner="p", policy="q")
    log.record_failure(FailureCategory.PLANNER_ERROR, "planner: no plan")
    log.end(ended, True, 1000, 10, None)
    assert (log.failure_category, log.failure_reason) == ("planner_error", "planner: no plan")  # the first stands


def test_bad_logs_name_what_is_wrong():
    good = v1_records()[0]
    with pytest.raises(ValueError, match="version must be 1 to 2 .* got 3"):
        EpisodeLog.from_dict(dict(good, version=3))
    with pytest.raises(ValueError, match="failure_category must be one of .* got 'tired'"):
        EpisodeLog.from_dict(dict(good, failure_category="tired"))
    with pytest.raises(ValueError, match="step 2 must be an object with an 'action' string"):
        EpisodeLog.from_dict(dict(good, steps=[good["steps"][0], {"action": 3}]))
    with pytest.raises(ValueError, match="skill's status must be one of running, done, failed, got 'asleep'"):
        EpisodeLog.from_dict(dict(good, skills=[dict(good["skills"][0], status="asleep")]))
    with pytest.raises(ValueError, match="task must be an object, got str"):
        EpisodeLog.from_dict(dict(good, task="?"))
    crash = EpisodeLog(task={}, instruction="", planner="p", policy="q", failure_category="crashed",
                       failure_kind="ImpossibleTask")
    assert crash.failure_category is FailureCategory.CRASHED and crash.failure_kind == "ImpossibleTask"
