"""The perception network: the camera's RGB frame in, each pixel's object type and depth out.

A modular camera policy (a semantic map and a planner, as FILM and HLSM do on ALFRED)
reads the frame alone under ALFRED's rule, so what the simulator's segmentation and
depth say of a frame is learnt from them (train/perception.py) and predicted here.

frame (H, W, 3) uint8 and the camera's horizon (a constant input plane, horizon / 60
degrees: the policy knows its pitch by dead reckoning, and depth from one image at an
unknown pitch is ambiguous) -> a small U-Net: four levels (full, 1/2, 1/4 and 1/8 of the side,
`channels` times 1, 2, 4 and 8 wide), each decoder level joined with the encoder's of
its resolution, so that the full-resolution head sees an apple's few pixels -> per pixel,
logits over perception_classes() (the room, the floor, the object types) and the log of
the depth.

Checkpoints are network.py's (safetensors weights, a JSON config whose `kind` is
"perception").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .pixel_classes import FLOOR, ROOM, perception_classes

__all__ = ["FLOOR", "ROOM", "PerceptionConfig", "PerceptionNetwork", "perception_classes"]

KIND = "perception"
LEVELS = 4  # resolutions of the U-Net: the frame's sides must be multiples of 2 ** (LEVELS - 1)
DEFAULT_THRESHOLD = 0.8  # the confidence from which a label is sure, for a network not calibrated
HORIZON_SCALE = 60.0  # degrees: the horizon plane's value is horizon / HORIZON_SCALE


@dataclass
class PerceptionConfig:
    classes: list[str] = field(default_factory=lambda: list(perception_classes()))
    frame_shape: tuple[int, int, int] = (64, 64, 3)
    channels: int = 12  # width of the full-resolution level (the deeper ones are 2, 4 and 8 times as wide)
    # per class, the confidence from which its label is taken as sure: calibrated on held-out frames after
    # training (train/perception.py); None takes DEFAULT_THRESHOLD for every class
    thresholds: list[float] | None = None

    def to_dict(self) -> dict:
        data = {"kind": KIND, "classes": list(self.classes), "frame_shape": list(self.frame_shape),
                "channels": self.channels}
        if self.thresholds is not None:
            data["thresholds"] = [float(t) for t in self.thresholds]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> PerceptionConfig:
        if data.get("kind") != KIND:
            raise ValueError(f"not a perception network config (kind {data.get('kind')!r})")
        thresholds = data.get("thresholds")
        if thresholds is not None and len(thresholds) != len(data["classes"]):
            raise ValueError(f"a perception config has one threshold per class: {len(data['classes'])} classes, "
                             f"{len(thresholds)} thresholds")
        return cls(classes=[str(c) for c in data["classes"]],
                   frame_shape=tuple(int(v) for v in data["frame_shape"]), channels=int(data["channels"]),
                   thresholds=None if thresholds is None else [float(t) for t in thresholds])

    def class_thresholds(self) -> np.ndarray:
        """(classes,) float32: the confidence from which each class's label is sure."""
        if self.thresholds is None:
            return np.full(len(self.classes), DEFAULT_THRESHOLD, np.float32)
        return np.asarray(self.thresholds, np.float32)


def _block(inputs: int, outputs: int) -> nn.Sequential:
    """Two 3x3 convolutions, each batch-normalised and rectified."""
    return nn.Sequential(nn.Conv2d(inputs, outputs, 3, padding=1, bias=False), nn.BatchNorm2d(outputs),
                         nn.ReLU(inplace=True),
                         nn.Conv2d(outputs, outputs, 3, padding=1, bias=False), nn.BatchNorm2d(outputs),
                         nn.ReLU(inplace=True))


class PerceptionNetwork(nn.Module):
    def __init__(self, config: PerceptionConfig):
        super().__init__()
        self.config = config
        height, width, colours = config.frame_shape
        step = 2 ** (LEVELS - 1)
        if height % step or width % step or colours != 3:
            raise ValueError(f"the perception network takes RGB frames whose sides are multiples of {step}, got "
                             f"frame_shape {tuple(config.frame_shape)}")
        if config.channels < 1:
            raise ValueError(f"channels must be a positive width, got {config.channels}")
        if list(config.classes[:2]) != [ROOM, FLOOR]:
            raise ValueError(f"classes 0 and 1 must be the room ({ROOM!r}) and the floor ({FLOOR!r}), got classes "
                             f"starting {list(config.classes[:2])}")
        widths = [config.channels * 2 ** level for level in range(LEVELS)]
        # the first level reads the RGB planes and a constant plane of the horizon
        self.encoders = nn.ModuleList(
            _block(4 if level == 0 else widths[level - 1], widths[level]) for level in range(LEVELS))
        # decoder level l: the level below upsampled, joined with encoder level l
        self.decoders = nn.ModuleList(
            _block(widths[level + 1] + widths[level], widths[level]) for level in range(LEVELS - 1))
        self.class_head = nn.Conv2d(widths[0], len(config.classes), 1)
        self.depth_head = nn.Conv2d(widths[0], 1, 1)

    def forward(self, rgb: torch.Tensor, horizon: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """rgb (N, H, W, 3) uint8 and the camera's horizon (N,) in degrees down -> class
        logits (N, C, H, W) and depth (N, H, W) in metres."""
        logits, log_depth = self.outputs(rgb, horizon)
        return logits, log_depth.exp()

    def outputs(self, rgb: torch.Tensor, horizon: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """rgb (N, H, W, 3) uint8 and horizon (N,) degrees -> class logits (N, C, H, W) and
        the log of the depth in metres (N, H, W): what training fits. The horizon goes in
        as a constant plane: one image's depth is ambiguous at an unknown pitch."""
        horizon = torch.as_tensor(horizon, dtype=torch.float32, device=rgb.device).reshape(-1)
        if horizon.shape[0] != rgb.shape[0]:
            raise ValueError(f"one horizon per frame: {rgb.shape[0]} frames, {horizon.shape[0]} horizons")
        x = rgb.permute(0, 3, 1, 2).float() / 255.0
        plane = (horizon / HORIZON_SCALE)[:, None, None, None].expand(-1, 1, *x.shape[2:])
        x = torch.cat([x, plane], dim=1)
        skips = []
        for level, encoder in enumerate(self.encoders):
            x = encoder(x if level == 0 else F.max_pool2d(x, 2))
            skips.append(x)
        for level in reversed(range(LEVELS - 1)):
            up = F.interpolate(x, scale_factor=2, mode="nearest")
            x = self.decoders[level](torch.cat([up, skips[level]], dim=1))
        return self.class_head(x), self.depth_head(x)[:, 0]

    @torch.no_grad()
    def predict(self, rgb: np.ndarray, horizon: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One frame (H, W, 3) uint8 seen at `horizon` degrees down -> labels (H, W) int64
        (indices of config.classes), their softmax confidence (H, W) float32, and depth
        (H, W) float32 in metres."""
        rgb = np.asarray(rgb)
        if rgb.dtype != np.uint8 or rgb.shape != tuple(self.config.frame_shape):
            raise ValueError(f"predict takes one {tuple(self.config.frame_shape)} uint8 frame, got "
                             f"{rgb.shape} {rgb.dtype}")
        device = self.class_head.weight.device
        was_training = self.training
        self.eval()
        logits, depth = self.forward(torch.from_numpy(np.ascontiguousarray(rgb))[None].to(device),
                                     torch.tensor([float(horizon)], device=device))
        self.train(was_training)
        confidence, labels = logits[0].float().softmax(0).max(0)
        return (labels.cpu().numpy().astype(np.int64), confidence.cpu().numpy().astype(np.float32),
                depth[0].float().cpu().numpy().astype(np.float32))
