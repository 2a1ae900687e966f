"""The catalogue of object types: AI2-THOR's names and the properties ALFRED relies on.

One table, read top to bottom, so that a reader sees every type and what it can do in
one place. Everything else in the simulator asks this module, never a hard-coded list.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

# Flags: P pickupable, R receptacle, O openable, T toggleable, S sliceable,
# H heatable, C coolable, W washable (cleanable), L light source.
# Columns: name, flags, half extent of the footprint (m), height of the centre (m),
# colour (hex, for maps and frames), room types it belongs to (k l b t).
_TABLE = """
# food
Apple           P S H C W   0.05 0.95 c8232c k
AppleSliced     P H C W     0.04 0.93 e8a33c k
Bread           P S H C     0.10 0.98 c68642 k
BreadSliced     P H C       0.06 0.95 e0b06a k
Egg             P S H C W   0.03 0.94 f2ead8 k
EggCracked      P H C       0.04 0.92 f6d55c k
Lettuce         P S C W     0.10 0.98 5caa3a k
LettuceSliced   P C W       0.06 0.94 8fd16a k
Potato          P S H C W   0.05 0.95 a57c4f k
PotatoSliced    P H C W     0.04 0.93 d8b98a k
Tomato          P S H C W   0.05 0.95 e0402c k
TomatoSliced    P H C W     0.04 0.93 f06a50 k
# kitchen tools and dishes
Knife           P W         0.12 0.92 b8c0c8 k
ButterKnife     P W         0.10 0.92 c8ccd0 k
Fork            P W         0.08 0.92 a8b0b8 k
Spoon           P W         0.08 0.92 a0a8b0 k
Spatula         P W         0.12 0.92 404040 k
Ladle           P W         0.12 0.92 909090 k
Bowl            P R H C W   0.08 0.94 4a78c8 k l
Plate           P R H C W   0.11 0.92 e6e6f0 k l
Mug             P R H C W   0.05 0.95 d05a2a k b
Cup             P R H C W   0.04 0.95 60b0e0 k
Pot             P R C W     0.13 0.98 505860 k
Pan             P R C W     0.14 0.94 303438 k
Kettle          P W         0.09 1.00 b04030 k
SaltShaker      P           0.03 0.95 f0f0f0 k
PepperShaker    P           0.03 0.95 303030 k
WineBottle      P C         0.04 1.05 5a1a3a k
Glassbottle     P C         0.04 1.03 60a080 k
SoapBottle      P           0.04 1.00 f0a0c0 k t
DishSponge      P W         0.05 0.92 f0e040 k t
PaperTowelRoll  P           0.06 1.00 f8f8f0 k
SprayBottle     P           0.04 1.00 40a0f0 t
# bedroom, living room, office things
Book            P O         0.11 0.80 7a3a9a l b
CreditCard      P           0.04 0.80 2a6af0 l b
KeyChain        P           0.03 0.80 c0a040 l b
Pen             P           0.07 0.80 1a1a8a l b
Pencil          P           0.07 0.80 e0c020 l b
CellPhone       P T         0.05 0.80 202020 l b
Laptop          P O T       0.17 0.80 505058 l b
RemoteControl   P           0.07 0.60 303030 l
Newspaper       P           0.14 0.60 d8d8c8 l
Watch           P           0.03 0.80 c0c0c8 l b
CD              P           0.05 0.80 d0d8e8 l b
AlarmClock      P           0.06 0.80 c03030 b
Pillow          P           0.22 0.50 f0e0c0 l b
Box             P R         0.16 0.70 b08850 l b
Statue          P           0.08 0.90 8890a0 l
Vase            P           0.07 0.90 3a8ab0 l
TissueBox       P           0.08 0.80 80c0e0 l t
WateringCan     P           0.12 0.30 40a040 l
Candle          P           0.03 0.90 f0e8c0 l t
TeddyBear       P           0.15 0.50 a06030 b
BasketBall      P           0.12 0.12 e06020 b
BaseballBat     P           0.40 0.40 c09050 b
TennisRacket    P           0.30 0.50 30a030 b
# bathroom things
SoapBar         P W         0.04 0.90 f8e8f0 t
ToiletPaper     P           0.06 0.80 fafafa t
Cloth           P W         0.12 0.85 e070a0 t
HandTowel       P           0.12 1.20 70c0c0 t
Towel           P           0.25 1.20 80a0e0 t
Plunger         P           0.10 0.30 802020 t
ScrubBrush      P           0.08 0.30 4060a0 t
# furniture and appliances that hold things
CounterTop      R           1.25 0.90 8a8a80 k t
DiningTable     R           0.60 0.75 8a5a2a k l
Cabinet         R O         0.35 0.50 a07840 k t
Drawer          R O         0.40 0.60 b08850 k l b t
Fridge          R O C       0.40 0.90 d8dce0 k
Microwave       R O T H     0.30 1.20 606468 k
StoveBurner     R H         0.15 0.92 202020 k
Sink            R           0.40 0.85 b8c0c8 k t
SinkBasin       R           0.30 0.82 a0b0c0 k t
CoffeeMachine   R T         0.15 1.00 402a20 k
Toaster         R T         0.12 1.00 c0c0c0 k
GarbageCan      R           0.18 0.20 506050 k l b t
Shelf           R           0.50 1.00 9a7040 k l b t
SideTable       R           0.35 0.60 8a6030 l b
CoffeeTable     R           0.55 0.40 7a5030 l
Desk            R           0.75 0.75 9a7040 b
Dresser         R           0.55 0.80 9a6030 l b
TVStand         R           0.60 0.50 403028 l
Sofa            R           0.90 0.40 6a3a8a l
ArmChair        R           0.45 0.45 7a4a9a l
Ottoman         R           0.35 0.35 8a5a9a l
Bed             R           1.00 0.50 c0a0a0 b
Safe            R O         0.25 0.30 505050 b l
Bathtub         R           0.90 0.40 f0f0f8 t
BathtubBasin    R           0.80 0.35 d8e8f8 t
Toilet          R           0.35 0.40 f8f8f8 t
ToiletPaperHanger R         0.10 0.80 c0c0c0 t
TowelHolder     R           0.30 1.20 c0c0c0 t
HandTowelHolder R           0.15 1.30 c0c0c0 t
Cart            R           0.40 0.50 a0a0a8 t
LaundryHamper   R           0.25 0.30 a08060 b
# switches, lights and fixtures
Faucet          T           0.10 1.00 c0c8d0 k t
StoveKnob       T           0.04 0.95 202020 k
LightSwitch     T           0.05 1.30 f0f0f0 k l b t
DeskLamp        T L         0.10 1.00 f0d040 l b
FloorLamp       T L         0.15 0.80 f0c030 l b
Television      T           0.50 1.00 101010 l
ShowerHead      T           0.10 1.80 c0c0c0 t
Blinds          O           0.50 1.60 e0e0d0 k b
Window          -           0.50 1.50 a0d0f0 k l b t
Painting        -           0.40 1.60 c08060 l b
HousePlant      -           0.20 0.60 2a8a2a k l
Mirror          -           0.40 1.50 d0e8f0 b t
Chair           -           0.25 0.45 8a6a4a k l b
Stool           -           0.20 0.40 7a5a3a k
"""

# What each receptacle type accepts, by groups of pickupable types. A receptacle type
# that names a type outright (ToiletPaperHanger) accepts only that.
GROUPS = {
    "produce": "Apple Bread Egg Lettuce Potato Tomato",
    "slices": "AppleSliced BreadSliced EggCracked LettuceSliced PotatoSliced TomatoSliced",
    "utensils": "Knife ButterKnife Fork Spoon Spatula Ladle",
    "dishes": "Bowl Plate Mug Cup",
    "cookware": "Pot Pan Kettle",
    "condiments": "SaltShaker PepperShaker SoapBottle DishSponge WineBottle Glassbottle PaperTowelRoll SprayBottle",
    "pocket": "CreditCard KeyChain Pen Pencil CellPhone Watch CD RemoteControl",
    "decor": "AlarmClock Candle Statue Vase TissueBox Book Newspaper Box Laptop WateringCan",
    "soft": "Pillow Cloth HandTowel Towel TeddyBear",
    "bath": "SoapBar SoapBottle ToiletPaper SprayBottle Cloth Plunger ScrubBrush Candle TissueBox HandTowel DishSponge",
    "sports": "BasketBall BaseballBat TennisRacket",
}

_ACCEPTS = {
    "CounterTop": "produce slices utensils dishes cookware condiments pocket decor bath soft",
    "DiningTable": "produce slices utensils dishes cookware condiments pocket decor bath soft",
    "Cabinet": "produce slices utensils dishes cookware condiments pocket decor bath Cloth HandTowel",
    "Drawer": "utensils condiments pocket decor bath Cloth HandTowel slices",
    "Fridge": "produce slices dishes Pot Pan WineBottle Glassbottle",
    "Microwave": "produce slices dishes",
    "StoveBurner": "cookware",
    "Sink": "produce slices utensils dishes cookware DishSponge SoapBar Cloth HandTowel WineBottle Glassbottle SoapBottle",
    "SinkBasin": "produce slices utensils dishes cookware DishSponge SoapBar Cloth HandTowel WineBottle Glassbottle SoapBottle",
    "CoffeeMachine": "Mug Cup",
    "Toaster": "BreadSliced",
    "GarbageCan": "produce slices pocket condiments bath Newspaper Mug Cup Pen Pencil Candle Cloth",
    "Shelf": "produce slices utensils dishes cookware condiments pocket decor bath soft",
    "SideTable": "produce slices utensils dishes cookware condiments pocket decor bath soft sports",
    "CoffeeTable": "produce slices utensils dishes condiments pocket decor soft",
    "Desk": "produce slices utensils dishes condiments pocket decor soft sports",
    "Dresser": "produce slices utensils dishes condiments pocket decor bath soft sports",
    "TVStand": "pocket decor dishes",
    "Sofa": "pocket decor soft sports",
    "ArmChair": "pocket decor soft sports",
    "Ottoman": "pocket decor soft sports",
    "Bed": "pocket decor soft sports",
    "Safe": "pocket decor",
    "Bathtub": "bath",
    "BathtubBasin": "bath",
    "Toilet": "bath",
    "ToiletPaperHanger": "ToiletPaper",
    "TowelHolder": "Towel",
    "HandTowelHolder": "HandTowel",
    "Cart": "bath Towel",
    "LaundryHamper": "Cloth Towel",
    "Bowl": "produce slices utensils pocket Candle Statue Vase TissueBox DishSponge",
    "Plate": "produce slices utensils pocket Candle Statue Vase TissueBox DishSponge Glassbottle",
    "Mug": "slices utensils Pen Pencil KeyChain CreditCard CD Watch CellPhone Candle Statue Vase DishSponge Potato Tomato Apple Egg",
    "Cup": "slices utensils Pen Pencil KeyChain CreditCard CD Watch CellPhone Candle Statue Vase DishSponge Potato Tomato Apple Egg",
    "Pot": "produce slices utensils DishSponge",
    "Pan": "produce slices utensils DishSponge",
    "Box": "pocket decor slices utensils DishSponge Potato Tomato Apple Egg",
}

# How many pieces slicing makes, and what they are called.
SLICES = {"Apple": 4, "Bread": 6, "Lettuce": 5, "Potato": 4, "Tomato": 5, "Egg": 1}
SLICED_NAME = {"Egg": "EggCracked"}

# How many objects a receptacle holds; any other holds up to DEFAULT_CAPACITY.
CAPACITY = {
    "Mug": 1, "Cup": 1, "Bowl": 3, "Plate": 4, "Pot": 4, "Pan": 4, "Box": 6,
    "StoveBurner": 1, "CoffeeMachine": 1, "Toaster": 2, "ToiletPaperHanger": 1,
    "TowelHolder": 1, "HandTowelHolder": 1, "Microwave": 3,
}
DEFAULT_CAPACITY = 40

ROOM_TYPES = ("kitchen", "living_room", "bedroom", "bathroom")
_ROOM_LETTERS = {"k": "kitchen", "l": "living_room", "b": "bedroom", "t": "bathroom"}

# Hold one of these to use SliceObject.
SLICING_TOOLS = ("Knife", "ButterKnife")


@dataclass(frozen=True)
class ObjectType:
    """What every object of one AI2-THOR type can do."""

    name: str
    index: int
    pickupable: bool
    receptacle: bool
    openable: bool
    toggleable: bool
    sliceable: bool
    heatable: bool
    coolable: bool
    washable: bool
    light: bool
    half_extent: float
    height: float
    colour: tuple[int, int, int]
    rooms: tuple[str, ...]
    accepts: frozenset[str] = field(default_factory=frozenset)

    @property
    def capacity(self) -> int:
        return CAPACITY.get(self.name, DEFAULT_CAPACITY) if self.receptacle else 0

    @property
    def movable_receptacle(self) -> bool:
        return self.pickupable and self.receptacle

    @property
    def sliced_name(self) -> str | None:
        return SLICED_NAME.get(self.name, self.name + "Sliced") if self.sliceable else None


def _expand(spec: str) -> frozenset[str]:
    names: set[str] = set()
    for word in spec.split():
        names.update(GROUPS[word].split() if word in GROUPS else [word])
    return frozenset(names)


def _parse_table() -> dict[str, ObjectType]:
    types: dict[str, ObjectType] = {}
    for line in _TABLE.strip().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        words = line.split()
        name, rest = words[0], words[1:]
        flags = set()
        while rest and not rest[0][0].isdigit():
            flags.update(rest.pop(0))
        half, height, colour, rooms = float(rest[0]), float(rest[1]), rest[2], rest[3:]
        types[name] = ObjectType(
            name=name,
            index=len(types) + 1,  # 0 means "nothing" in observations
            pickupable="P" in flags,
            receptacle="R" in flags,
            openable="O" in flags,
            toggleable="T" in flags,
            sliceable="S" in flags,
            heatable="H" in flags,
            coolable="C" in flags,
            washable="W" in flags,
            light="L" in flags,
            half_extent=half,
            height=height,
            colour=(int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)),
            rooms=tuple(_ROOM_LETTERS[r] for r in rooms),
            accepts=_expand(_ACCEPTS.get(name, "")),
        )
    return types


OBJECT_TYPES: dict[str, ObjectType] = _parse_table()
TYPE_NAMES: tuple[str, ...] = tuple(OBJECT_TYPES)
NUM_TYPES = len(TYPE_NAMES)


LIGHT_TYPES: tuple[str, ...] = tuple(n for n, t in OBJECT_TYPES.items() if t.light)

# Names of several types at once, for a skill call written from words alone: "the lamp"
# may be a DeskLamp or a FloorLamp, and the agent turns on whichever lamp the room has.
TYPE_FAMILIES: dict[str, tuple[str, ...]] = {"Lamp": LIGHT_TYPES}


def types_named(name: str) -> tuple[str, ...]:
    """The types a skill argument names: a family's types, else the type itself."""
    return TYPE_FAMILIES.get(name, (name,))


def _check_table() -> None:
    for name, spec in _ACCEPTS.items():
        if name not in OBJECT_TYPES or not OBJECT_TYPES[name].receptacle:
            raise ValueError(f"accepts table names {name!r}, which is not a receptacle type")
        unknown = _expand(spec) - set(OBJECT_TYPES)
        if unknown:
            raise ValueError(f"{name} accepts unknown types {sorted(unknown)}")
    for name, t in OBJECT_TYPES.items():
        if t.receptacle and not t.accepts:
            raise ValueError(f"receptacle {name} accepts nothing")
        if t.sliceable and t.sliced_name not in OBJECT_TYPES:
            raise ValueError(f"{name} slices into unknown type {t.sliced_name}")


_check_table()


def object_type(name: str) -> ObjectType:
    """The type called `name`, or a clear error that suggests the nearest names."""
    try:
        return OBJECT_TYPES[name]
    except KeyError:
        close = difflib.get_close_matches(str(name), TYPE_NAMES, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ValueError(
            f"unknown object type {name!r}: expected one of the {NUM_TYPES} AI2-THOR "
            f"types (Apple, Fridge, CounterTop, ...){hint}"
        ) from None


def type_of_id(object_id: str) -> str:
    """AI2-THOR ids start with the type: 'Apple|+01.00|+00.90|-00.50' -> 'Apple'; a
    slice names its own type last: 'Apple|...|AppleSliced_1' -> 'AppleSliced'."""
    parts = object_id.split("|")
    return parts[-1].split("_")[0] if len(parts) == 5 else parts[0]
