"""pick_heat_then_place_in_recep: heat an object (or a slice of it), then put it in or on a receptacle."""

from __future__ import annotations

from ...transforms import transform_named
from .transform import TransformTaskType


class PickHeatThenPlaceInRecep(TransformTaskType):
    transform = transform_named("heat")
