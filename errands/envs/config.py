"""The options of the household env that an evaluation or a collection chooses (the task,
the scene and the render mode are the caller's, per episode or per viewer)."""

from __future__ import annotations

from dataclasses import dataclass

from ..options import Options
from .household_env import MAX_FAILURES, MAX_STEPS


@dataclass(frozen=True)
class HouseholdEnvConfig(Options):
    """`HouseholdEnv(**config.kwargs())`; the env checks the values it alone knows (splits,
    observation keys, visibility rules, resolutions) when it is built."""

    split: str = "seen"
    scenes: str = "procedural"  # or "alfred_floorplans", from layouts_dir
    layouts_dir: str | None = None
    observations: tuple[str, ...] = ("view",)
    visibility: str | None = None  # None: "camera" when a camera key is observed, else "geometric"
    resolution: int | tuple[int, int] = 64
    view_size: int = 9
    max_steps: int = MAX_STEPS
    max_failures: int = MAX_FAILURES

    @classmethod
    def seeing_through_camera(cls, resolution: int | None, **options) -> "HouseholdEnvConfig":
        """What a command's --camera RES asks for (None: the geometric rule)."""
        from .household_env import camera_options

        return cls(**options, **camera_options(resolution))
