"""The options of an evaluation run: who plays (planner, policy and their options), under
which protocol (what they may receive: errands/protocols.py), in
which env (its options, ALFRED's layouts), how long an episode may take, and where the
episodes run (workers, Ray, chunks; the lockstep batch of a learned BabyAI policy).

A run folder's config.json is this config's dict (with the suite's identity), and a run
resumes only where the settings that decide its results match."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..envs.config import HouseholdEnvConfig
from ..options import Options
from ..protocols import DEFAULT_PROTOCOL, protocol as protocol_named

NO_PLANNER = "none"  # BabyAI levels: the policy reads the mission itself
# The settings that decide how an episode plays out (the others say where and how fast).
AGENT_KEYS = ("planner", "policy", "planner_options", "policy_options", "protocol", "layouts_dir", "env_options",
              "rules")
EXPERT = "expert"  # the policy name that means the env kind's expert (the scripted expert, the BabyAI bot)


@dataclass(frozen=True)
class EvalConfig(Options):
    planner: str | None = None  # a registered planner (errands.planners); None: the env kind's default
    policy: str = EXPERT  # a registered policy (errands.policies), a checkpoint folder, or the env kind's expert
    planner_options: Any = None  # the planner's config (or its options as a dict); None: its defaults
    policy_options: Any = None  # the policy's config (or its options as a dict); None: its defaults
    protocol: str = DEFAULT_PROTOCOL  # what the planner and policy receive (errands/protocols.py)
    layouts_dir: str | None = None  # ALFRED's gen/layouts folder, for floor-plan suites
    env_options: HouseholdEnvConfig = field(default_factory=HouseholdEnvConfig)  # household suites
    timeout_s: float | None = 300.0  # seconds an episode may take before it is recorded as episode_timeout
    workers: int | None = None  # worker processes (or Ray CPUs); 0: in this process; None: the env kind's default
    backend: Literal["local", "ray"] = "local"
    ray_address: str | None = None  # join this Ray cluster
    chunk_size: int = 1  # episodes of one scene a worker takes at once; 1 writes each as soon as it ends
    batch_size: int = 64  # BabyAI levels: episodes a learned policy plays in lockstep
    rules: Any = ()  # household rules for every episode: HouseholdRule dicts (planners.household_rules)

    def __post_init__(self):
        super().__post_init__()
        from ..planners import planner_config
        from ..policies import policy_config

        if self.planner in (None, NO_PLANNER):
            if self.planner_options:
                raise ValueError(f"planner options need a planner, got {self.planner_options!r} for planner "
                                 f"{self.planner!r}")
            object.__setattr__(self, "planner_options", None)
        else:
            object.__setattr__(self, "planner_options", planner_config(self.planner, self.planner_options))
        object.__setattr__(self, "policy_options", policy_config(self.policy, self.policy_options))
        chosen = protocol_named(self.protocol)
        if not chosen.privileged:  # the env renders what the protocol gives, and the camera decides visibility
            if self.env_options.visibility == "geometric":
                raise ValueError(f"protocol {chosen.name!r} sees through the camera: it cannot be played with "
                                 f"visibility 'geometric'")
            object.__setattr__(self, "env_options", self.env_options.replace(
                observations=chosen.camera_keys, visibility="camera"))
        if self.env_options.layouts_dir is not None:
            raise ValueError("an evaluation's layouts folder is its layouts_dir, not an env option")
        if self.workers is not None and (self.workers < 0 or (self.backend == "ray" and self.workers < 1)):
            raise ValueError(f"workers must be at least {1 if self.backend == 'ray' else 0}, got {self.workers}")
        if self.chunk_size < 1:
            raise ValueError(f"chunk_size must be at least 1, got {self.chunk_size}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {self.batch_size}")
        from ..planners.household_rules import HouseholdRule

        rules = tuple(HouseholdRule.from_dict(r, f"rule {i + 1}") if isinstance(r, dict) else r
                      for i, r in enumerate(self.rules or ()))
        object.__setattr__(self, "rules", tuple(r.to_dict() for r in rules))
        if self.timeout_s is not None and self.timeout_s <= 0:
            raise ValueError(f"the per-episode timeout must be positive seconds, got {self.timeout_s}")

    def to_dict(self) -> dict:
        """Every setting; the planner's, policy's and env's options as the ones chosen (the
        others are their defaults)."""
        data = super().to_dict()
        for name in ("planner_options", "policy_options"):
            data[name] = getattr(self, name).changed() if getattr(self, name) is not None else {}
        return data
