"""How appliances standing on a counter or a table look, in primitives (a look per
state: open or closed, on or off). APPLIANCE_LOOKS maps a type name to its look
function, and `appliance_look` draws a plain block for a type not in it; to give a type
a look, write its function, add its row, and give its footprint in APPLIANCE_SIZE."""

from __future__ import annotations

from ..object_types import OBJECT_TYPES
from .furniture_looks import cabinet_like, floor_lamp
from .primitives import LIT, PLAIN, WALL_HEIGHT, Builder, Frame, shade


# --- appliances: a look per type ----------------------------------------------------------
# Each takes (f, b, colour, base, is_open, is_on, surfaces); `base` is the height it stands at.

def _microwave_look(f, b, colour, base, is_open, is_on, surfaces):
    w, d = f.width, f.depth
    top = base + 0.32
    if is_open:
        cabinet_like(f, b, colour, True, base, top, surfaces)
    else:
        f.box(b, 0, w, 0, d, base, top, colour)
        glass = (255, 200, 90) if is_on else (30, 32, 36)
        f.box(b, 0.04, w - 0.15, -0.01, 0.0, base + 0.05, top - 0.05, glass, LIT if is_on else PLAIN)
        f.box(b, w - 0.12, w - 0.04, -0.01, 0.0, base + 0.08, top - 0.08, (40, 40, 44))
        surfaces.append(f.surface(0.04, w - 0.04, 0.05, d - 0.04, base + 0.02, 0.26))


def _stove_burner_look(f, b, colour, base, is_open, is_on, surfaces):
    w, d = f.width, f.depth
    cu, cv, r = w / 2, d / 2, min(w, d) * 0.42
    f.cylinder(b, cu, cv, r, base, base + 0.015, (36, 36, 38))
    f.cylinder(b, cu, cv, r * 0.6, base + 0.015, base + 0.02, (230, 70, 30) if is_on else (70, 70, 72),
               LIT if is_on else PLAIN)
    surfaces.append(f.surface(cu - 0.05, cu + 0.05, cv - 0.05, cv + 0.05, base + 0.02))


def _stove_knob_look(f, b, colour, base, is_open, is_on, surfaces):
    w = f.width
    f.cylinder(b, w / 2, -0.03, 0.025, base - 0.12, base - 0.07, (230, 80, 40) if is_on else (30, 30, 30))


def _sink_look(f, b, colour, base, is_open, is_on, surfaces):
    w, d = f.width, f.depth
    f.box(b, 0.0, w, 0.0, d, base, base + 0.012, colour)


def _sink_basin_look(f, b, colour, base, is_open, is_on, surfaces):
    w, d = f.width, f.depth
    f.box(b, 0.03, w - 0.03, 0.03, d - 0.03, base + 0.012, base + 0.016, colour)
    surfaces.append(f.surface(0.05, w - 0.05, 0.05, d - 0.05, base + 0.016, 0.3))


def _faucet_look(f, b, colour, base, is_open, is_on, surfaces):
    w, d = f.width, f.depth
    f.cylinder(b, w / 2, d - 0.03, 0.015, base, base + 0.25, colour)
    f.box(b, w / 2 - 0.012, w / 2 + 0.012, d * 0.35, d - 0.03, base + 0.22, base + 0.25, colour)
    if is_on:
        f.box(b, w / 2 - 0.01, w / 2 + 0.01, d * 0.35, d * 0.35 + 0.02, base + 0.02, base + 0.22,
              (150, 200, 250), LIT)


def _coffee_machine_look(f, b, colour, base, is_open, is_on, surfaces):
    w, d = f.width, f.depth
    f.box(b, 0, w, d * 0.55, d, base, base + 0.36, colour)  # tower
    f.box(b, 0, w, 0.0, d, base + 0.28, base + 0.36, colour)  # head
    f.box(b, 0.02, w - 0.02, 0.0, d * 0.55, base, base + 0.02, (30, 30, 30))  # drip tray
    f.box(b, w - 0.05, w - 0.03, -0.005, 0.0, base + 0.31, base + 0.33,
          (250, 60, 40) if is_on else (60, 60, 60), LIT if is_on else PLAIN)
    surfaces.append(f.surface(0.03, w - 0.03, 0.02, d * 0.5, base + 0.02, 0.24))


def _toaster_look(f, b, colour, base, is_open, is_on, surfaces):
    w, d = f.width, f.depth
    f.box(b, 0, w, 0, d, base, base + 0.18, colour)
    for u in (w * 0.25, w * 0.6):
        f.box(b, u, u + w * 0.15, 0.03, d - 0.03, base + 0.18, base + 0.182,
              (250, 120, 30) if is_on else (30, 30, 30), LIT if is_on else PLAIN)
    surfaces.append(f.surface(0.03, w - 0.03, 0.03, d - 0.03, base + 0.182, 0.12))


def _desk_lamp_look(f, b, colour, base, is_open, is_on, surfaces):
    w, d = f.width, f.depth
    f.cylinder(b, w / 2, d / 2, 0.07, base, base + 0.02, (60, 60, 60))
    f.cylinder(b, w / 2, d / 2, 0.012, base + 0.02, base + 0.32, (80, 80, 80))
    f.cylinder(b, w / 2, d / 2, 0.1, base + 0.3, base + 0.45, (255, 236, 150) if is_on else shade(colour, 0.8),
               LIT if is_on else PLAIN)


def _standing_floor_lamp_look(f, b, colour, base, is_open, is_on, surfaces):
    floor_lamp(f, b, colour, is_on, surfaces)


def _television_look(f, b, colour, base, is_open, is_on, surfaces):
    w, d = f.width, f.depth
    f.box(b, w / 2 - 0.1, w / 2 + 0.1, d / 2 - 0.08, d / 2 + 0.08, base, base + 0.03, (30, 30, 30))
    f.box(b, w / 2 - 0.02, w / 2 + 0.02, d / 2, d / 2 + 0.04, base, base + 0.15, (30, 30, 30))
    f.box(b, 0, w, d / 2 - 0.03, d / 2 + 0.03, base + 0.12, base + 0.72, colour)
    f.box(b, 0.03, w - 0.03, d / 2 - 0.035, d / 2 - 0.03, base + 0.15, base + 0.69,
          (90, 170, 240) if is_on else (18, 18, 22), LIT if is_on else PLAIN)


def _shower_head_look(f, b, colour, base, is_open, is_on, surfaces):
    """A rain shower hanging from the ceiling."""
    w, d = f.width, f.depth
    f.cylinder(b, w / 2, d / 2, 0.015, base + 0.32, WALL_HEIGHT, (180, 180, 186))
    f.cylinder(b, w / 2, d / 2, 0.1, base + 0.28, base + 0.32, colour)
    if is_on:
        f.box(b, w / 2 - 0.06, w / 2 + 0.06, d / 2 - 0.06, d / 2 + 0.06, 0.12, base + 0.28, (160, 210, 250), LIT)


def _standing_light_switch_look(f, b, colour, base, is_open, is_on, surfaces):
    """A light switch on a surface (ALFRED floor plans)."""
    w, d = f.width, f.depth
    f.box(b, 0, w, d / 2 - 0.01, d / 2 + 0.01, base, base + 0.12, (240, 240, 240))


def _appliance_block_look(f, b, colour, base, is_open, is_on, surfaces):
    """A type with no appliance look of its own: a block 0.2 m high."""
    w, d = f.width, f.depth
    f.box(b, 0, w, 0, d, base, base + 0.2, colour)


APPLIANCE_LOOKS = {
    "Microwave": _microwave_look,
    "StoveBurner": _stove_burner_look,
    "StoveKnob": _stove_knob_look,
    "Sink": _sink_look,
    "SinkBasin": _sink_basin_look,
    "Faucet": _faucet_look,
    "CoffeeMachine": _coffee_machine_look,
    "Toaster": _toaster_look,
    "DeskLamp": _desk_lamp_look,
    "FloorLamp": _standing_floor_lamp_look,
    "Television": _television_look,
    "ShowerHead": _shower_head_look,
    "LightSwitch": _standing_light_switch_look,
}

# The footprint (width along the front, depth) of an appliance's frame; (0.25, 0.25) for a type not here.
APPLIANCE_SIZE = {"Microwave": (0.5, 0.36), "StoveBurner": (0.24, 0.24), "StoveKnob": (0.24, 0.24),
                  "Sink": (0.25, 0.25), "SinkBasin": (0.25, 0.25), "Faucet": (0.25, 0.25),
                  "CoffeeMachine": (0.22, 0.24), "Toaster": (0.22, 0.16), "DeskLamp": (0.2, 0.2),
                  "Television": (1.0, 0.2), "ShowerHead": (0.25, 0.25), "FloorLamp": (0.34, 0.34),
                  "LightSwitch": (0.1, 0.1)}


def appliance_look(b: Builder, spec, f: Frame, base: float, is_open: bool, is_on: bool, surfaces: list) -> None:
    """Things that stand on a surface: `f` is centred on the object, `base` its bottom."""
    name = spec.type
    look = APPLIANCE_LOOKS.get(name, _appliance_block_look)
    look(f, b, OBJECT_TYPES[name].colour, base, is_open, is_on, surfaces)
