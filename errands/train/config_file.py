"""Training configs: a dataclass read from a JSON file, with command-line flags on top."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path


def config_from_file(cls, path: str | Path | None, overrides: dict):
    """`cls` (a dataclass with a `validate()` method) from the JSON object in `path` (if
    any), updated by the `overrides` that are not None; unknown keys are named."""
    data = {}
    if path is not None:
        try:
            data = json.loads(Path(path).read_text())
        except (OSError, json.JSONDecodeError) as e:
            raise ValueError(f"cannot read config {path}: {e}") from None
        if not isinstance(data, dict):
            raise ValueError(f"config {path} must hold a JSON object, got {type(data).__name__}")
    data.update({k: v for k, v in overrides.items() if v is not None})
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"unknown config keys {unknown}: expected some of {sorted(known)}")
    config = cls(**data)
    config.validate()
    return config


def flag_overrides(args, cls) -> dict:
    """The command-line flags that name a field of the config dataclass `cls` (argparse
    gives None for a flag not given, which config_from_file leaves alone)."""
    return {f.name: getattr(args, f.name) for f in fields(cls) if hasattr(args, f.name)}
