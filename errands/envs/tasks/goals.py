"""ALFRED's seven task types and their goal conditions, counted exactly as ALFRED counts
them (models/eval and env/tasks in the ALFRED code base): every type has a fixed number
of conditions, plus one when the object must be sliced; success is all of them met.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..household.object_types import LIGHT_TYPES, OBJECT_TYPES, object_type
from ..household.world import World

TASK_TYPES = (
    "pick_and_place_simple",
    "pick_two_obj_and_place",
    "look_at_obj_in_light",
    "pick_clean_then_place_in_recep",
    "pick_heat_then_place_in_recep",
    "pick_cool_then_place_in_recep",
    "pick_and_place_with_movable_recep",
)
# The state each transform task requires, and the WorldObject flag that records it.
TRANSFORM_FLAG = {
    "pick_clean_then_place_in_recep": "cleaned",
    "pick_heat_then_place_in_recep": "heated",
    "pick_cool_then_place_in_recep": "cooled",
}


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
        if self.task_type not in TASK_TYPES:
            raise ValueError(f"unknown task type {self.task_type!r}: expected one of {', '.join(TASK_TYPES)}")
        obj = object_type(self.object)
        if not obj.pickupable:
            raise ValueError(f"task object {self.object!r} cannot be picked up")
        if self.sliced and not obj.sliceable:
            raise ValueError(f"task object {self.object!r} cannot be sliced (sliceable: "
                             f"{', '.join(t.name for t in OBJECT_TYPES.values() if t.sliceable)})")
        parent = object_type(self.parent_receptacle)
        if self.task_type == "look_at_obj_in_light":
            if self.parent_receptacle not in LIGHT_TYPES:
                raise ValueError(f"look_at_obj_in_light needs a light ({', '.join(LIGHT_TYPES)}), "
                                 f"got {self.parent_receptacle!r}")
            return
        if not parent.receptacle or parent.pickupable:
            raise ValueError(f"parent receptacle {self.parent_receptacle!r} is not a fixed receptacle")
        held = self.object_type_name
        if self.task_type == "pick_and_place_with_movable_recep":
            if not self.movable_receptacle:
                raise ValueError("pick_and_place_with_movable_recep needs a movable receptacle (Bowl, Plate, ...)")
            movable = object_type(self.movable_receptacle)
            if not movable.movable_receptacle:
                raise ValueError(f"{self.movable_receptacle!r} is not a movable receptacle")
            if held not in movable.accepts:
                raise ValueError(f"a {self.movable_receptacle} cannot hold a {held}")
            held = self.movable_receptacle
        elif self.movable_receptacle:
            raise ValueError(f"{self.task_type} takes no movable receptacle")
        if held not in parent.accepts:
            raise ValueError(f"a {self.parent_receptacle} cannot hold a {held}")
        flag = TRANSFORM_FLAG.get(self.task_type)
        if flag:
            t = object_type(held)
            able = {"cleaned": t.washable, "heated": t.heatable, "cooled": t.coolable}[flag]
            if not able:
                raise ValueError(f"a {held} cannot be {flag}")

    @property
    def object_type_name(self) -> str:
        """The type the goal is about: the slice type for sliced tasks."""
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
    objs = world.objects_of_type(goal.object_type_name)
    met, total = 0, 0
    if goal.sliced:
        total += 1
        met += 1 if objs else 0
    t = goal.task_type
    parents = world.objects_of_type(goal.parent_receptacle)
    if t == "pick_and_place_simple":
        total += 1
        met += 1 if any(o.parent in {p.id for p in parents} for o in objs) else 0
    elif t == "pick_two_obj_and_place":
        total += 2
        ids = {o.id for o in objs}
        best = max((sum(1 for c in p.contents if c in ids) for p in parents), default=0)
        met += min(best, 2)
    elif t == "look_at_obj_in_light":
        total += 2
        met += 1 if world.held is not None and world.held in {o.id for o in objs} else 0
        visible = set(world.visible_ids())
        met += 1 if any(p.is_on and p.id in visible for p in parents) else 0
    elif t in TRANSFORM_FLAG:
        total += 3
        parent_ids = {p.id for p in parents}
        placed = {o.id for o in objs if o.parent in parent_ids}
        done = {o.id for o in objs if getattr(o, TRANSFORM_FLAG[t])}
        met += (1 if placed else 0) + (1 if done else 0) + (1 if placed & done else 0)
    elif t == "pick_and_place_with_movable_recep":
        total += 3
        parent_ids = {p.id for p in parents}
        movables = world.objects_of_type(goal.movable_receptacle)
        in_movable = [o for o in objs if o.parent in {m.id for m in movables}]
        movable_placed = {m.id for m in movables if m.parent in parent_ids}
        met += (1 if in_movable else 0) + (1 if movable_placed else 0)
        met += 1 if any(o.parent in movable_placed for o in in_movable) else 0
    return met, total
