"""What the agent may see and act on: the geometric visibility rule over a scene, and
the camera rule over a world seen through a camera (the world's `sight`).

The geometric rule: a fixed object is seen from a pose when its footprint is within
reach (1.5 m) and either it is framed (within the 90 degree view) or its view box (the
box around everything it may draw, render/placement.py) meets the camera's view; what
rests on or in a seen object is seen too, unless it is closed in. Nothing occludes.
The camera rule: of those, only what at least one pixel of the camera's frame shows.
What the camera shows within reach is always among the geometric ones, so the two
agree exactly where they overlap.

A scene's visibility (poses seen from every reachable cell, and the interaction poses
of every fixed object) is computed once, when the scene is validated (validate_scene),
and shared by the scene's copies.
"""

from __future__ import annotations

import numpy as np

from .object_types import ObjectType
from .render.placement import scene_geometry
from .scene import CAMERA_HEIGHT, GRID_SIZE, HEADINGS, HORIZONS, Pose, Scene, SceneError

VISIBILITY_DISTANCE = 1.5  # metres: AI2-THOR's interaction range
HALF_FIELD_OF_VIEW = 45.0  # degrees: a 90 degree camera


def visible_objects(world) -> list[tuple[float, str]]:
    """(reach, id) of every object the agent of `world` (world.py's World, which asks
    this module and is only read here) can see and reach now, nearest fixed object
    first, each followed by what rests on or in it: the geometric rule, then, when the
    world has a `sight` (a camera: anything with `shown_ids(world)`), the camera rule."""
    result: list[tuple[float, str]] = []
    fixed = world.scene.fixed
    for reach, i in scene_visibility(world.scene).visible_fixed(world.agent):
        obj = world.objects[fixed[i].id]
        result.append((reach, obj.id))
        _add_contents(world, obj, reach, result)
    if world.sight is not None:
        shown = world.sight.shown_ids(world)
        result = [entry for entry in result if entry[1] in shown]
    return result


def _add_contents(world, obj, reach: float, out: list) -> None:
    if obj.type.openable and not obj.is_open:
        return
    for child_id in obj.contents:
        out.append((reach, child_id))
        child = world.objects[child_id]
        if child.contents:
            _add_contents(world, child, reach, out)


def validate_scene(scene: Scene, allow_unreachable: bool = False) -> None:
    """Check a scene's data (Scene.check), compute its visibility and interaction poses,
    and check that every object a task could need is reachable and interactable; raise
    SceneError if not. With `allow_unreachable` (imported floor plans whose walkable grid
    is split), such objects are listed in `scene.unreachable` instead, and tasks avoid
    them."""
    scene.check()
    visibility = scene_visibility(scene)
    if visibility.pose_table is None:
        scene.interaction_poses = visibility.compute_interaction_poses()
    scene.unreachable = [
        o.id
        for o in scene.fixed
        if _interactive(o.object_type) and not len(scene.interaction_poses.get(o.id, ()))
    ]
    if scene.unreachable and not allow_unreachable:
        raise SceneError(f"{scene.name}: no reachable pose sees and reaches {', '.join(scene.unreachable)}")


def scene_visibility(scene: Scene) -> SceneVisibility:
    """The scene's visibility, made on first use and shared by the scene's copies."""
    cache = scene.geometry_cache
    if "visibility" not in cache:
        cache["visibility"] = SceneVisibility(scene)
    return cache["visibility"]


class SceneVisibility:
    """The geometric rule over one scene's fixed objects: what cameras at given places see,
    with a table of what each reachable pose sees (made by compute_interaction_poses) and
    a cache of the poses asked for."""

    def __init__(self, scene: Scene):
        self.scene = scene
        fixed = scene.fixed
        self.fx = np.array([o.position[0] for o in fixed], dtype=np.float64)
        self.fy = np.array([o.position[1] for o in fixed], dtype=np.float64)
        self.fz = np.array([o.position[2] for o in fixed], dtype=np.float64)
        self.fext = np.array([o.half_extent or o.object_type.half_extent for o in fixed], dtype=np.float64)
        self.fvext = np.minimum(self.fext, 0.4)
        self.visible_cache: dict[Pose, list[tuple[float, int]]] = {}
        self.pose_table: dict | None = None  # (heading, horizon) -> what each reachable cell sees
        self.cell_index: dict[tuple[int, int], int] = {}
        self.cells: list[tuple[int, int]] = []  # the reachable cells, in the pose table's order
        self._seeing: dict[int, list[Pose]] = {}
        self._view_boxes: tuple[np.ndarray, np.ndarray] | None = None

    def seen(self, xs: np.ndarray, zs: np.ndarray, heading: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
        """For cameras at (xs, zs): which fixed objects each sees within reach, and the
        distance to each one's footprint. Shapes (n_cameras, n_fixed).

        Seen means: the footprint is within reach, and either the object is framed (see
        `framed`) or its view box (render/placement.py: the box around everything it
        draws, in any state, and what rests on it) meets the camera's view, a 90 degree
        pyramid pitched by the horizon. So whatever the first-person camera shows of an object within
        reach is seen (nothing occludes)."""
        seen, _, reach = self.seen_and_framed(xs, zs, heading, horizon)
        return seen, reach

    def seen_and_framed(self, xs, zs, heading, horizon) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`seen`, and `framed` too: (seen, framed, reach)."""
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
        are chosen among these; the reach as in `seen`."""
        dx = self.fx[None, :] - xs[:, None]
        dz = self.fz[None, :] - zs[:, None]
        centre = np.hypot(dx, dz)
        reach = np.maximum(centre - self.fext, 0.0)
        bearing = (np.degrees(np.arctan2(dx, dz)) - heading + 180.0) % 360.0 - 180.0
        # Half the angle the footprint spans; a camera inside the footprint sees it whole.
        half_width = np.degrees(np.arcsin(np.minimum(self.fext / np.maximum(centre, 1e-6), 1.0)))
        half_width[centre <= self.fext] = 180.0
        elevation = np.degrees(np.arctan2(CAMERA_HEIGHT - self.fy, np.maximum(centre, 1e-3)))
        half_height = np.degrees(np.arctan2(self.fvext, np.maximum(centre, 1e-3)))
        framed = (
            (reach <= VISIBILITY_DISTANCE + 1e-9)
            & (np.abs(bearing) - half_width <= HALF_FIELD_OF_VIEW)
            & (np.abs(elevation - horizon) - half_height <= HALF_FIELD_OF_VIEW)
        )
        return framed, reach

    def view_boxes(self) -> tuple[np.ndarray, np.ndarray]:
        """(lo, hi) corners, (n_fixed, 3) each, of the fixed objects' view boxes."""
        if self._view_boxes is None:
            geometry = scene_geometry(self.scene)
            self._view_boxes = (geometry.view_lo, geometry.view_hi)
        return self._view_boxes

    def compute_interaction_poses(self) -> dict[str, np.ndarray]:
        """For every pose on a reachable cell, what it sees (kept, compressed by row, for
        fast look-ups while playing), and for every fixed object the poses that frame and
        reach it, best first (closest, then the most level camera), as an int array of
        (row, col, heading, horizon), by object id."""
        scene = self.scene
        cells = sorted(scene.reachable_cells(scene.start_pose[:2]))
        rows = np.array([r for r, _ in cells])
        cols = np.array([c for _, c in cells])
        xs = scene.origin[0] + cols * GRID_SIZE
        zs = scene.origin[1] + rows * GRID_SIZE
        self.cell_index = {cell: i for i, cell in enumerate(cells)}
        self.cells = cells
        self.pose_table = {}
        found: list[list[np.ndarray]] = [[] for _ in scene.fixed]
        for heading in HEADINGS:
            for horizon in HORIZONS:
                seen, framed, reach = self.seen_and_framed(xs, zs, heading, horizon)
                cell_i, obj_i = np.nonzero(seen)
                indptr = np.searchsorted(cell_i, np.arange(len(cells) + 1))
                self.pose_table[heading, horizon] = (indptr, obj_i.astype(np.int32),
                                                      reach[cell_i, obj_i].astype(np.float32))
                cell_i, obj_i = np.nonzero(framed)
                rank = np.round(reach[cell_i, obj_i], 3) * 1000 + abs(horizon - 15) / 100
                block = np.stack([rank, rows[cell_i], cols[cell_i], np.full(len(cell_i), heading),
                                  np.full(len(cell_i), horizon), obj_i], axis=1)
                for k in np.unique(obj_i):
                    found[k].append(block[obj_i == k])
        interaction_poses = {}
        for k, blocks in enumerate(found):
            if blocks:
                table = np.concatenate(blocks)
                table = table[np.lexsort((table[:, 4], table[:, 3], table[:, 2], table[:, 1], table[:, 0]))]
                interaction_poses[scene.fixed[k].id] = table[:, 1:5].astype(np.int32)
            else:
                interaction_poses[scene.fixed[k].id] = np.zeros((0, 4), dtype=np.int32)
        return interaction_poses

    def seeing_poses(self, index: int) -> list[Pose]:
        """Every pose on a reachable cell that sees fixed object `index` (the geometric
        rule: within reach and its view box in view, framed or not), closest first, then
        the most level camera: where else a camera may show it when no interaction pose
        does (a low shelf seen looking down from beside it). Made on first use and kept."""
        if self.pose_table is None:
            raise SceneError(f"{self.scene.name}: poses are known only once the scene is validated")
        made = self._seeing.get(index)
        if made is None:
            cells = self.cells
            found = []
            for (heading, horizon), (indptr, objects, reaches) in self.pose_table.items():
                for at in np.nonzero(objects == index)[0].tolist():
                    cell = int(np.searchsorted(indptr, at, side="right")) - 1
                    found.append((round(float(reaches[at]), 3), abs(horizon - 15), *cells[cell], heading, horizon))
            made = self._seeing[index] = [Pose(*p[2:]) for p in sorted(found)]
        return made

    def visible_fixed(self, pose: Pose) -> list[tuple[float, int]]:
        """(reach, fixed index) of the fixed objects seen from a pose, nearest first."""
        hit = self.visible_cache.get(pose)
        if hit is None:
            i = self.cell_index.get((pose.row, pose.col)) if self.pose_table is not None else None
            if i is not None:
                indptr, objects, reaches = self.pose_table[pose.heading, pose.horizon]
                idx, reach = objects[indptr[i]:indptr[i + 1]], reaches[indptr[i]:indptr[i + 1]]
            else:
                x, z = self.scene.cell_xz(pose.row, pose.col)
                seen, reaches = self.seen(np.array([x]), np.array([z]), pose.heading, pose.horizon)
                idx = np.nonzero(seen[0])[0]
                reach = reaches[0, idx]
            hit = sorted(zip(np.round(reach.astype(np.float64), 4).tolist(), idx.tolist()))
            self.visible_cache[pose] = hit
        return hit


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
