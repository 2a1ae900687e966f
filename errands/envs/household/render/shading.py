"""Shading: the colour of each pixel a ray hit, as the compiled kernel (kernel.py) gives
it. A pixel takes a colour from one palette (the room's ceiling, walls, baseboard and
floor tones, then the primitives' own colours) and a brightness from the face it hit
(spheres and cylinders by their true normal: ROUND_LIGHT), dimmed a little with
distance (DIMMING per metre, up to DIMMING_RANGE); lamps that are on glow (LIT_LIGHT).
Wall surfaces below BASEBOARD_HEIGHT are baseboard. The floor is tiled in kitchens (0.5 m tiles)
and bathrooms (0.25 m), else laid with 0.2 m boards, 1.2 m long and staggered."""

from __future__ import annotations

from functools import lru_cache

import numpy as np


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
ROUND_LIGHT = (0.62, 0.38)  # a round surface's brightness: base + k * max(0, normal . LIGHT)
LIT_LIGHT = 1.15  # the brightness of a lamp that is on
DIMMING, DIMMING_RANGE = 0.02, 20.0  # brightness / (1 + DIMMING * min(distance, DIMMING_RANGE))

CEILING, WALL, BASEBOARD, FLOOR_TONES = 0, 1, 2, 3  # the room's palette: ceiling, wall, baseboard, 5 floor tones
BASEBOARD_HEIGHT = 0.1  # metres: wall surfaces below it are baseboard


@lru_cache(maxsize=32)
def room_palette(room_type: str, wall_colour) -> np.ndarray:
    light, dark = (np.array(c, np.float32) for c in FLOOR_STYLES.get(room_type, FLOOR_STYLES["living_room"]))
    tones = [light + (dark - light) * k / 4 for k in range(5)]
    wall = np.array(wall_colour, np.float32)
    return np.stack([CEILING_COLOUR, wall, wall * 0.62] + tones).astype(np.float32)
