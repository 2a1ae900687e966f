"""ALFRED's recorded start on errands' copy of its floor plan: each posed object put in
the receptacle it sits in or on, and init_action as the agent's start pose, with the
reason for every one that cannot be used.

ALFRED's object_poses say where each object is (x, y, z), not what holds it, so the
receptacle is the nearest of the floor plan's receptacles (those of its openable.json,
whose ids give their positions), within MAX_GAP of its extent: across, its footprint
radius (the catalogue's half extent); in height, where its contents rest: on top of a
counter, table or shelf (just above its id's height), in a cabinet, drawer, microwave
or basin (around and just below its id's height), anywhere from the floor up to twice the
height of its centre for furniture standing on the floor (whose id gives its foot: a
fridge, a desk, a bed). Between receptacles about as close, a quarter of the distance to
the middle of each one's extent decides (the desk the object lies on, not the shelf
beside it; the drawer of a stack whose middle is nearest).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..envs.household.scene import HORIZONS, ObjectSpec, Scene, object_id
from ..envs.tasks.start_state import (AgentStart, PlacedObject, StartState, agent_start_problem, placement_problem,
                                      type_problem)
from .alfred_trajectory import AlfredTrajectory

MAX_GAP = 0.3  # metres an object may be outside a receptacle's extent and still be in or on it
FLOOR_STANDING_BELOW = 0.1  # an id this low gives the foot of furniture standing on the floor
CENTRE_WEIGHT = 0.25
HOLLOW = ("SinkBasin", "BathtubBasin")  # not openable, and yet what they hold sits inside
# Why a recorded pose is not used, for the report (start_state's kinds, and these).
NO_RECEPTACLE_NEAR = "no_receptacle_near"
DROP_REASONS = {
    "unknown_type": "type not in errands' catalogue",
    "not_pickupable": "not a small object in errands",
    NO_RECEPTACLE_NEAR: "no receptacle near",
    "unreachable_receptacle": "receptacle unreachable in errands",
    "not_accepted": "receptacle does not take the type",
    "receptacle_full": "receptacle full",
    "duplicate": "same position as another object",
}


@dataclass
class ImportedStart:
    """The StartState made of a trajectory's recorded start, and what could not be used:
    `dropped` holds one {"object", "kind", "reason"} per pose left out; `agent_problem`
    says why init_action was not used ("" when it was)."""

    start: StartState | None
    poses_used: int = 0
    dropped: list[dict] = field(default_factory=list)
    agent_used: bool = False
    agent_problem: str = ""


def import_start(trajectory: AlfredTrajectory, scene: Scene, receptacle_ids: set[str]) -> ImportedStart:
    """Map the trajectory's object_poses and init_action onto `scene` (the floor plan as
    loaded, unchanged here); `receptacle_ids` are the ids of its openable.json."""
    receptacles = [o for o in scene.fixed if o.id in receptacle_ids and o.object_type.receptacle]
    placed: list[PlacedObject] = []
    dropped: list[dict] = []
    load: dict[str, int] = {}
    taken = {o.id for o in scene.fixed}
    for pose in trajectory.object_poses:
        new_id = object_id(pose.type, *pose.position)
        nearest, gap = nearest_receptacle(pose.position, receptacles)
        problem = type_problem(pose.type)
        if problem is None and gap > MAX_GAP:
            where = f" (the nearest, {nearest.id}, is {gap:.2f} m away)" if nearest is not None else ""
            problem = (NO_RECEPTACLE_NEAR, f"no receptacle within {MAX_GAP} m of {pose.position}{where}")
        if problem is None:
            problem = placement_problem(scene, pose.type, nearest.id, load)
        if problem is None and new_id in taken:
            problem = ("duplicate", f"{new_id} is already taken")
        if problem is not None:
            dropped.append({"object": pose.name, "kind": problem[0], "reason": problem[1]})
            continue
        placed.append(PlacedObject(new_id, nearest.id))
        taken.add(new_id)
        load[nearest.id] = load.get(nearest.id, 0) + 1
    agent, agent_problem = _agent_start(trajectory, scene)
    objects = tuple(placed) if placed else None
    start = StartState(objects, agent) if objects is not None or agent is not None else None
    return ImportedStart(start, len(placed), dropped, agent is not None, agent_problem)


def nearest_receptacle(position: tuple[float, float, float],
                       receptacles: list[ObjectSpec]) -> tuple[ObjectSpec | None, float]:
    """The receptacle the object at `position` is in or on, and its gap to it (metres
    outside its extent); (None, inf) when there is no receptacle."""
    best, best_score, best_gap = None, math.inf, math.inf
    x, y, z = position
    for spec in receptacles:
        low, high = _rest_heights(spec)
        across = math.hypot(x - spec.position[0], z - spec.position[2])
        radius = spec.half_extent or spec.object_type.half_extent
        gap = math.hypot(max(0.0, across - radius), max(0.0, low - y, y - high))
        score = gap + CENTRE_WEIGHT * math.hypot(across, y - (low + high) / 2)
        if score < best_score:
            best, best_score, best_gap = spec, score, gap
    return best, best_gap


def _rest_heights(spec: ObjectSpec) -> tuple[float, float]:
    """The heights at which the receptacle's contents rest (see the module's docstring)."""
    base = spec.position[1]
    if base < FLOOR_STANDING_BELOW:
        return base, 2 * spec.object_type.height
    if spec.object_type.openable or spec.type in HOLLOW:
        return base - 0.15, base + 0.05
    return base, base + 0.15


def _agent_start(trajectory: AlfredTrajectory, scene: Scene) -> tuple[AgentStart | None, str]:
    """init_action as an AgentStart (rotation to the nearest heading, horizon to the
    nearest the camera has), or None and why not."""
    action = trajectory.init_action
    if action is None:
        return None, "the file has no scene.init_action"
    rotation = int(round(action["rotation"] / 90.0)) % 4 * 90
    horizon = min(HORIZONS, key=lambda h: abs(h - action["horizon"]))
    agent = AgentStart(action["x"], action["z"], rotation, horizon)
    problem = agent_start_problem(scene, agent)
    return (None, problem[1]) if problem is not None else (agent, "")
