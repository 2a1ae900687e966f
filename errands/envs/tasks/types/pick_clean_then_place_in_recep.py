"""pick_clean_then_place_in_recep: clean an object (or a slice of it), then put it in or on a receptacle."""

from __future__ import annotations

from ...transforms import transform_named
from .transform import TransformTaskType


class PickCleanThenPlaceInRecep(TransformTaskType):
    transform = transform_named("clean")
