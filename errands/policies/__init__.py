"""Skill policies (SkillCall -> primitive actions) and the hierarchical Agent."""

from __future__ import annotations

POLICIES = ("expert",)


def make_policy(name: str, **options):
    """A skill policy by name (a checkpoint path for learned ones, when they exist)."""
    if name == "expert":
        from .expert import ExpertSkillPolicy

        return ExpertSkillPolicy(**options)
    raise ValueError(f"unknown policy {name!r}: expected one of {', '.join(POLICIES)}")
