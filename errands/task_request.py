"""What a person asks to run, as one value: an instruction (its goal read from the words),
explicit task parameters, a line of a JSONL task file, or a random task. `errands run`
and the live viewer both describe a task this way and build it with `TaskRequest.task()`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .envs.household.scenes import load_scene
from .envs.tasks.goals import TaskGoal
from .envs.tasks.sampler import TaskSampler, split_scene_ids
from .envs.tasks.task import Task, missing_requirements
from .failures import Failure
from .planners.reading import GoalReading


class CannotDo(ValueError):
    """The instruction asks for nothing errands can do: empty, not understood,
    contradictory, or impossible here. `failure` says which, and why."""

    def __init__(self, failure: Failure):
        super().__init__(failure.message)
        self.failure = failure


@dataclass(frozen=True)
class TaskRequest:
    instruction: str | None = None  # what to do, in plain language
    random: bool = False  # sample a task from ALFRED's distribution
    split: str = "seen"  # the scenes to draw from when none is given: seen, unseen or any
    scene: int | str | None = None  # a scene id or FloorPlanN
    seed: int = 0  # for sampling and object placement
    tasks_file: Path | None = None  # a JSONL task file (from `errands tasks`) ...
    index: int = 0  # ... and which of its tasks
    task_type: str | None = None  # explicit task parameters: an ALFRED task type, ...
    object: str | None = None
    parent: str | None = None  # the parent receptacle (or light for look_at_obj_in_light)
    sliced: bool = False
    movable: str | None = None  # the movable receptacle of pick_and_place_with_movable_recep
    layouts: str | None = None  # ALFRED's gen/layouts folder, for FloorPlanN scenes

    def task(self, reading: GoalReading | None = None) -> Task:
        """The task asked for; a ValueError says what is missing or cannot be hosted, and
        CannotDo why an instruction cannot be done. An instruction's goal is `reading`'s,
        or read now by the goal interpreter (read_goal)."""
        if self.tasks_file:
            return self._task_from_file(Path(self.tasks_file))
        rng = np.random.default_rng(self.seed)
        if self.random:
            return TaskSampler(split=self.split, scene=self.scene, layouts_dir=self.layouts).sample(rng)
        if self.task_type:
            if not (self.object and self.parent):
                raise ValueError("--task-type needs --object and --parent (and --movable for movable-receptacle tasks)")
            goal = TaskGoal(self.task_type, self.object, self.parent, self.sliced, self.movable)
            instruction = self.instruction or ""
            constraints = self.constraints() if self.instruction else ()
        elif self.instruction:
            goal, instruction = (reading or self.read_goal()).goal, self.instruction
            constraints = self.constraints()
        else:
            raise ValueError("give an instruction, task parameters (--task-type ...), --tasks FILE or --random")
        scene = self.scene if self.scene is not None else scene_for(goal, self.split, self.layouts, self.seed)
        task = Task(goal, scene, seed=self.seed, instruction=instruction, constraints=constraints)
        task.build_scene(self.layouts)  # raises ImpossibleTask naming what the scene lacks
        return task

    def read_goal(self, ask=None) -> GoalReading:
        """The instruction's goal as the goal interpreter reads it, asking `ask(question,
        options) -> index | None` when it is unsure; CannotDo when there is none. (Not
        grounded in a scene: the scene is chosen for the goal, and a task adds the
        objects its goal needs.)"""
        from .planners.base import PlanningContext
        from .planners.interpreter.planner import InterpreterPlanner

        from .planners.constraint_reader import read_constraints

        words = read_constraints(self.instruction)
        text = words.task_text if words.clauses else self.instruction
        reading = InterpreterPlanner(ask=ask).read(text, PlanningContext(instruction=text))
        if reading.goal is None:
            raise CannotDo(reading.failure)
        return reading

    def constraints(self) -> tuple:
        """The constraints the instruction says in words ("but don't open the microwave"),
        which the task then carries: the episode is checked against them."""
        from .planners.constraint_reader import read_constraints

        return read_constraints(self.instruction).constraints

    def _task_from_file(self, path: Path) -> Task:
        lines = [line for line in path.read_text().splitlines() if line.strip()]
        if not 0 <= self.index < len(lines):
            raise ValueError(f"--index {self.index} is outside {path} ({len(lines)} tasks)")
        try:
            return Task.from_dict(json.loads(lines[self.index]))
        except json.JSONDecodeError as e:
            raise ValueError(f"{path} line {self.index + 1} is not JSON: {e}") from None


def scene_for(goal, split: str, layouts: str | None, seed: int) -> int:
    """The first scene of the split (in a seeded order) that can host the goal."""
    ids = list(split_scene_ids(split))
    order = np.random.default_rng(seed).permutation(len(ids))
    lacking = set()
    for i in order:
        scene = load_scene(int(ids[i]), layouts)
        missing = missing_requirements(goal, scene)
        if not missing:
            return int(ids[i])
        lacking.update(missing)
    raise ValueError(f"no {split} scene can host {goal.alfred_name}: each lacks one of {', '.join(sorted(lacking))}")
