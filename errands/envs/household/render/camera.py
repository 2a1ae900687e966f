"""The agent's first-person camera: RGB, depth and instance segmentation, in NumPy.

A frame is the home's primitives (the room and the furniture placed by placement.py,
looking as the *_looks.py modules say) ray cast from the agent's pose (raycast.py) and shaded
(shading.py). What does not move is drawn once per pose and cached (see Camera), and the
last few frames of a world are kept for views the agent returns to unchanged.

Depth is the distance along the camera's axis in metres (float32). Segmentation holds,
per pixel, 0 for the room itself (floor, walls, ceiling, door) or k + 1 for the k-th
object id of `SegmentTable.ids`: fixed objects first in scene order, then the others in
world order, then any made during the episode (slices) as they first appear.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from ..scene import CAMERA_HEIGHT
from .placement import fixed_states, held_shape, placed_items, scene_geometry
from .primitives import Prims
from .raycast import DEPTH_STEP, DIST_SHIFT, PRIM_MASK, WALL_ID, Rays, draw, shell_keys
from .shading import pixel_colours

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
        others = [oid for oid in world.objects if oid not in set(fixed)]
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


class Camera:
    """Renders a world (world.py's World: the renderer reads its scene, objects, agent,
    held object and version, and never imports it) from its agent's pose. Rendering is
    pure NumPy on the CPU.

    What stays put is drawn once: the room and the fixed objects in their current
    states form a static layer per pose, kept in a bounded cache shared by every camera
    of the same resolution (and so by every episode in a scene). Each frame then draws
    only what rests on the furniture and the held object over that layer."""

    def __init__(self, resolution=64, cache_mb: float = 128.0):
        self.height, self.width = parse_resolution(resolution)
        self._rays: dict[tuple[int, int], Rays] = {}
        self._world = None
        self.segments: SegmentTable | None = None
        self._layers_key = None
        self._layers = None
        self._cache = _layer_cache(self.height, self.width, cache_mb)
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
            counts = np.bincount(frame["segmentation"].ravel())
            frame["shown"] = frozenset(self.segments.object_id(int(v)) for v in np.nonzero(counts[1:])[0] + 1)
        return frame["shown"]

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
        pose = world.agent
        rays = self._rays_for(pose.heading, pose.horizon)
        x, z = world.scene.cell_xz(pose.row, pose.col)
        eye = np.array([x, CAMERA_HEIGHT, z])
        static, dynamic, signature, _ = self._world_layers(world)
        held = held_shape(world, rays.basis, eye)
        if len(held):
            value = self.segments.value(world.held)
            dynamic = _Layer(Prims.concat([dynamic.prims, held]),
                             np.concatenate([dynamic.owners, np.full(len(held), value, np.uint16)]))
        n_static = len(static.prims)
        key = (signature, pose.row, pose.col, pose.heading, pose.horizon)
        layer = self._cache.get(key)
        if layer is None:  # draw everything in one pass, keeping the static layer aside
            both = self._layers[3] if not len(held) else Prims.concat([static.prims, dynamic.prims])
            # (the static layer's colours are shaded once, when first asked for)
            zbuf_static = rays.background.copy()
            shell = signature[0].shell
            if shell is not None:
                np.minimum(zbuf_static, shell_keys(shell, eye, rays), out=zbuf_static)
            zbuf = draw(zbuf_static, both, eye, rays, split=n_static)
            winner = zbuf_static & PRIM_MASK
            seg = np.zeros(len(zbuf), np.uint16)
            is_prim = winner < WALL_ID
            seg[is_prim] = static.owners[winner[is_prim]]
            layer = _StaticFrame(zbuf_static, seg)
            self._cache.put(key, layer)
        else:
            zbuf = draw(layer.zbuf.copy(), dynamic.prims, eye, rays, offset=n_static)
        winner = zbuf & PRIM_MASK
        dynamic_px = (winner >= n_static) & (winner < WALL_ID)
        seg = layer.seg.copy()
        seg[dynamic_px] = dynamic.owners[winner[dynamic_px] - n_static]
        out = {"segmentation": seg.reshape(self.height, self.width)}
        if depth:
            out["depth"] = ((zbuf >> DIST_SHIFT).astype(np.float32) * np.float32(DEPTH_STEP)).reshape(
                self.height, self.width)
        if rgb:
            if layer.rgb is None:
                layer.rgb = pixel_colours(world.scene, static.prims, layer.zbuf, rays.pixels, eye, rays)
            image = layer.rgb.copy()
            idx = np.nonzero(dynamic_px)[0]
            if len(idx):
                shifted = (zbuf[idx] & ~PRIM_MASK) | (winner[idx] - n_static)
                image[idx] = pixel_colours(world.scene, dynamic.prims, shifted, idx, eye, rays)
            out["rgb"] = image.reshape(self.height, self.width, 3)
        return out

    def object_id(self, value: int) -> str | None:
        """The object id a segmentation value names (None for 0, the room)."""
        return self.segments.object_id(value) if self.segments else None

    # --- what is drawn ------------------------------------------------------------------

    def _rays_for(self, heading: int, horizon: int) -> Rays:
        key = (heading, horizon)
        if key not in self._rays:
            self._rays[key] = Rays(heading, horizon, self.height, self.width)
        return self._rays[key]

    def _world_layers(self, world):
        """The static layer's primitives (the room and the fixed objects in their current
        states), the dynamic ones (what rests on them), and the fixed objects' states.
        Rebuilt only when the world changes; the static part is shared by every episode
        whose fixed objects are in the same states."""
        if self._layers_key == world.version and self._layers is not None:
            return self._layers
        geometry = scene_geometry(world.scene)
        states = fixed_states(world)
        static = geometry.layers.get(states)
        if static is None:
            parts = [geometry.structure] + [looks[s].prims for looks, s in zip(geometry.looks, states)]
            owners = [np.zeros(len(geometry.structure), np.uint16)] + [
                np.full(len(looks[s].prims), i + 1, np.uint16)  # fixed ids come first
                for i, (looks, s) in enumerate(zip(geometry.looks, states))]
            static = geometry.layers[states] = _Layer(Prims.concat(parts), np.concatenate(owners))
        child_parts, values = [], []
        for child_prims, child_id in placed_items(world, geometry, states):
            child_parts.append(child_prims)
            values.append(self.segments.value(child_id))
        owners = np.repeat(np.array(values, np.uint16), [len(p) for p in child_parts])
        dynamic = _Layer(Prims.concat(child_parts), owners)
        self._layers = (static, dynamic, (geometry, states), Prims.concat([static.prims, dynamic.prims]))
        self._layers_key = world.version
        return self._layers


class _Layer:
    def __init__(self, prims: Prims, owners: np.ndarray):
        self.prims, self.owners = prims, owners


class _StaticFrame:
    """The static layer seen from one pose: z-buffer, segmentation, RGB (on demand)."""

    def __init__(self, zbuf: np.ndarray, seg: np.ndarray):
        self.zbuf, self.seg, self.rgb = zbuf, seg, None

    def nbytes(self) -> int:
        return self.zbuf.nbytes + self.seg.nbytes + self.zbuf.size * 3


class _LRU:
    """A least-recently-used cache bounded in bytes."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict = OrderedDict()

    def get(self, key):
        item = self._items.get(key)
        if item is not None:
            self._items.move_to_end(key)
        return item

    def put(self, key, frame: _StaticFrame) -> None:
        self._items[key] = frame
        self.bytes += frame.nbytes()
        while self.bytes > self.max_bytes and len(self._items) > 1:
            _, old = self._items.popitem(last=False)
            self.bytes -= old.nbytes()


_CACHES: dict[tuple[int, int, float], _LRU] = {}


def _layer_cache(height: int, width: int, cache_mb: float) -> _LRU:
    """One cache per resolution and size in a process, shared by its cameras."""
    key = (height, width, cache_mb)
    if key not in _CACHES:
        _CACHES[key] = _LRU(int(cache_mb * 2 ** 20))
    return _CACHES[key]
