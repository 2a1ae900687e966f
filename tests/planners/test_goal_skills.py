"""Plans without the world: each task type's skills by object type (goal_skills), the
interpreter planner's `plan_from="words"` mode, which reads the instruction alone (and so
plays under ALFRED's RGB-only protocol), and re-plans that resume at the failed skill."""

import pytest

from errands.envs.skills import SkillCall
from errands.envs.tasks.goals import TaskGoal
from errands.planners import make_planner
from errands.planners.base import Feedback, PlanningContext, PlanningError
from errands.planners.goal_skills import GoalSkillsPlanner, goal_skills
from errands.planners.interpreter.planner import InterpreterPlanner
from errands.protocols import ProtocolError, protocol


def calls(plan) -> list[str]:
    return [str(step) for step in plan.steps]


@pytest.mark.parametrize("goal, expected", [
    (TaskGoal("pick_and_place_simple", "Apple", "Fridge"),
     ["GotoLocation(Apple)", "PickupObject(Apple)", "GotoLocation(Fridge)", "PutObject(Apple, Fridge)"]),
    (TaskGoal("pick_two_obj_and_place", "Pencil", "Desk"),
     ["GotoLocation(Pencil)", "PickupObject(Pencil)", "GotoLocation(Desk)", "PutObject(Pencil, Desk)",
      "GotoLocation(Pencil not in Desk)", "PickupObject(Pencil not in Desk)", "GotoLocation(Desk with Pencil)",
      "PutObject(Pencil, Desk with Pencil)"]),
    (TaskGoal("look_at_obj_in_light", "Book", "DeskLamp"),
     ["GotoLocation(Book)", "PickupObject(Book)", "GotoLocation(Lamp)", "ToggleObject(Lamp)"]),
    (TaskGoal("pick_heat_then_place_in_recep", "Potato", "CounterTop"),
     ["GotoLocation(Potato)", "PickupObject(Potato)", "GotoLocation(Microwave)", "HeatObject(Potato)",
      "GotoLocation(CounterTop)", "PutObject(Potato, CounterTop)"]),
    (TaskGoal("pick_clean_then_place_in_recep", "Mug", "Cabinet"),
     ["GotoLocation(Mug)", "PickupObject(Mug)", "GotoLocation(SinkBasin)", "CleanObject(Mug)",
      "GotoLocation(Cabinet)", "PutObject(Mug, Cabinet)"]),
    (TaskGoal("pick_cool_then_place_in_recep", "Tomato", "CounterTop", sliced=True),
     ["GotoLocation(Knife)", "PickupObject(Knife)", "GotoLocation(Tomato)", "SliceObject(Tomato)",
      "GotoLocation(CounterTop)", "PutObject(Knife, CounterTop)", "GotoLocation(TomatoSliced)",
      "PickupObject(TomatoSliced)", "GotoLocation(Fridge)", "CoolObject(TomatoSliced)", "GotoLocation(CounterTop)",
      "PutObject(TomatoSliced, CounterTop)"]),
    (TaskGoal("pick_and_place_with_movable_recep", "Spoon", "DiningTable", movable_receptacle="Bowl"),
     ["GotoLocation(Spoon)", "PickupObject(Spoon)", "GotoLocation(Bowl)", "PutObject(Spoon, Bowl)",
      "PickupObject(Bowl)", "GotoLocation(DiningTable)", "PutObject(Bowl, DiningTable)"]),
])
def test_each_task_type_has_its_skills_by_object_type(goal, expected):
    plan = goal_skills(goal)
    assert calls(plan) == expected
    assert all(step.ids is None for step in plan.steps)


def test_the_words_mode_reads_the_instruction_alone():
    planner = InterpreterPlanner(reader="rules", plan_from="words")
    assert planner.inputs == ("instruction",)
    protocol("rgb").check(planner, "planner")  # ALFRED's rule takes it
    # no world, no object types, nothing seen: the words are enough
    plan = planner.plan("put an apple in the fridge", PlanningContext(instruction="put an apple in the fridge"))
    assert calls(plan) == ["GotoLocation(Apple)", "PickupObject(Apple)", "GotoLocation(Fridge)",
                           "PutObject(Apple, Fridge)"]


def test_the_world_mode_is_refused_under_the_rgb_protocol():
    with pytest.raises(ProtocolError, match=r"planner 'interpreter-rules' needs object_types .*world"):
        protocol("rgb").check(InterpreterPlanner(reader="rules"), "planner")


def test_the_words_mode_is_a_planner_option_and_refuses_what_needs_the_world():
    planner = make_planner("interpreter", reader="rules", plan_from="words")
    assert planner.inputs == ("instruction",)
    with pytest.raises(ValueError, match=r"unknown plan_from 'scene': expected one of world, words"):
        InterpreterPlanner(plan_from="scene")
    with pytest.raises(ValueError, match=r"plan_from='words' reads the instruction alone: it takes constraints"):
        InterpreterPlanner(plan_from="words", constraints="given")
    with pytest.raises(PlanningError, match=r"constraint\(s\), which a plan made without the world's state cannot"):
        planner.plan("put an apple in the fridge without opening the microwave",
                     PlanningContext(instruction="put an apple in the fridge without opening the microwave"))


def test_a_replan_resumes_at_the_failed_skill_with_new_call_objects():
    for planner in (InterpreterPlanner(reader="rules", plan_from="words"), GoalSkillsPlanner()):
        context = PlanningContext(instruction="put an apple in the fridge",
                                  goal=TaskGoal("pick_and_place_simple", "Apple", "Fridge"))
        plan = planner.plan(context.instruction, context)
        failed = plan.steps[2]
        again = planner.replan(Feedback(completed=plan.steps[:2], failed=failed, reason="timeout", seen_objects=[],
                                        context=context))
        assert calls(again) == ["GotoLocation(Fridge)", "PutObject(Apple, Fridge)"]
        assert again.steps[0] == failed and again.steps[0] is not failed
        # a second failure of the same skill: the skills done are still the first two
        third = planner.replan(Feedback(completed=plan.steps[:2], failed=again.steps[0], reason="timeout",
                                        seen_objects=[], context=context))
        assert calls(third) == calls(again)


def test_the_goal_skills_planner_is_given_the_goal():
    planner = make_planner("goal-skills")
    assert planner.inputs == ("instruction", "goal")
    with pytest.raises(PlanningError, match="is given the task's goal"):
        planner.plan("put an apple in the fridge", PlanningContext(instruction="put an apple in the fridge"))
    with pytest.raises(ProtocolError):
        protocol("rgb").check(planner, "planner")
    assert SkillCall("GotoLocation", ("Apple",)) in planner.plan(
        "x", PlanningContext(instruction="x", goal=TaskGoal("pick_and_place_simple", "Apple", "Fridge"))).steps
