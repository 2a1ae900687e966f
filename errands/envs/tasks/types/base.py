"""What every task type is: a goal check, what a scene must hold, and the goal
conditions as ALFRED counts them, read from a `GoalState` so that the env (over the
live world) and the symbolic search (over its abstract states) count them the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Protocol

from ...household.object_types import OBJECT_TYPES, ObjectType, object_type

if TYPE_CHECKING:
    from ...household.scene import Scene
    from ...household.world import World
    from ..goals import TaskGoal


class Condition(NamedTuple):
    """One goal condition: what it says (for people) and whether it holds."""

    text: str
    met: bool


class GoalState(Protocol):
    """What goal conditions read of a state."""

    @property
    def held(self) -> str | None: ...

    def ids_of_type(self, type_name: str) -> list[str]:
        """The objects of the type that exist now (the held one included)."""

    def parent_of(self, object_id: str) -> str | None:
        """The receptacle the object is in (None while held)."""

    def has_flag(self, object_id: str, flag: str) -> bool:
        """The object is heated, cooled or cleaned (a transform's flag)."""

    def light_on_in_view(self, type_name: str) -> bool:
        """A switched-on light of the type is in view."""


class WorldState:
    """The live world as a GoalState."""

    def __init__(self, world: World):
        self.world = world
        self.held = world.held

    def ids_of_type(self, type_name: str) -> list[str]:
        return [o.id for o in self.world.objects_of_type(type_name)]

    def parent_of(self, object_id: str) -> str | None:
        return self.world.objects[object_id].parent

    def has_flag(self, object_id: str, flag: str) -> bool:
        return getattr(self.world.objects[object_id], flag)

    def light_on_in_view(self, type_name: str) -> bool:
        lit = [p.id for p in self.world.objects_of_type(type_name) if p.is_on]
        if not lit:  # what is in view matters only then (and costs more to work out)
            return False
        visible = set(self.world.visible_ids())
        return any(oid in visible for oid in lit)


class NothingState:
    """A state where no object exists and nothing is held: every condition unmet, which
    is enough to count them (a type's number of conditions does not depend on the state)."""

    held = None

    def ids_of_type(self, type_name: str) -> list[str]:
        return []

    def parent_of(self, object_id: str) -> str | None:
        return None

    def has_flag(self, object_id: str, flag: str) -> bool:
        return False

    def light_on_in_view(self, type_name: str) -> bool:
        return False


def article(word: str) -> str:
    """'a Mug', 'an Apple'."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


class TaskType:
    """One of ALFRED's task types. Subclasses set `name` and `note` and write `validate`,
    `conditions` and `estimate`; the rest has defaults most types keep."""

    name: str = ""
    note: str = ""  # what the task asks, in the LLM prompt's list of task types
    objects_needed: int = 1  # how many objects of the goal's type a scene must have
    parent_is_light: bool = False  # the goal's "parent receptacle" is the lamp to switch on
    reads_view: bool = False  # its conditions depend on what is in view (a cache must key on the pose)
    # Instruction templates by phrasing set ("train", "novel"; see errands.envs.tasks.
    # instructions.describe_goal). Slots: {obj} {objs} {bare} {parent} {movable}
    # {movable_it} {light} {verb} {done}, capitalised for a capital; [a|b] picks one.
    goal_templates: dict[str, list[str]] = {}

    # --- the goal ---------------------------------------------------------------------

    def validate(self, goal: TaskGoal) -> None:
        """Raise ValueError naming what is wrong with the goal's parameters."""
        raise NotImplementedError

    # --- the scene --------------------------------------------------------------------

    def needed_fixtures(self, goal: TaskGoal) -> list[str]:
        """The furniture and appliances the goal needs, which a scene cannot be given."""
        return [goal.parent_receptacle]

    def requirements(self, goal: TaskGoal, scene: Scene) -> list[str]:
        """What the scene lacks for this goal, each as 'a ...' ([] when it has all)."""
        reachable = {o.type for o in scene.fixed if o.id not in scene.unreachable}
        return [f"a reachable {t}" for t in self.needed_fixtures(goal) if t not in reachable]

    def kept_away_from(self, goal: TaskGoal) -> tuple[str, ...]:
        """Receptacles the goal's objects must not start in (the goal would be met)."""
        return () if self.parent_is_light else (goal.parent_receptacle,)

    # --- the goal conditions ------------------------------------------------------------

    def goal_conditions(self, goal: TaskGoal, state: GoalState) -> list[Condition]:
        """Every goal condition in ALFRED's order: the slice first when the goal asks for
        one, then the type's own."""
        objs = state.ids_of_type(goal.object_type_name)
        sliced = [Condition(f"the {goal.object} is sliced", bool(objs))] if goal.sliced else []
        return sliced + self.conditions(goal, state, objs)

    def conditions(self, goal: TaskGoal, state: GoalState, objs: list[str]) -> list[Condition]:
        """The type's own conditions; `objs` are the objects of the goal's type."""
        raise NotImplementedError

    def reads_view_now(self, goal: TaskGoal, state: GoalState) -> bool:
        """Whether, in this state, the conditions could change with the agent's pose alone
        (a cache of them keyed on the world's version must key on the pose too then)."""
        return self.reads_view

    def estimate(self, goal: TaskGoal, state: GoalState) -> int:
        """How far the state is from the goal, for the symbolic search's best-first
        order: 0 exactly when every goal condition holds."""
        raise NotImplementedError


# --- checks the types share -------------------------------------------------------------

def check_object(goal: TaskGoal) -> ObjectType:
    """The goal's object can be picked up, and sliced when the goal asks for a slice."""
    obj = object_type(goal.object)
    if not obj.pickupable:
        raise ValueError(f"task object {goal.object!r} cannot be picked up")
    if goal.sliced and not obj.sliceable:
        raise ValueError(f"task object {goal.object!r} cannot be sliced (sliceable: "
                         f"{', '.join(t.name for t in OBJECT_TYPES.values() if t.sliceable)})")
    return obj


def check_fixed_receptacle(goal: TaskGoal) -> ObjectType:
    parent = object_type(goal.parent_receptacle)
    if not parent.receptacle or parent.pickupable:
        raise ValueError(f"parent receptacle {goal.parent_receptacle!r} is not a fixed receptacle")
    return parent


def check_no_movable(goal: TaskGoal) -> None:
    if goal.movable_receptacle:
        raise ValueError(f"{goal.task_type} takes no movable receptacle")


def check_holds(parent: ObjectType, held: str) -> None:
    if held not in parent.accepts:
        raise ValueError(f"a {parent.name} cannot hold a {held}")


def placed_in(state: GoalState, objs: list[str], parent_ids: set[str]) -> list[str]:
    """The objects directly in one of the receptacles."""
    return [o for o in objs if state.parent_of(o) in parent_ids]
