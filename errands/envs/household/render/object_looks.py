"""How the small objects one can pick up look, in primitives: a shape per type and
state, centred on x = z = 0 and standing on y = 0."""

from __future__ import annotations

from functools import lru_cache

from ..object_types import OBJECT_TYPES
from .primitives import LIT, PLAIN, Builder, Prims, shade


# --- small objects -----------------------------------------------------------------------

@lru_cache(maxsize=None)
def small_shape_and_bounds(type_name: str, is_open: bool = False, is_on: bool = False):
    shape = small_shape(type_name, is_open, is_on)
    lo, hi = shape.bounds()
    return shape, lo, hi


@lru_cache(maxsize=None)
def small_shape(type_name: str, is_open: bool = False, is_on: bool = False) -> Prims:
    """A pickupable object's shape, centred on x = z = 0 and standing on y = 0 (shared:
    do not modify the arrays)."""
    t = OBJECT_TYPES[type_name]
    c = t.colour
    b = Builder()
    n = type_name
    if n in ("Apple", "Tomato"):
        r = 0.045
        b.sphere(0, r, 0, r, c)
        b.box(-0.004, 0.004, 2 * r - 0.005, 2 * r + 0.015, -0.004, 0.004, (90, 60, 30) if n == "Apple" else (60, 140, 40))
    elif n == "Potato":
        b.sphere(-0.02, 0.035, 0, 0.035, c)
        b.sphere(0.02, 0.035, 0, 0.033, c)
    elif n == "Egg":
        b.sphere(0, 0.028, 0, 0.028, c)
    elif n == "Lettuce":
        b.sphere(0, 0.07, 0, 0.07, c)
        b.sphere(0, 0.1, 0, 0.045, shade(c, 1.25))
    elif n == "Bread":
        b.box(-0.13, 0.13, 0.0, 0.1, -0.06, 0.06, c)
        b.box(-0.12, 0.12, 0.1, 0.12, -0.05, 0.05, shade(c, 0.8))
    elif n.endswith("Sliced") or n == "EggCracked":
        b.box(-0.04, 0.04, 0.0, 0.02, -0.04, 0.04, c)
    elif n in ("Knife", "ButterKnife", "Fork", "Spoon", "Spatula", "Ladle"):
        _utensil(b, n, c)
    elif n in ("Pen", "Pencil"):
        b.box(-0.07, 0.0, 0.0, 0.018, -0.015, 0.015, c)
        b.box(0.0, 0.07, 0.0, 0.012, -0.018, 0.018, c)
    elif n in ("Bowl", "Pot"):
        r, h = (0.08, 0.06) if n == "Bowl" else (0.12, 0.14)
        b.cylinder(0, 0, r, 0, h, c)
        b.cylinder(0, 0, r * 0.82, h, h + 0.002, shade(c, 0.55))
        if n == "Pot":
            b.box(-r - 0.04, r + 0.04, h - 0.03, h - 0.015, -0.015, 0.015, (40, 40, 40))
    elif n == "Plate":
        b.cylinder(0, 0, 0.11, 0, 0.015, c)
    elif n in ("Mug", "Cup"):
        r = 0.045 if n == "Mug" else 0.04
        b.cylinder(0, 0, r, 0, 0.1, c)
        b.cylinder(0, 0, r * 0.8, 0.1, 0.102, shade(c, 0.5))
        if n == "Mug":
            b.box(r, r + 0.025, 0.025, 0.08, -0.008, 0.008, c)
    elif n == "Pan":
        b.cylinder(0, 0, 0.12, 0, 0.04, c)
        b.box(0.12, 0.3, 0.025, 0.04, -0.015, 0.015, (40, 40, 40))
    elif n == "Kettle":
        b.cylinder(0, 0, 0.08, 0, 0.18, c)
        b.box(0.07, 0.14, 0.08, 0.11, -0.012, 0.012, c)
        b.box(-0.03, 0.03, 0.18, 0.2, -0.03, 0.03, (40, 40, 40))
    elif n in ("WineBottle", "Glassbottle", "SoapBottle", "SprayBottle"):
        h = 0.26 if n in ("WineBottle", "Glassbottle") else 0.2
        b.cylinder(0, 0, 0.035, 0, h * 0.7, c)
        b.cylinder(0, 0, 0.013, h * 0.7, h, shade(c, 0.8))
    elif n in ("SaltShaker", "PepperShaker", "Candle"):
        b.cylinder(0, 0, 0.025, 0, 0.09, c)
        b.cylinder(0, 0, 0.02, 0.09, 0.1, (190, 190, 190) if n != "Candle" else (40, 30, 20))
    elif n in ("DishSponge", "SoapBar", "KeyChain", "Watch", "CreditCard"):
        w, h, d = {"DishSponge": (0.1, 0.03, 0.07), "SoapBar": (0.09, 0.03, 0.06), "KeyChain": (0.06, 0.015, 0.04),
                   "Watch": (0.05, 0.015, 0.05), "CreditCard": (0.09, 0.008, 0.055)}[n]
        b.box(-w / 2, w / 2, 0, h, -d / 2, d / 2, c)
    elif n in ("PaperTowelRoll", "ToiletPaper"):
        r, h = (0.06, 0.25) if n == "PaperTowelRoll" else (0.06, 0.11)
        b.cylinder(0, 0, r, 0, h, c)
    elif n in ("Book", "Newspaper", "TissueBox", "Box", "RemoteControl", "AlarmClock", "CellPhone", "CD",
               "Cloth", "HandTowel", "Towel", "Pillow"):
        w, h, d = {"Book": (0.2, 0.04, 0.15), "Newspaper": (0.3, 0.012, 0.22), "TissueBox": (0.2, 0.1, 0.1),
                   "Box": (0.32, 0.2, 0.26), "RemoteControl": (0.05, 0.025, 0.17), "AlarmClock": (0.12, 0.1, 0.06),
                   "CellPhone": (0.07, 0.012, 0.14), "CD": (0.12, 0.006, 0.12), "Cloth": (0.2, 0.02, 0.2),
                   "HandTowel": (0.22, 0.03, 0.18), "Towel": (0.4, 0.04, 0.3), "Pillow": (0.44, 0.12, 0.3)}[n]
        b.box(-w / 2, w / 2, 0, h, -d / 2, d / 2, c)
        if n == "Book":
            b.box(-w / 2 + 0.01, w / 2, 0.005, h - 0.005, -d / 2 - 0.002, d / 2 - 0.01, (244, 240, 226))
        if n in ("CellPhone",):
            b.box(-w / 2 + 0.005, w / 2 - 0.005, h, h + 0.002, -d / 2 + 0.01, d / 2 - 0.01,
                  (120, 190, 255) if is_on else (10, 10, 14), LIT if is_on else PLAIN)
        if n == "AlarmClock":
            b.box(-0.045, 0.045, 0.02, 0.08, -0.032, -0.03, (240, 240, 230))
        if n == "TissueBox":
            b.box(-0.03, 0.03, 0.1, 0.13, -0.02, 0.02, (250, 250, 250))
    elif n == "Laptop":
        b.box(-0.16, 0.16, 0, 0.02, -0.11, 0.11, c)
        if is_open:
            b.box(-0.16, 0.16, 0.02, 0.23, 0.1, 0.115, c)
            b.box(-0.15, 0.15, 0.03, 0.22, 0.095, 0.1, (120, 190, 255) if is_on else (20, 20, 26),
                  LIT if is_on else PLAIN)
    elif n in ("Statue", "Vase", "WateringCan"):
        if n == "Statue":
            b.box(-0.05, 0.05, 0, 0.03, -0.05, 0.05, shade(c, 0.8))
            b.cylinder(0, 0, 0.03, 0.03, 0.16, c)
            b.sphere(0, 0.19, 0, 0.04, c)
        elif n == "Vase":
            b.cylinder(0, 0, 0.06, 0, 0.16, c)
            b.cylinder(0, 0, 0.035, 0.16, 0.22, c)
        else:
            b.cylinder(0, 0, 0.09, 0, 0.18, c)
            b.box(0.08, 0.2, 0.12, 0.14, -0.012, 0.012, c)
    elif n == "TeddyBear":
        b.sphere(0, 0.09, 0, 0.09, c)
        b.sphere(0, 0.22, 0, 0.065, c)
        b.sphere(-0.05, 0.28, 0, 0.025, shade(c, 0.8))
        b.sphere(0.05, 0.28, 0, 0.025, shade(c, 0.8))
    elif n == "BasketBall":
        b.sphere(0, 0.12, 0, 0.12, c)
    elif n == "BaseballBat":
        b.box(-0.38, 0.0, 0, 0.035, -0.018, 0.018, c)
        b.box(0.0, 0.38, 0, 0.06, -0.03, 0.03, c)
    elif n == "TennisRacket":
        b.box(-0.15, 0.15, 0, 0.02, -0.13, 0.13, c)
        b.box(-0.12, 0.12, 0.02, 0.022, -0.1, 0.1, (230, 230, 220))
        b.box(0.15, 0.34, 0, 0.025, -0.015, 0.015, (40, 40, 40))
    elif n == "Plunger":
        b.cylinder(0, 0, 0.06, 0, 0.07, c)
        b.cylinder(0, 0, 0.012, 0.07, 0.45, (190, 150, 100))
    elif n == "ScrubBrush":
        b.box(-0.06, 0.06, 0, 0.04, -0.04, 0.04, c)
        b.cylinder(0, 0, 0.012, 0.04, 0.3, c)
    else:
        half = min(t.half_extent, 0.15)
        b.box(-half, half, 0, 2 * half, -half, half, c)
    return b.prims()


# AI2-THOR's utensils, lying flat along x: (handle length, handle colour, head length,
# head width), the head in the type's colour. Through a 64-pixel camera they are a few
# pixels, so what tells them apart is colour and breadth, not detail: a chef's knife is
# black-handled and broad-bladed, a butter knife all steel and narrow, a fork's and a
# spoon's heads are wider than their handles (a spoon's round), a spatula is black with a
# broad head, a ladle has a deep bowl. None is longer than 0.2 m: a slot scales down what
# does not fit it.
DARK_HANDLE = (28, 28, 30)
UTENSILS = {
    "Knife": (0.08, DARK_HANDLE, 0.12, 0.04),
    "ButterKnife": (0.08, None, 0.1, 0.024),
    "Fork": (0.1, None, 0.07, 0.032),
    "Spoon": (0.1, None, 0.06, 0.045),
    "Spatula": (0.12, DARK_HANDLE, 0.08, 0.07),
    "Ladle": (0.12, None, 0.08, 0.08),
}


def _utensil(b: Builder, name: str, colour) -> None:
    handle, handle_colour, head, width = UTENSILS[name]
    x0 = -(handle + head) / 2
    b.box(x0, x0 + handle, 0.0, 0.022, -0.011, 0.011, handle_colour or colour)
    x1 = x0 + handle
    if name == "Spoon":
        b.cylinder(x1 + head / 2, 0.0, width / 2, 0.0, 0.015, colour)
    elif name == "Ladle":
        b.cylinder(x1 + head / 2, 0.0, width / 2, 0.0, 0.05, colour)
        b.cylinder(x1 + head / 2, 0.0, width / 2 * 0.8, 0.05, 0.052, shade(colour, 0.5))
    else:
        b.box(x1, x1 + head, 0.0, 0.012, -width / 2, width / 2, colour)
