"""The agent's first-person camera: RGB, depth and instance segmentation, in NumPy.

The camera sits at the agent's cell, 1.5 m above the floor, turned to its heading and
pitched by its horizon (positive looks down), with a 90 degree field of view across
and down the image (pixels are not square when the image is not). One ray per pixel
centre is cast against the home's primitives (primitives.py; the room and the
furniture from shapes.py, the looks by type from looks.py) and the nearest hit wins:

  * every primitive's bounding box is projected to the image, so a primitive is tested
    only against the pixels it may cover: one vectorised pass over (primitive, pixel)
    pairs, with an exact ray-box, ray-sphere or ray-cylinder intersection;
  * a z-buffer keeps, per pixel, the nearest distance and the primitive, packed into
    one integer (ties go to the earlier primitive, so frames are deterministic);
  * the floor and the ceiling are planes, hit analytically, and so are the walls of a
    rectangular room (other rooms' walls are boxes);
  * what does not move is drawn once per pose and cached (see Camera).

Depth is the distance along the camera's axis in metres (float32). Segmentation holds,
per pixel, 0 for the room itself (floor, walls, ceiling, door) or k + 1 for the k-th
object id of `SegmentTable.ids`: fixed objects first in scene order, then the others in
world order, then any made during the episode (slices) as they first appear.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache

import numpy as np

from .looks import small_shape, small_shape_and_bounds
from .primitives import BOX, CYLINDER, EMPTY, LIT, SPHERE, WALL_HEIGHT, WALL_SURFACE, Prims
from ..scene import CAMERA_HEIGHT
from .placement import scene_geometry
from ..world import World

NEAR = 0.01  # metres: nothing nearer the camera is drawn
DEPTH_STEP = 1.0 / 4096  # depth resolution of the z-buffer, metres
PRIM_BITS = 24  # z-buffer entry: distance | face (3 bits) | primitive index (24 bits)
FACE_BITS = 3
DIST_SHIFT = PRIM_BITS + FACE_BITS
PRIM_MASK = (1 << PRIM_BITS) - 1
ROUND_FACE = 7
NO_HIT = np.int64(2 ** 62)  # a z-buffer entry farther than anything  # the face code of spheres and cylinders, shaded by their true normal
FLOOR_ID, CEILING_ID, WALL_ID = PRIM_MASK, PRIM_MASK - 1, PRIM_MASK - 2  # the room, hit analytically
MAX_DEPTH = 64.0  # metres: the far bound of the depth space (rooms are far smaller)
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
RECENT_FRAMES = 32  # frames kept per camera, for views the agent returns to unchanged
CAMERA_KEYS = ("rgb", "depth", "segmentation")
HELD_SIZE = 0.16  # metres: the held object is drawn at most this big, in the lower right


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

    def __init__(self, world: World):
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


def camera_basis(heading: int, horizon: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forward, right and up unit vectors (x, y, z) of a camera."""
    h, p = np.radians(heading), np.radians(horizon)
    forward = np.array([np.sin(h) * np.cos(p), -np.sin(p), np.cos(h) * np.cos(p)])
    right = np.array([np.cos(h), 0.0, -np.sin(h)])
    up = np.array([np.sin(h) * np.sin(p), np.cos(p), np.cos(h) * np.sin(p)])
    return forward, right, up


class _Rays:
    """Per pixel ray directions of one camera orientation at one resolution, with their
    inverses and the distances to the floor and ceiling planes."""

    def __init__(self, heading: int, horizon: int, height: int, width: int):
        self.basis = camera_basis(heading, horizon)
        forward, right, up = self.basis
        # The four sides of the view as planes through the eye: inside where n . p <= 0.
        self.planes = np.stack([right - forward, -right - forward, up - forward, -up - forward])[None]
        a = (2 * (np.arange(width) + 0.5) / width - 1)[None, :]
        b = (1 - 2 * (np.arange(height) + 0.5) / height)[:, None]
        d = forward[None, None, :] + a[..., None] * right + b[..., None] * up
        dirs = d.reshape(-1, 3)
        self.dirs = dirs.astype(np.float32)
        self.pixels = np.arange(height * width)
        with np.errstate(divide="ignore"):
            self.inv = [np.ascontiguousarray(1.0 / dirs[:, k]).astype(np.float32) for k in range(3)]
        # Per axis, the code of the box face a ray meets when it enters across that axis:
        # 2k for the face whose normal is +k (a ray running towards -k), 2k + 1 otherwise.
        self.face = [(2 * k + (self.inv[k] >= 0)).astype(np.int64) for k in range(3)]
        self.shells: dict = {}
        dy = dirs[:, 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            t_floor = np.where(dy < 0, CAMERA_HEIGHT / -dy, np.inf)
            t_ceiling = np.where(dy > 0, (WALL_HEIGHT - CAMERA_HEIGHT) / dy, np.inf)
        t = np.minimum(t_floor, t_ceiling)
        ids = np.where(t_floor <= t_ceiling, FLOOR_ID, CEILING_ID)
        quantised = np.minimum(t / DEPTH_STEP, (MAX_DEPTH / DEPTH_STEP)).astype(np.int64)
        self.background = (quantised << DIST_SHIFT) | (2 << PRIM_BITS) | ids  # faces up (+y) or down


class Camera:
    """Renders a World from its agent's pose. Rendering is pure NumPy on the CPU.

    What stays put is drawn once: the room and the fixed objects in their current
    states form a static layer per pose, kept in a bounded cache shared by every camera
    of the same resolution (and so by every episode in a scene). Each frame then draws
    only what rests on the furniture and the held object over that layer."""

    def __init__(self, resolution=64, cache_mb: float = 128.0):
        self.height, self.width = parse_resolution(resolution)
        self._rays: dict[tuple[int, int], _Rays] = {}
        self._world: World | None = None
        self.segments: SegmentTable | None = None
        self._layers_key = None
        self._layers = None
        self._cache = _layer_cache(self.height, self.width, cache_mb)
        self._frames: OrderedDict = OrderedDict()  # the last few frames of this world

    # --- public -----------------------------------------------------------------------

    def render(self, world: World, rgb: bool = True, depth: bool = True, segmentation: bool = True) -> dict:
        """{'rgb': (H, W, 3) uint8, 'depth': (H, W) float32, 'segmentation': (H, W)
        uint16}, those asked for."""
        wanted = {k for k, on in (("rgb", rgb), ("depth", depth), ("segmentation", segmentation)) if on}
        frame = self._frame(world, wanted)
        return {k: frame[k].copy() for k in CAMERA_KEYS if k in wanted}

    def shown_ids(self, world: World) -> frozenset[str]:
        """The ids of the objects at least one pixel of the segmentation shows now (the
        held object too): what a world with this camera as its `sight` may call visible."""
        frame = self._frame(world, {"segmentation"})
        if "shown" not in frame:
            counts = np.bincount(frame["segmentation"].ravel())
            frame["shown"] = frozenset(self.segments.object_id(int(v)) for v in np.nonzero(counts[1:])[0] + 1)
        return frame["shown"]

    def _frame(self, world: World, wanted: set[str]) -> dict:
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

    def _render(self, world: World, rgb: bool, depth: bool) -> dict:
        """A frame with its segmentation (it comes almost free with any image, and
        visibility may ask for it), and the RGB and depth images asked for."""
        pose = world.agent
        rays = self._rays_for(pose.heading, pose.horizon)
        x, z = world.scene.cell_xz(pose.row, pose.col)
        eye = np.array([x, CAMERA_HEIGHT, z])
        static, dynamic, signature, _ = self._world_layers(world)
        held = self._held_prims(world, rays.basis, eye)
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
                np.minimum(zbuf_static, _shell_keys(shell, eye, rays), out=zbuf_static)
            zbuf = self._draw(zbuf_static, both, eye, rays, split=n_static)
            winner = zbuf_static & PRIM_MASK
            seg = np.zeros(len(zbuf), np.uint16)
            is_prim = winner < WALL_ID
            seg[is_prim] = static.owners[winner[is_prim]]
            layer = _StaticFrame(zbuf_static, seg)
            self._cache.put(key, layer)
        else:
            zbuf = self._draw(layer.zbuf.copy(), dynamic.prims, eye, rays, offset=n_static)
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
                layer.rgb = self._shade(world, static.prims, layer.zbuf, rays.pixels, eye, rays)
            image = layer.rgb.copy()
            idx = np.nonzero(dynamic_px)[0]
            if len(idx):
                shifted = (zbuf[idx] & ~PRIM_MASK) | (winner[idx] - n_static)
                image[idx] = self._shade(world, dynamic.prims, shifted, idx, eye, rays)
            out["rgb"] = image.reshape(self.height, self.width, 3)
        return out

    def object_id(self, value: int) -> str | None:
        """The object id a segmentation value names (None for 0, the room)."""
        return self.segments.object_id(value) if self.segments else None

    # --- what is drawn ------------------------------------------------------------------

    def _rays_for(self, heading: int, horizon: int) -> _Rays:
        key = (heading, horizon)
        if key not in self._rays:
            self._rays[key] = _Rays(heading, horizon, self.height, self.width)
        return self._rays[key]

    def _world_layers(self, world: World):
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

    def _held_prims(self, world: World, basis, eye: np.ndarray) -> Prims:
        if world.held is None:
            return EMPTY
        obj = world.objects[world.held]
        shape = small_shape(obj.type.name, obj.is_open, obj.is_on)
        lo, hi = shape.bounds()
        scale = min(1.0, HELD_SIZE / max(1e-6, float((hi - lo).max())))
        forward, right, up = basis
        centre = eye + 0.45 * forward + 0.14 * right - 0.16 * up  # lower right, in the hand
        anchor = np.array([(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2])
        return shape.moved(centre - anchor, scale, anchor)

    # --- rasterising ------------------------------------------------------------------

    def _draw(self, zbuf: np.ndarray, prims: Prims, eye: np.ndarray, rays: _Rays, offset: int = 0,
              split: int | None = None) -> np.ndarray:
        """Draw primitives into a z-buffer (see PRIM_BITS), primitive k getting index
        offset + k; a box hit also records which face was hit. Return the z-buffer. With
        `split`, only primitives before it are drawn into `zbuf`; the returned copy has
        them all."""
        if not len(prims):
            return zbuf.copy() if split is not None else zbuf
        # Cull what lies wholly outside one of the four sides of the view, then find the
        # pixels each remaining primitive may cover.
        lo_e, hi_e = prims.lo - eye, prims.hi - eye
        nearest = np.minimum(lo_e[:, None, :] * rays.planes, hi_e[:, None, :] * rays.planes).sum(2)
        inside = np.nonzero((nearest <= 1e-9).all(1))[0]
        if not len(inside):
            return zbuf.copy() if split is not None else zbuf
        rows0, rows1, cols0, cols1 = self._screen_rects(lo_e[inside], hi_e[inside], rays.basis)
        h = np.maximum(rows1 - rows0 + 1, 0)
        w = np.maximum(cols1 - cols0 + 1, 0)
        area = h * w
        on_screen = np.nonzero(area)[0]
        keep = inside[on_screen]
        if not len(keep):
            return zbuf.copy() if split is not None else zbuf
        h, w, area, rows0, cols0 = h[on_screen], w[on_screen], area[on_screen], rows0[on_screen], cols0[on_screen]
        total = int(area.sum())
        # Pixel indices, one run of w pixels per covered row of each rectangle.
        run_prim = np.repeat(np.arange(len(keep)), h)
        run_row = np.arange(len(run_prim)) - np.repeat(np.cumsum(h) - h, h)
        run_start = (rows0[run_prim] + run_row) * self.width + cols0[run_prim]
        run_len = w[run_prim]
        pix = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(run_len) - run_len - run_start, run_len)

        lo = lo_e[keep].astype(np.float32)
        hi = hi_e[keep].astype(np.float32)
        for k in range(3):  # slabs: the entry distance is the largest near-plane distance
            inv = rays.inv[k][pix]
            t1 = np.repeat(lo[:, k], area) * inv
            t2 = np.repeat(hi[:, k], area) * inv
            near_k = np.fmin(t1, t2)
            if k == 0:
                t_near, t_far, face = near_k, np.fmax(t1, t2), rays.face[0][pix]
            else:
                later = near_k > t_near
                np.copyto(face, rays.face[k][pix], where=later)
                np.maximum(t_near, near_k, out=t_near)
                np.minimum(t_far, np.fmax(t1, t2), out=t_far)
        hit = (t_near <= t_far) & (t_near > NEAR)
        index = np.repeat(keep + offset, area)
        kinds = prims.kind[keep]
        if (kinds != BOX).any():
            sel = np.nonzero(np.repeat(kinds != BOX, area))[0]
            t_round = _round_hits(prims, index[sel] - offset, rays.dirs[pix[sel]], eye)
            hit[sel] = np.isfinite(t_round)
            t_near[sel] = np.where(np.isfinite(t_round), t_round, 0)
            face[sel] = ROUND_FACE
        dist = np.minimum(t_near * np.float32(1 / DEPTH_STEP), MAX_DEPTH / DEPTH_STEP).astype(np.int64)
        key = np.where(hit, (dist << DIST_SHIFT) | (face << PRIM_BITS) | index, NO_HIT)
        if split is None:
            np.minimum.at(zbuf, pix, key)
            return zbuf
        k = int(np.searchsorted(index, split + offset))  # pairs come in primitive order
        np.minimum.at(zbuf, pix[:k], key[:k])
        full = zbuf.copy()
        np.minimum.at(full, pix[k:], key[k:])
        return full

    def _screen_rects(self, lo: np.ndarray, hi: np.ndarray, basis):
        """Pixel rows and columns (inclusive, clipped) whose centres the boxes (lo, hi,
        relative to the eye) may cover; empty ranges for boxes out of view."""
        forward, right, up = basis
        W, H = self.width, self.height
        # Rows of `project`: (column * depth, row * depth, depth) of a point.
        project = np.stack([right * (W / 2) + forward * ((W - 1) / 2), -up * (H / 2) + forward * ((H - 1) / 2),
                            forward], axis=1)
        corners = np.where(_CORNER_SELECT[None], hi[:, None, :], lo[:, None, :]).reshape(-1, 3)
        cam = (corners @ project).reshape(len(lo), 8, 3)
        depth = cam[..., 2:]
        front = depth > NEAR
        with np.errstate(divide="ignore", invalid="ignore"):
            pixel = cam[..., :2] / depth  # (n, 8, 2): column, row
        low = np.where(front, pixel, np.inf).min(1)
        high = np.where(front, pixel, -np.inf).max(1)
        mixed = np.nonzero(front.any((1, 2)) & ~front.all((1, 2)))[0]
        if len(mixed):  # boxes through the near plane: add where their edges cross it
            ci, cj = cam[mixed][:, _EDGE_I], cam[mixed][:, _EDGE_J]
            zi, zj = ci[..., 2:], cj[..., 2:]
            cross = (zi > NEAR) != (zj > NEAR)
            t = np.where(cross, (NEAR - zi) / np.where(cross, zj - zi, 1.0), 0.0)
            at = (ci[..., :2] + t * (cj[..., :2] - ci[..., :2])) / NEAR
            low[mixed] = np.minimum(low[mixed], np.where(cross, at, np.inf).min(1))
            high[mixed] = np.maximum(high[mixed], np.where(cross, at, -np.inf).max(1))
        eps = 1e-4  # a little slack against rounding: never miss a pixel the box covers
        size = np.array([W, H])
        first = np.ceil(np.minimum(np.maximum(low - eps, 0), size)).astype(np.int64)
        last = np.floor(np.maximum(np.minimum(high + eps, size - 1), -1)).astype(np.int64)
        cols0, rows0, cols1, rows1 = first[:, 0], first[:, 1], last[:, 0], last[:, 1]
        return rows0, np.where(cols1 >= cols0, rows1, rows0 - 1), cols0, cols1

    # --- colour -------------------------------------------------------------------------

    def _shade(self, world: World, prims: Prims, zbuf, pixels, eye, rays: _Rays) -> np.ndarray:
        """RGB of the given pixels, whose z-buffer entries index `prims` (or the room).
        Each pixel picks a colour from one palette (the room's colours, then the
        primitives') and a brightness from the face it hit."""
        winner = zbuf & PRIM_MASK
        face = (zbuf >> PRIM_BITS) & ((1 << FACE_BITS) - 1)
        dist = (zbuf >> DIST_SHIFT).astype(np.float32) * np.float32(DEPTH_STEP)
        geometry = scene_geometry(world.scene)
        room = _room_palette(world.scene.room_type, geometry.wall_colour)
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
                index[f] = _floor_pattern(world.scene.room_type, eye[0] + dist[f] * d[:, 0],
                                          eye[2] + dist[f] * d[:, 2])
            idx = np.nonzero(winner < WALL_ID)[0]
        else:
            idx = slice(None)
        p = winner[idx]
        material = prims.material[p]
        wall = np.nonzero(material == WALL_SURFACE)[0]
        if len(wall):
            wi = _pixels_of(idx, wall)
            base = eye[1] + dist[wi] * rays.dirs[pixels[wi], 1] < 0.1
            index[wi[base]] = BASEBOARD
        rounds = np.nonzero(face[idx] == ROUND_FACE)[0]
        if len(rounds):
            ri, rp = _pixels_of(idx, rounds), p[rounds]
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
            light[_pixels_of(idx, lit)] = 1.15
        light = light / (1.0 + 0.02 * np.minimum(dist, 20.0))
        rgb = np.take(palette, index, axis=0) * light[:, None]
        return np.minimum(rgb, 255).astype(np.uint8)


def _pixels_of(idx, positions: np.ndarray) -> np.ndarray:
    """Entries `positions` of a selection `idx` (an index array, or every entry)."""
    return positions if isinstance(idx, slice) else idx[positions]


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


def _round_hits(prims: Prims, prim: np.ndarray, d: np.ndarray, eye: np.ndarray) -> np.ndarray:
    """Distances to spheres and upright cylinders (inf where missed)."""
    lo, hi = prims.lo[prim], prims.hi[prim]
    o = eye - (lo + hi) / 2
    r2 = ((hi[:, 0] - lo[:, 0]) / 2) ** 2
    t = np.full(len(prim), np.inf)
    sphere = prims.kind[prim] == SPHERE
    with np.errstate(invalid="ignore", divide="ignore"):
        if sphere.any():
            s, ds, os_ = np.nonzero(sphere)[0], d[sphere], o[sphere]
            a = (ds * ds).sum(1)
            b = (ds * os_).sum(1)
            disc = b * b - a * ((os_ * os_).sum(1) - r2[s])
            ts = (-b - np.sqrt(disc)) / a
            t[s] = np.where((disc >= 0) & (ts > NEAR), ts, np.inf)
        if not sphere.all():  # cylinders: the side, or the cap facing the eye
            c = np.nonzero(~sphere)[0]
            dc, oc = d[c], o[c]
            a2 = dc[:, 0] ** 2 + dc[:, 2] ** 2
            b2 = dc[:, 0] * oc[:, 0] + dc[:, 2] * oc[:, 2]
            disc2 = b2 * b2 - a2 * (oc[:, 0] ** 2 + oc[:, 2] ** 2 - r2[c])
            tc = (-b2 - np.sqrt(disc2)) / a2
            y = eye[1] + tc * dc[:, 1]
            side = (disc2 >= 0) & (tc > NEAR) & (y >= lo[c, 1]) & (y <= hi[c, 1])
            cap = np.where(eye[1] > hi[c, 1], hi[c, 1], lo[c, 1])
            tcap = (cap - eye[1]) / dc[:, 1]
            px = oc[:, 0] + tcap * dc[:, 0]
            pz = oc[:, 2] + tcap * dc[:, 2]
            on_cap = (tcap > NEAR) & (px * px + pz * pz <= r2[c])
            t[c] = np.where(side, tc, np.where(on_cap, tcap, np.inf))
    return t


def _shell_keys(shell, eye: np.ndarray, rays: _Rays) -> np.ndarray:
    """Z-buffer entries of a rectangular room's walls, seen from inside: each ray meets
    the wall it runs towards on x and on z, and the nearer of the two."""
    pre = rays.shells.get(shell)
    if pre is None:
        x0, x1, z0, z1 = shell
        pos_x, pos_z = rays.inv[0] > 0, rays.inv[2] > 0
        pre = rays.shells[shell] = (np.where(pos_x, x1, x0).astype(np.float32),
                                    np.where(pos_z, z1, z0).astype(np.float32),
                                    (rays.face[0] << PRIM_BITS) | WALL_ID, (rays.face[2] << PRIM_BITS) | WALL_ID)
    wall_x, wall_z, code_x, code_z = pre
    with np.errstate(invalid="ignore"):
        tx = np.fmin((wall_x - np.float32(eye[0])) * rays.inv[0], MAX_DEPTH)  # fmin: nan (0 * inf) -> MAX_DEPTH
        tz = np.fmin((wall_z - np.float32(eye[2])) * rays.inv[2], MAX_DEPTH)
    nearer_x = tx <= tz
    dist = (np.where(nearer_x, tx, tz) * np.float32(1 / DEPTH_STEP)).astype(np.int64)
    return (dist << DIST_SHIFT) | np.where(nearer_x, code_x, code_z)


_CORNER_SELECT = np.array([[(c >> k) & 1 for k in range(3)] for c in range(8)], bool)
_EDGES = [(i, j) for i in range(8) for j in range(i + 1, 8) if bin(i ^ j).count("1") == 1]
_EDGE_I = np.array([i for i, _ in _EDGES])
_EDGE_J = np.array([j for _, j in _EDGES])


CEILING, WALL, BASEBOARD, FLOOR_TONES = 0, 1, 2, 3  # the room's palette: ceiling, wall, baseboard, 5 floor tones


@lru_cache(maxsize=32)
def _room_palette(room_type: str, wall_colour) -> np.ndarray:
    light, dark = (np.array(c, np.float32) for c in FLOOR_STYLES.get(room_type, FLOOR_STYLES["living_room"]))
    tones = [light + (dark - light) * k / 4 for k in range(5)]
    wall = np.array(wall_colour, np.float32)
    return np.stack([CEILING_COLOUR, wall, wall * 0.62] + tones).astype(np.float32)


def _floor_pattern(room_type: str, x: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Palette index of the floor where rays meet it: tiles in kitchens and bathrooms,
    boards elsewhere."""
    if room_type in ("kitchen", "bathroom"):
        scale = 2.0 if room_type == "kitchen" else 4.0  # 0.5 m and 0.25 m tiles
        parity = (np.floor(x * scale) + np.floor(z * scale)) % 2
        return (FLOOR_TONES + 4 * parity).astype(np.int64)
    board = np.floor(z * 5.0)  # 0.2 m boards, 1.2 m long, staggered
    seam = np.floor(x * (1 / 1.2) + board * 0.37)
    return (FLOOR_TONES + (board * 7 + seam * 13) % 5).astype(np.int64)


def fixed_states(world: World) -> bytes:
    """The fixed objects' states, a byte each (1 open, 2 on), in scene order: the key of
    their looks."""
    return bytes((1 if o.is_open else 0) | (2 if o.is_on else 0)
                 for o in (world.objects[spec.id] for spec in world.scene.fixed))


def placed_items(world: World, geometry, states: bytes) -> list[tuple[Prims, str]]:
    """The shapes, with their ids, of what rests on or in the fixed objects the camera
    can see into (closed receptacles hide theirs), placed in their looks' slots."""
    out = []
    for spec, looks, state in zip(world.scene.fixed, geometry.looks, states):
        obj = world.objects[spec.id]
        if obj.contents and not (obj.type.openable and not obj.is_open):
            out.extend(place_contents(world, obj, looks[state].slots(len(obj.contents))))
    return out


def place_contents(world: World, obj, slots: list[tuple]) -> list[tuple[Prims, str]]:
    """The shapes of what rests on or in `obj`, its contents' contents included: the
    k-th content takes the k-th slot of its receptacle's surfaces (Look.slots, which
    gives as many as there are contents where it can), wrapping around when there are
    more contents than slots, scaled down to fit its slot and the
    room above it, so that nothing pokes out of the receptacle's view box."""
    if not slots:
        return []
    out = []
    for k, child_id in enumerate(obj.contents):
        out.extend(_place(world, child_id, slots[k % len(slots)]))
    return out


def _place(world: World, object_id: str, slot) -> list[tuple[Prims, str]]:
    obj = world.objects[object_id]
    placed = _placed_shape(obj.type.name, obj.is_open, obj.is_on, slot)
    out = [(placed, object_id)]
    if obj.contents:
        plo, phi = placed.bounds()
        y1 = slot[5]
        inner = (float(plo[0]), float(phi[0]), float(plo[2]), float(phi[2]), min(float(phi[1]), y1), y1)
        for child_id in obj.contents:  # stacked in the same spot, on top
            out.extend(_place(world, child_id, inner))
    return out


@lru_cache(maxsize=8192)
def _placed_shape(type_name: str, is_open: bool, is_on: bool, slot: tuple) -> Prims:
    """A small object's shape in a slot: centred on it, standing on its floor, scaled
    down to fit. Shared: do not modify the arrays."""
    x0, x1, z0, z1, y0, y1 = slot
    shape, lo, hi = small_shape_and_bounds(type_name, is_open, is_on)
    size = hi - lo
    scale = min(1.0, (x1 - x0) / max(size[0], 1e-6), (z1 - z0) / max(size[2], 1e-6),
                (y1 - y0) / max(size[1], 1e-6))
    centre = np.array([(x0 + x1) / 2, y0, (z0 + z1) / 2])
    anchor = np.array([(lo[0] + hi[0]) / 2, lo[1], (lo[2] + hi[2]) / 2])
    return shape.moved(centre - anchor, scale, anchor)
