"""Natural-language instructions for tasks: goal instructions from templates with
synonyms, articles and descriptors, and step-by-step instructions from a plan.

Phrasings come in two sets. "train" templates and synonyms are what training data and
in-context examples may use; "novel" templates and synonyms never appear there, so an
evaluation on them measures generalisation to new wording (the novel_phrasing split).
"""

from __future__ import annotations

import re

import numpy as np

from ..household.object_types import OBJECT_TYPES
from ..skills import Plan, SkillCall
from ..transforms import TRANSFORMS, transform_of_task_type
from .goals import TaskGoal
from .types import TASK_TYPES

PHRASINGS = ("train", "novel")

# The goal templates are the task types' own (errands.envs.tasks.types); the transform
# words in them come from errands.envs.transforms.
GOAL_TEMPLATES = {name: kind.goal_templates for name, kind in TASK_TYPES.items()}

# Names for object types beyond their own split CamelCase name; the last synonym of a
# type with three or more is held out for the novel phrasing set.
SYNONYMS = {
    "Fridge": ["fridge", "refrigerator", "icebox"],
    "CounterTop": ["counter", "countertop", "kitchen counter"],
    "DiningTable": ["dining table", "table", "kitchen table"],
    "SinkBasin": ["sink", "sink basin", "basin"],
    "Microwave": ["microwave", "microwave oven", "nuker"],
    "GarbageCan": ["garbage can", "trash can", "bin"],
    "SideTable": ["side table", "nightstand", "end table"],
    "StoveBurner": ["stove burner", "stove", "burner"],
    "Cabinet": ["cabinet", "cupboard", "storage cabinet"],
    "Dresser": ["dresser", "chest of drawers", "bureau"],
    "Sofa": ["sofa", "couch", "settee"],
    "ArmChair": ["armchair", "arm chair", "easy chair"],
    "Ottoman": ["ottoman", "pouf", "footstool"],
    "BathtubBasin": ["bathtub", "tub", "bath"],
    "TVStand": ["TV stand", "television stand", "media console"],
    "CoffeeMachine": ["coffee machine", "coffee maker", "espresso machine"],
    "ToiletPaperHanger": ["toilet paper holder", "toilet paper hanger", "tissue holder"],
    "DeskLamp": ["desk lamp", "lamp", "reading lamp"],
    "FloorLamp": ["floor lamp", "lamp", "standing lamp"],
    "Mug": ["mug", "coffee mug", "cup of coffee"],
    "Cup": ["cup", "glass", "tumbler"],
    "Apple": ["apple", "red apple", "piece of fruit"],
    "Potato": ["potato", "brown potato", "spud"],
    "RemoteControl": ["remote control", "remote", "TV remote"],
    "CellPhone": ["cell phone", "phone", "mobile"],
    "KeyChain": ["key chain", "key ring", "set of keys"],
    "Laptop": ["laptop", "laptop computer", "notebook computer"],
    "Newspaper": ["newspaper", "paper", "daily paper"],
    "Glassbottle": ["glass bottle", "bottle", "empty bottle"],
    "WineBottle": ["wine bottle", "bottle of wine", "wine"],
    "SprayBottle": ["spray bottle", "sprayer", "spritzer"],
    "DishSponge": ["dish sponge", "sponge", "scrubber"],
    "Pan": ["pan", "frying pan", "skillet"],
    "Pot": ["pot", "cooking pot", "saucepan"],
    "Knife": ["knife", "kitchen knife", "blade"],
    "TissueBox": ["tissue box", "box of tissues", "kleenex box"],
    "BasketBall": ["basketball", "ball", "hoop ball"],
    "Cloth": ["cloth", "rag", "dishcloth"],
    "Toilet": ["toilet", "toilet bowl", "commode"],
    "Bed": ["bed", "double bed", "mattress"],
    "Drawer": ["drawer", "small drawer", "compartment"],
}
SLICE_PHRASES = {"train": ["a slice of {name}", "a sliced {name}", "a piece of sliced {name}"],
                 "novel": ["a wedge of {name}"]}
# The words that say an object is cut, for the goal readers (the rule-based reader and
# the trained model's features): the slice phrases' nouns and verb of both sets, with
# their other forms.
SLICE_WORDS = ("slice", "slices", "sliced", "wedge", "wedges", "cut")


INSIDE = {"SinkBasin", "BathtubBasin", "GarbageCan", "LaundryHamper", "Bowl", "Mug", "Cup", "Pot", "Pan", "Box"}


def preposition(type_name: str) -> str:
    """'in' the fridge, the sink, a bowl; 'on' the counter, the bed."""
    return "in" if type_name in INSIDE or OBJECT_TYPES[type_name].openable else "on"


def type_words(type_name: str) -> str:
    """'CreditCard' -> 'credit card'."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", type_name).lower().replace("t v", "TV")


def names_for(type_name: str, phrasing: str) -> list[str]:
    names = SYNONYMS.get(type_name, [type_words(type_name)])
    if len(names) >= 3:
        return names[:-1] if phrasing == "train" else names[-1:]
    return names


def describe_goal(goal: TaskGoal, phrasing: str = "train", rng: np.random.Generator | None = None) -> str:
    """A goal instruction. Without an rng, the first template and names (stable text)."""
    if phrasing not in PHRASINGS:
        raise ValueError(f"unknown phrasing set {phrasing!r}: expected one of {', '.join(PHRASINGS)}")
    pick = (lambda seq: seq[int(rng.integers(len(seq)))]) if rng is not None else (lambda seq: seq[0])
    kind = TASK_TYPES[goal.task_type]
    transform = transform_of_task_type(goal.task_type)
    template = pick(kind.goal_templates[phrasing])
    obj_name = pick(names_for(goal.object, phrasing))
    if goal.sliced:
        obj = pick(SLICE_PHRASES[phrasing]).format(name=obj_name)
        bare = obj.split(" ", 1)[1]
    else:
        obj, bare = _article(obj_name, pick(["a", "the"])), obj_name
    slots = {"obj": obj, "bare": bare, "objs": _plural(obj_name if not goal.sliced else f"{obj_name} slice")}
    if kind.parent_is_light:
        slots["light"] = "the " + pick(names_for(goal.parent_receptacle, phrasing))
    else:
        slots["parent"] = "the " + pick(names_for(goal.parent_receptacle, phrasing))
    if goal.movable_receptacle:
        movable = pick(names_for(goal.movable_receptacle, phrasing))
        slots["movable"] = _article(movable, pick(["a", "the"]))
        slots["movable_it"] = "it"
    if transform:
        words = transform.words(phrasing)
        slots["verb"], slots["done"] = pick(words.verbs), pick(words.states)
        slots["bare"] = bare
        if goal.sliced:
            slots["done"], slots["bare"] = "a " + slots["done"], bare
        else:
            slots["done"] = _article(slots["done"], "a")
    # Say "in the fridge" and "on the counter", whatever the template says.
    template = re.sub(r"(?:\[in\|on\]|\bin|\bon) \{parent\}", "{prep} {parent}", template)
    if "parent" in slots:
        slots["prep"] = preposition(goal.parent_receptacle)
    text = _choose_alternatives(template, pick)
    for key, value in list(slots.items()):
        slots[key.capitalize()] = value[:1].upper() + value[1:]
    text = text.format(**slots)
    return re.sub(r"\ba ([aeiou])", r"an \1", text[:1].upper() + text[1:])


def _article(name: str, article: str) -> str:
    return f"{article} {name}"


def _plural(name: str) -> str:
    if name.endswith(("s", "sh", "ch", "x")):
        return name + "es"
    if name.endswith("y") and name[-2:-1] not in "aeiou":
        return name[:-1] + "ies"
    if name.endswith("o"):
        return name + "es"
    return name + "s"


def _choose_alternatives(template: str, pick) -> str:
    return re.sub(r"\[([^\]]+)\]", lambda m: pick(m.group(1).split("|")), template)


STEP_TEMPLATES = {
    "GotoLocation": ["Walk to the {0}.", "Go to the {0}.", "Head over to the {0}.", "Turn and walk to the {0}."],
    "PickupObject": ["Pick up the {0}.", "Take the {0}.", "Grab the {0}."],
    "PutObject": ["Put the {0} {in} the {1}.", "Place the {0} {in} the {1}.", "Set the {0} {in} the {1}."],
    "OpenObject": ["Open the {0}."],
    "CloseObject": ["Close the {0}."],
    "ToggleObject": ["Turn on the {0}.", "Switch on the {0}."],
    "SliceObject": ["Slice the {0}.", "Cut the {0} into slices."],
    **{t.skill: list(t.step_templates) for t in TRANSFORMS},
}


def describe_plan(plan: Plan, rng: np.random.Generator | None = None) -> list[str]:
    """Step-by-step instructions, one per skill, as ALFRED's annotators wrote them."""
    pick = (lambda seq: seq[int(rng.integers(len(seq)))]) if rng is not None else (lambda seq: seq[0])
    return [_describe_step(call, pick) for call in plan.steps]


def _describe_step(call: SkillCall, pick) -> str:
    words = [names_for(a, "train")[0] for a in call.args]
    place = preposition(call.args[1]) if call.skill == "PutObject" else ""
    return pick(STEP_TEMPLATES[call.skill]).format(*words, **{"in": place})
