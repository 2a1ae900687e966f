"""Evaluation suites: pinned lists of episodes (a task, its instruction, a seed and the
expert's reference length L*) that every planner and policy is measured on. This module
is the suite format: the Episode and Suite records, reading a manifest (.json, pinned by
a content hash) or a task file (.jsonl), the hash and the manifest's text, and a
suite's counts. Which suites ship with errands is packaged_suites.py; how they are built
from ALFRED's split file is suite_building.py.

Any task JSONL file (from `errands tasks`, or written by hand) is a suite too; its
episodes without an L* get one from the oracle and expert when they run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..envs.household.procedural import UNSEEN_SCENE_IDS, room_type_of_scene_id
from ..envs.tasks.goals import TASK_TYPES
from .packaged_suites import PACKAGED_SUITES, packaged_suite_path

MANIFEST_FORMAT = "errands-suite"
MANIFEST_VERSION = 1


@dataclass
class Episode:
    """One episode of a suite. `seed` seeds the runner's random generators for it;
    `task["seed"]` places the task's objects (shared by the repeats of one ALFRED trial)."""

    id: str
    seed: int
    task: dict
    expert_length: int | None = None
    source: dict = field(default_factory=dict)  # where it came from, substitutions

    def to_dict(self) -> dict:
        data = {"id": self.id, "seed": self.seed, "task": self.task, "expert_length": self.expert_length}
        if self.source:
            data["source"] = self.source
        return data

    @property
    def task_type(self) -> str:
        goal = self.task.get("goal") if isinstance(self.task, dict) else None
        return goal.get("task_type", "unknown") if isinstance(goal, dict) else "unknown"


@dataclass
class Suite:
    name: str
    episodes: list[Episode]
    hash: str
    scenes: str = "procedural"  # or "alfred_floorplans": the episodes need a layouts folder
    metadata: dict = field(default_factory=dict)
    path: Path | None = None

    def reference(self) -> dict:
        """What a run records about its suite, to say exactly what it ran."""
        return {"name": self.name, "hash": self.hash, "episodes": len(self.episodes), "scenes": self.scenes,
                "path": str(self.path) if self.path else None,
                "errands_version": self.metadata.get("errands_version")}


# --- reading suites ------------------------------------------------------------------

def load_suite(name_or_path: str | Path, layouts_dir: str | None = None) -> Suite:
    """A packaged suite by name (its floor-plan variant when `layouts_dir` is given), a
    manifest file (.json) or a task file (.jsonl)."""
    text = str(name_or_path)
    if text in PACKAGED_SUITES:
        path = packaged_suite_path(text, floorplans=bool(layouts_dir))
        if not path.is_file():
            raise FileNotFoundError(f"packaged suite {text!r} is missing at {path}: rebuild it with "
                                    f"`errands suite build --alfred-splits PATH/splits-oct21.json"
                                    f"{' --layouts DIR' if layouts_dir else ''}`")
        return load_manifest(path)
    path = Path(text)
    if not path.is_file():
        raise FileNotFoundError(f"no suite {text!r}: expected one of {', '.join(PACKAGED_SUITES)}, "
                                f"a manifest (.json) or a task file (.jsonl)")
    if path.suffix == ".jsonl":
        return load_task_jsonl(path)
    return load_manifest(path)


def load_manifest(path: str | Path) -> Suite:
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise ValueError(f"{path} is not valid JSON: {e}") from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise ValueError(f"{path} is not a suite manifest (expected a JSON object with "
                         f"\"format\": \"{MANIFEST_FORMAT}\"); task lists go in .jsonl files")
    episodes = [Episode(id=e["id"], seed=int(e["seed"]), task=e["task"], expert_length=e.get("expert_length"),
                        source=e.get("source", {})) for e in data["episodes"]]
    expected = manifest_hash(data)
    if data.get("hash") != expected:
        raise ValueError(f"{path}: content hash {data.get('hash')!r} does not match its episodes ({expected}); "
                         f"the file was edited by hand or is damaged")
    check_unique([e.id for e in episodes], path)
    metadata = {k: v for k, v in data.items() if k not in ("episodes",)}
    return Suite(name=data["name"], episodes=episodes, hash=data["hash"], scenes=data.get("scenes", "procedural"),
                 metadata=metadata, path=path)


def load_task_jsonl(path: str | Path) -> Suite:
    """One task per line, as `errands tasks` writes them. An episode's id is its
    `episode_id` or `task_id` field (or line-N); its seed is the task's seed."""
    path = Path(path)
    episodes, seen = [], {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path} line {number} is not JSON: {e}") from None
        if not isinstance(row, dict):
            raise ValueError(f"{path} line {number}: expected a JSON object (a task), got {type(row).__name__}")
        task = row.get("task", row) if isinstance(row.get("task"), dict) else row
        episode_id = str(row.get("episode_id") or row.get("task_id") or f"line-{number}")
        if episode_id in seen:  # the same task twice: both run, under distinct ids
            seen[episode_id] += 1
            episode_id = f"{episode_id}#{seen[episode_id]}"
        else:
            seen[episode_id] = 0
        seed = row.get("seed", task.get("seed", 0))
        length = row.get("expert_length")
        episodes.append(Episode(id=episode_id, seed=int(seed) if isinstance(seed, int) else 0, task=task,
                                expert_length=length if isinstance(length, int) and length > 0 else None,
                                source={"file": path.name, "line": number}))
    if not episodes:
        raise ValueError(f"{path} holds no tasks")
    digest = hashlib.sha256(canonical([e.to_dict() for e in episodes]).encode()).hexdigest()
    scenes = "alfred_floorplans" if any(str(e.task.get("scene", "")).startswith("FloorPlan") for e in episodes) \
        else "procedural"
    return Suite(name=path.stem, episodes=episodes, hash=digest, scenes=scenes,
                 metadata={"source": str(path)}, path=path)


def check_unique(ids: list[str], where) -> None:
    """Raise if an episode id repeats (`where`: the suite, for the message)."""
    if len(set(ids)) != len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"{where}: episode ids must be unique, repeated: {', '.join(dupes[:5])}")


def canonical(data) -> str:
    """JSON with sorted keys and no spaces: the text a content hash is taken over."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def manifest_hash(manifest: dict) -> str:
    """sha256 over what defines the suite: name, phrasing, scenes and episodes (not the
    version strings, which are informative)."""
    core = {k: manifest.get(k) for k in ("name", "phrasing", "scenes", "episodes")}
    return hashlib.sha256(canonical(core).encode()).hexdigest()


def manifest_text(manifest: dict) -> str:
    """Stable, diff-friendly JSON: the header indented, one episode per line."""
    header = {k: v for k, v in manifest.items() if k != "episodes"}
    lines = json.dumps(header, indent=1)[:-2].rstrip()
    episodes = ",\n  ".join(json.dumps(e, separators=(",", ":")) for e in manifest["episodes"])
    return f"{lines},\n \"episodes\": [\n  {episodes}\n ]\n}}\n"


# --- what a suite holds -----------------------------------------------------------------

def describe_suite(suite: Suite) -> dict:
    """Counts a person wants to see before running a suite."""
    by_type = {t: 0 for t in TASK_TYPES}
    rooms: dict[str, int] = {}
    for e in suite.episodes:
        by_type[e.task_type] = by_type.get(e.task_type, 0) + 1
        scene = e.task.get("scene")
        number = int(str(scene).removeprefix("FloorPlan")) if str(scene).removeprefix("FloorPlan").isdigit() else None
        room = (room_type_of_scene_id(number) if number is not None else None) or "other"
        rooms[room] = rooms.get(room, 0) + 1
    lengths = [e.expert_length for e in suite.episodes if e.expert_length]
    return {"name": suite.name, "episodes": len(suite.episodes), "hash": suite.hash, "scenes": suite.scenes,
            "task_types": {k: v for k, v in by_type.items() if v}, "room_types": rooms,
            "scenes_used": len({str(e.task.get("scene")) for e in suite.episodes}),
            "unseen_scene_episodes": sum(1 for e in suite.episodes if _is_unseen(e.task.get("scene"))),
            "substitutions": sum(1 for e in suite.episodes if "substituted" in e.source),
            "dropped": len(suite.metadata.get("dropped", [])),
            "mean_expert_length": round(sum(lengths) / len(lengths), 2) if lengths else None,
            "description": suite.metadata.get("description", ""),
            "errands_version": suite.metadata.get("errands_version")}


def _is_unseen(scene) -> bool:
    text = str(scene).removeprefix("FloorPlan")
    return text.isdigit() and int(text) in UNSEEN_SCENE_IDS
