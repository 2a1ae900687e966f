"""Ray casting: one ray per pixel centre of a camera, cast against primitives
(primitives.py) into a z-buffer, the nearest hit winning.

  * every primitive's bounding box is projected to the image, so a primitive is tested
    only against the pixels it may cover: one vectorised pass over (primitive, pixel)
    pairs, with an exact ray-box, ray-sphere or ray-cylinder intersection;
  * a z-buffer keeps, per pixel, the nearest distance and the primitive, packed into
    one integer (ties go to the earlier primitive, so frames are deterministic);
  * the floor and the ceiling are planes, hit analytically, and so are the walls of a
    rectangular room (other rooms' walls are boxes).

The camera sits 1.5 m above the floor, turned to its heading and pitched by its horizon
(positive looks down), with a 90 degree field of view across and down the image (pixels
are not square when the image is not). Depth is the distance along the camera's axis.
"""

from __future__ import annotations

import numpy as np

from ..scene import CAMERA_HEIGHT
from .primitives import BOX, SPHERE, WALL_HEIGHT, Prims

NEAR = 0.01  # metres: nothing nearer the camera is drawn
DEPTH_STEP = 1.0 / 4096  # depth resolution of the z-buffer, metres
PRIM_BITS = 24  # z-buffer entry: distance | face (3 bits) | primitive index (24 bits)
FACE_BITS = 3
DIST_SHIFT = PRIM_BITS + FACE_BITS
PRIM_MASK = (1 << PRIM_BITS) - 1
ROUND_FACE = 7  # the face code of spheres and cylinders, shaded by their true normal
NO_HIT = np.int64(2 ** 62)  # a z-buffer entry farther than anything
FLOOR_ID, CEILING_ID, WALL_ID = PRIM_MASK, PRIM_MASK - 1, PRIM_MASK - 2  # the room, hit analytically
MAX_DEPTH = 64.0  # metres: the far bound of the depth space (rooms are far smaller)


def camera_basis(heading: int, horizon: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forward, right and up unit vectors (x, y, z) of a camera."""
    h, p = np.radians(heading), np.radians(horizon)
    forward = np.array([np.sin(h) * np.cos(p), -np.sin(p), np.cos(h) * np.cos(p)])
    right = np.array([np.cos(h), 0.0, -np.sin(h)])
    up = np.array([np.sin(h) * np.sin(p), np.cos(p), np.cos(h) * np.sin(p)])
    return forward, right, up


class Rays:
    """Per pixel ray directions of one camera orientation at one resolution, with their
    inverses and the distances to the floor and ceiling planes."""

    def __init__(self, heading: int, horizon: int, height: int, width: int):
        self.height, self.width = height, width
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


def draw(zbuf: np.ndarray, prims: Prims, eye: np.ndarray, rays: Rays, offset: int = 0,
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
    rows0, rows1, cols0, cols1 = screen_rects(lo_e[inside], hi_e[inside], rays)
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
    run_start = (rows0[run_prim] + run_row) * rays.width + cols0[run_prim]
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
        t_round = round_hits(prims, index[sel] - offset, rays.dirs[pix[sel]], eye)
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


def screen_rects(lo: np.ndarray, hi: np.ndarray, rays: Rays):
    """Pixel rows and columns (inclusive, clipped) whose centres the boxes (lo, hi,
    relative to the eye) may cover; empty ranges for boxes out of view."""
    forward, right, up = rays.basis
    W, H = rays.width, rays.height
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


def round_hits(prims: Prims, prim: np.ndarray, d: np.ndarray, eye: np.ndarray) -> np.ndarray:
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


def shell_keys(shell, eye: np.ndarray, rays: Rays) -> np.ndarray:
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
