"""Instruction -> ALFRED goal, with a confidence and the component that read it.

The trained goal model (model.py) gives each part of the goal a distribution; the reader
searches the combinations in order of probability and keeps those the task rules accept
(TaskGoal's validation: a goal the rules refuse is never emitted) and, given the scene's
object types, those the scene can hold. Each candidate goal is scored by a weighted sum
of its features (`COMBINATION`, weights fitted on the development set: train.py):

- `model`: the model's log probability of the goal (the weight is one over a temperature);
- `prior`: what ALFRED's tasks are like, the log of how often ALFRED's directives pair
  its task type with its receptacle (a heated thing is never left in the microwave, a
  cooled one never in the fridge: so "put the tomato in the microwave" is a placing, and
  "chill the pan, then put it on the burner" ends on the burner);
- the rule-based reader's (goal_parser.py) opinion, where it read something specific and
  the candidate shares it: the whole goal (`rules_goal`), the object it found by an exact
  name (`rules_object`), the transform a transform word asked for (`rules_transform`), a
  slice word (`rules_sliced`), a movable receptacle holding the object (`rules_movable`)
  and the receptacle (`rules_parent`). Weighed apart, the rules count where they are
  reliable, not by one weight for all they read.

The confidence is the chosen goal's share of the probability of all valid ones.

An instruction that cannot be read ends as a `Failure` of category CANNOT_DO that says
why: empty, not understood (no object named, not English), contradictory (two
transforms asked of one object), or impossible (no goal the rules and the scene allow).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ...envs.household.object_types import OBJECT_TYPES
from ...envs.tasks.distribution import load_distribution
from ...envs.tasks.goals import TaskGoal
from ...envs.transforms import TRANSFORMS
from ...failures import Failure, FailureCategory, FailureKind
from ..goal_parser import parse_goal
from ..reading import GoalReading
from .lexicon import COMMON_WORDS, name_words
from .model import COMBINATION, MORE_TRANSFORM_WORDS, NONE, GoalModel, read

MODEL_DIR = Path(__file__).resolve().parent.parent / "data" / "goal-model"
TOP = 4  # candidates kept per head in the search
FLOOR = 1e-4  # the model's probability of a value its head does not offer (a goal only the rules read)
# The verbs that ask for a transform: the transform table's (both phrasing sets: a reader
# of people's words knows them all) and a few more that people use. Two of them said as
# commands ("heat the apple and chill it") ask for two transforms of one object: a
# contradiction to report, not to guess at.
TRANSFORM_VERBS = {t.task_type: t.train_words.verbs + t.novel_words.verbs + MORE_TRANSFORM_WORDS.get(t.name, ())
                   for t in TRANSFORMS}
TRANSFORM_TYPES = frozenset(t.task_type for t in TRANSFORMS)
COMMAND_AFTER = {"and", "then", "please", "also", "first", "next", "finally", "you", "to"}

def cannot(kind: FailureKind, message: str, argument: str | None = None) -> GoalReading:
    return GoalReading(None, 0.0, "reader", failure=Failure(FailureCategory.CANNOT_DO, kind,
                                                             f"cannot do this because {message}", argument))


@lru_cache(maxsize=None)
def task_prior(task_type: str, parent: str) -> float:
    """log P(receptacle | task type) over ALFRED's directives (all rooms), add-one smoothed."""
    counts = parent_counts()
    row = counts.get(task_type, {})
    return math.log((row.get(parent, 0) + 1) / (sum(row.values()) + len(OBJECT_TYPES)))


@lru_cache(maxsize=1)
def parent_counts() -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for rows in load_distribution().values():
        for task_type, _obj, _movable, parent, n in rows:
            row = counts.setdefault(task_type, {})
            row[parent] = row.get(parent, 0) + n
    return counts


@lru_cache(maxsize=4)
def load_model(folder: str | None = None) -> GoalModel:
    return GoalModel.load(folder or MODEL_DIR)


@dataclass(frozen=True)
class Candidates:
    """The valid goals of one instruction, each with its features (`COMBINATION`, a row
    each), and the rule-based reader's goal (None when the rules read none)."""

    goals: list[TaskGoal]
    features: np.ndarray
    rules_goal: TaskGoal | None


def combination_features(goal: TaskGoal, heads, rules: TaskGoal | None) -> list[float]:
    """The goal's value of each feature of `COMBINATION`."""
    probs = {head: dict(values) for head, values in heads.items()}
    fields = {"task_type": goal.task_type, "object": goal.object, "parent": goal.parent_receptacle,
              "movable": goal.movable_receptacle or NONE, "sliced": goal.sliced}
    model = sum(math.log(max(probs[h].get(v, FLOOR), 1e-12)) for h, v in fields.items() if probs[h] or h != "movable")
    values = {"model": model, "prior": task_prior(goal.task_type, goal.parent_receptacle)}
    if rules is not None:
        values.update(rules_goal=goal == rules, rules_object=goal.object == rules.object,
                      rules_transform=rules.task_type in TRANSFORM_TYPES and goal.task_type == rules.task_type,
                      rules_sliced=rules.sliced and goal.sliced,
                      rules_movable=rules.movable_receptacle is not None
                      and goal.movable_receptacle == rules.movable_receptacle,
                      rules_parent=goal.parent_receptacle == rules.parent_receptacle)
    return [float(values.get(name, 0.0)) for name in COMBINATION]


class GoalReader:
    """Reads goals with the trained model and the rules; `scene_types` grounds them."""

    def __init__(self, model: GoalModel | None = None, use_rules: bool = True):
        self.model = model or load_model()
        self.use_rules = use_rules

    def read(self, instruction: str, scene_types: set[str] | None = None) -> GoalReading:
        found = self.candidates(instruction, scene_types)
        if isinstance(found, GoalReading):
            return found
        scores = found.features @ self.model.weight_vector()
        order = np.argsort(-scores, kind="stable")
        probs = np.exp(scores - scores.max())
        probs /= probs.sum()
        ranked = tuple((found.goals[i], float(probs[i])) for i in order[:5])
        best = ranked[0][0]
        source = "trained+rules" if best == found.rules_goal else "trained"
        return GoalReading(best, ranked[0][1], source, ranked[1:])

    def candidates(self, instruction: str, scene_types: set[str] | None = None) -> Candidates | GoalReading:
        """The valid candidate goals with their combination features, or the reading
        that says why there is none."""
        if not isinstance(instruction, str) or not instruction.strip():
            return cannot(FailureKind.EMPTY_INSTRUCTION, "the instruction is empty: say what to do, e.g. "
                                                          "'put a washed apple in the fridge'")
        r = read(instruction)
        if not r.mentions:
            known = sum(w in COMMON_WORDS or w in name_words() for w in r.written)
            if r.written and known / len(r.written) < 0.3:
                return cannot(FailureKind.NOT_UNDERSTOOD, f"{instruction!r} does not read as English: "
                                                          "errands understands instructions in English")
            return cannot(FailureKind.NOT_UNDERSTOOD, f"{instruction!r} names no object: name one, such as "
                                                      "an apple, a mug or a book")
        heads = self.model.predict(r)
        commanded = _commanded_transforms(r)
        if len(commanded) > 1:
            return cannot(FailureKind.CONTRADICTORY, f"it asks to {' and to '.join(commanded.values())} one "
                                                     "object, and a task does one of clean, heat and cool")
        rules_goal = self._rules(instruction) if self.use_rules else None
        goals = {}  # in the search's order, each once
        for combo in _combinations(heads):
            goal = _goal(*combo)
            if goal is not None and (scene_types is None or _fits(goal, scene_types)):
                goals.setdefault(goal, None)
        if rules_goal is not None and (scene_types is None or _fits(rules_goal, scene_types)):
            goals.setdefault(rules_goal, None)
        goals = list(goals)
        if not goals:
            named = ", ".join(sorted({t for m in r.mentions for t in m.types}))
            where = " in this room" if scene_types is not None else ""
            return cannot(FailureKind.IMPOSSIBLE_GOAL, f"no task the rules allow{where} fits what it names "
                                                       f"({named})")
        features = np.array([combination_features(goal, heads, rules_goal) for goal in goals])
        return Candidates(goals, features, rules_goal)

    @staticmethod
    def _rules(instruction: str) -> TaskGoal | None:
        try:
            return parse_goal(instruction)
        except ValueError:
            return None


def _commanded_transforms(r) -> dict[str, str]:
    """{task type: verb} of the transforms the instruction asks for as commands: a verb that
    opens a sentence or a step, or follows "and", "then", "please", "could you", ..."""
    found = {}
    for i, word in enumerate(r.words):
        opens = i == 0 or r.sentence[i] != r.sentence[i - 1] or r.words[i - 1] in COMMAND_AFTER
        if not opens:
            continue
        for task_type, verbs in TRANSFORM_VERBS.items():
            if word in verbs:
                found.setdefault(task_type, word)
    return found


def _combinations(heads):
    """(task_type, object, parent, movable, sliced) of the heads' likeliest values."""
    movables = [m for m, _ in heads["movable"][:TOP]] or [NONE]
    return itertools.product([t for t, _ in heads["task_type"][:TOP]], [o for o, _ in heads["object"][:TOP]],
                             [p for p, _ in heads["parent"][:TOP]], movables, [s for s, _ in heads["sliced"]])


def _goal(task_type, obj, parent, movable, sliced) -> TaskGoal | None:
    """The goal if the task rules accept it."""
    movable = None if movable == NONE else movable
    if obj == movable:
        return None
    try:
        return TaskGoal(task_type, obj, parent, sliced=sliced, movable_receptacle=movable)
    except ValueError:
        return None


def _fits(goal: TaskGoal, scene_types: set[str]) -> bool:
    needed = [goal.object, goal.parent_receptacle] + ([goal.movable_receptacle] if goal.movable_receptacle else [])
    return all(t in scene_types or (OBJECT_TYPES[t].sliced_name or "") in scene_types for t in needed)
