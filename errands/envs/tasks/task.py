"""A task: a goal in a scene with an instruction, and the scene made ready for it (the
objects the goal needs are there, and the goal is not already met at the start)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..household.object_types import SLICING_TOOLS
from ..household.procedural import place_object
from ..household.scene import Scene, SceneError
from ..household.scenes import load_scene, parse_scene_ref
from .constraints import Constraint, constrained_instruction, constraints_from_list
from .goals import TaskGoal
from .start_state import StartState
from .types import TASK_TYPES
from .world_text import ReadableText, texts_from_list


class ImpossibleTask(ValueError):
    """The goal cannot be reached in this scene; the message says what is missing."""


@dataclass
class Task:
    goal: TaskGoal
    scene: int | str
    seed: int = 0
    instruction: str = ""
    step_instructions: list[str] = field(default_factory=list)
    phrasing: str = "train"  # "train" templates, or "novel" ones held out of training data
    start: StartState | None = None  # a recorded start (imported ALFRED trajectories); None: the seed's
    # How the task must be done (errands.envs.tasks.constraints); a task built without an
    # instruction says them after its goal.
    constraints: tuple[Constraint, ...] = ()
    # Text written on objects of the scene (notes, labels, screens), some of it injected
    # instructions the agent must not obey (errands.envs.tasks.world_text).
    texts: tuple[ReadableText, ...] = ()

    def __post_init__(self) -> None:
        self.scene = parse_scene_ref(self.scene)
        self.constraints = constraints_from_list(self.constraints)
        self.texts = texts_from_list(self.texts)
        if not self.instruction:
            from .instructions import describe_goal

            self.instruction = constrained_instruction(describe_goal(self.goal), self.constraints)

    @cached_property
    def task_id(self) -> str:
        parts = [self.goal.alfred_name, self.scene, self.seed, self.instruction]
        if self.start is not None:  # only then: the ids of tasks without one stay as they were
            parts.append(self.start.to_dict())
        if self.constraints:  # likewise
            parts.append([c.to_dict() for c in self.constraints])
        if self.texts:  # likewise
            parts.append([t.to_dict() for t in self.texts])
        key = json.dumps(parts)
        return hashlib.sha1(key.encode()).hexdigest()[:12]

    def to_dict(self) -> dict:
        data = {"task_id": self.task_id, "goal": self.goal.to_dict(), "scene": self.scene, "seed": self.seed,
                "instruction": self.instruction, "step_instructions": list(self.step_instructions),
                "phrasing": self.phrasing}
        if self.start is not None:
            data["start"] = self.start.to_dict()
        if self.constraints:
            data["constraints"] = [c.to_dict() for c in self.constraints]
        if self.texts:
            data["texts"] = [t.to_dict() for t in self.texts]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Task:
        if not isinstance(data, dict) or "goal" not in data or "scene" not in data:
            raise ValueError(f"a task needs 'goal' and 'scene' fields, got {str(data)[:200]!r}")
        goal = data["goal"]
        if not isinstance(goal, dict):
            raise ValueError(f"task 'goal' must be an object with task_type, object, parent_receptacle, got {goal!r}")
        try:
            goal = TaskGoal(**goal)
        except TypeError as e:
            raise ValueError(f"bad task goal {goal!r}: {e}") from None
        start = data.get("start")
        return cls(goal=goal, scene=data["scene"], seed=int(data.get("seed", 0)),
                   instruction=data.get("instruction", ""), step_instructions=list(data.get("step_instructions", [])),
                   phrasing=data.get("phrasing", "train"),
                   start=StartState.from_dict(start) if start is not None else None,
                   constraints=constraints_from_list(data.get("constraints", [])),
                   texts=texts_from_list(data.get("texts", [])))

    def build_scene(self, layouts_dir: str | None = None) -> Scene:
        """The scene made ready for this task (a fresh copy each call): the recorded start
        applied first, when the task has one, then what the goal needs."""
        cached = self.__dict__.get("_prepared")
        if cached is None or cached[0] != layouts_dir:
            scene = load_scene(self.scene, layouts_dir)
            if self.start is not None:
                try:
                    self.start.apply(scene)
                except SceneError as e:
                    raise ImpossibleTask(f"{self.goal.alfred_name} cannot start as recorded: {e}") from None
            cached = (layouts_dir, prepare_scene(self.goal, scene, self.seed))
            self.__dict__["_prepared"] = cached
        return cached[1].copy()


def missing_requirements(goal: TaskGoal, scene: Scene) -> list[str]:
    """What the scene lacks for this goal (furniture and appliances cannot be added)."""
    return TASK_TYPES[goal.task_type].requirements(goal, scene)


def prepare_scene(goal: TaskGoal, scene: Scene, seed: int) -> Scene:
    """Add what the goal needs to a copy of the scene and undo any part of the goal that
    already holds, deterministically from `seed`. Raise ImpossibleTask if it cannot."""
    missing = missing_requirements(goal, scene)
    if missing:
        present = sorted({o.type for o in scene.fixed})
        raise ImpossibleTask(f"{goal.alfred_name} cannot be done in {scene.name}: it has no "
                             f"{' and no '.join(m.removeprefix('a ') for m in missing)} "
                             f"(it has {', '.join(present)})")
    rng = np.random.default_rng([seed, 20_190_909])
    kind = TASK_TYPES[goal.task_type]
    avoid = kind.kept_away_from(goal)
    try:
        _ensure(scene, goal.object, kind.objects_needed, rng, avoid)
        if goal.movable_receptacle:
            _ensure(scene, goal.movable_receptacle, 1, rng, avoid)
        if goal.sliced and not any(o.type in SLICING_TOOLS for o in scene.objects):
            place_object(scene, "Knife", rng)
    except SceneError as e:
        raise ImpossibleTask(f"{goal.alfred_name} cannot be done in {scene.name}: {e}") from None
    return scene


def _ensure(scene: Scene, type_name: str, count: int, rng, avoid: tuple[str, ...]) -> None:
    """At least `count` objects of the type, none of them inside an `avoid` receptacle
    (directly or in a movable receptacle there)."""
    kinds = {o.id: o.type for o in scene.objects}
    parents = {o.id: o.parent for o in scene.objects}

    def in_avoided(spec) -> bool:
        parent = spec.parent
        while parent is not None:
            if kinds[parent] in avoid:
                return True
            parent = parents[parent]
        return False

    for spec in [o for o in scene.objects if o.type == type_name and in_avoided(o)]:
        for child in [o for o in scene.objects if o.parent == spec.id]:
            scene.objects.remove(child)  # re-placed below, with its own type
            place_object(scene, child.type, rng, avoid=avoid)
        scene.objects.remove(spec)
        place_object(scene, type_name, rng, avoid=avoid)
    have = sum(1 for o in scene.objects if o.type == type_name)
    for _ in range(count - have):
        place_object(scene, type_name, rng, avoid=avoid)
