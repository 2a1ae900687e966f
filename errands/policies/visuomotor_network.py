"""The visuomotor skill network: the camera's RGB frame and the skill's words in, the next
action and the pixel it acts on out (ALFRED's rule: images and language only).

frame (H, W, 3) uint8 -> at half resolution, a small strided CNN modulated by the skill's
words (FiLM) -> frame vector; the skill's words -> embedding -> GRU -> text vector; the previous action
and whether it succeeded -> embedding;
[frame, text, previous] -> linear -> GRU over the skill's steps (memory) -> action logits
(ALFRED's actions and SkillDone), and a query that scores every pixel of the frame:
coarse CNN features (a quarter of the resolution, with the deeper features upsampled)
and fine ones (one convolution at full resolution) dotted with the query give the
target heatmap, whose most likely pixel an interaction names (pixel_target).

With `view`, the words alone (not the memory) also query the coarse features: a map of
where the frame shows what the skill names (the destination, for GotoLocation), whose
4x4 max-pooled cells join the core's input and whose max and mean give the view logit
(does the frame show it). Trained from privileged labels (the destination's pixels,
train/segment_batches.py), it makes the CNN find the target in the image, and the core
act on where it is rather than replay the demonstrations' moves; the policy reads the
actions alone.

Checkpoints are network.py's (safetensors weights, a JSON config); the config's
`kind` tells this network from the symbolic one.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from ..envs.actions import ACTIONS
from .features import PREVIOUS_CODES, ObservationSpec
from .word_encoder import encode_words

KIND = "visuomotor"
PREVIOUS_INPUTS = ("action", "success")
FINE = 8  # channels of the full-resolution features the target heatmap refines with
DESTINATION_CELLS = 16  # the destination map, max-pooled to 4x4, as the core reads it


@dataclass
class VisuomotorConfig:
    spec: ObservationSpec  # the demonstrations' spec (its action names are the heads')
    vocabulary: list[str]
    frame_shape: tuple[int, int, int] = (64, 64, 3)
    channels: int = 16  # width of the CNN (its deeper layers have twice as many)
    hidden: int = 128
    text_hidden: int = 64
    previous: str = "action"  # what of the previous action it is given: "action" (and its success) or "success"
    view: bool = True  # the auxiliary head: does the frame show the skill's destination

    def to_dict(self) -> dict:
        return {"kind": KIND, "previous": self.previous, "view": self.view, "spec": self.spec.to_dict(),
                "vocabulary": self.vocabulary,
                "frame_shape": list(self.frame_shape), "channels": self.channels, "hidden": self.hidden,
                "text_hidden": self.text_hidden}

    @classmethod
    def from_dict(cls, data: dict) -> VisuomotorConfig:
        if data.get("kind") != KIND:
            raise ValueError(f"not a visuomotor network config (kind {data.get('kind')!r})")
        return cls(spec=ObservationSpec.from_dict(data["spec"]), vocabulary=list(data["vocabulary"]),
                   frame_shape=tuple(int(v) for v in data["frame_shape"]), channels=int(data["channels"]),
                   hidden=int(data["hidden"]), text_hidden=int(data["text_hidden"]),
                   previous=data.get("previous", "action"), view=bool(data.get("view", False)))


class VisuomotorNetwork(nn.Module):
    def __init__(self, config: VisuomotorConfig):
        super().__init__()
        self.config = config
        height, width, _ = config.frame_shape
        if config.previous not in PREVIOUS_INPUTS:
            raise ValueError(f"previous must be one of {', '.join(PREVIOUS_INPUTS)}, got {config.previous!r}")
        if height % 8 or width % 8:
            raise ValueError(f"the visuomotor network takes frames whose sides are multiples of 8, got "
                             f"{height}x{width}")
        c, h = config.channels, config.hidden
        self.word_embedding = nn.Embedding(len(config.vocabulary), 32, padding_idx=0)
        self.text_rnn = nn.GRU(32, config.text_hidden, batch_first=True)
        self.previous_embedding = nn.Embedding(PREVIOUS_CODES, 16)
        # the trunk sees the frame at half resolution: 1/4 and 1/8 of the frame's side
        self.conv1 = nn.Conv2d(3, c, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(c, 2 * c, 3, padding=1)  # the coarse target features
        self.conv3 = nn.Conv2d(2 * c, 2 * c, 3, stride=2, padding=1)
        self.film = nn.Linear(config.text_hidden, 4 * c)
        self.conv4 = nn.Conv2d(2 * c, 2 * c, 3, padding=1)
        self.fine = nn.Conv2d(3, FINE, 3, padding=1)  # full resolution: the target's own pixels
        pooled = 2 * c * 4 * 4
        self.destination_query = nn.Linear(config.text_hidden, 4 * c + 1) if config.view else None
        self.fuse = nn.Linear(pooled + config.text_hidden + 16 + (DESTINATION_CELLS if config.view else 0), h)
        self.core = nn.GRU(h, h, batch_first=True)
        self.action_head = nn.Linear(h, len(config.spec.action_names))
        self.coarse_query = nn.Linear(h, 4 * c + 1)
        self.fine_query = nn.Linear(h, FINE + 1)
        self.view_head = nn.Linear(2, 1) if config.view else None

    def initial_state(self, batch: int = 1) -> torch.Tensor:
        return torch.zeros(1, batch, self.config.hidden, device=self.action_head.weight.device)

    def encode_text(self, text: torch.Tensor) -> torch.Tensor:
        """(B, L) word ids, 0-padded -> (B, text_hidden)."""
        return encode_words(self.word_embedding, self.text_rnn, text)

    def encode_frames(self, rgb: torch.Tensor, words: torch.Tensor):
        """(N, H, W, 3) uint8 and (N, D) -> (frame vectors (N, 2c*16), coarse maps (N, 4c, H/4,
        W/4)); fine_maps gives the full-resolution ones."""
        x = rgb.permute(0, 3, 1, 2).float() / 255.0
        a = F.relu(self.conv1(F.avg_pool2d(x, 2)))
        coarse = F.relu(self.conv2(a))
        gamma, beta = self.film(words).chunk(2, dim=1)
        b = F.relu(self.conv3(coarse) * (1 + gamma[:, :, None, None]) + beta[:, :, None, None])
        b = F.relu(self.conv4(b))
        frame = F.adaptive_avg_pool2d(b, 4).flatten(1)
        coarse = torch.cat([coarse, F.interpolate(b, size=coarse.shape[-2:], mode="nearest")], dim=1)
        return frame, coarse

    def fine_maps(self, rgb: torch.Tensor) -> torch.Tensor:
        """(N, H, W, 3) uint8 -> (N, FINE, H, W): one convolution at full resolution."""
        return F.relu(self.fine(rgb.permute(0, 3, 1, 2).float() / 255.0))

    def forward(self, rgb: torch.Tensor, previous: torch.Tensor, text: torch.Tensor,
                state: torch.Tensor | None = None, mask: torch.Tensor | None = None, view: bool = False,
                aimed: torch.Tensor | None = None):
        """rgb (B, T, H, W, 3) uint8, previous (B, T) action codes, text (B, L) -> action
        logits (B, T, A), pixel logits (B, T, H*W) (row-major), and the memory after the last
        step; with `view`, also the view logits (B, T) and the destination maps (B, T,
        H/4 * W/4). With `mask` (B, T), only the steps it marks are encoded (padding costs
        nothing but the recurrence; its pixel, view and map logits are zero); with `aimed`
        (B, T), pixel logits only of the steps it marks (training scores the pixels of the
        steps with a target in frame alone; the others' are zero)."""
        b, t = rgb.shape[:2]
        if mask is None:
            mask = torch.ones(b, t, dtype=torch.bool, device=rgb.device)
        words = self.encode_text(text)
        batch_of_step = torch.arange(b, device=rgb.device)[:, None].expand(b, t)[mask]
        step_words = words[batch_of_step]
        frame, coarse = self.encode_frames(rgb[mask], step_words)
        previous = previous[mask].long()
        if self.config.previous == "success":  # 0 at the skill's start, 1 the last action succeeded, 2 it failed
            previous = (previous > 0).long() + (previous > len(ACTIONS)).long()
        inputs = [frame, step_words, self.previous_embedding(previous)]
        if self.destination_query is not None:
            dq = self.destination_query(step_words)
            destination = (coarse * dq[:, :-1, None, None]).sum(1) + dq[:, -1:, None]  # (N, H/4, W/4)
            inputs.append(F.adaptive_max_pool2d(destination[:, None], 4).flatten(1))
        elif view:
            raise ValueError("this visuomotor network was made without the view head (config view: false)")
        steps = F.relu(self.fuse(torch.cat(inputs, dim=1)))
        fused = steps.new_zeros(b, t, steps.shape[1])
        fused[mask] = steps
        if state is None:
            state = self.initial_state(b)
        out, state = self.core(fused, state)
        height, width = rgb.shape[2:4]
        scored = mask if aimed is None else aimed & mask
        within = scored[mask]  # of the encoded steps, those whose pixels are scored
        pixels = self.pixel_logits(out[scored], coarse[within], self.fine_maps(rgb[scored]))
        pixel_logits = pixels.new_zeros(b, t, height * width)
        pixel_logits[scored] = pixels
        if not view:
            return self.action_head(out), pixel_logits, state
        flat = destination.flatten(1)
        view_logits = steps.new_zeros(b, t)
        view_logits[mask] = self.view_head(torch.stack([flat.amax(1), flat.mean(1)], 1))[:, 0].to(view_logits.dtype)
        maps = flat.new_zeros(b, t, flat.shape[1])
        maps[mask] = flat
        return self.action_head(out), pixel_logits, state, view_logits, maps

    def pixel_logits(self, core: torch.Tensor, coarse: torch.Tensor, fine: torch.Tensor) -> torch.Tensor:
        """(N, hidden), (N, 4c, h, w), (N, FINE, H, W) -> (N, H*W): the query of each step
        against its frame's features, coarse upsampled to full resolution plus fine."""
        cq, fq = self.coarse_query(core), self.fine_query(core)
        coarse_score = (coarse * cq[:, :-1, None, None]).sum(1) + cq[:, -1:, None]
        fine_score = (fine * fq[:, :-1, None, None]).sum(1) + fq[:, -1:, None]
        up = F.interpolate(coarse_score[:, None], size=fine.shape[-2:], mode="bilinear", align_corners=False)[:, 0]
        return (up + fine_score).flatten(1)
