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
from errands.envs.tasks.goals import TASK_TYPES, TaskGoal
from errands.envs.tasks.task import Task
from errands.failures import FailureCategory, FailureKind
from errands.planners import make_planner
from errands.planners.base import PlanningContext, PlanningError
from errands.planners.interpreter.lexicon import correct, find_mentions, tokenize
from errands.planners.interpreter.model import COMBINATION, GoalModel, read, sentence_features
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


def test_packaged_model_has_a_fitted_combination():
    model = load_model()
    assert list(model.combination) == list(COMBINATION)
    assert model.combination["model"] >= 0.05 and all(w >= 0 for w in model.combination.values())
    assert model.cross_validation["features"] == list(COMBINATION)


def test_a_model_of_the_older_settings_loads_as_one_rules_weight(tmp_path):
    model = GoalModel()
    model.save(tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    del config["combination"]
    config.update(temperature=2.0, rules_weight=3.0, prior_weight=0.5)
    (tmp_path / "m" / "config.json").write_text(json.dumps(config))
    assert GoalModel.load(tmp_path / "m").combination == {**{name: 0.0 for name in COMBINATION}, "model": 0.5,
                                                          "rules_goal": 3.0, "prior": 0.5}
    with pytest.raises(ValueError, match=r"unknown combination features \['rules_mood'\]"):
        GoalModel(combination={"model": 1.0, "rules_mood": 1.0})


def test_slice_words_of_the_tables_are_words_and_read_by_their_meaning():
    """"wedge" is one letter from "ledge" (a shelf) but a slice word of the readers'
    table: it is not corrected, and the model sees it as a slice word, alone too."""
    assert [correct(w) for w in ("wedge", "wedges", "slices", "holding", "load")] == \
        ["wedge", "wedges", "slices", "holding", "load"]
    r = read("put a wedge of apple in the fridge")
    assert [m.text for m in r.mentions] == ["apple", "fridge"]
    features = sentence_features(r)
    assert {"cue=slice", "w=wedge", "b=wedge_of", "cb=a_<slice>", "cb=<slice>_of"} <= set(features)
    hidden = [set(sentence_features(r, np.random.default_rng(seed))) for seed in range(40)]
    assert any("w=wedge" not in f and "b=wedge_of" not in f and "cb=<slice>_of" in f and "cue=slice" in f
               for f in hidden)
    assert any("w=wedge" in f for f in hidden)


def test_the_rules_opinion_is_weighed_field_by_field():
    """A candidate gains the rules' weights only for what it shares with their reading."""
    from errands.planners.interpreter.reader import combination_features

    rules = TaskGoal("pick_clean_then_place_in_recep", "Apple", "CounterTop", sliced=True)
    heads = {"task_type": [("pick_clean_then_place_in_recep", 0.5), ("pick_and_place_simple", 0.5)],
             "object": [("Apple", 1.0)], "parent": [("CounterTop", 0.8), ("Fridge", 0.2)], "movable": [],
             "sliced": [(True, 0.5), (False, 0.5)]}
    same = dict(zip(COMBINATION, combination_features(rules, heads, rules)))
    other = dict(zip(COMBINATION, combination_features(TaskGoal("pick_and_place_simple", "Apple", "Fridge"), heads,
                                                       rules)))
    assert {k: same[k] for k in COMBINATION[2:]} == {"rules_goal": 1.0, "rules_object": 1.0, "rules_transform": 1.0,
                                                     "rules_sliced": 1.0, "rules_movable": 0.0, "rules_parent": 1.0}
    assert {k: other[k] for k in COMBINATION[2:]} == {"rules_goal": 0.0, "rules_object": 1.0, "rules_transform": 0.0,
                                                      "rules_sliced": 0.0, "rules_movable": 0.0, "rules_parent": 0.0}
    assert same["model"] == pytest.approx(np.log(0.5 * 1.0 * 0.8 * 0.5))
    assert other["model"] == pytest.approx(np.log(0.5 * 1.0 * 0.2 * 0.5))


def test_the_combination_fit_trusts_the_feature_that_marks_the_gold_goal():
    from errands.planners.interpreter.train import LOWER, evaluate, fit_weights

    rng = np.random.default_rng(0)
    sets = []
    for _ in range(60):
        features = np.zeros((4, len(COMBINATION)))
        features[:, 0] = rng.normal(size=4)  # the model's opinion: noise here
        gold = int(rng.integers(4))
        features[gold, COMBINATION.index("rules_object")] = 1.0  # always on the gold goal
        features[(gold + 1) % 4, COMBINATION.index("rules_parent")] = 1.0  # always on a wrong one
        sets.append((features, gold))
    weights = dict(zip(COMBINATION, fit_weights(sets)))
    assert weights["rules_object"] > 2.0 and weights["rules_parent"] == 0.0
    assert all(w >= low for w, low in zip(weights.values(), LOWER))
    assert evaluate(np.array(list(weights.values())), sets)[0] == 1.0


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


# --- descriptions, the hand-written training set, the cross-validation ---------------------


def _mentions(text):
    from errands.planners.interpreter.model import read

    return read(text).mentions


def test_a_description_with_no_name_is_a_mention_of_what_it_describes():
    [thing, table] = _mentions("wash the pronged utensil you eat with and leave it on the table")
    assert (thing.text, thing.types, thing.named) == ("pronged utensil you eat", ("Fork",), False)
    assert table.types == ("DiningTable", "SideTable", "CoffeeTable") and table.named
    [fruit, fridge] = _mentions("Chill the crunchy green fruit, then put it in the fridge.")
    assert fruit.types[0] == "Apple" and not fruit.named and fridge.types == ("Fridge",)
    assert _mentions("please do the thing we talked about") == []  # "thing" alone describes nothing


def test_words_around_a_name_order_its_types_and_add_what_they_describe():
    [shaker, shelf] = _mentions("put the black shaker on the shelf")
    assert shaker.types == ("PepperShaker", "SaltShaker") and shaker.described == ("PepperShaker",)
    assert shaker.added == ()
    assert _mentions("put the white shaker on the shelf")[0].types == ("SaltShaker", "PepperShaker")
    [bowl, stove] = _mentions("move the metal bowl with two handles to the stove")
    assert (bowl.text, bowl.types, bowl.added, bowl.described) == ("bowl", ("Bowl", "Pot"), ("Pot",), ("Pot",))
    [apple, fridge] = _mentions("put the red apple in the fridge")  # a plain adjective adds nothing
    assert apple.types == ("Apple",) and apple.added == ()


def test_a_misspelling_is_read_as_the_nearest_name():
    assert [correct(w) for w in ("countre", "tomatoe", "cabnet")] == ["counter", "tomato", "cabinet"]


@pytest.mark.parametrize("instruction, goal", [
    ("Rinse the eating utensil with prongs and lay it on the dining table.",
     TaskGoal("pick_clean_then_place_in_recep", "Fork", "DiningTable")),
    ("put the large orange ball you bounce on the bed",
     TaskGoal("pick_and_place_simple", "BasketBall", "Bed")),
    ("Leave the pot in the fridge for a few minutes, then take it out and put it on the stove.",
     TaskGoal("pick_cool_then_place_in_recep", "Pot", "StoveBurner")),
    ("Put the clear glass in the cabinet and leave the mug where it is.",
     TaskGoal("pick_and_place_simple", "Cup", "Cabinet")),
])
def test_reads_descriptions_and_implicit_steps(reader, instruction, goal):
    assert reader.read(instruction).goal == goal


NOVEL_WORDS = ("cook", "cooked", "scrub", "scrubbed", "refrigerate", "refrigerated", "wedge")


def test_training_data_keeps_the_novel_phrasing_set_out():
    """No generated or hand-written training instruction uses a novel-set verb, state or
    slice phrase (outside a training name: "scrub brush"), and the names the generator
    draws, the descriptions and the hand-written lines hold no novel-set synonym said
    alone (not inside a training name: "wine bottle")."""
    import re

    from errands.envs.household.object_types import OBJECT_TYPES
    from errands.envs.tasks.instructions import SYNONYMS, names_for, type_words
    from errands.planners.interpreter.descriptions import DESCRIPTIONS
    from errands.planners.interpreter.lexicon import EVERYDAY_NAMES
    from errands.planners.interpreter.training_data import _names, hand_written_pairs

    held_out = {t: names_for(t, "novel")[0].lower() for t, names in SYNONYMS.items() if len(names) >= 3}
    known = sorted({n.lower() for t in OBJECT_TYPES for n in [type_words(t), *names_for(t, "train"),
                                                              *EVERYDAY_NAMES.get(t, ())]}
                   - set(held_out.values()), key=len, reverse=True)

    def without_names(text):
        words = " ".join(correct(w) for w in tokenize(text))  # as the reader reads it: a typo is its name
        return re.sub("|".join(rf"\b{re.escape(n)}(?:e?s)?\b" for n in known), "#", words)

    for text, _ in generate(1000, seed=5):
        assert not set(without_names(text).split()) & set(NOVEL_WORDS), text
    assert not {n for t in OBJECT_TYPES for n in _names(t)} & set(held_out.values())
    texts = [text for text, _ in hand_written_pairs()] + [d for ds in DESCRIPTIONS.values() for d in ds]
    for text in texts:
        words = without_names(text)
        assert not set(words.split()) & set(NOVEL_WORDS), text
        for name in held_out.values():
            assert not re.search(rf"\b{re.escape(name)}(e?s)?\b", words), (name, text)


def test_hand_written_training_instructions_are_valid_and_in_the_training_data():
    from errands.planners.interpreter.training_data import HAND_WRITTEN, hand_written_pairs

    rows = [json.loads(line) for line in HAND_WRITTEN.read_text().splitlines()]
    assert len(rows) == 358 and len({r["id"] for r in rows}) == 358
    pairs = hand_written_pairs()
    assert len(pairs) == 358 and all(isinstance(g, TaskGoal) for _, g in pairs)
    assert {g.task_type for _, g in pairs} == set(TASK_TYPES)
    assert {r["room"] for r in rows} == {"kitchen", "living_room", "bedroom", "bathroom"}
    data = generate(10, seed=0, hand_written=3)
    assert len(data) == 10 + 3 * 358
    assert {text for text, _ in pairs} <= {text for text, _ in data}  # each once as written
    assert len(generate(10, seed=0, hand_written=0)) == 10


def test_hand_written_training_instructions_copy_no_evaluation_line():
    """The training set shares no line with human_dev or constraints_human_dev (the
    development sets; the held-out sets are not opened here)."""
    import difflib

    from errands.planners.interpreter.training_data import hand_written_pairs
    from errands.eval.suite_building import INSTRUCTIONS_DIR

    dev = [json.loads(line)["instruction"].lower() for name in ("human_dev", "constraints_human_dev")
           for line in (INSTRUCTIONS_DIR / f"{name}.jsonl").read_text().splitlines()]
    for text, _ in hand_written_pairs():
        text = text.lower()
        assert text not in dev
        close = [d for d in dev if difflib.SequenceMatcher(None, text, d).ratio() > 0.9]
        assert not close, (text, close)


def test_cross_validation_reads_each_fold_with_weights_fitted_on_the_others():
    from errands.planners.interpreter.train import cross_validate

    model = load_model()
    pairs = [("put the apple in the fridge", TaskGoal("pick_cool_then_place_in_recep", "Apple", "Fridge")),
             ("put a mug on the desk", TaskGoal("pick_and_place_simple", "Mug", "Desk")),
             ("chill an egg and put it on the counter", TaskGoal("pick_cool_then_place_in_recep", "Egg", "CounterTop")),
             ("look at the book under the desk lamp", TaskGoal("look_at_obj_in_light", "Book", "DeskLamp"))]
    settings = dict(model.combination)
    result = cross_validate(model, pairs, folds=2, seed=0)
    assert model.combination == settings  # the packaged model's own weights are left as they are
    assert result["folds"] == 2 and len(result["fitted"]) == 2
    assert result["accuracy"] in (0.5, 0.75, 1.0)  # the first is no cool task as written: at most 3 of 4
    assert result["accuracy"] <= 0.75


def test_packaged_model_keeps_its_cross_validation():
    cv = load_model().cross_validation
    assert cv["folds"] == 5 and 0.0 < cv["accuracy"] <= 1.0 and len(cv["fitted"]) == 5


def test_step_marks_split_steps_whatever_their_case_and_next_to_is_a_place():
    r = read("Step one, pick up the cell phone. Step two, turn the desk lamp on.")
    assert r.words == ["pick", "up", "the", "cell", "phone", "turn", "the", "desk", "lamp", "on"]
    assert r.sentence == [0] * 5 + [1] * 5
    r = read("First take the mug, next put it in the sink")
    assert (r.words, r.sentence) == (["take", "the", "mug", "put", "it", "in", "the", "sink"], [0, 0, 0] + [1] * 5)
    r = read("Move the lamp from the counter next to the sink onto the shelf.")
    assert r.words[6:8] == ["next", "to"] and set(r.sentence) == {0}


def test_a_letter_typed_twice_reads_as_the_short_name_and_table_words_survive_typos():
    from errands.planners.interpreter.model import cue_word

    assert [correct(w) for w in ("boxx", "cupp", "bowll", "book")] == ["box", "cup", "bowl", "book"]
    assert [cue_word(w) for w in ("ehated", "rnised", "tosat", "heats", "frozen", "soaked")] == \
        ["heated", "rinsed", "toast", "heat", "frozen", "soaked"]
    # other words, not typos: another last letter, or too short to tell
    assert [cue_word(w) for w in ("clear", "heater", "wach", "table")] == [None, None, None, None]


def test_what_asks_for_a_transform_is_a_feature_and_nothing_asking_reads_as_a_placing(reader):
    def evidence(text):
        return sorted(f for f in sentence_features(read(text)) if f.startswith(("evidence=", "kinds=", "count=")))

    assert evidence("slice an egg and leave a piece in the fridge") == [
        "evidence=clean:none", "evidence=cool:none", "evidence=heat:none", "kinds=object-fixed"]
    assert evidence("leave the egg in the microwave for a bit, then put it in the fridge, don't chill it") == [
        "evidence=clean:none", "evidence=cool:none", "evidence=heat:place", "kinds=object-fixed-fixed"]
    assert evidence("take a bowl, drop another pencil in it and set it on the desk") == [
        "count=more", "evidence=clean:none", "evidence=cool:none", "evidence=heat:none",
        "kinds=movable-object-fixed"]
    assert reader.read("Chop a tomato and leave one of the slices in the fridge.").goal == \
        TaskGoal("pick_and_place_simple", "Tomato", "Fridge", sliced=True)
    assert reader.read("Take a bowl, drop a pencil in it and set it on the desk.").goal == \
        TaskGoal("pick_and_place_with_movable_recep", "Pencil", "Desk", movable_receptacle="Bowl")
