"""`errands export lerobot`: a demonstration dataset as a LeRobot dataset (v3.0 layout).

LeRobot's layout, written with pyarrow and pandas only (the `lerobot` package is needed
to load it, not to write it):

    meta/info.json                           codebase_version "v3.0", fps, features, totals
    meta/tasks.parquet                       the instructions (index) -> task_index
    meta/subtasks.parquet                    the skill calls (index) -> subtask_index
    meta/stats.json                          min, max, mean, std, quantiles, count per feature
    meta/episodes/chunk-000/file-000.parquet one row per episode: length, tasks, where its
                                             rows and video frames are, its statistics
    data/chunk-000/file-NNN.parquet          one row per step (frame)
    videos/observation.images.camera/chunk-000/file-NNN.mp4
                                             the camera images, episodes one after another
                                             (only for data collected with --frames)

A frame is one step of one skill, as collected: `observation.grid` (the egocentric
grid, uint8 H x W x C), `observation.extras` (the categorical extras), `action` as
[action index, target index] (the names are in info.json under "errands"), the skill
as `subtask_index`, and `next.reward` / `next.done` / `next.success` on the last step
(reward 1 when the episode reached its goal, as the household env gives it). Each
episode's instruction is its task. Steps carry no clock, so timestamps are
frame_index / fps.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from ..files import write_json_atomic
from .dataset import DatasetError, RecordedEpisode, read_episodes, recorded_episodes

CODEBASE_VERSION = "v3.0"
CHUNKS_SIZE = 1000  # files per chunk folder, as LeRobot writes them
DATA_FILE_MB = 100  # a data file is closed when its frames pass this size (LeRobot's default)
VIDEO_FILE_MB = 200
DATA_PATH = "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet"
VIDEO_PATH = "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4"
EPISODES_PATH = "meta/episodes/chunk-000/file-000.parquet"
CAMERA_KEY = "observation.images.camera"


def export_lerobot(data: str | Path, out: str | Path, fps: int = 10, overwrite: bool = False,
                   progress: bool = True) -> dict:
    """Write the demonstrations of dataset folder `data` as a LeRobot dataset at `out`;
    return its info.json. The dataset is built in `out`.partial and moved into place at
    the end, so `out` is either complete or absent."""
    from tqdm import tqdm

    out = Path(out)
    if fps < 1:
        raise ValueError(f"fps must be at least 1, got {fps}")
    if out.exists() and not overwrite:
        raise DatasetError(f"{out} exists: choose another folder or pass --overwrite")
    manifest, episodes = read_episodes(data)
    spec, frames = manifest["spec"], manifest.get("frames")
    work = out.with_name(out.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    writer = _Writer(work, spec, frames, fps)
    total = recorded_episodes(manifest)
    try:
        for episode in tqdm(episodes, total=total, unit="episode", desc="export lerobot", disable=not progress):
            writer.add(episode)
        if not writer.episodes:
            raise DatasetError(f"{data} holds no episodes to export")
        info = writer.finish(manifest)
    except BaseException:
        writer.close()
        shutil.rmtree(work, ignore_errors=True)
        raise
    if out.exists():
        shutil.rmtree(out)
    work.rename(out)
    return info


def features(spec: dict, frames: list[int] | None) -> dict:
    """LeRobot's feature descriptions of an exported frame."""
    h, w, c = spec["grid_shape"]
    described = {
        "observation.grid": {"dtype": "uint8", "shape": [h, w, c], "names": ["height", "width", "channel"]},
        "observation.extras": {"dtype": "int64", "shape": [len(spec["extras_names"])],
                               "names": list(spec["extras_names"])},
        "action": {"dtype": "int64", "shape": [2], "names": ["action", "target"]},
        "next.reward": {"dtype": "float32", "shape": [1], "names": None},
        "next.done": {"dtype": "bool", "shape": [1], "names": None},
        "next.success": {"dtype": "bool", "shape": [1], "names": None},
        "subtask_index": {"dtype": "int64", "shape": [1], "names": None},
    }
    if frames:
        described[CAMERA_KEY] = {"dtype": "video", "shape": list(frames), "names": ["height", "width", "channels"]}
    for name in ("timestamp", "frame_index", "episode_index", "index", "task_index"):
        described[name] = {"dtype": "float32" if name == "timestamp" else "int64", "shape": [1], "names": None}
    return described


class _Writer:
    """Accumulates episodes into data files (and video files) of LeRobot's sizes."""

    def __init__(self, root: Path, spec: dict, frames: list[int] | None, fps: int):
        self.root, self.spec, self.frames, self.fps = root, spec, frames, fps
        self.features = features(spec, frames)
        self.tasks: dict[str, int] = {}
        self.subtasks: dict[str, int] = {}
        self.episodes: list[dict] = []
        self.frames_written = 0
        self.pending: list[dict] = []  # columns of the episodes of the open data file
        self.pending_bytes = 0
        self.data_file = 0
        self.video = _VideoFiles(root, fps) if frames else None
        self.stats: list[dict] = []  # per episode

    def add(self, episode: RecordedEpisode) -> None:
        n = len(episode)
        task_index = self.tasks.setdefault(episode.instruction, len(self.tasks))
        subtask = np.array([self.subtasks.setdefault(s, len(self.subtasks)) for s in episode.skills], dtype=np.int64)
        last = np.zeros(n, dtype=bool)
        last[-1] = True
        reward = np.where(last & episode.success, 1.0, 0.0).astype(np.float32)
        index = len(self.episodes)
        columns = {
            "observation.grid": episode.grid, "observation.extras": episode.extras,
            "action": np.stack([episode.action, episode.target], axis=1), "next.reward": reward,
            "next.done": last, "next.success": last & episode.success, "subtask_index": subtask,
            "timestamp": (np.arange(n) / self.fps).astype(np.float32), "frame_index": np.arange(n, dtype=np.int64),
            "episode_index": np.full(n, index, dtype=np.int64),
            "index": np.arange(self.frames_written, self.frames_written + n, dtype=np.int64),
            "task_index": np.full(n, task_index, dtype=np.int64),
        }
        if self.pending_bytes > DATA_FILE_MB * 2**20:
            self._flush()
        record = {"episode_index": index, "tasks": [episode.instruction], "length": n,
                  "data/chunk_index": self.data_file // CHUNKS_SIZE, "data/file_index": self.data_file % CHUNKS_SIZE,
                  "dataset_from_index": self.frames_written, "dataset_to_index": self.frames_written + n,
                  "meta/episodes/chunk_index": 0, "meta/episodes/file_index": 0,
                  "task_id": episode.task_id, "task_type": episode.task_type, "success": episode.success,
                  "errands_episode": episode.episode}
        if self.video is not None:
            record.update(self.video.add(episode.rgb))
        stats = episode_stats(columns, episode.rgb if self.video is not None else None)
        record.update({f"stats/{key}/{name}": value.tolist() for key, named in stats.items()
                       for name, value in named.items()})
        self.stats.append(stats)
        self.pending.append(columns)
        self.pending_bytes += sum(v.nbytes for v in columns.values())
        self.episodes.append(record)
        self.frames_written += n

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self.pending:
            return
        columns = {k: np.concatenate([p[k] for p in self.pending]) for k in self.pending[0]}
        arrays = {}
        for key, values in columns.items():
            if values.ndim == 1:
                arrays[key] = pa.array(values)
            else:  # fixed-shape features: nested fixed-size lists, as `datasets` writes ArrayND/Sequence
                arrays[key] = _nested(values)
        path = self.root / DATA_PATH.format(chunk_index=self.data_file // CHUNKS_SIZE,
                                            file_index=self.data_file % CHUNKS_SIZE)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table(arrays, metadata={"huggingface": json.dumps({"info": {"features": _hf_features(
            self.features)}})}), path)
        self.pending, self.pending_bytes = [], 0
        self.data_file += 1

    def close(self) -> None:
        if self.video is not None:
            self.video.close()

    def finish(self, manifest: dict) -> dict:
        import pandas as pd

        self._flush()
        if self.video is not None:
            self.video.close()
            self.features[CAMERA_KEY]["info"] = self.video.info()
        meta = self.root / "meta"
        meta.mkdir(parents=True, exist_ok=True)
        pd.DataFrame({"task_index": list(self.tasks.values())}, index=list(self.tasks)).to_parquet(
            meta / "tasks.parquet")
        pd.DataFrame({"subtask_index": list(self.subtasks.values())}, index=list(self.subtasks)).to_parquet(
            meta / "subtasks.parquet")
        episodes_path = self.root / EPISODES_PATH
        episodes_path.parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(self.episodes).to_parquet(episodes_path)
        write_json_atomic(meta / "stats.json", aggregate_stats(self.stats))
        info = {
            "codebase_version": CODEBASE_VERSION, "robot_type": f"errands-{self.spec['backend']}",
            "total_episodes": len(self.episodes), "total_frames": self.frames_written, "total_tasks": len(self.tasks),
            "chunks_size": CHUNKS_SIZE, "data_files_size_in_mb": DATA_FILE_MB, "video_files_size_in_mb": VIDEO_FILE_MB,
            "fps": self.fps, "splits": {"train": f"0:{len(self.episodes)}"}, "data_path": DATA_PATH,
            "video_path": VIDEO_PATH if self.video is not None else None, "features": self.features,
            "errands": {"action_names": list(self.spec["action_names"]), "target_names": list(self.spec["target_names"]),
                        "done_action": self.spec["done_action"], "source": manifest["source"]},
        }
        write_json_atomic(meta / "info.json", info)
        return info


def _nested(values: np.ndarray):
    """A (N, *shape) array as Arrow fixed-size lists nested once per dimension."""
    import pyarrow as pa

    flat = pa.array(values.reshape(-1))
    for size in reversed(values.shape[1:]):
        flat = pa.FixedSizeListArray.from_arrays(flat, size)
    return flat


def _hf_features(described: dict) -> dict:
    """The Hugging Face `datasets` feature types of the data files' columns."""
    types = {}
    for key, ft in described.items():
        shape, dtype = ft["shape"], ft["dtype"]
        if dtype == "video":
            continue
        if shape == [1]:
            types[key] = {"dtype": dtype, "_type": "Value"}
        elif len(shape) == 1:
            types[key] = {"feature": {"dtype": dtype, "_type": "Value"}, "length": shape[0], "_type": "Sequence"}
        else:
            types[key] = {"shape": shape, "dtype": dtype, "_type": f"Array{len(shape)}D"}
    return types


QUANTILES = (0.01, 0.10, 0.50, 0.90, 0.99)  # the quantiles LeRobot keeps beside min, max, mean, std


def feature_stats(values: np.ndarray, axis: tuple[int, ...]) -> dict[str, np.ndarray]:
    """One episode's statistics of a feature (frames first), reduced over `axis` and kept
    in the feature's shape (images give per-channel (C, 1, 1)), as LeRobot computes them."""
    values = values.astype(np.float64)
    reduced = {"min": values.min(axis=axis, keepdims=True), "max": values.max(axis=axis, keepdims=True),
               "mean": values.mean(axis=axis, keepdims=True), "std": values.std(axis=axis, keepdims=True)}
    for q in QUANTILES:
        reduced[f"q{round(q * 100):02d}"] = np.quantile(values, q, axis=axis, keepdims=True)
    stats = {name: value[0] for name, value in reduced.items()}
    stats["count"] = np.array([len(values)])
    return stats


def episode_stats(columns: dict, images: np.ndarray | None) -> dict[str, dict[str, np.ndarray]]:
    stats = {key: feature_stats(values if values.ndim > 1 else values[:, None], axis=(0,))
             for key, values in columns.items()}
    if images is not None:  # pixels scaled to [0, 1], per channel, as LeRobot normalises them
        stats[CAMERA_KEY] = feature_stats(images.transpose(0, 3, 1, 2) / 255.0, axis=(0, 2, 3))
    return stats


def aggregate_stats(episodes: list[dict[str, dict[str, np.ndarray]]]) -> dict:
    """The dataset's statistics from its episodes': exact min, max, mean and std (pooled
    variance), quantiles as the frame-weighted mean of the episodes' (LeRobot's rule)."""
    out = {}
    for key in episodes[0]:
        parts = [e[key] for e in episodes]
        counts = np.array([p["count"][0] for p in parts], dtype=np.float64)
        weights = counts.reshape(-1, *([1] * parts[0]["mean"].ndim)) / counts.sum()
        means = np.stack([p["mean"] for p in parts])
        mean = (means * weights).sum(axis=0)
        variance = ((np.stack([p["std"] for p in parts]) ** 2 + (means - mean) ** 2) * weights).sum(axis=0)
        result = {"min": np.min([p["min"] for p in parts], axis=0), "max": np.max([p["max"] for p in parts], axis=0),
                  "mean": mean, "std": np.sqrt(variance), "count": np.array([int(counts.sum())])}
        for name in parts[0]:
            if name.startswith("q"):
                result[name] = (np.stack([p[name] for p in parts]) * weights).sum(axis=0)
        out[key] = {name: value.tolist() for name, value in result.items()}
    return out


class _VideoFiles:
    """The camera images as MP4 files, episodes one after another; a file is closed when
    it passes LeRobot's video file size."""

    def __init__(self, root: Path, fps: int):
        self.root, self.fps = root, fps
        self.file, self.writer, self.frames_in_file, self.path = -1, None, 0, None

    def add(self, images: np.ndarray) -> dict:
        if self.writer is None or self.path.stat().st_size > VIDEO_FILE_MB * 2**20:
            self._open(images.shape[1:3])
        start = self.frames_in_file
        for image in images:
            self.writer.write(image[:, :, ::-1])  # OpenCV writes BGR
        self.frames_in_file += len(images)
        return {f"videos/{CAMERA_KEY}/chunk_index": self.file // CHUNKS_SIZE,
                f"videos/{CAMERA_KEY}/file_index": self.file % CHUNKS_SIZE,
                f"videos/{CAMERA_KEY}/from_timestamp": start / self.fps,
                f"videos/{CAMERA_KEY}/to_timestamp": self.frames_in_file / self.fps}

    def _open(self, size: tuple[int, int]) -> None:
        import cv2

        self.close()
        self.file += 1
        self.path = self.root / VIDEO_PATH.format(video_key=CAMERA_KEY, chunk_index=self.file // CHUNKS_SIZE,
                                                  file_index=self.file % CHUNKS_SIZE)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        h, w = size
        self.writer = cv2.VideoWriter(str(self.path), cv2.VideoWriter_fourcc(*"mp4v"), self.fps, (w, h))
        if not self.writer.isOpened():
            raise RuntimeError(f"OpenCV could not open an MP4 writer for {self.path}")
        self.frames_in_file = 0
        self.size = size

    def close(self) -> None:
        if self.writer is not None:
            self.writer.release()
            self.writer = None

    def info(self) -> dict:
        h, w = self.size
        return {"video.height": h, "video.width": w, "video.codec": "mpeg4", "video.pix_fmt": "yuv420p",
                "video.is_depth_map": False, "video.fps": self.fps, "video.channels": 3, "has_audio": False}
