"""Building the packaged suites from ALFRED's split file (`errands suite build`).

A manifest is derived data (our tasks and instructions), pinned by a content hash. When
a procedural scene cannot host a directive's goal, the next scene of the same room type
and split that can (in an order seeded by the directive) is used, and the manifest says
so. Rebuild with `errands suite build --alfred-splits PATH/splits-oct21.json`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from .. import __version__
from ..envs import HOUSEHOLD_ENV_ID
from ..envs.household.procedural import ALFRED_RANGES, room_type_of_scene_id, scene_split
from ..envs.skills import Plan, SkillCall
from ..envs.tasks.goals import TASK_TYPES, TaskGoal
from ..envs.tasks.instruction_sets import read_instruction_set
from ..envs.tasks.instructions import describe_goal, describe_plan
from ..envs.tasks.task import ImpossibleTask, Task, missing_requirements
from ..files import write_text_atomic
from .packaged_suites import FLOORPLAN_SUITES_DIR, SUITES_DIR
from .suites import MANIFEST_FORMAT, MANIFEST_VERSION, Episode, check_unique, manifest_hash, manifest_text

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
PHRASING_SALT = {"train": 0, "novel": 1}
# Instructions people wrote (errands/eval/instructions/), each with its gold goal and room.
INSTRUCTIONS_DIR = Path(__file__).parent / "instructions"
HUMAN_SUITES = {
    "human_dev": {"file": "human_dev.jsonl", "split": "seen",
                  "description": "instructions written by hand in the styles people use, with their gold "
                                 "ALFRED goals, in seen scenes: the development set"},
    "human_dev2": {"file": "human_dev2.jsonl", "split": "seen",
                   "description": "a second development set of hand-written instructions, in other wordings, "
                                  "in seen scenes: for checking, never fitted on"},
    "human_test": {"file": "human_test.jsonl", "split": "unseen",
                   "description": "hand-written instructions held out of all tuning, in unseen scenes"},
}

# Procedural scene ids outside ALFRED's ranges, searched in order for a new unseen scene.
NEW_SCENE_IDS = range(1000, 1200)  # within load_scene's cache of 512


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


def suite_manifest(name: str, description: str, phrasing: str, scenes: str, episodes: list[Episode],
                   source: dict, dropped: list[dict], extra: dict | None = None) -> dict:
    """A suite's manifest, hashed: its fields, `extra` ones (before the episodes), and the
    episodes."""
    manifest = {
        "format": MANIFEST_FORMAT, "format_version": MANIFEST_VERSION, "name": name, "description": description,
        "phrasing": phrasing, "scenes": scenes,
        "simulator": {"env": HOUSEHOLD_ENV_ID, "errands_version": __version__},
        "errands_version": __version__,
        "source": source,
        "substitutions": sum(1 for e in episodes if "substituted" in e.source),
        "dropped": dropped,
        "task_types": {t: sum(1 for e in episodes if e.task_type == t) for t in TASK_TYPES},
        **(extra or {}),
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
    check_unique([e.id for e in episodes], name)
    source = {"alfred_split": spec["split"], "directives": len(directives),
              "splits_file_sha256": hashlib.sha256(Path(splits_path).read_bytes()).hexdigest()}
    scenes = "alfred_floorplans" if layouts_dir else "procedural"
    return suite_manifest(name, spec["description"], spec["phrasing"], scenes, episodes, source, dropped)


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
    return suite_manifest(NOVEL_SUITE["name"], NOVEL_SUITE["description"], "novel", base["scenes"], episodes, source,
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
    return suite_manifest(SMOKE_SUITE["name"], SMOKE_SUITE["description"], "train", bases[0]["scenes"], episodes,
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


# --- suites of hand-written instructions ---------------------------------------------

def build_human_suite(name: str, layouts_dir: str | None = None, progress: bool = False) -> dict:
    """The manifest of human_dev, human_dev2 or human_test: each hand-written instruction
    with its gold goal in a scene of its room type and of the suite's split (seen for the
    development sets, unseen for human_test) that can host it, tried in an order seeded by the instruction's id,
    the instruction as written; one no such scene can host (with the expert succeeding)
    is listed as dropped."""
    if name not in HUMAN_SUITES:
        raise ValueError(f"unknown human suite {name!r}: expected one of {', '.join(HUMAN_SUITES)}")
    episodes, dropped, source = host_instruction_rows(name, HUMAN_SUITES[name], _Reference(layouts_dir),
                                                      _expert_succeeds, "with the expert succeeding", layouts_dir,
                                                      progress)
    scenes = "alfred_floorplans" if layouts_dir else "procedural"
    return suite_manifest(name, HUMAN_SUITES[name]["description"], "human", scenes, episodes, source, dropped)


def _expert_succeeds(task: Task, reference: _Reference):
    """The reference run when it succeeds, else None and why not."""
    log = reference.run(task)
    return (log, "") if log.success else (None, f"the expert fails in scene {task.scene}: {log.failure_category}: "
                                                f"{log.failure_reason}")


def host_instruction_rows(name: str, spec: dict, reference, check, requirement: str, layouts_dir: str | None = None,
                          progress: bool = False) -> tuple[list[Episode], list[dict], dict]:
    """The episodes of a hand-written instruction set (`spec`: its "file" in
    INSTRUCTIONS_DIR and its scene "split"), the rows no scene hosts, and the manifest's
    source. Each row's goal (with its constraints, where it has them) is tried in the
    scenes of its room type and the split that can hold it, in an order seeded by the
    row's id, the instruction as written; the first scene where `check(task, reference)`
    gives a log (not None and why) hosts it. A row no scene hosts is dropped, with the
    `requirement` it could not meet; for a row with constraints, the episode records why
    the scenes before its own were passed over, and a dropped row why its first scene failed."""
    from tqdm import tqdm

    from ..envs.household.scenes import load_scene

    path = INSTRUCTIONS_DIR / spec["file"]
    episodes, dropped = [], []
    for row in tqdm(read_instruction_set(path), desc=f"building {name}", unit="ep", disable=not progress):
        goal, constraints = row["goal"], row.get("constraints", ())
        seed = stable_seed(f"{name}:{row['id']}")
        scenes = [n for n in ALFRED_RANGES[row["room"]] if scene_split(n) == spec["split"]]
        order = np.random.default_rng(seed).permutation(len(scenes))
        episode, reasons = None, []
        for k in order:
            scene = f"FloorPlan{scenes[k]}" if layouts_dir else scenes[k]
            if missing_requirements(goal, load_scene(scene, layouts_dir)):
                continue
            task = Task(goal, scene, seed=seed, instruction=row["instruction"], phrasing="human",
                        constraints=constraints)
            try:
                task.build_scene(layouts_dir)
            except ImpossibleTask:
                continue
            log, why = check(task, reference)
            if log is None:
                reasons.append(why)
                continue
            source = {"instructions": spec["file"], "room": row["room"], "styles": row.get("styles", [])}
            if constraints:
                source["constraint_kinds"] = [c.kind for c in constraints]
                if reasons:
                    source["passed_over"] = reasons
            episode = Episode(id=row["id"], seed=seed, task=task.to_dict(), expert_length=log.num_steps,
                              source=source)
            break
        if episode is None:
            drop = {"id": row["id"], "reason": f"no {spec['split']} {row['room']} can host {goal.alfred_name} "
                                               f"{requirement}"}
            if constraints and reasons:
                drop["first_failure"] = reasons[0]
            dropped.append(drop)
        else:
            episodes.append(episode)
    check_unique([e.id for e in episodes], name)
    source = {"instructions": spec["file"], "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
              "rows": len(episodes) + len(dropped)}
    return episodes, dropped, source


def build_human_suites(out_dir: str | Path | None = None, layouts_dir: str | None = None,
                       progress: bool = False) -> dict[str, Path]:
    """Build human_dev, human_dev2 and human_test and write them (atomically), as build_packaged_suites."""
    out = Path(out_dir) if out_dir else (FLOORPLAN_SUITES_DIR if layouts_dir else SUITES_DIR)
    return {name: write_text_atomic(out / f"{name}.json", manifest_text(build_human_suite(name, layouts_dir, progress)))
            for name in HUMAN_SUITES}
