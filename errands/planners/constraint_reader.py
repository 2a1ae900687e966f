"""Reading constraints from an instruction's words: "Put an apple in the fridge, but don't
open the microwave." -> the task part ("Put an apple in the fridge.") and
ForbiddenAction(OpenObject, Microwave).

The instruction is cut into sentences and each sentence into clauses: at commas, "and"
and "but", before "without" and before a budget ("... in under 40 moves"); not inside "A
first, and only then B" or "once and that's it", not after a leading "Before you ...," or
"When you finish,", and "... and the desk" stays with the clause it adds names to. Each
clause is tried against one reader per kind, each a table of patterns (first match wins).

Object names are found with the goal interpreter's lexicon (synonyms, everyday names,
typos) and grounded in the scene's types when they are given. A name that could be
several things is the one the instruction names elsewhere ("the lamp" after "the floor
lamp"); "the can" is the watering can named before, "the bottle" the wine bottle after
"the wine", "the big one" the big knife; "it" is the one thing the clause just before
names ("the vase is old, don't touch it"), else the one object the task handles that fits
("Put the soap on the toilet. Pick it up only once."), else the one thing named before
that fits the verb ("Put the bread in the microwave. Don't switch it on."); "the door" is
the door of the openable named before; "the fridge or the freezer" and "the salt and
pepper shakers" name both.

A clause read as a constraint leaves the task text; one that looks like a constraint (a
negation, "at most", "before") but cannot be read stays in the task text and is reported
as `unread`: a constraint is never guessed. The first clause is the goal unless it starts
as a constraint does ("Never open the fridge", "Without going near the sink, ...",
"Before you open the fridge, pick up the cup", "Whatever you do, ...", "Hands off ..."), or
reads as a constraint that cannot be the goal (a prohibition, a budget, a count, a negated
ordering) while a later sentence is left for the goal ("The safe can't be opened until the
phone is in your hand. Put the phone in the safe.").

How the words are taken, as people mean them: a budget "under 40" or "less than 40"
allows 39 ("40 or under" allows 40, "a couple of slip-ups" two); a wish ("I'd like the
water left off", "I'd hate to find soap in the tub") is an end state or placement, and so
is a placement said with when it holds ("at the end the phone has to be in the box, not on
the sofa": in the box, and not on the sofa); a state kept "the whole time" ("keep the
fridge shut", "the TV stays off") forbids the action that would change it, while a state
"left", or wanted "at the end", is an end state; a fixture "off-limits, stay away" is a
region; a region is around the fixture (the sink, not its basin) and a
placement is in the basin; turning on "the stove" turns its knob.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..envs.actions import INTERACTION_ACTIONS
from ..envs.household.object_types import OBJECT_TYPES
from ..envs.tasks.constraints import (ActionCount, Constraint, EndPlacement, EndState, Event, FailureBudget,
                                      ForbiddenAction, ForbiddenObject, ForbiddenRegion, Ordering, StepBudget)
from ..envs.tasks.instructions import type_words
from .interpreter.lexicon import COMMON_WORDS, find_mentions, name_words, names, tokenize

# --- numbers ------------------------------------------------------------------------------------

UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
NUMBERS = {**{w: i for i, w in enumerate(UNITS)}, **TENS, "no": 0, "a": 1, "an": 1, "single": 1, "a single": 1,
           "once": 1, "twice": 2, "thrice": 3, "hundred": 100, "a hundred": 100, "one hundred": 100,
           "a couple of": 2, "a couple": 2, "couple of": 2}
NUMBER = (r"(\d+|a couple(?: of)?|couple of|"
          r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|"
          r"seven|eight|nine))?|(?:a |one )?hundred|" + "|".join(UNITS[::-1]) + r"|no|a single|single|an|a)")
# "once", but not "once you're done"
TIMES = (rf"(once(?!\s+(?:you|the|it|that|a|an|we|i|everything|all)\b)|twice|thrice|"
         rf"(?:a single|the one|one|{NUMBER}) times?|just the once)")


def _count(text: str) -> int | None:
    text = re.sub(r"\b(?:just the|the|times?)\b", " ", text).strip()
    if text.isdigit():
        return int(text)
    if text in NUMBERS:
        return NUMBERS[text]
    tens, _, unit = text.replace("-", " ").partition(" ")
    return TENS[tens] + UNITS.index(unit) if tens in TENS and unit in UNITS[1:10] else None


# --- verbs ---------------------------------------------------------------------------------------

# How people say each action: verbs, the particles they take ("pick the knife up"; a
# toggle's particle says on or off), whether one is needed, and the action.
VERB_TABLE = [
    ("pick", ("up",), True, "PickupObject"), ("grab take lift touch get fetch carry", (), False, "PickupObject"),
    ("turn switch", ("on", "off"), True, None), ("flip", ("on", "off"), False, None),
    ("light run start", (), False, "ToggleObjectOn"),
    ("open", ("up",), False, "OpenObject"), ("close shut", ("up",), False, "CloseObject"),
    ("put place set drop lay stick", ("down",), False, "PutObject"),
    ("slice cut chop", ("up",), False, "SliceObject"), ("wash rinse clean scrub", ("off", "out"), False, "CleanObject"),
    ("heat warm cook", ("up",), False, "HeatObject"), ("cool chill", ("down",), False, "CoolObject"),
    ("go walk head", ("over to", "up to", "to"), True, "GotoLocation"),
]
IRREGULAR = {"take": ["took", "taken"], "run": ["ran"], "light": ["lit"], "lay": ["laid"], "stick": ["stuck"],
             "go": ["went", "gone"], "get": ["got", "gotten"]}  # past forms; the last is the participle
UNCHANGED = {"shut", "cut", "put", "set"}  # their past is the verb itself
DOUBLED = {"grab", "drop", "chop", "shut", "cut", "put", "set", "run", "flip", "scrub", "get"}


def _forms(base: str) -> tuple[list[str], list[str]]:
    """(every form, the past participles) of a verb."""
    ing = base + base[-1] + "ing" if base in DOUBLED else base[:-1] + "ing" if base.endswith("e") else base + "ing"
    past = (base if base in UNCHANGED else base + base[-1] + "ed" if base in DOUBLED
            else base + "d" if base.endswith("e") else base + "ed")
    if re.search(r"[^aeiou]y$", base):  # "carry": "carries", "carried"
        past = base[:-1] + "ied"
    pasts = IRREGULAR.get(base, [past])
    third = (base[:-1] + "ies" if re.search(r"[^aeiou]y$", base)
             else base + ("es" if base.endswith(("sh", "ch", "x", "s", "o")) else "s"))
    return list(dict.fromkeys([base, third, ing, *pasts])), [pasts[-1]]


@dataclass(frozen=True)
class _Verb:
    forms: tuple[str, ...]
    participles: tuple[str, ...]
    particles: tuple[str, ...]
    needs_particle: bool
    action: str | None

    def action_for(self, particle: str | None) -> str | None:
        """The action with this particle (None: the verb needs one it was not given)."""
        if self.needs_particle and particle not in self.particles:
            return None
        if self.action is None:
            return "ToggleObjectOff" if particle == "off" else "ToggleObjectOn"
        return self.action


VERBS = [_Verb(*map(tuple, _forms(base)), particles, needs, action)
         for bases, particles, needs, action in VERB_TABLE for base in bases.split()]
VERB_OF = {form: verb for verb in VERBS for form in verb.forms}
VERB_RE = re.compile(r"\b(" + "|".join(sorted(VERB_OF, key=len, reverse=True)) + r")\b")
PARTICIPLE_OF = {p: verb for verb in VERBS for p in verb.participles}
PARTICIPLES = "|".join(sorted(PARTICIPLE_OF, key=len, reverse=True))
PARTICIPLE = "(" + PARTICIPLES + r")\b(?:\s+(on|off|up))?"  # "picked up": the participle and its particle

# --- phrases the readers share -------------------------------------------------------------------

NEG = (r"(?:please\s+)?(?:(?:you|we)\s+)?(?:do not|don't|never|mustn't|must not|shouldn't|should not|can't|cannot|"
       r"can not|may not|won't|avoid|try not to|try to avoid|be sure not to|(?:be )?careful not to|take care not to|"
       r"make sure (?:not to|you don't|you never)|i (?:don't|do not) want you(?: to)?|"
       r"(?:under no circumstances|at no point)(?: should| may| can| will)?(?: you)?|"
       r"i'?d rather you (?:didn't|did not|not)|(?:please )?refrain from|"
       r"(?:you(?:'re| are) not|you aren't) (?:allowed|permitted|supposed) to|mind (?:you )?(?:don't|not to)|"
       r"(?:could|can|would) you (?:please )?(?:avoid|not)|"
       r"i(?:'d| would) (?:appreciate it|prefer it|like it) if you didn't|no|not|without|nobody|no one)\s+(?!forget\b)"
       r"(?:you dare\s+|you\s+|ever\s+|even\s+|so much as\s+|go\s+(?=\w+ing\b)|be\s+(?=\w+ing\b))*")
STEPS = r"(?:steps|moves|actions|step|move|action)"
FAILS = (r"(?:(?:failed|botched|bungled|bad) (?:actions?|moves?|attempts?|steps?|tries)|failures?|mistakes?|errors?|"
         r"slip-?ups?|screw-?ups?|fails|blunders?|fumbles?|goofs?)")
FAIL_VERB = r"(?:fail|mess up|mess it up|screw up|screw it up|slip up|make (?:a )?mistakes?|goof)"
STATE = r"(?P<state>closed|shut|open|opened|off|on|running)"
STATE_OF = {"closed": "closed", "shut": "closed", "open": "open", "opened": "open", "off": "off", "on": "on",
            "running": "on"}
OPPOSITE = {"closed": "open", "open": "closed", "off": "on", "on": "off"}
CHANGE_OF = {"closed": "OpenObject", "open": "CloseObject", "off": "ToggleObjectOn", "on": "ToggleObjectOff"}
# a state word, not the start of a place ("leave it on the table"; but "shut the whole time")
STATE_END = r"(?!\s+(?:(?:the|a|an|my|your|that|this)\s+(?!whole\b|entire\b)|it\b|top\b|of\b|to\b|there\b))"
END = (r"(?:at the end|in the end|by the end|when (?:you(?:'re| are)?|you've|you have) (?:done|finished|through)|"
       r"when you (?:finish|leave|walk away|are done|go)|when done|when finished|once you(?:'re| are)? (?:done|"
       r"finished)|by the time you(?:'re| are)? (?:done|finished)|afterwards?|after|before you (?:go|leave)|"
       r"at the finish)")
PREP = r"(?:in|into|on|onto|inside|in to)"
REALLY = r"(?:(?:really|actually|definitely|still|safely)\s+)?"
NOT_A_DISTANCE = r"(?!\s+(?:of|from|away)\b|\s+to\s+(?:the|a|an)\b)"  # "within 2 steps of the sink"
AREA = r"(?:the )?(?:area|space|spot|vicinity|region|zone)\s+(?:around|near|by|next to|of|in front of)"

# --- what an action's object must be ---------------------------------------------------------------


def _fits(wanted, type_name: str) -> bool:
    return wanted is None or wanted(type_name)


def _pickupable(t: str) -> bool:
    return OBJECT_TYPES[t].pickupable


def _fixed(t: str) -> bool:
    return not OBJECT_TYPES[t].pickupable


def _receptacle(t: str) -> bool:
    return OBJECT_TYPES[t].receptacle


def _receptacle_for(obj: str):
    """A receptacle that takes `obj`."""
    def wanted(t: str) -> bool:
        return _receptacle(t) and obj in OBJECT_TYPES[t].accepts
    wanted.receptacle = True
    return wanted


_receptacle.receptacle = True  # where things are put: a sink's basin before the sink


def _openable(t: str) -> bool:
    return OBJECT_TYPES[t].openable


def _toggleable(t: str) -> bool:
    return OBJECT_TYPES[t].toggleable or t in CONTROLS


def _sliceable(t: str) -> bool:
    return OBJECT_TYPES[_unsliced(t)].sliceable


def _unsliced(t: str) -> str:
    base = t.removesuffix("Sliced")
    return base if base in OBJECT_TYPES else t


WANTED = {"PickupObject": _pickupable, "PutObject": _receptacle, "OpenObject": _openable, "CloseObject": _openable,
          "ToggleObjectOn": _toggleable, "ToggleObjectOff": _toggleable, "SliceObject": _sliceable,
          "CleanObject": _pickupable, "HeatObject": _pickupable, "CoolObject": _pickupable, "GotoLocation": None}
CONTROLS = {"StoveBurner": "StoveKnob"}  # what a fixture is switched on with
STATE_EVENTS = {"hot": "HeatObject", "warm": "HeatObject", "cold": "CoolObject", "cool": "CoolObject",
                "chilled": "CoolObject", "clean": "CleanObject"}  # "until the mug is hot"
# Things people name by what they give ("run the water"): names of this reader's own.
READER_NAMES = {"water": "Faucet", "shower": "ShowerHead", "lights": "LightSwitch"}
PRONOUNS = {"it", "them", "they", "there", "one"}
DETERMINERS = {"the", "that", "this", "those", "these", "my", "your", "our", "any"}
COORDINATION = DETERMINERS | {"and", "or", "nor", "a", "an", "either", "of", "all"}


def _action_type(action: str, type_name: str, text: str) -> str:
    """The type an action on the named thing acts on: the knob of "the stove" (not when a
    "stove burner" is said by its own name), the whole of a thing one slices."""
    if action in ("ToggleObjectOn", "ToggleObjectOff") and type_words(type_name) not in text:
        return CONTROLS.get(type_name, type_name)
    return _unsliced(type_name) if action == "SliceObject" else type_name


# --- reading -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ConstraintReading:
    task_text: str  # the instruction with its constraint clauses taken out: what the goal reader reads
    constraints: tuple[Constraint, ...]
    clauses: tuple[str, ...]  # the clauses read as constraints, as written
    unread: tuple[str, ...]  # clauses that look like a constraint but could not be read

    def to_dict(self) -> dict:
        return {"task_text": self.task_text, "constraints": [c.to_dict() for c in self.constraints],
                "clauses": list(self.clauses), "unread": list(self.unread)}


CUES = re.compile(rf"\b(?:don't|do not|never|not|no|nothing|none|nobody|avoid|without|at most|no more|more than|"
                  rf"fewer than|less than|(?:under|within) {NUMBER}|max|tops|allowed|before|until|only|stay|stays|"
                  rf"keep|make sure|ensure|must|mustn't|shouldn't|mistakes?|fail\w*|mess up|hands off|off limits)\b")
EMPHATIC = re.compile(r"^(?:whatever you do|whatever happens|no matter what|under no circumstances|at no point)\b")
OPENER = re.compile(rf"^(?:{NEG}|before\b|only (?:once|after|when|if)\b|stay\b|keep\b|steer\b|use at most|"
                    r"take no more|make at most|leave no|allow yourself|nothing\b|none\b|nobody\b|"
                    r"(?:keep your )?(?:hands|fingers) off\b|"
                    rf"(?:in|within|using|taking|with)\s+(?:under\s+|no more than\s+|less than\s+|fewer than\s+|"
                    rf"at most\s+)?{NUMBER}\s+(?:{STEPS}|{FAILS})\b)|"
                    r"\bonly (?:then|after)\b")


def read_constraints(instruction: str, object_types=None, first_is_goal: bool = True) -> ConstraintReading:
    """The constraints the instruction says, and the instruction without them; with
    `first_is_goal=False` (a household rule's words) every clause may be a constraint."""
    if not isinstance(instruction, str):
        raise ValueError(f"an instruction must be text, got {type(instruction).__name__}")
    clauses = _clauses(instruction)
    context = _Names(clauses, set(object_types) if object_types else None)
    constraints, read, unread = [], [], []
    leading = None  # the first clause's reading, when only the rest of the instruction can say if it is the goal
    for index, clause in enumerate(clauses):
        context.at = index
        if index == 0 and first_is_goal and not (OPENER.search(clause.words) or EMPHATIC.match(clause.text.lower())):
            leading = _read_clause(clause.words, context) if clauses[-1].sentence > 0 else None
            continue
        found = _read_clause(clause.words, context)
        if found:
            constraints.extend(found)
            clause.read, clause.kinds, clause.found = True, tuple(c.kind for c in found), tuple(found)
            read.append(clause.written)
        elif CUES.search(clause.words):
            unread.append(clause.written)
    if leading and _leads(clauses, leading):
        constraints[:0] = leading
        clauses[0].read, clauses[0].kinds, clauses[0].found = True, tuple(c.kind for c in leading), tuple(leading)
        read.insert(0, clauses[0].written)
    # "the bathtub is off-limits, stay away", "the couch is off limits, don't put anything on it": the
    # clause after says how
    for a, b in zip(clauses, clauses[1:]):
        if a.sentence == b.sentence:
            narrower = {c.fixture if isinstance(c, ForbiddenRegion) else c.object_type for c in b.found
                        if isinstance(c, (ForbiddenRegion, ForbiddenAction))}
            said_twice = {c for c in a.found if isinstance(c, ForbiddenObject) and c.object_type in narrower}
            constraints = [c for c in constraints if c not in said_twice]
    for index in context.topics:  # "the vase is old, don't touch it": the clause said what "it" is
        if index > 0 and not clauses[index].read and not VERB_RE.match(clauses[index].words):
            clauses[index].read = True
    kept = [c for c in clauses if not c.read]
    task_text = instruction if not kept or len(kept) == len(clauses) else _join(kept, clauses)
    return ConstraintReading(task_text, tuple(dict.fromkeys(constraints)), tuple(read), tuple(unread))


def _leads(clauses: list, found: list) -> bool:
    """Whether a first clause read as `found` is a constraint said before the task ("The
    safe can't be opened until the phone is in your hand. Put the phone in the safe."):
    a later sentence is left for the goal, and what it says cannot be the goal itself (an
    end state or placement can, as can an ordering that forbids nothing)."""
    first = clauses[0]
    if any(c.kind in ("end_state", "end_placement") for c in found):
        return False
    if any(c.kind == "ordering" for c in found) and not re.search(rf"\b(?:{PASSIVE_NEG})\b|^{NEG}", first.words):
        return False
    return any(c.sentence > first.sentence and not c.read for c in clauses)


# --- clauses ----------------------------------------------------------------------------------

@dataclass
class _Clause:
    text: str  # as written, without the separator before it and its sentence's end
    sep: str  # what came before it: a separator (", and ") or the space after the sentence before
    sentence: int
    words: str  # normalised: lower case, "don't", fillers ("and please,") taken off
    end: str = ""  # its sentence's end (". "), on the last clause of a sentence
    read: bool = False
    kinds: tuple = ()  # the kinds of constraint it was read as
    found: tuple = ()  # the constraints it was read as
    leads: bool = False  # a leading "Before you ...," that the clause after it completes

    @property
    def written(self) -> str:
        return (self.text + self.end.strip()).strip(" ,;")


SENTENCE = re.compile(r"(?<=[.!?;])(?<!\d\.)\s+")  # not after "1."
BOUNDARY = re.compile(
    r"\s*,\s*(?:(?:and|but|or)\s+)?(?!\s*(?:and\s+)?only\s+(?:then|after|once|when)\b|\s*not\b|"
    r"\s*never\s+(?:the|a|an|any|my|your)\b|\s*(?:tops|"
    r"max(?:imum)?|at (?:the )?most|no more|or (?:less|fewer)|ok(?:ay)?|please)\b(?:[\s.!?]*$|\s*,))"
    r"|\s+(?:and|but)\s+(?!(?:only\s+)?(?:then|after that|afterwards)\b|that(?:'s| is) (?:it|all)\b)"
    r"|\s*[:\u2013\u2014]\s+|\s+-\s+"  # "...: it is broken", " - "
    r"|\s+(?=without\b|while\b)"
    r"|\s+so\s+(?=(?:please\s+)?(?:don't|do not|dont|never|no|avoid|keep|stay|make sure|only|be careful)\b)"
    r"|(?<![,;:])(?<!\bi)(?<!\byou)(?<!\bwe)(?<!\bplease)(?<!\bsure)(?<!\bthat)(?<!\bjust)(?<!\bcan)(?<!\bis)"
    r"(?<!\bare)(?<!\bwill)(?<!\bmust)(?<!\bshould)"
    r"(?<!\bso)\s+(?=(?:don't|dont|do not|never)\s)"
    rf"|\s+(?=(?:in|within|using|taking)\s+(?:under\s+|less than\s+|fewer than\s+|no more than\s+|at most\s+)?"
    rf"{NUMBER}\s+{STEPS}\b{NOT_A_DISTANCE})"
    rf"|\s+(?=with\s+(?:at most\s+|no more than\s+|only\s+|just\s+|under\s+|fewer than\s+|less than\s+)?"
    rf"{NUMBER}\s+{FAILS}\b)", re.IGNORECASE)
FILLER = re.compile(r"^(?:(?:and|but|so|also|plus|oh|ok|okay|hey|please|careful|just|always|whatever you do|"
                    r"whatever happens|no matter what|one more thing|by the way|btw|p\.?s\.?|lastly|hmm|actually|"
                    r"try to|then|finally)\b[\s,]*)+")
DONE = re.compile(r"^(?:(?:do|finish|complete|get)(?: it| this| that| everything| the whole thing| the task| the job|"
                  r" all this| all of it)?(?: all)?(?: done| up)?|the whole thing|no more|nothing more|"
                  r"that is (?:it|all)|"
                  r"while (?:you(?:'re| are)? )?(?:do|doing|at) (?:it|this|that)|while you work)$")
SUBORDINATE = re.compile(r"^(?:before|only (?:once|after|when|if)|when|whenever|until|by the time|as soon as|once|"
                         r"after|at the end|in the end|by the end|afterwards|if you)\b")
NOUN_PHRASE = re.compile(r"^(?:the|a|an|any|my|your|some|both|all|every|either|two|three)\b")
NOT_VERBLESS = re.compile(r"\b(?:is|are|was|were|be|been|should|must|has|have|will|can|may|needs?|goes|go|stays?|"
                          r"gets?|don't|never|not|no|nothing|leave|keep|stay|make)\b")


# said between commas, in the middle of a clause: "Do not, under any circumstances, turn on the TV."
ASIDE = re.compile(r"\s*,\s*(?:under (?:any|no) circumstances|at any (?:point|time)|ever|please|whatever happens|"
                   r"whatever you do|no matter what|if you can|of course|really|by the way)\s*,\s*", re.IGNORECASE)


def _clauses(text: str) -> list[_Clause]:
    clauses: list[_Clause] = []
    text = ASIDE.sub(" ", text)
    for sentence, body in enumerate(b for b in SENTENCE.split(text.strip()) if b.strip(" .!?;")):
        core = body.rstrip(".!?; ")
        start, pieces, sep = 0, [], " " if clauses else ""
        for cut in BOUNDARY.finditer(core):
            if cut.start() > start:
                pieces.append(_Clause(core[start:cut.start()], sep, sentence, _normal(core[start:cut.start()])))
                sep, start = cut.group(0), cut.end()
        pieces.append(_Clause(core[start:], sep, sentence, _normal(core[start:])))
        pieces = _merge([p for p in pieces if p.text.strip(" ,")])
        if pieces:
            pieces[-1].end = body[len(core):]
            clauses.extend(pieces)
    return clauses


def _merge(clauses: list[_Clause]) -> list[_Clause]:
    """Fillers ("and please,", "do it") join the clause after them (the one before, at the
    end); a leading "Before you ...," joins the clause it leads; "... and the desk" joins
    the clause whose names it adds to."""
    out: list[_Clause] = []
    for clause in clauses:
        if out and (not out[-1].words or (out[-1].leads and re.fullmatch(r"\s*,\s*", clause.sep))
                    or _more_names(clause)):
            out[-1] = _joined(out[-1], clause)
        else:
            clause.leads = bool(SUBORDINATE.match(clause.words))
            out.append(clause)
    if len(out) > 1 and not out[-1].words:
        out[-2:] = [_joined(out[-2], out[-1])]
    return out


def _more_names(clause: _Clause) -> bool:
    """ "the knife and the fork", "the salt and pepper shakers", "the sponge, the candle and
    the towel": a verbless name after "and", "or" or a comma."""
    if not re.fullmatch(r"\s*,?\s*(?:(?:and|or)\s+)?", clause.sep) or VERB_RE.search(clause.words) \
            or NOT_VERBLESS.search(clause.words):
        return False
    return bool(NOUN_PHRASE.match(clause.words) or any(m.start == 0 for m in find_mentions(tokenize(clause.words))))


def _joined(first: _Clause, second: _Clause) -> _Clause:
    text = first.text + second.sep + second.text
    return _Clause(text, first.sep, first.sentence, _normal(text))


def split_clauses(text: str) -> list[str]:
    return [c.text for c in _clauses(text)]


def _join(kept: list[_Clause], clauses: list[_Clause]) -> str:
    """The kept clauses as text, with the separators and sentence ends they were written with."""
    def sentence_end(clause):
        return next((c.end.strip() for c in clauses if c.sentence == clause.sentence and c.end.strip()), "")

    out, previous = "", None
    for clause in kept:
        if previous is None:
            out = clause.text.strip()
            if clause is not clauses[0]:
                out = out[:1].upper() + out[1:]
        elif clause.sentence != previous.sentence:
            out += (sentence_end(previous) or ".") + " " + clause.text.strip()
        else:
            out += clause.sep + clause.text.strip()
        previous = clause
    return out.rstrip(" ,;") + (sentence_end(previous).strip(";") or ".")


def _normal(clause: str) -> str:
    text = clause.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"\b(don|doesn|didn|isn|aren|wasn|weren|shouldn|wouldn|couldn|mustn|won|can|haven|hasn)t\b",
                  r"\1't", text)
    text = re.sub(r"\b(it|that|there|what|who|he|she)'s\b", r"\1 is", text)
    text = re.sub(r"(\w)'s\s+(?=(?:not|been|still|all|closed|shut|open|opened|off|on|in|inside|left|done)\b)",
                  r"\1 is ", text)  # "the door's shut"
    text = re.sub(r"(\w)'s\b", r"\1", text)  # "the lamp's switch": the lamp
    text = re.sub(r"\b(more|less|fewer|rather) then\b", r"\1 than", text)
    text = re.sub(r"\b(away|clear|far) form\b", r"\1 from", text)  # a slip: "stay away form the stove"
    text = re.sub(r"[^\w',\- ]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" ,")
    text = _verb_slips(FILLER.sub("", text))
    text = re.sub(r"[\s,]*\b(?:please|thanks|thank you|ok|okay)$", "", text).strip(" ,")
    return "" if DONE.match(text) else text


def _verb_slips(text: str) -> str:
    """A word the lexicon does not know that is a verb with two letters swapped or one left
    out ("opne", "swich") is the verb; no other letter is changed ("clear" is not "clean")."""
    def fixed(m):
        word = m.group(0)
        if len(word) < 4 or word in VERB_OF or word in COMMON_WORDS or word in name_words():
            return word
        return next((f for f in VERB_OF if f[0] == word[0] and _slip(word, f)), word)
    return re.sub(r"[a-z]+", fixed, text)


def _slip(word: str, form: str) -> bool:
    if len(word) == len(form):
        diff = [i for i, (a, b) in enumerate(zip(word, form)) if a != b]
        return len(diff) == 2 and diff[1] == diff[0] + 1 and (word[diff[0]], word[diff[1]]) == (form[diff[1]],
                                                                                               form[diff[0]])
    return len(word) + 1 == len(form) and any(form[:i] + form[i + 1:] == word for i in range(len(form)))


# --- names -------------------------------------------------------------------------------------

def _base(t: str) -> str:
    """The thing a type is part of: a slice's whole, a basin's sink or tub."""
    t = _unsliced(t)
    return t[:-5] if t.endswith("Basin") and t[:-5] in OBJECT_TYPES else t


@dataclass
class _Names:
    """The names in one instruction's clauses (see the module docstring)."""

    clauses: list[_Clause]
    known: set | None  # the scene's types
    at: int = 0  # the clause being read
    topics: set = field(default_factory=set)  # clauses that said what a later "it" is

    def __post_init__(self):
        self.mentions = [self._mentions(c.words) for c in self.clauses]
        self.named = set()  # what the instruction names without doubt (by _base)
        full = set()
        for mentions in self.mentions:
            for _, _, said, candidates in mentions:
                if len({_base(t) for t in candidates}) == 1:
                    self.named.add(_base(candidates[0]))
                    full.update(candidates)
        heads = []
        for j, mentions in enumerate(self.mentions):
            words = tokenize(self.clauses[j].words)
            heads.append([(start, end, said, self._head(said, candidates, j, start, words[start - 1] if start else ""))
                          for start, end, said, candidates in mentions])
        self.mentions = heads
        self.short = {}  # the last word of a name said in full: "the can" after "the watering can"
        for key, types in names().items():
            for t in set(types) & full:
                if len(key) > 1:
                    self.short.setdefault(key[-1], set()).add(t)
        for t in full:
            if t.endswith("Sliced"):
                for word in ("slice", "slices", "piece", "pieces"):
                    self.short.setdefault(word, set()).add(t)

    def _mentions(self, text: str) -> list[tuple[int, int, str, list[str]]]:
        """(first word, one past the last, the words said, the types they can name) of each name."""
        words = tokenize(text)
        out = []
        for m in find_mentions(words):
            said = " ".join(words[m.start:m.end])
            near = set(words[max(m.start - 2, 0):m.start] + words[m.end:m.end + 1])
            types = sorted(m.types, key=lambda t: type_words(t) != said)
            types += [p for t in types for p in (t + "Basin", t.removesuffix("Basin")) if p in OBJECT_TYPES]
            if near & {"sliced", "slice", "slices"}:  # "the bread sliced", "a slice of apple"
                types = [OBJECT_TYPES[t].sliced_name for t in types if OBJECT_TYPES[t].sliceable] or types
            types = list(dict.fromkeys(types))
            if self.known is not None:
                types = [t for t in types if t in self.known or _unsliced(t) in self.known]
            if types:
                out.append((m.start, m.end, said, types))
        covered = {i for start, end, _, _ in out for i in range(start, end)}
        out += [(i, i + 1, w, [READER_NAMES[w]]) for i, w in enumerate(words) if w in READER_NAMES and i not in covered]
        return sorted(out)

    def _best(self, said: str, candidates: list[str], wanted) -> str:
        """The type a name stands for: one `wanted` accepts, one the instruction names
        elsewhere, a basin only where things are put (or said), else the type first named."""
        basin_first = "basin" in said or getattr(wanted, "receptacle", False)

        def rank(item):
            index, t = item
            basin = t.endswith("Basin") != basin_first if _base(t) != t or t + "Basin" in OBJECT_TYPES else False
            return not _fits(wanted, t), _base(t) not in self.named, basin, index
        return min(enumerate(candidates), key=rank)[1]

    def _head(self, said: str, candidates: list[str], clause: int, start: int, before_word: str) -> list[str]:
        """A one-word name that is the last word of a type named before it in other words
        stands for that type ("the bottle" after "the wine", "the can" after "the watering
        can"), unless the word is a type's own name ("the knife" after "the butter knife"
        is a Knife), was said on its own before, or is said with a word of its own ("the real
        knife")."""
        if " " in said or before_word not in DETERMINERS or any(type_words(t) == said for t in candidates):
            return candidates
        before = [(words, types) for j, mentions in enumerate(self.mentions[:clause + 1])
                  for begin, _, words, types in mentions if j < clause or begin < start]
        if any(words == said for words, _ in before):
            return candidates
        heads = {types[0] for words, types in before
                 if len({_base(t) for t in types}) == 1 and type_words(types[0]).split()[-1] == said}
        return sorted(heads) if len(heads) == 1 else candidates

    def _named(self, text: str) -> list[tuple[int, int, str, list[str]]]:
        """The names in `text` (words of the clause being read)."""
        words = tokenize(text)
        return [(start, end, said, self._head(said, types, self.at, 0, words[start - 1] if start else ""))
                for start, end, said, types in self._mentions(text)]

    def types(self, text: str, wanted=None) -> list[str]:
        """The things the text names, in order: names, short names and pronouns."""
        words, mentions = tokenize(text), self._named(text)
        found = [(start, self._best(said, candidates, wanted)) for start, _, said, candidates in mentions]
        covered = {i for start, end, _, _ in mentions for i in range(start, end)}
        for i, word in enumerate(words):
            before = words[i - 1] if i > 0 else ""
            if i in covered:
                continue
            if word in PRONOUNS and (word != "one" or before in ("that", "this")):
                t = self.antecedent(wanted, place=word == "there")
            elif word == "one" and i > 1 and words[i - 2] in DETERMINERS:  # "the big one": the big knife
                t = self.described(before, wanted)
            elif word in ("door", "doors", "lid") and before in DETERMINERS:  # "leave the door closed"
                t = self.antecedent(_openable)
            elif word in self.short and before in DETERMINERS and len(self.short[word]) == 1:
                t = next(iter(self.short[word]))
            else:
                continue
            if t:
                found.append((i, t))
        return [t for _, t in sorted(found)]

    def one(self, text: str, wanted=None) -> str | None:
        types = self.types(text, wanted)
        return types[0] if types else None

    def each(self, text: str, wanted=None) -> list[str]:
        """The first thing the text names and those "and", "or" or "nor" join to it."""
        first = self.one(text, wanted)
        words, mentions = tokenize(text), self._named(text)
        if first is None or not mentions or self._best(*mentions[0][2:], wanted) != first:
            return [first] if first else []
        out = [first]
        listed = bool({"and", "or", "nor"} & set(words))  # "the fridge, the microwave or the cabinets"
        for (_, end, _, _), (start, _, said, candidates) in zip(mentions, mentions[1:]):
            between = words[end:start]
            if not between or not set(between) <= COORDINATION or not (between[0] in ("and", "or", "nor") or listed):
                break
            out.append(self._best(said, candidates, wanted))
        return list(dict.fromkeys(out))

    def described(self, adjective: str, wanted=None) -> str | None:
        """The thing named earlier with this word in its name ("the big one" after "the big knife")."""
        found = {self._best(said, candidates, wanted) for mentions in self.mentions[:self.at + 1]
                 for _, _, said, candidates in mentions if adjective in said.split()}
        return found.pop() if len(found) == 1 else None

    def topic(self, wanted=None) -> str | None:
        """The one thing the clause just before, in the same sentence, names, when that
        clause only says something about it ("the vase is cracked, so leave it")."""
        i = self.at
        if i > 0 and self.clauses[i - 1].sentence == self.clauses[i].sentence and len(self.mentions[i - 1]) == 1:
            _, _, said, candidates = self.mentions[i - 1][0]
            t = self._best(said, candidates, wanted)
            if _fits(wanted, t):
                self.topics.add(i - 1)
                return t
        return None

    def antecedent(self, wanted=None, place: bool = False) -> str | None:
        """What "it" (or "there") stands for: the one thing the clause just before, in the
        same sentence, names; else ("it" only) the one object the task handles, nearest
        clause first, that `wanted` accepts; else the one thing `wanted` accepts that the
        nearest clause naming one names ("Put the bread in the microwave. Don't switch it
        on.")."""
        i = self.at
        if i > 0 and self.clauses[i - 1].sentence == self.clauses[i].sentence and len(self.mentions[i - 1]) == 1:
            _, _, said, candidates = self.mentions[i - 1][0]
            t = self._best(said, candidates, wanted)
            if _fits(wanted, t):
                self.topics.add(i - 1)
                return t
        if place:
            return None

        def handled(t):
            return _pickupable(t) and _fits(wanted, t)
        for j in range(i - 1, -1, -1):
            found = {self._best(said, candidates, handled) for _, _, said, candidates in self.mentions[j]}
            found = {t for t in found if handled(t)}
            if found:
                return found.pop() if len(found) == 1 else None
        if wanted is None:
            return None
        for j in range(i - 1, -1, -1):
            found = {self._best(said, candidates, wanted) for _, _, said, candidates in self.mentions[j]}
            found = {t for t in found if wanted(t)}
            if found:
                return found.pop() if len(found) == 1 else None
        return None

    def after(self, kind: str) -> bool:
        """Whether the clause before, in the same sentence, was read as a constraint of `kind`."""
        i = self.at
        return i > 0 and self.clauses[i - 1].sentence == self.clauses[i].sentence and kind in self.clauses[i - 1].kinds

    def said_before(self, kind: str) -> list:
        """The constraints of `kind` the clause before, in the same sentence, was read as."""
        i = self.at
        if i == 0 or self.clauses[i - 1].sentence != self.clauses[i].sentence:
            return []
        return [c for c in self.clauses[i - 1].found if c.kind == kind]

    def said_then(self) -> bool:
        """Whether the clause being read comes last in a sequence ("..., then close the fridge")."""
        clause = self.clauses[self.at]
        return bool(re.search(r"\b(?:then|finally)\s*,?\s*$", clause.sep.lower())
                    or re.match(r"^\s*(?:and\s+)?(?:then|finally)\b", clause.text.lower()))


# --- events ------------------------------------------------------------------------------------

def _participle_action(m) -> str | None:
    return PARTICIPLE_OF[m.group(2)].action_for(m.group(3))


# What is said about an object ("the mug has been washed"), tried before a verb and its
# object ("pick up the knife"): (pattern, the action from the match, whether the pattern
# starts with the object, which then must not start with a verb).
EVENT_PATTERNS = [
    (r"\b(?:have|has|had|having|get|gets|got|getting|hold|holds|holding)\s+(.+?)\s+in\s+(?:your |my |their |one |"
     r"both )?hands?\b", lambda m: "PickupObject", False),
    (r"^(.+?)\s+(?:is|are|(?:needs?|has|have) to be|must be|should be)\s+in\s+(?:your |my |their )?hands?\b",
     lambda m: "PickupObject", True),
    (r"\b(?:holding|hold)\s+(.+)$", lambda m: "PickupObject", False),
    (r"\blet\s+(.+?)\s+(?:run|go on|come on|turn on)\b", lambda m: "ToggleObjectOn", False),  # "let the water run"
    (r"^(.+?)\s+(?:goes|go|comes|come|gets|get|is|are|has been|have been|was|be|been)\s+(?:turned\s+|switched\s+|"
     rf"flipped\s+)?(on|off)\b{STATE_END}", lambda m: "ToggleObjectOn" if m.group(2) == "on" else "ToggleObjectOff",
     True),
    (r"^(.+?)\s+(?:is|are|has been|have been|gets|get|got|becomes|was)\s+(?:nice and\s+|really\s+)?(hot|warm|cold|"
     r"cool|chilled|clean)\b", lambda m: STATE_EVENTS[m.group(2)], True),
    (rf"^(.+?)\s+(?:goes|go|gets put|get put|is put|has been put|has been placed|is placed|(?:has|have|needs?|ought) "
     rf"to be|must be|should be|is|are|gets|get)\s+{PREP}\s+(.+)$", lambda m: "PutObject", True),  # "in the box"
    (rf"^(.+?)\s+(?:(?:should|must|can|may|will|has to|have to|needs to|need to)\s+)?(?:only\s+)?(?:is|are|has been|"
     rf"have been|gets|get|got|was|were|be|been|being)\s+(?:\w+ly\s+)?{PARTICIPLE}", _participle_action, True),
    (rf"^(?:have|has|got|grabbed)\s+(?!been\b|(?:{PARTICIPLES})\b)(.+)$", lambda m: "PickupObject",
     False),  # "once you have the keys"
    (rf"\b(?:want|need|like|have)\s+(.+?)\s+{PARTICIPLE}", _participle_action, True),  # "want the plate picked up"
]
NOMINAL = re.compile(r"\b(?:do|doing|did|done|finish|finishing)\s+(?:the|your|all the|any)\s+(slicing|cutting|"
                     r"chopping|washing|rinsing|cleaning|heating|warming|cooling|chilling)\b")  # "do the slicing"


def _event(text: str, names: _Names) -> Event | None:
    """The action a phrase says and its object: "pick up the knife", "the mug has been
    washed", "the lamp goes on", "the card is in the box", "have the can in your hand"."""
    text = text.strip(" ,")
    for pattern, action_of, object_first in EVENT_PATTERNS:
        m = re.search(pattern, text)
        if m and not (object_first and VERB_RE.match(m.group(1))):
            action = action_of(m)
            event = action and _make_event(action, m.group(2) if action == "PutObject" else m.group(1), names)
            if event:  # (a put's object is where it is put)
                return event
    m = NOMINAL.search(text)
    if m:
        return _make_event(VERB_OF[m.group(1)].action, "it", names)
    for verb_match in VERB_RE.finditer(text):
        verb = VERB_OF[verb_match.group(1)]
        rest = text[verb_match.end():]
        particle, obj = _particle(verb, rest)
        action = verb.action_for(particle)
        if action == "PutObject":
            place = re.search(rf"\b{PREP}\s+(.+)$", rest)
            obj = place.group(1) if place else ""
        event = _make_event(action, obj, names) if action else None
        if event:
            return event
    return None


def _particle(verb: _Verb, rest: str) -> tuple[str | None, str]:
    """The verb's particle, right after it ("turn on the lamp") or after its object ("turn
    the lamp on"), and the object's words."""
    for particle in verb.particles:
        m = re.match(rf"^\s+{particle}\b(.*)$", rest)
        if m:
            return particle, m.group(1)
    for particle in verb.particles:
        m = re.search(rf"^((?:\s+\S+){{1,5}}?)\s+{particle}\b{STATE_END if particle in ('on', 'off') else ''}", rest)
        if m:
            return particle, m.group(1)
    return None, rest


def _make_event(action: str, text: str, names: _Names) -> Event | None:
    type_name = names.one(text, WANTED[action])
    if type_name is None or not _fits(WANTED[action], type_name):
        return None
    return Event(action, _action_type(action, type_name, text))


# --- one reader per kind -------------------------------------------------------------------------

def _first(patterns, c: str):
    """The first pattern that matches, and the value beside it."""
    for pattern, value in patterns:
        m = re.search(pattern, c)
        if m:
            return m, value
    return None, None


STEP_PATTERNS = [  # (pattern, how many fewer steps than the number are allowed)
    (rf"\b(?:under|less than|fewer than|below)\s+{NUMBER}\s+{STEPS}\b", 1),
    (rf"^{NEG}(?:take|taking|use|using|make|making|need|needing|go over|going over|exceed|exceeding)\s+more than\s+"
     rf"{NUMBER}\s+{STEPS}\b", 0),
    (rf"\b(?:at most|no more than|not more than|max(?:imum)?(?: of)?|up to|within|in|only|budget of|get|have|got|"
     rf"allowed|allow yourself|take|use|using|taking|limit(?: yourself)? to|limited to|limit of|stick to|keep it to|"
     rf"cap(?: it)? at|exceed|exceeding|go over|going over)\s+{NUMBER}\s+{STEPS}\b{NOT_A_DISTANCE}", 0),
    (rf"\b{NUMBER}\s+{STEPS}\s*,?\s*(?:max(?:imum)?|at (?:the )?(?:very )?most|tops|or (?:less|fewer|under|below)|"
     rf"no more|"
     rf"(?:is|are) (?:the (?:most|max(?:imum)?|limit)|all you get|plenty))\b", 0),
    (rf"\b{STEPS},?\s+{NUMBER}\s+(?:max(?:imum)?|at (?:the )?most|tops|or (?:less|fewer))\b", 0),
]


def _step_budget(c: str, names):
    if re.search(r"\bfail", c):
        return None
    m, fewer = _first(STEP_PATTERNS, c)
    n = _count(m.group(1)) if m else None
    return [StepBudget(n - fewer)] if n else None


FAILURE_PATTERNS = [  # (pattern, how many fewer failures than the number are allowed); None: no failure
    (rf"\b(?:no|zero|not (?:a single|one|any)|without(?: any| a single| a| one)?|don't want (?:a single|any)|"
     rf"never make (?:a|any))\s+(?:single\s+)?{FAILS}", None),
    (rf"\b(?:don't|do not|never|try not to)\s+{FAIL_VERB}\s+(?:a single|an?|any|even once|at all)\b", None),
    (r"\b(?:no|without(?: any)?)\s+(?:screwing|messing|slipping|goofing|mucking)\s+up\b|\bno failing\b", None),
    (rf"\b(?:don't|do not|never|not to|without)\s+(?:make|making|have|having)\s+(?:any|a single|even one|one)\s+"
     rf"(?:single\s+)?{FAILS}", None),
    (rf"\b(?:fewer than|less than|under)\s+{NUMBER}\s+{FAILS}", 1),
    (rf"\b(?:don't|do not|never|not to|not)\s+(?:make|have)\s+more than\s+{NUMBER}\s+{FAILS}", 0),
    (rf"\b(?:at most|no more than|not more than|up to|only|max(?:imum)?(?: of)?|allowed|allow yourself|get|have|"
     rf"got|make|afford|room for|allowance of|budget of|budget for)\s+{NUMBER}\s+{FAILS}", 0),
    (rf"\b{STEPS},?\s+and\s+{NUMBER}\s+{FAILS}$", 0),  # a budget of each: "you've got 55 steps and two slip-ups"
    (rf"\b{NUMBER}\s+{FAILS}\s*,?\s*(?:max(?:imum)?|at (?:the )?most|tops|or (?:less|fewer)|no more|is the limit)", 0),
    (rf"\b{FAILS}\s+(?:to|at)\s+{NUMBER}\b", 0),
    (rf"\b{FAILS}\s+(?:under|below|fewer than|less than)\s+{NUMBER}\b", 1),  # "keep the failed actions under three"
    (rf"\b{FAILS},?\s+{NUMBER}\s+(?:at most|max(?:imum)?|tops|or (?:less|fewer))\b", 0),
    (rf"\b(?:don't|do not|never|not to|not)\s+{FAIL_VERB}\s+more than\s+{TIMES}", 0),
    (rf"\b{FAIL_VERB}\s+(?:at most|no more than|only|just)\s+{TIMES}", 0),
    (rf"^if you\s+{FAIL_VERB}\s+more than\s+{TIMES}", 0),
    (rf"\b{FAIL_VERB}\s+{TIMES},?\s+(?:but|and)?\s*no more\b", 0),  # "it's okay to fail twice but no more"
    (rf"\b{FAIL_VERB}\s+{TIMES}\s+(?:at most|max(?:imum)?|tops|or (?:less|fewer))", 0),
    (rf"\b(?:only|just)\s+{FAIL_VERB}\s+{TIMES}", 0),
    (rf"\b{NUMBER}\s+{FAILS}\s+(?:is|are)\s+(?:fine|ok|okay|allowed|acceptable|the limit|the most|all you get|"
     rf"all you are allowed|all i will allow)", 0),
    # "no more than two tries may fail", "every single action has to work"
    (rf"\b(?:no more than|not more than|at most|only|up to|just)\s+{NUMBER}\s+(?:tries|attempts|actions|moves|steps|"
     rf"things)\s+(?:may|can|are allowed to|get to|should)\s+(?:fail|go wrong)", 0),
    (r"\b(?:every|each)(?: single)?\s+(?:action|move|step|attempt|try)\s+(?:has to|must|needs to|should|ought to|is to)"
     r"\s+(?:work|succeed|go right)", None),
]


def _failure_budget(c: str, names):
    m, fewer = _first(FAILURE_PATTERNS, c)
    if not m and names.after("step_budget"):  # "you've got 55 steps and two slip-ups"
        m, fewer = re.fullmatch(rf"{NUMBER}\s+{FAILS}", c), 0
    if not m:
        return None
    if fewer is None:
        return [FailureBudget(0)]
    n = _count(m.group(1))
    return [FailureBudget(n - fewer)] if n is not None and n - fewer >= 0 else None


COUNT_PATTERNS = [(rf"\b(?:fewer|less) than\s+{TIMES}", 1), (rf"\b{TIMES}", 0)]  # (pattern, how many fewer)
LIMITS = (r"\b(?:only|just|at (?:the )?(?:very )?most|no more than|more than|max(?:imum)?|tops|that is (?:it|all)|"
          r"no more|limit)\b")


def _count_constraint(c: str, names):
    m, fewer = _first(COUNT_PATTERNS, c)
    if not m or not re.search(LIMITS, c):
        return None
    event, n = _event(c[:m.start()] + " " + c[m.end():], names), _count(m.group(1))
    if not event or not n or event.action not in INTERACTION_ACTIONS:
        return None
    return [ActionCount(event.action, event.object_type, n - fewer)]


PASSIVE_NEG = (r"can't|cannot|can not|shouldn't|should not|mustn't|must not|may not|won't|will not|isn't to|is not to|"
               r"aren't to|are not to|is never to|are never to")
ORDERING_PATTERNS = [  # (pattern with two events, which of them comes first)
    (r"^only (?:once|after|when|if) (?:you(?:'ve)?\s+)?(.+?),?\s+(?:should|can|may|do|will|must|are) you\s+"
     r"(.+)$", 1),
    (r"^only (?:once|after|when|if) (?:you(?:'ve)?\s+)?(.+?),\s*(.+)$", 1),
    (r"^before (?:you\s+)?(.+?),\s*(.+)$", 2),
    (r"^(.+?)\s+first,?\s+(?:and\s+)?only\s+(?:then|after that|afterwards)\s+(.+)$", 1),
    (r"^first,?\s+(.+?),?\s+(?:and\s+)?only\s+(?:then|after that|afterwards)\s+(.+)$", 1),
    (r"^wait (?:until|till|for) (.+?),?\s+(?:before|to|and then|then)\s+(.+)$", 1),
    (r"^(.+?)\s+only\s+(?:after|once|when|if|as soon as)\s+(?:you(?:'ve)?\s+)?(.+)$", 2),
    (rf"^{NEG}(.+?)\s+(?:before|until|till)\s+(?:you(?:'ve)?\s+)?(.+)$", 2),
    (rf"^(.+?\s+(?:{PASSIVE_NEG})\s+(?:ever\s+)?(?:be|get)\s+.+?)\s+(?:before|until|till)\s+(?:you(?:'ve)?\s+)?"
     rf"(.+)$", 2),  # "the safe can't be opened until the phone is in your hand"
    (r"^(?:first\s+|make sure (?:you |to )?|be sure to\s+)?(.+?)\s+before\s+(?:you\s+)?(.+)$", 1),
    (r"^(.+?)\s+(?:after|once|as soon as)\s+(?:you(?:'ve)?\s+)?(.+?)(?:,?\s+(?:and\s+)?not (?:before|sooner))?$", 2),
]


def _ordering(c: str, names):
    m, first_group = _first(ORDERING_PATTERNS, c)
    if not m:
        return None
    first_text, then_text = m.group(first_group), re.sub(rf"\b(?:{PASSIVE_NEG})\b", "is", m.group(3 - first_group))
    first, then = _event(first_text, names), _event(then_text, names)
    if then and not first and re.fullmatch(r".+?\s+(?:is|are|goes|go|gets|get|has been put|is put)\s+(?:in|inside)"
                                           r"(?:\s+(?:it|there))?", first_text.strip(" ,")):
        # "don't pick up the box until the watch is inside": inside the box
        first = Event("PutObject", then.object_type) if _receptacle(then.object_type) else None
    return [Ordering(first, then)] if first and then and first != then else None


PLACEMENT_PATTERNS = [  # (pattern with the object and where, whether it is to be there at the end)
    (rf"\b(?:leave no|(?:don't|do not|never|not|try not to) leave|make sure no|ensure no|no|nothing like a|"
     rf"none of the)\b\s*(.+?)\s+(?:(?:is|are|gets?|should be|must be|stays?|remains?|sitting|lying|left|be)\s+)*"
     rf"{PREP}\s+(.+)$", False),
    (rf"^(?:make sure |ensure |check that )?(.+?)\s+(?:shouldn't|should not|mustn't|must not|can't|cannot|isn't|"
     rf"is not|aren't|are not|won't|doesn't|does not)\s+(?:(?:be|end up|stay|staying|remain|get|left|sitting|lying)"
     rf"\s+)*(?:{PREP}\s+(.+)|in (there)|(there))$", False),
    (rf"\b(?:don't|do not) want\s+(.+?)\s+(?:to\s+(?:stay|be|remain|end up)\s+)?(?:left\s+|sitting\s+|lying\s+)?"
     rf"{PREP}\s+(.+)$", False),
    (rf"^(.+?),?\s+not\s+(?:be\s+)?(?:left|lying|sitting|staying)\s+{PREP}\s+(.+)$", False),
    (rf"\b(?:make sure|ensure|check(?: that)?|be sure|verify(?: that)?|see to it that)\s+(.+?)\s+{REALLY}(?:ends up|"
     rf"end up|winds up|is|are|gets|has been put|stays|remains)\s+{REALLY}(?:left\s+)?{PREP}\s+(.+)$", True),
    (rf"\bthere (?:should|must|has to|needs to) be\s+(?:a |an |some )?(.+?)\s+{PREP}\s+(.+)$", True),
    (rf"^(?:leave|finish with) (?:a|an|one) (.+?)\s+{PREP}\s+(.+)$", True),
    (rf"^(.+?)\s+(?:should|must|has to|needs to) end up\s+{PREP}\s+(.+)$", True),
    (rf"\b(?:i(?:'d| would) hate to|i (?:don't|do not) want to|i (?:don't|do not) wanna)\s+(?:find|see)\s+(.+?)\s+"
     rf"(?:(?:left|sitting|lying|still|back)\s+)*{PREP}\s+(.+)$", False),
    (rf"\bi(?:'d| would)? (?:want|like|need)\s+(.+?)\s+(?:to be\s+)?out of\s+(.+?)(?:\s+{END})?$", False),
    (rf"\b(?:don't|do not|never) let\s+(.+?)\s+(?:end up|wind up|stay|remain|be left|get left|sit)\s+(?:back\s+)?{PREP}"
     rf"\s+(.+)$", False),
]
# "at the end the phone has to be inside the box": a placement said with when it must hold
PLACED_AT_END = (rf"^(.+?)\s+(?:should|must|has to|needs to|ought to|is to)\s+(?:still\s+)?be\s+"
                 rf"(?:(?:sitting|left|lying|put|placed|standing)\s+)?{PREP}\s+(.+)$")


def _end_placement(c: str, names):
    m, inside = _first(PLACEMENT_PATTERNS, c)
    if not m and re.search(END, c):
        m, inside = re.search(PLACED_AT_END, c), True
    if not m:
        return None
    where = next(g for g in m.groups()[1:] if g)
    obj = next((t for t in names.types(m.group(1), _pickupable) if _pickupable(t)), None)
    instead = ""
    contrast = re.search(rf",?\s+(?:and\s+)?(?:not|never)\s+(?:{PREP}\s+)?(.+)$", where) if inside else None
    if contrast:  # "in the tub, not the sink"
        where, instead = where[:contrast.start()], contrast.group(1)
    rec = names.one(where, _receptacle_for(obj)) if obj else None
    if not (rec and rec != obj and _receptacle(rec)):
        return None
    found = [EndPlacement(obj, rec, inside=inside)]
    other = names.one(instead, _receptacle_for(obj)) if instead else None
    if other and other not in (obj, rec) and _receptacle(other):
        found.append(EndPlacement(obj, other, inside=False))
    return found


# (pattern naming the thing and its state, which of the things it names is meant); named
# groups: "neg" (it says the opposite state), "verb" (an action that leaves the state).
REMIND = r"(?:(?:don't|do not) forget to |remember to |be sure to |make sure (?:you |to )?)?"
END_STATE_PATTERNS = [
    (rf"^(?P<neg>{NEG})?{REMIND}(?:leave|leaving)\s+(?P<what>.+?)\s+(?:hanging\s+|standing\s+|turned\s+|switched\s+)?"
     rf"{STATE}\b{STATE_END}", 0),
    (rf"^(?P<neg>{NEG})(?:keep|keeping)\s+(?P<what>.+?)\s+(?:turned\s+|switched\s+)?{STATE}\b{STATE_END}", 0),
    (rf"\b(?:make sure|ensure|check(?: that)?|be sure|see to it that)\s+(?P<what>.+?)\s+(?:is|are|stays?|remains?|"
     rf"gets?|ends? up|winds? up|has been|have been)(?P<neg>n't| not)?\s+"
     rf"(?:still\s+|all\s+|properly\s+|left\s+|turned\s+|switched\s+)*"
     rf"{STATE}\b{STATE_END}", 0),
    # a wish: "I'd like the water left off", "I don't want the fridge left open"
    (rf"\bi(?:'d| would)?\s+(?:(?P<neg>don't |do not |wouldn't |would not )?(?:like|want|prefer|love|need))\s+"
     rf"(?P<what>.+?)\s+(?:to (?:be|stay|remain)\s+)?(?:left\s+)?(?:turned\s+|switched\s+)?{STATE}\b{STATE_END}", 0),
    (rf"^(?!none\b|no\b|nothing\b)(?P<what>.*?)\s+(?:must|should|has to|have to|needs? to|ought to|is to|are to)"
     rf"(?P<neg>n't| not)?\s+(?:still\s+|all\s+|both\s+)*(?:be|stay|remain)\s+(?:left\s+)?"
     rf"(?P<turned>turned\s+|switched\s+)?"
     rf"{STATE}\b"
     rf"{STATE_END}", -1),  # "when you finish, the fridge must be closed": the last named
    (rf"^(?P<what>.+?)\s+{STATE}\s+{END}", 0),
    (rf"^(?:{END},?\s+)?(?P<remind>(?:don't|do not) forget to |remember to |be sure to |make sure (?:you |to ))?"
     rf"(?P<verb>close|shut|"
     rf"turn off|switch off|turn on|switch on)\s+(?:up\s+)?(?P<what>.+?)\s*(?:\bup\s+)?(?:{END}|$)", 0),
    (rf"^(?P<remind>(?:don't|do not) forget to |remember to |be sure to |make sure (?:you |to ))"
     rf"(?P<verb>turn|switch)\s+"
     rf"(?P<what>.+?)\s+(?P<particle>off|on)\b{STATE_END}", 0),  # "don't forget to turn the water off"
    (rf"^(?P<what>.+?)\s+(?:is|are)\s+(?:turned\s+|switched\s+)?{STATE}$", 0),  # "..., and the microwave is off"
]
VERB_STATES = {"close": "closed", "shut": "closed", "turn off": "off", "switch off": "off", "turn on": "on",
               "switch on": "on"}


def _end_state(c: str, names):
    said = names.said_before("end_state")
    m = re.fullmatch(rf"(?:turned\s+|switched\s+|left\s+)?{STATE}(?:\s+{END})?", c)
    if said and m:  # "make sure the microwave is closed and turned off when you finish"
        state = STATE_OF[m.group("state")]
        wanted = _openable if state in ("closed", "open") else _toggleable
        type_name = said[-1].object_type
        return [EndState(type_name, state)] if wanted(type_name) else None
    for pattern, which in END_STATE_PATTERNS:
        m = re.search(pattern, c)
        if not m:
            continue
        found = m.groupdict()
        if found.get("verb"):  # "close the safe when you're done", "..., then close the cabinets"
            if not (re.search(END, c) or found["remind"] or names.said_then() or re.match(r"^\w+ all\b", c)):
                continue
            state = VERB_STATES[found["verb"] + (" " + found["particle"] if found.get("particle") else "")]
        elif pattern is END_STATE_PATTERNS[-1][0] and not names.after("end_state"):
            continue
        else:
            if found.get("neg") and (found["state"] == "opened" or found.get("turned")) and which == -1 \
                    and not re.search(END, c):
                return None  # "the cabinets must not be opened", "the water must not be turned on": forbidden actions
            if re.search(r"\b(?:stays?|remains?)\b", m.group(0)) and not re.search(END, c):
                return None  # kept the whole time: a forbidden action
            state = STATE_OF[found["state"]]
            state = OPPOSITE[state] if found.get("neg") else state
        wanted = _openable if state in ("closed", "open") else _toggleable
        types = [t for t in names.types(found["what"], wanted) if wanted(t)]
        if not types:
            return None
        type_name = types[which]
        if re.match(r"(?:no|none of)\b", found["what"]):  # "make sure no drawer is left open"
            state = OPPOSITE[state]
        if wanted is _toggleable:
            type_name = _action_type("ToggleObjectOn", type_name, found["what"])
        return [EndState(type_name, state)]
    return None


REGION_PATTERNS = [  # (pattern with where, the group of the number of steps or None for one, how many fewer)
    (rf"\b{NEG}(?:come|get|go|walk|step|move|be)\s+(?:any\s+)?within\s+{NUMBER}\s+steps?\s+(?:of|from)\s+(.+)$",
     1, 0),
    (rf"\b{NEG}(?:come|get|go|walk|step|move|be)\s+(?:any\s+)?closer than\s+{NUMBER}\s+steps?\s+(?:to|from)\s+(.+)$",
     1, 1),
    (rf"\b(?:stay|keep|remain)\s+more than\s+{NUMBER}\s+steps?\s+(?:away\s+)?from\s+(.+)$", 1, 0),
    (rf"\bkeep\s+more than\s+{NUMBER}\s+steps?\s+between\s+(?:you|yourself)\s+and\s+(.+)$", 1, 0),
    (rf"\bkeep\s+at least\s+{NUMBER}\s+steps?\s+between\s+(?:you|yourself)\s+and\s+(.+)$", 1, 1),
    (rf"\bkeep\s+(?:a\s+)?distance of\s+(?:at least\s+)?{NUMBER}\s+steps?\s+(?:from|to)\s+(.+)$", 1, 1),
    (rf"\b(?:stay|keep|remain)\s+at least\s+{NUMBER}\s+steps?\s+(?:away\s+)?from\s+(.+)$", 1, 1),
    (rf"\bkeep clear of\s+(.+?)\s+by more than\s+{NUMBER}\s+steps?", 2, 0),
    (r"\bgive\s+(.+?)\s+a\s+(?:wide|big|good|wider)\s+berth\b", None, 0),
    (rf"\b(?:stay|staying|keep|keeping|steer|steering|remain|get|move|back)\s+(?:well\s+|far\s+|right\s+)?"
     rf"(?:away from|clear of|"
     rf"out of the way of|out of {AREA}|out of|off {AREA}|off|your distance from|a distance from|back from)\s+(.+)$",
     None, 0),
    (rf"\b{NEG}(?:go|goes|going|come|coming|get|getting|walk|walking|wander|wandering|step|stepping|move|moving|be|"
     r"being|stand|standing|pass|passing|head|heading|venture)\s+(?:anywhere\s+|over\s+|too\s+|right\s+)?(?:near|"
     r"close to|next to|by|up to|around|past|over to|nearby|to)\s+(.+)$", None, 0),
    (rf"\bavoid\s+(?:going\s+|walking\s+|getting\s+|coming\s+)?(?:{AREA}|near|close to|by)\s+(.+)$", None, 0),
    (rf"\b{NEG}anywhere\s+(?:near|close to|next to|around)\s+(.+)$", None, 0),  # "I don't want you anywhere near"
]


def _forbidden_region(c: str, names):
    if re.fullmatch(r"(?:stay|keep|steer|back)\s+(?:well\s+|far\s+)?(?:away|clear|back|off)(?: from (?:it|there))?", c):
        topic = names.topic(_fixed)  # "the bathtub is off-limits, stay away"
        return [ForbiddenRegion(topic)] if topic else None
    for pattern, number, fewer in REGION_PATTERNS:
        m = re.search(pattern, c)
        if m:
            radius = _count(m.group(number)) - fewer if number else 1
            where = m.group(2 if number == 1 else 1)
            fixtures = [t for t in names.each(where, _fixed) if _fixed(t)]
            return [ForbiddenRegion(t, radius) for t in fixtures] if radius and radius >= 1 else None
    return None


OBJECT_VERBS = (r"(?:touch|touches|touching|interact with|interacts with|interacting with|use|uses|using|handle|"
                r"handles|handling|mess with|messes with|messing with|fiddle with|fiddles with|fiddling with|play with|"
                r"plays with|playing with|lay a finger on|put a finger on|go for|bother|disturb|(?:mess|messing|play|"
                r"playing|fool|fooling|fiddle|fiddling|muck|mucking) (?:around|about) with)")
OBJECT_PATTERNS = [  # patterns with what is not to be touched
    rf"^{NEG}{OBJECT_VERBS}\s+(.+)$",
    r"\b(?:keep|get|take)\s+(?:your\s+|my\s+)?(?:hands|fingers|paws|mitts)\s+off\s+(.+)$",
    r"\b(?:hands|fingers|paws) off\s+(.+)$",
    r"\bleave\s+(.+?)\s+(?:alone|be|untouched|where (?:it|they) (?:is|are))\b",
    r"^(.+?)\s+(?:is|are)\s+(?:off[- ]limits|out of bounds|not to be (?:touched|used|handled)|untouchable)\b",
    r"^(.+?)\s+(?:is|are)(?:n't| not)\s+(?:for you|yours)\s+to\s+(?:touch|use|handle|play with)\b",
    r"\b(?:don't|do not) want\s+(.+?)\s+(?:touched|used|handled|messed with|disturbed|moved)$",
    r"^(.+?)\s+(?:must|should|may|can)(?:n't| not| never)\s+be\s+(?:touched|used|handled)\b",
    r"^(?:neither|none of)\s+(.+?)\s+(?:should|must|may|can|is to|are to)\s+be\s+(?:touched|used|handled)\b",
    r"^use\s+.+?,?\s+(?:not|never|instead of|rather than)\s+(.+)$",  # "use the big knife, not the butter knife"
]


def _limited(c: str) -> bool:
    """ "... more than twice": a count, not a prohibition."""
    return bool(re.search(rf"\b(?:more|fewer|less) than\s+{TIMES}", c))


def _forbidden_object(c: str, names):
    if _limited(c):
        return None
    if re.fullmatch(rf"(?:just\s+)?leave (?:it|them|that|this)(?: be| alone)?|{NEG}{OBJECT_VERBS}", c):
        topic = names.topic()  # "the vase is cracked, so leave it", "pepper shaker: don't touch"
        return [ForbiddenObject(topic)] if topic else None
    for pattern in OBJECT_PATTERNS:
        m = re.search(pattern, c)
        if m:
            return [ForbiddenObject(t) for t in names.each(m.group(1))] or None
    return None


# (pattern with what is acted on, the action: a name, or None for the pattern's participle or state)
ACTION_PATTERNS = [
    (rf"^(?:(?:put|place|set|lay|drop|stick) nothing\s+|"
     rf"nothing\s+(?:gets?\s+|goes\s+|should go\s+|should be\s+|is to be\s+|may be\s+|can be\s+|"
     rf"must be\s+)?(?:put\s+|placed\s+|set\s+)?)(?:down\s+)?{PREP}\s+(.+)$", "PutObject"),
    (rf"^(?:none of|no|not one of|not a single)\s+(.+?)\s+(?:should|must|may|can|is to|are to|gets?|will)\s+"
     rf"(?:ever\s+)?(?:be\s+|get\s+)?{PARTICIPLE}", None),
    (rf"^(.+?)\s+(?:must|should|may|can|is|are)(?:n't| not| never)\s+(?:to\s+)?(?:ever\s+)?be\s+{PARTICIPLE}", None),
    (r"\bleave\s+(.+?)\s+un(opened)\b", "OpenObject"), (r"\bleave\s+(.+?)\s+un(?:switched|turned) on\b",
                                                        "ToggleObjectOn"),
    # kept the whole time: what would change it is forbidden ("keep the fridge shut", "the TV stays off")
    (rf"\b(?:keep|keeping)\s+(.+?)\s+(?:doors?\s+)?(?:turned\s+|switched\s+)?{STATE}\b{STATE_END}", None),
    (rf"^(.+?)\s+(?:stays?|remains?)\s+(?:turned\s+|switched\s+)?{STATE}\b{STATE_END}", None),
]


def _forbidden_action(c: str, names):
    if _limited(c):
        return None
    for pattern, action in ACTION_PATTERNS:
        m = re.search(pattern, c)
        if not m:
            continue
        if action is None and m.groupdict().get("state"):
            if re.search(END, c):
                return None  # a state at the end: an end state
            action = CHANGE_OF[STATE_OF[m.group("state")]]
        elif action is None:
            action = _participle_action(m)
        return _forbid(action, m.group(1), names) if action else None
    # the verb with "no" on its object: "open no drawers", "touch none of the knives"
    m = re.match(r"^(?:you may |you can |you should |please )?((\w+)(?:\s+(?:up|on|off))?)\s+(?:no|none of the|not one|"
                 r"not a single|not any)\s+(?!more\b|fewer\b|less\b)(.+)$", c)
    if m and m.group(2) in VERB_OF:
        event = _event(f"{m.group(1)} {m.group(3)}", names)
        if event and event.action in INTERACTION_ACTIONS:
            return _forbid(event.action, m.group(3), names, event.object_type)
    m = re.search(rf"^{NEG}(.+)$", c)
    if m and not re.search(r"\b(?:before|until|till|unless|after|once you)\b", c):  # a condition: an ordering
        event = _event(m.group(1), names)
        if event and event.action in INTERACTION_ACTIONS:
            return _forbid(event.action, m.group(1), names, event.object_type)
    return None


def _forbid(action: str, text: str, names, first: str | None = None):
    """The action forbidden on each thing the text names ("the fridge or the freezer");
    `first`, the object an event read, when the words name more than the objects."""
    wanted = WANTED[action]
    types = [_action_type(action, t, text) for t in names.each(text, wanted) if _fits(wanted, t)]
    if first is not None:
        types = types[types.index(first):] if first in types else [first]
    return [ForbiddenAction(action, t) for t in dict.fromkeys(types)] or None


READERS = (_step_budget, _failure_budget, _count_constraint, _ordering, _end_placement, _end_state,
           _forbidden_region, _forbidden_object, _forbidden_action)


def _read_clause(words: str, names: _Names) -> list[Constraint] | None:
    for reader in READERS:
        try:
            found = reader(words, names)
        except ValueError:  # a reading the constraint's own checks refuse is not a reading
            found = None
        if found and reader is _step_budget:  # both budgets in one: "you've got 55 steps and two slip-ups"
            found += _failure_budget(words, names) or []
        if found:
            return found
    return None
