"""Planners: an instruction (and what the agent knows) in, a Plan of typed skills out."""

from __future__ import annotations

PLANNERS = ("oracle",)


def make_planner(name: str, **options):
    """A planner by name, so that runners and the CLI can pass names between processes."""
    if name == "oracle":
        from .oracle import OraclePlanner

        return OraclePlanner(**options)
    raise ValueError(f"unknown planner {name!r}: expected one of {', '.join(PLANNERS)}")
