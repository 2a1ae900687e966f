"""The goal conditions of a task one by one, each with a sentence and whether it holds.

errands.envs.tasks.goals counts conditions (met, total) as ALFRED does; the viewer wants
to show which ones hold, so this module tells them apart. It follows goal_conditions()
condition by condition, and the tests check that the two agree at every step of real
episodes: the number of conditions met here is goal_conditions()'s `met`.
"""

from __future__ import annotations

from ..envs.household.world import World
from ..envs.tasks.goals import TRANSFORM_FLAG, TaskGoal

# The word for each transform task's state, as the checklist says it.
TRANSFORM_WORD = {"cleaned": "clean", "heated": "hot", "cooled": "cold"}


def _a(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def goal_checklist(goal: TaskGoal, world: World) -> list[tuple[str, bool]]:
    """(description, met) for every goal condition, in goal_conditions()'s order."""
    name, parent = goal.object_type_name, goal.parent_receptacle
    objs = world.objects_of_type(name)
    parents = world.objects_of_type(parent)
    parent_ids = {p.id for p in parents}
    items: list[tuple[str, bool]] = []
    if goal.sliced:
        items.append((f"the {goal.object} is sliced", bool(objs)))
    t = goal.task_type
    if t == "pick_and_place_simple":
        items.append((f"{_a(name)} is in/on {_a(parent)}", any(o.parent in parent_ids for o in objs)))
    elif t == "pick_two_obj_and_place":
        ids = {o.id for o in objs}
        best = max((sum(1 for c in p.contents if c in ids) for p in parents), default=0)
        items.append((f"one {name} is in/on {_a(parent)}", best >= 1))
        items.append((f"a second {name} is in/on the same {parent}", best >= 2))
    elif t == "look_at_obj_in_light":
        held = world.held is not None and world.held in {o.id for o in objs}
        visible = set(world.visible_ids())
        items.append((f"the agent holds {_a(name)}", held))
        items.append((f"a switched-on {parent} is in view", any(p.is_on and p.id in visible for p in parents)))
    elif t in TRANSFORM_FLAG:
        word = TRANSFORM_WORD[TRANSFORM_FLAG[t]]
        placed = {o.id for o in objs if o.parent in parent_ids}
        done = {o.id for o in objs if getattr(o, TRANSFORM_FLAG[t])}
        items.append((f"{_a(name)} is in/on {_a(parent)}", bool(placed)))
        items.append((f"{_a(name)} is {word}", bool(done)))
        items.append((f"a {word} {name} is in/on {_a(parent)}", bool(placed & done)))
    elif t == "pick_and_place_with_movable_recep":
        movable = goal.movable_receptacle
        movables = world.objects_of_type(movable)
        in_movable = [o for o in objs if o.parent in {m.id for m in movables}]
        movable_placed = {m.id for m in movables if m.parent in parent_ids}
        items.append((f"{_a(name)} is in/on {_a(movable)}", bool(in_movable)))
        items.append((f"{_a(movable)} is in/on {_a(parent)}", bool(movable_placed)))
        items.append((f"{_a(name)} is in/on {_a(movable)} that is in/on {_a(parent)}",
                      any(o.parent in movable_placed for o in in_movable)))
    return items
