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

The manifest records the observation spec (shapes, vocabularies, action and target
names), how the data was collected, and per shard its episodes, rows, failed episodes
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
DATASET_VERSION = 1
MANIFEST = "manifest.json"


class DatasetError(ValueError):
    """A dataset that is missing, corrupt, or does not match what reads it."""


def schema(spec: ObservationSpec):
    import pyarrow as pa

    h, w, c = spec.grid_shape
    return pa.schema([("episode", pa.int64()), ("task_id", pa.string()), ("task_type", pa.string()),
                      ("segment", pa.int32()), ("skill", pa.string()), ("step", pa.int16()),
                      ("grid", pa.binary(h * w * c)), ("extras", pa.list_(pa.int16())),
                      ("action", pa.int16()), ("target", pa.int16())])


def write_shard(path: Path, rows: list[dict], spec: ObservationSpec) -> str:
    """Write rows atomically; return the file's SHA-256."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows, schema=schema(spec))
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
    if manifest.get("format") != DATASET_FORMAT or manifest.get("version") != DATASET_VERSION:
        raise DatasetError(f"{path}: expected format {DATASET_FORMAT!r} version {DATASET_VERSION}, got "
                           f"{manifest.get('format')!r} version {manifest.get('version')!r}")
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

    @property
    def rows(self) -> int:
        return len(self.action)

    def vocabulary(self) -> Vocabulary:
        return Vocabulary.from_texts(sorted(set(self.texts)))


def load_demonstrations(folders: list[str | Path], verify: bool = True) -> Demonstrations:
    """Read and check datasets (same observation spec, intact shards)."""
    import pyarrow.parquet as pq

    spec, tables = None, []
    for folder in map(Path, folders):
        manifest = read_manifest(folder)
        this = ObservationSpec.from_dict(manifest["spec"])
        if spec is not None and this != spec:
            raise DatasetError(f"{folder} was collected for {this.backend} observations {this.grid_shape} that "
                               f"differ from {folders[0]}'s ({spec.backend} {spec.grid_shape}): train on one kind")
        spec = this
        for name, shard in sorted(manifest["shards"].items()):
            path = folder / name
            if not path.is_file():
                raise DatasetError(f"{path} is listed in the manifest but missing")
            if verify and sha256(path) != shard["sha256"]:
                raise DatasetError(f"{path} is corrupt: its SHA-256 differs from the manifest's")
            try:
                table = pq.read_table(path)
            except Exception as e:  # pyarrow raises several types for damaged files
                raise DatasetError(f"{path} is not a readable Parquet file: {e}") from None
            tables.append((len(tables), table))
    if spec is None or not tables:
        raise DatasetError(f"no shards in {', '.join(map(str, folders))}")
    return _to_arrays(spec, tables)


def _to_arrays(spec: ObservationSpec, tables) -> Demonstrations:
    h, w, c = spec.grid_shape
    grids, extras, actions, targets, keys, texts = [], [], [], [], [], []
    for index, table in tables:
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
    return Demonstrations(spec, grid, extra, action, target, starts, lengths, [texts[s] for s in starts])
