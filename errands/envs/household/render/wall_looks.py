"""How things mounted on a wall look, in primitives (windows, blinds, paintings,
mirrors, switches, towel holders). MOUNT_LOOKS maps a type name to its look function,
and `mount_look` draws a plain panel for a type not in it."""

from __future__ import annotations

from functools import partial

from ..object_types import OBJECT_TYPES
from .primitives import LIT, Builder, Frame, shade


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
