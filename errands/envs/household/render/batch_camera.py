"""The first-person camera of N worlds at once: every world's frame drawn by one call of
the compiled kernel (kernel.py), the same kernel and the same layers (camera.WorldLayers)
as the one-world Camera, so frames are identical to Camera's.

What a world draws is kept in two pools of primitives shared by the batch: the static
layers (the room and the furniture in their states; one copy per distinct layer, shared
by every world showing it) and each world's dynamic layer (what rests on the furniture
and what it holds). A world's layers are made again only when its World object,
version or held object changes; a world whose layers and pose are those of its last
frame is not drawn again. The pools are compacted when they fill with layers no
world uses any more.
"""

from __future__ import annotations

import numpy as np

from ..scene import GRID_SIZE
from .camera import CAMERA_KEYS, SegmentTable, WorldLayers, object_mask, parse_resolution, shown_ids
from .kernel import orientation_index, ray_tables, render_frames

POOL_FIELDS = ((np.int8, ()), (np.float64, (3,)), (np.float64, (3,)), (np.uint8, (3,)), (np.int8, ()),
               (np.uint16, ()))  # kind, lo, hi, colour, material, owner
STATIC_POOL_FLOOR, DYNAMIC_POOL_FLOOR = 1 << 18, 1 << 16  # primitives: pools this small are never compacted


class _Pool:
    """Primitives appended in ranges, in arrays that grow by doubling."""

    def __init__(self, capacity: int = 1024):
        self.arrays = [np.zeros((capacity,) + shape, dtype) for dtype, shape in POOL_FIELDS]
        self.size = 0

    def add(self, layer: tuple) -> int:
        n = len(layer[0])
        if self.size + n > len(self.arrays[0]):
            capacity = max(2 * len(self.arrays[0]), self.size + n)
            grown = [np.zeros((capacity,) + shape, dtype) for dtype, shape in POOL_FIELDS]
            for new, old in zip(grown, self.arrays):
                new[:self.size] = old[:self.size]
            self.arrays = grown
        for array, part in zip(self.arrays, layer):
            array[self.size:self.size + n] = part
        start, self.size = self.size, self.size + n
        return start

    def view(self) -> tuple:
        return tuple(a[:self.size] for a in self.arrays)


class BatchCamera:
    """Frames of N worlds (world.py's Worlds, read as Camera reads one) at one
    resolution, the images in `keys` (a subset of CAMERA_KEYS; the segmentation is
    always drawn, for the worlds' visibility). `sight(i)` is world i's camera as its
    World's `sight`: it reads the batch's last frame of world i when the state is
    unchanged, else draws world i alone."""

    def __init__(self, num_worlds: int, resolution=64, keys: tuple[str, ...] = CAMERA_KEYS):
        if not isinstance(num_worlds, (int, np.integer)) or num_worlds < 1:
            raise ValueError(f"num_worlds must be a positive integer, got {num_worlds!r}")
        unknown = [k for k in keys if k not in CAMERA_KEYS]
        if unknown:
            raise ValueError(f"unknown camera keys {unknown}: expected some of {', '.join(CAMERA_KEYS)}")
        self.num_worlds = n = int(num_worlds)
        self.height, self.width = parse_resolution(resolution)
        self.keys = tuple(k for k in CAMERA_KEYS if k in keys)
        self._tables = ray_tables(self.height, self.width)
        pixels = self.height * self.width
        self._seg = np.zeros((n, pixels), np.uint16)
        self._depth = np.zeros((n, pixels) if "depth" in self.keys else (1, 1), np.float32)
        self._rgb = np.zeros((n, pixels, 3) if "rgb" in self.keys else (1, 1, 3), np.uint8)
        # Per world: what the kernel reads.
        self._orient = np.zeros(n, np.int64)
        self._eye_xz = np.zeros((n, 2))
        self._origin = np.zeros((n, 2))
        self._shell = np.full((n, 4), np.nan)
        self._static_range = np.zeros((n, 2), np.int64)
        self._dynamic_range = np.zeros((n, 2), np.int64)
        self._held_range = np.zeros((n, 2), np.int64)
        self._held_fit = np.zeros((n, 4))
        self._palettes = np.zeros((n, 8, 3), np.float32)
        self._patterns = np.zeros(n, np.int64)
        # Per world, in Python: the world and layers the arrays describe.
        self._worlds: list = [None] * n
        self._layer_keys: list = [None] * n
        self.segments: list[SegmentTable | None] = [None] * n
        self._drawn = np.full((n, 4), -1, np.int64)  # the pose of each world's last frame (row, col, heading, horizon)
        self._fresh = np.ones(n, bool)  # layers changed since the last frame
        self._shown: list = [None] * n  # the ids the last frame's segmentation shows, once asked for
        self._static = _Pool()
        self._static_start: dict[int, tuple] = {}  # id(static layer) -> (layer, start in the pool)
        self._static_layers: list = [None] * n
        self._dynamic = _Pool()
        self._static_limit, self._dynamic_limit = STATIC_POOL_FLOOR, DYNAMIC_POOL_FLOOR
        self.compactions = {"static": 0, "dynamic": 0}  # how often each pool was compacted

    # --- public -------------------------------------------------------------------------

    def render(self, worlds, row=None, col=None, heading=None, horizon=None) -> dict[str, np.ndarray]:
        """{'rgb': (N, H, W, 3) uint8, 'depth': (N, H, W) float32, 'segmentation': (N,
        H, W) uint16}, the keys of this camera: each world seen from the pose in the
        (N,) integer arrays given, else from its World's agent."""
        n = self.num_worlds
        if len(worlds) != n:
            raise ValueError(f"expected {n} worlds (one per camera), got {len(worlds)}")
        if row is None:
            row, col, heading, horizon = (np.array(v, np.int64) for v in zip(*(w.agent for w in worlds)))
        for name, values in (("row", row), ("col", col), ("heading", heading), ("horizon", horizon)):
            if np.shape(values) != (n,) or np.asarray(values).dtype.kind not in "iu":
                raise ValueError(f"{name} must be an integer array of shape ({n},), one per world; got shape "
                                 f"{np.shape(values)} and dtype {np.asarray(values).dtype}")
        self._draw(np.arange(n), worlds, row, col, heading, horizon)
        h, w = self.height, self.width
        images = {"rgb": self._rgb, "depth": self._depth, "segmentation": self._seg}
        return {key: images[key].reshape((n, h, w) + images[key].shape[2:]).copy() for key in self.keys}

    def sight(self, i: int) -> _Sight:
        """World i's camera, as a World's `sight` (visibility.py)."""
        return _Sight(self, i)

    def object_at(self, i: int, world, x: int, y: int) -> str | None:
        """The id of the object world i's frame of its present state shows at column x,
        row y (None for the room): what a pixel target names."""
        self.shown_ids(i, world)  # draws the frame when the world or the pose changed
        return self.segments[i].object_id(int(self._seg[i].reshape(self.height, self.width)[y, x]))

    def object_mask(self, i: int, world, object_ids) -> np.ndarray:
        """(H, W) bool: the pixels of world i's present frame that show any of `object_ids`."""
        self.shown_ids(i, world)
        return object_mask(self._seg[i].reshape(self.height, self.width), self.segments[i], object_ids)

    def shown_ids(self, i: int, world) -> frozenset[str]:
        """The ids of the objects world i's frame of its present state (its agent's
        pose) shows: the batch's last frame of it if nothing changed since."""
        agent = world.agent
        unchanged = (world is self._worlds[i] and self._layer_keys[i] == (world.version, world.held)
                     and not self._fresh[i] and tuple(self._drawn[i].tolist()) == tuple(agent))
        if not unchanged:
            self._draw(np.array([i], np.int64), [world], *np.array([agent], np.int64).T)
        if self._shown[i] is None:
            self._shown[i] = shown_ids(self._seg[i], self.segments[i])
        return self._shown[i]

    # --- drawing ------------------------------------------------------------------------

    def _draw(self, indices: np.ndarray, worlds, row, col, heading, horizon) -> None:
        """Draw the frames of worlds `indices` (their Worlds and poses given in that
        order) whose layers or pose changed since their last frame."""
        for i, world in zip(indices.tolist(), worlds):
            if world is not self._worlds[i] or self._layer_keys[i] != (world.version, world.held):
                self._refresh(i, world)
        pose = np.stack([row, col, heading, horizon], axis=1)
        changed = self._fresh[indices] | (pose != self._drawn[indices]).any(axis=1)
        if not changed.any():
            return
        todo, pose = indices[changed], pose[changed]
        self._compact()
        self._orient[todo] = orientation_index(pose[:, 2], pose[:, 3])
        self._eye_xz[todo, 0] = self._origin[todo, 0] + pose[:, 1] * GRID_SIZE
        self._eye_xz[todo, 1] = self._origin[todo, 1] + pose[:, 0] * GRID_SIZE
        render_frames(todo, self._orient, self._eye_xz, self._shell, self._static_range, self._dynamic_range,
                      self._held_range, self._held_fit, self._palettes, self._patterns, self._static.view(),
                      self._dynamic.view(), self._tables.arrays(), self.height, self.width, "depth" in self.keys,
                      "rgb" in self.keys, self._seg, self._depth, self._rgb)
        self._drawn[todo] = pose
        self._fresh[todo] = False
        for i in todo.tolist():
            self._shown[i] = None

    def _refresh(self, i: int, world) -> None:
        """World i's layers, made again (a new World gets a new segmentation table)."""
        if world is not self._worlds[i]:
            self._worlds[i] = world
            self.segments[i] = SegmentTable(world)
        layers = WorldLayers(world, self.segments[i])
        self._layer_keys[i] = (world.version, world.held)
        static = layers.static
        entry = self._static_start.get(id(static))
        if entry is None:  # (the entry holds the layer, so its id is not reused while there)
            entry = self._static_start[id(static)] = (static, self._static.add(static))
        self._static_layers[i] = static
        self._static_range[i] = entry[1], entry[1] + len(static[0])
        start = self._dynamic.add(layers.dynamic)
        self._dynamic_range[i] = start, start + layers.n_placed
        self._held_range[i] = start + layers.n_placed, start + len(layers.dynamic[0])
        self._held_fit[i] = layers.held_fit
        self._palettes[i] = layers.palette
        self._patterns[i] = layers.pattern
        self._shell[i] = layers.shell
        self._origin[i] = layers.origin
        self._fresh[i] = True

    def _compact(self) -> None:
        """Drop from the pools the layers no world uses any more, once a pool has grown
        past its limit and holds more than twice what is in use; the limit then doubles
        past what is kept, so that pools of live layers are not checked every frame."""
        if self._dynamic.size > self._dynamic_limit:
            used = int((self._held_range[:, 1] - self._dynamic_range[:, 0]).sum())
            if self._dynamic.size > 2 * used:
                pool = _Pool(max(2 * used, 1024))
                for i in range(self.num_worlds):
                    d0, h0, h1 = self._dynamic_range[i, 0], self._held_range[i, 0], self._held_range[i, 1]
                    start = pool.add(tuple(a[d0:h1] for a in self._dynamic.arrays))
                    self._dynamic_range[i] = start, start + (h0 - d0)
                    self._held_range[i] = start + (h0 - d0), start + (h1 - d0)
                self._dynamic = pool
                self.compactions["dynamic"] += 1
            self._dynamic_limit = max(DYNAMIC_POOL_FLOOR, 2 * self._dynamic.size)
        if self._static.size > self._static_limit:
            live = {id(layer): layer for layer in self._static_layers if layer is not None}
            used = sum(len(layer[0]) for layer in live.values())
            if self._static.size > 2 * used:
                pool = _Pool(max(2 * used, 1024))
                self._static_start = {key: (layer, pool.add(layer)) for key, layer in live.items()}
                for i, layer in enumerate(self._static_layers):
                    if layer is not None:
                        start = self._static_start[id(layer)][1]
                        self._static_range[i] = start, start + len(layer[0])
                self._static = pool
                self.compactions["static"] += 1
            self._static_limit = max(STATIC_POOL_FLOOR, 2 * self._static.size)


class _Sight:
    """World i of a BatchCamera as its World's `sight`: anything with shown_ids(world)."""

    def __init__(self, camera: BatchCamera, i: int):
        self.camera, self.i = camera, i

    @property
    def frame_shape(self) -> tuple[int, int]:
        return self.camera.height, self.camera.width

    def shown_ids(self, world) -> frozenset[str]:
        return self.camera.shown_ids(self.i, world)

    def object_at(self, world, x: int, y: int) -> str | None:
        return self.camera.object_at(self.i, world, x, y)

    def object_mask(self, world, object_ids) -> np.ndarray:
        return self.camera.object_mask(self.i, world, object_ids)

