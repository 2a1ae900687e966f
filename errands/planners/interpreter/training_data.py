"""Generated training data for the goal model: (instruction, goal) pairs.

Goals follow ALFRED's distribution per room type (flattened, so rare pairs appear too).
The text comes from the instruction templates' training set and from the paraphrase
frames below, then noise of the kinds people make: everyday and loose names, where the
object is ("from the cabinet"), polite wrappers, a sentence of context, step-by-step
lists, lower case without punctuation, typos. The novel phrasing set's frames, verbs and
synonyms are never used, and no hand-written evaluation instruction is: the human
instruction sets are for measuring only.
"""

from __future__ import annotations

import re

import numpy as np

from ...envs.household.object_types import OBJECT_TYPES
from ...envs.tasks.distribution import load_distribution
from ...envs.tasks.goals import TaskGoal
from ...envs.tasks.instructions import describe_goal, names_for, preposition, type_words
from .lexicon import EVERYDAY_NAMES

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
    ],
    "pick_two_obj_and_place": [
        "put two {objs}{src} {prep} {parent}", "i want two {objs} {prep} {parent}",
        "move both {objs}{src} to {parent}", "get two {objs} and set them {prep} {parent}",
        "take a couple of {objs} to {parent}", "place 2 {objs} {prep} {parent}",
        "put one {one} {prep} {parent}, then put another {one} there too",
        "two {objs} need to go {prep} {parent}", "grab two {objs}{src} and leave them {prep} {parent}",
        "carry a pair of {objs} to {parent}",
    ],
    "look_at_obj_in_light": [
        "look at {obj} with {light} on", "hold {obj} and turn {light} on", "examine {obj} by {light}",
        "pick up {obj}{src} and switch on {light}", "check out {obj} under {light}",
        "take {obj}{src}, walk to {light} and turn it on", "turn on {light} and look at {obj}",
        "inspect {obj} in the light of {light}", "read {obj} under {light}", "view {obj} under {light}",
        "grab {obj}{src} and look at it with {light}",
    ],
    "transform": [
        "{verb} {obj}{src} and put it {prep} {parent}", "put {state} {bare} {prep} {parent}",
        "i want {state} {bare} {prep} {parent}", "{verb} {obj}, then leave it {prep} {parent}",
        "take {obj}{src}, {verb} it, and set it {prep} {parent}", "{parent} needs {state} {bare}",
        "get {obj}{src}, {verb} it {tool}, and bring it to {parent}", "{verb} {obj} {tool} and put it {prep} {parent}",
        "put {obj} {prep} {parent} after you {verb} it", "{state} {bare} goes {prep} {parent}",
        "can you {verb} {obj} and place it {prep} {parent}",
    ],
    "pick_and_place_with_movable_recep": [
        "put {obj}{src} {prep_m} {movable} and put {movable_it} {prep} {parent}",
        "place {obj} {prep_m} {movable}, then move {movable_it} to {parent}",
        "put {movable} with {obj} {prep_m} it {prep} {parent}", "carry {obj} {prep_m} {movable} to {parent}",
        "set {obj} {prep_m} {movable} and take it to {parent}", "i want {obj} {prep_m} {movable} {prep} {parent}",
        "put {obj} {prep_m} {movable} and leave them {prep} {parent}",
        "take {movable} with {obj} to {parent}", "move {movable} holding {obj} {prep} {parent}",
        "get {obj}{src}, put it {prep_m} {movable}, and set it all {prep} {parent}",
    ],
}
# The training phrasings' verbs and states (the transform table's train_words) and more
# forms people use, in the order this recipe draws them (the packaged model was trained on
# exactly these); never the novel set's.
VERBS = {
    "pick_clean_then_place_in_recep": (["wash", "rinse", "clean", "rinse off", "wash off", "clean off"],
                                       ["clean", "washed", "rinsed", "cleaned", "rinsed off"]),
    "pick_heat_then_place_in_recep": (["heat", "warm", "microwave", "heat up", "warm up", "toast", "bake"],
                                      ["hot", "heated", "warm", "warmed", "warmed up", "heated up", "toasted",
                                       "baked", "microwaved"]),
    "pick_cool_then_place_in_recep": (["chill", "cool", "cool down", "cool off", "freeze"],
                                      ["cold", "chilled", "cool", "cooled", "cooled down", "frozen"]),
}
TOOLS = {"pick_clean_then_place_in_recep": ["in the sink", "under the faucet", "with water", ""],
         "pick_heat_then_place_in_recep": ["in the microwave", "", ""],
         "pick_cool_then_place_in_recep": ["in the fridge", "in the refrigerator", ""]}
POLITE = ["please ", "could you ", "can you please ", "would you ", "hey, ", "ok so ", "go and ", "i need you to "]
CONTEXT = ["we have guests coming.", "the kitchen is a mess.", "i'm getting ready for bed.", "it's almost dinner time.",
           "thanks in advance.", "this is for later.", "don't forget.", "quickly.", "when you have a moment.",
           "the room needs tidying."]
ADJECTIVES = ["", "", "", "small ", "big ", "red ", "white ", "dirty ", "clean ", "old ", "little "]
SOURCES = ["CounterTop", "DiningTable", "Cabinet", "Drawer", "Shelf", "SideTable", "Desk", "Sofa", "Bed",
           "Fridge", "Dresser", "CoffeeTable", "Toilet", "SinkBasin", "ArmChair", "TVStand"]


def sample_goals(rng: np.random.Generator, n: int) -> list[tuple[TaskGoal, str]]:
    """(goal, room) pairs, ALFRED's pairs weighted by the square root of their counts."""
    rows = [(room, row) for room, table in load_distribution().items() for row in table]
    weights = np.sqrt(np.array([row[-1] for _, row in rows], dtype=float))
    picks = rng.choice(len(rows), size=n, p=weights / weights.sum())
    return [(TaskGoal.from_alfred_name("-".join(rows[i][1][:4])), rows[i][0]) for i in picks]


def _name(rng, type_name: str) -> str:
    """A name for the type: a training synonym or an everyday name."""
    options = list(names_for(type_name, "train")) + list(EVERYDAY_NAMES.get(type_name, [type_words(type_name)]))
    return options[int(rng.integers(len(options)))].lower()


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
        obj = _pick(rng, ["a ", "the ", "the ", "that ", "some "]) + bare
    source = ""
    if rng.random() < 0.3:
        place = _pick(rng, [s for s in SOURCES if s != goal.parent_receptacle])
        source = _pick(rng, [" from the {p}", " on the {p}", " in the {p}", " that is on the {p}",
                             " off the {p}"]).format(p=_name(rng, place))
    slots = {"obj": obj, "bare": bare, "src": source, "objs": _plural(obj_name), "one": obj_name, "tool": ""}
    if goal.task_type == "look_at_obj_in_light":
        slots["light"] = "the " + _name(rng, goal.parent_receptacle)
    else:
        slots["parent"] = "the " + _name(rng, goal.parent_receptacle) + _landmark(rng, goal.parent_receptacle)
        slots["prep"] = preposition(goal.parent_receptacle)
        slots["prep_it"] = "in" if slots["prep"] == "in" else "on"
    if goal.movable_receptacle:
        slots["movable"] = _pick(rng, ["a ", "the "]) + _name(rng, goal.movable_receptacle)
        slots["prep_m"] = _pick(rng, ["in", "into", "inside"]) if goal.movable_receptacle != "Plate" else "on"
        slots["movable_it"] = "it"
    if kind == "transform":
        verbs, states = VERBS[goal.task_type]
        slots["verb"], slots["state"] = _pick(rng, verbs), "a " + _pick(rng, states)
        slots["tool"] = _pick(rng, TOOLS[goal.task_type])
    return re.sub(r"\s+", " ", frame.format(**slots)).strip()


def _landmark(rng, type_name: str) -> str:
    """Sometimes, which one: "the cabinet under the sink", "the table by the window"."""
    if rng.random() > 0.25:
        return ""
    other = _pick(rng, [s for s in SOURCES if s != type_name] + ["window", "door", "wall", "StoveBurner"])
    other = _name(rng, other) if other in OBJECT_TYPES else other
    return f" {_pick(rng, ['under', 'above', 'next to', 'by', 'near', 'beside', 'left of', 'across from'])} the {other}"


def step_list(goal: TaskGoal, rng: np.random.Generator) -> str:
    """The goal as numbered or sentence steps, as people write when they spell it out."""
    obj = _name(rng, goal.object)
    steps = [f"go to the {_name(rng, _pick(rng, SOURCES))}", f"pick up the {obj}"]
    if goal.sliced:
        steps[1:1] = ["grab a knife", f"slice the {obj}", "put the knife down"]
        steps.append(f"take a slice of {obj}")
    if goal.task_type in VERBS:
        verb = _pick(rng, VERBS[goal.task_type][0])
        steps.append(f"{verb} it {_pick(rng, TOOLS[goal.task_type])}".strip())
    if goal.task_type == "pick_two_obj_and_place":
        steps.append(f"put it {preposition(goal.parent_receptacle)} the {_name(rng, goal.parent_receptacle)}")
        steps += [f"pick up another {obj}", "put it there too"]
    elif goal.task_type == "look_at_obj_in_light":
        steps.append(f"turn on the {_name(rng, goal.parent_receptacle)}")
    elif goal.movable_receptacle:
        movable = _name(rng, goal.movable_receptacle)
        steps += [f"put it in the {movable}", f"carry the {movable} to the {_name(rng, goal.parent_receptacle)}"]
    else:
        steps.append(f"put it {preposition(goal.parent_receptacle)} the {_name(rng, goal.parent_receptacle)}")
    if rng.random() < 0.5:
        return " ".join(f"{i + 1}. {s}" for i, s in enumerate(steps))
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


def noisy(text: str, rng: np.random.Generator) -> str:
    """People's noise on a clean instruction."""
    if rng.random() < 0.25:
        text = _pick(rng, POLITE) + text[:1].lower() + text[1:]
    if rng.random() < 0.15:
        context = _pick(rng, CONTEXT)
        text = f"{context} {text}" if rng.random() < 0.5 else f"{text}. {context}"
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


def generate(n: int, seed: int = 0) -> list[tuple[str, TaskGoal]]:
    """n (instruction, goal) pairs: a third from the templates, half from the frames, the
    rest step lists, each with noise; one in ten says a transform it does not ask for as
    not wanted."""
    rng = np.random.default_rng([seed, 19])
    pairs = []
    for goal, _room in sample_goals(rng, n):
        r = rng.random()
        if r < 0.3:
            text = describe_goal(goal, "train", rng)
        elif r < 0.85:
            text = paraphrase(goal, rng)
        else:
            text = step_list(goal, rng)
        if rng.random() < 0.1:
            text = negate_other_transform(text, goal, rng)
        pairs.append((noisy(text, rng), goal))
    return pairs


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
