"""The goal interpreter: the packaged goal model, the combined reader, its refusals and the
interpreter planner. Instructions here are written for these tests (none is taken from
the human_dev or human_test sets, which are for measuring)."""

from __future__ import annotations

import json

import gymnasium as gym
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import errands  # noqa: F401  (registers the envs)
from errands.envs.tasks.goals import TaskGoal
from errands.envs.tasks.task import Task
from errands.failures import FailureCategory, FailureKind
from errands.planners import make_planner
from errands.planners.base import PlanningContext, PlanningError
from errands.planners.interpreter.lexicon import correct, find_mentions, tokenize
from errands.planners.interpreter.model import GoalModel
from errands.planners.interpreter.planner import InterpreterPlanner
from errands.planners.interpreter.reader import GoalReader, load_model
from errands.planners.interpreter.training_data import generate
from errands.policies.agent import Agent
from errands.policies.expert import ExpertSkillPolicy


@pytest.fixture(scope="module")
def reader():
    return GoalReader()


@pytest.mark.parametrize("instruction, goal", [
    ("could you rinse off the spatula and hang it back in the drawer",
     TaskGoal("pick_clean_then_place_in_recep", "Spatula", "Drawer")),
    ("Pop a slice of bread in the microwave to warm it, then leave it on the dining table.",
     TaskGoal("pick_heat_then_place_in_recep", "Bread", "DiningTable", sliced=True)),
    ("I need two bars of soap on the back of the toilet",
     TaskGoal("pick_two_obj_and_place", "SoapBar", "Toilet")),
    ("grab the keys off the couch and look at them under the floor lamp",
     TaskGoal("look_at_obj_in_light", "KeyChain", "FloorLamp")),
    ("Put the fork in a mug and set the mug on the kitchen counter.",
     TaskGoal("pick_and_place_with_movable_recep", "Fork", "CounterTop", movable_receptacle="Mug")),
    ("chill a tomatoe and put it on the countr",
     TaskGoal("pick_cool_then_place_in_recep", "Tomato", "CounterTop")),
])
def test_reads_plain_instructions(reader, instruction, goal):
    reading = reader.read(instruction)
    assert reading.goal == goal
    assert reading.source in ("trained", "trained+rules")
    assert 0.0 < reading.confidence <= 1.0


def test_typos_are_read_as_the_names_they_miss():
    assert [correct(w) for w in ("refridgerator", "cabnet", "micowave", "soon", "place")] == \
        ["refrigerator", "cabinet", "microwave", "soon", "place"]
    mentions = find_mentions(tokenize("take the keys from the desk and drop them in the trash"))
    assert [(m.text, m.types) for m in mentions] == [("keys", ("KeyChain",)), ("desk", ("Desk",)),
                                                     ("trash", ("GarbageCan",))]


@pytest.mark.parametrize("instruction, kind", [
    ("", FailureKind.EMPTY_INSTRUCTION),
    ("   ", FailureKind.EMPTY_INSTRUCTION),
    ("mets la pomme dans le frigo", FailureKind.NOT_UNDERSTOOD),
    ("please do the thing we talked about", FailureKind.NOT_UNDERSTOOD),
    ("put the fridge in the microwave", FailureKind.IMPOSSIBLE_GOAL),
    ("heat the apple and chill the apple and put it on the counter", FailureKind.CONTRADICTORY),
])
def test_cannot_do_says_why(reader, instruction, kind):
    reading = reader.read(instruction)
    assert reading.goal is None
    assert reading.failure.category is FailureCategory.CANNOT_DO
    assert reading.failure.kind is kind
    assert reading.failure.message.startswith("cannot do this because ")


def test_grounding_keeps_to_the_scene(reader):
    assert reader.read("put the remote on the sofa", {"RemoteControl", "Sofa", "ArmChair"}).goal == \
        TaskGoal("pick_and_place_simple", "RemoteControl", "Sofa")
    missing = reader.read("put the remote on the sofa", {"RemoteControl", "ArmChair"})
    assert missing.goal is None and missing.failure.kind is FailureKind.IMPOSSIBLE_GOAL
    assert "in this room" in missing.failure.message


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["put", "heat", "two", "slice", "the", "apple", "fridge", "mug", "lamp", "bowl",
                                 "in", "on", "desk", "knife", "wash", "sink", "and", "chill", "book", "cd"]),
                min_size=1, max_size=9))
def test_no_goal_the_rules_refuse_is_emitted(reader, words):
    reading = reader.read(" ".join(words), {"Apple", "Fridge", "Mug", "DeskLamp", "Bowl", "Desk", "Knife",
                                            "SinkBasin", "Book", "CD", "CounterTop"})
    if reading.goal is None:
        assert reading.failure.category is FailureCategory.CANNOT_DO
    else:
        assert TaskGoal(**reading.goal.to_dict()) == reading.goal  # valid by the task rules
        assert {reading.goal.object, reading.goal.parent_receptacle} <= {
            "Apple", "Fridge", "Mug", "DeskLamp", "Bowl", "Desk", "Knife", "SinkBasin", "Book", "CD", "CounterTop"}


def test_model_files_round_trip_and_refuse_garbage(tmp_path):
    model = GoalModel()
    model.fit(generate(40, seed=3), epochs=1)
    model.save(tmp_path / "m")
    again = GoalModel.load(tmp_path / "m")
    for head, weights in model.weights.items():
        assert np.array_equal(weights, again.weights[head])
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "config.json").write_text(json.dumps({"format": "something else"}))
    with pytest.raises(ValueError, match="is not a goal model"):
        GoalModel.load(tmp_path / "bad")


def test_training_data_is_seeded_and_valid():
    first, second = generate(50, seed=11), generate(50, seed=11)
    assert first == second
    assert all(isinstance(g, TaskGoal) and text for text, g in first)
    assert generate(50, seed=12) != first


def test_packaged_model_is_calibrated_settings():
    model = load_model()
    assert model.temperature > 0 and model.rules_weight >= 0


def test_clarification_asks_and_takes_the_answer():
    asked = []

    def ask(question, options):
        asked.append((question, options))
        return 1

    planner = InterpreterPlanner(ask=ask, ask_below=1.01)  # always ask
    context = PlanningContext(instruction="put the lamp on the desk", object_types=[])
    reading = planner.read("put a mug on the desk", context)
    assert len(asked) == 1 and asked[0][0] == "Which of these did you mean?"
    assert len(asked[0][1]) >= 2
    assert reading.source == "user" and reading.confidence == 1.0
    assert reading.goal != planner.reader.read("put a mug on the desk").goal


def test_interpreter_planner_carries_out_an_instruction():
    env = gym.make("errands/Household-v0")
    goal = TaskGoal("pick_clean_then_place_in_recep", "Apple", "Fridge")
    task = Task(goal, scene=6, seed=0, instruction="give an apple a good rinse and then put it in the fridge")
    agent = Agent(make_planner("interpreter"), ExpertSkillPolicy())
    log = agent.run_episode(env, task)
    assert log.success and log.goal_conditions == (3, 3)
    assert agent.planner.last_reading.goal == goal


def test_interpreter_planner_refuses_with_the_reason():
    planner = make_planner("interpreter")
    with pytest.raises(PlanningError) as error:
        planner.plan("", PlanningContext(instruction=""))
    assert error.value.failure.kind is FailureKind.EMPTY_INSTRUCTION
    assert error.value.kind == "empty_instruction"


def test_the_episode_log_keeps_each_reading_and_a_cannot_do():
    from errands.episode_log import EpisodeLog
    from errands.eval.taxonomy import classify_failure

    env = gym.make("errands/Household-v0")
    agent = Agent(make_planner("interpreter"), ExpertSkillPolicy())
    goal = TaskGoal("pick_and_place_simple", "KeyChain", "Sofa")
    log = agent.run_episode(env, Task(goal, scene=201, seed=0, instruction="leave the keys on the couch"))
    assert log.success
    [reading] = log.readings
    assert reading["step"] == 0 and reading["goal"] == goal.to_dict()
    assert reading["source"] in ("trained", "trained+rules") and 0.5 < reading["confidence"] <= 1.0
    log = agent.run_episode(env, Task(goal, scene=201, seed=0, instruction="mets les clés sur le canapé"))
    assert (log.failure_category, log.failure_kind) == (FailureCategory.CANNOT_DO, FailureKind.NOT_UNDERSTOOD)
    assert log.failure_reason.startswith("cannot do this because ") and log.readings[0]["goal"] is None
    saved = EpisodeLog.from_dict(json.loads(json.dumps(log.to_dict())))
    assert saved.readings == log.readings
    assert classify_failure(log.to_dict()) == ("planner", "cannot_do")
