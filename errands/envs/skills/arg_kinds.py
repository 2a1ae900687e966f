"""Argument kinds: what an object type must be to fill a skill's slot."""

from __future__ import annotations

from typing import Callable

from ..household.object_types import ObjectType
from ..transforms import TRANSFORMS


def _affords(affordance: str) -> Callable[[ObjectType], bool]:
    return lambda t: t.pickupable and getattr(t, affordance)


ARG_KINDS: dict[str, Callable[[ObjectType], bool]] = {
    "location": lambda t: True,
    "object": lambda t: t.pickupable,
    "receptacle": lambda t: t.receptacle,
    "openable": lambda t: t.openable,
    "toggleable": lambda t: t.toggleable,
    "sliceable": lambda t: t.sliceable,
    # a transform's affordance: "washable", "heatable", "coolable"
    **{t.affordance: _affords(t.affordance) for t in TRANSFORMS},
}
