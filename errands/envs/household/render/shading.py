"""Shading: the colour of each pixel a ray hit. A pixel takes a colour from one palette
(the room's ceiling, walls, baseboard and floor tones, then the primitives' own colours)
and a brightness from the face it hit (spheres and cylinders by their true normal),
dimmed a little with distance; lamps that are on glow."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..scene import Scene
from .placement import scene_geometry
from .primitives import CYLINDER, LIT, WALL_SURFACE, Prims
from .raycast import CEILING_ID, DEPTH_STEP, DIST_SHIFT, FACE_BITS, FLOOR_ID, PRIM_BITS, PRIM_MASK, ROUND_FACE, \
    WALL_ID, Rays

CEILING_COLOUR = np.array([230, 228, 224], np.float32)
FLOOR_STYLES = {  # two colours per room type, alternated by pattern
    "kitchen": ((224, 218, 204), (168, 160, 150)),
    "living_room": ((170, 120, 78), (146, 100, 62)),
    "bedroom": ((186, 146, 104), (164, 126, 88)),
    "bathroom": ((236, 240, 242), (190, 210, 222)),
}
# Brightness of a box face by its normal: +x, -x, +y (top), -y, +z, -z.
FACE_SHADE = np.array([0.86, 0.78, 1.0, 0.6, 0.93, 0.82], np.float32)
FACE_SHADE_ALL = np.concatenate([FACE_SHADE, [1.0, 1.0]]).astype(np.float32)  # by face code
LIGHT = np.array([-0.35, 0.85, -0.4]) / np.linalg.norm([-0.35, 0.85, -0.4])

CEILING, WALL, BASEBOARD, FLOOR_TONES = 0, 1, 2, 3  # the room's palette: ceiling, wall, baseboard, 5 floor tones


@lru_cache(maxsize=32)
def room_palette(room_type: str, wall_colour) -> np.ndarray:
    light, dark = (np.array(c, np.float32) for c in FLOOR_STYLES.get(room_type, FLOOR_STYLES["living_room"]))
    tones = [light + (dark - light) * k / 4 for k in range(5)]
    wall = np.array(wall_colour, np.float32)
    return np.stack([CEILING_COLOUR, wall, wall * 0.62] + tones).astype(np.float32)


def floor_pattern(room_type: str, x: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Palette index of the floor where rays meet it: tiles in kitchens and bathrooms,
    boards elsewhere."""
    if room_type in ("kitchen", "bathroom"):
        scale = 2.0 if room_type == "kitchen" else 4.0  # 0.5 m and 0.25 m tiles
        parity = (np.floor(x * scale) + np.floor(z * scale)) % 2
        return (FLOOR_TONES + 4 * parity).astype(np.int64)
    board = np.floor(z * 5.0)  # 0.2 m boards, 1.2 m long, staggered
    seam = np.floor(x * (1 / 1.2) + board * 0.37)
    return (FLOOR_TONES + (board * 7 + seam * 13) % 5).astype(np.int64)


def pixel_colours(scene: Scene, prims: Prims, zbuf, pixels, eye, rays: Rays) -> np.ndarray:
    """RGB of the given pixels, whose z-buffer entries index `prims` (or the room).
    Each pixel picks a colour from one palette (the room's colours, then the
    primitives') and a brightness from the face it hit."""
    winner = zbuf & PRIM_MASK
    face = (zbuf >> PRIM_BITS) & ((1 << FACE_BITS) - 1)
    dist = (zbuf >> DIST_SHIFT).astype(np.float32) * np.float32(DEPTH_STEP)
    geometry = scene_geometry(scene)
    room = room_palette(scene.room_type, geometry.wall_colour)
    cached = getattr(prims, "palette", None)  # the room's colours, then the primitives'
    if cached is None or cached[0] is not room:
        prims.palette = cached = (room, np.concatenate([room, prims.colour.astype(np.float32)]))
    palette = cached[1]
    index = winner.astype(np.int64) + len(room)  # primitives
    light = FACE_SHADE_ALL[face]
    if winner.max() >= WALL_ID:  # the room: ceiling, walls, floor
        index[winner == CEILING_ID] = CEILING
        w = np.nonzero(winner == WALL_ID)[0]
        if len(w):
            base = eye[1] + dist[w] * rays.dirs[pixels[w], 1] < 0.1
            index[w] = np.where(base, BASEBOARD, WALL)
        f = np.nonzero(winner == FLOOR_ID)[0]
        if len(f):
            d = rays.dirs[pixels[f]]
            index[f] = floor_pattern(scene.room_type, eye[0] + dist[f] * d[:, 0],
                                      eye[2] + dist[f] * d[:, 2])
        idx = np.nonzero(winner < WALL_ID)[0]
    else:
        idx = slice(None)
    p = winner[idx]
    material = prims.material[p]
    wall = np.nonzero(material == WALL_SURFACE)[0]
    if len(wall):
        wi = pixels_of(idx, wall)
        base = eye[1] + dist[wi] * rays.dirs[pixels[wi], 1] < 0.1
        index[wi[base]] = BASEBOARD
    rounds = np.nonzero(face[idx] == ROUND_FACE)[0]
    if len(rounds):
        ri, rp = pixels_of(idx, rounds), p[rounds]
        hit = eye[None, :] + dist[ri, None] * rays.dirs[pixels[ri]]
        normal = hit - (prims.lo[rp] + prims.hi[rp]) / 2
        cyl = prims.kind[rp] == CYLINDER
        normal[cyl, 1] = 0.0
        normal[cyl & (hit[:, 1] >= prims.hi[rp, 1] - 1e-3)] = (0.0, 1.0, 0.0)
        normal[cyl & (hit[:, 1] <= prims.lo[rp, 1] + 1e-3)] = (0.0, -1.0, 0.0)
        normal /= np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-9)
        light[ri] = 0.62 + 0.38 * np.clip(normal @ LIGHT, 0, 1)
    lit = np.nonzero(material == LIT)[0]
    if len(lit):
        light[pixels_of(idx, lit)] = 1.15
    light = light / (1.0 + 0.02 * np.minimum(dist, 20.0))
    rgb = np.take(palette, index, axis=0) * light[:, None]
    return np.minimum(rgb, 255).astype(np.uint8)


def pixels_of(idx, positions: np.ndarray) -> np.ndarray:
    """Entries `positions` of a selection `idx` (an index array, or every entry)."""
    return positions if isinstance(idx, slice) else idx[positions]
