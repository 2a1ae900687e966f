"""Task constraints: each kind's checker over a log that breaks it and one that keeps it
(with the reason text), its words, its JSON, and bad input naming the field."""

import pytest

from errands.envs.tasks.constraints import (CONSTRAINT_KINDS, ActionCount, EndPlacement, EndState, Event,
                                            FailureBudget, ForbiddenAction, ForbiddenObject, ForbiddenRegion,
                                            Ordering, StepBudget, check_constraints, constrained_instruction,
                                            constraint_from_dict)
from errands.envs.tasks.goals import TaskGoal
from errands.envs.tasks.task import Task
from errands.episode_log import EpisodeLog, SkillRecord, StepRecord

FRIDGE = "Fridge|+04.25|+00.90|+01.75"
MICROWAVE = "Microwave|+04.25|+01.20|+05.00"
APPLE = "Apple|+00.99|+00.80|+04.06"
KNIFE = "Knife|+01.00|+00.90|+02.00"


def log_of(actions, cells=None, failed=(), skills=(), end_state=None, fixture_cells=None) -> EpisodeLog:
    """A log of these actions (the `failed` step numbers failed), the agent at `cells`."""
    steps = [StepRecord(t=t, action=a, success=t not in failed, cell=(cells[t - 1] if cells else (0, 0)))
             for t, a in enumerate(actions, 1)]
    return EpisodeLog(task={}, instruction="", planner="p", policy="q", steps=steps, skills=list(skills),
                      end_state=end_state or {}, fixture_cells=fixture_cells or {})


def test_forbidden_action():
    rule = ForbiddenAction("OpenObject", "Microwave")
    broken = rule.check(log_of(["MoveAhead", f"OpenObject {FRIDGE}", f"OpenObject {MICROWAVE}"]))
    assert (broken.satisfied, broken.step) == (False, 3)
    assert broken.reason == f"step 3: OpenObject {MICROWAVE} is a forbidden OpenObject on a Microwave"
    kept = rule.check(log_of(["MoveAhead", f"OpenObject {FRIDGE}", f"OpenObject {MICROWAVE}"], failed={3}))
    assert (kept.satisfied, kept.reason) == (True, "no OpenObject on a Microwave in 3 steps")  # it failed: no effect
    # a step that names its target by type, as old logs and learned policies do
    assert not rule.check(log_of(["OpenObject Microwave"])).satisfied
    assert ForbiddenAction("PutObject", "SinkBasin").describe() == "put nothing in the sink"
    assert rule.describe() == "don't open the microwave" and rule.describe(2) == "never open the microwave"


def test_forbidden_object():
    rule = ForbiddenObject("Knife")
    broken = rule.check(log_of([f"PickupObject {APPLE}", f"PickupObject {KNIFE}"]))
    assert (broken.satisfied, broken.step, broken.reason) == (
        False, 2, f"step 2: PickupObject {KNIFE} acts on a Knife, which must not be touched")
    kept = rule.check(log_of([f"PickupObject {APPLE}"]))
    assert (kept.satisfied, kept.reason) == (True, "no action on a Knife in 1 step")
    assert rule.describe(1) == "leave the knife alone"


def test_forbidden_region():
    rule = ForbiddenRegion("Bed", radius=1)
    cells = {"Bed": [[5, 5], [5, 6]]}
    broken = rule.check(log_of(["MoveAhead"] * 3, cells=[(2, 5), (3, 5), (4, 7)], fixture_cells=cells))
    assert (broken.satisfied, broken.step) == (False, 3)
    assert broken.reason == "step 3: the agent stood at cell (4, 7), within 1 step of a Bed"
    kept = rule.check(log_of(["MoveAhead"] * 3, cells=[(2, 5), (3, 5), (3, 8)], fixture_cells=cells))
    assert (kept.satisfied, kept.reason) == (True, "never within 1 step of a Bed in 3 steps")
    unknown = rule.check(log_of(["MoveAhead"]))
    assert not unknown.satisfied and "records no cells of the Beds" in unknown.reason
    assert ForbiddenRegion("Bed", 2).describe() == "don't come within 2 steps of the bed"


def test_budgets():
    steps = ["MoveAhead"] * 4 + ["Stop"]
    assert StepBudget(4).check(log_of(steps)).reason == "4 steps, within the budget of 4"  # Stop not counted
    over = StepBudget(3).check(log_of(steps))
    assert (over.satisfied, over.step, over.reason) == (False, 4, "4 steps, more than the budget of 3: step 4 went over")
    failures = FailureBudget(1).check(log_of(steps, failed={2, 4}))
    assert (failures.satisfied, failures.step, failures.reason) == (
        False, 4, "2 failed actions, more than the budget of 1: step 4 (MoveAhead) went over")
    assert FailureBudget(2).check(log_of(steps, failed={2, 4})).satisfied
    assert StepBudget(30).describe() == "use at most 30 steps"
    assert FailureBudget(0).describe() == "make no failed actions"
    assert FailureBudget(1).describe() == "make at most 1 failed action"


def test_ordering_of_actions_and_skills():
    rule = Ordering(Event("OpenObject", "Drawer"), Event("PickupObject", "Knife"))
    assert rule.describe() == "pick up the knife only after you have opened the drawer"
    drawer = "Drawer|+01.00|+00.50|+02.00"
    broken = rule.check(log_of([f"PickupObject {KNIFE}", f"OpenObject {drawer}"]))
    assert (broken.satisfied, broken.step, broken.reason) == (
        False, 1, "step 1: PickupObject Knife happened before OpenObject Drawer (the first OpenObject Drawer was at "
                  "step 2)")
    never = rule.check(log_of([f"PickupObject {KNIFE}"]))
    assert never.reason == "step 1: PickupObject Knife happened before OpenObject Drawer (no OpenObject Drawer happened)"
    kept = rule.check(log_of([f"OpenObject {drawer}", f"PickupObject {KNIFE}"]))
    assert (kept.satisfied, kept.reason) == (True, "OpenObject Drawer at step 1, before PickupObject Knife at step 2")
    assert rule.check(log_of(["MoveAhead"])).reason == "no PickupObject Knife happened"
    # a skill event: done when its SkillRecord ends
    heat_first = Ordering(Event("HeatObject", "Apple"), Event("PutObject", "Fridge"))
    heated = SkillRecord(plan=0, index=1, skill="HeatObject(Apple)", status="done", start=1, end=2)
    log = log_of([f"PickupObject {APPLE}", f"PutObject {MICROWAVE}", f"PutObject {FRIDGE}"], skills=[heated])
    assert heat_first.check(log).satisfied
    log.skills[0].end = 3
    assert not heat_first.check(log).satisfied


def test_end_state_and_placement():
    end = {FRIDGE: {"type": "Fridge", "is_open": True, "is_on": False, "inside": []},
           APPLE: {"type": "Apple", "is_open": False, "is_on": False, "inside": [FRIDGE]}}
    closed = EndState("Fridge", "closed")
    assert closed.describe() == "leave the fridge closed"
    broken = closed.check(log_of(["Stop"], end_state=end))
    assert (broken.satisfied, broken.reason) == (False, f"at the end {FRIDGE} is not closed")
    end[FRIDGE]["is_open"] = False
    assert closed.check(log_of(["Stop"], end_state=end)).reason == "at the end every Fridge (1) is closed"
    assert closed.check(log_of(["Stop"])).reason == "the log records no end state"
    keep_out = EndPlacement("Apple", "Fridge")
    assert keep_out.describe() == "leave no apple in the fridge"
    assert keep_out.check(log_of(["Stop"], end_state=end)).reason == f"at the end {APPLE} is in a Fridge"
    assert not keep_out.check(log_of(["Stop"], end_state=end)).satisfied
    keep_in = EndPlacement("Apple", "Fridge", inside=True)
    assert keep_in.describe() == "leave an apple in the fridge" and keep_in.check(log_of(["Stop"], end_state=end)).satisfied
    end[APPLE]["inside"] = []
    assert keep_out.check(log_of(["Stop"], end_state=end)).reason == "at the end no Apple is in a Fridge"
    with pytest.raises(ValueError, match="end_state 'off' needs a toggleable object type, and Fridge is not one"):
        EndState("Fridge", "off")


def test_count():
    rule = ActionCount("OpenObject", "Fridge", 2)
    assert rule.describe() == "open the fridge at most twice"
    log = log_of([f"OpenObject {FRIDGE}", f"CloseObject {FRIDGE}"] * 3)
    broken = rule.check(log)
    assert (broken.satisfied, broken.step, broken.reason) == (False, 5, "step 5: OpenObject on a Fridge number 3, "
                                                                        "more than twice")
    assert rule.check(log_of([f"OpenObject {FRIDGE}"] * 2)).reason == "2 OpenObject on a Fridge, at most twice"


def test_json_round_trip_and_bad_input():
    examples = [ForbiddenAction("OpenObject", "Microwave"), ForbiddenObject("Knife"), ForbiddenRegion("Bed", 2),
                StepBudget(30), FailureBudget(0), Ordering(Event("OpenObject", "Drawer"), Event("PickupObject", "Knife")),
                EndState("Fridge", "closed"), EndPlacement("Knife", "SinkBasin"), ActionCount("OpenObject", "Fridge", 1)]
    assert [c.kind for c in examples] == list(CONSTRAINT_KINDS)
    for c in examples:
        assert constraint_from_dict(c.to_dict()) == c
    assert Ordering(Event("OpenObject", "Drawer"), Event("PickupObject", "Knife")).to_dict() == {
        "kind": "ordering", "first": {"action": "OpenObject", "object_type": "Drawer"},
        "then": {"action": "PickupObject", "object_type": "Knife"}}
    with pytest.raises(ValueError, match="unknown constraint kind 'polite': expected one of forbidden_action"):
        constraint_from_dict({"kind": "polite"})
    with pytest.raises(ValueError, match="step_budget max_steps must be an integer >= 1, got 'ten'"):
        constraint_from_dict({"kind": "step_budget", "max_steps": "ten"})
    with pytest.raises(ValueError, match="forbidden_action object_type must be an object type .* got 'Unicorn'"):
        constraint_from_dict({"kind": "forbidden_action", "action": "OpenObject", "object_type": "Unicorn"})
    with pytest.raises(ValueError, match="forbidden_action action must be one of PickupObject.* got 'Lick'"):
        constraint_from_dict({"kind": "forbidden_action", "action": "Lick", "object_type": "Fridge"})
    with pytest.raises(ValueError, match="bad count constraint .* expected the fields action, object_type, max_count"):
        constraint_from_dict({"kind": "count", "action": "OpenObject"})
    with pytest.raises(ValueError, match="ordering first must be an object with 'action' and 'object_type'"):
        constraint_from_dict({"kind": "ordering", "first": {"action": "OpenObject"},
                              "then": {"action": "PickupObject", "object_type": "Knife"}})


def test_a_task_with_constraints_round_trips_and_one_without_is_unchanged():
    goal = TaskGoal("pick_and_place_simple", "Apple", "Fridge")
    plain = Task(goal, 10, seed=3)
    assert "constraints" not in plain.to_dict() and plain.task_id == Task(goal, 10, seed=3).task_id
    rules = (ForbiddenAction("OpenObject", "Microwave"), StepBudget(30))
    task = Task(goal, 10, seed=3, constraints=rules)
    assert task.instruction == "Put an apple in the fridge. Don't open the microwave. Use at most 30 steps."
    assert task.task_id != plain.task_id
    again = Task.from_dict(task.to_dict())
    assert again.constraints == rules and again.to_dict() == task.to_dict() and again.task_id == task.task_id
    assert constrained_instruction("Chill an apple", rules, [2, 1]) == (
        "Chill an apple. Never open the microwave. Take no more than 30 steps.")
    with pytest.raises(ValueError, match="a task's constraints must be a list, got str"):
        Task.from_dict(dict(task.to_dict(), constraints="none"))
    results = check_constraints(rules, log_of(["MoveAhead"]))
    assert results == [{"kind": "forbidden_action", "constraint": rules[0].to_dict(), "satisfied": True,
                        "reason": "no OpenObject on a Microwave in 1 step", "step": None},
                       {"kind": "step_budget", "constraint": rules[1].to_dict(), "satisfied": True,
                        "reason": "1 step, within the budget of 30", "step": None}]
