"""pick_cool_then_place_in_recep: cool an object (or a slice of it), then put it in or on a receptacle."""

from __future__ import annotations

from ...transforms import transform_named
from .transform import TransformTaskType


class PickCoolThenPlaceInRecep(TransformTaskType):
    transform = transform_named("cool")
