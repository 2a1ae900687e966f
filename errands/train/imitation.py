"""Imitation learning: behaviour cloning on demonstrations, and DAgger.

One training loop for every backend: batches of whole skill segments (the memory runs
over a segment from its first step), cross-entropy on the action (SkillDone included)
and, for interactions, on the target. Data parallel with torch.distributed when started
by `torchrun` (gloo on CPU, NCCL on GPU): each process takes every WORLD_SIZE-th segment
and DistributedDataParallel averages the gradients; only rank 0 writes. Mixed precision
(bfloat16 autocast) on CUDA with `amp`. A run folder holds the final checkpoint
(`model.safetensors` + `config.json`, what `--policy` takes), `checkpoints/last/` with
the optimizer state to resume from, and TensorBoard logs in `tensorboard/`.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from ..envs.household_env import camera_options
from ..files import write_json_atomic
from ..policies.features import Vocabulary, household_vocabulary
from ..policies.network import NetworkConfig, SkillPolicyNetwork, load_checkpoint, save_checkpoint
from .config_file import config_from_file
from .dataset import Demonstrations, load_demonstrations

INTERACTION_FREE = 0  # target label of actions without a target


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
    hidden: int = 128
    embed: int = 16
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
    workers: int = 1

    @classmethod
    def from_file(cls, path: str | Path | None, **overrides) -> TrainConfig:
        return config_from_file(cls, path, overrides)

    def validate(self) -> None:
        for name in ("epochs", "batch_size", "hidden", "embed"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise ValueError(f"config {name} must be a positive integer, got {getattr(self, name)!r}")
        if not 0 <= self.val_fraction < 1:
            raise ValueError(f"config val_fraction must be in [0, 1), got {self.val_fraction}")
        if self.device not in ("cpu", "cuda") and not self.device.startswith("cuda:"):
            raise ValueError(f"config device must be 'cpu', 'cuda' or 'cuda:N', got {self.device!r}")
        if self.device.startswith("cuda") and not torch.cuda.is_available():
            raise ValueError(f"device {self.device!r} asked for, but torch sees no CUDA GPU")
        if self.dagger_camera is not None:
            try:
                camera_options(self.dagger_camera)
            except ValueError as e:
                raise ValueError(f"config dagger_camera: {e}") from None


# --- distributed ---------------------------------------------------------------------------

@dataclass
class Distributed:
    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @property
    def main(self) -> bool:
        return self.rank == 0


def setup_distributed(config: TrainConfig) -> Distributed:
    """Join the process group torchrun describes in the environment, if any."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world == 1:
        return Distributed()
    import torch.distributed as dist

    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if config.device.startswith("cuda"):
        config.device = f"cuda:{local_rank}"
        torch.cuda.set_device(local_rank)
    if not dist.is_initialized():
        dist.init_process_group("nccl" if config.device.startswith("cuda") else "gloo")
    return Distributed(dist.get_rank(), dist.get_world_size(), local_rank)


# --- batches ------------------------------------------------------------------------------

class SegmentBatches:
    """Whole skill segments, padded to the longest in the batch."""

    def __init__(self, data: Demonstrations, vocabulary: Vocabulary, segments: np.ndarray):
        self.data, self.segments = data, segments
        self.text = [vocabulary.encode(t) for t in data.texts]

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
        return {"grid": torch.from_numpy(d.grid[index]), "extras": torch.from_numpy(d.extras[index]),
                "action": torch.from_numpy(d.action[index]), "target": torch.from_numpy(d.target[index]),
                "mask": torch.from_numpy(mask), "text": torch.from_numpy(words)}


def batch_loss(model, batch: dict, device: str, amp: bool) -> tuple[torch.Tensor, dict]:
    batch = {k: v.to(device, non_blocking=True) for k, v in batch.items()}
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


# --- the loop -----------------------------------------------------------------------------

def vocabulary_for(data: Demonstrations) -> Vocabulary:
    """The household's words are known in advance (skills and object types), so unseen
    scenes bring no unknown words; other backends take their words from the data."""
    return household_vocabulary() if data.spec.backend == "household" else data.vocabulary()


def split_segments(data: Demonstrations, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.random.default_rng(seed).permutation(len(data.starts))
    n_val = int(round(len(order) * fraction))
    return np.sort(order[n_val:]), np.sort(order[:n_val])


def train(config: TrainConfig, initial: str | Path | None = None, progress: bool = True,
          stage: str = "bc") -> Path:
    """Train on config.datasets into config.out (resuming from its last checkpoint);
    start from `initial`'s weights when given. Returns the run folder."""
    dist_info = setup_distributed(config)
    torch.manual_seed(config.seed)
    out = Path(config.out)
    data = load_demonstrations(config.datasets)
    vocabulary = vocabulary_for(data)
    train_segments, val_segments = split_segments(data, config.val_fraction, config.seed)
    model, optimizer, state = _model_and_state(config, data, vocabulary, out, initial)
    model.to(config.device)
    net = model
    if dist_info.world > 1:
        net = nn.parallel.DistributedDataParallel(model)
    batches = SegmentBatches(data, vocabulary, train_segments)
    val_batches = SegmentBatches(data, vocabulary, val_segments)
    writer = _tensorboard(out) if dist_info.main else None
    history = state.setdefault("history", [])
    labels = int(data.rows)
    for epoch in range(state["epoch"], config.epochs):
        model.train()
        rng = np.random.default_rng([config.seed, epoch])
        started, seen, correct, total_loss, n_batches = time.perf_counter(), 0, 0, 0.0, 0
        per_rank = math.ceil(len(train_segments) / dist_info.world)
        bar = tqdm(total=math.ceil(per_rank / config.batch_size), desc=f"{stage} epoch {epoch + 1}/{config.epochs}",
                   unit="batch", disable=not (progress and dist_info.main), leave=False)
        for batch in batches.batches(config.batch_size, rng, dist_info.rank, dist_info.world):
            loss, stats = batch_loss(net, batch, config.device, config.amp)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
            optimizer.step()
            seen, correct = seen + stats["steps"], correct + stats["correct"]
            total_loss, n_batches = total_loss + loss.detach().item(), n_batches + 1
            state["step"] += 1
            bar.update(1)
        bar.close()
        elapsed = time.perf_counter() - started
        record = {"epoch": epoch + 1, "loss": round(total_loss / max(n_batches, 1), 4),
                  "train_accuracy": round(correct / max(seen, 1), 4),
                  "val_accuracy": evaluate_accuracy(model, val_batches, config) if len(val_segments) else None,
                  "samples_per_s": round(seen * dist_info.world / elapsed, 1), "seconds": round(elapsed, 2),
                  "labels": labels}
        history.append(record)
        state["epoch"] = epoch + 1
        state["seconds"] = round(state.get("seconds", 0.0) + elapsed, 2)
        if dist_info.main:
            for key in ("loss", "train_accuracy", "val_accuracy", "samples_per_s"):
                if record[key] is not None:
                    writer.add_scalar(f"{stage}/{key}", record[key], state["step"])
            writer.flush()
            tqdm.write(f"{stage} epoch {epoch + 1}: loss {record['loss']}  train acc {record['train_accuracy']}"
                           f"  val acc {record['val_accuracy']}  {record['samples_per_s']} samples/s")
            _save_last(model, optimizer, state, config, out)
    if dist_info.main:
        save_checkpoint(model, out, training={"config": asdict(config), "stage": stage, "labels": labels,
                                              "history": history, "seconds": state.get("seconds", 0.0),
                                              "world_size": dist_info.world})
        writer.close()
    _barrier(dist_info)
    return out


def evaluate_accuracy(model, batches: SegmentBatches, config: TrainConfig) -> float:
    """The share of held-out steps whose action (and target) the model gets right."""
    model.eval()
    seen = correct = 0
    with torch.no_grad():
        for batch in batches.batches(256, None):
            _, stats = batch_loss(model, batch, config.device, config.amp)
            seen, correct = seen + stats["steps"], correct + stats["correct"]
    model.train()
    return round(correct / max(seen, 1), 4)


def _model_and_state(config, data, vocabulary, out: Path, initial):
    last = out / "checkpoints" / "last"
    if (last / "state.json").is_file():
        model, _ = load_checkpoint(last, config.device)
        if model.config.spec != data.spec:
            raise ValueError(f"{last} was trained on other observations than {config.datasets}")
        optimizer = _optimizer(model, config)
        state = json.loads((last / "state.json").read_text())
        _load_optimizer(optimizer, last / "optimizer.safetensors", state.pop("optimizer_groups"))
        return model.train(), optimizer, state
    if initial is not None:
        model, _ = load_checkpoint(initial, config.device)
        if model.config.spec != data.spec:
            raise ValueError(f"{initial} was trained on other observations than {config.datasets}")
    else:
        model = SkillPolicyNetwork(NetworkConfig(data.spec, vocabulary.tokens, embed=config.embed,
                                                 hidden=config.hidden))
    return model.train(), _optimizer(model, config), {"epoch": 0, "step": 0}


def _optimizer(model, config: TrainConfig) -> torch.optim.Optimizer:
    return torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)


def _save_last(model, optimizer, state: dict, config: TrainConfig, out: Path) -> None:
    """The checkpoint to resume from: weights, optimizer state (safetensors), progress."""
    from safetensors.torch import save_file

    from ..files import atomic_target

    last = out / "checkpoints" / "last"
    save_checkpoint(model, last, training={"config": asdict(config)})
    opt = optimizer.state_dict()
    tensors = {f"{index}.{name}": value.detach().cpu().contiguous()
               for index, slots in opt["state"].items() for name, value in slots.items()
               if isinstance(value, torch.Tensor)}
    with atomic_target(last / "optimizer.safetensors") as tmp:
        save_file(tensors, str(tmp))
    write_json_atomic(last / "state.json", {**state, "optimizer_groups": opt["param_groups"]})


def _load_optimizer(optimizer, path: Path, groups: list) -> None:
    from safetensors.torch import load_file

    tensors = load_file(str(path))
    slots: dict[int, dict] = {}
    for key, value in tensors.items():
        index, name = key.split(".", 1)
        slots.setdefault(int(index), {})[name] = value
    optimizer.load_state_dict({"state": slots, "param_groups": groups})


def _tensorboard(out: Path):
    from torch.utils.tensorboard import SummaryWriter

    return SummaryWriter(str(out / "tensorboard"))


def _barrier(dist_info: Distributed) -> None:
    if dist_info.world > 1:
        import torch.distributed as dist

        dist.barrier()


# --- DAgger -------------------------------------------------------------------------------

def train_dagger(config: TrainConfig, initial: str | Path | None = None, progress: bool = True) -> Path:
    """Behaviour cloning on config.datasets (unless `initial` gives a start), then
    `dagger_rounds` rounds: the current policy plays `dagger_episodes` new tasks, the
    expert labels every state it visits, and training goes on over all labels so far
    (in ALFRED's floor plans of the split with `dagger_layouts`; seeing through the
    agent's camera with `dagger_camera`).
    Each round has its folder (round-K/, with round-K/data/), so a rerun resumes."""
    from dataclasses import replace

    from .collect import collect

    dist_info = setup_distributed(config)
    out = Path(config.out)
    current = Path(initial) if initial is not None else None
    if current is None:
        current = train(replace(config, out=str(out / "round-0")), progress=progress, stage="dagger-0")
    datasets = list(config.datasets)
    for r in range(1, config.dagger_rounds + 1):
        data_dir = out / f"round-{r}" / "data"
        if dist_info.main:
            collect(data_dir, config.dagger_episodes, split=config.dagger_split, seed=config.seed + 1000 * r,
                    workers=config.workers, actor=str(current), progress=progress, layouts=config.dagger_layouts,
                    camera=config.dagger_camera)
        _barrier(dist_info)
        datasets.append(str(data_dir))
        current = train(replace(config, datasets=datasets, out=str(out / f"round-{r}"), epochs=config.dagger_epochs),
                        initial=current, progress=progress, stage=f"dagger-{r}")
    if dist_info.main:
        model, data = load_checkpoint(current)
        save_checkpoint(model, out, training={**data["training"], "stage": "dagger", "datasets": datasets})
    _barrier(dist_info)
    return out
