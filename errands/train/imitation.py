"""Imitation learning: the behaviour-cloning loop on demonstrations (DAgger, dagger.py,
runs it round after round).

One training loop for every backend: batches of whole skill segments (the memory runs
over a segment from its first step), cross-entropy on the action (SkillDone included)
and, for interactions, on the target (segment_batches.py). Data parallel with torch.distributed when started
by `torchrun` (gloo on CPU, NCCL on GPU): each process takes every WORLD_SIZE-th segment
and DistributedDataParallel averages the gradients; only rank 0 writes. Mixed precision
(bfloat16 autocast) on CUDA with `amp`. A run folder holds the final checkpoint
(`model.safetensors` + `config.json`, what `--policy` takes), `checkpoints/last/` with
the optimizer state to resume from, and TensorBoard logs in `tensorboard/`.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from ..files import write_json_atomic
from ..policies.network import NetworkConfig, SkillPolicyNetwork, load_checkpoint, save_checkpoint
from .dataset import load_demonstrations
from .distributed import barrier, setup_distributed
from .imitation_config import TrainConfig
from .segment_batches import SegmentBatches, batch_loss, split_segments, vocabulary_for


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
    frames = config.network == "visuomotor"
    batches = SegmentBatches(data, vocabulary, train_segments, frames)
    val_batches = SegmentBatches(data, vocabulary, val_segments, frames)
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
            loss, stats = batch_loss(net, batch, config.device, config.amp, config.view_weight)
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
        if frames and len(val_segments):  # how much of it the image explains: the same steps with grey frames
            record["val_accuracy_grey_frames"] = evaluate_accuracy(model, val_batches, config, grey_frames=True)
        history.append(record)
        state["epoch"] = epoch + 1
        state["seconds"] = round(state.get("seconds", 0.0) + elapsed, 2)
        if dist_info.main:
            for key in ("loss", "train_accuracy", "val_accuracy", "samples_per_s"):
                if record[key] is not None:
                    writer.add_scalar(f"{stage}/{key}", record[key], state["step"])
            writer.flush()
            grey = record.get("val_accuracy_grey_frames")
            grey = f" (grey frames {grey})" if grey is not None else ""
            tqdm.write(f"{stage} epoch {epoch + 1}: loss {record['loss']}  train acc {record['train_accuracy']}"
                       f"  val acc {record['val_accuracy']}{grey}  {record['samples_per_s']} samples/s")
            _save_last(model, optimizer, state, config, out)
    if dist_info.main:
        save_checkpoint(model, out, training={"config": asdict(config), "stage": stage, "labels": labels,
                                              "history": history, "seconds": state.get("seconds", 0.0),
                                              "world_size": dist_info.world})
        writer.close()
    barrier(dist_info)
    return out


GREY = 128  # the value of every pixel of an ablated frame


def evaluate_accuracy(model, batches: SegmentBatches, config: TrainConfig, grey_frames: bool = False) -> float:
    """The share of held-out steps whose action (and target) the model gets right; with
    `grey_frames`, of the same steps with every camera frame a flat grey (what the
    network gets right without the image)."""
    model.eval()
    seen = correct = 0
    with torch.no_grad():
        for batch in batches.batches(256, None):
            if grey_frames:
                batch = {**batch, "rgb": torch.full_like(batch["rgb"], GREY)}
            _, stats = batch_loss(model, batch, config.device, config.amp)
            seen, correct = seen + stats["steps"], correct + stats["correct"]
    model.train()
    return round(correct / max(seen, 1), 4)


def _model_and_state(config, data, vocabulary, out: Path, initial):
    last = out / "checkpoints" / "last"
    if (last / "state.json").is_file():
        model, _ = load_checkpoint(last, config.device, expect_kind=config.network)
        if model.config.spec != data.spec:
            raise ValueError(f"{last} was trained on other observations than {config.datasets}")
        optimizer = _optimizer(model, config)
        state = json.loads((last / "state.json").read_text())
        _load_optimizer(optimizer, last / "optimizer.safetensors", state.pop("optimizer_groups"))
        return model.train(), optimizer, state
    if initial is not None:
        model, _ = load_checkpoint(initial, config.device, expect_kind=config.network)
        if model.config.spec != data.spec:
            raise ValueError(f"{initial} was trained on other observations than {config.datasets}")
    elif config.network == "visuomotor":
        from ..policies.visuomotor_network import VisuomotorConfig, VisuomotorNetwork

        if data.frames is None:
            raise ValueError(f"the visuomotor network learns from camera images, and {config.datasets} kept none: "
                             f"collect with --camera RES --frames")
        model = VisuomotorNetwork(VisuomotorConfig(data.spec, vocabulary.tokens, frame_shape=data.frames,
                                                   channels=config.channels, hidden=config.hidden,
                                                   previous=config.previous, view=config.view_weight > 0))
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
