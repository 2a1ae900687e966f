"""The suites that ship with errands, by name, and where their manifests are.

The packaged suites (`errands/eval/suites/*.json`) follow ALFRED's validation splits
directive by directive: `valid_seen` (820) and `valid_unseen` (821) take each directive's
task type and parameters and its floor plan as the scene, with an instruction written
from our templates ("train" phrasing); `novel_phrasing` is `valid_seen` again with the
held-out "novel" phrasing, so that a paired comparison with `valid_seen` measures the
wording alone on scenes a policy has trained in; `smoke` is 14 short episodes (the
shortest of each task type in each validation split) for CI. `human_dev`, `human_dev2`
(a second development set, never fitted on) and `human_test` are instructions people
wrote (errands/eval/instructions), with their gold goals, in seen, seen and unseen
scenes; human_test is never tuned on. `constraints_dev` and
`constraints_test` are valid_seen's and valid_unseen's tasks with constraints
(constraint_suites.py; procedural scenes only, no floor-plan variant yet), and
`constraints_human_dev`, `constraints_human_dev2` (a second development set, in other
people's words) and `constraints_human_test` instructions with constraints people wrote
(errands/eval/instructions), with their gold goals and typed constraints, in seen, seen and
unseen scenes (procedural only); constraints_human_test is never tuned on. `injection_test` is
valid_unseen's tasks with hand-written text in the room, one piece of it an injected
instruction the agent must not obey (injection_suites.py; procedural scenes). With ALFRED's floor plans
(`--layouts`), `suites/floorplans/*.json` hold the same episodes on "FloorPlanN" scenes.
"""

from __future__ import annotations

from pathlib import Path

SUITES_DIR = Path(__file__).parent / "suites"
FLOORPLAN_SUITES_DIR = SUITES_DIR / "floorplans"
PACKAGED_SUITES = ("valid_seen", "valid_unseen", "novel_phrasing", "smoke", "human_dev", "human_dev2", "human_test",
                   "constraints_dev", "constraints_test", "constraints_human_dev", "constraints_human_dev2",
                   "constraints_human_test", "injection_test")


def packaged_suite_path(name: str, floorplans: bool = False) -> Path:
    """Where a packaged suite's manifest is (its floor-plan variant with `floorplans`)."""
    return (FLOORPLAN_SUITES_DIR if floorplans else SUITES_DIR) / f"{name}.json"
