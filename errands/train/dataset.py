"""Demonstration datasets: Parquet shards with a JSON manifest.

Why Parquet: it is the columnar format the data ecosystem reads directly (pandas,
polars, DuckDB, Hugging Face `datasets`, Arrow in any language), it carries its schema,
compresses the repetitive grids well, and needs no project code to open. (Minari stores
HDF5 tied to Gymnasium spaces and a per-user data folder; our rows are per-skill steps
with text, which a flat table says more plainly.)

A dataset folder holds `manifest.json` and `shard-NNNNN.parquet` files. One row is one
step of one skill:

| column  | type                     | meaning                                             |
|---------|--------------------------|-----------------------------------------------------|
| episode | int64                    | episode index in the collection                     |
| task_id | string                   | the task's id                                       |
| task_type | string                 | ALFRED task type                                    |
| segment | int32                    | the skill's run within the episode (0, 1, ...)      |
| skill   | string                   | the skill call as text, e.g. "PutObject(Apple, Fridge)" |
| step    | int16                    | the step within the skill                           |
| grid    | fixed_size_binary(H*W*C) | the egocentric grid, uint8, row-major (H, W, C)     |
| extras  | list<int16>              | the categorical extras (names in the manifest)      |
| action  | int16                    | label: index into the manifest's action_names       |
| target  | int16                    | label: index into target_names (0 = none)           |
| instruction | string               | the episode's instruction (the BabyAI mission)      |
| success | bool                     | whether the episode reached its goal                |
| rgb     | fixed_size_binary(H*W*3) | only with `frames`: the camera image the step saw   |
| target_mask | fixed_size_binary(H*W/8) | only with `frames`: the pixels showing the label's target (packed bits; label of image policies) |

The manifest records the observation spec (shapes, vocabularies, action and target
names), the camera frames' shape when they were recorded (`frames`), how the data was
collected, and per shard its episodes, rows, failed episodes
and SHA-256. Each shard is written atomically and the manifest after it, so an
interrupted collection resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..files import atomic_target, write_json_atomic
from ..policies.features import ObservationSpec, Vocabulary

DATASET_FORMAT = "errands-demonstrations"
DATASET_VERSION = 2  # 2 added instruction, success and the optional rgb frames
READABLE_VERSIONS = (1, 2)
MANIFEST = "manifest.json"
MANIFEST_FIELDS = {"spec": dict, "source": dict, "shards": dict}  # what every reader needs


class DatasetError(ValueError):
    """A dataset that is missing, corrupt, or does not match what reads it."""


def schema(spec: ObservationSpec, frames: tuple[int, int, int] | None = None):
    import pyarrow as pa

    h, w, c = spec.grid_shape
    columns = [("episode", pa.int64()), ("task_id", pa.string()), ("task_type", pa.string()),
               ("segment", pa.int32()), ("skill", pa.string()), ("step", pa.int16()),
               ("grid", pa.binary(h * w * c)), ("extras", pa.list_(pa.int16())),
               ("action", pa.int16()), ("target", pa.int16()), ("instruction", pa.string()), ("success", pa.bool_())]
    if frames is not None:
        columns.append(("rgb", pa.binary(int(np.prod(frames)))))
        columns.append(("target_mask", pa.binary(mask_bytes(frames))))
    return pa.schema(columns)


def mask_bytes(frames: tuple[int, int, int]) -> int:
    """Bytes of one packed target mask of frames of this shape."""
    return (int(frames[0]) * int(frames[1]) + 7) // 8


def write_shard(path: Path, rows: list[dict], spec: ObservationSpec,
                frames: tuple[int, int, int] | None = None) -> str:
    """Write rows atomically; return the file's SHA-256."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows, schema=schema(spec, frames))
    with atomic_target(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return sha256(path)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(folder: str | Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise DatasetError(f"{folder} is not a dataset: {MANIFEST} is missing (make one with `errands collect`)")
    try:
        manifest = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise DatasetError(f"{path} is not valid JSON: {e}") from None
    if manifest.get("format") != DATASET_FORMAT or manifest.get("version") not in READABLE_VERSIONS:
        raise DatasetError(f"{path}: expected format {DATASET_FORMAT!r} version "
                           f"{' or '.join(map(str, READABLE_VERSIONS))}, got "
                           f"{manifest.get('format')!r} version {manifest.get('version')!r}")
    for field, kind in MANIFEST_FIELDS.items():
        if not isinstance(manifest.get(field), kind):
            raise DatasetError(f"{path}: field {field!r} is {'missing' if field not in manifest else 'malformed'} "
                               f"(expected a {kind.__name__})")
    return manifest


def write_manifest(folder: Path, manifest: dict) -> None:
    shards = manifest["shards"].values()
    manifest["totals"] = {"episodes": sum(s["episodes"] for s in shards), "rows": sum(s["rows"] for s in shards),
                          "segments": sum(s["segments"] for s in shards),
                          "failed_episodes": sum(len(s["failed"]) for s in shards)}
    write_json_atomic(folder / MANIFEST, manifest)


@dataclass
class Demonstrations:
    """Every row of one or more datasets in arrays, grouped into skill segments."""

    spec: ObservationSpec
    grid: np.ndarray  # (N, H, W, C) uint8
    extras: np.ndarray  # (N, K) int64
    action: np.ndarray  # (N,) int64
    target: np.ndarray  # (N,)
    starts: np.ndarray  # (S,) first row of each segment
    lengths: np.ndarray  # (S,)
    texts: list[str]  # (S,) the skill (or instruction) of each segment
    frames: tuple[int, int, int] | None = None  # the camera images' shape, when the data kept them
    rgb: np.ndarray | None = None  # (N, H, W, 3) uint8
    target_mask: np.ndarray | None = None  # (N, ceil(H*W/8)) uint8: packed bits of the target's pixels

    @property
    def rows(self) -> int:
        return len(self.action)

    def vocabulary(self) -> Vocabulary:
        return Vocabulary.from_texts(sorted(set(self.texts)))


def read_shard(path: Path, shard: dict, verify: bool = True):
    """A shard's table, checked against its manifest entry."""
    import pyarrow.parquet as pq

    if not path.is_file():
        raise DatasetError(f"{path} is listed in the manifest but missing")
    if verify and sha256(path) != shard.get("sha256"):
        raise DatasetError(f"{path} is corrupt: its SHA-256 differs from the manifest's")
    try:
        return pq.read_table(path)
    except Exception as e:  # pyarrow raises several types for damaged files
        raise DatasetError(f"{path} is not a readable Parquet file: {e}") from None


def load_demonstrations(folders: list[str | Path], verify: bool = True) -> Demonstrations:
    """Read and check datasets (same observation spec, intact shards)."""
    spec, frames, tables = None, None, []
    for folder in map(Path, folders):
        manifest = read_manifest(folder)
        this = ObservationSpec.from_dict(manifest["spec"])
        if spec is not None and this != spec:
            raise DatasetError(f"{folder} was collected for {this.backend} observations {this.grid_shape} that "
                               f"differ from {folders[0]}'s ({spec.backend} {spec.grid_shape}): train on one kind")
        these = tuple(manifest["frames"]) if manifest.get("frames") else None
        if tables and these != frames:
            raise DatasetError(f"{folder} kept camera frames {these} where {folders[0]} kept {frames}: train on "
                               f"datasets with the same frames (or none)")
        spec, frames = this, these
        for name, shard in sorted(manifest["shards"].items()):
            tables.append((len(tables), read_shard(folder / name, shard, verify)))
    if spec is None or not tables:
        raise DatasetError(f"no shards in {', '.join(map(str, folders))}")
    return _to_arrays(spec, tables, frames)


def _to_arrays(spec: ObservationSpec, tables, frames: tuple[int, int, int] | None = None) -> Demonstrations:
    h, w, c = spec.grid_shape
    grids, extras, actions, targets, keys, texts, images, masks = [], [], [], [], [], [], [], []
    for index, table in tables:
        if frames is not None:  # the images as one buffer each, not a Python object per row
            if "target_mask" not in table.column_names:
                raise DatasetError("a shard with camera frames lacks the target_mask column: collect it again "
                                   "with this errands")
            images.append(_binary_column(table, "rgb", int(np.prod(frames))).reshape(-1, *frames))
            masks.append(_binary_column(table, "target_mask", mask_bytes(frames)))
            table = table.drop(["rgb", "target_mask"])
        data = table.to_pydict()
        grid = np.frombuffer(b"".join(data["grid"]), dtype=np.uint8).reshape(-1, h, w, c)
        grids.append(grid)
        extras.append(np.asarray(data["extras"], dtype=np.int64).reshape(len(grid), len(spec.extras_vocab)))
        actions.append(np.asarray(data["action"], dtype=np.int64))
        targets.append(np.asarray(data["target"], dtype=np.int64))
        keys.extend(zip([index] * len(grid), data["episode"], data["segment"]))
        texts.extend(data["skill"])
    grid, extra = np.concatenate(grids), np.concatenate(extras)
    action, target = np.concatenate(actions), np.concatenate(targets)
    for name, values, vocab in (("action", action, len(spec.action_names)),
                                ("target", target, len(spec.target_names))):
        if len(values) and (values.min() < 0 or values.max() >= vocab):
            raise DatasetError(f"{name} labels outside 0..{vocab - 1}: the dataset does not match its spec")
    boundaries = [0] + [i for i in range(1, len(keys)) if keys[i] != keys[i - 1]] + [len(keys)]
    starts = np.asarray(boundaries[:-1], dtype=np.int64)
    lengths = np.diff(np.asarray(boundaries, dtype=np.int64))
    return Demonstrations(spec, grid, extra, action, target, starts, lengths, [texts[s] for s in starts], frames,
                          np.concatenate(images) if frames else None, np.concatenate(masks) if frames else None)


def _binary_column(table, name: str, width: int) -> np.ndarray:
    """A fixed-size binary column as a (rows, width) uint8 array, without a Python object per row."""
    column = table.column(name).combine_chunks()
    data = np.frombuffer(column.buffers()[1], dtype=np.uint8)
    start = column.offset * width
    return data[start:start + len(column) * width].reshape(len(column), width).copy()


@dataclass
class RecordedEpisode:
    """One episode of a demonstration dataset, its rows in step order (for exports)."""

    episode: int
    task_id: str
    task_type: str
    instruction: str
    success: bool
    skills: list[str]  # (T,) the skill call each step belongs to
    segment: np.ndarray  # (T,) the skill's run within the episode
    grid: np.ndarray  # (T, H, W, C) uint8
    extras: np.ndarray  # (T, K) int64
    action: np.ndarray  # (T,) int64: index into the spec's action_names
    target: np.ndarray  # (T,) int64: index into target_names
    rgb: np.ndarray | None  # (T, h, w, 3) uint8 camera images, when the data kept them

    def __len__(self) -> int:
        return len(self.action)


def recorded_episodes(manifest: dict) -> int:
    """How many episodes a dataset holds rows of (those collected less those that failed)."""
    return manifest["totals"]["episodes"] - manifest["totals"]["failed_episodes"]


def read_episodes(folder: str | Path, verify: bool = True):
    """(manifest, iterator of RecordedEpisode) of a demonstration dataset, shard by shard.

    Only demonstrations export: rows whose labels are the actions that were taken, with
    the instruction each episode followed (dataset version 2). A DAgger dataset's labels
    are the expert's, not what the learner did, so its steps are no trajectory."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest["version"] < 2:
        raise DatasetError(f"{folder}: dataset version {manifest['version']} has no instructions or outcomes; "
                           f"collect it again with this errands (the same command writes version {DATASET_VERSION})")
    actor = manifest["source"].get("actor", "expert")
    if actor != "expert":
        raise DatasetError(f"{folder} was collected with actor {actor!r} (DAgger data: its labels are the expert's, "
                           f"not the actions taken); only demonstrations (actor 'expert') export as trajectories")
    spec = ObservationSpec.from_dict(manifest["spec"])
    frames = tuple(manifest["frames"]) if manifest.get("frames") else None

    def episodes():
        for name, shard in sorted(manifest["shards"].items()):
            yield from _shard_episodes(folder / name, read_shard(folder / name, shard, verify), spec, frames)

    return manifest, episodes()


def _shard_episodes(path: Path, table, spec: ObservationSpec, frames):
    missing = [c for c in ("instruction", "success") + (("rgb",) if frames else ()) if c not in table.column_names]
    if missing:
        raise DatasetError(f"{path}: column {missing[0]!r} is missing (the manifest says version 2)")
    data = table.to_pydict()
    h, w, c = spec.grid_shape
    episode = np.asarray(data["episode"], dtype=np.int64)
    bounds = [0] + [i for i in range(1, len(episode)) if episode[i] != episode[i - 1]] + [len(episode)]
    for start, end in zip(bounds[:-1], bounds[1:]):
        if start == end:
            continue  # a shard whose episodes all failed
        rows = slice(start, end)
        rgb = None
        if frames:
            rgb = np.frombuffer(b"".join(data["rgb"][rows]), dtype=np.uint8).reshape(-1, *frames)
        yield RecordedEpisode(
            episode=int(episode[start]), task_id=data["task_id"][start], task_type=data["task_type"][start],
            instruction=data["instruction"][start], success=bool(data["success"][start]),
            skills=list(data["skill"][rows]), segment=np.asarray(data["segment"][rows], dtype=np.int64),
            grid=np.frombuffer(b"".join(data["grid"][rows]), dtype=np.uint8).reshape(-1, h, w, c),
            extras=np.asarray(data["extras"][rows], dtype=np.int64).reshape(end - start, len(spec.extras_vocab)),
            action=np.asarray(data["action"][rows], dtype=np.int64),
            target=np.asarray(data["target"][rows], dtype=np.int64), rgb=rgb)
