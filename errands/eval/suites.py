"""Evaluation suites: pinned lists of episodes (a task, its instruction, a seed and the
expert's reference length L*) that every planner and policy is measured on.

The packaged suites (`errands/eval/suites/*.json`) follow ALFRED's validation splits
directive by directive: `valid_seen` (820) and `valid_unseen` (821) take each directive's
task type and parameters and its floor plan as the scene, with an instruction written
from our templates ("train" phrasing); `novel_phrasing` is `valid_seen` again with the
held-out "novel" phrasing, so that a paired comparison with `valid_seen` measures the
wording alone on scenes a policy has trained in; `smoke` is 14 short episodes (the
shortest of each task type in each validation split) for CI. With ALFRED's floor plans
(`--layouts`), `suites/floorplans/*.json` hold the same directives on "FloorPlanN"
scenes.

A manifest is derived data (our tasks and instructions), pinned by a content hash. When
a procedural scene cannot host a directive's goal, the next scene of the same room type
and split that can (in an order seeded by the directive) is used, and the manifest says
so. Rebuild with `errands suite build --alfred-splits PATH/splits-oct21.json`.

Any task JSONL file (from `errands tasks`, or written by hand) is a suite too; its
episodes without an L* get one from the oracle and expert when they run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import __version__
from ..envs import HOUSEHOLD_ENV_ID
from ..envs.household.procedural import ALFRED_RANGES, UNSEEN_SCENE_IDS, room_type_of_scene_id, scene_split
from ..envs.skills import Plan, SkillCall
from ..envs.tasks.goals import TASK_TYPES, TaskGoal
from ..envs.tasks.instructions import describe_goal, describe_plan
from ..envs.tasks.task import ImpossibleTask, Task, missing_requirements
from ..files import write_text_atomic

SUITES_DIR = Path(__file__).parent / "suites"
FLOORPLAN_SUITES_DIR = SUITES_DIR / "floorplans"
MANIFEST_FORMAT = "errands-suite"
MANIFEST_VERSION = 1
# ALFRED split -> the suites built from it. novel_phrasing and smoke derive from these.
ALFRED_SUITES = {
    "valid_seen": {"split": "valid_seen", "phrasing": "train",
                   "description": "ALFRED's valid_seen split (820 directives) in seen scenes, train phrasing"},
    "valid_unseen": {"split": "valid_unseen", "phrasing": "train",
                     "description": "ALFRED's valid_unseen split (821 directives) in held-out scenes, "
                                    "train phrasing"},
}
NOVEL_SUITE = {"name": "novel_phrasing", "base": "valid_seen",
               "description": "valid_seen's episodes with the held-out novel phrasing; compare with "
                              "valid_seen to measure the wording alone"}
SMOKE_SUITE = {"name": "smoke", "bases": ("valid_seen", "valid_unseen"),
               "description": "14 short episodes for CI: the shortest of each task type in valid_seen "
                              "and in valid_unseen"}
PACKAGED_SUITES = ("valid_seen", "valid_unseen", "novel_phrasing", "smoke")
PHRASING_SALT = {"train": 0, "novel": 1}
# Procedural scene ids outside ALFRED's ranges, searched in order for a new unseen scene.
NEW_SCENE_IDS = range(1000, 1200)  # within load_scene's cache of 512


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

def packaged_suite_path(name: str, floorplans: bool = False) -> Path:
    return (FLOORPLAN_SUITES_DIR if floorplans else SUITES_DIR) / f"{name}.json"


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
    _check_unique([e.id for e in episodes], path)
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
    digest = hashlib.sha256(_canonical([e.to_dict() for e in episodes]).encode()).hexdigest()
    scenes = "alfred_floorplans" if any(str(e.task.get("scene", "")).startswith("FloorPlan") for e in episodes) \
        else "procedural"
    return Suite(name=path.stem, episodes=episodes, hash=digest, scenes=scenes,
                 metadata={"source": str(path)}, path=path)


def _check_unique(ids: list[str], where) -> None:
    if len(set(ids)) != len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"{where}: episode ids must be unique, repeated: {', '.join(dupes[:5])}")


def _canonical(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def manifest_hash(manifest: dict) -> str:
    """sha256 over what defines the suite: name, phrasing, scenes and episodes (not the
    version strings, which are informative)."""
    core = {k: manifest.get(k) for k in ("name", "phrasing", "scenes", "episodes")}
    return hashlib.sha256(_canonical(core).encode()).hexdigest()


def manifest_text(manifest: dict) -> str:
    """Stable, diff-friendly JSON: the header indented, one episode per line."""
    header = {k: v for k, v in manifest.items() if k != "episodes"}
    lines = json.dumps(header, indent=1)[:-2].rstrip()
    episodes = ",\n  ".join(json.dumps(e, separators=(",", ":")) for e in manifest["episodes"])
    return f"{lines},\n \"episodes\": [\n  {episodes}\n ]\n}}\n"


# --- building suites from ALFRED's split file -----------------------------------------

def stable_seed(text: str) -> int:
    """A seed from a name, the same on every machine and Python version."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % 2**31


def read_alfred_directives(splits_path: str | Path, split: str) -> list[tuple[str, int]]:
    """(task name, repeat_idx) of a split, in the file's order."""
    splits_path = Path(splits_path)
    if not splits_path.is_file():
        raise FileNotFoundError(f"ALFRED split file not found: {splits_path} (expected splits-oct21.json)")
    data = json.loads(splits_path.read_text())
    if split not in data:
        raise ValueError(f"{splits_path}: no split {split!r} (it has {', '.join(data)})")
    return [(entry["task"], int(entry["repeat_idx"])) for entry in data[split]]


class _Reference:
    """The oracle planner and the expert on one env: the reference run of a task."""

    def __init__(self, layouts_dir: str | None):
        import gymnasium as gym

        from ..planners import make_planner
        from ..policies import make_policy
        from ..policies.agent import Agent

        self.env = gym.make(HOUSEHOLD_ENV_ID, layouts_dir=layouts_dir)
        self.agent = Agent(make_planner("oracle"), make_policy("expert"))

    def run(self, task: Task):
        return self.agent.run_episode(self.env, task)


def _scene_ref(number: int, floorplans: bool) -> int | str:
    return f"FloorPlan{number}" if floorplans else number


def _candidate_scenes(floorplan: int, seed: int, floorplans: bool):
    """Where a directive may run, best first: its own floor plan; another of the same room
    type and split (seeded order); for unseen procedural scenes, a new procedural scene of
    the same room type (unseen by construction: training draws only ALFRED's ids); a scene
    of the same split of another room type; for unseen procedural scenes, a new one of
    another room type. Yields (scene, how it was chosen)."""
    from ..envs.household.scenes import load_scene

    room = room_type_of_scene_id(floorplan)
    if room is None:
        raise ValueError(f"floor plan {floorplan} is outside ALFRED's ranges")
    split = scene_split(floorplan)
    rng = np.random.default_rng(seed)
    yield _scene_ref(floorplan, floorplans), "own floor plan"
    same_room = [i for i in ALFRED_RANGES[room] if i != floorplan and scene_split(i) == split]
    for k in rng.permutation(len(same_room)):
        yield _scene_ref(same_room[k], floorplans), f"another {split} {room}"
    if split == "unseen" and not floorplans:
        for number in NEW_SCENE_IDS:
            if load_scene(number).room_type == room:
                yield number, f"a new procedural {room}"
    other_rooms = [i for r, ids in ALFRED_RANGES.items() if r != room for i in ids if scene_split(i) == split]
    for k in rng.permutation(len(other_rooms)):
        yield _scene_ref(other_rooms[k], floorplans), f"a {split} scene of another room type"
    if split == "unseen" and not floorplans:
        for number in NEW_SCENE_IDS:
            if load_scene(number).room_type != room:
                yield number, "a new procedural scene of another room type"


def build_alfred_episode(name: str, repeat_idx: int, reference: _Reference, layouts_dir: str | None,
                         phrasing: str = "train") -> tuple[Episode | None, str]:
    """The episode for one ALFRED directive, or None and why it has none."""
    from ..envs.household.scenes import load_scene

    folder, _, trial = name.partition("/")
    goal = TaskGoal.from_alfred_name(folder)
    floorplan = int(folder.split("-")[-1])
    task_seed, seed = stable_seed(trial or folder), stable_seed(f"{trial or folder}:{repeat_idx}")
    rng = np.random.default_rng([seed, PHRASING_SALT[phrasing]])
    instruction = describe_goal(goal, phrasing, rng)
    floorplans = layouts_dir is not None
    reasons = []
    for scene, how in _candidate_scenes(floorplan, task_seed, floorplans):
        missing = missing_requirements(goal, load_scene(scene, layouts_dir))
        if missing:
            if not reasons:  # say why the own floor plan did not do; the rest is search
                reasons.append(f"scene {scene} lacks {', '.join(missing)}")
            continue
        task = Task(goal, scene, seed=task_seed, instruction=instruction, phrasing=phrasing)
        try:
            task.build_scene(layouts_dir)
        except ImpossibleTask as e:
            reasons.append(str(e))
            continue
        log = reference.run(task)
        if not log.success:
            reasons.append(f"the expert failed in scene {scene}: {log.failure_category}: {log.failure_reason}")
            continue
        if phrasing == "train":
            task.step_instructions = describe_plan(_executed_plan(log), rng)
        source = {"alfred_task": name, "repeat_idx": repeat_idx, "floorplan": floorplan}
        if how != "own floor plan":
            source["substituted"] = {"from": _scene_ref(floorplan, floorplans), "to": how, "reason": reasons[0]}
        return Episode(id=f"{trial or folder}:{repeat_idx}", seed=seed, task=task.to_dict(),
                       expert_length=log.num_steps, source=source), ""
    return None, "; ".join(reasons[:3]) + "; no other scene of the split can host it"


def _executed_plan(log) -> Plan:
    """The skills the expert completed, in order (the whole plan, across any re-plans)."""
    calls = []
    for record in log.skills:
        if record.status == "done":
            calls.append(SkillCall.from_dict(log.plans[record.plan].plan[record.index]))
    return Plan(calls)


def _manifest(name: str, description: str, phrasing: str, scenes: str, episodes: list[Episode],
              source: dict, dropped: list[dict]) -> dict:
    manifest = {
        "format": MANIFEST_FORMAT, "format_version": MANIFEST_VERSION, "name": name, "description": description,
        "phrasing": phrasing, "scenes": scenes,
        "simulator": {"env": HOUSEHOLD_ENV_ID, "errands_version": __version__},
        "errands_version": __version__,
        "source": source,
        "substitutions": sum(1 for e in episodes if "substituted" in e.source),
        "dropped": dropped,
        "task_types": {t: sum(1 for e in episodes if e.task_type == t) for t in TASK_TYPES},
        "episodes": [e.to_dict() for e in episodes],
    }
    manifest["hash"] = manifest_hash(manifest)
    return manifest


def build_alfred_suite(name: str, splits_path: str | Path, layouts_dir: str | None = None,
                       progress: bool = False) -> dict:
    """The manifest of `valid_seen` or `valid_unseen` from ALFRED's split file."""
    if name not in ALFRED_SUITES:
        raise ValueError(f"suite {name!r} is not built from ALFRED's split file: expected one of "
                         f"{', '.join(ALFRED_SUITES)}")
    from tqdm import tqdm

    spec = ALFRED_SUITES[name]
    directives = read_alfred_directives(splits_path, spec["split"])
    reference = _Reference(layouts_dir)
    episodes, dropped = [], []
    for task_name, repeat_idx in tqdm(directives, desc=f"building {name}", unit="ep", disable=not progress):
        try:
            episode, why = build_alfred_episode(task_name, repeat_idx, reference, layouts_dir, spec["phrasing"])
        except ValueError as e:  # a combination our object catalogue does not allow
            episode, why = None, str(e)
        if episode is None:
            dropped.append({"alfred_task": task_name, "repeat_idx": repeat_idx, "reason": why})
        else:
            episodes.append(episode)
    _check_unique([e.id for e in episodes], name)
    source = {"alfred_split": spec["split"], "directives": len(directives),
              "splits_file_sha256": hashlib.sha256(Path(splits_path).read_bytes()).hexdigest()}
    scenes = "alfred_floorplans" if layouts_dir else "procedural"
    return _manifest(name, spec["description"], spec["phrasing"], scenes, episodes, source, dropped)


def novel_phrasing_manifest(base: dict) -> dict:
    """The base suite's episodes with instructions in the held-out novel phrasing (no
    step-by-step instructions: those are written in train phrasing)."""
    episodes = []
    for data in base["episodes"]:
        task = Task.from_dict(data["task"])
        rng = np.random.default_rng([data["seed"], PHRASING_SALT["novel"]])
        novel = Task(task.goal, task.scene, seed=task.seed, instruction=describe_goal(task.goal, "novel", rng),
                     phrasing="novel")
        episodes.append(Episode(id=data["id"], seed=data["seed"], task=novel.to_dict(),
                                expert_length=data["expert_length"], source=data.get("source", {})))
    source = {"base_suite": base["name"], "base_hash": base["hash"]}
    return _manifest(NOVEL_SUITE["name"], NOVEL_SUITE["description"], "novel", base["scenes"], episodes, source,
                     dropped=[])


def smoke_manifest(bases: list[dict]) -> dict:
    """Per task type, the shortest episode (by L*, then id) of each base suite."""
    episodes = []
    for base in bases:
        for task_type in TASK_TYPES:
            of_type = [e for e in base["episodes"] if e["task"]["goal"]["task_type"] == task_type]
            if of_type:
                best = min(of_type, key=lambda e: (e["expert_length"], e["id"]))
                source = dict(best.get("source", {}), base_suite=base["name"])
                episodes.append(Episode(id=best["id"], seed=best["seed"], task=best["task"],
                                        expert_length=best["expert_length"], source=source))
    source = {"base_suites": {b["name"]: b["hash"] for b in bases}}
    return _manifest(SMOKE_SUITE["name"], SMOKE_SUITE["description"], "train", bases[0]["scenes"], episodes,
                     source, dropped=[])


def build_packaged_suites(splits_path: str | Path, out_dir: str | Path | None = None,
                          layouts_dir: str | None = None, progress: bool = False) -> dict[str, Path]:
    """Build all four suites and write them (atomically) to `out_dir` (default: the
    package's folder, or its floorplans/ folder with `layouts_dir`)."""
    out = Path(out_dir) if out_dir else (FLOORPLAN_SUITES_DIR if layouts_dir else SUITES_DIR)
    built = {name: build_alfred_suite(name, splits_path, layouts_dir, progress) for name in ALFRED_SUITES}
    built[NOVEL_SUITE["name"]] = novel_phrasing_manifest(built[NOVEL_SUITE["base"]])
    built[SMOKE_SUITE["name"]] = smoke_manifest([built[b] for b in SMOKE_SUITE["bases"]])
    return {name: write_text_atomic(out / f"{name}.json", manifest_text(m)) for name, m in built.items()}


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
