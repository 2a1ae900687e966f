"""How each object type looks, in primitives: furniture turned to face the room (a look
per state: open or closed, on or off, with the surfaces its contents rest on),
appliances standing on a counter or table, things mounted on a wall, and the small
objects one can pick up. Colours come from the type catalogue.

The fixed objects' looks are tables from type name to look function: UNIT_LOOKS for
furniture, APPLIANCE_LOOKS for things standing on a surface, MOUNT_LOOKS for things on
a wall. `unit_look`, `appliance_look` and `mount_look` look the type up in their table;
a type not in it gets a plain block. The looks of one table all take the same
arguments (a comment above each group says which); a look that several types share
with different measures takes those as keywords, given in each type's row with
`partial` (e.g. the top height of "DiningTable", "CoffeeTable" and "Desk"). To give a
type a look: write its function with the others of its kind (drawing with the
builders, `_table`, `_counter`, `_fridge`, ...) and add its row to the table; an
appliance may also get its footprint in APPLIANCE_SIZE."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache, partial

from ..object_types import OBJECT_TYPES
from .primitives import CONTENT_HEIGHT, LIT, PLAIN, WALL_HEIGHT, Builder, Frame, Prims, shade

DRAWER_PULL = 0.3  # metres an open drawer stands out


@dataclass(frozen=True)
class Neighbours:
    """What a unit's look takes from the furniture it shares its place with (they only
    leave things out or split them, so a look never outgrows the one it has alone)."""

    openings: tuple = ()  # a counter: (u0, u1, y0, y1) of the cabinets and drawers built into it
    stacked: bool = False  # a shelf: one of several ALFRED records at one place
    half: str = ""  # a cabinet: "left" or "right" of two ALFRED records at one place


ALONE = Neighbours()


def _legs(f: Frame, b: Builder, y1: float, colour, inset: float = 0.05, size: float = 0.05) -> None:
    w, d = f.width, f.depth
    for u in (inset, w - inset - size):
        for v in (inset, d - inset - size):
            f.box(b, u, u + size, v, v + size, 0.0, y1, colour)


def _table(f, b, top, colour, surfaces):
    f.box(b, 0, f.width, 0, f.depth, top - 0.04, top, colour)
    _legs(f, b, top - 0.04, shade(colour, 0.7))
    surfaces.append(f.surface(0.02, f.width - 0.02, 0.02, f.depth - 0.02, top))


def _counter(f, b, colour, surfaces, occupied, openings=()):
    """A kitchen unit; `openings` (u0, u1, y0, y1) are where cabinets and drawers stand in
    it, left out of its carcass so that one can see into them when they are open."""
    w, d = f.width, f.depth
    f.box(b, 0, w, 0.06, d, 0.0, 0.1, (60, 56, 52))  # plinth
    for u0, u1, y0, y1 in carcass_pieces(0.01, w - 0.01, 0.1, 0.86, openings):
        f.box(b, u0, u1, 0.03, d, y0, y1, shade(colour, 0.8))  # carcass behind the doors
    f.box(b, 0, w, -0.02, d, 0.86, 0.9, colour)  # worktop, a little overhang
    f.box(b, 0, w, d - 0.02, d, 0.9, 1.3, shade(colour, 1.15))  # splashback
    surfaces.extend(occupied)


def carcass_pieces(u0, u1, y0, y1, openings) -> list[tuple[float, float, float, float]]:
    """The rectangle [u0, u1] x [y0, y1] less the openings, as rectangles: cut into
    columns at the openings' edges, each column less the heights the openings take."""
    edges = sorted({u0, u1, *(min(max(u, u0), u1) for o in openings for u in o[:2])})
    pieces = []
    for a, b in zip(edges, edges[1:]):
        if b - a < 1e-6:
            continue
        taken = sorted((o[2], o[3]) for o in openings if o[0] < b - 1e-6 and o[1] > a + 1e-6)
        y = y0
        for t0, t1 in taken:
            if min(t0, y1) > y + 1e-6:
                pieces.append((a, b, y, min(t0, y1)))
            y = max(y, t1)
        if y < y1 - 1e-6:
            pieces.append((a, b, y, y1))
    return pieces


def _fridge(f, b, colour, is_open, surfaces):
    w, d, h = f.width, f.depth, 1.8
    inside = (236, 244, 250)
    if not is_open:
        f.box(b, 0.02, w - 0.02, 0.05, d, 0.0, h, shade(colour, 0.95))
        f.box(b, 0.02, w - 0.02, 0.0, 0.05, 0.02, 1.18, colour)  # lower door
        f.box(b, 0.02, w - 0.02, 0.0, 0.05, 1.2, h - 0.02, colour)  # freezer door
        f.box(b, w - 0.12, w - 0.08, -0.05, 0.0, 0.6, 1.1, (90, 94, 100))  # handles
        f.box(b, w - 0.12, w - 0.08, -0.05, 0.0, 1.3, 1.6, (90, 94, 100))
    else:
        f.box(b, 0.02, w - 0.02, d - 0.05, d, 0.0, h, colour)  # back
        f.box(b, 0.02, 0.06, 0.05, d, 0.0, h, colour)  # sides
        f.box(b, w - 0.06, w - 0.02, 0.05, d, 0.0, h, colour)
        f.box(b, 0.02, w - 0.02, 0.05, d, h - 0.06, h, colour)  # top and bottom
        f.box(b, 0.02, w - 0.02, 0.05, d, 0.0, 0.1, colour)
        f.box(b, 0.06, w - 0.06, 0.05, d - 0.05, 1.15, 1.2, shade(colour, 0.9))  # freezer floor
        f.box(b, 0.06, w - 0.06, d - 0.06, d - 0.05, 0.1, h - 0.06, inside, LIT)  # lit back wall
        for y in (0.55, 0.85):
            f.box(b, 0.06, w - 0.06, 0.08, d - 0.06, y - 0.015, y, (200, 226, 236))  # shelves
        f.box(b, -0.05, 0.0, -0.7, 0.0, 0.02, h - 0.02, colour)  # door swung open
        f.box(b, 0.0, 0.01, -0.68, -0.05, 0.3, 1.1, inside)  # its inner face
    # Contents fill the freezer first (seen from close by), then the shelves downwards.
    for y, top in ((1.2, 1.72), (0.85, 1.15), (0.55, 0.85), (0.1, 0.55)):
        surfaces.append(f.surface(0.08, w - 0.08, 0.1, d - 0.08, y, top - y - 0.02))


def _cabinet_like(f, b, colour, is_open, y0, y1, surfaces, v0=0.0, handle="top", half=""):
    """A box with a door on its front; open, the door stands out from its left edge. One
    of a pair (`half`): a hollow carcass the two share, a door each on its half of the
    front (the right one opens from the right edge), its contents on its half."""
    w, d = f.width, f.depth
    dark = shade(colour, 0.45)
    u0, u1 = {"": (0.0, w), "left": (0.0, w / 2), "right": (w / 2, w)}[half]
    if is_open or half:
        f.box(b, 0, w, d - 0.03, d, y0, y1, dark)  # back
        f.box(b, 0, 0.02, v0, d, y0, y1, colour)  # sides
        f.box(b, w - 0.02, w, v0, d, y0, y1, colour)
        f.box(b, 0, w, v0, d, y0, y0 + 0.02, dark)  # floor
        f.box(b, 0, w, v0, d, y1 - 0.02, y1, colour)  # roof
    if not is_open:
        if not half:
            f.box(b, 0, w, v0, d, y0, y1, colour)
        f.box(b, u0 + 0.02, u1 - 0.02, v0 - 0.015, v0, y0 + 0.02, y1 - 0.02, shade(colour, 1.1))
        hy = y1 - 0.08 if handle == "top" else y0 + 0.05
        mid, grip = (u0 + u1) / 2, (min(0.1, (u1 - u0) / 4) if half else 0.1)
        f.box(b, mid - grip, mid + grip, v0 - 0.04, v0 - 0.015, hy, hy + 0.025, (70, 70, 74))
    else:
        door = min(0.5, u1 - u0)
        hinge = (w - 0.02, w) if half == "right" else (-0.02, 0.0)
        f.box(b, *hinge, v0 - door, v0, y0 + 0.02, y1 - 0.02, shade(colour, 1.1))
    surfaces.append(f.surface(u0 + 0.03, u1 - 0.03, v0 + 0.02, d - 0.04, y0 + 0.02, max(0.05, y1 - y0 - 0.05)))


def _drawer(f, b, colour, is_open, y0, y1, surfaces):
    w, d = f.width, f.depth
    out = DRAWER_PULL if is_open else 0.0
    f.box(b, 0.01, w - 0.01, -out, -out + 0.02, y0 + 0.01, y1 - 0.01, shade(colour, 1.1))  # front
    f.box(b, w / 2 - 0.08, w / 2 + 0.08, -out - 0.03, -out, (y0 + y1) / 2, (y0 + y1) / 2 + 0.02, (70, 70, 74))
    if is_open:
        tray = shade(colour, 0.6)
        f.box(b, 0.01, w - 0.01, -out + 0.02, d - 0.02, y0 + 0.01, y0 + 0.02, tray)  # bottom
        f.box(b, 0.01, 0.02, -out + 0.02, d - 0.02, y0 + 0.01, y1 - 0.03, colour)  # sides
        f.box(b, w - 0.02, w - 0.01, -out + 0.02, d - 0.02, y0 + 0.01, y1 - 0.03, colour)
        f.box(b, 0.0, w, 0.0, d, y1 - 0.01, y1, shade(colour, 0.8))  # carcass above
    else:
        f.box(b, 0.0, w, 0.02, d, y0, y1, shade(colour, 0.9))
    # Contents lie in the part that pulls out, where one sees them from above.
    surfaces.append(f.surface(0.03, w - 0.03, 0.03 - DRAWER_PULL, -0.01, y0 + 0.02, CONTENT_HEIGHT))


def _sofa(f, b, colour, surfaces, seat=0.45, back=0.9, arms=True):
    w, d = f.width, f.depth
    f.box(b, 0, w, 0.08, d, 0.08, seat - 0.08, shade(colour, 0.85))
    f.box(b, 0.12 if arms else 0, w - (0.12 if arms else 0), 0.05, d - 0.18, seat - 0.1, seat, shade(colour, 1.15))
    f.box(b, 0, w, d - 0.2, d, seat - 0.1, back, colour)
    if arms:
        f.box(b, 0, 0.12, 0.05, d, 0.08, seat + 0.18, shade(colour, 0.9))
        f.box(b, w - 0.12, w, 0.05, d, 0.08, seat + 0.18, shade(colour, 0.9))
    _legs(f, b, 0.08, (50, 40, 34), inset=0.06, size=0.04)
    surfaces.append(f.surface(0.15 if arms else 0.03, w - (0.15 if arms else 0.03), 0.08, d - 0.22, seat))


def _bed(f, b, colour, surfaces):
    w, d = f.width, f.depth
    wood = (110, 76, 50)
    f.box(b, 0, w, 0, d, 0.08, 0.32, wood)
    f.box(b, 0.03, w - 0.03, 0.03, d - 0.06, 0.32, 0.52, (244, 242, 236))  # mattress
    f.box(b, 0.0, w, 0.0, d * 0.68, 0.5, 0.56, colour)  # blanket
    f.box(b, 0, w, d - 0.06, d, 0.08, 1.05, shade(wood, 0.9))  # headboard
    for u in (0.12, w / 2 + 0.06):
        f.box(b, u, u + w / 2 - 0.18, d - 0.42, d - 0.1, 0.52, 0.64, (250, 250, 246))  # pillows
    _legs(f, b, 0.08, shade(wood, 0.7), inset=0.02, size=0.06)
    surfaces.append(f.surface(0.05, w - 0.05, 0.05, d * 0.65, 0.56))


def _toilet(f, b, colour, surfaces):
    w, d = f.width, f.depth
    white = colour
    f.box(b, 0.06, w - 0.06, d - 0.22, d - 0.02, 0.38, 0.78, white)  # tank
    f.box(b, 0.04, w - 0.04, d - 0.24, d, 0.78, 0.81, shade(white, 0.96))
    cu, cv = w / 2, (d - 0.2) * 0.5
    r = min(w / 2 - 0.04, 0.19)
    f.cylinder(b, cu, cv + 0.05, r * 0.65, 0.0, 0.34, shade(white, 0.95))  # pedestal
    f.cylinder(b, cu, cv, r, 0.3, 0.4, white)  # bowl
    f.cylinder(b, cu, cv, r * 0.7, 0.4, 0.405, (150, 190, 210))  # water
    f.box(b, cu - 0.04, cu + 0.04, cv + r * 0.6, d - 0.22, 0.3, 0.38, white)  # neck
    f.box(b, w / 2 + 0.06, w / 2 + 0.14, d - 0.25, d - 0.22, 0.7, 0.72, (180, 180, 186))  # flush lever
    surfaces.append(f.surface(0.08, w - 0.08, d - 0.2, d - 0.04, 0.81))


def _bathtub(f, b, colour, surfaces):
    w, d = f.width, f.depth
    t = 0.08
    f.box(b, 0, w, 0, t, 0, 0.55, colour)
    f.box(b, 0, w, d - t, d, 0, 0.55, colour)
    f.box(b, 0, t, 0, d, 0, 0.55, colour)
    f.box(b, w - t, w, 0, d, 0, 0.55, colour)
    surfaces.append(f.surface(0.0, w, 0.0, t, 0.55, 0.3))


def _shelf(f, b, colour, y_pos, surfaces, stacked=False):
    """A shelving unit with four boards; on a wall (ALFRED, above 1 m) one board; one of
    several shelves ALFRED records at one place (`stacked`), the unit with its own board
    only, so that each shelf of the stack shows and holds its own things."""
    w, d = f.width, f.depth
    if y_pos > 1.0:  # a shelf on a wall (ALFRED): one board
        f.box(b, 0, w, 0, d, y_pos - 0.03, y_pos, colour)
        surfaces.append(f.surface(0.02, w - 0.02, 0.02, d - 0.02, y_pos, 0.35))
        return
    boards = (max(0.05, y_pos),) if stacked else (0.05, 0.5, 0.95, 1.4)
    f.box(b, 0, 0.03, 0, d, 0, 1.6, shade(colour, 0.85))
    f.box(b, w - 0.03, w, 0, d, 0, 1.6, shade(colour, 0.85))
    f.box(b, 0, w, d - 0.02, d, 0, 1.6, shade(colour, 0.6))
    f.box(b, 0, w, 0, d, 1.57, 1.6, colour)
    for y in boards:
        f.box(b, 0.03, w - 0.03, 0.0, d - 0.02, y - 0.03, y, colour)
        top = 0.15 if y == 1.4 else 0.4
        surfaces.append(f.surface(0.04, w - 0.04, 0.02, d - 0.03, y, top))


def _plant(f, b, colour, surfaces):
    w, d = f.width, f.depth
    f.cylinder(b, w / 2, d / 2, min(w, d) * 0.32, 0.0, 0.3, (176, 96, 60))
    f.sphere(b, w / 2, d / 2, 0.62, min(w, d) * 0.48, colour)
    f.sphere(b, w / 2 + 0.04, d / 2 - 0.03, 0.86, min(w, d) * 0.3, shade(colour, 1.2))


def _chair(f, b, colour, surfaces, seat=0.46, back=True):
    w, d = f.width, f.depth
    f.box(b, 0.02, w - 0.02, 0.02, d - 0.02, seat - 0.04, seat, colour)
    _legs(f, b, seat - 0.04, shade(colour, 0.75), inset=0.04, size=0.04)
    if back:
        f.box(b, 0.02, w - 0.02, d - 0.06, d - 0.02, seat, seat + 0.45, shade(colour, 0.9))
    surfaces.append(f.surface(0.04, w - 0.04, 0.04, d - 0.08 if back else d - 0.04, seat))


def _garbage_can(f, b, colour, surfaces):
    w, d = f.width, f.depth
    r = min(w, d) * 0.45
    f.cylinder(b, w / 2, d / 2, r, 0.0, 0.42, colour)
    f.cylinder(b, w / 2, d / 2, r * 0.85, 0.42, 0.425, (40, 40, 40))
    surfaces.append(f.surface(w / 2 - r * 0.6, w / 2 + r * 0.6, d / 2 - r * 0.6, d / 2 + r * 0.6, 0.425, 0.3))


def _floor_lamp(f, b, colour, is_on, surfaces):
    w, d = f.width, f.depth
    f.cylinder(b, w / 2, d / 2, 0.12, 0.0, 0.03, (60, 60, 60))
    f.cylinder(b, w / 2, d / 2, 0.015, 0.03, 1.35, (80, 80, 80))
    f.cylinder(b, w / 2, d / 2, 0.17, 1.3, 1.62, (255, 236, 150) if is_on else shade(colour, 0.75),
               LIT if is_on else PLAIN)


# --- furniture: a look per type -----------------------------------------------------------
# Each takes (f, b, colour, y, is_open, is_on, surfaces, occupied, around); `y` is the
# object's recorded height, `occupied` a counter's free surfaces, `around` its Neighbours.

def _counter_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around):
    _counter(f, b, colour, surfaces, occupied, around.openings)


def _table_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around, *, top):
    _table(f, b, top, colour, surfaces)


def _chest_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around, *, top):
    """A dresser or TV stand: a closed body on short legs, its top at `top` metres."""
    w, d = f.width, f.depth
    f.box(b, 0.01, w - 0.01, 0.02, d, 0.04, top - 0.03, shade(colour, 0.85))
    f.box(b, 0, w, 0, d, top - 0.03, top, colour)
    _legs(f, b, 0.04, shade(colour, 0.6), inset=0.02, size=0.05)
    surfaces.append(f.surface(0.03, w - 0.03, 0.03, d - 0.03, top))


def _fridge_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around):
    _fridge(f, b, colour, is_open, surfaces)


def _cabinet_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around):
    """A base cabinet under 1.2 m, else a wall cabinet (its door at the bottom)."""
    d = f.depth
    if y < 1.2:
        _cabinet_like(f, b, colour, is_open, max(0.1, y - 0.35), min(0.66, y + 0.35) if y < 0.8 else y + 0.3,
                      surfaces, half=around.half)
    else:
        _cabinet_like(f, b, colour, is_open, y - 0.35, y + 0.35, surfaces, v0=max(0.0, d - 0.36),
                      handle="bottom", half=around.half)


def _drawer_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around):
    _drawer(f, b, colour, is_open, y - 0.08, y + 0.08, surfaces)


def _safe_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around):
    w, d = f.width, f.depth
    _cabinet_like(f, b, colour, is_open, 0.0, 0.6, surfaces)
    if not is_open:
        f.cylinder(b, w / 2, -0.03, 0.04, 0.3, 0.38, (200, 200, 200))
    surfaces[-1] = f.surface(0.04, w - 0.04, 0.04, d - 0.04, 0.02, 0.5)


def _sofa_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around):
    _sofa(f, b, colour, surfaces)


def _ottoman_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around):
    w, d = f.width, f.depth
    f.box(b, 0.02, w - 0.02, 0.02, d - 0.02, 0.05, 0.42, colour)
    _legs(f, b, 0.05, (60, 40, 30), inset=0.04, size=0.04)
    surfaces.append(f.surface(0.04, w - 0.04, 0.04, d - 0.04, 0.42))


def _bed_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around):
    _bed(f, b, colour, surfaces)


def _toilet_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around):
    _toilet(f, b, colour, surfaces)


def _bathtub_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around):
    _bathtub(f, b, colour, surfaces)


def _bathtub_basin_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around):
    w, d = f.width, f.depth
    f.box(b, 0.08, w - 0.08, 0.08, d - 0.08, 0.0, 0.1, colour)
    surfaces.append(f.surface(0.12, w - 0.12, 0.12, d - 0.12, 0.1, 0.4))


def _shelf_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around):
    _shelf(f, b, colour, y, surfaces, around.stacked)


def _cart_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around):
    w, d = f.width, f.depth
    for yy in (0.35, 0.8):
        f.box(b, 0, w, 0, d, yy - 0.03, yy, colour)
        surfaces.append(f.surface(0.03, w - 0.03, 0.03, d - 0.03, yy, 0.4 if yy == 0.8 else 0.38))
    _legs(f, b, 0.8, (120, 120, 126), inset=0.0, size=0.03)


def _laundry_hamper_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around):
    w, d = f.width, f.depth
    f.box(b, 0.04, w - 0.04, 0.04, d - 0.04, 0.0, 0.58, colour)
    f.box(b, 0.08, w - 0.08, 0.08, d - 0.08, 0.58, 0.6, shade(colour, 0.5))
    surfaces.append(f.surface(0.1, w - 0.1, 0.1, d - 0.1, 0.6, 0.35))


def _garbage_can_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around):
    _garbage_can(f, b, colour, surfaces)


def _plant_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around):
    _plant(f, b, colour, surfaces)


def _chair_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around, *, seat, back):
    _chair(f, b, colour, surfaces, seat=seat, back=back)


def _floor_lamp_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around):
    _floor_lamp(f, b, colour, is_on, surfaces)


def _block_look(f, b, colour, height, surfaces):
    """A type with no look of its own: a plain block up to twice its catalogue height."""
    w, d = f.width, f.depth
    top = max(0.1, 2 * height)
    f.box(b, 0, w, 0, d, 0.0, min(top, 2.0), colour)
    surfaces.append(f.surface(0.02, w - 0.02, 0.02, d - 0.02, min(top, 2.0)))


UNIT_LOOKS = {
    "CounterTop": _counter_look,
    "DiningTable": partial(_table_look, top=0.76),
    "CoffeeTable": partial(_table_look, top=0.42),
    "Desk": partial(_table_look, top=0.76),
    "SideTable": partial(_table_look, top=0.62),
    "Dresser": partial(_chest_look, top=0.85),
    "TVStand": partial(_chest_look, top=0.5),
    "Fridge": _fridge_look,
    "Cabinet": _cabinet_look,
    "Drawer": _drawer_look,
    "Safe": _safe_look,
    "Sofa": _sofa_look,
    "ArmChair": _sofa_look,
    "Ottoman": _ottoman_look,
    "Bed": _bed_look,
    "Toilet": _toilet_look,
    "Bathtub": _bathtub_look,
    "BathtubBasin": _bathtub_basin_look,
    "Shelf": _shelf_look,
    "Cart": _cart_look,
    "LaundryHamper": _laundry_hamper_look,
    "GarbageCan": _garbage_can_look,
    "HousePlant": _plant_look,
    "Chair": partial(_chair_look, seat=0.46, back=True),
    "Stool": partial(_chair_look, seat=0.65, back=False),
    "FloorLamp": _floor_lamp_look,
}


def unit_look(b: Builder, spec, f: Frame, is_open: bool, is_on: bool, surfaces: list, occupied: list,
              around: Neighbours = ALONE) -> None:
    """A piece of furniture: `f` is its footprint turned to face the room."""
    name = spec.type
    colour = OBJECT_TYPES[name].colour
    look = UNIT_LOOKS.get(name)
    if look is None:
        _block_look(f, b, colour, OBJECT_TYPES[name].height, surfaces)
    else:
        look(f, b, colour, spec.position[1], is_open, is_on, surfaces, occupied, around)


# --- appliances: a look per type ----------------------------------------------------------
# Each takes (f, b, colour, base, is_open, is_on, surfaces); `base` is the height it stands at.

def _microwave_look(f, b, colour, base, is_open, is_on, surfaces):
    w, d = f.width, f.depth
    top = base + 0.32
    if is_open:
        _cabinet_like(f, b, colour, True, base, top, surfaces)
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
    _floor_lamp(f, b, colour, is_on, surfaces)


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


# --- things on a wall: a look per type ----------------------------------------------------
# Each takes (f, b, colour, y, is_open, is_on, surfaces): `f` is the wall cell, u from 0 to
# f.width along it, v = 0 the wall's face with the room at negative v; `y` the height.

def _window_look(f, b, colour, y, is_open, is_on, surfaces):
    u0, u1 = 0.0, f.width
    f.box(b, u0 - 0.3, u1 + 0.3, -0.03, 0.0, y - 0.55, y + 0.55, (244, 244, 240))  # frame
    f.box(b, u0 - 0.25, u1 + 0.25, -0.035, -0.03, y - 0.5, y + 0.5, (170, 214, 250), LIT)  # sky
    f.box(b, (u0 + u1) / 2 - 0.02, (u0 + u1) / 2 + 0.02, -0.045, -0.035, y - 0.5, y + 0.5, (244, 244, 240))
    f.box(b, u0 - 0.3, u1 + 0.3, -0.12, 0.0, y - 0.58, y - 0.55, (244, 244, 240))  # sill


def _blinds_look(f, b, colour, y, is_open, is_on, surfaces):
    u0, u1 = 0.0, f.width
    if is_open:
        f.box(b, u0 - 0.3, u1 + 0.3, -0.08, 0.0, y + 0.4, y + 0.5, colour)
    else:
        for k in range(10):
            yy = y - 0.6 + k * 0.1
            f.box(b, u0 - 0.3, u1 + 0.3, -0.08, -0.05, yy, yy + 0.08, shade(colour, 1.0 - 0.02 * (k % 2)))


def _painting_look(f, b, colour, y, is_open, is_on, surfaces):
    u0, u1 = 0.0, f.width
    f.box(b, u0 - 0.25, u1 + 0.25, -0.04, 0.0, y - 0.3, y + 0.3, (90, 60, 36))
    f.box(b, u0 - 0.2, u1 + 0.2, -0.045, -0.04, y - 0.25, y + 0.25, colour)
    f.sphere(b, u0 + 0.05, -0.045, y + 0.05, 0.08, (240, 200, 80))


def _mirror_look(f, b, colour, y, is_open, is_on, surfaces):
    u0, u1 = 0.0, f.width
    f.box(b, u0 - 0.15, u1 + 0.15, -0.03, 0.0, y - 0.4, y + 0.4, (160, 160, 170))
    f.box(b, u0 - 0.12, u1 + 0.12, -0.035, -0.03, y - 0.37, y + 0.37, colour, LIT)


def _light_switch_look(f, b, colour, y, is_open, is_on, surfaces):
    u0, u1 = 0.0, f.width
    f.box(b, u0 + 0.08, u1 - 0.08, -0.015, 0.0, y - 0.06, y + 0.06, (242, 242, 242))
    ty = y + 0.005 if is_on else y - 0.025
    f.box(b, u0 + 0.11, u1 - 0.11, -0.03, -0.015, ty, ty + 0.02, (200, 200, 200))


def _towel_holder_look(f, b, colour, y, is_open, is_on, surfaces, *, half):
    """A rail `half` metres either side of the cell's middle."""
    u0, u1 = 0.0, f.width
    mid = (u0 + u1) / 2
    f.box(b, mid - half, mid + half, -0.08, -0.06, y - 0.01, y + 0.01, colour)
    f.box(b, mid - half, mid - half + 0.02, -0.08, 0.0, y - 0.02, y + 0.02, colour)
    f.box(b, mid + half - 0.02, mid + half, -0.08, 0.0, y - 0.02, y + 0.02, colour)
    surfaces.append(f.surface(mid - half + 0.02, mid + half - 0.02, -0.11, -0.03, y - 0.4, 0.42))


def _toilet_paper_hanger_look(f, b, colour, y, is_open, is_on, surfaces):
    u0, u1 = 0.0, f.width
    mid = (u0 + u1) / 2
    f.box(b, mid - 0.08, mid + 0.08, -0.09, 0.0, y + 0.04, y + 0.06, colour)
    surfaces.append(f.surface(mid - 0.07, mid + 0.07, -0.16, -0.02, y - 0.06, 0.12))


def _mount_block_look(f, b, colour, y, is_open, is_on, surfaces):
    """A type with no wall look of its own: a plate 0.4 m high."""
    f.box(b, 0.0, f.width, -0.03, 0.0, y - 0.2, y + 0.2, colour)


MOUNT_LOOKS = {
    "Window": _window_look,
    "Blinds": _blinds_look,
    "Painting": _painting_look,
    "Mirror": _mirror_look,
    "LightSwitch": _light_switch_look,
    "TowelHolder": partial(_towel_holder_look, half=0.3),
    "HandTowelHolder": partial(_towel_holder_look, half=0.12),
    "ToiletPaperHanger": _toilet_paper_hanger_look,
}


def mount_look(b: Builder, spec, f: Frame, is_open: bool, is_on: bool, surfaces: list) -> None:
    """Things on a wall: `f` is the wall cell, its front the room side (v=0 is the wall face
    with the room in front, at negative v)."""
    name = spec.type
    look = MOUNT_LOOKS.get(name, _mount_block_look)
    look(f, b, OBJECT_TYPES[name].colour, spec.position[1], is_open, is_on, surfaces)


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
    elif n in ("Knife", "ButterKnife", "Fork", "Spoon", "Spatula", "Ladle", "Pen", "Pencil"):
        length = 0.18 if n not in ("Pen", "Pencil") else 0.14
        b.box(-length / 2, 0.0, 0.0, 0.018, -0.015, 0.015, (60, 50, 44) if n not in ("Pen", "Pencil") else c)
        b.box(0.0, length / 2, 0.0, 0.012, -0.018, 0.018, c)
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
