"""Objects described instead of named: "the round red fruit", "the thing with prongs you
eat with", "the metal vessel with two handles" (a pot), "the small black shaker" (the pepper).

`DESCRIPTIONS` holds, for each object type of ALFRED's tasks, descriptions by look, use,
material and place, written by hand from what the objects are. Two things are made of
them:

- the reader's description mentions: a generic head word ("thing", "fruit", "utensil",
  ...) that is not part of a name starts a description; the words of its phrase (a few
  words before it, its "with ..." / "that ..." / "you ..." clause after) are matched
  against each type's description words, and the types that share the most (each word
  weighted by how few types it describes) are the mention's types, best first. A name
  with words of a description around it ("the black shaker", "the metal bowl with
  handles") keeps its own types and gains those the description points to, best first.
- the training data's object phrases (training_data.py): the model learns from
  instructions that describe objects how far to trust a description.

Nothing here is read from an evaluation set.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

DESCRIPTIONS = {
    "AlarmClock": ["thing that wakes you up", "thing that beeps in the morning", "little clock by the bed",
                   "thing that tells the time on the nightstand", "ringing clock", "digital clock with an alarm"],
    "Apple": ["round red fruit", "red fruit", "fruit from an apple tree", "crunchy red fruit", "round green fruit",
              "shiny round fruit", "fruit a day keeps the doctor away"],
    "BaseballBat": ["long wooden stick you hit balls with", "wooden club for baseball", "long wooden bat",
                    "thing you swing at a baseball"],
    "BasketBall": ["large orange ball", "orange ball you bounce", "round orange ball you shoot into a hoop",
                   "bouncy orange ball"],
    "Book": ["thing you read with pages", "hardback with pages", "thick thing with pages you read",
             "bound pages with a cover"],
    "Bowl": ["round dish you eat cereal from", "deep round dish", "dish you eat soup from", "round dish for salad"],
    "Box": ["cardboard container", "brown cardboard container", "square container with flaps",
            "container made of cardboard"],
    "Bread": ["loaf you make toast from", "thing you make sandwiches with", "baked loaf",
              "baked thing you slice for toast"],
    "ButterKnife": ["small dull knife for spreading butter", "blunt knife you spread butter with",
                    "knife with a round tip for butter", "dull table knife"],
    "CD": ["shiny round disc", "round shiny disc with music", "thin shiny disk you play music from",
           "flat round disc with a hole"],
    "Candle": ["wax cylinder with a wick", "wax stick with a wick", "thing you light with a wick",
               "white wax cylinder"],
    "CellPhone": ["thing you make calls with", "device you call people with", "small screen you text with",
                  "little black device you call with"],
    "Cloth": ["piece of fabric you wipe with", "fabric for wiping", "soft fabric square for dusting",
              "thing you wipe the counter with"],
    "CreditCard": ["plastic card you pay with", "thin plastic card for paying", "card you buy things with",
                   "small plastic rectangle you pay with"],
    "Cup": ["thing you pour water into to drink", "glass you drink from", "clear glass for water",
            "see through drinking vessel", "thing without a handle you drink from"],
    "DishSponge": ["yellow scrubbing pad", "soft yellow thing you wash dishes with",
                   "squishy thing you wash dishes with", "thing you clean pots with"],
    "Egg": ["white oval thing from a chicken", "oval thing with a shell", "thing a chicken lays", "small white oval"],
    "Fork": ["eating utensil with prongs", "utensil with prongs", "pronged utensil", "utensil with tines",
             "silverware with prongs", "thing you stab food with"],
    "Glassbottle": ["empty glass bottle", "clear bottle made of glass", "glass container with a neck"],
    "HandTowel": ["small towel you dry your hands with", "little towel for drying hands",
                  "towel by the sink for hands"],
    "Kettle": ["thing you boil water in", "metal thing with a spout you boil water in", "pot with a spout for tea",
               "thing with a spout that whistles"],
    "KeyChain": ["ring with keys on it", "metal keys on a ring", "thing you unlock the door with",
                 "bunch of metal keys"],
    "Knife": ["sharp thing you cut with", "sharp steel edge", "sharp utensil for cutting",
              "big sharp cutting thing with a handle",
              "thing you slice food with"],
    "Ladle": ["big spoon you serve soup with", "deep spoon for soup", "long handled scoop for soup",
              "large serving scoop", "big metal scoop"],
    "Laptop": ["portable computer", "computer that folds open", "folding computer with a keyboard",
               "thing you type emails on"],
    "Lettuce": ["leafy green vegetable", "green leafy head", "head of green leaves", "green vegetable for salads",
                "round green leafy thing"],
    "Mug": ["handled cup for coffee", "cup with a handle", "ceramic cup with a handle",
            "thing you drink hot coffee from", "thick cup for tea"],
    "Newspaper": ["folded paper with the news", "thing with today's news", "printed news pages",
                  "folded sheets with headlines"],
    "Pan": ["flat metal thing you fry eggs in", "flat cooking thing with a long handle", "metal thing you fry in",
            "shallow metal cookware with a handle"],
    "Pen": ["thing you write with in ink", "ink writing stick", "thin thing you sign with", "blue writing thing"],
    "Pencil": ["wooden thing you write with", "yellow writing stick with an eraser",
               "thing you write with that has lead", "wooden writing stick"],
    "PepperShaker": ["small black shaker", "black shaker", "shaker with black spice", "dark shaker",
                     "shaker with the ground black stuff"],
    "Pillow": ["soft thing you rest your head on", "soft square cushion for your head", "fluffy thing for your head",
               "soft thing on the bed"],
    "Plate": ["flat round dish you eat from", "flat round dish", "round flat thing you serve food on",
              "dish you put dinner on"],
    "Plunger": ["rubber cup on a stick for the toilet", "thing you unclog the toilet with",
                "rubber suction thing on a stick"],
    "Pot": ["large metal cooking vessel with handles", "deep metal thing with two handles",
            "deep cooking vessel with two handles", "big metal container you boil soup in",
            "deep metal cookware with handles"],
    "Potato": ["brown lumpy vegetable", "starchy brown vegetable", "brown root vegetable", "lumpy brown tuber",
               "vegetable you make fries from"],
    "RemoteControl": ["thing with buttons for the tv", "clicker for the tv", "thing you change the channel with",
                      "black stick with buttons for the television"],
    "SaltShaker": ["little white shaker", "white shaker", "shaker with white grains", "shaker of white stuff"],
    "SoapBar": ["bar you wash your hands with", "solid bar for washing", "small bar for washing your hands"],
    "SoapBottle": ["bottle with a pump for your hands", "pump bottle of liquid for washing hands",
                   "dispenser with a pump", "squeeze bottle of liquid soap"],
    "Spatula": ["flat thing you flip pancakes with", "flat utensil for flipping", "thing you flip burgers with",
                "wide flat utensil for turning food"],
    "Spoon": ["thing you eat soup with", "utensil you stir tea with", "utensil for stirring coffee",
              "small utensil for scooping", "round scoop you eat cereal with"],
    "SprayBottle": ["bottle with a trigger", "trigger bottle of cleaner", "bottle that squirts cleaner",
                    "bottle you spray cleaner with"],
    "Statue": ["little sculpture", "small ornament shaped like a person", "decorative figure", "small carved figure"],
    "TennisRacket": ["strung racket for tennis", "thing with strings you hit tennis balls with",
                     "oval thing with strings and a handle"],
    "TissueBox": ["box you pull tissues from", "box of things you blow your nose on", "little box for your nose"],
    "ToiletPaper": ["roll you wipe with in the bathroom", "roll of paper by the toilet",
                    "soft paper roll for the toilet"],
    "Tomato": ["round red vegetable", "juicy red fruit", "red fruit you put in salads",
               "soft red round thing for salads", "red fruit for sauce"],
    "Vase": ["thing you put flowers in", "container for flowers", "tall decorative jar for flowers",
             "ceramic flower holder"],
    "Watch": ["thing you wear on your wrist", "thing that tells time on your wrist", "wrist timepiece",
              "small clock you wear"],
    "WateringCan": ["thing you water plants with", "can with a spout for plants", "container for watering flowers"],
    "WineBottle": ["bottle of red", "bottle you pour a glass of red from", "tall dark bottle of red",
                   "green bottle of white"],
    # receptacles and lights
    "ArmChair": ["comfy chair with arms", "big soft chair", "padded chair with armrests"],
    "Bed": ["place you sleep", "thing you sleep on", "big soft thing you sleep on"],
    "Cabinet": ["storage cupboard with a door", "cupboard with doors", "thing with doors on the wall"],
    "CoffeeMachine": ["machine that makes coffee", "thing that brews coffee", "coffee brewing machine"],
    "CounterTop": ["flat work surface in the kitchen", "kitchen work surface", "long flat surface by the sink"],
    "Desk": ["table you work at", "table where the computer is", "work table"],
    "DeskLamp": ["little lamp on the desk", "small lamp on the table", "lamp on the desk"],
    "DiningTable": ["table you eat at", "table where you eat dinner", "big table with chairs"],
    "Drawer": ["pull out box in a cabinet", "little sliding box under the counter"],
    "Dresser": ["piece of furniture with drawers for clothes", "bedroom furniture with drawers"],
    "FloorLamp": ["tall lamp that stands on the floor", "tall lamp on a stand", "lamp on the floor", "lamp on a pole"],
    "Fridge": ["cold box for food", "thing that keeps food cold", "big cold appliance",
               "appliance that keeps food cold"],
    "GarbageCan": ["thing you throw rubbish in", "container for garbage", "can for waste"],
    "Microwave": ["appliance that heats food", "box that heats food", "machine you warm food in"],
    "Ottoman": ["padded stool you rest your feet on", "cushioned stool for feet", "soft stool for your feet"],
    "Safe": ["locked metal box", "metal box with a lock", "box with a combination lock"],
    "Shelf": ["flat board on the wall", "rack on the wall", "board for books on the wall"],
    "SideTable": ["little table next to the bed", "small table beside the couch",
                  "small table at the end of the sofa"],
    "SinkBasin": ["place under the tap you wash dishes in", "place you wash dishes",
                  "spot with running water for the dishes"],
    "Sofa": ["long soft seat", "big soft seat for three", "long padded seat in the living room"],
    "StoveBurner": ["thing with rings you heat pans on", "hot plate for pans", "ring on the cooker"],
    "Toilet": ["thing you flush", "porcelain seat in the bathroom", "thing you sit on in the bathroom"],
    "BathtubBasin": ["thing you take a bubble soak in", "big tub you bathe in"],
    "CoffeeTable": ["low table in front of the couch", "low table by the sofa", "table in front of the couch"],
}

# Head words that start a description: the thing is said by what it is like, not named.
HEADS = frozenset("""thing things object objects item items stuff fruit fruits vegetable vegetables veggie veggies
utensil utensils tool tools container containers device devices gadget gadgets appliance cookware silverware
cutlery dishware furniture machine vessel""".split())
# Words that say nothing about which thing it is.
STOP = frozenset("""a an the of with that you your for from in on to and is it its which can one this some
at by into made has have use used like""".split())
MIN_SCORE = 0.5  # a description with no name needs a telling word (or a few shared ones) to name a type
ALTERNATIVE_SCORE = 1.0  # a name's describing words must say more to add a type the name does not name
KEEP = 0.5  # types within this share of the best score stay candidates


@dataclass(frozen=True)
class Described:
    """A described object: its words and the types it may be, best first, with scores."""

    start: int
    end: int
    types: tuple[str, ...]
    scores: tuple[float, ...]


def _stem(word: str) -> str:
    for suffix in ("es", "s"):
        if len(word) > 4 and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=1)
def word_weights() -> dict[str, dict[str, float]]:
    """word (stemmed) -> {type: weight}: 1 / how many types' descriptions use the word."""
    users: dict[str, set[str]] = {}
    for type_name, phrases in DESCRIPTIONS.items():
        for phrase in phrases:
            for w in phrase.replace("'", " ").split():
                if w not in STOP:
                    users.setdefault(_stem(w), set()).add(type_name)
    return {w: {t: 1.0 / len(ts) for t in ts} for w, ts in users.items()}


@lru_cache(maxsize=1)
def description_words() -> frozenset[str]:
    """Every word of every description, as written."""
    return frozenset(w for phrases in DESCRIPTIONS.values() for p in phrases for w in p.replace("'", " ").split())


def score_types(words: list[str]) -> list[tuple[str, float]]:
    """Types by how well the words describe them, best first (scores above zero)."""
    table = word_weights()
    scores: dict[str, float] = {}
    for w in {_stem(w) for w in words if w not in STOP}:
        for t, weight in table.get(w, {}).items():
            scores[t] = scores.get(t, 0.0) + weight
    return sorted(scores.items(), key=lambda x: (-x[1], x[0]))


def _ranked(words: list[str]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    scored = score_types(words)
    if not scored or scored[0][1] < MIN_SCORE:
        return (), ()
    best = scored[0][1]
    kept = [(t, s) for t, s in scored if s >= KEEP * best][:4]
    return tuple(t for t, _ in kept), tuple(round(s, 3) for _, s in kept)


DETERMINERS = frozenset("a an the this that these those some my your our his her".split())
CLAUSE_OPENERS = frozenset("with that which you we i having without".split())
BREAKS = frozenset("""and then but or so not instead rather put place set take grab get bring move carry leave
drop""".split())


def phrase_bounds(words: list[str], sentence: list[int], start: int, end: int, taken: list[bool]) -> tuple[int, int]:
    """The noun phrase around words[start:end]: modifiers before it back to a determiner,
    and a clause after it that opens with "with", "that", "you", ... up to a conjunction,
    a verb of placing, a name or the sentence's end."""
    lo = start
    while lo > 0 and lo - start > -3 and sentence[lo - 1] == sentence[start] and not taken[lo - 1] \
            and words[lo - 1] not in DETERMINERS and words[lo - 1] not in BREAKS:
        lo -= 1
    hi = end
    if hi < len(words) and words[hi] in CLAUSE_OPENERS:
        while hi < len(words) and hi - end < 8 and sentence[hi] == sentence[start] and not taken[hi] \
                and words[hi] not in BREAKS:
            hi += 1
        while hi > end and words[hi - 1] in STOP:  # "the wax stick with a wick on the (counter)"
            hi -= 1
    return lo, hi


def find_descriptions(words: list[str], sentence: list[int], taken: list[bool]) -> list[Described]:
    """Descriptions that start at a head word ("thing", "fruit", ...) outside any name."""
    found = []
    i = 0
    while i < len(words):
        if words[i] in HEADS and not taken[i]:
            lo, hi = phrase_bounds(words, sentence, i, i + 1, taken)
            types, scores = _ranked(words[lo:hi])
            if types:
                found.append(Described(lo, hi, types, scores))
                i = hi
                continue
        i += 1
    return found


def described_alternatives(words: list[str], sentence: list[int], taken: list[bool], start: int,
                           end: int) -> list[tuple[str, float]]:
    """(type, score) of the types the words around a name describe (its modifiers and
    its clause, not the name itself), best first."""
    lo, hi = phrase_bounds(words, sentence, start, end, taken)
    return score_types(words[lo:start] + words[end:hi])
