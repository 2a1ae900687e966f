"""The classes a perception labels each pixel with, shared by the learned perception
network and the ground-truth perception so that both speak one class list.

Class 0 is the room's other surfaces (walls, ceiling, door), class 1 the floor, then every
type of the household catalogue in sorted order. The simulator's segmentation does not
tell the floor from the walls (both are the room, value 0): a room pixel is floor when its
point, lifted with the true depth and the camera's known optics and horizon, lies below
the semantic map's floor height.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from ..envs.household.object_types import TYPE_NAMES, type_of_id
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


def pixel_labels(segmentation: np.ndarray, segment_ids, depth: np.ndarray, horizon: float,
                 dtype=np.int64) -> np.ndarray:
    """(H, W) class indices of perception_classes() for a segmentation whose value k + 1 is
    segment_ids[k] (an object's type is the one its id names, a slice's too), the room's
    floor told apart by with_floor."""
    index = _class_index()
    lookup = np.zeros(len(segment_ids) + 1, dtype)
    for k, object_id in enumerate(segment_ids):
        lookup[k + 1] = index[type_of_id(object_id)]
    if segmentation.size and int(segmentation.max()) > len(segment_ids):
        raise ValueError(f"segmentation value {int(segmentation.max())} is beyond the {len(segment_ids)} ids given")
    return with_floor(lookup[segmentation], depth, horizon)



@cache
def _class_index() -> dict[str, int]:
    return {name: i for i, name in enumerate(perception_classes())}

