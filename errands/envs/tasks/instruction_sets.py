"""Instruction sets written by hand: JSONL rows of an instruction, its gold ALFRED goal,
the room it was written for and its style labels (errands/eval/instructions/README.md);
a row may also carry the typed constraints its words state ("constraints", a list of
Constraint.to_dict() objects). The suites human_dev, human_dev2 and human_test are built
from the sets without constraints, constraints_human_dev and constraints_human_test from those
with them, and the goal model's combination is fitted on human_dev."""

from __future__ import annotations

import json
from pathlib import Path

from ..household.procedural import ALFRED_RANGES
from .constraints import Constraint, constraint_from_dict
from .goals import TaskGoal


def read_instruction_set(path: str | Path) -> list[dict]:
    """The rows of a hand-written instruction file, each checked; the goal as a TaskGoal
    and, where the row has them, its constraints as a tuple of Constraints."""
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
        if "constraints" in row:
            try:
                row["constraints"] = read_constraint_list(row["constraints"])
            except ValueError as e:
                raise ValueError(f"{path}:{number}: expected 'constraints' to be a list of constraints, each an "
                                 f"object with a 'kind' and its fields (as Constraint.to_dict writes them): "
                                 f"{e}") from None
        rows.append(row)
    return rows


def read_constraint_list(data) -> tuple[Constraint, ...]:
    """A row's constraints; a ValueError says which one is wrong and how."""
    if not isinstance(data, list):
        raise ValueError(f"got {type(data).__name__} {str(data)[:80]!r}, not a list")
    constraints = []
    for index, item in enumerate(data, 1):
        try:
            constraints.append(constraint_from_dict(item))
        except ValueError as e:
            raise ValueError(f"constraint {index}: {e}") from None
    return tuple(constraints)
