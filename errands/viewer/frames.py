"""The two pictures the viewer shows of a step, as PNG bytes: the agent's first-person
camera and the top-down map with the path walked so far. Both come from the env's own
drawing methods (as the GIF writer of `errands run` uses them)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from ..envs.household.topdown import render_topdown

VIEWS = ("first", "map")  # first-person camera, top-down map
DEFAULT_RESOLUTION = 300
MAP_CELL_PX = 12


def check_view(view: str) -> str:
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}: expected one of {', '.join(VIEWS)}")
    return view


def render_view(env, view: str, resolution: int = DEFAULT_RESOLUTION) -> np.ndarray:
    """The env's current state as an RGB array: `env` is a HouseholdEnv (or wraps one)."""
    base = env.unwrapped
    if check_view(view) == "first":
        return base.first_person(resolution)
    return render_topdown(base.world, base.path, cell_px=MAP_CELL_PX)


def png_bytes(rgb: np.ndarray) -> bytes:
    """PNG with light compression: frames are made on request, so speed beats size."""
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
