"""Reading constraints from an instruction's words: "Put an apple in the fridge, but don't
open the microwave." -> the task part ("Put an apple in the fridge.") and
ForbiddenAction(OpenObject, Microwave).

The instruction is cut into sentences and each sentence into clauses: at commas, "and"
and "but", before "without" and before a budget ("... in under 40 moves"); not inside "A
first, and only then B" or "once and that's it", not after a leading "Before you ...," or
"When you finish,", and "... and the desk" stays with the clause it adds names to. Each
clause is tried against one reader per kind, each a table of patterns (first match wins).
How the words are cut and what their names stand for is constraint_words.py's part.

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
from dataclasses import dataclass, replace

from ..envs.actions import INTERACTION_ACTIONS
from ..envs.tasks.constraints import (ActionCount, Constraint, EndPlacement, EndState, Event, FailureBudget,
                                      ForbiddenAction, ForbiddenObject, ForbiddenRegion, Ordering, StepBudget)
from .constraint_words import (AREA, CHANGE_OF, END, FAILS, FAIL_VERB, NEG, NOT_A_DISTANCE, NUMBER, Names, OPPOSITE,
                              PARTICIPLE, PARTICIPLES, PARTICIPLE_OF, PREP, REALLY, STATE, STATE_END, STATE_EVENTS,
                              STATE_OF, STEPS, TIMES, VERB_OF, VERB_RE, Verb, WANTED, action_type, clauses_of,
                              count_of, fits, fixed, join_clauses, openable, pickupable, receptacle, receptacle_for,
                              toggleable)

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
    clauses = clauses_of(instruction)
    context = Names(clauses, set(object_types) if object_types else None)
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
    task_text = instruction if not kept or len(kept) == len(clauses) else join_clauses(kept, clauses)
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


def _event(text: str, names: Names) -> Event | None:
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


def _particle(verb: Verb, rest: str) -> tuple[str | None, str]:
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


def _make_event(action: str, text: str, names: Names) -> Event | None:
    type_name = names.one(text, WANTED[action])
    if type_name is None or not fits(WANTED[action], type_name):
        return None
    return Event(action, action_type(action, type_name, text))


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
    n = count_of(m.group(1)) if m else None
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
    (rf"\b{FAILS}\s+(?:to|at)\s+(?!an?\b){NUMBER}\b", 0),
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
    if not m and re.search(FAILS, names.words_before()):  # "keep failed actions to a minimum, no more than two"
        m, fewer = re.fullmatch(rf"(?:no more than|not more than|at most|up to|max(?:imum)?(?: of)?)\s+{NUMBER}", c), 0
        if m:
            names.topics.add(names.at - 1)
    if not m and names.after("step_budget"):  # "you've got 55 steps and two slip-ups"
        m, fewer = re.fullmatch(rf"{NUMBER}\s+{FAILS}", c), 0
    if not m:
        return None
    if fewer is None:
        return [FailureBudget(0)]
    n = count_of(m.group(1))
    return [FailureBudget(n - fewer)] if n is not None and n - fewer >= 0 else None


COUNT_PATTERNS = [(rf"\b(?:fewer|less) than\s+{TIMES}", 1), (rf"\b{TIMES}", 0)]  # (pattern, how many fewer)
LIMITS = (r"\b(?:only|just|single|at (?:the )?(?:very )?most|no more than|more than|max(?:imum)?|tops|"
          r"that is (?:it|all)|no more|limit)\b")


def _count_constraint(c: str, names):
    m, fewer = _first(COUNT_PATTERNS, c)
    if not m or not re.search(LIMITS, c):
        return None
    event, n = _event(c[:m.start()] + " " + c[m.end():], names), count_of(m.group(1))
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
        first = Event("PutObject", then.object_type) if receptacle(then.object_type) else None
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
    obj = next((t for t in names.types(m.group(1), pickupable) if pickupable(t)), None)
    instead = ""
    contrast = re.search(rf",?\s+(?:and\s+)?(?:not|never)\s+(?:{PREP}\s+)?(.+)$", where) if inside else None
    if contrast:  # "in the tub, not the sink"
        where, instead = where[:contrast.start()], contrast.group(1)
    rec = names.one(where, receptacle_for(obj)) if obj else None
    if not (rec and rec != obj and receptacle(rec)):
        return None
    found = [EndPlacement(obj, rec, inside=inside)]
    other = names.one(instead, receptacle_for(obj)) if instead else None
    if other and other not in (obj, rec) and receptacle(other):
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
        wanted = openable if state in ("closed", "open") else toggleable
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
        wanted = openable if state in ("closed", "open") else toggleable
        types = [t for t in names.types(found["what"], wanted) if wanted(t)]
        if not types:
            return None
        type_name = types[which]
        if re.match(r"(?:no|none of)\b", found["what"]):  # "make sure no drawer is left open"
            state = OPPOSITE[state]
        if wanted is toggleable:
            type_name = action_type("ToggleObjectOn", type_name, found["what"])
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
    if re.fullmatch(r"(?:stay|keep|steer|back)\s+(?:well\s+|far\s+)?(?:away|clear|back|off)(?: from (?:it|there))?|"
                    r"keep (?:your|a safe|a|some) distance", c):
        topic = names.topic(fixed)  # "the bathtub is off-limits, stay away"
        return [ForbiddenRegion(topic)] if topic else None
    for pattern, number, fewer in REGION_PATTERNS:
        m = re.search(pattern, c)
        if m:
            radius = count_of(m.group(number)) - fewer if number else 1
            where = m.group(2 if number == 1 else 1)
            fixtures = [t for t in names.each(where, fixed) if fixed(t)]
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
    types = [action_type(action, t, text) for t in names.each(text, wanted) if fits(wanted, t)]
    if first is not None:
        types = types[types.index(first):] if first in types else [first]
    return [ForbiddenAction(action, t) for t in dict.fromkeys(types)] or None




SAME_AGAIN = re.compile(r"(?:and\s+)?(?:so (?:is|are|does|do)|(?:the )?same (?:goes|is true) for|likewise(?: for)?)"
                        r"\s+(.+?)(?:\s+(?:too|as well))?")
AGAIN_FIELD = {"forbidden_object": "object_type", "forbidden_action": "object_type", "forbidden_region": "fixture"}


def _same_again(c: str, names: Names) -> list[Constraint] | None:
    """ "the laptop is off limits and so is the phone", "the same goes for the sink": the
    prohibition of the clause before, on what this one names."""
    m = SAME_AGAIN.fullmatch(re.sub(r"[^\w' ]+", " ", names.clauses[names.at].text.lower()).strip())
    before = [x for kind in AGAIN_FIELD for x in names.said_before(kind)] if m else []
    if len(before) != 1:
        return None
    said = before[0]
    wanted = fixed if said.kind == "forbidden_region" else WANTED.get(getattr(said, "action", None))
    found = [replace(said, **{AGAIN_FIELD[said.kind]: t}) for t in names.each(m.group(1), wanted) if fits(wanted, t)]
    return found or None


READERS = (_same_again, _step_budget, _failure_budget, _count_constraint, _ordering, _end_placement, _end_state,
           _forbidden_region, _forbidden_object, _forbidden_action)


def _read_clause(words: str, names: Names) -> list[Constraint] | None:
    # one negation over verbs joined by "or": "don't open the cabinet or touch the candle"
    m = re.fullmatch(rf"({NEG})(.+?)\s+(?:or|nor)\s+((?:{VERB_RE.pattern[3:-3]}|{OBJECT_VERBS})\b.*)", words)
    if m and VERB_RE.match(m.group(2)):
        first, second = _read_clause(m.group(1) + m.group(2), names), _read_clause(m.group(1) + m.group(3), names)
        if first and second:
            return first + second
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
