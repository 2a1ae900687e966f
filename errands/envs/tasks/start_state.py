"""A task's recorded start: where a dataset put the small objects and the agent (tasks
imported from ALFRED's trajectories carry one). Task.build_scene applies it to the
floor plan before prepare_scene adds what the goal still needs; a task without one
starts as its scene and seed place things.

The checks live here, once, so that the importer (which reports why a recorded pose is
dropped) and build_scene (which refuses a hand-edited start that breaks them) agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..household.object_types import OBJECT_TYPES, type_of_id
from ..household.scene import HEADINGS, HORIZONS, ObjectSpec, Pose, Scene, SceneError


@dataclass(frozen=True)
class PlacedObject:
    """A small object and the fixed receptacle it starts in. The id is AI2-THOR's
    ('Apple|+00.60|+00.95|-01.90'): it names the type and where the object is."""

    id: str
    receptacle: str

    @property
    def type(self) -> str:
        return type_of_id(self.id)


@dataclass(frozen=True)
class AgentStart:
    """Where the agent starts, as AI2-THOR's TeleportFull takes it: x, z in metres on the
    0.25 m grid, the heading (0 faces +z, 90 faces +x) and the camera horizon in degrees."""

    x: float
    z: float
    rotation: int
    horizon: int


@dataclass(frozen=True)
class StartState:
    """`objects`: every small object of the scene at the start (None keeps the scene's own,
    placed from its seed); `agent`: the start pose (None keeps the scene's)."""

    objects: tuple[PlacedObject, ...] | None = None
    agent: AgentStart | None = None

    def to_dict(self) -> dict:
        data: dict = {}
        if self.objects is not None:
            data["objects"] = [{"id": o.id, "receptacle": o.receptacle} for o in self.objects]
        if self.agent is not None:
            a = self.agent
            data["agent"] = {"x": a.x, "z": a.z, "rotation": a.rotation, "horizon": a.horizon}
        return data

    @classmethod
    def from_dict(cls, data) -> StartState:
        if not isinstance(data, dict):
            raise ValueError(f"a task's 'start' must be an object with 'objects' and/or 'agent', got {data!r}")
        objects = data.get("objects")
        if objects is not None:
            try:
                objects = tuple(PlacedObject(str(o["id"]), str(o["receptacle"])) for o in objects)
            except (TypeError, KeyError):
                raise ValueError(f"start 'objects' must be a list of {{'id', 'receptacle'}}, got {objects!r}") from None
        agent = data.get("agent")
        if agent is not None:
            try:
                agent = AgentStart(float(agent["x"]), float(agent["z"]), int(agent["rotation"]), int(agent["horizon"]))
            except (TypeError, KeyError, ValueError):
                raise ValueError(f"start 'agent' must have x, z, rotation and horizon, got {agent!r}") from None
        return cls(objects, agent)

    def apply(self, scene: Scene) -> None:
        """Put the recorded objects and agent into `scene` (a copy of the floor plan's),
        replacing its own small objects and start pose; SceneError names what does not fit."""
        if self.objects is not None:
            scene.objects = [o for o in scene.objects if o.position is not None]  # furniture and fixtures
            load: dict[str, int] = {}
            taken = {o.id for o in scene.objects}
            for placed in self.objects:
                problem = placement_problem(scene, placed.type, placed.receptacle, load)
                if problem is None and placed.id in taken:
                    problem = ("duplicate", "another object has the same id")
                if problem is not None:
                    raise SceneError(f"{scene.name}: cannot place {placed.id} in {placed.receptacle}: {problem[1]}")
                scene.objects.append(ObjectSpec(placed.id, placed.type, None, parent=placed.receptacle))
                taken.add(placed.id)
                load[placed.receptacle] = load.get(placed.receptacle, 0) + 1
        if self.agent is not None:
            problem = agent_start_problem(scene, self.agent)
            if problem is not None:
                raise SceneError(f"{scene.name}: cannot start the agent at {self.agent}: {problem[1]}")
            row, col = scene.xz_cell(self.agent.x, self.agent.z)
            scene.start_pose = Pose(row, col, self.agent.rotation, self.agent.horizon)


def placement_problem(scene: Scene, type_name: str, receptacle_id: str,
                      load: dict[str, int]) -> tuple[str, str] | None:
    """Why an object of `type_name` cannot start in the receptacle (a kind and a message
    for people), or None when it can; `load` counts what is already placed in each."""
    problem = type_problem(type_name)
    if problem is not None:
        return problem
    receptacle = next((o for o in scene.fixed if o.id == receptacle_id), None)
    if receptacle is None or not receptacle.object_type.receptacle:
        return "no_receptacle", f"{scene.name} has no receptacle {receptacle_id}"
    if receptacle_id in scene.unreachable:
        return "unreachable_receptacle", f"{receptacle_id} cannot be reached in errands' {scene.name}"
    if type_name not in receptacle.object_type.accepts:
        return "not_accepted", f"a {receptacle.type} does not take a {type_name} in errands"
    if load.get(receptacle_id, 0) >= receptacle.object_type.capacity:
        return "receptacle_full", f"{receptacle_id} is full (it holds {receptacle.object_type.capacity})"
    return None


def type_problem(type_name: str) -> tuple[str, str] | None:
    """Why no object of `type_name` can be placed at all (a kind and a message), or None."""
    kind = OBJECT_TYPES.get(type_name)
    if kind is None:
        return "unknown_type", f"{type_name} is not an object type errands models"
    if not kind.pickupable:
        return "not_pickupable", f"{type_name} is not a small object in errands (furniture comes from the floor plan)"
    return None


def agent_start_problem(scene: Scene, agent: AgentStart) -> tuple[str, str] | None:
    """Why the agent cannot start there (a kind and a message), or None when it can: the
    cell must be floor connected to the scene's own start, the heading and horizon ones
    the simulator has."""
    if agent.rotation not in HEADINGS:
        return "bad_rotation", f"rotation {agent.rotation} is not one of {HEADINGS}"
    if agent.horizon not in HORIZONS:
        return "bad_horizon", f"horizon {agent.horizon} is not one of {HORIZONS}"
    cell = scene.xz_cell(agent.x, agent.z)
    if not scene.is_floor(*cell):
        return "not_standable", f"({agent.x}, {agent.z}) is not a floor cell of errands' {scene.name}"
    if cell not in scene.reachable_cells(scene.start_pose[:2]):
        return "not_connected", f"({agent.x}, {agent.z}) is cut off from the rest of errands' {scene.name}"
    return None
