"""The settings of an imitation run (behaviour cloning and DAgger: imitation.py,
dagger.py), read from a JSON file and overridden by flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..envs.household_env import camera_options
from .config_file import config_from_file

NETWORKS = ("symbolic", "visuomotor")


@dataclass
class TrainConfig:
    """Everything a training run depends on; read from a JSON file, overridden by flags."""

    datasets: list[str] = field(default_factory=list)
    out: str = "runs/train/bc"
    epochs: int = 12
    batch_size: int = 64  # skill segments per batch
    lr: float = 2e-3
    weight_decay: float = 0.0
    grad_clip: float = 1.0
    network: str = "symbolic"  # or "visuomotor": the camera frame (data collected with --camera RES --frames)
    hidden: int = 128
    embed: int = 16
    channels: int = 16  # the visuomotor network's CNN width
    previous: str = "action"  # the visuomotor network is given the previous action ("action") or its success alone
    view_weight: float = 0.0  # > 0: the visuomotor network also learns where GotoLocation's destination is in view
    seed: int = 0
    device: str = "cpu"
    amp: bool = False
    val_fraction: float = 0.05
    # DAgger: rounds of (collect with the learner, the expert labelling) then training on everything.
    dagger_rounds: int = 3
    dagger_episodes: int = 200
    dagger_epochs: int = 4
    dagger_split: str = "seen"
    dagger_layouts: str | None = None  # ALFRED's gen/layouts folder: the learner plays its floor plans
    dagger_camera: int | None = None  # a resolution: the learner's rounds see through the agent's camera
    dagger_vector: int = 0  # N > 0: each rollout worker plays N episodes at once over one HouseholdVectorEnv
    dagger_planner: str = "oracle"  # who writes the plans the learner follows: "oracle" or "goal-skills"
    dagger_search: bool = False  # the labelling expert looks round for GotoLocation's target (collect's search)
    workers: int = 1

    @classmethod
    def from_file(cls, path: str | Path | None, **overrides) -> TrainConfig:
        return config_from_file(cls, path, overrides)

    def validate(self) -> None:
        if self.network not in NETWORKS:
            raise ValueError(f"config network must be one of {', '.join(NETWORKS)}, got {self.network!r}")
        from .collect import COLLECT_PLANNERS

        if self.dagger_planner not in COLLECT_PLANNERS:
            raise ValueError(f"config dagger_planner must be one of {', '.join(COLLECT_PLANNERS)}, got "
                             f"{self.dagger_planner!r}")
        if self.previous not in ("action", "success"):
            raise ValueError(f"config previous must be 'action' or 'success', got {self.previous!r}")
        for name in ("epochs", "batch_size", "hidden", "embed", "channels"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise ValueError(f"config {name} must be a positive integer, got {getattr(self, name)!r}")
        if isinstance(self.view_weight, bool) or not isinstance(self.view_weight, (int, float)) \
                or self.view_weight < 0:
            raise ValueError(f"config view_weight must be a non-negative number, got {self.view_weight!r}")
        if not 0 <= self.val_fraction < 1:
            raise ValueError(f"config val_fraction must be in [0, 1), got {self.val_fraction}")
        if self.device not in ("cpu", "cuda") and not self.device.startswith("cuda:"):
            raise ValueError(f"config device must be 'cpu', 'cuda' or 'cuda:N', got {self.device!r}")
        if self.device.startswith("cuda"):
            import torch

            if not torch.cuda.is_available():
                raise ValueError(f"device {self.device!r} asked for, but torch sees no CUDA GPU")
        if isinstance(self.dagger_vector, bool) or not isinstance(self.dagger_vector, int) or self.dagger_vector < 0:
            raise ValueError(f"config dagger_vector must be a non-negative integer (0: one episode at a time; N: N "
                             f"episodes in one batch per worker), got {self.dagger_vector!r}")
        if self.dagger_camera is not None:
            try:
                camera_options(self.dagger_camera)
            except ValueError as e:
                raise ValueError(f"config dagger_camera: {e}") from None
