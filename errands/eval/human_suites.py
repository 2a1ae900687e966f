"""Suites of instructions people wrote: `human_dev` and `human_test`.

Each hand-written instruction (errands/eval/instructions/*.jsonl: the instruction, its
gold ALFRED goal, the room it was written for) becomes one episode: the goal in a scene
of that room type that can host it, with the instruction as written. human_dev plays in
seen scenes and is the set to tune on; human_test plays in unseen scenes and is never
tuned on (its reason to exist). With ALFRED's floor plans (`layouts_dir`), the scenes are
FloorPlanN of the same room type and split. L* is the expert's length on the gold goal.

    errands suite build --human [--layouts DIR]
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from ..envs.household.procedural import ALFRED_RANGES, scene_split
from ..envs.tasks.goals import TaskGoal
from ..envs.tasks.task import ImpossibleTask, Task, missing_requirements

INSTRUCTIONS_DIR = Path(__file__).parent / "instructions"
HUMAN_SUITES = {
    "human_dev": {"file": "human_dev.jsonl", "split": "seen",
                  "description": "instructions written by hand in the styles people use, with their gold "
                                 "ALFRED goals, in seen scenes: the development set"},
    "human_test": {"file": "human_test.jsonl", "split": "unseen",
                   "description": "hand-written instructions held out of all tuning, in unseen scenes"},
}


def read_instructions(path: str | Path) -> list[dict]:
    """The rows of a hand-written instruction file, each checked."""
    rows = []
    for number, line in enumerate(Path(path).read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            TaskGoal(**row["goal"])
            if row["room"] not in ALFRED_RANGES:
                raise ValueError(f"room {row['room']!r} is not one of {', '.join(ALFRED_RANGES)}")
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
            raise ValueError(f"{path}:{number}: expected id, instruction, a valid goal and a room: {e}") from None
        rows.append(row)
    return rows


def build_human_suite(name: str, reference, stable_seed, make_episode, make_manifest,
                      layouts_dir: str | None = None, progress: bool = False) -> dict:
    """The manifest of a human suite. `reference` runs the oracle and expert on a task;
    the other callables are the suite module's own (seeds, episodes, manifests)."""
    if name not in HUMAN_SUITES:
        raise ValueError(f"unknown human suite {name!r}: expected one of {', '.join(HUMAN_SUITES)}")
    from tqdm import tqdm

    from ..envs.household.scenes import load_scene

    spec = HUMAN_SUITES[name]
    path = INSTRUCTIONS_DIR / spec["file"]
    episodes, dropped = [], []
    for row in tqdm(read_instructions(path), desc=f"building {name}", unit="ep", disable=not progress):
        goal = TaskGoal(**row["goal"])
        seed = stable_seed(f"{name}:{row['id']}")
        scenes = [n for n in ALFRED_RANGES[row["room"]] if scene_split(n) == spec["split"]]
        order = np.random.default_rng(seed).permutation(len(scenes))
        episode = None
        for k in order:
            scene = f"FloorPlan{scenes[k]}" if layouts_dir else scenes[k]
            if missing_requirements(goal, load_scene(scene, layouts_dir)):
                continue
            task = Task(goal, scene, seed=seed, instruction=row["instruction"], phrasing="human")
            try:
                task.build_scene(layouts_dir)
            except ImpossibleTask:
                continue
            log = reference.run(task)
            if log.success:
                episode = make_episode(id=row["id"], seed=seed, task=task.to_dict(), expert_length=log.num_steps,
                                       source={"instructions": spec["file"], "room": row["room"],
                                               "styles": row.get("styles", [])})
                break
        if episode is None:
            dropped.append({"id": row["id"], "reason": f"no {spec['split']} {row['room']} can host "
                                                        f"{goal.alfred_name} with the expert succeeding"})
        else:
            episodes.append(episode)
    source = {"instructions": spec["file"], "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
              "rows": len(episodes) + len(dropped)}
    scenes = "alfred_floorplans" if layouts_dir else "procedural"
    return make_manifest(name, spec["description"], "human", scenes, episodes, source, dropped)
