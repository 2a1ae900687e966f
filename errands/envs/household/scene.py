"""A scene: the static floor plan and the objects as placed at the start, the data that
procedural generation and the ALFRED importer both build. The world (world.py) plays
episodes in it; what can be seen and reached from where is visibility.py's.
"""

from __future__ import annotations

import copy
from collections import deque
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from .object_types import OBJECT_TYPES, ObjectType

GRID_SIZE = 0.25  # metres per cell, AI2-THOR's navigation grid
CAMERA_HEIGHT = 1.576  # metres above the floor: AI2-THOR's agent (its centre at 0.901 m, the camera 0.675 m above)
HEADINGS = (0, 90, 180, 270)  # AI2-THOR rotation: 0 faces +z, 90 faces +x
HORIZONS = (-30, -15, 0, 15, 30, 45, 60)  # camera pitch, positive looks down

# Cell kinds of the floor plan grid (and channel 0 of the symbolic view).
OUTSIDE, FLOOR, WALL, FURNITURE = 0, 1, 2, 3
CELL_KIND_NAMES = ("outside", "floor", "wall", "furniture")


class Pose(NamedTuple):
    """The agent on the grid: row (z), column (x), heading and camera horizon in degrees."""

    row: int
    col: int
    heading: int
    horizon: int

    def after(self, move: str) -> Pose:
        """The pose MoveAhead, RotateLeft or RotateRight leads to when nothing is in the way."""
        if move == "MoveAhead":
            d_row, d_col = heading_step(self.heading)
            return self._replace(row=self.row + d_row, col=self.col + d_col)
        return self._replace(heading=(self.heading + {"RotateLeft": -90, "RotateRight": 90}[move]) % 360)


def heading_step(heading: int) -> tuple[int, int]:
    """(d_row, d_col) of one MoveAhead: heading 0 is +z (rows), 90 is +x (columns)."""
    return {0: (1, 0), 90: (0, 1), 180: (-1, 0), 270: (0, -1)}[heading]


@dataclass
class ObjectSpec:
    """An object as the scene places it at the start of every episode.

    Furniture and fixtures (not pickupable) have a position and never move; pickupable
    objects have a parent receptacle and sit where it is.
    """

    id: str
    type: str
    position: tuple[float, float, float] | None = None  # x, y (height), z in metres
    parent: str | None = None
    is_open: bool = False
    is_on: bool = False
    is_dirty: bool = False
    controls: str | None = None  # a StoveKnob's burner, a Faucet's basin
    half_extent: float | None = None  # footprint radius when it differs from the type's
    footprint: list[tuple[int, int]] = field(default_factory=list)  # cells it occupies

    @property
    def object_type(self) -> ObjectType:
        return OBJECT_TYPES[self.type]


@dataclass
class Scene:
    """A floor plan with its objects. `cells[row, col]` holds a cell kind; cell (0, 0) is
    at `origin` (x, z) in metres."""

    name: str
    room_type: str
    cells: np.ndarray
    origin: tuple[float, float]
    objects: list[ObjectSpec]
    start_pose: Pose
    recorded_poses: dict[str, list[Pose]] = field(default_factory=dict)  # from ALFRED
    # Set by visibility.validate_scene: the poses that frame and reach each fixed object,
    # (K, 4) row, col, heading, horizon, best first; the objects no pose reaches.
    interaction_poses: dict[str, np.ndarray] = field(default_factory=dict)
    unreachable: list[str] = field(default_factory=list)
    # Wall cells of the grid where nothing stands (an imported ALFRED plan's clearance
    # around furniture, which its walkable grid leaves out): blocked for walking, drawn
    # as open room by the camera. A bool mask like `cells`, or None.
    clearance: np.ndarray | None = None
    # Receptacles whose every surface lies above the camera (imported high wall cabinets
    # and shelves): no camera pose shows what rests there, so nothing is placed there.
    above_eye: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.fixed = [o for o in self.objects if o.position is not None]
        self.fixed_index = {o.id: i for i, o in enumerate(self.fixed)}
        # What is derived from the floor plan and the fixed objects (their visibility,
        # visibility.py; their 3D geometry, render/placement.py); shared by copies.
        self.geometry_cache: dict = {}

    def copy(self) -> Scene:
        """A copy whose object list can change (specs are never modified in place); the
        floor plan, poses and caches are shared."""
        new = copy.copy(self)
        new.objects = list(self.objects)
        return new

    def cell_map(self) -> tuple[dict, dict]:
        """Which fixed objects cover each cell (drawing order), and the index of each
        cell within its object's footprint."""
        cache = self.geometry_cache  # copies share their fixed objects, so the map too
        if "cell_map" not in cache:
            cell_fixed: dict[tuple[int, int], list[str]] = {}
            slot: dict[tuple[str, tuple[int, int]], int] = {}
            for spec in self.fixed:
                for k, cell in enumerate(spec.footprint):
                    cell_fixed.setdefault(cell, []).append(spec.id)
                    slot[spec.id, cell] = k
            cache["cell_map"] = (cell_fixed, slot)
        return cache["cell_map"]

    # --- geometry -------------------------------------------------------------------

    def cell_xz(self, row: int, col: int) -> tuple[float, float]:
        return self.origin[0] + col * GRID_SIZE, self.origin[1] + row * GRID_SIZE

    def xz_cell(self, x: float, z: float) -> tuple[int, int]:
        return int(round((z - self.origin[1]) / GRID_SIZE)), int(round((x - self.origin[0]) / GRID_SIZE))

    def is_floor(self, row: int, col: int) -> bool:
        rows, cols = self.cells.shape
        return 0 <= row < rows and 0 <= col < cols and self.cells[row, col] == FLOOR

    def reachable_cells(self, start: tuple[int, int]) -> set[tuple[int, int]]:
        """Floor cells connected to `start` by MoveAhead steps."""
        seen = {start}
        queue = deque([start])
        while queue:
            r, c = queue.popleft()
            for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                nxt = (r + dr, c + dc)
                if nxt not in seen and self.is_floor(*nxt):
                    seen.add(nxt)
                    queue.append(nxt)
        return seen

    def check(self) -> None:
        """The scene's data is consistent: the start pose on the floor, object ids unique,
        every object placed or in a known receptacle; raise SceneError if not. (That
        every object a task needs can be seen and reached is visibility.validate_scene's
        check, which calls this one.)"""
        if not self.is_floor(*self.start_pose[:2]):
            raise SceneError(f"{self.name}: the start pose {self.start_pose} is not on a floor cell")
        ids = [o.id for o in self.objects]
        if len(ids) != len(set(ids)):
            raise SceneError(f"{self.name}: duplicate object ids")
        known = set(ids)
        for o in self.objects:
            if o.position is None and o.parent not in known:
                raise SceneError(f"{self.name}: {o.id} has no position and no receptacle")


class SceneError(ValueError):
    """A scene that breaks the rules: unreachable objects, bad ids, bad files."""


def object_id(type_name: str, x: float, y: float, z: float) -> str:
    """AI2-THOR's id format: 'Apple|+01.00|+00.90|-00.50'."""
    return f"{type_name}|{x:+06.2f}|{y:+06.2f}|{z:+06.2f}"
