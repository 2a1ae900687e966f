"""The skill-policy contract: act(observation, info, skill_call) -> PolicyStep."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..envs.actions import Action
from ..envs.skills import SkillCall


@dataclass
class PolicyStep:
    """The next primitive action, or the end of the skill (done, or failed with a reason)."""

    action: Action | None = None
    done: bool = False
    failed: bool = False
    reason: str = ""


class SkillPolicy(Protocol):
    name: str

    def reset(self, env) -> None:
        """A new episode begins in `env`."""

    def act(self, observation: dict, info: dict, call: SkillCall) -> PolicyStep: ...
