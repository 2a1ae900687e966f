"""GoalReading: the goal a planner read from an instruction, which component read it and
how sure it is. Planners that read a goal expose their last one as `last_reading`, and
the Agent writes it into the EpisodeLog's plan record."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..envs.tasks.goals import TaskGoal
from ..failures import Failure


@dataclass(frozen=True)
class GoalReading:
    """A goal read from an instruction: which component read it and how sure it is."""

    goal: TaskGoal | None
    confidence: float | None  # None where the component has no calibrated confidence (an LLM, the rules)
    source: str  # "oracle" (the task's own goal), "rules", "trained", "trained+rules", "...+llm", "llm",
    #              "user" (a clarification's answer)
    alternatives: tuple[tuple[TaskGoal, float], ...] = field(default=())
    failure: Failure | None = None

    def to_dict(self) -> dict:
        return {"goal": self.goal.to_dict() if self.goal else None, "confidence": None if self.confidence is None else round(self.confidence, 4),
                "source": self.source,
                "alternatives": [{"goal": g.alfred_name, "confidence": round(p, 4)} for g, p in self.alternatives],
                "failure": self.failure.to_dict() if self.failure else None}
