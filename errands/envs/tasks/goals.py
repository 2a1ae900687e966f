"""A task goal (one of ALFRED's seven task types with its parameters) and its goal
conditions, counted exactly as ALFRED counts them (models/eval and env/tasks in the
ALFRED code base): every type has a fixed number of conditions, plus one when the object
must be sliced; success is all of them met. The task types themselves (validation, what
a scene needs, the conditions) are classes in errands.envs.tasks.types.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from ..household.object_types import object_type
from .types import TASK_TYPES, NothingState, WorldState, task_type_named

if TYPE_CHECKING:
    from ..household.world import World

__all__ = ["TASK_TYPES", "TaskGoal", "goal_condition_total", "goal_conditions", "goal_reads_view"]


@dataclass(frozen=True)
class TaskGoal:
    """A task type with its parameters. `object` is the whole object's type ("Apple");
    `sliced` asks for a slice of it ("AppleSliced" in ALFRED's names). For
    look_at_obj_in_light the `parent_receptacle` is the light (DeskLamp or FloorLamp)."""

    task_type: str
    object: str
    parent_receptacle: str
    sliced: bool = False
    movable_receptacle: str | None = None

    def __post_init__(self) -> None:
        task_type_named(self.task_type).validate(self)

    @cached_property
    def object_type_name(self) -> str:
        """The type the goal is about: the slice type for sliced tasks (asked often, by
        the goal conditions of every searched state, so computed once)."""
        return object_type(self.object).sliced_name if self.sliced else self.object

    @property
    def alfred_name(self) -> str:
        """ALFRED's task folder prefix, e.g. 'pick_heat_then_place_in_recep-AppleSliced-None-Fridge'."""
        return "-".join([self.task_type, self.object_type_name, self.movable_receptacle or "None", self.parent_receptacle])

    @classmethod
    def from_alfred_name(cls, name: str) -> TaskGoal:
        parts = name.split("/")[0].split("-")
        if len(parts) < 4:
            raise ValueError(f"malformed ALFRED task name {name!r}: expected type-object-movable-parent[-scene]")
        task_type, obj, movable, parent = parts[:4]
        sliced = obj.endswith("Sliced")
        return cls(task_type, obj[: -len("Sliced")] if sliced else obj, parent, sliced,
                   None if movable == "None" else movable)

    def to_dict(self) -> dict:
        return asdict(self)


def goal_conditions(goal: TaskGoal, world: World) -> tuple[int, int]:
    """(met, total) goal conditions, as ALFRED counts them."""
    conditions = TASK_TYPES[goal.task_type].goal_conditions(goal, WorldState(world))
    return sum(c.met for c in conditions), len(conditions)


def goal_reads_view(goal: TaskGoal, world: World) -> bool:
    """Whether the goal conditions could change now with the agent's pose alone (cached
    counts must then key on the pose as well as the world's version)."""
    return TASK_TYPES[goal.task_type].reads_view_now(goal, WorldState(world))


def goal_condition_total(goal: TaskGoal) -> int:
    """How many goal conditions the goal has, without a world (for the log of an episode
    that never got as far as the simulator counting them)."""
    return len(TASK_TYPES[goal.task_type].goal_conditions(goal, NothingState()))
