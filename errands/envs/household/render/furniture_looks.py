"""How furniture looks, in primitives: each unit turned to face the room, a look per
state (open or closed, on or off) with the surfaces its contents rest on.

UNIT_LOOKS maps a type name to its look function; `unit_look` looks the type up and
draws a plain block of the catalogue's height for a type not in it. The looks all take
the same arguments; a look that several types share with different measures takes those
as keywords, given in each type's row with `partial` (e.g. the top height of
"DiningTable", "CoffeeTable" and "Desk"). To give a type a look: write its function
(drawing with the builders: `_table`, `_counter`, `_fridge`, ...) and add its row.
Appliances (appliance_looks.py), things on walls (wall_looks.py) and the small objects
one can pick up (object_looks.py) have their own modules. Colours come from the type
catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from ..object_types import OBJECT_TYPES
from .primitives import CONTENT_HEIGHT, LIT, PLAIN, Builder, Frame, shade


DRAWER_PULL = 0.3  # metres an open drawer stands out


@dataclass(frozen=True)
class Neighbours:
    """What a unit's look takes from the furniture it shares its place with or stands
    behind (they leave things out or split them; only a drawer's tray pulls out further)."""

    openings: tuple = ()  # a counter: (u0, u1, y0, y1[, v0, v1]) of the cabinets and drawers built into it
    stacked: bool = False  # a shelf: one of several ALFRED records at one place
    half: str = ""  # a cabinet: "left" or "right" of two ALFRED records at one place
    ahead: float = 0.0  # a drawer: metres the furniture before its front reaches out past it
    shelved: bool = False  # a dresser or TV stand: ALFRED records shelves inside it, below its top


ALONE = Neighbours()
CHEST_TOPS = {"Dresser": 0.85, "TVStand": 0.5}  # metres: the tops of the closed chests


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
    """A kitchen unit; `openings` (u0, u1, y0, y1, and v0, v1 when not the whole depth)
    are where cabinets and drawers stand in it, left out of its carcass so that one can
    see into them when they are open (whichever side they face)."""
    w, d = f.width, f.depth
    f.box(b, 0, w, 0.06, d, 0.0, 0.1, (60, 56, 52))  # plinth
    spans = [(o[4], o[5]) if len(o) > 4 else (0.0, d) for o in openings]
    edges = sorted({0.03, d, *(min(max(v, 0.03), d) for span in spans for v in span)})
    for v0, v1 in zip(edges, edges[1:]):  # bands of depth, each less the openings it crosses
        if v1 - v0 < 1e-6:
            continue
        crossing = [o for o, (a, z) in zip(openings, spans) if a < v1 - 1e-6 and z > v0 + 1e-6]
        for u0, u1, y0, y1 in carcass_pieces(0.01, w - 0.01, 0.1, 0.86, crossing):
            f.box(b, u0, u1, v0, v1, y0, y1, shade(colour, 0.8))  # carcass behind the doors
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


def cabinet_like(f, b, colour, is_open, y0, y1, surfaces, v0=0.0, handle="top", half=""):
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


def _drawer(f, b, colour, is_open, y0, y1, surfaces, ahead=0.0):
    """A drawer; open, it pulls out DRAWER_PULL past its front, and past the furniture
    `ahead` of it too (a counter's edge that an imported drawer stands behind), so that
    what lies in it comes out where one sees it from above."""
    w, d = f.width, f.depth
    pull = DRAWER_PULL + ahead
    out = pull if is_open else 0.0
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
    surfaces.append(f.surface(0.03, w - 0.03, 0.03 - pull, -0.01 - ahead, y0 + 0.02, CONTENT_HEIGHT))


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


def floor_lamp(f, b, colour, is_on, surfaces):
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
    """A dresser or TV stand: a closed body on short legs, its top at `top` metres; with
    shelves inside it (`around.shelved`), open at the front: sides, back and top only,
    so that the shelves' boards and what rests on them show."""
    w, d = f.width, f.depth
    if around.shelved:
        body = shade(colour, 0.85)
        f.box(b, 0.0, 0.03, 0.0, d, 0.0, top - 0.03, body)
        f.box(b, w - 0.03, w, 0.0, d, 0.0, top - 0.03, body)
        f.box(b, 0.03, w - 0.03, d - 0.02, d, 0.0, top - 0.03, shade(colour, 0.6))
        f.box(b, 0, w, 0, d, top - 0.03, top, colour)
        surfaces.append(f.surface(0.03, w - 0.03, 0.03, d - 0.03, top))
        return
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
        cabinet_like(f, b, colour, is_open, max(0.1, y - 0.35), min(0.66, y + 0.35) if y < 0.8 else y + 0.3,
                      surfaces, half=around.half)
    else:
        cabinet_like(f, b, colour, is_open, y - 0.35, y + 0.35, surfaces, v0=max(0.0, d - 0.36),
                      handle="bottom", half=around.half)


def _drawer_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around):
    _drawer(f, b, colour, is_open, y - 0.08, y + 0.08, surfaces, around.ahead)


def _safe_look(f, b, colour, y, is_open, is_on, surfaces, occupied, around):
    w, d = f.width, f.depth
    cabinet_like(f, b, colour, is_open, 0.0, 0.6, surfaces)
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
    floor_lamp(f, b, colour, is_on, surfaces)


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
    "Dresser": partial(_chest_look, top=CHEST_TOPS["Dresser"]),
    "TVStand": partial(_chest_look, top=CHEST_TOPS["TVStand"]),
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
