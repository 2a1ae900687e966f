"""A scene: the static floor plan, the objects as placed at the start, and the geometry of
seeing and reaching them. Procedural generation and the ALFRED importer both build one;
the world (world.py) plays episodes in it.
"""

from __future__ import annotations

import copy
from collections import deque
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from .object_types import OBJECT_TYPES, ObjectType

GRID_SIZE = 0.25  # metres per cell, AI2-THOR's navigation grid
VISIBILITY_DISTANCE = 1.5  # metres: AI2-THOR's interaction range
CAMERA_HEIGHT = 1.5  # metres above the floor
HALF_FIELD_OF_VIEW = 45.0  # degrees: a 90 degree camera
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
    interaction_poses: dict[str, np.ndarray] = field(default_factory=dict)  # (K, 4) row, col, heading, horizon
    unreachable: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.fixed = [o for o in self.objects if o.position is not None]
        self.fixed_index = {o.id: i for i, o in enumerate(self.fixed)}
        self._fx = np.array([o.position[0] for o in self.fixed], dtype=np.float64)
        self._fy = np.array([o.position[1] for o in self.fixed], dtype=np.float64)
        self._fz = np.array([o.position[2] for o in self.fixed], dtype=np.float64)
        self._fext = np.array([o.half_extent or o.object_type.half_extent for o in self.fixed], dtype=np.float64)
        self._fvext = np.minimum(self._fext, 0.4)
        self._visible_cache: dict[Pose, list[tuple[float, int]]] = {}
        self._cell_map = None
        self._pose_table = None
        self._cell_index: dict[tuple[int, int], int] = {}
        self.geometry_cache: dict = {}  # derived from the fixed objects; shared by copies

    def copy(self) -> Scene:
        """A copy whose object list can change (specs are never modified in place); the
        floor plan, poses and caches are shared."""
        new = copy.copy(self)
        new.objects = list(self.objects)
        return new

    def cell_map(self) -> tuple[dict, dict]:
        """Which fixed objects cover each cell (drawing order), and the index of each
        cell within its object's footprint."""
        if self._cell_map is None:
            cell_fixed: dict[tuple[int, int], list[str]] = {}
            slot: dict[tuple[str, tuple[int, int]], int] = {}
            for spec in self.fixed:
                for k, cell in enumerate(spec.footprint):
                    cell_fixed.setdefault(cell, []).append(spec.id)
                    slot[spec.id, cell] = k
            self._cell_map = (cell_fixed, slot)
        return self._cell_map

    # --- geometry -------------------------------------------------------------------

    def cell_xz(self, row: int, col: int) -> tuple[float, float]:
        return self.origin[0] + col * GRID_SIZE, self.origin[1] + row * GRID_SIZE

    def xz_cell(self, x: float, z: float) -> tuple[int, int]:
        return int(round((z - self.origin[1]) / GRID_SIZE)), int(round((x - self.origin[0]) / GRID_SIZE))

    def is_floor(self, row: int, col: int) -> bool:
        rows, cols = self.cells.shape
        return 0 <= row < rows and 0 <= col < cols and self.cells[row, col] == FLOOR

    def visibility(self, xs: np.ndarray, zs: np.ndarray, heading: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
        """For cameras at (xs, zs): which fixed objects each sees within reach, and the
        distance to each one's footprint. Shapes (n_cameras, n_fixed).

        Seen means: the footprint is within reach, and either the object is framed (see
        `framed`) or its view box (shapes.py: the box around everything it draws, in any
        state, and what rests on it) meets the camera's view, a 90 degree pyramid pitched
        by the horizon. So whatever the first-person camera shows of an object within
        reach is seen (nothing occludes)."""
        seen, _, reach = self._seen_framed(xs, zs, heading, horizon)
        return seen, reach

    def _seen_framed(self, xs, zs, heading, horizon) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        framed, reach = self.framed(xs, zs, heading, horizon)
        seen = framed.copy()
        cam, obj = np.nonzero((reach <= VISIBILITY_DISTANCE + 1e-9) & ~framed)
        if len(cam):
            lo, hi = self.view_boxes()
            seen[cam, obj] = boxes_in_view(xs[cam], zs[cam], lo[obj], hi[obj], heading, horizon)
        return seen, framed, reach

    def framed(self, xs: np.ndarray, zs: np.ndarray, heading: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
        """Which fixed objects are within reach and framed: the footprint's circle within
        45 degrees of the heading, and a band around the object's height within 45
        degrees of the horizon, as seen from its centre's distance. Interaction poses
        are chosen among these; the reach as in `visibility`."""
        dx = self._fx[None, :] - xs[:, None]
        dz = self._fz[None, :] - zs[:, None]
        centre = np.hypot(dx, dz)
        reach = np.maximum(centre - self._fext, 0.0)
        bearing = (np.degrees(np.arctan2(dx, dz)) - heading + 180.0) % 360.0 - 180.0
        # Half the angle the footprint spans; a camera inside the footprint sees it whole.
        half_width = np.degrees(np.arcsin(np.minimum(self._fext / np.maximum(centre, 1e-6), 1.0)))
        half_width[centre <= self._fext] = 180.0
        elevation = np.degrees(np.arctan2(CAMERA_HEIGHT - self._fy, np.maximum(centre, 1e-3)))
        half_height = np.degrees(np.arctan2(self._fvext, np.maximum(centre, 1e-3)))
        framed = (
            (reach <= VISIBILITY_DISTANCE + 1e-9)
            & (np.abs(bearing) - half_width <= HALF_FIELD_OF_VIEW)
            & (np.abs(elevation - horizon) - half_height <= HALF_FIELD_OF_VIEW)
        )
        return framed, reach

    def view_boxes(self) -> tuple[np.ndarray, np.ndarray]:
        """(lo, hi) corners, (n_fixed, 3) each, of the fixed objects' view boxes."""
        if "view_boxes" not in self.geometry_cache:
            from .render.placement import scene_geometry  # placement builds on this module

            geometry = scene_geometry(self)
            self.geometry_cache["view_boxes"] = (geometry.view_lo, geometry.view_hi)
        return self.geometry_cache["view_boxes"]

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

    def compute_interaction_poses(self) -> None:
        """For every pose on a reachable cell, what it sees (kept, compressed by row, for
        fast look-ups while playing), and for every fixed object the poses that frame and
        reach it, best first (closest, then the most level camera), as an int array of
        (row, col, heading, horizon)."""
        cells = sorted(self.reachable_cells(self.start_pose[:2]))
        rows = np.array([r for r, _ in cells])
        cols = np.array([c for _, c in cells])
        xs = self.origin[0] + cols * GRID_SIZE
        zs = self.origin[1] + rows * GRID_SIZE
        self._cell_index = {cell: i for i, cell in enumerate(cells)}
        self._pose_table = {}
        found: list[list[np.ndarray]] = [[] for _ in self.fixed]
        for heading in HEADINGS:
            for horizon in HORIZONS:
                seen, framed, reach = self._seen_framed(xs, zs, heading, horizon)
                cell_i, obj_i = np.nonzero(seen)
                indptr = np.searchsorted(cell_i, np.arange(len(cells) + 1))
                self._pose_table[heading, horizon] = (indptr, obj_i.astype(np.int32),
                                                      reach[cell_i, obj_i].astype(np.float32))
                cell_i, obj_i = np.nonzero(framed)
                rank = np.round(reach[cell_i, obj_i], 3) * 1000 + abs(horizon - 15) / 100
                block = np.stack([rank, rows[cell_i], cols[cell_i], np.full(len(cell_i), heading),
                                  np.full(len(cell_i), horizon), obj_i], axis=1)
                for k in np.unique(obj_i):
                    found[k].append(block[obj_i == k])
        self.interaction_poses = {}
        for k, blocks in enumerate(found):
            if blocks:
                table = np.concatenate(blocks)
                table = table[np.lexsort((table[:, 4], table[:, 3], table[:, 2], table[:, 1], table[:, 0]))]
                self.interaction_poses[self.fixed[k].id] = table[:, 1:5].astype(np.int32)
            else:
                self.interaction_poses[self.fixed[k].id] = np.zeros((0, 4), dtype=np.int32)

    def visible_fixed(self, pose: Pose) -> list[tuple[float, int]]:
        """(reach, fixed index) of the fixed objects seen from a pose, nearest first."""
        hit = self._visible_cache.get(pose)
        if hit is None:
            i = self._cell_index.get((pose.row, pose.col)) if self._pose_table is not None else None
            if i is not None:
                indptr, objects, reaches = self._pose_table[pose.heading, pose.horizon]
                idx, reach = objects[indptr[i]:indptr[i + 1]], reaches[indptr[i]:indptr[i + 1]]
            else:
                x, z = self.cell_xz(pose.row, pose.col)
                seen, reaches = self.visibility(np.array([x]), np.array([z]), pose.heading, pose.horizon)
                idx = np.nonzero(seen[0])[0]
                reach = reaches[0, idx]
            hit = sorted(zip(np.round(reach.astype(np.float64), 4).tolist(), idx.tolist()))
            self._visible_cache[pose] = hit
        return hit

    def validate(self, allow_unreachable: bool = False) -> None:
        """Every object a task could need is reachable and interactable; raise if not.
        With `allow_unreachable` (imported floor plans whose walkable grid is split),
        such objects are listed in `self.unreachable` instead, and tasks avoid them."""
        if not self.is_floor(*self.start_pose[:2]):
            raise SceneError(f"{self.name}: the start pose {self.start_pose} is not on a floor cell")
        if self._pose_table is None:
            self.compute_interaction_poses()
        self.unreachable = [
            o.id
            for o in self.fixed
            if _interactive(o.object_type) and not len(self.interaction_poses.get(o.id, ()))
        ]
        if self.unreachable and not allow_unreachable:
            raise SceneError(f"{self.name}: no reachable pose sees and reaches {', '.join(self.unreachable)}")
        ids = [o.id for o in self.objects]
        if len(ids) != len(set(ids)):
            raise SceneError(f"{self.name}: duplicate object ids")
        known = set(ids)
        for o in self.objects:
            if o.position is None and o.parent not in known:
                raise SceneError(f"{self.name}: {o.id} has no position and no receptacle")


def boxes_in_view(xs: np.ndarray, zs: np.ndarray, lo: np.ndarray, hi: np.ndarray, heading: int,
                  horizon: int) -> np.ndarray:
    """Whether each axis-aligned box (lo, hi: (n, 3) x, y, z) meets the view of the camera
    at (xs[i], CAMERA_HEIGHT, zs[i]): |right| <= depth and |up| <= depth, depth along
    the camera's axis (a 90 degree field of view across and down).

    Exact: in the camera's yaw frame (u to the right, w ahead, y up) the box spans
    [u0, u1] x [y0, y1] x [w0, w1]; |u| <= depth is easiest at m = the distance from 0 to
    [u0, u1], so the box is in view iff some (y, w) of its rectangle lies in the vertical
    wedge |up| <= depth with depth >= m. Depth is linear, so its largest value over the
    rectangle cut by the wedge is at a corner of that polygon: a rectangle corner inside
    the wedge, or where a wedge edge crosses a rectangle edge (or the eye itself)."""
    h = np.radians(heading)
    p = np.radians(horizon)
    fx, fz = round(np.sin(h)), round(np.cos(h))  # ahead, on the grid's axes
    rx, rz = fz, -fx  # to the right
    ex, ez = lo[:, 0] - xs, lo[:, 2] - zs
    gx, gz = hi[:, 0] - xs, hi[:, 2] - zs
    u = np.stack([ex * rx + ez * rz, gx * rx + gz * rz])
    w = np.stack([ex * fx + ez * fz, gx * fx + gz * fz])
    u0, u1 = u.min(0), u.max(0)
    w0, w1 = w.min(0), w.max(0)
    y0, y1 = lo[:, 1] - CAMERA_HEIGHT, hi[:, 1] - CAMERA_HEIGHT
    m = np.maximum(np.maximum(u0, -u1), 0.0)
    cos_p, sin_p = np.cos(p), np.sin(p)

    def depth(y, w):
        return w * cos_p - y * sin_p

    def in_wedge(y, w):
        d = depth(y, w)
        return np.abs(y * cos_p + w * sin_p) <= d + 1e-9

    best = np.full(len(m), -np.inf)
    for y in (y0, y1):
        for ww in (w0, w1):
            best = np.where(in_wedge(y, ww), np.maximum(best, depth(y, ww)), best)
    with np.errstate(divide="ignore", invalid="ignore"):
        for angle in (-p + np.pi / 4, -p - np.pi / 4):  # the wedge's edges, as elevations
            ey, ew = np.sin(angle), np.cos(angle)
            for ww in (w0, w1):  # crossing the edges w = const
                s = ww / ew
                y = s * ey
                ok = (s >= 0) & (y >= y0 - 1e-9) & (y <= y1 + 1e-9)
                best = np.where(ok, np.maximum(best, s * np.cos(np.pi / 4)), best)
            for y in (y0, y1):  # crossing the edges y = const
                s = y / ey
                ww = s * ew
                ok = (s >= 0) & (ww >= w0 - 1e-9) & (ww <= w1 + 1e-9)
                best = np.where(ok, np.maximum(best, s * np.cos(np.pi / 4)), best)
    eye_inside = (y0 <= 0) & (y1 >= 0) & (w0 <= 0) & (w1 >= 0)
    best = np.where(eye_inside, np.maximum(best, 0.0), best)
    return best >= m - 1e-9


def _interactive(t: ObjectType) -> bool:
    return t.receptacle or t.openable or t.toggleable or t.pickupable


class SceneError(ValueError):
    """A scene that breaks the rules: unreachable objects, bad ids, bad files."""


def object_id(type_name: str, x: float, y: float, z: float) -> str:
    """AI2-THOR's id format: 'Apple|+01.00|+00.90|-00.50'."""
    return f"{type_name}|{x:+06.2f}|{y:+06.2f}|{z:+06.2f}"
