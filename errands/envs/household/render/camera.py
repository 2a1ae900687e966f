"""The agent's first-person camera: RGB, depth and instance segmentation.

A frame is the home's primitives (the room and the furniture placed by placement.py,
looking as the *_looks.py modules say: WorldLayers) ray cast from the agent's pose and
shaded by the compiled kernel (kernel.py, which batch_camera.py calls for N worlds at
once); the last few frames of a world are kept for views the agent returns to unchanged.

Depth is the distance along the camera's axis in metres (float32). Segmentation holds,
per pixel, 0 for the room itself (floor, walls, ceiling, door) or k + 1 for the k-th
object id of `SegmentTable.ids`: fixed objects first in scene order, then the others in
world order, then any made during the episode (slices) as they first appear.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from ..scene import GRID_SIZE
from .kernel import FLOOR_BOARDS, FLOOR_TILES_HALF, FLOOR_TILES_QUARTER, orientation_index, ray_tables, \
    render_frames
from .placement import fixed_states, held_fit, placed_items, scene_geometry
from .primitives import Prims
from .shading import room_palette

RECENT_FRAMES = 32  # frames kept per camera, for views the agent returns to unchanged
CAMERA_KEYS = ("rgb", "depth", "segmentation")


def parse_resolution(resolution) -> tuple[int, int]:
    """An int n means n x n; a pair is (height, width)."""
    if isinstance(resolution, (int, np.integer)) and not isinstance(resolution, bool):
        h = w = int(resolution)
    elif isinstance(resolution, (tuple, list)) and len(resolution) == 2 and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in resolution):
        h, w = int(resolution[0]), int(resolution[1])
    else:
        raise ValueError(f"resolution must be an int or a (height, width) pair of ints, got {resolution!r}")
    if not (8 <= h <= 2048 and 8 <= w <= 2048):
        raise ValueError(f"resolution must be between 8 and 2048 pixels a side, got {h}x{w}")
    return h, w


class SegmentTable:
    """Object id <-> segmentation value (k + 1 for the k-th id) for one episode."""

    def __init__(self, world):
        self.world = world
        fixed = [o.id for o in world.scene.fixed]
        is_fixed = set(fixed)
        others = [oid for oid in world.objects if oid not in is_fixed]
        self._ids = fixed + others
        self._value = {oid: i + 1 for i, oid in enumerate(self._ids)}
        self.ids = tuple(self._ids)

    def value(self, object_id: str) -> int:
        v = self._value.get(object_id)
        if v is None:
            self._ids.append(object_id)
            v = self._value[object_id] = len(self._ids)
            self.ids = tuple(self._ids)
        return v

    def object_id(self, value: int) -> str | None:
        """The object a segmentation value names (None for 0, the room)."""
        return self._ids[value - 1] if 0 < value <= len(self._ids) else None


class WorldLayers:
    """What a world draws in its present state, as the kernel takes it: the static layer
    (the room and the fixed objects in their states, shared by every world whose fixed
    objects are in the same states), the dynamic one (what rests on the furniture, then
    the held object in its own coordinates, with its scale and anchor: placement.held_fit),
    each primitive's segmentation value, and the room's palette, floor
    pattern and walls."""

    def __init__(self, world, segments: SegmentTable):
        geometry = scene_geometry(world.scene)
        states = fixed_states(world)
        static = geometry.layers.get(states)
        if static is None:
            parts = [geometry.structure] + [looks[s].prims for looks, s in zip(geometry.looks, states)]
            owners = [np.zeros(len(geometry.structure), np.uint16)] + [
                np.full(len(looks[s].prims), i + 1, np.uint16)  # fixed ids come first
                for i, (looks, s) in enumerate(zip(geometry.looks, states))]
            static = geometry.layers[states] = _pool_arrays(Prims.concat(parts), np.concatenate(owners))
        self.static = static
        parts, values = [], []
        for child_prims, child_id in placed_items(world, geometry, states):
            parts.append(child_prims)
            values.append(segments.value(child_id))
        self.n_placed = sum(len(p) for p in parts)
        self.held_fit = np.zeros(4)  # scale, anchor x, y, z
        held = held_fit(world)
        if held is not None:
            parts.append(held[0])
            values.append(segments.value(world.held))
            self.held_fit = held[1]
        owners = np.repeat(np.array(values, np.uint16), [len(p) for p in parts])
        self.dynamic = _pool_arrays(Prims.concat(parts), owners)
        scene = world.scene
        self.palette = room_palette(scene.room_type, geometry.wall_colour)
        self.pattern = FLOOR_PATTERNS.get(scene.room_type, FLOOR_BOARDS)
        self.shell = np.array(geometry.shell if geometry.shell is not None else (np.nan,) * 4)
        self.origin = np.array(scene.origin, np.float64)


FLOOR_PATTERNS = {"kitchen": FLOOR_TILES_HALF, "bathroom": FLOOR_TILES_QUARTER}


def _pool_arrays(prims: Prims, owners: np.ndarray) -> tuple:
    """A layer as the kernel's pool tuple: (kind, lo, hi, colour, material, owner)."""
    return (np.ascontiguousarray(prims.kind, np.int8), np.ascontiguousarray(prims.lo, np.float64),
            np.ascontiguousarray(prims.hi, np.float64), np.ascontiguousarray(prims.colour, np.uint8),
            np.ascontiguousarray(prims.material, np.int8), np.ascontiguousarray(owners, np.uint16))


class Camera:
    """Renders a world (world.py's World: the renderer reads its scene, objects, agent,
    held object and version, and never imports it) from its agent's pose, one frame at
    a time, through the compiled kernel on the CPU (batch_camera.BatchCamera draws N
    worlds in one call of the same kernel). What a world draws (WorldLayers) is made
    again only when the world changes."""

    def __init__(self, resolution=64):
        self.height, self.width = parse_resolution(resolution)
        self._tables = ray_tables(self.height, self.width)
        self._world = None
        self.segments: SegmentTable | None = None
        self._layers_key = None
        self._layers: WorldLayers | None = None
        self._frames: OrderedDict = OrderedDict()  # the last few frames of this world

    # --- public -----------------------------------------------------------------------

    def render(self, world, rgb: bool = True, depth: bool = True, segmentation: bool = True) -> dict:
        """{'rgb': (H, W, 3) uint8, 'depth': (H, W) float32, 'segmentation': (H, W)
        uint16}, those asked for."""
        wanted = {k for k, on in (("rgb", rgb), ("depth", depth), ("segmentation", segmentation)) if on}
        frame = self._frame(world, wanted)
        return {k: frame[k].copy() for k in CAMERA_KEYS if k in wanted}

    def shown_ids(self, world) -> frozenset[str]:
        """The ids of the objects at least one pixel of the segmentation shows now (the
        held object too): what a world with this camera as its `sight` may call visible."""
        frame = self._frame(world, {"segmentation"})
        if "shown" not in frame:
            frame["shown"] = shown_ids(frame["segmentation"], self.segments)
        return frame["shown"]

    @property
    def frame_shape(self) -> tuple[int, int]:
        """(height, width) of the frames, in pixels."""
        return self.height, self.width

    def object_at(self, world, x: int, y: int) -> str | None:
        """The id of the object the segmentation shows now at column x, row y (None for
        the room): what a pixel target names."""
        frame = self._frame(world, {"segmentation"})
        return self.segments.object_id(int(frame["segmentation"][y, x]))

    def object_mask(self, world, object_ids) -> np.ndarray:
        """(H, W) bool: the pixels that show any of `object_ids` now."""
        frame = self._frame(world, {"segmentation"})
        return object_mask(frame["segmentation"], self.segments, object_ids)

    def _frame(self, world, wanted: set[str]) -> dict:
        """The frame of the world's present state with at least the `wanted` images,
        drawn again only when the world or the pose changed (or an image is missing).
        Frames are shared by `render` and `shown_ids`."""
        if world is not self._world:
            self._world = world
            self.segments = SegmentTable(world)
            self._layers_key = None
            self._frames.clear()
        state = (world.version, world.agent, world.held)
        frame = self._frames.get(state)
        if frame is not None and wanted <= frame.keys():
            self._frames.move_to_end(state)
            return frame
        keys = wanted | ({k for k in frame if k in CAMERA_KEYS} if frame is not None else set())
        frame = self._render(world, "rgb" in keys, "depth" in keys)
        self._frames[state] = frame
        self._frames.move_to_end(state)
        if len(self._frames) > RECENT_FRAMES:
            self._frames.popitem(last=False)
        return frame

    def _render(self, world, rgb: bool, depth: bool) -> dict:
        """A frame with its segmentation (it comes almost free with any image, and
        visibility may ask for it), and the RGB and depth images asked for."""
        key = (world.version, world.held)
        if self._layers_key != key or self._layers is None:
            self._layers = WorldLayers(world, self.segments)
            self._layers_key = key
        layers = self._layers
        pose = world.agent
        h, w = self.height, self.width
        seg = np.empty((1, h * w), np.uint16)
        depth_out = np.empty((1, h * w) if depth else (1, 1), np.float32)
        rgb_out = np.empty((1, h * w, 3) if rgb else (1, 1, 3), np.uint8)
        n_static, n_dynamic = len(layers.static[0]), len(layers.dynamic[0])
        render_frames(
            _ONE, np.array([orientation_index(pose.heading, pose.horizon)], np.int64),
            (layers.origin + np.array([pose.col, pose.row]) * GRID_SIZE)[None], layers.shell[None],
            np.array([[0, n_static]], np.int64), np.array([[0, layers.n_placed]], np.int64),
            np.array([[layers.n_placed, n_dynamic]], np.int64), layers.held_fit[None], layers.palette[None],
            np.array([layers.pattern], np.int64), layers.static, layers.dynamic, self._tables.arrays(), h, w,
            depth, rgb, seg, depth_out, rgb_out)
        out = {"segmentation": seg.reshape(h, w)}
        if depth:
            out["depth"] = depth_out.reshape(h, w)
        if rgb:
            out["rgb"] = rgb_out.reshape(h, w, 3)
        return out

    def object_id(self, value: int) -> str | None:
        """The object id a segmentation value names (None for 0, the room)."""
        return self.segments.object_id(value) if self.segments else None


_ONE = np.zeros(1, np.int64)  # the frames a one-world call draws: world 0


def shown_ids(segmentation: np.ndarray, segments: SegmentTable) -> frozenset[str]:
    """The ids of the objects a segmentation shows."""
    counts = np.bincount(segmentation.ravel())
    return frozenset(segments.object_id(int(v)) for v in np.nonzero(counts[1:])[0] + 1)


def object_mask(segmentation: np.ndarray, segments: SegmentTable, object_ids) -> np.ndarray:
    """(H, W) bool: the pixels of a segmentation that show any of `object_ids`."""
    values = [segments._value[oid] for oid in object_ids if oid in segments._value]
    return np.isin(segmentation, np.array(values, np.uint16)) if values else np.zeros(segmentation.shape, bool)
