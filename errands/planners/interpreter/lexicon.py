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
from dataclasses import dataclass, replace
from functools import lru_cache

from ...envs.household.object_types import OBJECT_TYPES
from ...envs.tasks.instructions import SLICE_PHRASES, SLICE_WORDS, SYNONYMS, type_words
from ...envs.transforms import TRANSFORMS
from .descriptions import ALTERNATIVE_SCORE, described_alternatives, description_words, find_descriptions

# Names people use that the templates do not. Written from how people describe these
# objects; a name may stand for several types ("lamp", "table"): the scene decides.
EVERYDAY_NAMES = {
    "AlarmClock": ["alarm clock", "clock", "alarm", "digital clock", "bedside clock", "clock radio"],
    "Apple": ["apple"],
    "ArmChair": ["armchair", "chair", "recliner", "easy chair", "lounge chair", "accent chair", "arm chair",
                 "reading chair"],
    "BaseballBat": ["baseball bat", "bat", "wooden bat", "softball bat", "ball bat"],
    "BasketBall": ["basketball", "ball", "basket ball"],
    "BathtubBasin": ["bathtub", "tub", "bath tub", "bath"],
    "Bed": ["bed", "mattress", "double bed", "single bed", "king bed", "queen bed", "bunk"],
    "Book": ["book", "novel", "textbook", "hardcover", "paperback", "cookbook", "hardback", "storybook",
             "recipe book"],
    "Bowl": ["bowl", "cereal bowl", "soup bowl", "salad bowl", "mixing bowl"],
    "Box": ["box", "cardboard box", "carton", "package", "parcel", "shoebox", "shoe box"],
    "Bread": ["bread", "loaf", "loaf of bread", "baguette", "bread loaf"],
    "ButterKnife": ["butter knife", "dinner knife", "table knife", "spreader", "spreading knife"],
    "Cabinet": ["cabinet", "cupboard", "cabinets", "cupboards", "kitchen cabinet", "pantry", "cupboard door",
                "storage cabinet", "wall cabinet"],
    "Candle": ["candle"],
    "Cart": ["cart", "trolley", "rolling cart", "utility cart", "bar cart", "kitchen cart", "serving cart"],
    "CD": ["cd", "disc", "compact disc", "dvd", "disk", "cd case", "music cd", "cd-rom"],
    "CellPhone": ["cell phone", "cellphone", "phone", "smartphone", "smart phone", "mobile phone", "mobile", "iphone",
                  "telephone", "handset", "cell"],
    "Cloth": ["cloth", "rag", "washcloth", "wash cloth", "cleaning cloth", "dishcloth", "dish cloth", "dish rag",
              "duster", "washrag", "face cloth", "dust rag"],
    "CoffeeMachine": ["coffee machine", "coffee maker", "coffeemaker", "espresso machine", "coffee brewer", "keurig"],
    "CoffeeTable": ["coffee table", "table", "low table", "living room table", "center table", "centre table",
                    "cocktail table"],
    "CounterTop": ["counter", "countertop", "counter top", "kitchen counter", "worktop", "island",
                   "kitchen island", "bench top", "benchtop", "kitchen bench", "work surface", "counters"],
    "CreditCard": ["credit card", "card", "bank card", "debit card", "gift card", "id card", "plastic card"],
    "Cup": ["cup", "glass", "drinking glass", "tumbler", "water glass", "plastic cup", "paper cup", "goblet",
            "glass cup"],
    "Desk": ["desk", "writing desk", "work desk", "computer desk", "study desk", "office desk", "study table",
             "work table"],
    "DeskLamp": ["desk lamp", "lamp", "table lamp", "reading lamp", "desk light", "bedside lamp", "small lamp",
                 "little lamp", "study lamp"],
    "DiningTable": ["dining table", "table", "kitchen table", "dinner table", "dining room table", "breakfast table",
                    "eating table"],
    "DishSponge": ["dish sponge", "sponge", "scrubber", "scouring pad", "scrub pad", "kitchen sponge",
                   "scrubbing sponge"],
    "Drawer": ["drawer", "drawers"],
    "Dresser": ["dresser", "chest of drawers", "bureau", "chest", "drawer unit", "dressing table"],
    "Egg": ["egg", "chicken egg"],
    "FloorLamp": ["floor lamp", "lamp", "tall lamp", "floor light", "standing lamp", "standard lamp", "torchiere",
                  "big lamp"],
    "Faucet": ["faucet", "tap", "water tap", "spigot"],
    "Fork": ["fork", "dinner fork", "salad fork", "table fork"],
    "Fridge": ["fridge", "refrigerator", "freezer", "icebox", "ice box", "fridge freezer"],
    "GarbageCan": ["garbage can", "trash can", "trash", "trashcan", "garbage", "bin", "trash bin", "waste bin",
                   "wastebasket", "waste basket", "rubbish bin", "garbage bin", "recycling bin",
                   # what people say instead of naming it
                   "throw away", "throw it away", "throw them away", "throw out", "throw it out", "toss it",
                   "discard", "waste paper basket", "wastepaper basket", "dustbin", "bin bag", "litter bin",
                   "trash basket"],
    "Glassbottle": ["glass bottle", "bottle", "empty bottle", "glass jar"],
    "HandTowel": ["hand towel", "small towel", "face towel"],
    "HandTowelHolder": ["hand towel holder", "hand towel ring", "towel ring"],
    "Kettle": ["kettle", "tea kettle", "teapot", "tea pot"],
    "KeyChain": ["key chain", "keychain", "keys", "key", "key ring", "keyring", "set of keys", "car keys",
                 "house keys", "bunch of keys", "key fob"],
    "Knife": ["knife", "kitchen knife", "big knife", "sharp knife", "chef's knife", "chef knife", "carving knife",
              "bread knife", "cleaver", "blade", "paring knife"],
    "Ladle": ["ladle", "gold spoon", "serving spoon", "soup ladle", "big spoon", "large spoon", "dipper",
              "serving ladle"],
    "Laptop": ["laptop", "laptop computer", "computer", "notebook", "macbook", "pc", "notebook computer"],
    "LaundryHamper": ["laundry hamper", "hamper", "laundry basket", "clothes hamper"],
    "Lettuce": ["lettuce", "head of lettuce", "cabbage", "salad", "greens", "iceberg", "romaine", "iceberg lettuce"],
    "Microwave": ["microwave", "microwave oven", "nuker"],
    "Mug": ["mug", "coffee mug", "coffee cup", "tea cup", "teacup", "cup of coffee", "tea mug"],
    "Newspaper": ["newspaper", "paper", "magazine", "news paper", "daily paper"],
    "Ottoman": ["ottoman", "pouf", "footrest", "foot rest", "footstool", "foot stool", "pouffe", "hassock", "stool"],
    "Pan": ["pan", "frying pan", "skillet", "fry pan", "frypan", "wok", "griddle", "saute pan"],
    "PaperTowelRoll": ["paper towel roll", "paper towels", "paper towel", "roll of paper towels", "kitchen roll"],
    "Pen": ["pen", "ballpoint", "ink pen", "ballpoint pen", "marker", "biro", "fountain pen"],
    "Pencil": ["pencil", "colored pencil", "coloured pencil", "mechanical pencil"],
    "PepperShaker": ["pepper shaker", "pepper", "pepper grinder", "pepper pot", "shaker", "pepper mill",
                     "black pepper"],
    "Pillow": ["pillow", "cushion", "throw pillow", "couch pillow", "sofa cushion", "couch cushion", "bed pillow"],
    "Plate": ["plate", "dish", "dinner plate", "saucer", "platter", "side plate", "dinner dish"],
    "Plunger": ["plunger", "toilet plunger"],
    "Pot": ["pot", "cooking pot", "saucepan", "stock pot", "stockpot", "sauce pan", "soup pot"],
    "Potato": ["potato", "brown potato", "spud", "russet", "russet potato", "sweet potato", "yam"],
    "RemoteControl": ["remote control", "remote", "tv remote", "controller", "clicker", "tv controller", "zapper",
                      "television remote"],
    "Safe": ["safe", "lockbox", "strongbox", "lock box", "safe box", "strong box"],
    "SaltShaker": ["salt shaker", "salt", "shaker", "salt pot", "salt cellar", "salt grinder"],
    "ScrubBrush": ["scrub brush", "brush", "toilet brush", "scrubbing brush"],
    "Shelf": ["shelf", "shelves", "shelving", "bookshelf", "book shelf", "bookcase", "shelving unit", "wall shelf",
              "ledge"],
    "SideTable": ["side table", "nightstand", "night stand", "bedside table", "night table", "small table",
                  "table", "end table", "accent table", "lamp table"],
    "Sink": ["sink"],
    "SinkBasin": ["sink", "sink basin", "basin", "wash basin", "washbasin", "kitchen sink", "bathroom sink"],
    "SoapBar": ["soap bar", "bar of soap", "soap", "bar soap", "soap cake"],
    "SoapBottle": ["soap bottle", "soap dispenser", "hand soap", "liquid soap", "bottle of soap", "soap", "dish soap",
                   "shampoo", "shampoo bottle", "lotion", "body wash", "soap pump", "hand wash"],
    "Sofa": ["sofa", "couch", "settee", "loveseat", "love seat", "sectional", "futon"],
    "Spatula": ["spatula", "turner", "flipper", "pancake turner", "egg flipper", "fish slice"],
    "Spoon": ["spoon", "teaspoon", "soup spoon", "tablespoon", "dessert spoon", "table spoon", "tea spoon"],
    "SprayBottle": ["spray bottle", "sprayer", "spray", "cleaning spray", "spray cleaner", "spritzer",
                    "squirt bottle", "windex", "mister", "spray can"],
    "Statue": ["statue", "figurine", "statuette", "sculpture", "little statue", "figure", "ornament", "trinket",
               "knick knack", "knickknack", "bust", "small statue"],
    "StoveBurner": ["stove burner", "stove", "burner", "cooktop", "stovetop", "stove top", "hob", "range",
                    "gas stove", "cooker", "burners", "range top", "gas burner", "stove ring"],
    "TeddyBear": ["teddy bear", "teddy", "stuffed bear", "stuffed animal", "bear"],
    "TennisRacket": ["tennis racket", "racket", "racquet", "tennis racquet", "tennis bat"],
    "TissueBox": ["tissue box", "box of tissues", "tissues", "tissue", "kleenex", "kleenex box", "tissue packet"],
    "Toaster": ["toaster"],
    "Toilet": ["toilet", "toilet bowl", "commode", "loo", "lavatory", "toilet seat", "toilet tank"],
    "ToiletPaper": ["toilet paper", "toilet roll", "roll of toilet paper", "tp", "toilet paper roll",
                    "loo roll", "bathroom tissue", "toilet tissue", "bog roll"],
    "ToiletPaperHanger": ["toilet paper holder", "toilet paper hanger", "toilet roll holder", "holder",
                          "tissue holder", "paper holder", "toilet paper dispenser", "toilet roll hanger"],
    "Television": ["television", "tv", "telly", "tv set", "television set"],
    "Tomato": ["tomato", "cherry tomato", "roma tomato"],
    "Towel": ["towel", "bath towel"],
    "TowelHolder": ["towel holder", "towel rack", "towel bar", "towel rail", "holder", "rack"],
    "TVStand": ["tv stand", "television stand", "tv table", "tv cabinet", "entertainment center", "tv console"],
    "Vase": ["vase", "flower vase", "urn", "flower pot", "flowerpot"],
    "Watch": ["watch", "wristwatch", "wrist watch", "timepiece", "wrist-watch"],
    "WateringCan": ["watering can", "watering pot", "plant waterer", "sprinkling can", "water can"],
    "WineBottle": ["wine bottle", "bottle of wine", "wine", "bottle of red", "red wine", "white wine",
                   "wine bottles"],
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
spill spilled spilt broken greasy sticky messy tidy tidying dusty
holding good load carrying
""".split())


@dataclass(frozen=True)
class Mention:
    """Words of the instruction that name one or more object types."""

    start: int  # first word's index
    end: int  # one past the last word's index
    text: str
    types: tuple[str, ...]  # every type the words can name (or, with no name, describe)
    corrected: bool  # a word of it was a misspelling
    described: tuple[str, ...] = ()  # the types the words around it describe, best first (descriptions.py)
    named: bool = True  # False for a description with no name in it ("the thing with prongs")
    added: tuple[str, ...] = ()  # the types a name's description adds to those the name names


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


def within(a: str, b: str, limit: int) -> bool:
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


# Transform words people use beyond the transform table's.
MORE_TRANSFORM_WORDS = {
    "heat": ("bake", "toast", "reheat", "zap", "nuke", "baked", "toasted", "reheated", "zapped", "nuked", "boil",
             "boiled", "roast", "roasted", "heating", "warming", "cooking", "microwaving", "toasting", "baking"),
    "cool": ("freeze", "frozen", "froze", "iced", "cooling", "chilling", "refrigerating", "freezing"),
    "clean": ("soak", "soaked", "cleaning", "rinsing", "washing", "scrubbing"),
}
# The transform words are words, not misspelt names ("refrigerate" is two letters from
# "refrigerator" and means cool it; "nuke" is not a misspelt "nuker").
TRANSFORM_WORDS = frozenset([w for t in TRANSFORMS for w in t.all_words()] +
                            [w for words in MORE_TRANSFORM_WORDS.values() for w in words])
# The slice words of the project's tables (the readers' SLICE_WORDS and the slice
# phrases' nouns): words too, not misspelt names ("wedge" is one letter from "ledge").
CUT_WORDS = frozenset(SLICE_WORDS) | frozenset(w for phrases in SLICE_PHRASES.values() for p in phrases
                                               for w in p.replace("{name}", "").split() if w not in ("a", "of"))


@lru_cache(maxsize=4096)
def correct(word: str) -> str:
    """The name word a misspelt word stands for, or the word itself (a word of a
    description is a word, not a misspelt name: "tines" is no "wines")."""
    known = name_words()
    if word in known or word in COMMON_WORDS or word in TRANSFORM_WORDS or word in CUT_WORDS \
            or word in description_words() \
            or len(word) < 4 or word.isdigit():
        return word
    for i in range(1, len(word)):  # a letter typed twice ("boxx", "cupp"): a short name too
        if word[i] == word[i - 1] and word[:i] + word[i + 1:] in known:
            return word[:i] + word[i + 1:]
    for limit in range(1, (1 if len(word) < 7 else 2) + 1):  # the nearest names first
        best = [w for w in sorted(known) if len(w) >= 4 and within(word, w, limit)]
        if best:
            return best[0]
    return word


def find_mentions(words: list[str], sentence: list[int] | None = None) -> list[Mention]:
    """The longest names first, each word in at most one mention; then the descriptions
    (descriptions.py): a name gains the types the words around it describe, and a
    description with no name ("the round red fruit") is a mention of its own. In word
    order. `sentence` is each word's sentence number (one sentence when not given)."""
    fixed = [correct(w) for w in words]
    sentence = sentence if sentence is not None else [0] * len(words)
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
    found = [_with_description(fixed, sentence, taken, m) for m in found]
    for d in find_descriptions(fixed, sentence, taken):
        found.append(Mention(d.start, d.end, " ".join(words[d.start:d.end]), d.types, False, d.types, named=False))
    return sorted(found, key=lambda m: m.start)


def _with_description(words: list[str], sentence: list[int], taken: list[bool], m: Mention) -> Mention:
    """The name's types in the order the words around it describe them (the black
    shaker: pepper first), then the types they describe well that the name does not
    (the metal bowl with handles: a pot), of the same sort (a thing to pick up, or not)."""
    scored = [(t, s) for t, s in described_alternatives(words, sentence, taken, m.start, m.end)]
    if not scored:
        return m
    score = dict(scored)
    pickup = {OBJECT_TYPES[t].pickupable for t in m.types}
    own = sorted(m.types, key=lambda t: -score.get(t, 0.0))
    extra = [t for t, s in scored if t not in m.types and s >= ALTERNATIVE_SCORE
             and OBJECT_TYPES[t].pickupable in pickup]
    described = tuple(t for t, _ in scored if t in own or t in extra)
    return replace(m, types=tuple(own + extra), described=described, added=tuple(extra))
