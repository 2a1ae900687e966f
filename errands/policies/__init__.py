"""Skill policies (SkillCall -> primitive actions) and the hierarchical Agent.

Each policy is registered under a name with its config class (policies/config.py), the
factory that builds it from a config, and the env kind it plays ("household" or
"babyai"). A policy name may also be a checkpoint folder written by `errands train`: it
is played by the registered policy that loads checkpoints of its backend."""

from __future__ import annotations

from pathlib import Path

from ..options import Registry
from .config import (BabyAIBotPolicyConfig, ExpertPolicyConfig, LearnedBabyAIPolicyConfig, LearnedPolicyConfig,
                     SemanticMapPolicyConfig, VisuomotorPolicyConfig)

POLICIES = Registry("policy")  # name -> Registration(config class, factory, env=..., checkpoint_backend=...)


def register_policy(name: str, config: type, factory, env: str = "household",
                    checkpoint_backend: str | None = None) -> None:
    """Make a policy known by name: `factory(config)` builds it; it plays `env` levels or
    tasks; with `checkpoint_backend`, a checkpoint folder of that backend given as the
    policy name is played by it."""
    POLICIES.register(name, config, factory, env=env, checkpoint_backend=checkpoint_backend)


def policy_names(env: str = "household") -> list[str]:
    """The registered policies that play `env`."""
    return [name for name, entry in POLICIES.items() if entry.extra["env"] == env]


def policy_kind(name: str) -> str:
    """The registered policy that plays `name`: itself, or for a checkpoint folder the one
    that loads checkpoints of its backend."""
    if name in POLICIES:
        return name
    if Path(name).exists():
        _require_torch(name)
        from .network import network_kind, read_checkpoint_config

        config = read_checkpoint_config(name)
        kind = network_kind(config)
        if kind == "visuomotor":
            return "visuomotor"
        if kind == "perception":
            raise ValueError(f"{name} holds a perception network (a frame's object types and depth), not a "
                             f"skill policy: a camera policy reads it as its perception")
        backend = config["network"].get("spec", {}).get("backend", "household")
        for kind, entry in POLICIES.items():
            if entry.extra["checkpoint_backend"] == backend:
                return kind
        raise ValueError(f"no registered policy plays checkpoints of the {backend!r} backend ({name})")
    raise ValueError(f"unknown policy {name!r}: expected one of {', '.join(POLICIES)} or a checkpoint folder")


def policy_env(name: str) -> str:
    """The env kind policy `name` plays: "household" or "babyai"."""
    return POLICIES[policy_kind(name)].extra["env"]


def policy_config(name: str, options: dict | None = None):
    """The checked config of policy `name` (a registered name or a checkpoint folder) from
    plain options."""
    return POLICIES.config(policy_kind(name), options)


def make_policy(name: str, config=None, **options):
    """A skill policy by name: "expert" (scripted, privileged), "learned" (the packaged
    checkpoint), "babyai-bot" (minigrid's BabyAI bot, for BabyAI levels), or the path of a
    checkpoint folder written by `errands train` (a BabyAI policy when it was trained on
    BabyAI demonstrations); from its config or from plain options."""
    if config is not None and options:
        raise ValueError("make_policy takes a config or options, not both")
    kind = policy_kind(name)
    config = POLICIES.config(kind, config if config is not None else options)
    if kind != name:  # a checkpoint folder named as the policy
        if getattr(config, "checkpoint", None) is not None:
            raise ValueError(f"policy {name!r} is a checkpoint folder: it takes no checkpoint option "
                             f"(got {config.checkpoint!r})")
        config = config.replace(checkpoint=str(name))
    return POLICIES[kind].factory(config)


def _expert(config: ExpertPolicyConfig):
    if config.search:
        from .searching_expert import SearchingExpertSkillPolicy

        return SearchingExpertSkillPolicy()
    from .expert import ExpertSkillPolicy

    return ExpertSkillPolicy()


def _learned(config: LearnedPolicyConfig):
    _require_torch("learned")
    from .learned import LearnedSkillPolicy

    return LearnedSkillPolicy(config.checkpoint, device=config.device, max_steps_per_skill=config.max_steps_per_skill,
                              remember_refusals=config.remember_refusals, avoid_loops=config.avoid_loops)


def _visuomotor(config: VisuomotorPolicyConfig):
    _require_torch("visuomotor")
    from .visuomotor import VisuomotorSkillPolicy

    return VisuomotorSkillPolicy(config.checkpoint, device=config.device,
                                 max_steps_per_skill=config.max_steps_per_skill, retry_refused=config.retry_refused)


def _semantic_map(config: SemanticMapPolicyConfig):
    from .perception import GroundTruthPerception
    from .semantic_map_policy import SemanticMapSkillPolicy

    if config.perception == "ground-truth":
        perception = GroundTruthPerception()
    else:
        _require_torch("semantic-map")
        from .perception import LearnedPerception

        perception = LearnedPerception(config.checkpoint, device=config.device)
    return SemanticMapSkillPolicy(perception, max_steps_per_skill=config.max_steps_per_skill)


def _babyai_bot(config: BabyAIBotPolicyConfig):
    from .babyai_policy import BabyAIBotPolicy

    return BabyAIBotPolicy()


def _learned_babyai(config: LearnedBabyAIPolicyConfig):
    if config.checkpoint is None:
        raise ValueError("the babyai-learned policy needs a checkpoint: give its folder as the policy name")
    _require_torch(config.checkpoint)
    from .babyai_policy import LearnedBabyAIPolicy

    return LearnedBabyAIPolicy(config.checkpoint, device=config.device)


def _require_torch(name: str) -> None:
    """Learned networks need torch and safetensors, which the base install leaves out."""
    try:
        import safetensors  # noqa: F401
        import torch  # noqa: F401
    except ImportError:
        raise ValueError(f"policy {name!r} is a learned network and needs torch and safetensors: "
                         f"pip install -e '.[train]' torch==2.13.0") from None


register_policy("expert", ExpertPolicyConfig, _expert)
register_policy("learned", LearnedPolicyConfig, _learned, checkpoint_backend="household")
register_policy("visuomotor", VisuomotorPolicyConfig, _visuomotor)
register_policy("semantic-map", SemanticMapPolicyConfig, _semantic_map)
register_policy("babyai-bot", BabyAIBotPolicyConfig, _babyai_bot, env="babyai")
register_policy("babyai-learned", LearnedBabyAIPolicyConfig, _learned_babyai, env="babyai", checkpoint_backend="babyai")
