"""Skill policies (SkillCall -> primitive actions) and the hierarchical Agent."""

from __future__ import annotations

from pathlib import Path

POLICIES = ("expert", "learned")


def make_policy(name: str, **options):
    """A skill policy by name: "expert" (scripted, privileged), "learned" (the packaged
    checkpoint), or the path of a checkpoint folder written by `errands train`."""
    if name == "expert":
        from .expert import ExpertSkillPolicy

        return ExpertSkillPolicy(**options)
    if name == "learned":
        from .learned import LearnedSkillPolicy

        return LearnedSkillPolicy(**options)
    if Path(name).exists():
        from .learned import LearnedSkillPolicy

        return LearnedSkillPolicy(name, **options)
    raise ValueError(f"unknown policy {name!r}: expected one of {', '.join(POLICIES)} or a checkpoint folder")
