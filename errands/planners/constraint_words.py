"""The words of an instruction, as the constraint reader takes them: numbers ("forty",
"a couple of"), the verbs of each action and their forms, the phrases the readers share
(negations, budgets' nouns, states, "when you're done"), what an action's object must be,
the clauses an instruction is cut into, and the things its names stand for.

Clauses: the instruction is cut into sentences and each sentence into clauses (see
constraint_reader's docstring for where); fillers ("and please,", "do it") join a clause,
a leading "Before you ...," joins the clause it leads, and a verbless name after "and",
"or" or a comma ("the salt and pepper shakers", "the sponge, the candle and the towel")
joins the clause whose names it adds to.

Names: found with the goal interpreter's lexicon and grounded in the scene's types when
given; `Names` says what a name, a short name ("the can", "the bottle"), "the big one",
"the door" or a pronoun stands for in the clause being read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..envs.household.object_types import OBJECT_TYPES
from ..envs.tasks.instructions import type_words
from .interpreter.lexicon import COMMON_WORDS, find_mentions, name_words, names, tokenize

# --- numbers ------------------------------------------------------------------------------------

UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
NUMBERS = {**{w: i for i, w in enumerate(UNITS)}, **TENS, "no": 0, "a": 1, "an": 1, "single": 1, "a single": 1,
           "once": 1, "twice": 2, "thrice": 3, "hundred": 100, "a hundred": 100, "one hundred": 100,
           "a couple of": 2, "a couple": 2, "couple of": 2, "one single": 1}
NUMBER = (r"(\d+|a couple(?: of)?|couple of|"
          r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|"
          r"seven|eight|nine))?|(?:a |one )?hundred|" + "|".join(UNITS[::-1]) + r"|no|a single|single|an|a)")
# "once", but not "once you're done"
TIMES = (rf"(once(?!\s+(?:you|the|it|that|a|an|we|i|everything|all)\b)|twice|thrice|"
         rf"(?:a single|the one|one single|one|{NUMBER}) times?|just the once)")


def count_of(text: str) -> int | None:
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
class Verb:
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


VERBS = [Verb(*map(tuple, _forms(base)), particles, needs, action)
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
       r"i'?d rather you (?:didn't|did not|not)|(?:please )?refrain from|(?:(?:would|do) you )?mind not|"
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


def fits(wanted, type_name: str) -> bool:
    return wanted is None or wanted(type_name)


def pickupable(t: str) -> bool:
    return OBJECT_TYPES[t].pickupable


def fixed(t: str) -> bool:
    return not OBJECT_TYPES[t].pickupable


def receptacle(t: str) -> bool:
    return OBJECT_TYPES[t].receptacle


def receptacle_for(obj: str):
    """A receptacle that takes `obj`."""
    def wanted(t: str) -> bool:
        return receptacle(t) and obj in OBJECT_TYPES[t].accepts
    wanted.receptacle = True
    return wanted


receptacle.receptacle = True  # where things are put: a sink's basin before the sink


def openable(t: str) -> bool:
    return OBJECT_TYPES[t].openable


def toggleable(t: str) -> bool:
    return OBJECT_TYPES[t].toggleable or t in CONTROLS


def _sliceable(t: str) -> bool:
    return OBJECT_TYPES[_unsliced(t)].sliceable


def _unsliced(t: str) -> str:
    base = t.removesuffix("Sliced")
    return base if base in OBJECT_TYPES else t


WANTED = {"PickupObject": pickupable, "PutObject": receptacle, "OpenObject": openable, "CloseObject": openable,
          "ToggleObjectOn": toggleable, "ToggleObjectOff": toggleable, "SliceObject": _sliceable,
          "CleanObject": pickupable, "HeatObject": pickupable, "CoolObject": pickupable, "GotoLocation": None}
CONTROLS = {"StoveBurner": "StoveKnob"}  # what a fixture is switched on with
STATE_EVENTS = {"hot": "HeatObject", "warm": "HeatObject", "cold": "CoolObject", "cool": "CoolObject",
                "chilled": "CoolObject", "clean": "CleanObject"}  # "until the mug is hot"
# Things people name by what they give ("run the water"): names of this reader's own.
READER_NAMES = {"water": "Faucet", "shower": "ShowerHead", "lights": "LightSwitch"}
PRONOUNS = {"it", "them", "they", "there", "one"}
DETERMINERS = {"the", "that", "this", "those", "these", "my", "your", "our", "any"}
COORDINATION = DETERMINERS | {"and", "or", "nor", "a", "an", "either", "of", "all"}


def action_type(action: str, type_name: str, text: str) -> str:
    """The type an action on the named thing acts on: the knob of "the stove" (not when a
    "stove burner" is said by its own name), the whole of a thing one slices."""
    if action in ("ToggleObjectOn", "ToggleObjectOff") and type_words(type_name) not in text:
        return CONTROLS.get(type_name, type_name)
    return _unsliced(type_name) if action == "SliceObject" else type_name



# --- clauses ----------------------------------------------------------------------------------

@dataclass
class Clause:
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


SENTENCE = re.compile(r"(?<=[.!?;])(?<!\d\.)\s+(?!(?:and\s+)?only then\b)", re.IGNORECASE)  # not after "1.",
# nor in "X first. Only then Y"
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


def clauses_of(text: str) -> list[Clause]:
    clauses: list[Clause] = []
    text = ASIDE.sub(" ", text)
    for sentence, body in enumerate(b for b in SENTENCE.split(text.strip()) if b.strip(" .!?;")):
        core = body.rstrip(".!?; ")
        start, pieces, sep = 0, [], " " if clauses else ""
        for cut in BOUNDARY.finditer(core):
            if cut.start() > start:
                pieces.append(Clause(core[start:cut.start()], sep, sentence, normal_words(core[start:cut.start()])))
                sep, start = cut.group(0), cut.end()
        pieces.append(Clause(core[start:], sep, sentence, normal_words(core[start:])))
        pieces = _merge([p for p in pieces if p.text.strip(" ,")])
        if pieces:
            pieces[-1].end = body[len(core):]
            clauses.extend(pieces)
    return clauses


def _merge(clauses: list[Clause]) -> list[Clause]:
    """Fillers ("and please,", "do it") join the clause after them (the one before, at the
    end); a leading "Before you ...," joins the clause it leads; "... and the desk" joins
    the clause whose names it adds to."""
    out: list[Clause] = []
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


def _more_names(clause: Clause) -> bool:
    """ "the knife and the fork", "the salt and pepper shakers", "the sponge, the candle and
    the towel": a verbless name after "and", "or" or a comma."""
    words = re.sub(r"\s+(?:shut|closed|open|off|on)$", "", clause.words)  # "keep the drawers and the cabinets shut"
    if not re.fullmatch(r"\s*,?\s*(?:(?:and|or)\s+)?", clause.sep) or VERB_RE.search(words) \
            or NOT_VERBLESS.search(words):
        return False
    return bool(NOUN_PHRASE.match(words) or any(m.start == 0 for m in find_mentions(tokenize(words))))


def _joined(first: Clause, second: Clause) -> Clause:
    text = first.text + second.sep + second.text
    return Clause(text, first.sep, first.sentence, normal_words(text))


def split_clauses(text: str) -> list[str]:
    return [c.text for c in clauses_of(text)]


def join_clauses(kept: list[Clause], clauses: list[Clause]) -> str:
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


def normal_words(clause: str) -> str:
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
    def mended(m):
        word = m.group(0)
        if len(word) < 4 or word in VERB_OF or word in COMMON_WORDS or word in name_words():
            return word
        return next((f for f in VERB_OF if f[0] == word[0] and _slip(word, f)), word)
    return re.sub(r"[a-z]+", mended, text)


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
class Names:
    """The names in one instruction's clauses (see the module docstring)."""

    clauses: list[Clause]
    known: set | None  # the scene's types
    at: int = 0  # the clause being read
    topics: set = field(default_factory=set)  # clauses that said what a later "it" is

    def __post_init__(self):
        self.mentions = [self._mentions(c.words) for c in self.clauses]
        self.absent = [self._names_absent(c.words) for c in self.clauses]  # names of things the scene lacks
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

    def _names_absent(self, text: str) -> bool:
        """Whether the text names only things the scene does not have ("my laptop is there
        too" where there is no laptop): what "it" then stands for is not in the scene."""
        if self.known is None:
            return False
        return bool(find_mentions(tokenize(text))) and not self._mentions(text)

    def _best(self, said: str, candidates: list[str], wanted) -> str:
        """The type a name stands for: one `wanted` accepts, one the instruction names
        elsewhere, a basin only where things are put (or said), else the type first named."""
        basin_first = "basin" in said or getattr(wanted, "receptacle", False)

        def rank(item):
            index, t = item
            basin = t.endswith("Basin") != basin_first if _base(t) != t or t + "Basin" in OBJECT_TYPES else False
            return not fits(wanted, t), _base(t) not in self.named, basin, index
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
                t = self.antecedent(openable)
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
            if fits(wanted, t):
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
        t = self.topic(wanted)
        if t is not None:
            return t
        if i > 0 and self.clauses[i - 1].sentence == self.clauses[i].sentence and self.absent[i - 1]:
            self.topics.add(i - 1)
            return None  # the clause before names a thing the scene lacks: "it" is that
        if place:
            return None

        def handled(t):
            return pickupable(t) and fits(wanted, t)
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

    def words_before(self) -> str:
        """The words of the clause before, in the same sentence ("" if none)."""
        i = self.at
        return self.clauses[i - 1].words if i > 0 and self.clauses[i - 1].sentence == self.clauses[i].sentence else ""

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
