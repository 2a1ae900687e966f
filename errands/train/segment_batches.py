"""Batches of whole skill segments (the memory runs over a segment from its first step)
and the imitation loss on them: cross-entropy on the action (SkillDone included) and,
for interactions, on the target. Behaviour cloning, DAgger and PPO's imitation anchor
all train on these."""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from ..policies.features import Vocabulary, household_vocabulary
from .dataset import Demonstrations

INTERACTION_FREE = 0  # target label of actions without a target
WALK_SKILL = "GotoLocation"  # whose steps' target masks show the destination (train/recording.py target_mask)


class SegmentBatches:
    """Whole skill segments, padded to the longest in the batch. With `frames`, a batch
    holds what the visuomotor network reads and learns (the camera images, the previous
    action's code, the target's pixels) instead of the grid and the extras."""

    def __init__(self, data: Demonstrations, vocabulary: Vocabulary, segments: np.ndarray, frames: bool = False):
        if frames and data.rgb is None:
            raise ValueError("the visuomotor network learns from camera images: collect the data with "
                             "--camera RES --frames")
        self.data, self.segments, self.frames = data, segments, frames
        self.text = [vocabulary.encode(t) for t in data.texts]
        self.previous_column = data.spec.extras_names.index("previous_action") if frames else None
        self.walks = np.array([t.startswith(WALK_SKILL + "(") for t in data.texts], dtype=bool)

    def batches(self, batch_size: int, rng: np.random.Generator | None, rank: int = 0, world: int = 1):
        order = self.segments if rng is None else rng.permutation(self.segments)
        order = order[rank::world]
        per_rank = math.ceil(len(self.segments) / world)
        for i in range(0, per_rank, batch_size):  # every rank takes the same number of steps
            chunk = order[i:i + batch_size]
            if len(chunk) == 0:
                chunk = order[:1]
            yield self.batch(chunk)

    def batch(self, segments: np.ndarray) -> dict[str, torch.Tensor]:
        d = self.data
        lengths = d.lengths[segments]
        b, t = len(segments), int(lengths.max())
        index = np.zeros((b, t), dtype=np.int64)
        mask = np.arange(t)[None, :] < lengths[:, None]
        for row, s in enumerate(segments):
            index[row, :lengths[row]] = np.arange(d.starts[s], d.starts[s] + lengths[row])
        words = np.zeros((b, max(len(self.text[s]) for s in segments)), dtype=np.int64)
        for row, s in enumerate(segments):
            words[row, :len(self.text[s])] = self.text[s]
        labels = {"action": torch.from_numpy(d.action[index]), "target": torch.from_numpy(d.target[index]),
                  "mask": torch.from_numpy(mask), "text": torch.from_numpy(words)}
        if self.frames:
            height, width = d.frames[:2]
            pixels = np.unpackbits(d.target_mask[index], axis=-1, count=height * width).astype(bool)
            return {**labels, "rgb": torch.from_numpy(d.rgb[index]),
                    "previous": torch.from_numpy(d.extras[index][..., self.previous_column]),
                    "pixels": torch.from_numpy(pixels), "walks": torch.from_numpy(self.walks[segments])}
        return {**labels, "grid": torch.from_numpy(d.grid[index]), "extras": torch.from_numpy(d.extras[index])}


def batch_loss(model, batch: dict, device: str, amp: bool, view_weight: float = 0.0) -> tuple[torch.Tensor, dict]:
    batch = {k: v.to(device, non_blocking=True) for k, v in batch.items()}
    if "rgb" in batch:
        return _pixel_batch_loss(model, batch, device, amp, view_weight)
    mask = batch["mask"]
    with torch.autocast("cuda", dtype=torch.bfloat16, enabled=amp and device.startswith("cuda")):
        action_logits, target_logits, _ = model(batch["grid"], batch["extras"], batch["text"], mask=mask)
    action_logits, target_logits = action_logits[mask].float(), target_logits[mask].float()
    action, target = batch["action"][mask], batch["target"][mask]
    loss = nn.functional.cross_entropy(action_logits, action)
    aimed = target != INTERACTION_FREE
    if aimed.any():
        loss = loss + nn.functional.cross_entropy(target_logits[aimed], target[aimed])
    correct = (action_logits.argmax(1) == action) & (~aimed | (target_logits.argmax(1) == target))
    return loss, {"steps": int(mask.sum()), "correct": int(correct.sum())}


def _pixel_batch_loss(model, batch: dict, device: str, amp: bool, view_weight: float) -> tuple[torch.Tensor, dict]:
    """The visuomotor network's loss: cross-entropy on the action, and for interactions
    whose target the frame shows, the negative log of the heatmap's probability mass on
    the target's pixels (any pixel of the object names it). With `view_weight` > 0, on
    GotoLocation's steps (privileged labels the policy never reads), `view_weight` times
    the view logit's binary cross-entropy on whether the frame shows the destination,
    and the same loss of the destination map on the cells that show it, where it does."""
    mask = batch["mask"]
    view = view_weight > 0
    interaction = batch["target"] != INTERACTION_FREE
    scored = interaction & batch["pixels"].any(-1)  # the steps whose pixels the heatmap is scored on
    with torch.autocast("cuda", dtype=torch.bfloat16, enabled=amp and device.startswith("cuda")):
        outputs = model(batch["rgb"], batch["previous"], batch["text"], mask=mask, view=view, aimed=scored)
    action_logits, pixel_logits = outputs[0], outputs[1]
    action_logits, action = action_logits[mask].float(), batch["action"][mask]
    loss = nn.functional.cross_entropy(action_logits, action)
    pixels = batch["pixels"][mask]
    interaction = interaction[mask]
    if view:
        walks = (batch["walks"][:, None].expand_as(mask)[mask]) & ~interaction
        if walks.any():
            shown = pixels[walks].any(1)
            loss = loss + view_weight * nn.functional.binary_cross_entropy_with_logits(
                outputs[3][mask][walks].float(), shown.float())
            if shown.any():  # the map's mass on the cells that show the destination
                logits = outputs[4][mask][walks][shown].float()
                cells = _coarse_cells(pixels[walks][shown], batch["rgb"].shape[2:4], logits.shape[1])
                on_target = logits.masked_fill(~cells, float("-inf"))
                loss = loss + view_weight * (torch.logsumexp(logits, 1) - torch.logsumexp(on_target, 1)).mean()
    aimed = interaction & pixels.any(1)
    hit = torch.ones_like(action, dtype=torch.bool)
    if aimed.any():
        logits = pixel_logits[mask][aimed].float()
        on_target = logits.masked_fill(~pixels[aimed], float("-inf"))
        loss = loss + (torch.logsumexp(logits, 1) - torch.logsumexp(on_target, 1)).mean()
        hit[aimed] = pixels[aimed].gather(1, logits.argmax(1, keepdim=True))[:, 0]
    correct = (action_logits.argmax(1) == action) & hit
    return loss, {"steps": int(mask.sum()), "correct": int(correct.sum())}


def _coarse_cells(pixels: torch.Tensor, frame: tuple[int, int], cells: int) -> torch.Tensor:
    """(N, H*W) bool pixels -> (N, cells) bool: the cells of the coarse map (a square grid
    of `cells`) that hold any of them."""
    height, width = int(frame[0]), int(frame[1])
    side = int(round(cells ** 0.5))
    grid = pixels.view(-1, 1, height, width).float()
    return nn.functional.adaptive_max_pool2d(grid, (side, cells // side)).flatten(1) > 0


def vocabulary_for(data: Demonstrations) -> Vocabulary:
    """The household's words are known in advance (skills and object types), so unseen
    scenes bring no unknown words; other backends take their words from the data."""
    return household_vocabulary() if data.spec.backend == "household" else data.vocabulary()


def split_segments(data: Demonstrations, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.random.default_rng(seed).permutation(len(data.starts))
    n_val = int(round(len(order) * fraction))
    return np.sort(order[n_val:]), np.sort(order[:n_val])
