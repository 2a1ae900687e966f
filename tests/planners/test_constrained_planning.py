"""Planning within constraints: the symbolic search avoids forbidden actions (another
cabinet) or says which constraint it cannot meet, appends what an end state needs (close
the fridge), and the oracle with the expert meets its constraints end to end; the eval
records, metrics and the constraint suite builder read them."""

import gymnasium as gym
import pytest

import errands
from errands.envs.tasks.constraints import (EndState, ForbiddenAction, ForbiddenRegion, StepBudget,
                                            forbidden_cells)
from errands.envs.tasks.goals import TaskGoal
from errands.envs.tasks.task import Task
from errands.episode_log import EpisodeLog
from errands.eval.constraint_metrics import constraint_metrics, format_constraint_table
from errands.eval.compare import compare_runs
from errands.eval.constraint_suites import build_constraint_suite
from errands.eval.runner import run_evaluation
from errands.eval.suites import Suite, load_suite
from errands.planners import make_planner
from errands.planners.base import PlanningError
from errands.planners.symbolic import plan_for_goal
from errands.policies import make_policy
from errands.policies.agent import Agent

FRIDGE = "Fridge|+04.25|+00.90|+01.75"
NEAR_CABINET = "Cabinet|+01.88|+00.45|+00.38"
OTHER_CABINET = "Cabinet|+02.88|+00.45|+00.38"


@pytest.fixture(scope="module")
def env():
    return gym.make(errands.HOUSEHOLD_ENV_ID)


def world_for(env, goal):
    env.reset(options={"task": Task(goal, 10, seed=0)})
    return env.unwrapped.world


def test_the_search_takes_another_cabinet_when_opening_one_is_forbidden(env):
    goal = TaskGoal("pick_and_place_simple", "Apple", "Cabinet")
    world = world_for(env, goal)
    assert plan_for_goal(goal, world).steps[-1].ids[1] == NEAR_CABINET  # closed: the expert opens it
    no_opening = (ForbiddenAction("OpenObject", "Cabinet"),)
    with pytest.raises(PlanningError, match="no plan reaches pick_and_place_simple-Apple-None-Cabinet in "
                                            r"procedural-10 within its constraints \(don't open the cabinet\)"):
        plan_for_goal(goal, world, no_opening)  # every cabinet is closed
    world.objects[OTHER_CABINET].is_open = True
    plan = plan_for_goal(goal, world, no_opening)
    assert [str(c) for c in plan.steps] == ["GotoLocation(DiningTable)", "PickupObject(Apple)",
                                            "GotoLocation(Cabinet)", "PutObject(Apple, Cabinet)"]
    assert plan.steps[-1].ids[1] == OTHER_CABINET


def test_the_search_closes_the_fridge_an_end_state_asks_for(env):
    goal = TaskGoal("pick_and_place_simple", "Apple", "Fridge")
    world = world_for(env, goal)
    world.objects[FRIDGE].is_open = True
    plain = plan_for_goal(goal, world)
    plan = plan_for_goal(goal, world, (EndState("Fridge", "closed"),))
    assert plan.to_dict() == plain.to_dict() + [{"skill": "CloseObject", "args": ["Fridge"], "ids": [FRIDGE]}]
    with pytest.raises(PlanningError, match=f"'leave the fridge closed' needs CloseObject on {FRIDGE.replace('|', '.')}"
                                            ", which breaks 'don't close the fridge'"):
        plan_for_goal(goal, world, (EndState("Fridge", "closed"), ForbiddenAction("CloseObject", "Fridge")))


def test_oracle_and_expert_meet_their_constraints_end_to_end(env):
    goal = TaskGoal("pick_heat_then_place_in_recep", "Apple", "SinkBasin")
    agent = Agent(make_planner("oracle"), make_policy("expert"))
    plain = agent.run_episode(env, Task(goal, 10, seed=0))
    assert plain.success and plain.constraint_results == [] and "constraint_results" not in plain.to_dict()
    # the plain run walks past the fridge; kept away from it, the expert goes round (one
    # step more) and opens it at the end from a pose outside the region
    blocked = forbidden_cells(env.unwrapped.world.scene, (ForbiddenRegion("Fridge", 1),))
    assert any(s.cell in blocked for s in plain.steps) and plain.num_steps == 31
    rules = (EndState("Fridge", "open"), ForbiddenRegion("Fridge", 1), StepBudget(2 * plain.num_steps))
    task = Task(goal, 10, seed=0, constraints=rules)
    log = agent.run_episode(env, task)
    assert log.success and log.constraints_met, log.constraint_results
    assert [r["reason"] for r in log.constraint_results] == [
        "at the end every Fridge (1) is open", "never within 1 step of a Fridge in 34 steps",
        "33 steps, within the budget of 62"]
    assert log.steps[-2].action == f"OpenObject {FRIDGE}" and log.steps[-2].object == FRIDGE
    assert not any(s.cell in blocked for s in log.steps)
    assert log.end_state[FRIDGE]["is_open"] is True and list(log.fixture_cells) == ["Fridge"]
    # the same region judged from the plain run's cells: broken
    plain.fixture_cells = log.fixture_cells
    assert not ForbiddenRegion("Fridge", 1).check(plain).satisfied
    again = EpisodeLog.from_dict(log.to_dict())
    assert again == log and again.to_dict() == log.to_dict()
    # a goal that needs the forbidden thing: the planner says so, and the episode records it
    refused = agent.run_episode(env, Task(goal, 10, seed=0, constraints=(ForbiddenAction("PickupObject", "Apple"),)))
    assert not refused.success and "within its constraints (don't pick up the apple)" in refused.failure_reason
    # a budget the run goes over is checked, not planned for
    tight = agent.run_episode(env, Task(goal, 10, seed=0, constraints=(StepBudget(10),)))
    assert tight.success and tight.constraint_results[0]["reason"] == "31 steps, more than the budget of 10: step 11 went over"
    table = constraint_metrics([log, refused, tight, plain])
    assert list(table) == ["overall", "forbidden_action", "forbidden_region", "step_budget", "end_state"]
    overall = table["overall"]
    assert (overall.episodes, overall.sr, overall.csr, overall.sr_c) == (3, 2 / 3, 2 / 3, 1 / 3)
    budget = table["step_budget"]
    assert (budget.episodes, budget.sr, budget.csr, budget.sr_c) == (2, 1.0, 0.5, 0.5)
    assert budget.sr_c_ci[0] < 0.5 < budget.sr_c_ci[1]
    assert format_constraint_table(table).splitlines()[2].startswith("| overall | 3 | 66.7 [")


def test_the_constraint_suite_builder_checks_every_task():
    base = load_suite("valid_seen")
    manifest = build_constraint_suite("constraints_dev", base, limit=18)
    assert len(manifest["episodes"]) + len(manifest["dropped"]) == 18
    kinds = manifest["constraint_kinds"]
    assert all(kinds[k] > 0 for k in ("forbidden_action", "forbidden_object", "step_budget", "ordering", "count"))
    first = manifest["episodes"][0]
    assert first["id"] == base.episodes[0].id and first["task"]["constraints"]
    assert first["task"]["instruction"].startswith(base.episodes[0].task["instruction"])
    again = build_constraint_suite("constraints_dev", Suite(base.name, base.episodes[:18], base.hash))
    assert again["hash"] == manifest["hash"]  # drawn deterministically
    packaged = load_suite("constraints_dev")  # the packaged manifest is what the builder gives
    first_ids = {e.id for e in base.episodes[:18]}
    assert [e.to_dict() for e in packaged.episodes if e.id in first_ids] == manifest["episodes"]
    with pytest.raises(ValueError, match="unknown constraint suite 'rules': expected one of constraints_dev"):
        build_constraint_suite("rules", base)


def test_a_run_of_constraints_dev_reports_its_constraints(tmp_path):
    dev, seen = load_suite("constraints_dev"), load_suite("valid_seen")
    few = Suite("constraints_dev", dev.episodes[:4], dev.hash)
    summary = run_evaluation(few, tmp_path / "dev", workers=0, progress=False)
    overall = summary["constraints"]["overall"]
    assert (overall["episodes"], overall["sr"], overall["csr"], overall["sr_c"]) == (4, 1.0, 1.0, 1.0)
    report = (tmp_path / "dev" / "report.md").read_text()
    assert "## Constraints (%, with 95% Wilson intervals; protocol privileged, geometric)" in report
    assert "**SR+C 100.0%  CSR 100.0%  SR " in report
    assert "Constraints (%, with 95% Wilson intervals; protocol privileged" in (tmp_path / "dev" / "report.html").read_text()
    plain = run_evaluation(Suite("valid_seen", seen.episodes[:4], seen.hash), tmp_path / "seen", workers=0,
                           progress=False)
    assert "constraints" not in plain
    rows = {row.metric: row for row in compare_runs(tmp_path / "seen", tmp_path / "dev").rows}
    assert list(rows) == ["SR", "SR+C", "GC", "PLW-SR", "PLW-GC"] and rows["SR+C"].difference == 0.0


def test_binding_constraints_are_broken_by_a_planner_blind_to_them():
    """The episodes marked binding break exactly those kinds when their constraints are
    not told to the planner, and keep every one when they are."""
    from errands.envs.tasks.constraints import check_constraints, end_state, fixture_cells

    dev = load_suite("constraints_dev")
    binding = [e for e in dev.episodes if e.source["binding"]]
    assert len(binding) == 244
    env = gym.make("errands/Household-v0")
    agent = Agent(make_planner("oracle"), make_policy("expert"))
    for episode in binding[:6]:
        task = Task.from_dict(episode.task)
        blind = Task(task.goal, task.scene, seed=task.seed, instruction=task.instruction)
        log = agent.run_episode(env, blind)
        log.fixture_cells = fixture_cells(env.unwrapped.world.scene, task.constraints)
        log.end_state = end_state(env.unwrapped.world, task.constraints)
        broken = [r["kind"] for r in check_constraints(task.constraints, log) if not r["satisfied"]]
        assert log.success and broken == episode.source["binding"]
        told = agent.run_episode(env, task)
        assert told.success and all(r["satisfied"] for r in told.constraint_results)
