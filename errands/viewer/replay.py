"""An episode played again from its EpisodeLog, to show any step of it.

An EpisodeLog holds no pictures: the world is deterministic, so resetting the simulator
with the log's task and taking the logged actions again rebuilds every step. A Replay
plays the whole log once when it is opened, to check that the simulator agrees with the
log (each action's success and the goal conditions) and to record the goal checklist at
every step; then it draws a step on request by moving a cursor env there (forward from
where it is, or from the start when going back, which replaying makes cheap).

Step t means "after t actions": t = 0 is the start, t = len(steps) the end, so an
episode of n actions has n + 1 frames.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from ..envs.household_env import HouseholdEnv
from ..envs.tasks.task import Task
from ..episode_log import EpisodeLog, PlanRecord, SkillRecord, StepRecord
from .checklist import goal_checklist
from .frames import DEFAULT_RESOLUTION, check_view, png_bytes, render_view

SKILL_STATUSES = ("pending", "running", "done", "failed")
PNG_CACHE_SIZE = 64


class ReplayError(ValueError):
    """The log cannot be replayed: it is malformed, or its task cannot be rebuilt."""


def parse_log(record: dict) -> EpisodeLog:
    """An EpisodeLog from a JSON record (EpisodeLog.from_dict checks every record in it)."""
    try:
        log = EpisodeLog.from_dict(record)
    except (ValueError, TypeError) as e:
        raise ReplayError(f"malformed episode log: {e}") from None
    return log


# --- skills over time -------------------------------------------------------------------

def skill_timeline(record: SkillRecord | None) -> list[list]:
    """When a skill's status changes: [[t, status], ...], t ascending. A skill is pending
    until the step it starts at, running from then, and done or failed from the step it
    ended at; a skill with no record (it never ran) stays pending."""
    points = [[0, "pending"]]
    if record is not None:
        points.append([record.start, "running"])
        if record.status in ("done", "failed") and record.end is not None:
            points.append([record.end, record.status])
    timeline: list[list] = []
    for t, status in points:  # one status per step: the last change at a step wins
        if timeline and timeline[-1][0] == t:
            timeline[-1][1] = status
        else:
            timeline.append([t, status])
    return timeline


def status_at(timeline: list[list], t: int) -> str:
    """A skill's status after t actions, from its timeline."""
    status = timeline[0][1]
    for start, value in timeline:
        if start > t:
            break
        status = value
    return status


def plans_with_timelines(plans: list[PlanRecord], skill_records: list[SkillRecord]) -> list[dict]:
    """Every plan (the first and each re-plan: from which step, and why) with each of its
    skills' timeline, for the page to show any step's statuses by looking them up."""
    records = {(r.plan, r.index): r for r in skill_records}
    out = []
    for p, plan in enumerate(plans):
        skills = []
        for i, call in enumerate(plan.plan):
            record = records.get((p, i))
            label = str(call)
            if isinstance(call, dict):
                label = f"{call.get('skill')}({', '.join(map(str, call.get('args', [])))})"
            skills.append({"label": label, "timeline": skill_timeline(record),
                           "reason": record.reason if record is not None else ""})
        out.append({"step": plan.step, "reason": plan.reason, "skills": skills})
    return out


# --- the replay ---------------------------------------------------------------------------

class Replay:
    """One episode log, verified against the simulator, drawn at any step."""

    def __init__(self, record: dict, layouts_dir: str | None = None, resolution: int = DEFAULT_RESOLUTION):
        self.log = parse_log(record)
        try:
            self.task = Task.from_dict(self.log.task)
        except (ValueError, KeyError, TypeError) as e:
            raise ReplayError(f"the log's task cannot be rebuilt: {e}") from None
        self.resolution = resolution
        self.env = HouseholdEnv(layouts_dir=layouts_dir)
        self.lock = threading.Lock()
        self.t: int | None = None  # the step the cursor env is at
        self._png: OrderedDict[tuple[int, str], bytes] = OrderedDict()
        self.checklist_text: list[str] = []
        self.checklist_met: list[list[bool]] = []  # per condition, per step
        self.divergence: dict | None = None
        self._replay_all()

    @property
    def num_frames(self) -> int:
        return len(self.log.steps) + 1

    def _reset(self) -> None:
        try:
            self.env.reset(options={"task": self.task})
        except (ValueError, FileNotFoundError) as e:
            raise ReplayError(f"the log's scene {self.task.scene!r} cannot be built: {e}") from None
        self.t = 0

    def _replay_all(self) -> None:
        """Play every logged action once: the checklist at each step, and the first step
        where the simulator disagrees with the log."""
        self._reset()
        goal = self.task.goal
        first = goal_checklist(goal, self.env.world)
        self.checklist_text = [text for text, _ in first]
        self.checklist_met = [[met] for _, met in first]
        for step in self.log.steps:
            _, _, _, _, info = self.env.step(step.action)
            self.t += 1
            for row, (_, met) in zip(self.checklist_met, goal_checklist(goal, self.env.world)):
                row.append(met)
            if self.divergence is None:
                self.divergence = _compare(self.t, step, info)

    def _goto(self, t: int) -> None:
        if not 0 <= t < self.num_frames:
            raise ValueError(f"step {t} is outside this episode: expected 0 to {self.num_frames - 1}")
        if self.t is None or t < self.t:
            self._reset()
        while self.t < t:
            self.env.step(self.log.steps[self.t].action)
            self.t += 1

    def frame(self, t: int, view: str) -> np.ndarray:
        """The RGB picture of step t: view 'first' (the agent's camera) or 'map'."""
        check_view(view)
        with self.lock:
            self._goto(t)
            return render_view(self.env, view, self.resolution)

    def frame_png(self, t: int, view: str) -> bytes:
        key = (t, check_view(view))
        with self.lock:
            cached = self._png.get(key)
            if cached is not None:
                self._png.move_to_end(key)
                return cached
        data = png_bytes(self.frame(t, view))
        with self.lock:
            self._png[key] = data
            while len(self._png) > PNG_CACHE_SIZE:
                self._png.popitem(last=False)
        return data

    def view(self) -> dict:
        """What the episode page shows, as plain JSON."""
        log = self.log
        return {
            "instruction": log.instruction, "task": log.task, "task_type": log.task_type,
            "scene": self.task.scene, "planner": log.planner, "policy": log.policy,
            "success": log.success, "failure_category": log.failure_category,
            "failure_reason": log.failure_reason, "failure_kind": log.failure_kind,
            "goal_conditions": list(log.goal_conditions), "metrics": log.episode_metrics(),
            "num_frames": self.num_frames, "steps": [s.to_dict() for s in log.steps],
            "plans": plans_with_timelines(log.plans, log.skills),
            "checklist": [{"text": text, "met": "".join("1" if m else "0" for m in row)}
                          for text, row in zip(self.checklist_text, self.checklist_met)],
            "divergence": self.divergence,
        }


def _compare(t: int, step: StepRecord, info: dict) -> dict | None:
    """A description of how step t's replay differs from the log, or None."""
    replayed = StepRecord.after_action(t, step.action, info, step.skill_index, step.skill)
    if replayed.success != step.success:
        said = "succeeded" if step.success else f"failed ({step.error or 'no reason given'})"
        got = "succeeded" if replayed.success else f"failed ({replayed.error})"
        return {"t": t, "message": f"replay diverges from the log at step {t} ({step.action}): the log says it "
                                   f"{said}, the simulator says it {got}; the pictures from here on may be wrong"}
    if step.goal_conditions is not None and replayed.goal_conditions != step.goal_conditions:
        return {"t": t, "message": f"replay diverges from the log at step {t} ({step.action}): the log counts "
                                   f"goal conditions {list(step.goal_conditions)}, the simulator "
                                   f"{list(replayed.goal_conditions)}"}
    return None
