"""Camera skill policies side by side, under ALFRED's RGB-and-language rule: the packaged
checkpoints played as they ship, on valid_unseen (procedural) and on valid_unseen on
ALFRED's floor plans, with no training (benchmarks/imitation.py --camera trains the
visuomotor policy anew and measures what it trains).

Players (each row is `errands eval` through run_evaluation, every episode through the
agent's RES x RES camera):
- the scripted expert and the packaged symbolic policy with the oracle planner under
  `privileged` (they read the world or the goal sensors: references);
- the semantic-map policy with ground-truth perception (the camera's depth and
  segmentation: privileged) and the interpreter planner reading the words alone: how far
  the map and its planning go with perfect perception;
- under `rgb` (the camera's RGB image and the language), with the interpreter planner
  reading the instruction alone (`plan_from=words`): the semantic-map policy with the
  packaged perception network, and the packaged end-to-end visuomotor policy.

Besides SR, GC and PLW-SR: GotoLocation and interaction skill success.

Run:  python benchmarks/camera_policies.py --layouts ../shared/alfred/layouts [--episodes 100] [--workers 2]
          [--players NAME ...] [--results]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from imitation_camera import EVALUATION_COLUMNS, evaluation_row, sample
from results import add_results_flag, write_result

WORDS = {"planner": "interpreter", "planner_options": {"plan_from": "words"}}
PLAYERS = {
    "scripted expert (oracle planner)": dict(planner="oracle", policy="expert", protocol="privileged"),
    "packaged symbolic policy (oracle planner)": dict(planner="oracle", policy="learned", protocol="privileged"),
    "semantic map, ground-truth perception (words)": dict(policy="semantic-map", protocol="privileged",
                                                          policy_options={"perception": "ground-truth"},
                                                          observations=("rgb", "depth", "segmentation"), **WORDS),
    "semantic map, learned perception (words)": dict(policy="semantic-map", protocol="rgb", **WORDS),
    "visuomotor, packaged DAgger checkpoint (words)": dict(policy="visuomotor", protocol="rgb", **WORDS),
}
FLOOR = 60.0  # %: SR a visuomotor policy must reach on the procedural valid_unseen under `rgb`


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layouts", help="ALFRED's gen/layouts folder: also measure on valid_unseen's floor plans")
    parser.add_argument("--episodes", type=int, default=100, help="episodes of each suite, spread over it (100)")
    parser.add_argument("--camera", type=int, default=64, metavar="RES", help="camera resolution (64: the "
                                                                              "packaged networks')")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--players", nargs="+", choices=list(PLAYERS), metavar="NAME",
                        help=f"play only these ({'; '.join(PLAYERS)})")
    parser.add_argument("--out", type=Path, help="run folders (default: a temporary folder)")
    add_results_flag(parser)
    args = parser.parse_args(argv)

    from errands.eval.runner import run_evaluation
    from errands.eval.suites import load_suite

    suites = {"valid_unseen": (sample(load_suite("valid_unseen"), args.episodes, "procedural"), None)}
    if args.layouts:
        suites["valid_unseen, floor plans"] = (sample(load_suite("valid_unseen", args.layouts), args.episodes,
                                                      "floorplans"), args.layouts)
    players = {name: player for name, player in PLAYERS.items() if not args.players or name in args.players}
    out = args.out or Path(tempfile.mkdtemp(prefix="camera-policies-"))
    rows = []
    for suite_label, (suite, layouts) in suites.items():
        for name, player in players.items():
            player = dict(player)
            env = {"visibility": "camera", "resolution": args.camera}
            if "observations" in player:
                env["observations"] = player.pop("observations")
            folder = out / f"{suite.name}-{name.split(',')[0].split(' (')[0].replace(' ', '-')}-{len(rows)}"
            t0 = time.perf_counter()
            summary = run_evaluation(suite, folder, workers=args.workers, env_options=env, layouts_dir=layouts,
                                     progress=True, **player)
            rows.append(evaluation_row(suite_label, name, summary, folder, time.perf_counter() - t0))
    if args.results:
        write_result(
            "camera_policies", rows, title="Camera skill policies under ALFRED's rule (packaged checkpoints)",
            columns=EVALUATION_COLUMNS,
            description=f"{args.episodes} episodes of each suite, spread over it (every k-th), every episode seen "
                        f"through the agent's {args.camera}x{args.camera} camera, {args.workers} worker processes "
                        f"on this machine's CPU cores. The protocol of each row says what its planner and policy "
                        f"were given: `privileged` rows are references (the expert and the symbolic policy read "
                        f"the world or the goal sensors; the semantic map with ground-truth perception reads the "
                        f"camera's depth and segmentation); `rgb` rows get the camera's RGB image and the "
                        f"language only, the interpreter planner reading the instruction alone and interactions "
                        f"aimed at a pixel. The floor for a visuomotor policy is {FLOOR:.0f}% SR on the "
                        f"procedural valid_unseen under `rgb`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
