"""Skill policies (SkillCall -> primitive actions) and the hierarchical Agent."""

from __future__ import annotations

from pathlib import Path

POLICIES = ("expert", "learned")  # household skill policies; "babyai-bot" plays BabyAI levels


def make_policy(name: str, **options):
    """A skill policy by name: "expert" (scripted, privileged), "learned" (the packaged
    checkpoint), "babyai-bot" (minigrid's BabyAI bot, for BabyAI levels), or the path of a
    checkpoint folder written by `errands train` (a BabyAI policy when it was trained on
    BabyAI demonstrations)."""
    if name == "expert":
        from .expert import ExpertSkillPolicy

        return ExpertSkillPolicy(**options)
    if name == "learned":
        _require_torch(name)
        from .learned import LearnedSkillPolicy

        return LearnedSkillPolicy(**options)
    if name == "babyai-bot":
        from .babyai_policy import BabyAIBotPolicy

        return BabyAIBotPolicy(**options)
    if Path(name).exists():
        _require_torch(name)
        from .network import read_checkpoint_config

        if read_checkpoint_config(name)["network"].get("spec", {}).get("backend") == "babyai":
            from .babyai_policy import LearnedBabyAIPolicy

            return LearnedBabyAIPolicy(name, **options)
        from .learned import LearnedSkillPolicy

        return LearnedSkillPolicy(name, **options)
    raise ValueError(f"unknown policy {name!r}: expected one of {', '.join(POLICIES)}, "
                     f"babyai-bot or a checkpoint folder")


def _require_torch(name: str) -> None:
    """Learned networks need torch and safetensors, which the base install leaves out."""
    try:
        import safetensors  # noqa: F401
        import torch  # noqa: F401
    except ImportError:
        raise ValueError(f"policy {name!r} is a learned network and needs torch and safetensors: "
                         f"pip install -e '.[train]' torch==2.13.0") from None
