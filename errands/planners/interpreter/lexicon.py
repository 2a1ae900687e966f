"""Which object types an instruction names, and where: the words people use for each
type, matched with some tolerance for typos.

The names come from three places: each type's own words ("CreditCard" -> "credit card"),
the instruction templates' synonyms, and the everyday names people use that the templates
do not (`EVERYDAY_NAMES`: "keys" for a KeyChain, "trash" for a GarbageCan, "gold spoon"
for a Ladle, as ALFRED's annotators wrote). The templates' synonyms include those of the
novel phrasing set, as the rule-based reader's always have ("bin", "kitchen counter" and
"wine" are everyday words too): what that split holds out from the trained model is its
sentence frames and verbs (the training data never uses them), not its object names.

A word that is not a name, is not a common instruction word, and is one or two letters
away from a name ("refridgerator", "tomatoe", "cabnet") is read as that name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ...envs.household.object_types import OBJECT_TYPES
from ...envs.tasks.instructions import SYNONYMS, type_words
from ...envs.transforms import TRANSFORMS

# Names people use that the templates do not. Written from how people describe these
# objects; a name may stand for several types ("lamp", "table"): the scene decides.
EVERYDAY_NAMES = {
    "AlarmClock": ["alarm clock", "clock", "alarm"],
    "Apple": ["apple"],
    "ArmChair": ["armchair", "chair", "recliner"],
    "BaseballBat": ["baseball bat", "bat"],
    "BasketBall": ["basketball", "ball", "basket ball"],
    "BathtubBasin": ["bathtub", "tub", "bath tub"],
    "Bed": ["bed", "mattress"],
    "Book": ["book", "novel", "textbook", "hardcover"],
    "Bowl": ["bowl"],
    "Box": ["box", "cardboard box", "carton"],
    "Bread": ["bread", "loaf", "loaf of bread"],
    "ButterKnife": ["butter knife"],
    "Cabinet": ["cabinet", "cupboard", "cabinets", "cupboards"],
    "Candle": ["candle"],
    "Cart": ["cart", "trolley", "rolling cart"],
    "CD": ["cd", "disc", "compact disc", "dvd"],
    "CellPhone": ["cell phone", "cellphone", "phone", "smartphone", "smart phone", "mobile phone"],
    "Cloth": ["cloth", "rag", "washcloth", "wash cloth", "cleaning cloth"],
    "CoffeeMachine": ["coffee machine", "coffee maker", "coffeemaker"],
    "CoffeeTable": ["coffee table", "table", "low table"],
    "CounterTop": ["counter", "countertop", "counter top", "kitchen counter", "worktop", "island",
                   "kitchen island"],
    "CreditCard": ["credit card", "card", "bank card", "debit card"],
    "Cup": ["cup", "glass", "drinking glass"],
    "Desk": ["desk", "writing desk"],
    "DeskLamp": ["desk lamp", "lamp", "table lamp", "reading lamp"],
    "DiningTable": ["dining table", "table", "kitchen table", "dinner table", "dining room table"],
    "DishSponge": ["dish sponge", "sponge"],
    "Drawer": ["drawer", "drawers"],
    "Dresser": ["dresser", "chest of drawers"],
    "Egg": ["egg"],
    "FloorLamp": ["floor lamp", "lamp", "tall lamp"],
    "Faucet": ["faucet", "tap", "water tap", "spigot"],
    "Fork": ["fork"],
    "Fridge": ["fridge", "refrigerator", "freezer"],
    "GarbageCan": ["garbage can", "trash can", "trash", "trashcan", "garbage", "bin", "trash bin", "waste bin",
                   "wastebasket", "waste basket", "rubbish bin", "garbage bin", "recycling bin",
                   # what people say instead of naming it
                   "throw away", "throw it away", "throw them away", "throw out", "throw it out", "toss it",
                   "discard"],
    "Glassbottle": ["glass bottle", "bottle"],
    "HandTowel": ["hand towel", "small towel"],
    "HandTowelHolder": ["hand towel holder", "hand towel ring", "towel ring"],
    "Kettle": ["kettle", "tea kettle", "teapot", "tea pot"],
    "KeyChain": ["key chain", "keychain", "keys", "key", "key ring", "keyring"],
    "Knife": ["knife", "kitchen knife", "big knife", "sharp knife"],
    "Ladle": ["ladle", "gold spoon", "serving spoon", "soup ladle"],
    "Laptop": ["laptop", "laptop computer", "computer", "notebook"],
    "LaundryHamper": ["laundry hamper", "hamper", "laundry basket", "clothes hamper"],
    "Lettuce": ["lettuce", "head of lettuce", "cabbage"],
    "Microwave": ["microwave", "microwave oven"],
    "Mug": ["mug", "coffee mug", "coffee cup"],
    "Newspaper": ["newspaper", "paper"],
    "Ottoman": ["ottoman", "pouf", "footrest", "foot rest"],
    "Pan": ["pan", "frying pan", "skillet"],
    "PaperTowelRoll": ["paper towel roll", "paper towels", "paper towel", "roll of paper towels", "kitchen roll"],
    "Pen": ["pen", "ballpoint", "ink pen"],
    "Pencil": ["pencil"],
    "PepperShaker": ["pepper shaker", "pepper", "pepper grinder", "pepper pot", "shaker"],
    "Pillow": ["pillow", "cushion", "throw pillow"],
    "Plate": ["plate", "dish", "dinner plate"],
    "Plunger": ["plunger"],
    "Pot": ["pot", "cooking pot", "saucepan", "stock pot"],
    "Potato": ["potato", "brown potato"],
    "RemoteControl": ["remote control", "remote", "tv remote", "controller", "clicker"],
    "Safe": ["safe", "lockbox"],
    "SaltShaker": ["salt shaker", "salt", "shaker"],
    "ScrubBrush": ["scrub brush", "brush", "toilet brush", "scrubbing brush"],
    "Shelf": ["shelf", "shelves", "shelving", "bookshelf", "book shelf"],
    "SideTable": ["side table", "nightstand", "night stand", "bedside table", "night table", "small table",
                  "table"],
    "Sink": ["sink"],
    "SinkBasin": ["sink", "sink basin", "basin", "wash basin"],
    "SoapBar": ["soap bar", "bar of soap", "soap"],
    "SoapBottle": ["soap bottle", "soap dispenser", "hand soap", "liquid soap", "bottle of soap", "soap"],
    "Sofa": ["sofa", "couch"],
    "Spatula": ["spatula", "turner", "flipper"],
    "Spoon": ["spoon", "teaspoon", "soup spoon"],
    "SprayBottle": ["spray bottle", "sprayer", "spray", "cleaning spray", "spray cleaner"],
    "Statue": ["statue", "figurine", "statuette", "sculpture", "little statue"],
    "StoveBurner": ["stove burner", "stove", "burner", "cooktop", "stovetop", "stove top", "hob", "range"],
    "TeddyBear": ["teddy bear", "teddy", "stuffed bear", "stuffed animal", "bear"],
    "TennisRacket": ["tennis racket", "racket", "racquet", "tennis racquet"],
    "TissueBox": ["tissue box", "box of tissues", "tissues", "tissue"],
    "Toaster": ["toaster"],
    "Toilet": ["toilet", "toilet bowl"],
    "ToiletPaper": ["toilet paper", "toilet roll", "roll of toilet paper", "tp", "toilet paper roll",
                    "loo roll"],
    "ToiletPaperHanger": ["toilet paper holder", "toilet paper hanger", "toilet roll holder", "holder"],
    "Television": ["television", "tv", "telly", "tv set", "television set"],
    "Tomato": ["tomato"],
    "Towel": ["towel", "bath towel"],
    "TowelHolder": ["towel holder", "towel rack", "towel bar", "towel rail", "holder", "rack"],
    "TVStand": ["tv stand", "television stand", "tv table", "tv cabinet", "entertainment center", "tv console"],
    "Vase": ["vase", "flower vase"],
    "Watch": ["watch", "wristwatch", "wrist watch"],
    "WateringCan": ["watering can", "watering pot"],
    "WineBottle": ["wine bottle", "bottle of wine", "wine"],
}

# Words of instructions that are not object names; a word among them is never read as a
# misspelt name ("place" is not "plate", "pot" is not "put").
COMMON_WORDS = frozenset("""
a an the this that these those it its it's them they their there here my your our his her some any one two
both pair couple of to in into on onto at from off out inside within under underneath below beneath above
over near by next beside with without and or then after before while so but please could would can you
will i we me us like want need should must just also too very really now first second third last next
finally again back up down around over left right front behind top bottom side middle corner end
put place set take pick grab get bring move carry leave drop go walk turn head find locate fetch hold
open close shut turn switch toggle on off slice cut chop dice clean wash rinse scrub heat warm cook
microwave cool chill cold hot warm warmed cooled heated chilled washed rinsed cleaned sliced cut piece
pieces slice slices bit look examine inspect check view study see light lights lit using use room
kitchen bathroom bedroom living thing things item items stuff something object objects nice new old
small large big little tall short red green blue yellow white black brown grey gray silver gold wooden
metal plastic glass empty full dirty clean fresh sliced whole half round square same other another
each every all few many much more most less least well done make sure ends end up away down toward
towards across through along past room floor wall window door area spot space surface table
soon later today tonight tomorrow morning evening dinner lunch breakfast guests serving served ready
water coffee juice milk food meal snack fruit vegetable drink drinks eat eating wants wanted needs needed
think thanks thank sorry mean meant sure maybe okay actually already still where which what when why
while whole half into there their these those thing something anything nothing everything someone
return store stash stow toss throw place placed putting taking picking leave leaving getting bring
sliced slicing chopped chopping washed washing rinsed heated heating cooled cooling chilled chilling
warmed warming bake baked baking toast toasted toasting cooked cooking boil boiled fried freeze frozen
cold colder warmer hotter cooler wet dry handle handles prongs wick wax shiny heavy light lighter
wipe plan form cool cook hang have make done does with your
""".split())


@dataclass(frozen=True)
class Mention:
    """Words of the instruction that name one or more object types."""

    start: int  # first word's index
    end: int  # one past the last word's index
    text: str
    types: tuple[str, ...]  # every type the words can name
    corrected: bool  # a word of it was a misspelling


def tokenize(text: str) -> list[str]:
    """Lower-case words; "it's" stays one word, "tv-stand" becomes two."""
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower())


def _plural(word: str) -> str:
    if word.endswith(("s", "sh", "ch", "x", "o")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith("f"):
        return word[:-1] + "ves"
    if word.endswith("fe"):
        return word[:-2] + "ves"
    return word + "s"


@lru_cache(maxsize=1)
def names() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Name (as words, singular and plural) -> the types it can name."""
    table: dict[tuple[str, ...], list[str]] = {}
    for type_name, obj in OBJECT_TYPES.items():
        if type_name.endswith(("Sliced", "Cracked")):
            continue
        candidates = [type_words(type_name), *SYNONYMS.get(type_name, ()), *EVERYDAY_NAMES.get(type_name, ())]
        for name in candidates:
            words = tuple(tokenize(name))
            head = words.index("of") - 1 if "of" in words[1:] else len(words) - 1  # "bottles of soap"
            for form in (words, words[:head] + (_plural(words[head]),) + words[head + 1:]):
                types = table.setdefault(form, [])
                if type_name not in types:
                    types.append(type_name)
    return {k: tuple(v) for k, v in table.items()}


@lru_cache(maxsize=1)
def name_words() -> frozenset[str]:
    """Every word of every name."""
    return frozenset(w for name in names() for w in name)


def _within(a: str, b: str, limit: int) -> bool:
    """Damerau-Levenshtein distance of a and b is at most `limit` (small words, small limits)."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[-1] <= limit


# The transform table's verbs and states are words, not misspelt names ("refrigerate" is
# two letters from "refrigerator" and means cool it).
TRANSFORM_WORDS = frozenset(w for t in TRANSFORMS for w in t.all_words())


@lru_cache(maxsize=4096)
def correct(word: str) -> str:
    """The name word a misspelt word stands for, or the word itself."""
    known = name_words()
    if word in known or word in COMMON_WORDS or word in TRANSFORM_WORDS or len(word) < 4 or word.isdigit():
        return word
    limit = 1 if len(word) < 7 else 2
    best = [w for w in sorted(known) if len(w) >= 4 and _within(word, w, limit)]
    return best[0] if best else word


def find_mentions(words: list[str]) -> list[Mention]:
    """The longest names first, each word in at most one mention, in word order."""
    fixed = [correct(w) for w in words]
    table = names()
    longest = max(len(k) for k in table)
    taken = [False] * len(words)
    found = []
    for size in range(longest, 0, -1):
        for start in range(len(words) - size + 1):
            key = tuple(fixed[start:start + size])
            if key in table and not any(taken[start:start + size]):
                for i in range(start, start + size):
                    taken[i] = True
                found.append(Mention(start, start + size, " ".join(words[start:start + size]), table[key],
                                     tuple(words[start:start + size]) != key))
    return sorted(found, key=lambda m: m.start)
