"""Read a task goal out of a plain-language instruction with rules: find the object types
it names (by every synonym the instruction templates know), the words that ask for a
state (washed, hot, chilled: errands.envs.transforms; sliced), "two", and a light. The symbolic planner then
writes the skills. This is goal interpretation without a language model; the LLM
planner does the same job with one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..envs.household.object_types import LIGHT_TYPES, OBJECT_TYPES
from ..envs.tasks.goals import TaskGoal
from ..envs.tasks.instructions import SLICE_WORDS as SLICE_WORD_LIST, SYNONYMS, type_words
from ..envs.tasks.types import LookAtObjInLight, PickAndPlaceSimple, PickAndPlaceWithMovableRecep, PickTwoObjAndPlace
from ..envs.transforms import TRANSFORMS

TWO_WORDS = r"\b(two|pair|both|couple)\b"
SLICE_WORDS = r"\b(" + "|".join(SLICE_WORD_LIST) + r")\b"
LOOK_WORDS = r"\b(look|examine|inspect|study|check|view|viewed|observe|illuminate)\b"


@lru_cache(maxsize=1)
def _vocabulary() -> list[tuple[str, str]]:
    """(phrase, type) pairs, longest phrase first; the first type to claim a phrase keeps it."""
    claimed: dict[str, str] = {}
    for type_name, names in SYNONYMS.items():
        for name in names:
            claimed.setdefault(name.lower(), type_name)
    for type_name in OBJECT_TYPES:
        if not type_name.endswith(("Sliced", "Cracked")):
            claimed.setdefault(type_words(type_name).lower(), type_name)
    phrases = []
    for phrase, type_name in claimed.items():
        phrases.append((phrase, type_name))
        phrases.append((_plural(phrase), type_name))
    return sorted(phrases, key=lambda p: -len(p[0]))


def _plural(word: str) -> str:
    if word.endswith(("s", "sh", "ch", "x", "o")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def find_object_mentions(text: str) -> list[str]:
    """Object types named in the text, in order of appearance."""
    text = " " + re.sub(r"[^a-z ]", " ", text.lower()) + " "
    found: list[tuple[int, str]] = []
    taken = [False] * len(text)
    for phrase, type_name in _vocabulary():
        for m in re.finditer(r"(?<= )" + re.escape(phrase) + r"(?= )", text):
            if not any(taken[m.start():m.end()]):
                found.append((m.start(), type_name))
                for i in range(m.start(), m.end()):
                    taken[i] = True
    return [t for _, t in sorted(found)]


def parse_goal(instruction: str) -> TaskGoal:
    """The TaskGoal an instruction asks for; ValueError naming what could not be read."""
    if not isinstance(instruction, str) or not instruction.strip():
        raise ValueError("the instruction is empty: say what to do, e.g. 'put a washed apple in the fridge'")
    text = instruction.lower()
    mentions = find_object_mentions(text)
    pickups = [t for t in mentions if OBJECT_TYPES[t].pickupable]
    fixed = [t for t in mentions if OBJECT_TYPES[t].receptacle and not OBJECT_TYPES[t].pickupable]
    lights = [t for t in mentions if t in LIGHT_TYPES]
    if not pickups:
        raise ValueError(f"no object to pick up in {instruction!r}: name one, such as an apple, a mug or a book")
    obj, movable = pickups[0], None
    for m in pickups:
        others = [p for p in pickups if p != m]
        if OBJECT_TYPES[m].movable_receptacle and others and others[0] in OBJECT_TYPES[m].accepts:
            obj, movable = others[0], m
            break
    sliced = bool(re.search(SLICE_WORDS, text)) and OBJECT_TYPES[obj].sliceable
    if lights and (not fixed or re.search(LOOK_WORDS, text)):
        return TaskGoal(LookAtObjInLight.name, obj, lights[0], sliced=sliced)
    transform = next((t for t in TRANSFORMS if re.search(rf"\b({'|'.join(t.all_words())})\b", text)), None)
    if transform:
        task_type = transform.task_type
        places = [f for f in fixed if f != transform.appliance] or fixed
    else:
        places = fixed
        task_type = (PickTwoObjAndPlace.name if re.search(TWO_WORDS, text)
                     else PickAndPlaceWithMovableRecep.name if movable else PickAndPlaceSimple.name)
    if not places:
        raise ValueError(f"no place to put the {type_words(obj)} in {instruction!r}: name a receptacle, "
                         "such as the fridge, a counter or a shelf")
    if task_type != PickAndPlaceWithMovableRecep.name:
        movable = None
    return TaskGoal(task_type, obj, places[-1], sliced=sliced, movable_receptacle=movable)
