"""The goal conditions of a task one by one, each with a sentence and whether it holds.

The conditions are the task type's own (errands.envs.tasks.types), the same ones whose
count goal_conditions() reports, so the number met here is always goal_conditions()'s
`met`.
"""

from __future__ import annotations

from ..envs.household.world import World
from ..envs.tasks.goals import TaskGoal
from ..envs.tasks.types import TASK_TYPES, WorldState


def goal_checklist(goal: TaskGoal, world: World) -> list[tuple[str, bool]]:
    """(description, met) for every goal condition, in goal_conditions()'s order."""
    return [(c.text, c.met) for c in TASK_TYPES[goal.task_type].goal_conditions(goal, WorldState(world))]
