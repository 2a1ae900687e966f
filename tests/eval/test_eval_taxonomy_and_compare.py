"""The failure taxonomy (planner side vs execution side) on real agent failures, and the
paired comparison of two runs."""

import json

import gymnasium as gym
import pytest

import errands
from errands.envs.skills import PlanError
from errands.envs.household.world import World
from errands.envs.tasks.goals import TaskGoal
from errands.envs.tasks.task import Task
from errands.eval.compare import compare_runs, format_comparison, mcnemar_exact
from errands.eval.taxonomy import classify_failure, failure_breakdown
from errands.policies import make_policy
from errands.policies.agent import Agent
from scripted_planner import ScriptedPlanner


@pytest.fixture(scope="module")
def heat_task():
    """Heat an apple, then put it in the sink basin (kitchen 10, where object placement
    seed 0 leaves one apple, in a cabinet: the scripted plans below rely on that)."""
    task = Task(TaskGoal("pick_heat_then_place_in_recep", "Apple", "SinkBasin"), 10, seed=0,
                instruction="Move a heated red apple to the sink.")
    world = World(task.build_scene())
    [apple] = world.objects_of_type("Apple")
    assert world.root_fixed(apple.id).type.name == "Cabinet"
    return task


def play(planner, task):
    env = gym.make(errands.HOUSEHOLD_ENV_ID)
    return Agent(planner, make_policy("expert")).run_episode(env, task).to_dict()


def test_wrong_order_and_missing_step(heat_task):
    heat_first = [("GotoLocation", "Microwave"), ("HeatObject", "Apple"), ("GotoLocation", "Apple"),
                  ("PickupObject", "Apple"), ("GotoLocation", "SinkBasin"), ("PutObject", "Apple", "SinkBasin")]
    record = play(ScriptedPlanner(heat_first), heat_task)
    assert record["failure_category"] == "interaction_failure" and "precondition failed" in record["failure_reason"]
    assert classify_failure(record) == ("planner", "wrong_order")
    no_pickup = [("GotoLocation", "Microwave"), ("HeatObject", "Apple"), ("GotoLocation", "SinkBasin"),
                 ("PutObject", "Apple", "SinkBasin")]
    assert classify_failure(play(ScriptedPlanner(no_pickup), heat_task)) == ("planner", "missing_step")
    no_heat = [("GotoLocation", "Apple"), ("PickupObject", "Apple"), ("GotoLocation", "SinkBasin"),
               ("PutObject", "Apple", "SinkBasin")]
    record = play(ScriptedPlanner(no_heat), heat_task)
    assert record["failure_category"] == "goal_not_met" and record["goal_conditions"] == [1, 3]
    assert classify_failure(record) == ("planner", "missing_step")
    # A misread goal: the apple chilled instead of heated, a plan that runs to its end.
    chill = [("GotoLocation", "Apple"), ("PickupObject", "Apple"), ("GotoLocation", "Fridge"), ("CoolObject", "Apple"),
             ("GotoLocation", "SinkBasin"), ("PutObject", "Apple", "SinkBasin")]
    record = play(ScriptedPlanner(chill), heat_task)
    assert record["failure_category"] == "goal_not_met" and record["goal_conditions"] == [1, 3]
    assert classify_failure(record) == ("planner", "wrong_goal")


def test_grammar_errors(heat_task):
    # A plan run as it came (not validated): the step that fails names what does not exist.
    unicorn = play(ScriptedPlanner([("PickupObject", "Unicorn")]), heat_task)
    assert unicorn["failure_category"] == "interaction_failure"
    assert classify_failure(unicorn) == ("planner", "hallucinated_object")
    teleport = play(ScriptedPlanner([("Teleport", "Apple")]), heat_task)
    assert classify_failure(teleport) == ("planner", "hallucinated_action")
    # A planner that validates its output raises PlanError with the kind.
    bad_json = play(ScriptedPlanner(error=PlanError("unparsable", "plan is not valid JSON (x): 'Sure! Here'")), heat_task)
    assert classify_failure(bad_json) == ("planner", "unparsable")
    halluc = play(ScriptedPlanner(error=PlanError(
        "hallucinated_object", "step 1: PickupObject names 'Unicorn', which is not an object type")), heat_task)
    assert classify_failure(halluc) == ("planner", "hallucinated_object")
    assert halluc["failure_kind"] == "hallucinated_object"  # the agent records the PlanError's kind
    kinded = dict(halluc, failure_reason="planner: something", failure_kind="unknown_skill")
    assert classify_failure(kinded) == ("planner", "hallucinated_action")
    # The LLM planner names the kind in brackets.
    llm = dict(halluc, failure_kind=None, failure_reason="planner: [wrong_arity] no valid answer after 3 attempts; last: ...")
    assert classify_failure(llm) == ("planner", "wrong_arity")
    down = dict(halluc, failure_kind=None, failure_reason="planner: [backend_error] http://127.0.0.1:8080 failed after 4 attempts")
    assert classify_failure(down) == ("planner", "backend_error")
    # No plan reaches the goal the planner read: a misread goal, unless it is the task's own.
    misread = dict(halluc, failure_kind=None, failure_reason="planner: no plan reaches pick_two_obj_and_place-Apple-None-Fridge in x")
    assert classify_failure(misread) == ("planner", "wrong_goal")
    stuck = dict(halluc, failure_kind=None, failure_reason="planner: no plan reaches pick_heat_then_place_in_recep-Apple-None-SinkBasin")
    assert classify_failure(stuck) == ("planner", "no_plan")


def test_execution_kinds_and_breakdown():
    base = {"success": False, "skills": [], "plans": []}
    cases = {"navigation_failure": ("execution", "navigation_timeout"),
             "max_steps": ("execution", "max_steps"), "max_failures": ("execution", "max_failures"),
             "episode_timeout": ("execution", "episode_timeout"), "crashed": ("execution", "crashed")}
    records = []
    for category, expected in cases.items():
        record = dict(base, failure_category=category, failure_reason="x")
        assert classify_failure(record) == expected
        records.append(record)
    skill_timeout = dict(base, failure_category="skill_timeout", failure_reason="GotoLocation(Fridge): no success")
    assert classify_failure(skill_timeout) == ("execution", "navigation_timeout")
    assert classify_failure({"success": True}) is None
    counts = failure_breakdown(records + [{"success": True}])
    assert counts["failed"] == 5 and counts["episodes"] == 6
    assert counts["execution"]["navigation_timeout"] == 1 and sum(counts["planner"].values()) == 0


def test_mcnemar_exact_values():
    assert mcnemar_exact(0, 0) == 1.0
    assert mcnemar_exact(5, 5) == 1.0
    assert mcnemar_exact(0, 6) == pytest.approx(2 / 64)
    assert mcnemar_exact(1, 9) == pytest.approx(2 * 11 / 1024)


def write_run(path, records):
    path.mkdir()
    (path / "episodes.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))


def record(i, success, met, total, steps, expert):
    return {"episode_id": f"e{i}", "task": {"goal": {"task_type": "pick_and_place_simple"}}, "instruction": "x",
            "planner": "p", "policy": "q", "goal_conditions": [met, total], "success": success,
            "expert_length": expert, "steps": [{"action": "MoveAhead", "success": True}] * steps}


def test_compare_pairs_episodes_and_tests_significance(tmp_path):
    a = [record(i, True, 1, 1, 10, 10) for i in range(12)]
    b = [record(i, i < 2, 1 if i < 2 else 0, 1, 20, 10) for i in range(12)] + [record(99, True, 1, 1, 5, 5)]
    write_run(tmp_path / "a", a)
    write_run(tmp_path / "b", b)
    c = compare_runs(tmp_path / "a", tmp_path / "b")
    assert (c.shared, c.only_a, c.only_b, c.a_only_success, c.b_only_success) == (12, 0, 1, 10, 0)
    rows = {r.metric: r for r in c.rows}
    assert rows["SR"].difference == pytest.approx(2 / 12 - 1) and rows["SR"].p_value == pytest.approx(2 / 1024)
    assert rows["SR"].significant and rows["GC"].significant
    assert rows["PLW-SR"].b == pytest.approx(2 * 0.5 / 12)  # two successes at half the expert's efficiency
    assert rows["PLW-SR"].ci[0] < rows["PLW-SR"].difference < rows["PLW-SR"].ci[1]
    same = compare_runs(tmp_path / "a", tmp_path / "a")
    assert all(r.difference == 0 and r.p_value == 1.0 and not r.significant for r in same.rows)
    text = format_comparison(c)
    assert "| SR | 100.0 | 16.7 | -83.3 |" in text and "McNemar exact | yes |" in text
    write_run(tmp_path / "other", [record(7, True, 1, 1, 1, 1) | {"episode_id": "z"}])
    with pytest.raises(ValueError, match="share no episode ids"):
        compare_runs(tmp_path / "a", tmp_path / "other")
