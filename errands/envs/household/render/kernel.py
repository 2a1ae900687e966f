"""The compiled ray caster and shader: frames of any number of worlds cast and shaded in
one numba call, the only renderer (camera.py calls it for one world, batch_camera.py for
N at once).

Per frame it does what raycast.py describes: a z-buffer that starts with the floor and
the ceiling (Rays.background) and a rectangular room's walls, then every primitive
tested on the pixels of its projected bounding box (exact ray-box, ray-sphere and
ray-cylinder hits), the nearest entry kept; then the segmentation, the depth and the
colours (shading.py's palette and light), pixel by pixel. The arithmetic is NumPy's
(float32 where the rays are float32, float64 elsewhere, NaN handled as np.fmin and
np.maximum do), so that frames do not depend on how many worlds are drawn together.

Inputs are flat arrays: two pools of primitives (`static`: the rooms' and furniture's
layers, `dynamic`: what rests on the furniture and the held objects, the latter in
their own coordinates, placed in the hand per frame), per world the ranges of each
pool it draws, and per camera orientation the ray tables (`tables`, from RayTables).
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np
from numba import njit

from ..scene import CAMERA_HEIGHT, HEADINGS, HORIZONS
from .placement import HELD_AHEAD, HELD_DOWN, HELD_RIGHT
from .primitives import BOX, CYLINDER, LIT, SPHERE, WALL_SURFACE
from .raycast import (
    CEILING_ID,
    DEPTH_STEP,
    DIST_SHIFT,
    FLOOR_ID,
    MAX_DEPTH,
    NEAR,
    PRIM_BITS,
    PRIM_MASK,
    ROUND_FACE,
    WALL_ID,
    Rays,
)
from .shading import (
    BASEBOARD,
    BASEBOARD_HEIGHT,
    CEILING,
    DIMMING,
    DIMMING_RANGE,
    FACE_SHADE_ALL,
    FLOOR_TONES,
    LIGHT,
    LIT_LIGHT,
    ROUND_LIGHT,
    WALL,
)

NO_HIT = 2 ** 62
FLOOR_TILES_HALF, FLOOR_TILES_QUARTER, FLOOR_BOARDS = 0, 1, 2  # floor patterns (shading.py's tiles and boards)
_NEAR32 = np.float32(NEAR)
_INV_STEP32 = np.float32(1 / DEPTH_STEP)
_STEP32 = np.float32(DEPTH_STEP)
_MAX_KEY_DIST32 = np.float32(MAX_DEPTH / DEPTH_STEP)
_MAX_DEPTH32 = np.float32(MAX_DEPTH)
_FACE_SHADE = FACE_SHADE_ALL.astype(np.float32)
_LIGHT = np.asarray(LIGHT, np.float64)
_ROUND_LIGHT = ROUND_LIGHT
_LIT32 = np.float32(LIT_LIGHT)
_DIM32 = np.float32(DIMMING)
_DIM_CAP32 = np.float32(DIMMING_RANGE)
_ONE32 = np.float32(1.0)
_WHITE32 = np.float32(255)
_EDGES = np.array([(i, j) for i in range(8) for j in range(i + 1, 8) if bin(i ^ j).count("1") == 1], np.int64)


def _constants_fingerprint() -> str:
    """A digest of the module's constants (numbers, tuples, arrays), those it takes from
    scene.py, placement.py, primitives.py, raycast.py and shading.py included."""
    digest = hashlib.sha256()
    for name, value in sorted(globals().items()):
        if isinstance(value, (int, float, tuple, np.ndarray, np.generic)) and not name.startswith("__"):
            digest.update(name.encode() + b"=" + np.asarray(value).tobytes() + repr(np.asarray(value).dtype).encode())
    return digest.hexdigest()


def _drop_stale_cache() -> None:
    """numba's cache (cache=True, in __pycache__ beside this file) is checked against this
    file's time stamp alone, yet the constants compiled into it come from other modules
    too: when a constant changes (the camera's height in scene.py, a colour in shading.py)
    the cached kernel would still draw the old one. So the cache is dropped, and the
    kernel compiled anew, whenever the constants' digest differs from the one recorded."""
    cache = Path(__file__).parent / "__pycache__"
    stamp = cache / "kernel.constants"
    fingerprint = _constants_fingerprint()
    try:
        if stamp.read_text() == fingerprint:
            return
    except OSError:
        pass
    try:
        for path in [*cache.glob("kernel.*.nbi"), *cache.glob("kernel.*.nbc")]:
            path.unlink(missing_ok=True)
        cache.mkdir(exist_ok=True)
        stamp.write_text(fingerprint)
    except OSError:  # a read-only install: numba caches elsewhere, or compiles every time
        pass


_drop_stale_cache()


def orientation_index(heading, horizon):
    """The row of the ray tables of a camera turned to `heading` and pitched by `horizon`
    (ints or integer arrays); a pose the tables do not hold is a ValueError (the kernel
    does not check its indices)."""
    if isinstance(heading, int) and isinstance(horizon, int):  # one camera: no arrays
        if heading not in HEADINGS or horizon not in HORIZONS:
            raise ValueError(f"camera pose: heading {heading} and horizon {horizon}: expected a heading in "
                             f"{HEADINGS} and a horizon in {HORIZONS}")
        return (heading // 90) * len(HORIZONS) + (horizon - HORIZONS[0]) // (HORIZONS[1] - HORIZONS[0])
    heading, horizon = np.asarray(heading), np.asarray(horizon)
    bad = ~(np.isin(heading, HEADINGS) & np.isin(horizon, HORIZONS))
    if bad.any():
        k = int(np.argmax(bad.reshape(-1)))
        where = f" (camera {k})" if heading.ndim else ""
        raise ValueError(f"camera pose{where}: heading {heading.reshape(-1)[k]} and horizon {horizon.reshape(-1)[k]}: "
                         f"expected a heading in {HEADINGS} and a horizon in {HORIZONS}")
    return (heading // 90) * len(HORIZONS) + (horizon - HORIZONS[0]) // (HORIZONS[1] - HORIZONS[0])


class RayTables:
    """Every camera orientation's rays at one resolution, stacked for the kernel: the
    directions, their inverses and entry faces, the floor and ceiling entries (Rays),
    the view's side planes, the projection to pixels, the camera basis, and per axis
    whether a ray runs along it (an infinite inverse)."""

    def __init__(self, height: int, width: int):
        self.height, self.width = height, width
        rays = [Rays(h, v, height, width) for h in HEADINGS for v in HORIZONS]
        self.dirs = np.ascontiguousarray(np.stack([r.dirs for r in rays]))
        self.inv = np.ascontiguousarray(np.stack([np.stack(r.inv) for r in rays]))
        self.face = np.ascontiguousarray(np.stack([np.stack(r.face) for r in rays]).astype(np.int64))
        self.background = np.ascontiguousarray(np.stack([r.background for r in rays]).astype(np.int64))
        self.planes = np.ascontiguousarray(np.stack([r.planes[0] for r in rays]))
        self.basis = np.ascontiguousarray(np.stack([np.stack(r.basis) for r in rays]))
        project = []
        for r in rays:
            forward, right, up = r.basis
            project.append(np.stack([right * (width / 2) + forward * ((width - 1) / 2),
                                     -up * (height / 2) + forward * ((height - 1) / 2), forward], axis=1))
        self.project = np.ascontiguousarray(np.stack(project))
        self.infinite = np.isinf(self.inv).any(axis=2)  # (orientation, axis): some ray runs along the axis's planes

    def arrays(self) -> tuple:
        return (self.dirs, self.inv, self.face, self.background, self.planes, self.project, self.basis,
                self.infinite)


_TABLES: dict[tuple[int, int], RayTables] = {}


def ray_tables(height: int, width: int) -> RayTables:
    """The ray tables of a resolution, made once per process."""
    key = (height, width)
    if key not in _TABLES:
        _TABLES[key] = RayTables(height, width)
    return _TABLES[key]


# --- NumPy's NaN rules ---------------------------------------------------------------------

@njit(cache=True, error_model="numpy", inline="always")
def _fmin(a, b):
    if a != a:
        return b
    if b != b:
        return a
    return a if a <= b else b


@njit(cache=True, error_model="numpy", inline="always")
def _fmax(a, b):
    if a != a:
        return b
    if b != b:
        return a
    return a if a >= b else b


@njit(cache=True, error_model="numpy", inline="always")
def _maximum(a, b):
    if a != a or b != b:
        return a + b  # nan
    return a if a >= b else b


@njit(cache=True, error_model="numpy", inline="always")
def _minimum(a, b):
    if a != a or b != b:
        return a + b
    return a if a <= b else b


# --- casting -------------------------------------------------------------------------------

@njit(cache=True, error_model="numpy")
def _screen_rect(le, he, project, height, width, cam):
    """(row0, row1, col0, col1), inclusive and clipped: the pixels whose centres the box
    (corners relative to the eye) may cover, with a little slack; `cam` an (8, 3)
    scratch array."""
    low_c = low_r = np.inf
    high_c = high_r = -np.inf
    n_front = 0
    for c in range(8):
        px = he[0] if c & 1 else le[0]
        py = he[1] if c & 2 else le[1]
        pz = he[2] if c & 4 else le[2]
        for k in range(3):
            cam[c, k] = px * project[0, k] + py * project[1, k] + pz * project[2, k]
        if cam[c, 2] > NEAR:
            n_front += 1
            u, v = cam[c, 0] / cam[c, 2], cam[c, 1] / cam[c, 2]
            low_c, high_c = min(low_c, u), max(high_c, u)
            low_r, high_r = min(low_r, v), max(high_r, v)
    if n_front == 0:
        return 0, -1, 0, -1
    if n_front < 8:  # the box crosses the near plane: add where its edges cross it
        for e in range(_EDGES.shape[0]):
            i, j = _EDGES[e, 0], _EDGES[e, 1]
            zi, zj = cam[i, 2], cam[j, 2]
            if (zi > NEAR) != (zj > NEAR):
                t = (NEAR - zi) / (zj - zi)
                u = (cam[i, 0] + t * (cam[j, 0] - cam[i, 0])) / NEAR
                v = (cam[i, 1] + t * (cam[j, 1] - cam[i, 1])) / NEAR
                low_c, high_c = min(low_c, u), max(high_c, u)
                low_r, high_r = min(low_r, v), max(high_r, v)
    eps = 1e-4  # a little slack against rounding: never miss a pixel the box covers
    col0 = int(math.ceil(min(max(low_c - eps, 0.0), float(width))))
    row0 = int(math.ceil(min(max(low_r - eps, 0.0), float(height))))
    col1 = int(np.floor(max(min(high_c + eps, width - 1.0), -1.0)))
    row1 = int(np.floor(max(min(high_r + eps, height - 1.0), -1.0)))
    if col1 < col0:
        row1 = row0 - 1
    return row0, row1, col0, col1


@njit(cache=True, error_model="numpy", inline="always")
def _round_hit(kind, lo, hi, d, eye):
    """Distance along ray d to a sphere or an upright cylinder filling the box (lo, hi)
    (inf where missed)."""
    o0 = eye[0] - (lo[0] + hi[0]) / 2
    o1 = eye[1] - (lo[1] + hi[1]) / 2
    o2 = eye[2] - (lo[2] + hi[2]) / 2
    r2 = ((hi[0] - lo[0]) / 2) ** 2
    d0, d1, d2 = d[0], d[1], d[2]
    if kind == SPHERE:
        a = d0 * d0 + d1 * d1 + d2 * d2  # float32, as NumPy sums float32
        b = d0 * o0 + d1 * o1 + d2 * o2
        disc = b * b - a * ((o0 * o0 + o1 * o1 + o2 * o2) - r2)
        if disc >= 0:
            ts = (-b - math.sqrt(disc)) / a
            if ts > NEAR:
                return ts
        return np.inf
    a2 = d0 * d0 + d2 * d2
    b2 = d0 * o0 + d2 * o2
    disc2 = b2 * b2 - a2 * (o0 * o0 + o2 * o2 - r2)
    if disc2 >= 0:
        tc = (-b2 - math.sqrt(disc2)) / a2
        y = eye[1] + tc * d1
        if tc > NEAR and y >= lo[1] and y <= hi[1]:
            return tc
    cap = hi[1] if eye[1] > hi[1] else lo[1]
    tcap = (cap - eye[1]) / d1
    px = o0 + tcap * d0
    pz = o2 + tcap * d2
    if tcap > NEAR and px * px + pz * pz <= r2:
        return tcap
    return np.inf


@njit(cache=True, error_model="numpy")
def _draw(zbuf, kind, lo, hi, start, stop, base, eye, o, tables, height, width):
    """Primitives start..stop-1 of a pool (k-th getting z-buffer index base + k) into
    zbuf."""
    dirs, inv, face, _, planes, project, _, infinite = tables
    inv0, inv1, inv2 = inv[o, 0], inv[o, 1], inv[o, 2]
    le = np.empty(3)
    he = np.empty(3)
    cam = np.empty((8, 3))
    for j in range(start, stop):
        for k in range(3):
            le[k] = lo[j, k] - eye[k]
            he[k] = hi[j, k] - eye[k]
        culled = False
        for q in range(4):
            s = min(le[0] * planes[o, q, 0], he[0] * planes[o, q, 0]) \
                + min(le[1] * planes[o, q, 1], he[1] * planes[o, q, 1]) \
                + min(le[2] * planes[o, q, 2], he[2] * planes[o, q, 2])
            if not s <= 1e-9:
                culled = True
                break
        if culled:
            continue
        row0, row1, col0, col1 = _screen_rect(le, he, project[o], height, width, cam)
        if row1 < row0 or col1 < col0:
            continue
        index = base + j - start
        l0, l1, l2 = np.float32(le[0]), np.float32(le[1]), np.float32(le[2])
        h0, h1, h2 = np.float32(he[0]), np.float32(he[1]), np.float32(he[2])
        if kind[j] != BOX:
            for r in range(row0, row1 + 1):
                for c in range(col0, col1 + 1):
                    p = r * width + c
                    t = _round_hit(kind[j], lo[j], hi[j], dirs[o, p], eye)
                    if np.isfinite(t):
                        dist = np.int64(min(np.float32(t) * _INV_STEP32, _MAX_KEY_DIST32))
                        key = (dist << DIST_SHIFT) | (np.int64(ROUND_FACE) << PRIM_BITS) | index
                        if key < zbuf[p]:
                            zbuf[p] = key
        elif (infinite[o, 0] and (l0 == 0 or h0 == 0)) or (infinite[o, 1] and (l1 == 0 or h1 == 0)) \
                or (infinite[o, 2] and (l2 == 0 or h2 == 0)):
            _box_nan_safe(zbuf, l0, l1, l2, h0, h1, h2, index, row0, row1, col0, col1, o, inv, face, width)
        else:  # no 0 * inf, so no nan: plain min and max, and no branch, so that the loop vectorises
            for r in range(row0, row1 + 1):
                _box_row(zbuf, l0, l1, l2, h0, h1, h2, index, r * width + col0, r * width + col1 + 1, inv0, inv1,
                         inv2)


@njit(cache=True, error_model="numpy", inline="always")
def _box_row(zbuf, l0, l1, l2, h0, h1, h2, index, first, stop, inv0, inv1, inv2):
    """Pixels first..stop-1 of a box without 0 * inf: the slab test as NumPy's min and
    max give it, the entry face from the signs of the inverses (Rays.face)."""
    for q in range(np.uint64(first), np.uint64(stop)):  # unsigned: no negative-index wraparound, so it vectorises
        p = np.uint64(q)
        i0, i1, i2 = inv0[p], inv1[p], inv2[p]
        t1, t2 = l0 * i0, h0 * i0
        t_near, t_far = min(t1, t2), max(t1, t2)
        fc = np.int64(i0 >= 0)
        t1, t2 = l1 * i1, h1 * i1
        near_k = min(t1, t2)
        fc = np.int64(2) + np.int64(i1 >= 0) if near_k > t_near else fc
        t_near, t_far = max(t_near, near_k), min(t_far, max(t1, t2))
        t1, t2 = l2 * i2, h2 * i2
        near_k = min(t1, t2)
        fc = np.int64(4) + np.int64(i2 >= 0) if near_k > t_near else fc
        t_near, t_far = max(t_near, near_k), min(t_far, max(t1, t2))
        dist = np.int64(min(max(t_near, np.float32(0)) * _INV_STEP32, _MAX_KEY_DIST32))
        key = (dist << DIST_SHIFT) | (fc << PRIM_BITS) | index
        zbuf[p] = min(zbuf[p], key if (t_near <= t_far) & (t_near > _NEAR32) else NO_HIT)


@njit(cache=True, error_model="numpy")
def _box_nan_safe(zbuf, l0, l1, l2, h0, h1, h2, index, row0, row1, col0, col1, o, inv, face, width):
    """A box's slab test with NumPy's nan rules (np.fmin, np.maximum): for a box whose
    face lies exactly on the eye's plane where some ray runs along it (0 * inf)."""
    for r in range(row0, row1 + 1):
        for c in range(col0, col1 + 1):
            p = r * width + c
            i0 = inv[o, 0, p]
            t1, t2 = l0 * i0, h0 * i0
            t_near, t_far, fc = _fmin(t1, t2), _fmax(t1, t2), face[o, 0, p]
            i1 = inv[o, 1, p]
            t1, t2 = l1 * i1, h1 * i1
            near_k = _fmin(t1, t2)
            if near_k > t_near:
                fc = face[o, 1, p]
            t_near = _maximum(t_near, near_k)
            t_far = _minimum(t_far, _fmax(t1, t2))
            i2 = inv[o, 2, p]
            t1, t2 = l2 * i2, h2 * i2
            near_k = _fmin(t1, t2)
            if near_k > t_near:
                fc = face[o, 2, p]
            t_near = _maximum(t_near, near_k)
            t_far = _minimum(t_far, _fmax(t1, t2))
            if t_near <= t_far and t_near > _NEAR32:
                dist = np.int64(min(t_near * _INV_STEP32, _MAX_KEY_DIST32))
                key = (dist << DIST_SHIFT) | (fc << PRIM_BITS) | index
                if key < zbuf[p]:
                    zbuf[p] = key


@njit(cache=True, error_model="numpy")
def _walls(zbuf, shell, eye, o, tables):
    """A rectangular room's walls, seen from inside: each ray meets the wall it runs
    towards on x and on z, and the nearer of the two counts."""
    _, inv, face, _, _, _, _, _ = tables
    x0, x1, z0, z1 = np.float32(shell[0]), np.float32(shell[1]), np.float32(shell[2]), np.float32(shell[3])
    ex, ez = np.float32(eye[0]), np.float32(eye[2])
    for p in range(zbuf.shape[0]):
        ix, iz = inv[o, 0, p], inv[o, 2, p]
        tx = _fmin(((x1 if ix > 0 else x0) - ex) * ix, _MAX_DEPTH32)
        tz = _fmin(((z1 if iz > 0 else z0) - ez) * iz, _MAX_DEPTH32)
        if tx <= tz:
            key = (np.int64(tx * _INV_STEP32) << DIST_SHIFT) | (face[o, 0, p] << PRIM_BITS) | WALL_ID
        else:
            key = (np.int64(tz * _INV_STEP32) << DIST_SHIFT) | (face[o, 2, p] << PRIM_BITS) | WALL_ID
        if key < zbuf[p]:
            zbuf[p] = key


# --- shading -------------------------------------------------------------------------------

@njit(cache=True, error_model="numpy", inline="always")
def _floor_tone(pattern, x, z):
    """Palette index of the floor at (x, z) (shading.py's tiles and boards). The sums
    are whole numbers, so v - m * floor(v / m) is exactly NumPy's v % m, without fmod."""
    if pattern != FLOOR_BOARDS:
        scale = 2.0 if pattern == FLOOR_TILES_HALF else 4.0
        v = np.floor(x * scale) + np.floor(z * scale)
        return np.int64(FLOOR_TONES + 4 * (v - 2.0 * np.floor(v * 0.5)))
    board = np.floor(z * 5.0)
    seam = np.floor(x * (1 / 1.2) + board * 0.37)
    v = board * 7 + seam * 13
    return np.int64(FLOOR_TONES + (v - 5.0 * np.floor(v / 5.0)))


@njit(cache=True, error_model="numpy")
def _outputs(zbuf, i, ex, ey, ez, o, dirs, palette, pattern, s0, n_static, d0, n_dynamic, h0, static, dynamic,
             held_lo, held_hi, want_depth, want_rgb, seg_out, depth_out, rgb_out):
    """Row i of the outputs from a frame's z-buffer: the winner's segmentation value,
    the depth, and the colour (shading.py's palette and light). One call per frame,
    the pixel loop free of calls: per-pixel calls and array views cost as much as the
    shading itself."""
    s_kind, s_lo, s_hi, s_colour, s_material, s_owner = static
    d_kind, d_lo, d_hi, d_colour, d_material, d_owner = dynamic
    for p in range(zbuf.shape[0]):
        key = zbuf[p]
        winner = key & PRIM_MASK
        if want_depth:
            depth_out[i, p] = np.float32(key >> DIST_SHIFT) * _STEP32
        if winner >= WALL_ID:
            seg_out[i, p] = 0
        elif winner < n_static:
            seg_out[i, p] = s_owner[s0 + winner]
        else:
            seg_out[i, p] = d_owner[d0 + winner - n_static if winner < n_static + n_dynamic
                                    else h0 + winner - n_static - n_dynamic]
        if not want_rgb:
            continue
        fc = (key >> PRIM_BITS) & 7
        dist = np.float32(key >> DIST_SHIFT) * _STEP32
        light = _FACE_SHADE[fc]
        d0_, d1_, d2_ = dirs[o, p, 0], dirs[o, p, 1], dirs[o, p, 2]
        if winner >= WALL_ID:
            if winner == CEILING_ID:
                tone = CEILING
            elif winner == WALL_ID:
                tone = BASEBOARD if ey + dist * d1_ < BASEBOARD_HEIGHT else WALL
            else:
                tone = _floor_tone(pattern, ex + dist * d0_, ez + dist * d2_)
            r, g, b = palette[tone, 0], palette[tone, 1], palette[tone, 2]
        else:
            if winner < n_static:
                j = s0 + winner
                kind, material = s_kind[j], s_material[j]
                r, g, b = np.float32(s_colour[j, 0]), np.float32(s_colour[j, 1]), np.float32(s_colour[j, 2])
            else:
                j = d0 + winner - n_static if winner < n_static + n_dynamic else h0 + winner - n_static - n_dynamic
                kind, material = d_kind[j], d_material[j]
                r, g, b = np.float32(d_colour[j, 0]), np.float32(d_colour[j, 1]), np.float32(d_colour[j, 2])
            if material == WALL_SURFACE and ey + dist * d1_ < BASEBOARD_HEIGHT:
                r, g, b = palette[BASEBOARD, 0], palette[BASEBOARD, 1], palette[BASEBOARD, 2]
            if fc == ROUND_FACE:
                if winner < n_static:
                    lo0, lo1, lo2 = s_lo[j, 0], s_lo[j, 1], s_lo[j, 2]
                    hi0, hi1, hi2 = s_hi[j, 0], s_hi[j, 1], s_hi[j, 2]
                elif winner < n_static + n_dynamic:
                    lo0, lo1, lo2 = d_lo[j, 0], d_lo[j, 1], d_lo[j, 2]
                    hi0, hi1, hi2 = d_hi[j, 0], d_hi[j, 1], d_hi[j, 2]
                else:
                    k = j - h0
                    lo0, lo1, lo2 = held_lo[k, 0], held_lo[k, 1], held_lo[k, 2]
                    hi0, hi1, hi2 = held_hi[k, 0], held_hi[k, 1], held_hi[k, 2]
                h0_, h1_, h2_ = ex + dist * d0_, ey + dist * d1_, ez + dist * d2_
                n0 = h0_ - (lo0 + hi0) / 2
                n1 = h1_ - (lo1 + hi1) / 2
                n2 = h2_ - (lo2 + hi2) / 2
                if kind == CYLINDER:
                    n1 = 0.0
                    if h1_ >= hi1 - 1e-3:
                        n0, n1, n2 = 0.0, 1.0, 0.0
                    if h1_ <= lo1 + 1e-3:
                        n0, n1, n2 = 0.0, -1.0, 0.0
                norm = max(math.sqrt(n0 * n0 + n1 * n1 + n2 * n2), 1e-9)
                n0, n1, n2 = n0 / norm, n1 / norm, n2 / norm
                lit = n0 * _LIGHT[0] + n1 * _LIGHT[1] + n2 * _LIGHT[2]
                light = np.float32(_ROUND_LIGHT[0] + _ROUND_LIGHT[1] * min(max(lit, 0.0), 1.0))
            if material == LIT:
                light = _LIT32
        light = light / (_ONE32 + _DIM32 * min(dist, _DIM_CAP32))
        rgb_out[i, p, 0] = np.uint8(min(r * light, _WHITE32))
        rgb_out[i, p, 1] = np.uint8(min(g * light, _WHITE32))
        rgb_out[i, p, 2] = np.uint8(min(b * light, _WHITE32))


# --- frames --------------------------------------------------------------------------------

@njit(cache=True, error_model="numpy")
def render_frames(todo, orient, eye_xz, shell, static_range, dynamic_range, held_range, held_fit,
                  palettes, patterns, static, dynamic, tables, height, width, want_depth, want_rgb,
                  seg_out, depth_out, rgb_out):
    """Frames of worlds `todo` into row i of seg_out (and depth_out, rgb_out when
    wanted). Per world i: orient[i] (orientation_index), eye_xz[i] (the camera's x and z),
    shell[i] (x0, x1, z0, z1 of a rectangular room's walls, or nan), static_range[i] and
    dynamic_range[i] (start, stop) in the pools, held_range[i] in the dynamic pool
    with held_fit[i] (scale, then the anchor's x, y, z: placement.held_fit),
    palettes[i] (shading.room_palette), patterns[i] (FLOOR_*). A pool is (kind, lo,
    hi, colour, material, owner)."""
    s_kind, s_lo, s_hi, s_colour, s_material, s_owner = static
    d_kind, d_lo, d_hi, d_colour, d_material, d_owner = dynamic
    dirs, _, _, background, _, _, basis, _ = tables
    zbuf = np.empty(height * width, np.int64)
    eye = np.empty(3)
    held_lo = np.empty((0, 3))
    held_hi = np.empty((0, 3))
    for i in todo:
        o = orient[i]
        eye[0], eye[1], eye[2] = eye_xz[i, 0], CAMERA_HEIGHT, eye_xz[i, 1]
        zbuf[:] = background[o]
        if not np.isnan(shell[i, 0]):
            _walls(zbuf, shell[i], eye, o, tables)
        s0, s1 = static_range[i, 0], static_range[i, 1]
        d0, d1 = dynamic_range[i, 0], dynamic_range[i, 1]
        h0, h1 = held_range[i, 0], held_range[i, 1]
        n_static, n_dynamic, n_held = s1 - s0, d1 - d0, h1 - h0
        _draw(zbuf, s_kind, s_lo, s_hi, s0, s1, 0, eye, o, tables, height, width)
        _draw(zbuf, d_kind, d_lo, d_hi, d0, d1, n_static, eye, o, tables, height, width)
        if n_held:  # the held object, in the lower right of the view (placement.held_fit)
            if held_lo.shape[0] < n_held:
                held_lo, held_hi = np.empty((n_held, 3)), np.empty((n_held, 3))
            scale = held_fit[i, 0]
            for k in range(3):
                centre = eye[k] + HELD_AHEAD * basis[o, 0, k] + HELD_RIGHT * basis[o, 1, k] \
                    - HELD_DOWN * basis[o, 2, k]
                a = held_fit[i, 1 + k]
                shift = centre - a
                for j in range(n_held):
                    held_lo[j, k] = (d_lo[h0 + j, k] - a) * scale + a + shift
                    held_hi[j, k] = (d_hi[h0 + j, k] - a) * scale + a + shift
            _draw(zbuf, d_kind[h0:h1], held_lo, held_hi, 0, n_held, n_static + n_dynamic, eye, o, tables,
                  height, width)
        _outputs(zbuf, i, eye[0], eye[1], eye[2], o, dirs, palettes[i], patterns[i], s0, n_static, d0, n_dynamic,
                 h0, static, dynamic, held_lo, held_hi, want_depth, want_rgb, seg_out, depth_out, rgb_out)
