"""A top-down map of the world as an RGB array: floor, walls, furniture by colour, the
objects resting on it, the agent with its heading, and the path it walked. +z is up."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from .object_types import OBJECT_TYPES, TYPE_NAMES
from .scene import FLOOR, FURNITURE, WALL
from .world import FLAG_OPEN, FLAG_ON, World

KIND_COLOURS = {0: (24, 24, 28), FLOOR: (226, 216, 196), WALL: (70, 70, 78), FURNITURE: (150, 130, 110)}
# Colour by type index (0 = nothing).
TYPE_COLOURS = np.array([(0, 0, 0)] + [OBJECT_TYPES[n].colour for n in TYPE_NAMES], dtype=np.uint8)


def render_topdown(world: World, path: list[tuple[int, int]] | None = None, cell_px: int = 12) -> np.ndarray:
    p = world._pad
    rows, cols = world.scene.cells.shape
    layers = world._layers[p:p + rows, p:p + cols]
    kind, furniture, item, flags = (layers[..., i] for i in range(4))

    cell_rgb = np.zeros((rows, cols, 3), dtype=np.uint8)
    for k, colour in KIND_COLOURS.items():
        cell_rgb[kind == k] = colour
    has_furniture = furniture > 0
    cell_rgb[has_furniture] = TYPE_COLOURS[furniture[has_furniture]]
    image = np.repeat(np.repeat(cell_rgb, cell_px, axis=0), cell_px, axis=1)

    # Open furniture gets a light border, switched-on furniture a yellow one.
    q = max(2, cell_px // 3)
    for (r, c) in zip(*np.nonzero(flags)):
        colour = (255, 230, 60) if flags[r, c] & FLAG_ON else (250, 250, 250)
        if flags[r, c] & (FLAG_OPEN | FLAG_ON):
            y0, x0 = r * cell_px, c * cell_px
            image[y0:y0 + cell_px, x0:x0 + 1] = colour
            image[y0:y0 + cell_px, x0 + cell_px - 1:x0 + cell_px] = colour
            image[y0:y0 + 1, x0:x0 + cell_px] = colour
            image[y0 + cell_px - 1:y0 + cell_px, x0:x0 + cell_px] = colour
    # Objects resting on furniture: a dot in their own colour.
    for (r, c) in zip(*np.nonzero(item)):
        y0, x0 = r * cell_px + (cell_px - q) // 2, c * cell_px + (cell_px - q) // 2
        image[y0:y0 + q, x0:x0 + q] = TYPE_COLOURS[item[r, c]]

    image = np.ascontiguousarray(image[::-1])  # rows grow with +z: put +z at the top
    canvas = Image.fromarray(image)
    draw = ImageDraw.Draw(canvas)
    height = rows * cell_px

    def centre(r: int, c: int) -> tuple[float, float]:
        return c * cell_px + cell_px / 2, height - (r * cell_px + cell_px / 2)

    if path and len(path) > 1:
        draw.line([centre(r, c) for r, c in path], fill=(40, 110, 220), width=max(1, cell_px // 6))
    a = world.agent
    cx, cy = centre(a.row, a.col)
    s = cell_px * 0.45
    dx, dz = {0: (0, 1), 90: (1, 0), 180: (0, -1), 270: (-1, 0)}[a.heading]
    tip = (cx + dx * s, cy - dz * s)
    left = (cx - dx * s * 0.6 - dz * s * 0.7, cy + dz * s * 0.6 - dx * s * 0.7)
    right = (cx - dx * s * 0.6 + dz * s * 0.7, cy + dz * s * 0.6 + dx * s * 0.7)
    draw.polygon([tip, left, right], fill=(220, 40, 40), outline=(255, 255, 255))
    if world.held:
        colour = tuple(int(v) for v in OBJECT_TYPES[world.objects[world.held].type.name].colour)
        draw.ellipse([cx - q / 2, cy - q / 2, cx + q / 2, cy + q / 2], fill=colour)
    return np.asarray(canvas)
