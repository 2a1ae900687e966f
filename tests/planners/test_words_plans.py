"""What a plan written from the words alone says about which object it means, and how the
skills and the expert resolve it: another object of a type than the one already put away
(`not_in`), the receptacle that holds the first (`holding`), and any lamp (the "Lamp"
family) when the words do not name the lamp's type."""

import gymnasium as gym
import pytest

import errands  # noqa: F401
from errands.envs.household.world import World
from errands.envs.skills import Plan, PlanError, SkillCall, check_call, is_done
from errands.envs.skills.base import candidates
from errands.envs.tasks.goals import TaskGoal
from errands.envs.tasks.task import Task
from errands.planners.base import PlanningContext
from errands.planners.goal_skills import GoalSkillsPlanner, goal_skills, lamp_named
from errands.planners.interpreter.planner import InterpreterPlanner
from errands.policies.agent import Agent
from errands.policies.expert import ExpertSkillPolicy
from scripted_planner import ScriptedPlanner

TWO_SHAKERS = Task(TaskGoal("pick_two_obj_and_place", "PepperShaker", "Cabinet"), 9, seed=1348836315,
                   instruction="Put two pepper shakers in the cupboard.")
FIRST_SHAKER, SECOND_SHAKER = "PepperShaker|+00.43|+00.80|+01.78", "PepperShaker|+03.40|+00.95|+06.12"
CABINET = "Cabinet|+00.38|+00.45|+01.38"


@pytest.fixture(scope="module")
def env():
    return gym.make("errands/Household-v0")


def interactions(log) -> list[str]:
    return [s.action for s in log.steps if s.action.startswith(("PickupObject", "PutObject", "ToggleObject"))]


@pytest.mark.parametrize("instruction, light, expected", [
    ("Look at the book under the lamp.", "DeskLamp", "Lamp"),
    ("Examine a book in the light of the floor lamp.", "FloorLamp", "FloorLamp"),
    ("Examine a book in the light of the floor lamp.", "DeskLamp", "Lamp"),  # the words name another lamp
    ("hold the book and switch on the desk lamp", "DeskLamp", "DeskLamp"),
    ("turn on the standing lamp holding the book", "FloorLamp", "FloorLamp"),
    ("look at the book under the light", "FloorLamp", "Lamp"),
])
def test_a_lamp_is_named_only_when_the_words_name_its_type(instruction, light, expected):
    assert lamp_named(instruction, light) == expected


def test_the_planners_write_the_lamp_the_words_name():
    planner = InterpreterPlanner(reader="rules", plan_from="words")
    for text, light in (("Pick up the alarm clock and turn on the lamp.", "Lamp"),
                        ("Pick up the alarm clock and turn on the desk lamp.", "DeskLamp")):
        assert [str(s) for s in planner.plan(text, PlanningContext(instruction=text)).steps][-2:] == \
            [f"GotoLocation({light})", f"ToggleObject({light})"]
        goal = TaskGoal("look_at_obj_in_light", "AlarmClock", "DeskLamp")
        plan = GoalSkillsPlanner().plan(text, PlanningContext(instruction=text, goal=goal))
        assert str(plan.steps[-1]) == f"ToggleObject({light})"
    with pytest.raises(ValueError, match=r"light 'Desk' is no lamp: expected Lamp or one of DeskLamp, FloorLamp"):
        goal_skills(TaskGoal("look_at_obj_in_light", "Book", "DeskLamp"), light="Desk")


def test_qualified_calls_serialise_and_are_checked():
    call = SkillCall("PutObject", ("Pencil", "Desk"), holding="Pencil")
    assert str(call) == "PutObject(Pencil, Desk with Pencil)"
    assert call.to_dict() == {"skill": "PutObject", "args": ["Pencil", "Desk"], "holding": "Pencil"}
    plan = goal_skills(TaskGoal("pick_two_obj_and_place", "Pencil", "Desk"))
    assert Plan.from_json(plan.to_json()) == plan
    plan.validate()
    check_call(SkillCall("ToggleObject", ("Lamp",)), known_types={"FloorLamp", "Bed"})
    with pytest.raises(PlanError, match=r"ToggleObject names 'Lamp', which is not an object in this scene"):
        check_call(SkillCall("ToggleObject", ("Lamp",)), known_types={"Bed"})
    with pytest.raises(PlanError, match=r"PickupObject needs a object object, and Lamp is not one"):
        check_call(SkillCall("PickupObject", ("Lamp",)))
    with pytest.raises(PlanError, match=r"PickupObject needs a receptacle object, and Apple is not one"):
        check_call(SkillCall("PickupObject", ("Pencil",), not_in="Apple"))
    with pytest.raises(PlanError, match=r"'not_in' of PickupObject must be an object type \(a string\), got 3"):
        SkillCall.from_dict({"skill": "PickupObject", "args": ["Pencil"], "not_in": 3})


def test_a_call_means_the_objects_its_words_say():
    world = World(TWO_SHAKERS.build_scene())
    lamps = sorted(o.id for o in candidates(world, SkillCall("GotoLocation", ("Lamp",)), 0))
    assert lamps == sorted(o.id for o in world.objects.values() if o.type.name in ("DeskLamp", "FloorLamp"))
    shakers = sorted(o.id for o in world.objects_of_type("PepperShaker"))
    assert shakers == sorted([FIRST_SHAKER, SECOND_SHAKER])
    another = SkillCall("PickupObject", ("PepperShaker",), not_in="Cabinet")
    holding = SkillCall("PutObject", ("PepperShaker", "Cabinet"), holding="PepperShaker")
    assert [o.id for o in candidates(world, another, 0)] == shakers  # neither is in a cabinet yet
    assert candidates(world, holding, 1) == []
    world.objects[FIRST_SHAKER].parent = CABINET  # as if the first were put away there
    assert [o.id for o in candidates(world, another, 0)] == [SECOND_SHAKER]
    assert [o.id for o in candidates(world, holding, 1)] == [CABINET]


def test_the_expert_fetches_another_object_and_puts_it_with_the_first(env):
    log = Agent(InterpreterPlanner(reader="rules", plan_from="words"), ExpertSkillPolicy()).run_episode(
        env, TWO_SHAKERS)
    assert log.success
    assert interactions(log) == [f"PickupObject {FIRST_SHAKER}", f"PutObject {CABINET}",
                                 f"PickupObject {SECOND_SHAKER}", f"PutObject {CABINET}"]
    # the same skills without saying which object: the first shaker is picked up again
    plain = [("GotoLocation", "PepperShaker"), ("PickupObject", "PepperShaker"), ("GotoLocation", "Cabinet"),
             ("PutObject", "PepperShaker", "Cabinet")] * 2
    log = Agent(ScriptedPlanner(plain), ExpertSkillPolicy()).run_episode(env, TWO_SHAKERS)
    assert not log.success
    assert interactions(log)[2] == f"PickupObject {FIRST_SHAKER}"


def test_a_put_is_not_done_while_the_object_is_in_hand(env):
    world = World(TWO_SHAKERS.build_scene())
    world.objects[FIRST_SHAKER].parent = CABINET
    put = SkillCall("PutObject", ("PepperShaker", "Cabinet"), holding="PepperShaker")
    assert is_done(world, put)
    world.held = SECOND_SHAKER
    assert not is_done(world, put)


def test_any_lamp_is_the_one_in_reach(env):
    task = Task(TaskGoal("look_at_obj_in_light", "Pencil", "FloorLamp"), 215, seed=1144680405,
                instruction="Examine the pencil in the light of the lamp.")
    planner = InterpreterPlanner(reader="rules", plan_from="words")
    log = Agent(planner, ExpertSkillPolicy()).run_episode(env, task)
    assert planner.last_reading.goal.parent_receptacle == "DeskLamp"  # the reader's guess
    assert log.success
    assert interactions(log)[-1] == "ToggleObjectOn FloorLamp|+01.25|+00.80|+06.50"
