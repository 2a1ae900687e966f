"""One way to name a scene everywhere: an integer is a procedural scene id (ALFRED's
ranges give fixed scenes), "FloorPlanN" is ALFRED's real floor plan N imported from a
layouts folder (`layouts_dir`, or the ERRANDS_ALFRED_LAYOUTS environment variable)."""

from __future__ import annotations

import os
import re
from functools import lru_cache

from .alfred_floorplans import load_floorplan
from .procedural import procedural_scene
from .scene import Scene

LAYOUTS_ENV = "ERRANDS_ALFRED_LAYOUTS"
_FLOORPLAN = re.compile(r"^FloorPlan(\d+)$")


def parse_scene_ref(ref) -> int | str:
    """Normalise '12' -> 12; keep 'FloorPlan12'; reject anything else with a clear error."""
    if isinstance(ref, bool):
        raise ValueError(f"scene must be an integer id or 'FloorPlanN', got {ref!r}")
    if isinstance(ref, int):
        if ref < 0:
            raise ValueError(f"scene id must be non-negative, got {ref}")
        return ref
    text = str(ref).strip()
    if text.isdigit():
        return int(text)
    if _FLOORPLAN.match(text):
        return text
    raise ValueError(f"scene must be an integer id (1-30 kitchens, 201-230 living rooms, "
                     f"301-330 bedrooms, 401-430 bathrooms, any other number a new scene) "
                     f"or 'FloorPlanN' for an ALFRED floor plan, got {ref!r}")


def load_scene(ref, layouts_dir: str | None = None) -> Scene:
    """A fresh copy of the scene `ref` names (safe to modify)."""
    return _cached_scene(parse_scene_ref(ref), layouts_dir or os.environ.get(LAYOUTS_ENV)).copy()


@lru_cache(maxsize=512)
def _cached_scene(ref: int | str, layouts_dir: str | None) -> Scene:
    if isinstance(ref, int):
        return procedural_scene(ref)
    if not layouts_dir:
        raise ValueError(f"scene {ref!r} is an ALFRED floor plan: pass layouts_dir (ALFRED's "
                         f"gen/layouts folder) or set {LAYOUTS_ENV}")
    return load_floorplan(layouts_dir, int(_FLOORPLAN.match(ref).group(1)))
