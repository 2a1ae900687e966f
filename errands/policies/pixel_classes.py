"""The classes a perception labels each pixel with, shared by the learned perception
network and the ground-truth perception so that both speak one class list.

Class 0 is the room's other surfaces (walls, ceiling, door), class 1 the floor, then every
type of the household catalogue in sorted order. The simulator's segmentation does not
tell the floor from the walls (both are the room, value 0): a room pixel is floor when its
point, lifted with the true depth and the camera's known optics and horizon, lies below
the semantic map's floor height.
"""

from __future__ import annotations

import numpy as np

from ..envs.household.object_types import TYPE_NAMES
from ..envs.household.render.raycast import pixel_heights
from .semantic_map import FLOOR_HEIGHT

ROOM = ""  # class 0: the room's walls, ceiling and door (segmentation value 0, off the floor)
FLOOR = "(floor)"  # class 1: the room's floor
FLOOR_CLASS = 1


def perception_classes() -> tuple[str, ...]:
    """The room, the floor, then every type of the catalogue in sorted order (stable
    whatever order the catalogue lists them in)."""
    return (ROOM, FLOOR, *sorted(TYPE_NAMES))


def with_floor(labels: np.ndarray, depth: np.ndarray, horizon: float) -> np.ndarray:
    """`labels` (H, W; 0 the room) with the room's pixels whose point is at the floor
    (by the true `depth` at the camera's `horizon`, degrees down) set to the floor class."""
    if labels.shape != depth.shape:
        raise ValueError(f"labels {labels.shape} and depth {depth.shape} must be images of one shape")
    floor = (labels == 0) & (pixel_heights(depth.astype(np.float64), horizon) < FLOOR_HEIGHT)
    return np.where(floor, np.asarray(FLOOR_CLASS, labels.dtype), labels)
