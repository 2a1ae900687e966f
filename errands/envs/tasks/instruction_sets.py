"""Instruction sets written by hand: JSONL rows of an instruction, its gold ALFRED goal,
the room it was written for and its style labels (errands/eval/instructions/README.md).
The suites human_dev and human_test are built from them, and the goal model's
combination is fitted on human_dev."""

from __future__ import annotations

import json
from pathlib import Path

from ..household.procedural import ALFRED_RANGES
from .goals import TaskGoal


def read_instruction_set(path: str | Path) -> list[dict]:
    """The rows of a hand-written instruction file, each checked; the goal as a TaskGoal."""
    rows = []
    for number, line in enumerate(Path(path).read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            row["goal"] = TaskGoal(**row["goal"])
            if row["room"] not in ALFRED_RANGES:
                raise ValueError(f"room {row['room']!r} is not one of {', '.join(ALFRED_RANGES)}")
            if not isinstance(row["instruction"], str) or not isinstance(row["id"], str):
                raise ValueError("id and instruction must be text")
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
            raise ValueError(f"{path}:{number}: expected id, instruction, a valid goal and a room: {e}") from None
        rows.append(row)
    return rows
