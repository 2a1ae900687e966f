"""The language-conditioned skill network, one for every skill (and every backend).

text (word ids) -> embedding -> GRU -> text vector
grid (H, W, C categorical) -> per-channel embeddings -> conv, modulated by the text (FiLM,
as BabyAI's models do) -> grid vector
extras (K categorical) -> embeddings -> extras vector
[grid, extras, text] -> linear -> GRU over time (memory) -> action logits, target logits

A checkpoint is a folder with `model.safetensors` (the weights) and `config.json` (the
network's settings, the observation spec it was trained for, its word vocabulary, and how
it was trained). No pickle: both files are safe to load from anywhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from ..files import atomic_target, write_json_atomic
from .features import ObservationSpec
from .word_encoder import encode_words

CHECKPOINT_FORMAT = 1
NETWORK_KINDS = ("symbolic", "visuomotor", "perception")
WEIGHTS_FILE, CONFIG_FILE = "model.safetensors", "config.json"


class CheckpointError(ValueError):
    """A checkpoint that is missing, corrupt, or made for something else."""


@dataclass
class NetworkConfig:
    spec: ObservationSpec
    vocabulary: list[str]
    embed: int = 16
    hidden: int = 128
    text_hidden: int = 64

    def to_dict(self) -> dict:
        return {"spec": self.spec.to_dict(), "vocabulary": self.vocabulary, "embed": self.embed,
                "hidden": self.hidden, "text_hidden": self.text_hidden}

    @classmethod
    def from_dict(cls, data: dict) -> NetworkConfig:
        return cls(spec=ObservationSpec.from_dict(data["spec"]), vocabulary=list(data["vocabulary"]),
                   embed=int(data["embed"]), hidden=int(data["hidden"]), text_hidden=int(data["text_hidden"]))


def _offsets(vocab: tuple[int, ...]) -> torch.Tensor:
    return torch.tensor([0, *torch.tensor(vocab).cumsum(0).tolist()[:-1]], dtype=torch.long)


class SkillPolicyNetwork(nn.Module):
    def __init__(self, config: NetworkConfig):
        super().__init__()
        self.config = config
        spec, e, h = config.spec, config.embed, config.hidden
        height, width, channels = spec.grid_shape
        self.register_buffer("grid_offsets", _offsets(spec.grid_vocab), persistent=False)
        self.register_buffer("extras_offsets", _offsets(spec.extras_vocab), persistent=False)
        self.grid_embedding = nn.Embedding(sum(spec.grid_vocab), e)
        self.extras_embedding = nn.Embedding(sum(spec.extras_vocab), e)
        self.word_embedding = nn.Embedding(len(config.vocabulary), 32, padding_idx=0)
        self.text_rnn = nn.GRU(32, config.text_hidden, batch_first=True)
        self.conv1 = nn.Conv2d(channels * e, 64, 3, padding=1)
        self.film = nn.Linear(config.text_hidden, 2 * 64)
        self.conv2 = nn.Conv2d(64, 64, 3, stride=2, padding=1)
        conv_out = 64 * ((height + 1) // 2) * ((width + 1) // 2)
        self.fuse = nn.Linear(conv_out + len(spec.extras_vocab) * e + config.text_hidden, h)
        self.core = nn.GRU(h, h, batch_first=True)
        self.action_head = nn.Linear(h, len(spec.action_names))
        self.target_head = nn.Linear(h, len(spec.target_names))

    def initial_state(self, batch: int = 1) -> torch.Tensor:
        return torch.zeros(1, batch, self.config.hidden, device=self.action_head.weight.device)

    def encode_text(self, text: torch.Tensor) -> torch.Tensor:
        """(B, L) word ids, 0-padded -> (B, text_hidden)."""
        return encode_words(self.word_embedding, self.text_rnn, text)

    def forward(self, grid: torch.Tensor, extras: torch.Tensor, text: torch.Tensor,
                state: torch.Tensor | None = None, mask: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """grid (B, T, H, W, C), extras (B, T, K), text (B, L) -> action logits (B, T, A),
        target logits (B, T, N), and the memory after the last step. With `mask` (B, T),
        only the steps it marks are encoded (padding costs nothing but the recurrence)."""
        b, t = grid.shape[:2]
        if mask is None:
            mask = torch.ones(b, t, dtype=torch.bool, device=grid.device)
        words = self.encode_text(text)  # (B, D)
        batch_of_step = torch.arange(b, device=grid.device)[:, None].expand(b, t)[mask]
        steps = self.encode_steps(grid[mask], extras[mask], words[batch_of_step])
        fused = steps.new_zeros(b, t, steps.shape[1])
        fused[mask] = steps
        if state is None:
            state = self.initial_state(b)
        out, state = self.core(fused, state)
        return self.action_head(out), self.target_head(out), state

    def encode_steps(self, grid: torch.Tensor, extras: torch.Tensor, words: torch.Tensor) -> torch.Tensor:
        """(N, H, W, C), (N, K), (N, D) -> (N, hidden): one vector per step."""
        n, height, width, _ = grid.shape
        g = self.grid_embedding(grid.long() + self.grid_offsets)  # (N, H, W, C, e)
        g = torch.relu(self.conv1(g.reshape(n, height, width, -1).permute(0, 3, 1, 2)))
        gamma, beta = self.film(words).chunk(2, dim=1)
        g = torch.relu(g * (1 + gamma[:, :, None, None]) + beta[:, :, None, None])
        g = torch.relu(self.conv2(g)).flatten(1)
        x = self.extras_embedding(extras.long() + self.extras_offsets).reshape(n, -1)
        return torch.relu(self.fuse(torch.cat([g, x, words], dim=1)))


# --- checkpoints ------------------------------------------------------------------------

def save_checkpoint(model: nn.Module, folder: str | Path, training: dict | None = None) -> Path:
    """Write the weights and the config atomically into `folder`."""
    from safetensors.torch import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    weights = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    with atomic_target(folder / WEIGHTS_FILE) as tmp:
        save_file(weights, str(tmp))
    write_json_atomic(folder / CONFIG_FILE, {"format": CHECKPOINT_FORMAT, "network": model.config.to_dict(),
                                             "training": training or {}})
    return folder


def read_checkpoint_config(folder: str | Path) -> dict:
    folder = _checkpoint_folder(folder)
    path = folder / CONFIG_FILE
    if not path.is_file():
        raise CheckpointError(f"{folder} is not a checkpoint: expected {CONFIG_FILE} and {WEIGHTS_FILE} in it")
    try:
        data = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CheckpointError(f"{path} is not valid JSON: {e}") from None
    if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT or "network" not in data:
        raise CheckpointError(f"{path} is not an errands checkpoint config (expected format {CHECKPOINT_FORMAT} "
                              f"and a 'network' entry)")
    return data


def network_kind(config: dict) -> str:
    """"symbolic" (SkillPolicyNetwork, the grid and sensors), "visuomotor" (the camera
    frame: visuomotor_network.py) or "perception" (the frame's object types and depth, no
    policy of its own: perception_network.py) for a checkpoint's config."""
    kind = config["network"].get("kind", "symbolic")
    if kind not in NETWORK_KINDS:
        raise CheckpointError(f"unknown network kind {kind!r} in a checkpoint: expected one of {', '.join(NETWORK_KINDS)}")
    return kind


def load_checkpoint(folder: str | Path, device: str = "cpu", expect_backend: str | None = None,
                    expect_kind: str | None = None) -> tuple[nn.Module, dict]:
    """The network in eval mode and the checkpoint's config; CheckpointError names what
    is wrong with a missing, corrupt or mismatched checkpoint."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    folder = _checkpoint_folder(folder)
    data = read_checkpoint_config(folder)
    kind = network_kind(data)
    if expect_kind is not None and kind != expect_kind:
        raise CheckpointError(f"{folder} holds a {kind} network, not a {expect_kind} one")
    try:
        model = _network_of_kind(kind, data["network"])
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(f"{folder / CONFIG_FILE}: malformed network config ({e})") from None
    if expect_backend is not None:
        spec = getattr(model.config, "spec", None)
        if spec is None:
            raise CheckpointError(f"{folder} holds a {kind} network, which plays no backend (expected one "
                                  f"trained for {expect_backend!r})")
        if spec.backend != expect_backend:
            raise CheckpointError(f"{folder} was trained for the {spec.backend!r} backend, "
                                  f"not {expect_backend!r}")
    weights_path = folder / WEIGHTS_FILE
    if not weights_path.is_file():
        raise CheckpointError(f"{folder}: {WEIGHTS_FILE} is missing")
    try:
        weights = load_file(str(weights_path))
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(f"{weights_path} is not a readable safetensors file: {e}") from None
    expected = model.state_dict()
    missing = sorted(set(expected) - set(weights))
    unexpected = sorted(set(weights) - set(expected))
    if missing or unexpected:
        raise CheckpointError(f"{weights_path} does not match its config: missing {missing[:3]}, "
                              f"unexpected {unexpected[:3]}")
    for key, tensor in weights.items():
        if tensor.shape != expected[key].shape:
            raise CheckpointError(f"{weights_path}: {key} has shape {tuple(tensor.shape)}, the config "
                                  f"expects {tuple(expected[key].shape)}")
    model.load_state_dict(weights)
    return model.to(device).eval(), data


def _network_of_kind(kind: str, config: dict) -> nn.Module:
    """A fresh network of `kind` built from its config dict (a malformed one raises
    KeyError, TypeError or ValueError)."""
    if kind == "visuomotor":
        from .visuomotor_network import VisuomotorConfig, VisuomotorNetwork

        return VisuomotorNetwork(VisuomotorConfig.from_dict(config))
    if kind == "perception":
        from .perception_network import PerceptionConfig, PerceptionNetwork

        return PerceptionNetwork(PerceptionConfig.from_dict(config))
    return SkillPolicyNetwork(NetworkConfig.from_dict(config))


def _checkpoint_folder(path: str | Path) -> Path:
    path = Path(path)
    if path.name in (CONFIG_FILE, WEIGHTS_FILE):
        path = path.parent
    if not path.exists():
        raise CheckpointError(f"no checkpoint at {path}")
    return path

