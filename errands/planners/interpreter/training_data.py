"""Generated training data for the goal model: (instruction, goal) pairs.

Goals follow ALFRED's distribution per room type (flattened, so rare pairs appear too).
The text comes from the instruction templates' training set and from the paraphrase
frames below (commands, wishes and states, multi-sentence requests, step lists), then
noise of the kinds people make: everyday and loose names, objects described instead of
named (descriptions.py: "the thing with prongs you eat with"), a wrong name taken back
("the mug, sorry, the cup"), an object told apart from another ("the cup, not the mug"),
where the object is ("from the cabinet"), polite wrappers, a sentence of context that may
name other things, lower case without punctuation, typos. To these come the hand-written
training instructions (`HAND_WRITTEN`, written for training in the way ALFRED's
annotators write), each several times with noise.

The novel phrasing set's frames, verbs and synonyms are never used, and no hand-written
evaluation instruction is: the human instruction sets are for measuring only (human_dev
also fits the combination, train.py).
"""

from __future__ import annotations

import re

import numpy as np

from functools import lru_cache
from pathlib import Path

from ...envs.household.object_types import OBJECT_TYPES
from ...envs.tasks.distribution import load_distribution
from ...envs.tasks.goals import TaskGoal
from ...envs.tasks.instruction_sets import read_instruction_set
from ...envs.tasks.instructions import SYNONYMS, describe_goal, names_for, preposition, type_words
from .descriptions import DESCRIPTIONS
from .lexicon import EVERYDAY_NAMES

HAND_WRITTEN = Path(__file__).resolve().parents[1] / "data" / "goal_training.jsonl"

# Frames: {obj} the object phrase, {parent}, {movable}, {light}, {verb}/{state} for transforms,
# {src} where the object is now (may be empty), {objs} plural.
FRAMES = {
    "pick_and_place_simple": [
        "{obj}{src} should go {prep} {parent}", "get {obj}{src} and put it {prep} {parent}",
        "i want {obj} {prep} {parent}", "can you put {obj}{src} {prep} {parent}",
        "move {obj}{src} over to {parent}", "take {obj}{src} to {parent} and set it down",
        "drop {obj} {prep} {parent}", "put {obj}{src} away {prep} {parent}", "set {obj} down {prep} {parent}",
        "pick {obj} up{src} and put it down {prep} {parent}", "{parent} needs {obj} {prep_it} it",
        "leave {obj} {prep} {parent}",
        # wishes and states, as people write them
        "{obj} belongs {prep} {parent}", "i'd like {obj} {prep} {parent}", "{obj} has to go {prep} {parent}",
        "it would be nice to have {obj} {prep} {parent}", "we keep {obj} {prep} {parent}, put it back there",
        "{obj} is out of place, it goes {prep} {parent}", "find {obj}{src}. it should be {prep} {parent}",
        "there is {obj}{src}. move it {prep} {parent}", "return {obj} to {parent}",
        "{obj}{src} needs to be put away {prep} {parent}", "put {obj} back {prep} {parent} where it goes",
        "{obj} is on the {here}, could you put it {prep} {parent}", "{obj} is lying on the {here}. put it {prep} "
        "{parent}", "my {one} is on the {here}. leave it {prep} {parent}",
    ],
    "pick_two_obj_and_place": [
        "put two {objs}{src} {prep} {parent}", "i want two {objs} {prep} {parent}",
        "move both {objs}{src} to {parent}", "get two {objs} and set them {prep} {parent}",
        "take a couple of {objs} to {parent}", "place 2 {objs} {prep} {parent}",
        "put one {one} {prep} {parent}, then put another {one} there too",
        "two {objs} need to go {prep} {parent}", "grab two {objs}{src} and leave them {prep} {parent}",
        "carry a pair of {objs} to {parent}",
        "i'd like two {objs} {prep} {parent}", "there should be two {objs} {prep} {parent}",
        "find two {objs}. put both of them {prep} {parent}", "put {one} {prep} {parent}. then do the same with "
        "a second {one}", "{parent} needs two {objs}", "put the pair of {objs} {prep} {parent}",
        "take one {one}{src} to {parent}, then go back for another one",
        "bring {obj} to {parent}. go back and bring another {one} there", "put {obj} {prep} {parent} and do it "
        "again with a second one",
    ],
    "look_at_obj_in_light": [
        "look at {obj} with {light} on", "hold {obj} and turn {light} on", "examine {obj} by {light}",
        "pick up {obj}{src} and switch on {light}", "check out {obj} under {light}",
        "take {obj}{src}, walk to {light} and turn it on", "turn on {light} and look at {obj}",
        "inspect {obj} in the light of {light}", "read {obj} under {light}", "view {obj} under {light}",
        "grab {obj}{src} and look at it with {light}",
        "i want to see {obj} under {light}", "get {obj} and bring it over to {light}. turn {light} on",
        "hold {obj} up to {light} after turning it on", "light up {light} and study {obj}",
        "switch {light} on so you can see {obj}", "use {light} to look at {obj}",
        "carry {obj} to {light} and take a look at it in the light",
    ],
    "transform": [
        "{verb} {obj}{src} and put it {prep} {parent}", "put {state} {bare} {prep} {parent}",
        "i want {state} {bare} {prep} {parent}", "{verb} {obj}, then leave it {prep} {parent}",
        "take {obj}{src}, {verb} it, and set it {prep} {parent}", "{parent} needs {state} {bare}",
        "get {obj}{src}, {verb} it {tool}, and bring it to {parent}", "{verb} {obj} {tool} and put it {prep} {parent}",
        "put {obj} {prep} {parent} after you {verb} it", "{state} {bare} goes {prep} {parent}",
        "can you {verb} {obj} and place it {prep} {parent}",
        "i'd like {state} {bare} {prep} {parent}", "{obj} should be {state2} and put {prep} {parent}",
        "grab {obj}{src}. {verb} it. put it {prep} {parent}", "{verb} {obj} first, then it goes {prep} {parent}",
        "{obj}{src} needs to be {state2}, then put it {prep} {parent}", "we need {state} {bare} {prep} {parent}",
        "it would be great to have {state} {bare} {prep} {parent}", "give {obj} a {noun} and put it {prep} {parent}",
        # the transform left implicit: a stay in its appliance
        "{stay}, then put it {prep} {parent}", "{stay} and after that move it to {parent}",
    ],
    "pick_and_place_with_movable_recep": [
        "put {obj}{src} {prep_m} {movable} and put {movable_it} {prep} {parent}",
        "place {obj} {prep_m} {movable}, then move {movable_it} to {parent}",
        "put {movable} with {obj} {prep_m} it {prep} {parent}", "carry {obj} {prep_m} {movable} to {parent}",
        "set {obj} {prep_m} {movable} and take it to {parent}", "i want {obj} {prep_m} {movable} {prep} {parent}",
        "put {obj} {prep_m} {movable} and leave them {prep} {parent}",
        "take {movable} with {obj} to {parent}", "move {movable} holding {obj} {prep} {parent}",
        "get {obj}{src}, put it {prep_m} {movable}, and set it all {prep} {parent}",
        "i'd like {obj} {prep_m} {movable} {prep} {parent}", "put {obj} {prep_m} {movable}. bring them to {parent}",
        "{movable} with {obj} {prep_m} it belongs {prep} {parent}", "drop {obj} {prep_m} {movable}, then carry "
        "{movable_it} over to {parent}", "take {movable} to {parent} with {obj} {prep_m} it",
        "use {movable} to carry {obj} to {parent}",
    ],
}
# The training phrasings' verbs and states (the transform table's train_words) and more
# forms people use, in the order this recipe draws them (the packaged model was trained on
# exactly these); never the novel set's.
VERBS = {
    "pick_clean_then_place_in_recep": (["wash", "rinse", "clean", "rinse off", "wash off", "clean off", "wash up",
                                        "run water over", "soak"],
                                       ["clean", "washed", "rinsed", "cleaned", "rinsed off"]),
    "pick_heat_then_place_in_recep": (["heat", "warm", "microwave", "heat up", "warm up", "toast", "bake", "reheat",
                                       "zap", "nuke"],
                                      ["hot", "heated", "warm", "warmed", "warmed up", "heated up", "toasted",
                                       "baked", "microwaved", "reheated"]),
    "pick_cool_then_place_in_recep": (["chill", "cool", "cool down", "cool off", "freeze"],
                                      ["cold", "chilled", "cool", "cooled", "cooled down", "frozen"]),
}
NOUNS = {"pick_clean_then_place_in_recep": ["wash", "rinse", "good rinse", "quick wash"],
         "pick_heat_then_place_in_recep": ["zap in the microwave", "quick warm up", "few minutes in the microwave"],
         "pick_cool_then_place_in_recep": ["chill", "few minutes in the fridge", "spell in the fridge"]}
STAYS = {"pick_clean_then_place_in_recep": ["hold {obj} under running water", "run {obj} under the tap",
                                            "put {obj} under the faucet for a moment"],
         "pick_heat_then_place_in_recep": ["put {obj} in the microwave for a {while} and take it out",
                                           "leave {obj} in the microwave for a {while}",
                                           "run {obj} through the microwave"],
         "pick_cool_then_place_in_recep": ["put {obj} in the fridge for a {while}, then take it out",
                                           "leave {obj} in the fridge for a {while}",
                                           "let {obj} sit in the refrigerator for a {while}"]}
WHILES = ["bit", "while", "minute", "few minutes", "little while"]
TOOLS = {"pick_clean_then_place_in_recep": ["in the sink", "under the faucet", "with water", ""],
         "pick_heat_then_place_in_recep": ["in the microwave", "", ""],
         "pick_cool_then_place_in_recep": ["in the fridge", "in the refrigerator", ""]}
POLITE = ["please ", "could you ", "can you please ", "would you ", "hey, ", "ok so ", "go and ", "i need you to "]
CONTEXT = ["we have guests coming.", "the kitchen is a mess.", "i'm getting ready for bed.", "it's almost dinner time.",
           "thanks in advance.", "this is for later.", "don't forget.", "quickly.", "when you have a moment.",
           "the room needs tidying.", "thank you so much.", "i'm in a hurry.", "my hands are full.",
           "it's for my mom.", "i'll be back in a minute.", "the kids made a mess.", "no rush."]
# Context that names other things (the object to act on is not one of them).
DISTRACTORS = ["there's {a} on the {b}.", "the {a} is next to the {b}.", "i already put the {a} away.",
               "leave the {a} where it is.", "don't worry about the {a}.", "i left my {a} on the {b}.",
               "the {a} can stay on the {b}."]
ADJECTIVES = ["", "", "", "small ", "big ", "red ", "white ", "dirty ", "clean ", "old ", "little "]
SOURCES = ["CounterTop", "DiningTable", "Cabinet", "Drawer", "Shelf", "SideTable", "Desk", "Sofa", "Bed",
           "Fridge", "Dresser", "CoffeeTable", "Toilet", "SinkBasin", "ArmChair", "TVStand"]


def sample_goals(rng: np.random.Generator, n: int) -> list[tuple[TaskGoal, str]]:
    """(goal, room) pairs, ALFRED's pairs weighted by the square root of their counts."""
    rows = [(room, row) for room, table in load_distribution().items() for row in table]
    weights = np.sqrt(np.array([row[-1] for _, row in rows], dtype=float))
    picks = rng.choice(len(rows), size=n, p=weights / weights.sum())
    return [(TaskGoal.from_alfred_name("-".join(rows[i][1][:4])), rows[i][0]) for i in picks]


@lru_cache(maxsize=None)
def _names(type_name: str) -> tuple[str, ...]:
    """The type's training synonyms and everyday names, without the novel phrasing set's."""
    held_out = {n.lower() for n in names_for(type_name, "novel")} if len(SYNONYMS.get(type_name, ())) >= 3 else set()
    options = list(names_for(type_name, "train")) + list(EVERYDAY_NAMES.get(type_name, [type_words(type_name)]))
    return tuple(dict.fromkeys(n.lower() for n in options if n.lower() not in held_out))


def _name(rng, type_name: str) -> str:
    """A name for the type: a training synonym or an everyday name."""
    return _pick(rng, _names(type_name))


def _other_of_kind(rng, type_name: str) -> str:
    """Another type of the same sort (to pick up, or not), for contrasts and slips."""
    pickup = OBJECT_TYPES[type_name].pickupable
    return _pick(rng, [t for t in DESCRIPTIONS if t != type_name and OBJECT_TYPES[t].pickupable == pickup])


def object_phrase(rng, type_name: str, bare: str) -> str:
    """The object as people say it: mostly its name ("the red mug"), sometimes a
    description ("the thing you drink coffee from"), a slip taken back ("the cup, sorry,
    the mug") or a contrast ("the mug, not the cup")."""
    r = rng.random()
    if r < 0.1 and type_name in DESCRIPTIONS:
        return "the " + _pick(rng, DESCRIPTIONS[type_name])
    if r < 0.13:
        slip = _pick(rng, ["the {o}, sorry, {x}", "the {o}, i mean {x}", "the {o}... actually {x}",
                           "the {o} no wait, {x}"])
        return slip.format(o=_name(rng, _other_of_kind(rng, type_name)), x="the " + bare)
    if r < 0.16:
        contrast = _pick(rng, ["{x}, not the {o}", "{x} and not the {o}", "{x} (not the {o})"])
        return contrast.format(o=_name(rng, _other_of_kind(rng, type_name)), x="the " + bare)
    return _pick(rng, ["a ", "the ", "the ", "that ", "some "]) + bare


def _pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


def paraphrase(goal: TaskGoal, rng: np.random.Generator) -> str:
    """One instruction from the paraphrase frames."""
    kind = "transform" if goal.task_type in VERBS else goal.task_type
    frame = _pick(rng, FRAMES[kind])
    obj_name = _name(rng, goal.object)
    adjective = _pick(rng, ADJECTIVES)
    if goal.sliced:
        bare = _pick(rng, ["slice of {n}", "{n} slice", "sliced {n}", "piece of {n}", "cut {n}",
                           "chopped {n}"]).format(n=obj_name)
        obj = _pick(rng, ["a ", "the ", "one "]) + bare
    else:
        bare = adjective + obj_name
        obj = object_phrase(rng, goal.object, bare)
    source = ""
    if rng.random() < 0.3:
        place = _pick(rng, [s for s in SOURCES if s != goal.parent_receptacle])
        source = _pick(rng, [" from the {p}", " on the {p}", " in the {p}", " that is on the {p}",
                             " off the {p}"]).format(p=_name(rng, place))
    slots = {"obj": obj, "bare": bare, "src": source, "objs": _plural(obj_name), "one": obj_name, "tool": "",
             "here": _name(rng, _pick(rng, [s for s in SOURCES if s != goal.parent_receptacle]))}
    if goal.task_type == "look_at_obj_in_light":
        slots["light"] = "the " + _name(rng, goal.parent_receptacle)
    else:
        slots["parent"] = _receptacle_phrase(rng, goal.parent_receptacle)
        slots["prep"] = preposition(goal.parent_receptacle)
        slots["prep_it"] = "in" if slots["prep"] == "in" else "on"
    if goal.movable_receptacle:
        slots["movable"] = _pick(rng, ["a ", "the "]) + _name(rng, goal.movable_receptacle)
        slots["prep_m"] = _pick(rng, ["in", "into", "inside"]) if goal.movable_receptacle != "Plate" else "on"
        slots["movable_it"] = "it"
    if kind == "transform":
        verbs, states = VERBS[goal.task_type]
        slots["verb"], slots["state2"] = _pick(rng, verbs), _pick(rng, states)
        slots["state"] = "a " + slots["state2"]
        slots["noun"] = _pick(rng, NOUNS[goal.task_type])
        slots["stay"] = _pick(rng, STAYS[goal.task_type]).format(obj=obj, **{"while": _pick(rng, WHILES)})
        slots["tool"] = _pick(rng, TOOLS[goal.task_type])
    return re.sub(r"\s+", " ", frame.format(**slots)).strip()


def _receptacle_phrase(rng, type_name: str) -> str:
    """The receptacle by a name (sometimes with a landmark), now and then described."""
    if rng.random() < 0.04 and type_name in DESCRIPTIONS:
        return "the " + _pick(rng, DESCRIPTIONS[type_name])
    return "the " + _name(rng, type_name) + _landmark(rng, type_name)


def _landmark(rng, type_name: str) -> str:
    """Sometimes, which one: "the cabinet under the sink", "the table by the window"."""
    if rng.random() > 0.25:
        return ""
    other = _pick(rng, [s for s in SOURCES if s != type_name] + ["window", "door", "wall", "StoveBurner"])
    other = _name(rng, other) if other in OBJECT_TYPES else other
    return f" {_pick(rng, ['under', 'above', 'next to', 'by', 'near', 'beside', 'left of', 'across from'])} the {other}"


def step_list(goal: TaskGoal, rng: np.random.Generator) -> str:
    """The goal as numbered, bulleted or sentence steps, as people write when they spell it out."""
    obj = _name(rng, goal.object)
    it = _pick(rng, ["it", "it", f"the {obj}"])
    steps = [_pick(rng, [f"go to the {_name(rng, _pick(rng, SOURCES))}", "turn around", "walk to the " +
                         _name(rng, _pick(rng, SOURCES)), f"find the {obj}"]),
             _pick(rng, [f"pick up the {obj}", f"grab the {obj}", f"take the {obj}", f"get the {obj}"])]
    if rng.random() < 0.25:
        del steps[0]
    if goal.sliced:
        steps[1:1] = [_pick(rng, ["grab a knife", "pick up the knife", "get a knife"]),
                      _pick(rng, [f"slice the {obj}", f"cut the {obj}", f"cut up the {obj}"]), "put the knife down"]
        steps.append(_pick(rng, [f"take a slice of {obj}", f"pick up a slice of the {obj}", "grab a slice"]))
    if goal.task_type in VERBS:
        verb = _pick(rng, VERBS[goal.task_type][0])
        steps.append(f"{verb} {it} {_pick(rng, TOOLS[goal.task_type])}".strip())
        if rng.random() < 0.3:
            steps.insert(-1, _pick(rng, {"pick_clean_then_place_in_recep": ["go to the sink", "turn on the tap"],
                                         "pick_heat_then_place_in_recep": ["open the microwave", "go to the microwave"],
                                         "pick_cool_then_place_in_recep": ["open the fridge", "go to the fridge"]}
                                   [goal.task_type]))
    if goal.task_type == "pick_two_obj_and_place":
        steps.append(f"put {it} {preposition(goal.parent_receptacle)} the {_name(rng, goal.parent_receptacle)}")
        steps += [_pick(rng, [f"pick up another {obj}", f"get a second {obj}", f"grab one more {obj}",
                              f"go back for another {obj}"]),
                  _pick(rng, ["put it there too", "put it next to the first one", "put that one there as well",
                              f"bring it to the {_name(rng, goal.parent_receptacle)} as well"])]
    elif goal.task_type == "look_at_obj_in_light":
        steps.append(_pick(rng, ["turn on", "switch on", "light"]) + f" the {_name(rng, goal.parent_receptacle)}")
        if rng.random() < 0.5:
            steps.append(_pick(rng, [f"look at the {obj}", f"examine {it}", "look at it"]))
    elif goal.movable_receptacle:
        movable = _name(rng, goal.movable_receptacle)
        steps += [f"put {it} in the {movable}",
                  _pick(rng, [f"carry the {movable} to the {_name(rng, goal.parent_receptacle)}",
                              f"pick up the {movable}", f"take the {movable}"])]
        if not steps[-1].startswith("carry"):
            steps.append(f"put it {preposition(goal.parent_receptacle)} the {_name(rng, goal.parent_receptacle)}")
    else:
        steps.append(f"put {it} {preposition(goal.parent_receptacle)} the {_name(rng, goal.parent_receptacle)}")
    style = rng.random()
    if style < 0.35:
        return " ".join(f"{i + 1}. {s}" for i, s in enumerate(steps))
    if style < 0.45:
        return " ".join(f"{i + 1}) {s}" for i, s in enumerate(steps))
    if style < 0.55:
        return "\n".join(f"- {s}" for s in steps)
    if style < 0.7:
        joined = ", ".join([f"first {steps[0]}"] + [f"then {s}" for s in steps[1:-1]] + [f"finally {steps[-1]}"])
        return joined[:1].upper() + joined[1:] + "."
    return " ".join(s[:1].upper() + s[1:] + "." for s in steps)


def add_typo(text: str, rng: np.random.Generator) -> str:
    """One misspelt word of five letters or more: a letter dropped, doubled, swapped or changed."""
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long:
        return text
    i = _pick(rng, long)
    w, k = words[i], int(rng.integers(1, len(words[i]) - 1))
    op = int(rng.integers(4))
    if op == 0:
        w = w[:k] + w[k + 1:]
    elif op == 1:
        w = w[:k] + w[k] + w[k:]
    elif op == 2:
        w = w[:k - 1] + w[k] + w[k - 1] + w[k + 1:]
    else:
        w = w[:k] + "aeiou"[int(rng.integers(5))] + w[k + 1:]
    words[i] = w
    return " ".join(words)


def noisy(text: str, rng: np.random.Generator, goal: TaskGoal | None = None) -> str:
    """People's noise on a clean instruction: a polite wrapper, a sentence of context
    (with a goal, sometimes one that names other things), typos, lower case."""
    if rng.random() < 0.25:
        text = _pick(rng, POLITE) + text[:1].lower() + text[1:]
    if rng.random() < 0.15:
        context = _pick(rng, CONTEXT)
        if goal is not None and rng.random() < 0.4:
            others = [t for t in SOURCES + list(DESCRIPTIONS)
                      if t not in (goal.object, goal.parent_receptacle, goal.movable_receptacle)]
            context = _pick(rng, DISTRACTORS).format(a=_name(rng, _pick(rng, [t for t in others if
                                                                               OBJECT_TYPES[t].pickupable])),
                                                     b=_name(rng, _pick(rng, SOURCES)))
        text = f"{context} {text}" if rng.random() < 0.5 else f"{text.rstrip('.')}. {context}"
    for _ in range(int(rng.random() < 0.3) + int(rng.random() < 0.1)):
        text = add_typo(text, rng)
    if rng.random() < 0.35:
        text = re.sub(r"[^\w\s']", "", text.lower())
    elif not text.endswith((".", "?", "!")):
        text = text[:1].upper() + text[1:] + _pick(rng, [".", ".", "?", ""])
    return text


NEGATED = ["but don't {verb} it", "don't {verb} it", "no need to {verb} it", "without {verbing} it",
           "but do not {verb} it", "you don't have to {verb} it"]


def negate_other_transform(text: str, goal: TaskGoal, rng: np.random.Generator) -> str:
    """The instruction with a transform it does not ask for said as not wanted ("put the
    tomato in the microwave, but don't heat it"): what is not asked is not the task."""
    others = [t for t in VERBS if t != goal.task_type]
    verb = _pick(rng, VERBS[_pick(rng, others)][0]).split(" ")[0]
    verbing = (verb[:-1] if verb.endswith("e") and not verb.endswith("ee") else verb) + "ing"
    clause = _pick(rng, NEGATED).format(verb=verb, verbing=verbing)
    return f"{text.rstrip('.!?')}, {clause}"


def generate(n: int, seed: int = 0, hand_written: int = 6) -> list[tuple[str, TaskGoal]]:
    """n generated (instruction, goal) pairs: a quarter from the templates, most of the
    rest from the frames, one in six step lists, each with noise; one in ten says a
    transform it does not ask for as not wanted. Then each hand-written training
    instruction `hand_written` times, as written and with noise (none with 0); the
    whole in a seeded order."""
    rng = np.random.default_rng([seed, 19])
    pairs = []
    for goal, _room in sample_goals(rng, n):
        r = rng.random()
        if r < 0.25:
            text = describe_goal(goal, "train", rng)
        elif r < 0.83:
            text = paraphrase(goal, rng)
        else:
            text = step_list(goal, rng)
        if rng.random() < 0.1:
            text = negate_other_transform(text, goal, rng)
        pairs.append((noisy(text, rng, goal), goal))
    for text, goal in hand_written_pairs() if hand_written else ():
        pairs.append((text, goal))
        pairs += [(noisy(text, rng), goal) for _ in range(hand_written - 1)]
    order = rng.permutation(len(pairs))
    return [pairs[i] for i in order]


@lru_cache(maxsize=1)
def hand_written_pairs() -> tuple[tuple[str, TaskGoal], ...]:
    """The hand-written training instructions (`HAND_WRITTEN`), each with its goal."""
    return tuple((row["instruction"], row["goal"]) for row in read_instruction_set(HAND_WRITTEN))


def _plural(name: str) -> str:
    last = name.split(" ")[-1]
    head = name[: len(name) - len(last)]
    if last.endswith(("s", "sh", "ch", "x")) or last.endswith("o") and last != "radio":
        return head + last + "es"
    if last.endswith("y") and last[-2:-1] not in "aeiou":
        return head + last[:-1] + "ies"
    if last == "knife":
        return head + "knives"
    return head + last + "s"


if __name__ == "__main__":
    for text, goal in generate(20):
        print(f"{goal.alfred_name:60s} {text}")
    assert all(OBJECT_TYPES.get(g.object) for _, g in generate(200))
