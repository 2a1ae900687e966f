"""Reading ALFRED's trajectory files (`traj_data.json`, one per trial folder): the fields
errands imports, each checked, so that a bad file is reported by its path and the field
that is wrong rather than failing somewhere later.

What is read: task_id, task_type, pddl_params (the goal), scene (floor plan, object_poses,
init_action), plan.high_pddl (the expert's subgoals) and turk_annotations.anns (one
directive each: task_desc and high_descs). The low-level actions and images are not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


class TrajectoryError(ValueError):
    """A traj_data.json errands cannot import. `kind` is "malformed" (bad JSON, a field
    missing or of the wrong type) or "test_split" (no goal: ALFRED's test files keep it)."""

    def __init__(self, path: Path, message: str, kind: str = "malformed"):
        super().__init__(f"{path}: {message}")
        self.kind = kind


@dataclass(frozen=True)
class ObjectPose:
    """One entry of scene.object_poses: ALFRED's object name ('Apple_2b3d9a1f') and where
    the object is (x, y, z in metres)."""

    name: str
    position: tuple[float, float, float]

    @property
    def type(self) -> str:
        return self.name.split("_")[0]


@dataclass(frozen=True)
class Directive:
    """One annotation: the goal instruction and the step-by-step ones."""

    repeat_idx: int
    task_desc: str
    high_descs: tuple[str, ...]


@dataclass(frozen=True)
class AlfredTrajectory:
    path: Path
    task_id: str
    task_type: str
    object_target: str
    object_sliced: bool
    parent_target: str
    mrecep_target: str
    toggle_target: str
    floor_plan: str  # "FloorPlanN"
    object_poses: tuple[ObjectPose, ...]
    init_action: dict | None  # TeleportFull's x, z, rotation, horizon; None when the file has none
    high_pddl: tuple[tuple[str, tuple[str, ...]], ...]  # (action, args) as written, NoOp included
    directives: tuple[Directive, ...]


def find_trajectories(traj_dir: str | Path) -> list[Path]:
    """Every traj_data.json under `traj_dir`, in a stable order."""
    folder = Path(traj_dir)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder (expected ALFRED's data folder with trial "
                                f"folders holding traj_data.json)")
    return sorted(folder.rglob("traj_data.json"))


def read_trajectory(path: str | Path) -> AlfredTrajectory:
    """The trajectory in `path`, or TrajectoryError naming the file and the field."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise TrajectoryError(path, f"not valid JSON ({e})") from None
    if not isinstance(data, dict):
        raise TrajectoryError(path, f"expected a JSON object, got {type(data).__name__}")
    if "pddl_params" not in data and "plan" not in data:
        raise TrajectoryError(path, "no pddl_params and no plan: a test-split trajectory, whose goal ALFRED "
                                    "does not publish", kind="test_split")
    field = _Fields(path, data)
    scene = field.get("scene", dict)
    floor_plan = field.get("scene.floor_plan", str)
    if not floor_plan.startswith("FloorPlan") or not floor_plan.removeprefix("FloorPlan").isdigit():
        raise TrajectoryError(path, f"scene.floor_plan must be 'FloorPlanN', got {floor_plan!r}")
    poses = []
    listed = field.get("scene.object_poses", list) if "object_poses" in scene else []
    for i in range(len(listed)):
        name = field.get(f"scene.object_poses[{i}].objectName", str)
        xyz = tuple(float(field.get(f"scene.object_poses[{i}].position.{axis}", (int, float))) for axis in "xyz")
        poses.append(ObjectPose(name, xyz))
    init_action = None
    if scene.get("init_action") is not None:
        init_action = {key: float(field.get(f"scene.init_action.{key}", (int, float)))
                       for key in ("x", "z", "rotation", "horizon")}
    high_pddl = []
    for i in range(len(field.get("plan.high_pddl", list))):
        action = field.get(f"plan.high_pddl[{i}].discrete_action.action", str)
        args = field.get(f"plan.high_pddl[{i}].discrete_action.args", list)
        if not all(isinstance(a, str) for a in args):
            raise TrajectoryError(path, f"plan.high_pddl[{i}].discrete_action.args must be a list of strings")
        high_pddl.append((action, tuple(args)))
    directives = []
    anns = field.get("turk_annotations.anns", list)
    if not anns:
        raise TrajectoryError(path, "turk_annotations.anns is empty: no directive to import")
    for i in range(len(anns)):
        task_desc = field.get(f"turk_annotations.anns[{i}].task_desc", str).strip()
        if not task_desc:
            raise TrajectoryError(path, f"turk_annotations.anns[{i}].task_desc is empty")
        steps = field.get(f"turk_annotations.anns[{i}].high_descs", list)
        if not all(isinstance(s, str) for s in steps):
            raise TrajectoryError(path, f"turk_annotations.anns[{i}].high_descs must be a list of strings")
        directives.append(Directive(i, task_desc, tuple(s.strip() for s in steps)))
    return AlfredTrajectory(
        path=path, task_id=field.get("task_id", str), task_type=field.get("task_type", str),
        object_target=field.get("pddl_params.object_target", str),
        object_sliced=field.get("pddl_params.object_sliced", bool),
        parent_target=field.get("pddl_params.parent_target", str),
        mrecep_target=field.get("pddl_params.mrecep_target", str),
        toggle_target=field.get("pddl_params.toggle_target", str),
        floor_plan=floor_plan, object_poses=tuple(poses), init_action=init_action,
        high_pddl=tuple(high_pddl), directives=tuple(directives))


class _Fields:
    """Looks up dotted paths ('scene.object_poses[3].position.x') in one file's data."""

    def __init__(self, path: Path, data: dict):
        self.path = path
        self.data = data

    def get(self, dotted: str, kind):
        value = self.data
        walked = ""
        for part in dotted.replace("[", ".[").split("."):
            walked = f"{walked}{part}" if part.startswith("[") or not walked else f"{walked}.{part}"
            if part.startswith("["):
                index = int(part[1:-1])
                if not isinstance(value, list) or index >= len(value):
                    raise TrajectoryError(self.path, f"{walked} missing")
                value = value[index]
            else:
                if not isinstance(value, dict) or part not in value:
                    raise TrajectoryError(self.path, f"{walked} missing")
                value = value[part]
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
            raise TrajectoryError(self.path, f"{dotted} must be {names}, got {value!r}"[:300])
        return value
