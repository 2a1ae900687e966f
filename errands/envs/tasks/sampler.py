"""Sample tasks the way ALFRED's data is distributed: a room type in ALFRED's proportions,
a scene of the split, then a (task type, object, movable, parent) drawn by ALFRED's
directive counts for that room type among those the scene can support.

A scene of the split is the procedural scene of an ALFRED scene number, or with
`scenes="alfred_floorplans"` ALFRED's real floor plan of that number (FloorPlanN, read
from the layouts folder)."""

from __future__ import annotations

import numpy as np

from ..household.procedural import ALFRED_RANGES, SEEN_SCENE_IDS, UNSEEN_SCENE_IDS, room_type_of_scene_id
from ..household.scene import Scene
from ..household.scenes import load_scene, parse_scene_ref
from .distribution import load_distribution
from .goals import TaskGoal
from .instructions import PHRASINGS, describe_goal
from .task import ImpossibleTask, Task, missing_requirements

SPLITS = ("seen", "unseen", "any")
SCENE_KINDS = ("procedural", "alfred_floorplans")


def split_scene_ids(split: str) -> tuple[int, ...]:
    if split == "seen":
        return SEEN_SCENE_IDS
    if split == "unseen":
        return UNSEEN_SCENE_IDS
    if split == "any":
        return tuple(i for r in ALFRED_RANGES.values() for i in r)
    raise ValueError(f"unknown split {split!r}: expected one of {', '.join(SPLITS)}")


class TaskSampler:
    def __init__(self, split: str = "seen", scene: int | str | None = None, layouts_dir: str | None = None,
                 phrasing: str = "train", room_types: tuple[str, ...] | None = None, scenes: str = "procedural"):
        if phrasing not in PHRASINGS:
            raise ValueError(f"unknown phrasing set {phrasing!r}: expected one of {', '.join(PHRASINGS)}")
        if scenes not in SCENE_KINDS:
            raise ValueError(f"unknown scene kind {scenes!r}: expected one of {', '.join(SCENE_KINDS)}")
        self.scenes = scenes
        self.scene_ids = split_scene_ids(split)
        self.scene = parse_scene_ref(scene) if scene is not None else None
        self.layouts_dir = layouts_dir
        self.phrasing = phrasing
        distribution = load_distribution()
        self.room_types = tuple(room_types or distribution)
        unknown = set(self.room_types) - set(distribution)
        if unknown:
            raise ValueError(f"unknown room types {sorted(unknown)}: expected {', '.join(distribution)}")
        weights = np.array([sum(row[-1] for row in distribution[r]) for r in self.room_types], dtype=float)
        self.room_weights = weights / weights.sum()
        self._goals: dict[object, tuple[list[TaskGoal], np.ndarray]] = {}
        self._room_scene_ids = {room: [i for i in self.scene_ids if room_type_of_scene_id(i) == room]
                                for room in self.room_types}

    def feasible_goals(self, scene_ref, scene: Scene) -> tuple[list[TaskGoal], np.ndarray]:
        """The goals of ALFRED's distribution for this room that the scene supports, with
        their probabilities."""
        if scene_ref not in self._goals:
            goals, counts = [], []
            for task_type, obj, movable, parent, count in load_distribution().get(scene.room_type, []):
                try:
                    goal = TaskGoal.from_alfred_name(f"{task_type}-{obj}-{movable}-{parent}")
                except ValueError:
                    continue  # a combination our object catalogue does not allow
                if not missing_requirements(goal, scene):
                    goals.append(goal)
                    counts.append(count)
            probs = np.array(counts, dtype=float)
            self._goals[scene_ref] = (goals, probs / probs.sum() if len(probs) else probs)
        return self._goals[scene_ref]

    def sample(self, rng: np.random.Generator) -> Task:
        for _ in range(100):
            scene_ref = self.scene if self.scene is not None else self._sample_scene_id(rng)
            scene = load_scene(scene_ref, self.layouts_dir)
            goals, probs = self.feasible_goals(scene_ref, scene)
            if not goals:
                if self.scene is not None:
                    raise ImpossibleTask(f"no ALFRED task of the {scene.room_type} distribution fits scene {scene_ref}")
                continue
            goal = goals[int(rng.choice(len(goals), p=probs))]
            task = Task(goal, scene_ref, seed=int(rng.integers(2**31)),
                        instruction=describe_goal(goal, self.phrasing, rng), phrasing=self.phrasing)
            try:
                task.build_scene(self.layouts_dir)
            except ImpossibleTask:
                continue
            return task
        raise ImpossibleTask("no feasible task found in 100 draws; check the split and scene")

    def _sample_scene_id(self, rng: np.random.Generator) -> int | str:
        room = self.room_types[int(rng.choice(len(self.room_types), p=self.room_weights))]
        ids = self._room_scene_ids[room]
        number = ids[int(rng.integers(len(ids)))]
        return f"FloorPlan{number}" if self.scenes == "alfred_floorplans" else number


def task_for_episode(options: dict | None, fixed_task: Task | None, sampler: TaskSampler,
                     rng: np.random.Generator) -> Task:
    """The task of a new episode: reset(options={"task": ...}) first (a Task or its
    dict), then the env's own task, else one sampled from the env's split."""
    task = (options or {}).get("task") or fixed_task
    if isinstance(task, dict):
        task = Task.from_dict(task)
    return task or sampler.sample(rng)
