"""ALFRED's distribution of task types and parameters per room type.

Derived from ALFRED's split file (`splits-oct21.json`, train split: one count per
directive) and packaged as `data/alfred_task_distribution.json`, so that sampling needs
no ALFRED checkout. Regenerate with:

    python -m errands.envs.tasks.distribution PATH/TO/splits-oct21.json
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path

from ...files import write_json_atomic
from ..household.procedural import room_type_of_scene_id

PACKAGED = Path(__file__).parent / "data" / "alfred_task_distribution.json"


def derive_distribution(splits_path: str | Path, split: str = "train") -> dict[str, list[list]]:
    """{room type: [[task_type, object, movable, parent, directives], ...]}, most common first."""
    data = json.loads(Path(splits_path).read_text())
    if split not in data:
        raise ValueError(f"{splits_path}: no split {split!r} (it has {', '.join(data)})")
    counts: dict[str, Counter] = {}
    for entry in data[split]:
        name = entry["task"].split("/")[0]
        task_type, obj, movable, parent, floorplan = name.split("-")
        room = room_type_of_scene_id(int(floorplan))
        counts.setdefault(room, Counter())[(task_type, obj, movable, parent)] += 1
    return {room: [list(k) + [n] for k, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))]
            for room, c in sorted(counts.items())}


@lru_cache(maxsize=1)
def load_distribution() -> dict[str, list[list]]:
    return json.loads(PACKAGED.read_text())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m errands.envs.tasks.distribution PATH/TO/splits-oct21.json")
    write_json_atomic(PACKAGED, derive_distribution(sys.argv[1]))
    print(f"wrote {PACKAGED}")
