"""Household rules against the user's constraints and goal, and the plan check that the LLM
planner's plans go through: a plan written by someone else is checked with the expert's
own events, and a rule the goal cannot be reached without is a refusal that names it."""

import json

import gymnasium as gym
import pytest

import errands
from errands.envs.skills import Plan, SkillCall
from errands.envs.tasks.constraints import (ActionCount, EndPlacement, EndState, Event, FailureBudget,
                                            ForbiddenAction, ForbiddenObject, Ordering)
from errands.envs.tasks.goals import TaskGoal
from errands.envs.tasks.task import Task
from errands.failures import FailureCategory, FailureKind
from errands.planners.base import PlanningError
from errands.planners.constraint_rules import check_plan
from errands.planners.household_rules import (HouseholdRule, RuleConflict, contradicts, load_rules,
                                              plan_within_rules, settle)

HEAT = TaskGoal("pick_heat_then_place_in_recep", "Apple", "CounterTop")
NO_MICROWAVE = HouseholdRule("Never switch the microwave on.", ForbiddenAction("ToggleObjectOn", "Microwave"))
FRIDGE_CLOSED = HouseholdRule("Keep the fridge closed.", EndState("Fridge", "closed"))


@pytest.fixture(scope="module")
def env():
    return gym.make(errands.HOUSEHOLD_ENV_ID)


def world_for(env, goal):
    env.reset(options={"task": Task(goal, 10, seed=0)})
    return env.unwrapped.world


def plan_of(*calls: str) -> Plan:
    steps = []
    for call in calls:
        name, _, args = call.partition("(")
        steps.append(SkillCall(name, tuple(a.strip() for a in args.rstrip(")").split(","))))
    return Plan(steps)


HEAT_PLAN = ("GotoLocation(Cabinet)", "PickupObject(Apple)", "GotoLocation(Microwave)", "HeatObject(Apple)",
             "GotoLocation(CounterTop)", "PutObject(Apple, CounterTop)")


def test_a_plan_is_checked_with_the_events_the_expert_will_cause(env):
    world = world_for(env, HEAT)
    plan = plan_of(*HEAT_PLAN)
    assert check_plan(plan, world, ()) is None
    assert check_plan(plan, world, (ForbiddenObject("Knife"),)) is None
    violation = check_plan(plan, world, (ForbiddenAction("ToggleObjectOn", "Microwave"),))
    assert (violation.step, str(violation)) == (3, "the plan breaks 'don't switch on the microwave' at step 4: "
                                                   "HeatObject(Apple) would break it")
    # the cabinet the apple is in is closed: the expert opens it once, and heating opens the microwave twice
    assert check_plan(plan, world, (ActionCount("OpenObject", "Cabinet", 1),)) is None
    assert check_plan(plan, world, (ActionCount("OpenObject", "Microwave", 2),)) is None
    assert check_plan(plan, world, (ActionCount("OpenObject", "Microwave", 1),)).step == 3
    order = Ordering(Event("HeatObject", "Apple"), Event("PickupObject", "Apple"))
    assert check_plan(plan, world, (order,)).step == 1  # the apple is picked up before it is heated


def test_a_plan_that_leaves_things_wrong_at_its_end_is_refused(env):
    world = world_for(env, HEAT)
    plan = plan_of(*HEAT_PLAN)
    violation = check_plan(plan, world, (EndState("Cabinet", "open"),))
    assert violation.step is None and str(violation).startswith("the plan breaks 'leave the cabinet open' at "
                                                                "its end: it leaves Cabinet|")
    assert check_plan(plan_of(*HEAT_PLAN, "GotoLocation(Cabinet)", "OpenObject(Cabinet)"), world,
                      (EndState("Cabinet", "open"),)) is not None  # only the first cabinet is opened
    in_microwave = plan_of(*HEAT_PLAN[:4], "PutObject(Apple, Microwave)")
    violation = check_plan(in_microwave, world, (EndPlacement("Apple", "Microwave", inside=False),))
    assert str(violation) == ("the plan breaks 'leave no apple in the microwave' at its end: it leaves "
                              f"{world.objects_of_type('Apple')[0].id} in a Microwave")


def test_rules_that_contradict_what_the_user_asks_win_and_the_conflict_is_reported():
    assert contradicts(EndState("Fridge", "closed"), EndState("Fridge", "open"))
    assert not contradicts(EndState("Fridge", "closed"), EndState("Microwave", "open"))
    assert contradicts(EndPlacement("Knife", "SinkBasin", False), EndPlacement("Knife", "SinkBasin", True))
    first, then = Event("OpenObject", "Drawer"), Event("PickupObject", "Knife")
    assert contradicts(Ordering(first, then), Ordering(then, first))
    assert not contradicts(ForbiddenAction("OpenObject", "Fridge"), ActionCount("OpenObject", "Fridge", 2))
    asked = (EndState("Fridge", "open"), FailureBudget(2))
    kept, conflicts = settle((NO_MICROWAVE, FRIDGE_CLOSED), asked)
    assert kept == (FailureBudget(2),)
    assert conflicts == (RuleConflict("Keep the fridge closed.", "leave the fridge open",
                                      "followed the household rule and not 'leave the fridge open'"),)


def test_a_goal_only_a_rule_rules_out_is_refused_naming_the_rule(env):
    world = world_for(env, HEAT)
    with pytest.raises(PlanningError) as refused:
        plan_within_rules(HEAT, world, (), (FRIDGE_CLOSED, NO_MICROWAVE))
    failure = refused.value.failure
    assert (failure.category, failure.kind, failure.argument) == (FailureCategory.CANNOT_DO, FailureKind.RULE_CONFLICT,
                                                                  "Never switch the microwave on.")
    assert failure.message.startswith("cannot do this because it conflicts with the household rule 'Never switch "
                                      "the microwave on.': no plan reaches pick_heat_then_place_in_recep")
    plan = plan_within_rules(HEAT, world, (), (FRIDGE_CLOSED,))
    assert [str(c) for c in plan.steps] == list(HEAT_PLAN)
    # a goal that cannot be reached anyway is not blamed on the rules
    with pytest.raises(PlanningError) as anyway:
        plan_within_rules(TaskGoal("pick_and_place_simple", "SoapBar", "Bathtub"), world, (), (NO_MICROWAVE,))
    assert anyway.value.failure is None


def test_rules_files_are_checked_entry_by_entry(tmp_path):
    good = tmp_path / "rules.json"
    good.write_text(json.dumps([NO_MICROWAVE.to_dict(), FRIDGE_CLOSED.to_dict()]))
    assert load_rules(good) == (NO_MICROWAVE, FRIDGE_CLOSED)
    packaged = load_rules(errands.__path__[0] + "/eval/rules/example_rules.json")
    assert [r.constraint.kind for r in packaged] == ["forbidden_action", "end_state", "end_placement",
                                                     "forbidden_region", "failure_budget"]
    bad = tmp_path / "bad.json"
    for content, message in [("{}", "expected a JSON list of rules, got dict"), ("[{", "is not JSON"),
                             ('[{"text": ""}]', "bad.json rule 1: expected an object with a non-empty 'text'"),
                             ('[{"text": "x", "constraint": {"kind": "forbidden_object", "object_type": "Unicorn"}}]',
                              "bad.json rule 1 \\('x'\\): .*Unicorn")]:
        bad.write_text(content)
        with pytest.raises(ValueError, match=message):
            load_rules(bad)
    with pytest.raises(ValueError, match="does not exist"):
        load_rules(tmp_path / "missing.json")
