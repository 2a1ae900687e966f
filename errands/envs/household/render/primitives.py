"""The primitives the first-person camera draws: axis-aligned boxes, spheres and upright
cylinders, each with a colour and a material, gathered in arrays (Prims); a builder
that collects them; and the frame of a piece of furniture, turned to face the room."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BOX, SPHERE, CYLINDER = 0, 1, 2  # primitive kinds
PLAIN, WALL_SURFACE, LIT = 0, 1, 2  # materials: shaded, wall (baseboard), emits light
WALL_HEIGHT = 2.5  # metres; the ceiling
CONTENT_HEIGHT = 0.45  # room above a surface for what rests on it


def shade(colour, k: float) -> tuple[int, int, int]:
    return tuple(int(min(255, max(0, round(c * k)))) for c in colour)


@dataclass
class Prims:
    """Primitives as arrays: kind, bounding box (lo, hi), colour and material. A sphere
    fills its (cubic) box; a cylinder stands upright in its box."""

    kind: np.ndarray  # (n,) int8
    lo: np.ndarray  # (n, 3) float64: x, y, z
    hi: np.ndarray  # (n, 3)
    colour: np.ndarray  # (n, 3) uint8
    material: np.ndarray  # (n,) int8

    def __len__(self) -> int:
        return len(self.kind)

    @staticmethod
    def concat(parts: list[Prims]) -> Prims:
        parts = [p for p in parts if len(p)]
        if not parts:
            return EMPTY
        return Prims(*(np.concatenate([getattr(p, f) for p in parts]) for f in
                       ("kind", "lo", "hi", "colour", "material")))

    def moved(self, offset, scale: float = 1.0, anchor=(0.0, 0.0, 0.0)) -> Prims:
        """Scaled about `anchor`, then shifted by `offset`."""
        a = np.asarray(anchor, dtype=np.float64)
        o = np.asarray(offset, dtype=np.float64)
        return Prims(self.kind, (self.lo - a) * scale + a + o, (self.hi - a) * scale + a + o,
                     self.colour, self.material)

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        return self.lo.min(axis=0), self.hi.max(axis=0)


EMPTY = Prims(np.zeros(0, np.int8), np.zeros((0, 3)), np.zeros((0, 3)), np.zeros((0, 3), np.uint8),
              np.zeros(0, np.int8))


class Builder:
    """Collects primitives in world coordinates."""

    def __init__(self):
        self.rows: list[tuple] = []

    def box(self, x0, x1, y0, y1, z0, z1, colour, material=PLAIN) -> None:
        self.rows.append((BOX, min(x0, x1), min(y0, y1), min(z0, z1), max(x0, x1), max(y0, y1),
                          max(z0, z1), colour, material))

    def sphere(self, x, y, z, r, colour, material=PLAIN) -> None:
        self.rows.append((SPHERE, x - r, y - r, z - r, x + r, y + r, z + r, colour, material))

    def cylinder(self, x, z, r, y0, y1, colour, material=PLAIN) -> None:
        self.rows.append((CYLINDER, x - r, y0, z - r, x + r, y1, z + r, colour, material))

    def prims(self) -> Prims:
        if not self.rows:
            return EMPTY
        rows = self.rows
        return Prims(np.array([r[0] for r in rows], np.int8),
                     np.array([r[1:4] for r in rows], np.float64),
                     np.array([r[4:7] for r in rows], np.float64),
                     np.array([r[7] for r in rows], np.uint8),
                     np.array([r[8] for r in rows], np.int8))


@dataclass(frozen=True)
class Surface:
    """Where contents rest: a rectangle at height y, with `height` metres of room above."""

    x0: float
    x1: float
    z0: float
    z1: float
    y: float
    height: float = CONTENT_HEIGHT
    front: str = ""  # the side facing the room ("-z", "+z", "-x", "+x"), when it has one


class Frame:
    """A footprint rectangle turned so that its front faces the room: u runs along the
    front (0..width), v from the front face backwards (0..depth)."""

    def __init__(self, x0: float, x1: float, z0: float, z1: float, front: str):
        self.x0, self.x1, self.z0, self.z1, self.front = x0, x1, z0, z1, front
        along_x = front in ("-z", "+z")
        self.width = (x1 - x0) if along_x else (z1 - z0)
        self.depth = (z1 - z0) if along_x else (x1 - x0)

    def xz(self, u: float, v: float) -> tuple[float, float]:
        f = self.front
        if f == "-z":
            return self.x0 + u, self.z0 + v
        if f == "+z":
            return self.x1 - u, self.z1 - v
        if f == "-x":
            return self.x0 + v, self.z1 - u
        return self.x1 - v, self.z0 + u

    def u_at(self, x: float, z: float) -> float:
        """How far along the front a point lies (the inverse of xz for u)."""
        return {"-z": x - self.x0, "+z": self.x1 - x, "-x": self.z1 - z}.get(self.front, z - self.z0)

    def v_at(self, x: float, z: float) -> float:
        """How far behind the front face a point lies (the inverse of xz for v)."""
        return {"-z": z - self.z0, "+z": self.z1 - z, "-x": x - self.x0}.get(self.front, self.x1 - x)

    def box(self, b: Builder, u0, u1, v0, v1, y0, y1, colour, material=PLAIN) -> None:
        xa, za = self.xz(u0, v0)
        xb, zb = self.xz(u1, v1)
        b.box(xa, xb, y0, y1, za, zb, colour, material)

    def cylinder(self, b: Builder, u, v, r, y0, y1, colour, material=PLAIN) -> None:
        x, z = self.xz(u, v)
        b.cylinder(x, z, r, y0, y1, colour, material)

    def sphere(self, b: Builder, u, v, y, r, colour, material=PLAIN) -> None:
        x, z = self.xz(u, v)
        b.sphere(x, y, z, r, colour, material)

    def surface(self, u0, u1, v0, v1, y, height=CONTENT_HEIGHT) -> Surface:
        xa, za = self.xz(u0, v0)
        xb, zb = self.xz(u1, v1)
        return Surface(min(xa, xb), max(xa, xb), min(za, zb), max(za, zb), y, height, self.front)
