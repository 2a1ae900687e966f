"""Ray casting's conventions and rays: one ray per pixel centre of a camera, cast
against primitives (primitives.py) into a z-buffer, the nearest hit winning. The
casting itself is compiled (kernel.py); this module says what it computes:

  * every primitive's bounding box is projected to the image, so a primitive is tested
    only against the pixels it may cover, with an exact ray-box, ray-sphere or
    ray-cylinder intersection;
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
from .primitives import WALL_HEIGHT

NEAR = 0.01  # metres: nothing nearer the camera is drawn
DEPTH_STEP = 1.0 / 4096  # depth resolution of the z-buffer, metres
PRIM_BITS = 24  # z-buffer entry: distance | face (3 bits) | primitive index (24 bits)
FACE_BITS = 3
DIST_SHIFT = PRIM_BITS + FACE_BITS
PRIM_MASK = (1 << PRIM_BITS) - 1
ROUND_FACE = 7  # the face code of spheres and cylinders, shaded by their true normal
FLOOR_ID, CEILING_ID, WALL_ID = PRIM_MASK, PRIM_MASK - 1, PRIM_MASK - 2  # the room, hit analytically
MAX_DEPTH = 64.0  # metres: the far bound of the depth space (rooms are far smaller)


def camera_basis(heading: int, horizon: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forward, right and up unit vectors (x, y, z) of a camera."""
    h, p = np.radians(heading), np.radians(horizon)
    forward = np.array([np.sin(h) * np.cos(p), -np.sin(p), np.cos(h) * np.cos(p)])
    right = np.array([np.cos(h), 0.0, -np.sin(h)])
    up = np.array([np.sin(h) * np.sin(p), np.cos(p), np.cos(h) * np.sin(p)])
    return forward, right, up


def pixel_rays(heading: int, horizon: float, height: int, width: int) -> np.ndarray:
    """(height, width, 3): each pixel centre's ray per metre of depth (depth being along
    the camera's axis) of the 90 degree pinhole camera: a pixel (u, v) at depth d lies
    d * (forward + a * right + b * up) from the eye, with a = (u - (W-1)/2) / (W/2) and
    b = -(v - (H-1)/2) / (H/2)."""
    forward, right, up = camera_basis(heading, horizon)
    a = (np.arange(width) - (width - 1) / 2) / (width / 2)
    b = -(np.arange(height) - (height - 1) / 2) / (height / 2)
    return forward[None, None] + a[None, :, None] * right[None, None] + b[:, None, None] * up[None, None]


def pixel_heights(depth: np.ndarray, horizon: float) -> np.ndarray:
    """(H, W) metres above the floor of each pixel's point, for a depth image (H, W) of the
    camera at CAMERA_HEIGHT pitched down by `horizon` degrees (the heading does not matter)."""
    rays = pixel_rays(0, horizon, *depth.shape)
    return CAMERA_HEIGHT + rays[..., 1] * depth


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
        with np.errstate(divide="ignore"):
            self.inv = [np.ascontiguousarray(1.0 / dirs[:, k]).astype(np.float32) for k in range(3)]
        # Per axis, the code of the box face a ray meets when it enters across that axis:
        # 2k for the face whose normal is +k (a ray running towards -k), 2k + 1 otherwise.
        self.face = [(2 * k + (self.inv[k] >= 0)).astype(np.int64) for k in range(3)]
        dy = dirs[:, 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            t_floor = np.where(dy < 0, CAMERA_HEIGHT / -dy, np.inf)
            t_ceiling = np.where(dy > 0, (WALL_HEIGHT - CAMERA_HEIGHT) / dy, np.inf)
        t = np.minimum(t_floor, t_ceiling)
        ids = np.where(t_floor <= t_ceiling, FLOOR_ID, CEILING_ID)
        quantised = np.minimum(t / DEPTH_STEP, (MAX_DEPTH / DEPTH_STEP)).astype(np.int64)
        self.background = (quantised << DIST_SHIFT) | (2 << PRIM_BITS) | ids  # faces up (+y) or down
