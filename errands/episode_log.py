"""EpisodeLog: everything that happened in one episode, as plain JSON. The metrics, the
reports and the viewer read only this.

Failure categories (why an episode did not succeed):
  planner_error       no valid plan (unparsable output, unknown skill or object, ...)
  navigation_failure  a GotoLocation could not reach its target
  interaction_failure a skill's interaction failed or its success test did not hold
  skill_timeout       a skill ran past its step budget
  max_failures        10 failed actions ended the episode
  max_steps           the step limit ended the episode
  goal_not_met        the plan ran to the end but the goal conditions were not all met
  crashed             an exception, recorded by a runner that went on
  episode_timeout     the episode ran past a runner's time limit, recorded by the runner

`failure_kind` optionally names a finer kind within the category (a PlanError's kind
such as "unparsable" or "hallucinated_object", an exception's type); the evaluation
reports read it when it is there and fall back to the reason text when it is not.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .files import write_json_atomic

FAILURE_CATEGORIES = ("planner_error", "navigation_failure", "interaction_failure", "skill_timeout",
                      "max_failures", "max_steps", "goal_not_met", "crashed", "episode_timeout")
LOG_VERSION = 1


@dataclass
class EpisodeLog:
    task: dict
    instruction: str
    planner: str
    policy: str
    plans: list[dict] = field(default_factory=list)  # {"step", "reason", "plan": [SkillCall dicts]}
    steps: list[dict] = field(default_factory=list)  # {"t", "action", "success", "error", "skill", "skill_index", "goal_conditions"}
    skills: list[dict] = field(default_factory=list)  # {"plan", "index", "skill", "status", "reason", "start", "end"}
    goal_conditions: tuple[int, int] = (0, 0)
    success: bool = False
    failure_category: str | None = None
    failure_reason: str = ""
    failure_kind: str | None = None  # a finer kind within the category, when the writer knows it
    expert_length: int | None = None  # L*: the expert's number of actions on this task
    wall_time_s: float = 0.0
    version: int = LOG_VERSION

    @property
    def num_steps(self) -> int:
        """Actions taken, the final Stop excluded (as L* excludes it)."""
        return sum(1 for s in self.steps if not str(s["action"]).startswith("Stop"))

    @property
    def num_failures(self) -> int:
        return sum(1 for s in self.steps if not s["success"])

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
        data = asdict(self)
        data["goal_conditions"] = list(self.goal_conditions)
        data["num_steps"] = self.num_steps
        data["task_type"] = self.task_type
        data["metrics"] = self.episode_metrics()
        return data

    def episode_metrics(self) -> dict:
        """ALFRED's per-episode figures: s_spl = success * min(1, L*/t), pc_spl = gc * min(1, L*/t)."""
        weight = self.path_weight() if self.expert_length else None
        return {"success": self.success, "gc": self.gc_fraction, "steps": self.num_steps,
                "failures": self.num_failures, "expert_length": self.expert_length,
                "s_spl": None if weight is None else float(self.success) * weight,
                "pc_spl": None if weight is None else self.gc_fraction * weight}

    @classmethod
    def from_dict(cls, data: dict) -> EpisodeLog:
        if not isinstance(data, dict):
            raise ValueError(f"an episode log must be a JSON object, got {type(data).__name__}")
        missing = [k for k in ("task", "instruction", "planner", "policy", "goal_conditions", "success") if k not in data]
        if missing:
            raise ValueError(f"episode log lacks {', '.join(missing)}")
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        gc = fields["goal_conditions"]
        if not (isinstance(gc, (list, tuple)) and len(gc) == 2 and all(isinstance(v, int) for v in gc)):
            raise ValueError(f"episode log goal_conditions must be [met, total], got {gc!r}")
        fields["goal_conditions"] = tuple(gc)
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
