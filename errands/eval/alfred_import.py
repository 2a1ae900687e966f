"""`errands import alfred`: ALFRED's trajectories (traj_data.json files) as errands tasks
on ALFRED's floor plans, one task per directive (annotation), written as a task JSONL
file, which is a suite: `errands eval --suite FILE --layouts DIR` runs it.

Each trajectory gives the goal (task_type and pddl_params), the floor plan, the start
(object_poses and init_action, through alfred_start.py) and, per directive, the
instruction (task_desc) and the step-by-step instructions (high_descs). The oracle
planner plans the task, and its skills are compared with ALFRED's expert's subgoals
(plan.high_pddl), once per trajectory: its directives share the goal and the start.
What cannot be imported is listed with the reason, and the import goes on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..envs.household.alfred_floorplans import floorplan_numbers
from ..envs.household.object_types import OBJECT_TYPES
from ..envs.household.scene import SceneError
from ..envs.household.scenes import load_scene
from ..envs.household.world import World
from ..envs.tasks.goals import TaskGoal
from ..envs.tasks.task import ImpossibleTask, Task
from ..files import write_json_atomic, write_jsonl_atomic
from ..planners.base import PlanningContext, PlanningError
from ..planners.oracle import OraclePlanner
from .alfred_start import DROP_REASONS, import_start
from .alfred_trajectory import AlfredTrajectory, TrajectoryError, find_trajectories, read_trajectory
from .suite_building import stable_seed

# Why a trajectory (or one directive of it) was not imported, for the summary.
SKIP_REASONS = {
    "malformed": "malformed file",
    "test_split": "test split: no goal in the file",
    "unsupported": "goal errands does not model",
    "missing_floor_plan": "floor plan not in the layouts folder",
    "impossible": "goal the scene cannot support",
    "no_plan": "no plan by the oracle planner",
}
_TYPE_BY_LOWER = {name.lower(): name for name in OBJECT_TYPES}
# ALFRED's subgoals name a slice by its whole object ("apple" after SliceObject(apple)).
_WHOLE_OF_SLICE = {t.sliced_name: t.name for t in OBJECT_TYPES.values() if t.sliceable}


class _Skip(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


@dataclass
class _Imported:
    rows: list[dict]  # the tasks, as the JSONL file holds them
    record: dict  # the trajectory's entry in the report
    skipped: list[dict]  # directives of it that could not be imported


def import_alfred(traj_dir: str | Path, layouts_dir: str | Path, out: str | Path,
                  report_path: str | Path | None = None, progress: bool = False) -> dict:
    """Import every traj_data.json under `traj_dir`, write the tasks to `out` (when there
    are any) and the report to `report_path` (default: OUT with .report.json), both
    atomically; return the report. ValueError when `traj_dir` holds no traj_data.json."""
    from tqdm import tqdm

    traj_dir, layouts_dir, out = Path(traj_dir), Path(layouts_dir), Path(out)
    report_path = Path(report_path) if report_path else out.with_suffix(".report.json")
    files = find_trajectories(traj_dir)
    if not files:
        raise ValueError(f"{traj_dir} holds no traj_data.json (expected ALFRED's folders "
                         f"<task_type>-<object>-<movable>-<parent>-<scene>/trial_.../traj_data.json)")
    floor_plans = {f"FloorPlan{n}" for n in floorplan_numbers(layouts_dir)}
    rows, trajectories, skipped = [], [], []
    for path in tqdm(files, desc="importing ALFRED trajectories", unit="file", disable=not progress):
        name = str(path.relative_to(traj_dir))
        try:
            imported = _import_file(path, name, layouts_dir, floor_plans)
        except _Skip as e:
            skipped.append({"file": name, "kind": e.kind, "reason": str(e)})
            continue
        rows.extend(imported.rows)
        trajectories.append(imported.record)
        skipped.extend(imported.skipped)
    report = _report(traj_dir, layouts_dir, out, files, rows, trajectories, skipped)
    if rows:
        write_jsonl_atomic(out, rows)
    write_json_atomic(report_path, report)
    report["report"] = str(report_path)
    return report


def _import_file(path: Path, name: str, layouts_dir: Path, floor_plans: set[str]) -> _Imported:
    try:
        trajectory = read_trajectory(path)
    except TrajectoryError as e:
        raise _Skip(e.kind, str(e)) from None
    try:
        goal = alfred_goal(trajectory)
    except ValueError as e:
        raise _Skip("unsupported", f"{path}: {e}") from None
    if trajectory.floor_plan not in floor_plans:
        raise _Skip("missing_floor_plan", f"{path}: {trajectory.floor_plan} is not in the layouts folder "
                                          f"{layouts_dir}")
    try:
        scene = load_scene(trajectory.floor_plan, str(layouts_dir))
    except SceneError as e:
        raise _Skip("impossible", f"{path}: {e}") from None
    openable = json.loads((layouts_dir / f"{trajectory.floor_plan}-openable.json").read_text())
    start = import_start(trajectory, scene, set(openable))

    rows, tasks, skipped = [], [], []
    for directive in trajectory.directives:
        task = Task(goal, trajectory.floor_plan, seed=stable_seed(f"{trajectory.task_id}:{directive.repeat_idx}"),
                    instruction=directive.task_desc, step_instructions=list(directive.high_descs),
                    phrasing="human", start=start.start)
        try:
            task.build_scene(str(layouts_dir))
        except ImpossibleTask as e:
            skipped.append({"file": name, "repeat_idx": directive.repeat_idx, "kind": "impossible",
                            "reason": f"{path}: {e}"})
            continue
        episode_id = f"{trajectory.task_id}:{directive.repeat_idx}"
        row = task.to_dict()
        row["episode_id"] = episode_id
        row["alfred"] = {"file": name, "task_id": trajectory.task_id, "repeat_idx": directive.repeat_idx}
        rows.append(row)
        tasks.append(task)
    if not tasks:  # every directive failed alike: the trajectory is what is skipped
        raise _Skip(skipped[0]["kind"], skipped[0]["reason"])
    try:
        comparison = compare_plans(trajectory, tasks[0], str(layouts_dir))
    except PlanningError as e:
        raise _Skip("no_plan", f"{path}: the oracle planner found no plan for {goal.alfred_name}: {e}") from None
    record = {
        "file": name, "task_id": trajectory.task_id, "floor_plan": trajectory.floor_plan,
        "goal": goal.alfred_name, "episodes": [row["episode_id"] for row in rows],
        "poses": {"listed": len(trajectory.object_poses), "used": start.poses_used, "dropped": start.dropped},
        "start_pose": {"used": start.agent_used, "problem": start.agent_problem},
        "plan": comparison,
    }
    return _Imported(rows, record, skipped)


def alfred_goal(trajectory: AlfredTrajectory) -> TaskGoal:
    """The goal of pddl_params: object_target is the whole object (its slice when
    object_sliced), mrecep_target the movable receptacle, and for look_at_obj_in_light
    the light is toggle_target. ValueError for what errands does not model."""
    if trajectory.task_type == "look_at_obj_in_light":
        parent = trajectory.toggle_target or trajectory.parent_target
    else:
        parent = trajectory.parent_target
    return TaskGoal(trajectory.task_type, trajectory.object_target, parent, trajectory.object_sliced,
                    trajectory.mrecep_target or None)


def alfred_steps(trajectory: AlfredTrajectory) -> list[tuple[str, tuple[str, ...]]]:
    """ALFRED's subgoals as skill calls: NoOp dropped, lower-case args as type names."""
    return [(action, tuple(_TYPE_BY_LOWER.get(a.lower(), a) for a in args))
            for action, args in trajectory.high_pddl if action != "NoOp"]


def compare_plans(trajectory: AlfredTrajectory, task: Task, layouts_dir: str) -> dict:
    """The oracle planner's plan for `task` against ALFRED's subgoals: the same calls in
    the same order (a slice named by its whole object, as ALFRED does), and the same
    skill names in the same order whatever their arguments."""
    world = World(task.build_scene(layouts_dir))
    plan = OraclePlanner().plan(task.instruction, PlanningContext(task.instruction, goal=task.goal, world=world))
    ours = [(call.skill, tuple(call.args)) for call in plan.steps]
    theirs = alfred_steps(trajectory)

    def comparable(steps):
        return [(skill, tuple(_WHOLE_OF_SLICE.get(a, a) for a in args)) for skill, args in steps]

    return {"match": comparable(ours) == comparable(theirs),
            "same_skills": [s for s, _ in ours] == [s for s, _ in theirs],
            "alfred": [_call_text(step) for step in theirs], "oracle": [_call_text(step) for step in ours]}


def _call_text(step: tuple[str, tuple[str, ...]]) -> str:
    skill, args = step
    return f"{skill}({', '.join(args)})"


def _report(traj_dir: Path, layouts_dir: Path, out: Path, files: list[Path], rows: list[dict],
            trajectories: list[dict], skipped: list[dict]) -> dict:
    def count(kinds) -> dict:
        found: dict[str, int] = {}
        for kind in kinds:
            found[kind] = found.get(kind, 0) + 1
        return found

    dropped = [d for t in trajectories for d in t["poses"]["dropped"]]
    n = len(trajectories)
    exact = sum(t["plan"]["match"] for t in trajectories)
    same = sum(t["plan"]["same_skills"] for t in trajectories)
    return {
        "traj_dir": str(traj_dir), "layouts": str(layouts_dir), "out": str(out) if rows else None,
        "files_read": len(files), "trajectories_imported": n, "tasks_written": len(rows),
        "skipped_by_reason": count(s["kind"] for s in skipped), "skipped": skipped,
        "poses": {"used": sum(t["poses"]["used"] for t in trajectories), "dropped": len(dropped),
                  "dropped_by_reason": count(d["kind"] for d in dropped)},
        "start_poses": {"used": sum(t["start_pose"]["used"] for t in trajectories),
                        "dropped": sum(not t["start_pose"]["used"] for t in trajectories)},
        "plan_agreement": {"trajectories": n, "exact": exact, "same_skills": same,
                           "exact_rate": round(exact / n, 4) if n else None,
                           "same_skills_rate": round(same / n, 4) if n else None},
        "trajectories": trajectories,
    }


def format_summary(report: dict) -> str:
    """What a person reads after an import: counts, skip reasons, plan agreement."""
    lines = [f"read {report['files_read']} traj_data.json files: {report['tasks_written']} tasks from "
             f"{report['trajectories_imported']} trajectories"
             + (f" written to {report['out']}" if report["out"] else " (nothing written)")]
    skipped = report["skipped_by_reason"]
    if skipped:
        lines.append(f"skipped {sum(skipped.values())}:")
        lines += [f"  {n:4d}  {SKIP_REASONS.get(kind, kind)}" for kind, n in skipped.items()]
    poses = report["poses"]
    reasons = ", ".join(f"{n} {DROP_REASONS.get(kind, kind)}" for kind, n in poses["dropped_by_reason"].items())
    lines.append(f"object poses: {poses['used']} used, {poses['dropped']} dropped"
                 + (f" ({reasons})" if reasons else ""))
    starts = report["start_poses"]
    lines.append(f"start poses: {starts['used']} used, {starts['dropped']} not")
    agreement = report["plan_agreement"]
    if agreement["trajectories"]:
        lines.append(f"plans against ALFRED's expert: {agreement['exact']}/{agreement['trajectories']} the same "
                     f"({agreement['exact_rate']:.0%}), {agreement['same_skills']}/{agreement['trajectories']} the "
                     f"same skills in the same order ({agreement['same_skills_rate']:.0%})")
    lines.append(f"report: {report['report']}")
    return "\n".join(lines)
