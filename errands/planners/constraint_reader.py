"""Reading constraints from an instruction's words: "Put an apple in the fridge, but don't
open the microwave." -> the task part ("Put an apple in the fridge.") and
ForbiddenAction(OpenObject, Microwave).

The instruction is cut into clauses (sentences; within one, at "but", "and" before a cue
word, "without"). Each clause after the first is tried against one reader per kind (a
small table of patterns below, first match wins); object names are found with the goal
interpreter's lexicon (synonyms, everyday names, typos) and grounded in the scene's types
when they are given. A clause read as a constraint leaves the task text; a clause that
looks like one (a negation, "at most", "before") but cannot be read stays in the task text
and is reported as `unread`: a constraint is never guessed. The first clause is the goal
unless it is a constraint through and through ("Never open the fridge.").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..envs.household.object_types import OBJECT_TYPES
from ..envs.tasks.constraints import (ActionCount, Constraint, EndPlacement, EndState, Event, FailureBudget,
                                      ForbiddenAction, ForbiddenObject, ForbiddenRegion, Ordering, StepBudget)
from ..envs.tasks.instructions import type_words
from .interpreter.lexicon import find_mentions, tokenize

NUMBERS = {"no": 0, "zero": 0, "one": 1, "a": 1, "an": 1, "single": 1, "once": 1, "two": 2, "twice": 2,
           "three": 3, "thrice": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
NUMBER = r"(\d+|no|zero|one|a|an|single|two|three|four|five|six|seven|eight|nine|ten)"
TIMES = r"(once|twice|thrice|\d+ times|one time|two times|three times|four times|five times)"
NEG = r"(?:don'?t|do not|never|please don'?t|avoid|you (?:may|must|should) not|you can'?t|no)"
# Verbs as people say them -> the primitive action or skill they name (longest first).
VERBS = [("switch on", "ToggleObjectOn"), ("turn on", "ToggleObjectOn"), ("switch off", "ToggleObjectOff"),
         ("turn off", "ToggleObjectOff"), ("pick up", "PickupObject"), ("picked up", "PickupObject"),
         ("picking up", "PickupObject"), ("switched on", "ToggleObjectOn"), ("turned on", "ToggleObjectOn"),
         ("switching on", "ToggleObjectOn"), ("turning on", "ToggleObjectOn"), ("switched off", "ToggleObjectOff"),
         ("turned off", "ToggleObjectOff"), ("go to", "GotoLocation"), ("gone to", "GotoLocation"),
         ("put something", "PutObject"), ("put anything", "PutObject"), ("put", "PutObject"),
         ("open", "OpenObject"), ("opened", "OpenObject"), ("opening", "OpenObject"), ("close", "CloseObject"),
         ("closed", "CloseObject"), ("closing", "CloseObject"), ("shut", "CloseObject"),
         ("grab", "PickupObject"), ("grabbed", "PickupObject"), ("take", "PickupObject"), ("taken", "PickupObject"),
         ("taking", "PickupObject"), ("touch", "ForbiddenObject"), ("touching", "ForbiddenObject"),
         ("slice", "SliceObject"), ("sliced", "SliceObject"), ("slicing", "SliceObject"), ("cut", "SliceObject"),
         ("cutting", "SliceObject"), ("wash", "CleanObject"), ("washed", "CleanObject"), ("rinse", "CleanObject"),
         ("rinsed", "CleanObject"), ("clean", "CleanObject"), ("cleaned", "CleanObject"), ("heat", "HeatObject"),
         ("heated", "HeatObject"), ("warm", "HeatObject"), ("cool", "CoolObject"), ("cooled", "CoolObject"),
         ("chill", "CoolObject"), ("chilled", "CoolObject")]
VERB = "(" + "|".join(re.escape(v) for v, _ in sorted(VERBS, key=lambda v: -len(v[0]))) + ")"
ACTION_OF = dict(VERBS)
STATES = {"closed": "closed", "shut": "closed", "open": "open", "opened": "open", "off": "off", "on": "on"}
CUES = re.compile(r"\b(don'?t|do not|never|avoid|without|at most|no more than|more than|fewer than|under|within|"
                  r"before|after|only|stay|keep|leave|make sure|must|mistakes?|fail)\b")


@dataclass(frozen=True)
class ConstraintReading:
    task_text: str  # the instruction with its constraint clauses taken out: what the goal reader reads
    constraints: tuple[Constraint, ...]
    clauses: tuple[str, ...]  # the clauses read as constraints, as written
    unread: tuple[str, ...]  # clauses that look like a constraint but could not be read

    def to_dict(self) -> dict:
        return {"task_text": self.task_text, "constraints": [c.to_dict() for c in self.constraints],
                "clauses": list(self.clauses), "unread": list(self.unread)}


def read_constraints(instruction: str, object_types=None, first_is_goal: bool = True) -> ConstraintReading:
    """The constraints the instruction says, and the instruction without them; with
    `first_is_goal=False` (a household rule's words) every clause may be a constraint."""
    if not isinstance(instruction, str):
        raise ValueError(f"an instruction must be text, got {type(instruction).__name__}")
    known = set(object_types) if object_types else None
    kept, constraints, clauses, unread = [], [], [], []
    for index, clause in enumerate(split_clauses(instruction)):
        words = _normal(clause)
        may_be = index > 0 or not first_is_goal or _is_pure_constraint(words)
        found = _read_clause(words, known) if may_be else None
        if found:
            constraints.extend(found)
            clauses.append(clause.strip(" ,;"))
        else:
            if index > 0 and CUES.search(words):
                unread.append(clause.strip(" ,;"))
            kept.append(clause)
    task_text = _join(kept) if clauses else instruction
    return ConstraintReading(task_text, tuple(dict.fromkeys(constraints)), tuple(clauses), tuple(unread))


# --- clauses ----------------------------------------------------------------------------------

SPLIT = re.compile(r"(?<=[.!?;])\s+|,?\s+\bbut\b\s+|,\s*(?=(?:and\s+)?(?:please\s+)?(?:don'?t|do not|never|make sure|"
                   r"leave|keep|stay|only|use at most|take no more|finish within|allow yourself)\b)|"
                   r"\s+(?=without\b)|\s+and\s+(?=(?:please\s+)?(?:don'?t|do not|never)\b)", re.IGNORECASE)


def split_clauses(text: str) -> list[str]:
    return [part for part in SPLIT.split(text.strip()) if part and part.strip(" ,.;")]


def _join(clauses: list[str]) -> str:
    text = " ".join(c.strip(" ,;") for c in clauses).strip()
    if text and text[-1] not in ".!?":
        text += "."
    return text


def _normal(clause: str) -> str:
    text = clause.lower().replace("’", "'")
    text = re.sub(r"^(?:and|also|oh|please|then|plus|p\.?s\.?)[\s,]+", "", text.strip(" ,.;!?"))
    text = re.sub(r"^(?:and|also|please|always)[\s,]+", "", text)
    return re.sub(r"\s+", " ", text)


def _is_pure_constraint(words: str) -> bool:
    """A first clause that is only a constraint ("Never open the fridge")."""
    return bool(re.match(rf"^(?:{NEG}|use at most|take no more|make at most|leave no|stay|keep)\b", words))


# --- names -------------------------------------------------------------------------------------

def _types_in(text: str, known, wanted=None) -> list[str]:
    """The object types named in the text, in order: per name, the first of the types it can
    name that is in the scene (when its types are known) and that `wanted(type)` accepts;
    "sliced" beside a name names the slices ("the bread sliced", "a sliced apple")."""
    words = tokenize(text)
    out = []
    for mention in find_mentions(words):
        near = set(words[max(mention.start - 2, 0):mention.start] + words[mention.end:mention.end + 1])
        # the type whose own name was said first ("chair": Chair before ArmChair), and a basin
        # before its sink or tub (ALFRED's agents put things in, and stand by, the SinkBasin)
        types = sorted(mention.types, key=lambda t: (type_words(t) != " ".join(words[mention.start:mention.end]),))
        types = [t + "Basin" for t in types if t + "Basin" in OBJECT_TYPES] + types
        if near & {"sliced", "slice", "slices"}:
            types = [OBJECT_TYPES[t].sliced_name for t in types if OBJECT_TYPES[t].sliceable] or types
        if known is not None:
            types = [t for t in types if t in known or t.removesuffix("Sliced") in known]
        types = [t for t in types if wanted is None or wanted(t)] or types
        if types:
            out.append(types[0])
    return out


def _one_type(text: str, known, wanted=None) -> str | None:
    types = _types_in(text, known, wanted)
    return types[0] if types else None


def _fixed(type_name: str) -> bool:
    return not OBJECT_TYPES[type_name].pickupable


def _receptacle(type_name: str) -> bool:
    return OBJECT_TYPES[type_name].receptacle


def _count(word: str) -> int | None:
    word = word.strip().removesuffix(" times").removesuffix(" time")
    return int(word) if word.isdigit() else NUMBERS.get(word)


# --- one reader per kind -------------------------------------------------------------------------

def _step_budget(c: str, known):
    m = re.search(rf"\b(?:at most|no more than|within|in under|under|fewer than|less than|in less than|"
                  rf"in fewer than|maximum of|max|a budget of)\s+{NUMBER}\s+(?:steps|moves|actions)\b(?!\s+(?:of|from|away))", c)
    if m and "fail" not in c:
        return [StepBudget(_count(m.group(1)))]
    return None


def _failure_budget(c: str, known):
    if re.search(r"\b(?:make no|no|without any|without|zero)\s+(?:failed actions?|mistakes|errors|failures)\b", c) \
            or re.search(r"\b(?:don'?t|never|do not)\s+fail\s+(?:a single|an|any)\b", c):
        return [FailureBudget(0)]
    m = re.search(rf"\b(?:at most|no more than|fewer than|up to|only)\s+{NUMBER}\s+(?:failed actions?|mistakes?|"
                  rf"errors?|failures?|failed attempts?)\b", c)
    if m:
        n = _count(m.group(1))
        return [FailureBudget(n - 1 if "fewer" in m.group(0) else n)]
    m = re.search(rf"\b(?:don'?t|do not|never)\s+fail\s+more than\s+{TIMES}", c)
    if m:
        return [FailureBudget(_count(m.group(1)))]
    return None


def _event(text: str, known) -> Event | None:
    m = re.search(rf"\b{VERB}\b(.*)", text)
    if not m:
        return None
    action = ACTION_OF[m.group(1)]
    if action == "ForbiddenObject":
        return None
    type_name = _one_type(m.group(2), known, _receptacle if action == "PutObject" else None)
    return Event(action, type_name) if type_name else None


def _count_constraint(c: str, known):
    m = re.search(rf"\b(?:only\s+)?{VERB}\s+(.*?)\s*(?:at most|no more than|more than|only)?\s*{TIMES}\b", c)
    if not m or not re.search(r"at most|no more than|more than|only", c):
        return None
    action = ACTION_OF[m.group(1)]
    if action not in ("PickupObject", "PutObject", "OpenObject", "CloseObject", "ToggleObjectOn", "ToggleObjectOff",
                      "SliceObject"):
        return None
    type_name = _one_type(m.group(2), known, _receptacle if action == "PutObject" else None)
    n = _count(m.group(3))
    return [ActionCount(action, type_name, n)] if type_name and n else None


def _ordering(c: str, known):
    m = re.search(r"^(?:only\s+)?(.+?)\s+only after (?:you(?:'ve| have)?\s+)?(.+)$", c) \
        or re.search(r"^(?:only\s+)?(.+?)\s+(?:after|once) (?:you(?:'ve| have)?\s+)?(.+)$", c)
    if m:
        then, first = _event(m.group(1), known), _event(m.group(2), known)
    else:
        m = re.search(rf"^{NEG}\s+(.+?)\s+(?:before|until) (?:you(?:'ve| have)?\s+)?(.+)$", c)
        if m:
            then, first = _event(m.group(1), known), _event(m.group(2), known)
        else:
            m = re.search(r"^(?:first\s+|make sure (?:you|to)\s+)?(.+?)\s+before (?:you\s+)?(.+)$", c)
            if not m:
                return None
            first, then = _event(m.group(1), known), _event(m.group(2), known)
    if first and then and first != then:
        return [Ordering(first, then)]
    return None


def _end_placement(c: str, known):
    m = re.search(r"\b(?:leave no|make sure no|ensure no|(?:don'?t|do not|never) leave (?:a|an|any)|"
                  r"nothing like a|no)\s+(.+?)\s+(?:is\s+|are\s+|stays?\s+|remains?\s+)?(?:in|on|inside)\s+(?:the\s+)?"
                  r"(.+?)(?:\s+at the end|\s+when you(?:'re| are)? (?:done|finished)|\s+afterwards?)?$", c)
    if not m:
        return None
    obj = _one_type(m.group(1), known)
    rec = _one_type(m.group(2), known, lambda t: _receptacle(t) and (obj is None or obj in OBJECT_TYPES[t].accepts))
    if obj and rec and obj != rec and OBJECT_TYPES[rec].receptacle:
        return [EndPlacement(obj, rec, inside=False)]
    return None


def _end_state(c: str, known):
    m = (re.search(r"\b(?:leave|keep|make sure|ensure|check that|be sure)\s+(?:that\s+)?(?:the\s+)?(.+?)\s+"
                   r"(?:is\s+|stays\s+|remains\s+|gets\s+)?(closed|shut|open|opened|off|on)\b", c)
         or re.search(r"^(?:the\s+)?(.+?)\s+(?:must|should|has to|needs to)\s+(?:be|stay)\s+(closed|shut|open|off|on)\b", c))
    if m:
        type_name, state = _one_type(m.group(1), known), STATES[m.group(2)]
    else:
        m = re.search(r"^(?:and\s+)?(close|shut|turn off|switch off)\s+(?:the\s+)?(.+?)\s+"
                      r"(?:after|afterwards?|when you(?:'re| are)? (?:done|finished)|at the end|before you (?:go|leave))",
                      c)
        if not m:
            return None
        type_name = _one_type(m.group(2), known)
        state = "closed" if m.group(1) in ("close", "shut") else "off"
    if not type_name:
        return None
    need = "openable" if state in ("closed", "open") else "toggleable"
    return [EndState(type_name, state)] if getattr(OBJECT_TYPES[type_name], need) else None


def _forbidden_region(c: str, known):
    m = re.search(r"\b(?:don'?t|do not|never)\s+(?:come|get|go)\s+within\s+" + NUMBER + r"\s+steps?\s+of\s+(.+)$", c) \
        or re.search(r"\bstay\s+more than\s+" + NUMBER + r"\s+steps?\s+(?:away\s+)?from\s+(.+)$", c) \
        or re.search(r"\bkeep clear of\s+(.+?)\s+by more than\s+" + NUMBER + r"\s+steps?", c)
    if m:
        groups = m.groups()
        radius_text, where = (groups[1], groups[0]) if "keep clear" in m.group(0) else groups
        fixture, radius = _one_type(where, known, _fixed), _count(radius_text)
        return [ForbiddenRegion(fixture, radius)] if fixture and radius else None
    m = re.search(r"\b(?:stay|keep)\s+(?:well\s+)?(?:away from|clear of|out of|off)\s+(.+)$", c) \
        or re.search(rf"^{NEG}\s+(?:go|come|get|walk)\s+(?:near|close to|next to|by|up to)\s+(.+)$", c) \
        or re.search(r"\bavoid (?:going near|the area around)\s+(.+)$", c)
    if m:
        fixture = _one_type(m.group(1), known, _fixed)
        return [ForbiddenRegion(fixture, 1)] if fixture else None
    return None


def _forbidden_object(c: str, known):
    m = re.search(rf"^(?:{NEG}|without)\s+(?:touch|touching|interact with|interacting with|use|using|handle|"
                  rf"handling|mess with|go for)\s+(.+)$", c) \
        or re.search(r"\bleave\s+(?:the\s+)?(.+?)\s+alone\b", c) or re.search(r"\bhands off\s+(.+)$", c)
    if m:
        type_name = _one_type(m.group(1), known)
        return [ForbiddenObject(type_name)] if type_name else None
    return None


def _forbidden_action(c: str, known):
    m = re.search(rf"^(?:put nothing|(?:{NEG}|without)\s+put(?:ting)? anything)\s+(?:in|on|into|inside)\s+(.+)$", c)
    if m:
        type_name = _one_type(m.group(1), known, _receptacle)
        return [ForbiddenAction("PutObject", type_name)] if type_name else None
    m = re.search(rf"^(?:{NEG}|without)\s+(?:ever\s+)?{VERB}\s+(.+)$", c)
    if not m:
        return None
    action = ACTION_OF[m.group(1)]
    if action not in ("PickupObject", "OpenObject", "CloseObject", "ToggleObjectOn", "ToggleObjectOff",
                      "SliceObject"):
        return None
    type_name = _one_type(m.group(2), known)
    return [ForbiddenAction(action, type_name)] if type_name else None


READERS = (_step_budget, _failure_budget, _count_constraint, _ordering, _end_placement, _end_state,
           _forbidden_region, _forbidden_object, _forbidden_action)


def _read_clause(words: str, known) -> list[Constraint] | None:
    for reader in READERS:
        try:
            found = reader(words, known)
        except ValueError:  # a reading the constraint's own checks refuse is not a reading
            found = None
        if found:
            return found
    return None
