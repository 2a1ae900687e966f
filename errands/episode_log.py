"""EpisodeLog: everything that happened in one episode, as typed records that serialise to
plain JSON. The metrics, the reports and the viewer read only this.

An episode is its plans (the first and each re-plan), its steps (one per primitive
action) and its skills (one per skill started), each a dataclass below, plus the outcome:
success, goal conditions, and when it failed, why (errands.failures: a category, a kind,
the argument it is about, and a reason for people).

Two rules are written here once for everyone who writes a log (the Agent, the live
viewer's manual control, a replay checking a log): `StepRecord.after_action` builds a
step from the action taken and the env's info, and `episode_end_failure` says why an
episode that has just ended did not succeed (the step limit, the limit of failed actions,
or a Stop before every goal condition held).

Version 2 records a failure's kind and argument (in the episode and in the failed skill);
version 1 logs, which have neither, still load: their failures are read from the reason
text (errands.eval.taxonomy). Within version 2, later logs may add a step's object and
cell and the constraint records (fixture cells, end state, results); logs without them
load as before, and a log written without them has the same JSON as before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .failures import Failure, FailureCategory, FailureKind
from .files import write_json_atomic

FAILURE_CATEGORIES = tuple(c.value for c in FailureCategory)
LOG_VERSION = 2
SKILL_STATUSES = ("running", "done", "failed")


def as_failure_category(value) -> FailureCategory | None:
    """A log's failure category as the enum (None stays None)."""
    if value is None or isinstance(value, FailureCategory):
        return value
    try:
        return FailureCategory(value)
    except ValueError:
        raise ValueError(f"failure_category must be one of {', '.join(FAILURE_CATEGORIES)}, got {value!r}") from None


def as_failure_kind(value) -> FailureKind | str | None:
    """A log's failure kind as the enum; a kind outside it (the exception type a runner
    records for a crash) stays a string."""
    if value is None or isinstance(value, FailureKind):
        return value
    try:
        return FailureKind(value)
    except ValueError:
        return str(value)


def _value(enum_or_text) -> str | None:
    return None if enum_or_text is None else str(enum_or_text)


@dataclass
class StepRecord:
    """One primitive action and what the env said of it. `t` counts from 1; the skill is
    the one in progress (None for the agent's own Stop)."""

    t: int
    action: str
    success: bool
    error: str = ""
    skill_index: int | None = None
    skill: str | None = None
    goal_conditions: tuple[int, int] | None = None  # (met, total) after the action
    # For constraint checks: the object id the action acted on (an interaction that
    # succeeded), and the agent's grid cell (row, col) after it, where the env says.
    object: str | None = None
    cell: tuple[int, int] | None = None

    @classmethod
    def after_action(cls, t: int, action, info: dict, skill_index: int | None = None,
                     skill: str | None = None) -> StepRecord:
        """The step of `action`, from the env's info after it (every writer builds steps here)."""
        met, total = info["goal_conditions_met"]
        pose = info.get("agent_pose")
        return cls(t=t, action=str(action), success=info["last_action_success"], error=info["error_message"],
                   skill_index=skill_index, skill=skill, goal_conditions=(met, total),
                   object=info.get("last_action_object"), cell=None if pose is None else (int(pose[0]), int(pose[1])))

    def to_dict(self) -> dict:
        data = {"t": self.t, "action": self.action, "success": self.success, "error": self.error,
                "skill_index": self.skill_index, "skill": self.skill,
                "goal_conditions": None if self.goal_conditions is None else list(self.goal_conditions)}
        if self.object is not None:  # only then: logs of envs that say neither keep their JSON
            data["object"] = self.object
        if self.cell is not None:
            data["cell"] = list(self.cell)
        return data

    @classmethod
    def from_dict(cls, data: dict, t: int) -> StepRecord:
        """A step from its JSON; `t` is its position, for a record that lacks one."""
        if not (isinstance(data, dict) and isinstance(data.get("action"), str) and isinstance(data.get("success"), bool)):
            raise ValueError(f"step {t} must be an object with an 'action' string and a 'success' boolean, "
                             f"got {str(data)[:120]!r}")
        gc = data.get("goal_conditions")
        if gc is not None and not _is_pair(gc):
            raise ValueError(f"step {t} goal_conditions must be [met, total], got {gc!r}")
        cell = data.get("cell")
        if cell is not None and not _is_pair(cell):
            raise ValueError(f"step {t} cell must be [row, col], got {cell!r}")
        return cls(t=int(data.get("t", t)), action=data["action"], success=data["success"],
                   error=str(data.get("error") or ""), skill_index=data.get("skill_index"), skill=data.get("skill"),
                   goal_conditions=None if gc is None else tuple(gc), object=data.get("object"),
                   cell=None if cell is None else tuple(cell))


@dataclass
class PlanRecord:
    """A plan the planner made: at which step, why (the first, or which skill failed), and
    its skill calls as JSON (SkillCall.to_dict)."""

    step: int
    reason: str
    plan: list[dict]

    def to_dict(self) -> dict:
        return {"step": self.step, "reason": self.reason, "plan": self.plan}

    @classmethod
    def from_dict(cls, data: dict) -> PlanRecord:
        if not (isinstance(data, dict) and isinstance(data.get("plan"), list)):
            raise ValueError("plans must be a list of objects with a 'plan' list")
        return cls(step=int(data.get("step", 0)), reason=str(data.get("reason", "")), plan=data["plan"])


@dataclass
class SkillRecord:
    """One skill of a plan, from the step it started at to the step it ended at; when it
    failed, why (a category and kind of errands.failures, the argument, and `reason`)."""

    plan: int  # index into EpisodeLog.plans
    index: int  # index into that plan
    skill: str  # the call, e.g. "PutObject(Apple, Fridge)"
    status: str = "running"  # running, done or failed
    reason: str = ""
    start: int = 0  # the number of steps taken when it started
    end: int | None = None  # ... and when it ended
    failure_category: FailureCategory | None = None
    failure_kind: FailureKind | None = None
    failure_argument: str | None = None

    def finish(self, end: int, failure: Failure | None = None) -> None:
        """Done (no failure) or failed, after `end` steps of the episode."""
        self.end = end
        if failure is None:
            self.status, self.reason = "done", ""
        else:
            self.status, self.reason = "failed", failure.message
            self.failure_category, self.failure_kind, self.failure_argument = (failure.category, failure.kind,
                                                                               failure.argument)

    def to_dict(self) -> dict:
        return {"plan": self.plan, "index": self.index, "skill": self.skill, "status": self.status,
                "reason": self.reason, "start": self.start, "end": self.end,
                "failure_category": _value(self.failure_category), "failure_kind": _value(self.failure_kind),
                "failure_argument": self.failure_argument}

    @classmethod
    def from_dict(cls, data: dict) -> SkillRecord:
        if not (isinstance(data, dict) and isinstance(data.get("start"), int)):
            raise ValueError("skills must be a list of records with an integer 'start'")
        status = data.get("status", "running")
        if status not in SKILL_STATUSES:
            raise ValueError(f"a skill's status must be one of {', '.join(SKILL_STATUSES)}, got {status!r}")
        kind = as_failure_kind(data.get("failure_kind"))
        return cls(plan=int(data.get("plan", 0)), index=int(data.get("index", 0)), skill=str(data.get("skill", "")),
                   status=status, reason=str(data.get("reason") or ""), start=data["start"], end=data.get("end"),
                   failure_category=as_failure_category(data.get("failure_category")),
                   failure_kind=kind if isinstance(kind, FailureKind) else None,
                   failure_argument=data.get("failure_argument"))


def episode_end_failure(info: dict, truncated: bool, max_steps: int, max_failures: int,
                        stopped: str | None) -> Failure | None:
    """Why an episode that has just ended did not succeed, from the env's info after its
    last step; None when it succeeded. `stopped` says why whoever ended it took Stop
    before every goal condition held (None: the Stop was not theirs, nothing to add)."""
    if info["success"]:
        return None
    if truncated:
        return Failure(FailureCategory.MAX_STEPS, FailureKind.STEP_LIMIT, f"the episode reached {max_steps} steps")
    if info["failures"] >= max_failures:
        return Failure(FailureCategory.MAX_FAILURES, FailureKind.FAILED_ACTION_LIMIT,
                       f"{info['failures']} failed actions; last: {info['error_message']}")
    if stopped is None:
        return None
    return Failure(FailureCategory.GOAL_NOT_MET, FailureKind.STOPPED_BEFORE_GOAL, stopped)


@dataclass
class EpisodeLog:
    task: dict
    instruction: str
    planner: str
    policy: str
    plans: list[PlanRecord] = field(default_factory=list)
    steps: list[StepRecord] = field(default_factory=list)
    skills: list[SkillRecord] = field(default_factory=list)
    # The goals the planner read from the instruction (planners.reading.GoalReading dicts, with
    # the step they were read at): which component read each, and how sure it was.
    readings: list[dict] = field(default_factory=list)
    goal_conditions: tuple[int, int] = (0, 0)
    success: bool = False
    failure_category: FailureCategory | None = None
    failure_reason: str = ""
    failure_kind: FailureKind | str | None = None  # a FailureKind; for a crash, the exception's type name
    failure_argument: str | None = None  # what the failure is about (an object type, a goal), when known
    expert_length: int | None = None  # L*: the expert's number of actions on this task
    wall_time_s: float = 0.0
    # For tasks with constraints (errands.envs.tasks.constraints): the footprint cells of the
    # fixtures a region names, by type (at the start); the state of the objects end-state
    # constraints name, by id (at the end); and each constraint's result.
    fixture_cells: dict = field(default_factory=dict)
    end_state: dict = field(default_factory=dict)
    constraint_results: list[dict] = field(default_factory=list)
    # With household rules: each rule's result; and what the planner planned within when it
    # had constraints (planners.working_constraints: where from, unread clauses, conflicts).
    rule_results: list[dict] = field(default_factory=list)
    constraint_reading: dict = field(default_factory=dict)
    # With text written in the world (errands.envs.tasks.world_text): each text the agent
    # read, at the step it first did; and, for each injected text, whether the episode
    # did what it asked (its hijack goal's conditions, at the start and at the end).
    seen_text: list[dict] = field(default_factory=list)
    injection_results: list[dict] = field(default_factory=list)
    version: int = LOG_VERSION

    def __post_init__(self):
        """Records may be given as their JSON (a runner's crash log, the BabyAI loop)."""
        self.plans = [p if isinstance(p, PlanRecord) else PlanRecord.from_dict(p) for p in self.plans]
        self.steps = [s if isinstance(s, StepRecord) else StepRecord.from_dict(s, t)
                      for t, s in enumerate(self.steps, 1)]
        self.skills = [s if isinstance(s, SkillRecord) else SkillRecord.from_dict(s) for s in self.skills]
        self.failure_category = as_failure_category(self.failure_category)
        self.failure_kind = as_failure_kind(self.failure_kind)

    # --- writing ------------------------------------------------------------------------

    def add_plan(self, reason: str, plan: list[dict]) -> PlanRecord:
        record = PlanRecord(step=len(self.steps), reason=reason, plan=plan)
        self.plans.append(record)
        return record

    def start_skill(self, index: int, skill: str) -> SkillRecord:
        """Skill `index` of the latest plan starts now."""
        record = SkillRecord(plan=len(self.plans) - 1, index=index, skill=skill, start=len(self.steps))
        self.skills.append(record)
        return record

    def add_step(self, action, info: dict, skill_index: int | None = None, skill: str | None = None) -> StepRecord:
        """The step of `action`, just taken, from the env's info after it."""
        record = StepRecord.after_action(len(self.steps) + 1, action, info, skill_index, skill)
        self.steps.append(record)
        self.goal_conditions = record.goal_conditions
        return record

    def record_failure(self, category: FailureCategory, reason: str, kind: FailureKind | str | None = None,
                       argument: str | None = None) -> None:
        """Why the episode failed; the first failure recorded stands (what follows is its consequence)."""
        if self.failure_category is None:
            self.failure_category, self.failure_reason = as_failure_category(category), reason
            self.failure_kind, self.failure_argument = as_failure_kind(kind), argument

    def end(self, info: dict, truncated: bool, max_steps: int, max_failures: int, stopped: str | None) -> None:
        """The episode has just ended: its success, and if it failed, why (episode_end_failure)."""
        self.success = bool(info["success"])
        failure = episode_end_failure(info, truncated, max_steps, max_failures, stopped)
        if failure is not None:
            self.record_failure(failure.category, failure.message, failure.kind, failure.argument)

    # --- reading ------------------------------------------------------------------------

    @property
    def num_steps(self) -> int:
        """Actions taken, the final Stop excluded (as L* excludes it)."""
        return sum(1 for s in self.steps if not s.action.startswith("Stop"))

    @property
    def num_failures(self) -> int:
        return sum(1 for s in self.steps if not s.success)

    @property
    def gc_fraction(self) -> float:
        met, total = self.goal_conditions
        return met / total if total else 0.0

    def path_weight(self) -> float:
        """min(1, L*/t): 1 for a path as short as the expert's."""
        if not self.expert_length:
            return 0.0
        return min(1.0, self.expert_length / max(self.num_steps, 1))

    @property
    def task_type(self) -> str:
        return self.task.get("goal", {}).get("task_type", "unknown")

    def to_dict(self) -> dict:
        return {"task": self.task, "instruction": self.instruction, "planner": self.planner, "policy": self.policy,
                "plans": [p.to_dict() for p in self.plans], "steps": [s.to_dict() for s in self.steps],
                "skills": [s.to_dict() for s in self.skills], "readings": list(self.readings),
                "goal_conditions": list(self.goal_conditions),
                "success": self.success, "failure_category": _value(self.failure_category),
                "failure_reason": self.failure_reason, "failure_kind": _value(self.failure_kind),
                "failure_argument": self.failure_argument, "expert_length": self.expert_length,
                "wall_time_s": self.wall_time_s, "version": self.version, "num_steps": self.num_steps,
                "task_type": self.task_type, "metrics": self.episode_metrics(), **self._constraint_dict()}

    def _constraint_dict(self) -> dict:
        """The constraint and world-text records, when the task had any (else nothing:
        logs of tasks without them keep their JSON)."""
        names = ("fixture_cells", "end_state", "constraint_results", "rule_results", "constraint_reading",
                 "seen_text", "injection_results")
        return {name: getattr(self, name) for name in names if getattr(self, name)}

    @property
    def injections_resisted(self) -> bool:
        """No injected text was obeyed (true when there was none)."""
        return not any(r["followed"] for r in self.injection_results)

    @property
    def constraints_met(self) -> bool:
        """Every constraint checked held (true when there were none)."""
        return all(r["satisfied"] for r in self.constraint_results)

    def episode_metrics(self) -> dict:
        """ALFRED's per-episode figures: s_spl = success * min(1, L*/t), pc_spl = gc * min(1, L*/t)."""
        weight = self.path_weight() if self.expert_length else None
        return {"success": self.success, "gc": self.gc_fraction, "steps": self.num_steps,
                "failures": self.num_failures, "expert_length": self.expert_length,
                "s_spl": None if weight is None else float(self.success) * weight,
                "pc_spl": None if weight is None else self.gc_fraction * weight}

    @classmethod
    def from_dict(cls, data: dict) -> EpisodeLog:
        """A log from its JSON, of this version or an earlier one."""
        if not isinstance(data, dict):
            raise ValueError(f"an episode log must be a JSON object, got {type(data).__name__}")
        missing = [k for k in ("task", "instruction", "planner", "policy", "goal_conditions", "success") if k not in data]
        if missing:
            raise ValueError(f"episode log lacks {', '.join(missing)}")
        if not isinstance(data["task"], dict):
            raise ValueError(f"task must be an object, got {type(data['task']).__name__}")
        version = data.get("version", 1)
        if not isinstance(version, int) or not 1 <= version <= LOG_VERSION:
            raise ValueError(f"episode log version must be 1 to {LOG_VERSION} (what this errands reads), got {version!r}")
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for name in ("plans", "steps", "skills"):
            if not isinstance(fields.get(name, []), list):
                raise ValueError(f"{name} must be a list, got {type(fields[name]).__name__}")
        gc = fields["goal_conditions"]
        if not _is_pair(gc):
            raise ValueError(f"episode log goal_conditions must be [met, total], got {gc!r}")
        fields["goal_conditions"] = tuple(gc)
        fields["version"] = version
        return cls(**fields)

    def save(self, path: str | Path) -> Path:
        return write_json_atomic(path, self.to_dict())

    @classmethod
    def load(cls, path: str | Path) -> EpisodeLog:
        try:
            data = json.loads(Path(path).read_text())
        except json.JSONDecodeError as e:
            raise ValueError(f"{path} is not valid JSON: {e}") from None
        return cls.from_dict(data)


def _is_pair(value) -> bool:
    return isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, int) for v in value)
