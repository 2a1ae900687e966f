"""Train the perception network (policies/perception_network.py): camera frames labelled
with the simulator's privileged segmentation and depth, played by the scripted expert.

Collecting: tasks of a split (the training one, "seen", by default) are played with the
oracle planner and the expert that looks round before it walks (varied views), through
the camera; now and then the recorder interposes a look about (a few LookUp/LookDown or
turns and back again, so every horizon appears and the expert's plan still holds). A kept
step records the RGB frame, the camera's horizon, each pixel's class (segmentation value
-> object id -> type -> index of perception_classes(); for the room 1 where the true
depth puts the pixel's point at the floor, else 0) and its depth (float16). Episode i's
task and draws come from seed [SEED, i], so the frames do not depend on how the work is
split; shards of `shard_size` episodes are written atomically as .npz, and a rerun
collects only the missing ones.

Training: cross-entropy over the classes, each class weighted by its median-frequency
balance raised to `class_balance` (small objects count), plus L1 on the log depth; Adam with a
cosine schedule; horizontal flips. Episodes, not frames, are split into train and
validation. Every epoch reports pixel accuracy, the mean recall over the object classes
present in validation, the floor's recall and precision, and the depth's mean absolute
error in metres and relative to the true depth. Last, each object class gets the
confidence from which its labels are sure enough (calibrate_thresholds): on the
validation frames, the lowest from the default up at which 90% of them are right; it
goes into the checkpoint's config, and the semantic-map policy maps a label only from it.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ..files import atomic_target, write_json_atomic

FRAMES_FORMAT = "errands-perception-frames"
FRAMES_VERSION = 2  # 2: the floor class and each frame's horizon
MANIFEST = "manifest.json"
SOURCE_KEYS = ("split", "seed", "resolution", "keep", "look_about", "shard_size")
MAX_CLASS_WEIGHT = 50.0  # what the rarest classes weigh a pixel at most
MIN_DEPTH = 0.05  # metres: the log-depth target's floor (no pixel is nearer the camera)


# --- collecting ------------------------------------------------------------------------

@dataclass
class FramesConfig:
    split: str = "seen"
    seed: int = 0
    resolution: int = 64
    keep: float = 0.8  # the fraction of steps whose frame is recorded (neighbouring steps look alike)
    look_about: float = 0.1  # the chance, at each step, of a look about before the expert's next action
    shard_size: int = 25  # episodes per shard

    def __post_init__(self):
        if self.split not in ("seen", "unseen", "any"):
            raise ValueError(f"split must be seen, unseen or any, got {self.split!r}")
        if not 0 < self.keep <= 1:
            raise ValueError(f"keep is the fraction of steps recorded, in (0, 1], got {self.keep}")
        if not 0 <= self.look_about < 1:
            raise ValueError(f"look_about is a chance per step, in [0, 1), got {self.look_about}")
        if self.shard_size < 1:
            raise ValueError(f"shard_size must be at least 1 episode, got {self.shard_size}")


class FrameRecorder:
    """Acts with `expert` and records the frames of a random `keep` of the steps; with
    chance `look_about` per step it first looks about (one to three LookUp/LookDown to
    another horizon, or one or two turns, then the same back), so that the expert's plan
    holds when it acts again. Needs the world: the labels read the segmentation's ids."""

    needs_world = True

    def __init__(self, expert, keep: float = 1.0, look_about: float = 0.0):
        self.expert, self.keep, self.look_about = expert, keep, look_about
        self.name = f"frames({expert.name})"
        self.frames: list[tuple[np.ndarray, np.ndarray, np.ndarray, int]] = []  # rgb, labels, depth, horizon
        self.rng = np.random.default_rng(0)
        self._pending: list[str] = []
        self._env = None

    def start(self, rng: np.random.Generator) -> None:
        """A new episode's draws (reset is called by the agent, after the env's)."""
        self.rng, self.frames, self._pending = rng, [], []

    def reset(self, env) -> None:
        from ..policies.base import reset_policy

        self._env = env.unwrapped
        reset_policy(self.expert, env)

    def act(self, observation: dict, info: dict, call):
        from ..envs.actions import Action
        from ..policies.base import PolicyStep
        from ..policies.pixel_classes import pixel_labels

        horizon = int(observation["pose"][3])
        if self.rng.random() < self.keep:
            env = self._env
            labels = pixel_labels(observation["segmentation"], env.segmentation_ids, observation["depth"], horizon,
                                  np.uint8)
            self.frames.append((observation["rgb"], labels, observation["depth"].astype(np.float16), horizon))
        if not self._pending and self.rng.random() < self.look_about:
            self._pending = self._look_about(horizon)
        if self._pending:
            return PolicyStep(action=Action(self._pending.pop(0)))
        return self.expert.act(observation, info, call)

    def _look_about(self, horizon: int) -> list[str]:
        from ..envs.household.scene import HORIZONS

        if self.rng.random() < 0.7:  # to another horizon and back
            others = [h for h in HORIZONS if h != horizon and abs(h - horizon) <= 45]
            target = int(self.rng.choice(others))
            there = ["LookDown" if target > horizon else "LookUp"] * (abs(target - horizon) // 15)
            back = ["LookUp" if target > horizon else "LookDown"] * len(there)
        else:
            turn = str(self.rng.choice(["RotateLeft", "RotateRight"]))
            there = [turn] * int(self.rng.integers(1, 3))
            back = ["RotateRight" if turn == "RotateLeft" else "RotateLeft"] * len(there)
        return there + back


def collect_frames(out: str | Path, episodes: int, config: FramesConfig | None = None,
                   progress: bool = True) -> dict:
    """Record the frames of `episodes` episodes into `out` (resuming: shards already there
    with the same settings are kept); return the manifest."""
    config = config or FramesConfig()
    if episodes < 1:
        raise ValueError(f"episodes must be at least 1, got {episodes}")
    out = Path(out)
    source = {key: getattr(config, key) for key in SOURCE_KEYS}
    manifest = _open_frames(out, source)
    jobs = []
    for index, first in enumerate(range(0, episodes, config.shard_size)):
        name = f"shard-{index:05d}.npz"
        count = min(config.shard_size, episodes - first)
        known = manifest["shards"].get(name)
        if not (known and known["episodes"] == count and (out / name).is_file()):
            jobs.append((name, first, count))
    bar = tqdm(total=episodes, initial=episodes - sum(j[2] for j in jobs), unit="episode", desc="frames",
               disable=not progress)
    player = None
    for name, first, count in jobs:
        if player is None:
            player = _frame_player(config)
        manifest["shards"][name] = _collect_shard(out / name, range(first, first + count), player, bar)
        write_json_atomic(out / MANIFEST, manifest)
    bar.close()
    return manifest


def _open_frames(out: Path, source: dict) -> dict:
    from ..policies.perception_network import perception_classes

    path = out / MANIFEST
    if path.is_file():
        manifest = json.loads(path.read_text())
        if manifest.get("format") != FRAMES_FORMAT or manifest.get("version") != FRAMES_VERSION:
            raise ValueError(f"{path} is not a perception frames manifest of version {FRAMES_VERSION}: use another "
                             f"folder")
        if manifest["classes"] != list(perception_classes()):
            raise ValueError(f"{out} was labelled with other classes than this errands' catalogue: use another folder")
        old = manifest["source"]
        if old != source:
            diff = ", ".join(f"{k}: {old.get(k)!r} there, {source[k]!r} now" for k in SOURCE_KEYS
                             if old.get(k) != source[k])
            raise ValueError(f"{out} was collected with other settings ({diff}); use another folder")
        return manifest
    out.mkdir(parents=True, exist_ok=True)
    return {"format": FRAMES_FORMAT, "version": FRAMES_VERSION, "source": source,
            "classes": list(perception_classes()), "shards": {}}


def _frame_player(config: FramesConfig):
    """play(episode) -> frames of that episode (rgb, labels, depth, horizon), played in one env."""
    from ..envs.household_env import HouseholdEnv
    from ..planners import make_planner
    from ..policies import make_policy
    from ..policies.agent import Agent

    env = HouseholdEnv(split=config.split, observations=("rgb", "depth", "segmentation"),
                       resolution=config.resolution)
    recorder = FrameRecorder(make_policy("expert", search=True), keep=config.keep, look_about=config.look_about)
    agent = Agent(make_planner("oracle"), recorder)

    def play(episode: int):
        rng = np.random.default_rng([config.seed, episode])
        task = env.sampler.sample(rng)
        recorder.start(rng)
        agent.run_episode(env, task)
        return recorder.frames

    return play


def _collect_shard(path: Path, episodes: range, play, bar) -> dict:
    rgb, labels, depth, horizon, episode_of, failed = [], [], [], [], [], []
    for episode in episodes:
        try:
            frames = play(episode)
        except Exception as e:  # one bad episode is listed, not fatal
            failed.append({"episode": episode, "error": f"{type(e).__name__}: {e}"})
            frames = []
        for r, l, d, h in frames:
            rgb.append(r)
            labels.append(l)
            depth.append(d)
            horizon.append(h)
            episode_of.append(episode)
        bar.update(1)
    with atomic_target(path, suffix=".npz") as tmp:
        np.savez_compressed(tmp, rgb=np.stack(rgb) if rgb else np.zeros((0, 0, 0, 3), np.uint8),
                            labels=np.stack(labels) if labels else np.zeros((0, 0, 0), np.uint8),
                            depth=np.stack(depth) if depth else np.zeros((0, 0, 0), np.float16),
                            horizon=np.array(horizon, np.int16), episode=np.array(episode_of, np.int32))
    return {"episodes": len(episodes), "first": episodes.start, "frames": len(rgb), "failed": failed}


def load_frames(folder: str | Path, episodes: int | None = None) -> dict[str, np.ndarray]:
    """The frames of a frames folder (of its first `episodes` episodes, when given),
    concatenated: rgb, labels, depth, horizon (degrees down), episode."""
    folder = Path(folder)
    if not (folder / MANIFEST).is_file():
        raise ValueError(f"{folder} holds no perception frames ({MANIFEST} is missing)")
    manifest = json.loads((folder / MANIFEST).read_text())
    parts: dict[str, list] = {"rgb": [], "labels": [], "depth": [], "horizon": [], "episode": []}
    for name in sorted(manifest["shards"]):
        if episodes is not None and manifest["shards"][name]["first"] >= episodes:
            continue
        with np.load(folder / name) as shard:
            if len(shard["episode"]) == 0:  # a shard whose episodes all failed
                continue
            wanted = shard["episode"] < episodes if episodes is not None else slice(None)
            for key in parts:
                parts[key].append(shard[key][wanted])
    if not sum(len(e) for e in parts["episode"]):
        raise ValueError(f"{folder} holds no frames")
    return {key: np.concatenate(values) for key, values in parts.items()}


# --- training --------------------------------------------------------------------------

@dataclass
class PerceptionTrainConfig:
    epochs: int = 6
    batch_size: int = 32
    lr: float = 2e-3
    channels: int = 12
    seed: int = 0
    device: str = "cpu"
    val_fraction: float = 0.1  # of the episodes
    depth_weight: float = 1.0
    class_balance: float = 0.5  # exponent of median-frequency balancing (0: unweighted, 1: SegNet's)

    def __post_init__(self):
        for name in ("epochs", "batch_size", "channels"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr}")
        if not 0 <= self.class_balance <= 1:
            raise ValueError(f"class_balance is an exponent in [0, 1], got {self.class_balance}")
        if not 0 < self.val_fraction < 1:
            raise ValueError(f"val_fraction is a fraction of the episodes, in (0, 1), got {self.val_fraction}")


def class_weights(labels: np.ndarray, classes: int, balance: float = 0.5) -> np.ndarray:
    """Median-frequency balancing raised to `balance`, at most MAX_CLASS_WEIGHT: with 1
    (SegNet's) every class weighs as much in all as the median one, a class ten times
    rarer than the median weighing 10 a pixel; with 0.5 it weighs about 3.2, and with 0
    all weigh 1. Classes absent from `labels` weigh 1 (they add nothing to the loss)."""
    counts = np.bincount(labels.ravel(), minlength=classes).astype(np.float64)
    present = counts > 0
    frequency = counts / counts.sum()
    weights = np.ones(classes)
    weights[present] = np.minimum((np.median(frequency[present]) / frequency[present]) ** balance, MAX_CLASS_WEIGHT)
    return weights.astype(np.float32)


def split_episodes(episodes: np.ndarray, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks (train, validation) over the frames, whole episodes on either side."""
    unique = np.unique(episodes)
    count = max(1, round(len(unique) * val_fraction))
    if count >= len(unique):
        raise ValueError(f"{len(unique)} episodes are too few to hold out {val_fraction:.0%} for validation")
    held = np.random.default_rng([seed, 1]).choice(unique, size=count, replace=False)
    val = np.isin(episodes, held)
    return ~val, val


def evaluate(model, data: dict, indices: np.ndarray, batch_size: int, device: str) -> dict:
    """Pixel accuracy, mean recall over the object classes present, the floor's recall and
    precision, depth MAE (m) and mean relative error (|error| / true depth)."""
    import torch

    from ..policies.pixel_classes import FLOOR_CLASS

    classes = len(model.config.classes)
    hits, totals = np.zeros(classes, np.int64), np.zeros(classes, np.int64)
    floor_said = 0
    error, relative, pixels = 0.0, 0.0, 0
    model.eval()
    with torch.no_grad():
        for start in range(0, len(indices), batch_size):
            batch = indices[start:start + batch_size]
            rgb = torch.from_numpy(data["rgb"][batch]).to(device)
            labels = torch.from_numpy(data["labels"][batch].astype(np.int64)).to(device)
            depth = torch.from_numpy(data["depth"][batch].astype(np.float32)).to(device)
            horizon = torch.from_numpy(data["horizon"][batch].astype(np.float32)).to(device)
            logits, predicted_depth = model(rgb, horizon)
            predicted = logits.argmax(1)
            floor_said += int((predicted == FLOOR_CLASS).sum())
            totals += torch.bincount(labels.flatten(), minlength=classes).cpu().numpy()
            hits += torch.bincount(labels[predicted == labels], minlength=classes).cpu().numpy()
            error += float((predicted_depth - depth).abs().sum())
            relative += float(((predicted_depth - depth).abs() / depth.clamp(min=MIN_DEPTH)).sum())
            pixels += depth.numel()
    objects = np.nonzero(totals[FLOOR_CLASS + 1:])[0] + FLOOR_CLASS + 1
    return {"pixel_accuracy": round(float(hits.sum() / totals.sum()), 4),
            "mean_class_recall": round(float((hits[objects] / totals[objects]).mean()), 4) if len(objects) else None,
            "object_classes": int(len(objects)),
            "room_recall": round(float(hits[0] / totals[0]), 4) if totals[0] else None,
            "floor_recall": round(float(hits[FLOOR_CLASS] / totals[FLOOR_CLASS]), 4) if totals[FLOOR_CLASS] else None,
            "floor_precision": round(float(hits[FLOOR_CLASS] / floor_said), 4) if floor_said else None,
            "depth_mae_m": round(error / pixels, 4), "depth_relative_error": round(relative / pixels, 4)}


# confidences a class's threshold is chosen from: from the network's DEFAULT_THRESHOLD up (choose_thresholds)
THRESHOLD_GRID = (0.8, 0.9, 0.95, 0.98, 0.99)
TARGET_PRECISION = 0.9  # of a class's sure pixels, the share that truly are the class
MIN_SUPPORT = 50  # sure pixels in validation below which a threshold's precision is not trusted
CALIBRATION_RANGE = 4.0  # metres: pixels farther than this are not calibrated on (the map leaves them out)


def calibrate_thresholds(model, data: dict, indices: np.ndarray, batch_size: int, device: str) -> tuple[list, dict]:
    """The network's per-class thresholds, chosen on the held-out frames `indices`
    (choose_thresholds), and their table."""
    said, right, truth = calibration_counts(model, data, indices, batch_size, device)
    return choose_thresholds(model.config.classes, said, right, truth)


def calibration_counts(model, data: dict, indices: np.ndarray, batch_size: int, device: str):
    """Over the pixels of the frames `indices` within CALIBRATION_RANGE: per class and
    threshold of THRESHOLD_GRID, how many the network labels so at that confidence or
    more (`said`) and how many of those truly are (`right`); and per class how many truly
    are (`truth`)."""
    import torch

    classes, grid = len(model.config.classes), np.asarray(THRESHOLD_GRID, np.float32)
    said = np.zeros((classes, len(grid)), np.int64)
    right = np.zeros((classes, len(grid)), np.int64)
    truth = np.zeros(classes, np.int64)
    model.eval()
    with torch.no_grad():
        for start in range(0, len(indices), batch_size):
            batch = indices[start:start + batch_size]
            logits, _ = model(torch.from_numpy(data["rgb"][batch]).to(device),
                              torch.from_numpy(data["horizon"][batch].astype(np.float32)).to(device))
            confidence, predicted = (v.cpu().numpy().ravel() for v in logits.float().softmax(1).max(1))
            labels = data["labels"][batch].astype(np.int64).ravel()
            near = data["depth"][batch].astype(np.float32).ravel() <= CALIBRATION_RANGE
            confidence, predicted, labels = confidence[near], predicted[near], labels[near]
            truth += np.bincount(labels, minlength=classes)
            for j, threshold in enumerate(grid):
                sure = confidence >= threshold
                said[:, j] += np.bincount(predicted[sure], minlength=classes)
                right[:, j] += np.bincount(predicted[sure & (predicted == labels)], minlength=classes)
    return said, right, truth


def choose_thresholds(classes, said: np.ndarray, right: np.ndarray, truth: np.ndarray) -> tuple[list, dict]:
    """Per object class, the lowest threshold of THRESHOLD_GRID at which at least
    TARGET_PRECISION of its labels are right (a precision measured on fewer than
    MIN_SUPPORT labels is not trusted); a class that reaches it nowhere gets its most
    precise threshold (the higher of equals), one seldom labelled the network's
    DEFAULT_THRESHOLD, as do the room and the floor. The grid starts at that default, so
    calibration only raises the bar: the map gathers a label over many frames, so one
    precise per pixel below the default still maps false cells, and a walk ends on one.
    Returns the thresholds and, per calibrated class, its threshold with its precision
    and recall."""
    from ..policies.perception_network import DEFAULT_THRESHOLD
    from ..policies.pixel_classes import FLOOR_CLASS

    thresholds, table = [DEFAULT_THRESHOLD] * len(classes), {}
    for c in range(FLOOR_CLASS + 1, len(classes)):
        trusted = [j for j in range(len(THRESHOLD_GRID)) if said[c, j] >= MIN_SUPPORT]
        if not trusted:
            continue
        reached = [j for j in trusted if right[c, j] >= TARGET_PRECISION * said[c, j]]
        j = reached[0] if reached else max(trusted, key=lambda j: (right[c, j] / said[c, j], j))
        thresholds[c] = THRESHOLD_GRID[j]
        table[classes[c]] = {"threshold": THRESHOLD_GRID[j], "precision": round(float(right[c, j] / said[c, j]), 3),
                             "recall": round(float(right[c, j] / truth[c]), 3) if truth[c] else None}
    return thresholds, table


def check_setup(frames: FramesConfig, config: PerceptionTrainConfig) -> None:
    """Fail, naming the bad value, before any frame is collected: a device torch cannot
    use, or a resolution or width the network cannot be built with."""
    import torch

    from ..policies.perception_network import PerceptionConfig, PerceptionNetwork

    if config.device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {config.device!r} asked for, but torch sees no CUDA device")
    try:
        torch.device(config.device)
    except RuntimeError:
        raise ValueError(f"device must be cpu, cuda or cuda:N, got {config.device!r}") from None
    PerceptionNetwork(PerceptionConfig(frame_shape=(frames.resolution, frames.resolution, 3),
                                       channels=config.channels))


def train_perception(frames: str | Path, out: str | Path, config: PerceptionTrainConfig | None = None,
                     progress: bool = True, episodes: int | None = None) -> tuple[Path, dict]:
    """Train on the frames folder `frames` (its first `episodes` episodes, when given);
    write the checkpoint to `out`; return it and its training record (history per epoch,
    the data, the options)."""
    import torch
    from torch.nn import functional as F

    from ..policies.network import save_checkpoint
    from ..policies.perception_network import PerceptionConfig, PerceptionNetwork, perception_classes

    config = config or PerceptionTrainConfig()
    device = config.device
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} asked for, but torch sees no CUDA device")
    torch.manual_seed(config.seed)
    data = load_frames(frames, episodes)
    manifest = json.loads((Path(frames) / MANIFEST).read_text())
    if manifest["classes"] != list(perception_classes()):
        raise ValueError(f"{frames} was labelled with other classes than this errands' catalogue")
    train_mask, val_mask = split_episodes(data["episode"], config.val_fraction, config.seed)
    train_idx, val_idx = np.nonzero(train_mask)[0], np.nonzero(val_mask)[0]
    classes = perception_classes()
    model = PerceptionNetwork(PerceptionConfig(classes=list(classes), frame_shape=tuple(data["rgb"].shape[1:]),
                                               channels=config.channels)).to(device)
    weights = torch.from_numpy(class_weights(data["labels"][train_idx], len(classes), config.class_balance)).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=config.lr)
    steps_per_epoch = -(-len(train_idx) // config.batch_size)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=config.epochs * steps_per_epoch)
    generator = np.random.default_rng([config.seed, 2])
    history, started, trained = [], time.perf_counter(), 0
    for epoch in range(config.epochs):
        model.train()
        order = generator.permutation(train_idx)
        losses = []
        bar = tqdm(range(0, len(order), config.batch_size), desc=f"epoch {epoch + 1}/{config.epochs}",
                   unit="batch", disable=not progress)
        for start in bar:
            batch = np.sort(order[start:start + config.batch_size])
            rgb = torch.from_numpy(data["rgb"][batch]).to(device)
            labels = torch.from_numpy(data["labels"][batch].astype(np.int64)).to(device)
            depth = torch.from_numpy(data["depth"][batch].astype(np.float32)).to(device)
            flip = torch.from_numpy(generator.random(len(batch)) < 0.5).to(device)
            rgb = torch.where(flip[:, None, None, None], rgb.flip(2), rgb)
            labels = torch.where(flip[:, None, None], labels.flip(2), labels)
            depth = torch.where(flip[:, None, None], depth.flip(2), depth)
            horizon = torch.from_numpy(data["horizon"][batch].astype(np.float32)).to(device)
            logits, log_depth = model.outputs(rgb, horizon)
            class_loss = F.cross_entropy(logits, labels, weight=weights)
            depth_loss = (log_depth - depth.clamp(min=MIN_DEPTH).log()).abs().mean()
            loss = class_loss + config.depth_weight * depth_loss
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            schedule.step()
            trained += len(batch)
            losses.append((class_loss.item(), depth_loss.item()))
            bar.set_postfix(classes=f"{losses[-1][0]:.3f}", depth=f"{losses[-1][1]:.3f}")
        bar.close()
        mean = np.mean(losses, axis=0)
        row = {"epoch": epoch + 1, "class_loss": round(float(mean[0]), 4), "depth_loss": round(float(mean[1]), 4),
               **evaluate(model, data, val_idx, 128, device),
               "seconds": round(time.perf_counter() - started, 1)}
        history.append(row)
        print(f"epoch {row['epoch']}: loss {row['class_loss']} + {row['depth_loss']}; val pixel accuracy "
              f"{row['pixel_accuracy']}, mean class recall {row['mean_class_recall']} "
              f"({row['object_classes']} object classes), floor recall {row['floor_recall']} precision "
              f"{row['floor_precision']}, depth MAE {row['depth_mae_m']} m (relative "
              f"{row['depth_relative_error']})", flush=True)
    seconds = time.perf_counter() - started
    model.config.thresholds, calibration = calibrate_thresholds(model, data, val_idx, 128, device)
    training = {"history": history, "calibration": calibration, "frames": str(frames), "data": manifest["source"],
                "episodes": int(len(np.unique(data["episode"]))), "train_frames": int(len(train_idx)),
                "val_frames": int(len(val_idx)),
                "val_episodes": sorted(int(e) for e in np.unique(data["episode"][val_idx])),
                "options": asdict(config), "seconds": round(seconds, 1),
                "samples_per_s": round(trained / seconds, 1)}
    save_checkpoint(model.cpu().eval(), out, training)
    return Path(out), training
