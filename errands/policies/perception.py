"""What the semantic-map policy perceives of a frame: per-pixel object types, how sure
it is of each, and depth.

`LearnedPerception` reads the RGB image alone (ALFRED's rule) through the perception
network (policies/perception_network.py), trained on the simulator's labels.
`GroundTruthPerception` reads the camera's depth and segmentation and the ids behind the
segmentation's values (privileged): the same policy with perfect perception, which tells
how much of its failures are perception's. Both label pixels with perception_classes()
(policies/pixel_classes.py: the room, the floor, the object types) and take the camera's
horizon, which the policy knows by dead reckoning: the network reads it (depth from one
image at an unknown pitch is ambiguous), the ground truth tells the floor by it. Each
has `thresholds`, per class the confidence from which its label is sure: the network's
are calibrated on held-out frames, the ground truth's are 0.
"""

from __future__ import annotations

import numpy as np

from .base import camera_frame, packaged_checkpoint
from .pixel_classes import perception_classes, pixel_labels


class GroundTruthPerception:
    name = "ground-truth perception"
    inputs = ("rgb", "depth", "segmentation", "object_ids")

    def __init__(self):
        self.classes = perception_classes()
        self.thresholds = np.zeros(len(self.classes), np.float32)  # every label is sure

    def __call__(self, observation: dict, info: dict, horizon: float):
        """Labels (H, W) int64, confidence (all 1) and depth of the frame seen at `horizon`
        degrees down."""
        for key in ("depth", "segmentation"):
            if key not in observation:
                raise KeyError(f"ground-truth perception reads the camera's {key!r} image: run the env with "
                               f"observations including rgb, depth and segmentation")
        depth = observation["depth"].astype(np.float32)
        labels = pixel_labels(observation["segmentation"].astype(np.int64), info.get("segmentation_ids", ()), depth,
                              horizon)
        return labels, np.ones(labels.shape, np.float32), depth


class LearnedPerception:
    """The perception network on the RGB image alone."""

    inputs = ("rgb",)

    def __init__(self, checkpoint=None, device: str = "cpu"):
        from .network import load_checkpoint

        self.checkpoint = checkpoint or packaged_checkpoint(DEFAULT_CHECKPOINT)
        self.model, _ = load_checkpoint(self.checkpoint, device, expect_kind="perception")
        self.classes = tuple(self.model.config.classes)
        self.frame_shape = tuple(self.model.config.frame_shape)
        self.thresholds = self.model.config.class_thresholds()
        self.name = "learned perception" if checkpoint is None else f"perception {checkpoint}"

    def __call__(self, observation: dict, info: dict, horizon: float):
        """Labels, confidence and depth of the RGB frame seen at `horizon` degrees down."""
        rgb = camera_frame(observation, self.frame_shape, "the perception network")
        return self.model.predict(rgb, horizon)


DEFAULT_CHECKPOINT = "household-perception"  # packaged in errands/policies/data/
