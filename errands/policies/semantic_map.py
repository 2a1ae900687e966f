"""A top-down map the camera policy builds over an episode from what it perceives: which
cells it has seen as floor, which hold something, and where it saw each object type.

Nothing privileged goes in. Each frame's per-pixel type labels and depth (from the
learned perception network, policies/perception_network.py) are lifted to 3-D points
with the camera's known optics (a 90 degree pinhole at 1.576 m, as the renderer's) and
the policy's own pose, which it keeps by dead reckoning: its moves and turns, and
whether each succeeded (the one thing of info it reads). The map's frame is the
episode's start: its start cell is the middle of the map, its start heading is 0, and
its start horizon is ALFRED's 30 degrees down (every household and ALFRED episode starts
so; the map assumes it rather than reading the pose).

Cells are the simulator's 0.25 m grid. With a perception that labels the floor
(add_frame's floor_class), floor pixels mark their cells floor where their rays meet the
floor, and the foot of what stands on it marks its cell occupied, both from the labels
and the optics alone; without one, a point below 6 cm marks its cell floor and one above
it and below the agent's height marks its cell occupied. Obstacle points are pushed a
few centimetres along their ray first, so that a face on a cell's edge falls into the
thing it belongs to; a cell is free when seen as floor and its floor points far
outnumber the others. A refused MoveAhead marks the cell ahead occupied for good.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from ..envs.household.render.raycast import pixel_rays
from ..envs.household.scene import CAMERA_HEIGHT, GRID_SIZE, heading_step

MAP_CELLS = 128  # 32 m a side, centred on the start
START_HORIZON = 30  # degrees down: where every episode's camera starts
FLOOR_HEIGHT = 0.06  # metres: points below it are floor
AGENT_HEIGHT = 1.8  # points above it (a ceiling, a high shelf) do not block the way
PUSH = 0.06  # metres along the ray an obstacle point is pushed into what it belongs to
MAX_RANGE = 4.0  # metres: points farther than this are not mapped (depth is least sure there)
HELD_RANGE = 0.8  # metres: pixels of the held object's type nearer than this are the object in hand
FOOT_WEIGHT = 3  # points a column's foot counts for in its cell
BUMPED = 1000  # the occupied count of a cell a MoveAhead was refused into
OUTNUMBER = 4  # floor points per other point that make a cell free all the same
FRONTIER_UNSEEN = 2  # never-seen cells beside a frontier cell


class SemanticMap:
    def __init__(self, classes: int, size: int = MAP_CELLS):
        self.classes, self.size = classes, size
        self.row = self.col = size // 2
        self.heading, self.horizon = 0, START_HORIZON
        self.floor = np.zeros((size, size), np.int32)  # floor points seen in each cell
        self.occupied = np.zeros((size, size), np.int32)  # points above the floor seen in each cell
        self.seen = np.zeros((size, size), bool)  # any point landed there
        self.types = np.zeros((classes, size, size), np.int32)  # per class, its points per cell

    # --- pose by dead reckoning ---------------------------------------------------------

    def moved(self, action: str, success: bool) -> None:
        """Follow the agent's own action: a successful move or turn changes the pose; a
        refused MoveAhead marks the cell ahead occupied."""
        if action == "MoveAhead":
            dr, dc = heading_step(self.heading)
            if success:
                self.row, self.col = self.row + dr, self.col + dc
            else:
                self.occupied[self.row + dr, self.col + dc] += BUMPED
        elif success and action in ("RotateLeft", "RotateRight"):
            self.heading = (self.heading + (90 if action == "RotateRight" else -90)) % 360
        elif success and action in ("LookUp", "LookDown"):
            self.horizon += 15 if action == "LookDown" else -15

    @property
    def cell(self) -> tuple[int, int]:
        return self.row, self.col

    # --- mapping a frame ------------------------------------------------------------------

    def points(self, depth: np.ndarray) -> tuple[np.ndarray, ...]:
        """Each pixel's point: (height above the floor, map row, map col, horizontal
        distance from the agent), as (H, W) arrays; the row and col are floats."""
        rays = pixel_rays(self.heading, self.horizon, *depth.shape)
        p = rays * depth[..., None]  # (H, W, 3): x, y, z from the camera
        height = CAMERA_HEIGHT + p[..., 1]  # as pixel_heights(depth, self.horizon)
        row = self.row + p[..., 2] / GRID_SIZE
        col = self.col + p[..., 0] / GRID_SIZE
        return height, row, col, np.hypot(p[..., 0], p[..., 2]), rays

    def add_frame(self, labels: np.ndarray, depth: np.ndarray, held: list[int] = (), floor_class: int | None = None
                  ) -> None:
        """Map one frame: (H, W) class labels (0 the room) and depth in metres; pixels of
        the `held` classes near the camera are the object in hand, not the room's.

        With a `floor_class`, the floor and what stands on it are mapped from the labels
        alone, as a robot maps free space from floor segmentation: a floor pixel's point is
        where its ray meets the floor (exact, whatever the depth's error), and in each
        column of the frame the first pixel above the floor seen from the bottom up is
        where something stands (its ray's floor point lies at, or just behind, its foot).
        Depth then only places the object types."""
        height, row, col, distance, rays = self.points(depth)
        near = (depth > 0) & (distance <= MAX_RANGE)
        held_pixels = np.isin(labels, held) & (distance < HELD_RANGE) if len(held) else np.zeros(labels.shape, bool)
        near &= ~held_pixels
        unit = rays / np.linalg.norm(rays, axis=-1, keepdims=True)
        push_row = row + PUSH * unit[..., 2] / GRID_SIZE
        push_col = col + PUSH * unit[..., 0] / GRID_SIZE
        if floor_class is None:
            is_floor = near & (height < FLOOR_HEIGHT)
            blocks = near & (height >= FLOOR_HEIGHT) & (height < AGENT_HEIGHT)
            floor_rows, floor_cols = row[is_floor], col[is_floor]
            block_rows, block_cols = push_row[blocks], push_col[blocks]
        else:
            floor_rows, floor_cols, block_rows, block_cols = self._floor_and_feet(labels == floor_class, rays,
                                                                                  held_pixels)
        self._count(self.floor, floor_rows, floor_cols)
        self._count(self.occupied, block_rows, block_cols)
        for rows, cols in ((floor_rows, floor_cols), (block_rows, block_cols)):
            r, c = self._cells(rows, cols)
            self.seen[r, c] = True
        objects = near & (labels > 0) & (labels != (-1 if floor_class is None else floor_class))
        r, c = self._cells(push_row[objects], push_col[objects])
        np.add.at(self.types, (labels[objects], r, c), 1)

    def _floor_and_feet(self, floor: np.ndarray, rays: np.ndarray, held: np.ndarray):
        """(rows, cols) of the floor pixels' floor points, and of each column's first
        non-floor pixel above the floor run from the bottom (its ray's floor point, pushed
        on a little): from the labels and the camera's optics alone."""
        down = -rays[..., 1]
        reach = np.where(down > 1e-6, CAMERA_HEIGHT / np.maximum(down, 1e-6), np.inf)  # ray length to the floor
        x, z = rays[..., 0] * reach, rays[..., 2] * reach
        ground = np.hypot(x, z)
        on_floor = floor & (ground <= MAX_RANGE)
        floor_rows, floor_cols = self.row + z[on_floor] / GRID_SIZE, self.col + x[on_floor] / GRID_SIZE
        h = floor.shape[0]
        run = np.cumprod(floor[::-1], axis=0).sum(0)  # floor pixels from the bottom up, per column
        columns = np.nonzero((run > 0) & (run < h))[0]
        y = h - 1 - run[columns]
        keep = ~held[y, columns] & (ground[y, columns] <= MAX_RANGE)
        y, columns = y[keep], columns[keep]
        along = (ground[y, columns] + PUSH) / np.maximum(ground[y, columns], 1e-6)
        feet_rows = self.row + z[y, columns] * along / GRID_SIZE
        feet_cols = self.col + x[y, columns] * along / GRID_SIZE
        # a column's foot counts for several points: a column is one ray, a floor cell many
        feet_rows, feet_cols = np.repeat(feet_rows, FOOT_WEIGHT), np.repeat(feet_cols, FOOT_WEIGHT)
        return floor_rows, floor_cols, feet_rows, feet_cols

    def _cells(self, row: np.ndarray, col: np.ndarray):
        r = np.clip(np.rint(row).astype(np.int64), 0, self.size - 1)
        c = np.clip(np.rint(col).astype(np.int64), 0, self.size - 1)
        return r, c

    def _count(self, grid: np.ndarray, row: np.ndarray, col: np.ndarray) -> None:
        r, c = self._cells(row, col)
        np.add.at(grid, (r, c), 1)

    # --- what the map says ----------------------------------------------------------------

    def free(self) -> np.ndarray:
        """(size, size) bool: cells seen as floor with nothing seen standing on them."""
        # a few points of a wall seen edge-on may round into the floor cell beside it: a cell
        # is free when its floor points far outnumber the others
        free = (self.floor >= 2) & ((self.occupied < 2) | (self.occupied * OUTNUMBER < self.floor))
        free[self.row, self.col] = True
        return free

    def cells_of(self, class_indices, least: int = 2) -> list[tuple[int, int]]:
        """The cells where at least `least` points of any of the classes landed."""
        counts = self.types[list(class_indices)].sum(0)
        return list(zip(*np.nonzero(counts >= least)))

    def frontier(self, free: np.ndarray, least: int = FRONTIER_UNSEEN) -> np.ndarray:
        """Free cells with at least `least` never-seen cells among their eight
        neighbours: where walking shows something new."""
        unknown = (~self.seen & ~free).astype(np.int32)
        padded = np.pad(unknown, 1)
        around = sum(padded[1 + dr:1 + dr + self.size, 1 + dc:1 + dc + self.size]
                     for dr in range(-1, 2) for dc in range(-1, 2))
        return free & (around >= least)


def distances(free: np.ndarray, goals) -> np.ndarray:
    """Steps from every free cell to the nearest goal cell over free cells (-1 where none
    leads), by breadth-first search from the goals."""
    size = free.shape[0]
    dist = np.full(free.shape, -1, np.int32)
    queue = deque()
    for r, c in goals:
        if dist[r, c] < 0:
            dist[r, c] = 0
            queue.append((r, c))
    while queue:
        r, c = queue.popleft()
        for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            nr, nc = r + dr, c + dc
            if 0 <= nr < size and 0 <= nc < size and free[nr, nc] and dist[nr, nc] < 0:
                dist[nr, nc] = dist[r, c] + 1
                queue.append((nr, nc))
    return dist


def heading_towards(row: int, col: int, to_row: float, to_col: float) -> int:
    """The heading (0, 90, 180, 270) that faces most nearly from a cell towards a point."""
    dr, dc = to_row - row, to_col - col
    if abs(dr) >= abs(dc):
        return 0 if dr >= 0 else 180
    return 90 if dc > 0 else 270
