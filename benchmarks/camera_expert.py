"""The expert (oracle planner + scripted expert) through the first-person camera on the
packaged suites, on ALFRED's floor plans and on the procedural scenes: its SR, GC and
PLW-SR, and why the failed episodes failed, with the expert in the geometric world beside
it for reference. Run under the `privileged`
protocol (errands/protocols.py): the expert reads the world; only visibility follows
the camera.

With `--plans words` the plans are the interpreter planner's from the instruction alone
(`--planner interpreter --planner-option plan_from=words`: skills by object type, as
ALFRED's RGB-and-language rule allows a planner), and the table is camera_expert_words:
how far plans written without the world take an expert that executes them.

Each row is `errands eval --suite S [--layouts DIR] --camera R --workers W` (run in this
process through run_evaluation, the same code); the failures are counted from its
episode records by reason: furniture that no pose within reach shows (a GotoLocation),
an object that no pose shows (an interaction), or anything else.

Run:  python benchmarks/camera_expert.py --layouts ../shared/alfred/layouts [--suites valid_unseen valid_seen]
          [--scenes floorplans procedural] [--cameras 64] [--plans world|words] [--workers 2] [--results]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from results import add_results_flag, column, write_result

SHOWN_NOWHERE = "no pose within reach shows"
PLANNERS = {  # --plans: who writes the plans the expert executes
    "world": {"planner": "oracle"},
    "words": {"planner": "interpreter", "planner_options": {"plan_from": "words"}},
}


def failure_kinds(records: list[dict]) -> dict[str, int]:
    """Failed episodes by why: furniture shown from no pose, an object shown from no pose, other."""
    counts = {"furniture_never_shown": 0, "object_never_shown": 0, "other_failure": 0}
    for r in records:
        if r["success"]:
            continue
        reason = str(r.get("failure_reason", ""))
        if SHOWN_NOWHERE in reason and reason.startswith("GotoLocation"):
            counts["furniture_never_shown"] += 1
        elif SHOWN_NOWHERE in reason:
            counts["object_never_shown"] += 1
        else:
            counts["other_failure"] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layouts", required=True, help="ALFRED's gen/layouts folder (../shared/alfred/layouts)")
    parser.add_argument("--suites", nargs="+", default=["valid_unseen", "valid_seen"],
                        help="packaged suites (default valid_unseen valid_seen)")
    parser.add_argument("--scenes", nargs="+", choices=["floorplans", "procedural"], default=["floorplans", "procedural"],
                        help="the suites' variants to play (default both)")
    parser.add_argument("--cameras", nargs="+", type=int, default=[64], help="camera resolutions (default 64)")
    parser.add_argument("--plans", choices=sorted(PLANNERS), default="world",
                        help="world: the oracle planner's search over the world's state (default); words: the "
                             "interpreter planner's plans from the instruction alone (plan_from=words), written to "
                             "camera_expert_words")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--out", type=Path, help="where the run folders go (default: a temporary folder)")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    add_results_flag(parser)
    args = parser.parse_args(argv)

    from errands.eval.runner import run_evaluation
    from errands.eval.suites import load_suite

    root = args.out or Path(tempfile.mkdtemp(prefix="camera-expert-"))
    rows = []
    for scenes in args.scenes:
        layouts = args.layouts if scenes == "floorplans" else None
        for name in args.suites:
            suite = load_suite(name, layouts)
            label = f"{name}, floor plans" if layouts else name
            t0 = time.perf_counter()
            geometric = run_evaluation(suite, root / f"{name}-{scenes}-geometric", layouts_dir=layouts,
                                       workers=args.workers, progress=not args.no_progress, overwrite=True,
                                       **PLANNERS[args.plans])
            print(f"{label}, geometric: SR {100 * geometric['metrics']['overall']['sr']:.1f}% "
                  f"({time.perf_counter() - t0:.0f} s)")
            for resolution in args.cameras:
                stem = root / f"{name}-{scenes}"
                rows.append(camera_row(suite, label, layouts, resolution, geometric, stem, args))
    if args.results and args.plans == "words":
        write_words_result(rows)
    elif args.results:
        write_result(
            "camera_expert", rows, title="The expert through the camera",
            columns=[column("suite", align="left"), column("protocol", align="left"), column("camera", align="left"),
                     column("episodes"), column("geometric_sr", "SR, geometric world", format=".1f"),
                     column("geometric_plw_sr", "PLW-SR, geometric world", format=".1f"),
                     column("sr", "SR through the camera", format=".1f"), column("gc", "GC", format=".1f"),
                     column("plw_sr", "PLW-SR (the suite's L*)", format=".1f"),
                     column("furniture_never_shown", "failed: furniture no pose shows"),
                     column("object_never_shown", "failed: object no pose shows"),
                     column("other_failure", "failed: other")],
            description="The oracle planner with the scripted expert on the packaged suites (on ALFRED's floor "
                        "plans imported from `--layouts`, and on the procedural scenes), under the `privileged` "
                        "protocol (the expert reads the world; what it may see and act on follows the camera, "
                        "1.576 m above the floor); SR, GC and PLW-SR in %, failed episodes counted by reason. The "
                        "geometric column is the same suite without a camera.")
    return 0


def write_words_result(rows: list[dict]) -> None:
    """The table of the expert executing plans written from the words alone."""
    write_result(
        "camera_expert_words", rows, title="The expert through the camera, with plans from the words alone",
        columns=[column("suite", align="left"), column("protocol", align="left"), column("camera", align="left"),
                 column("episodes"), column("geometric_sr", "SR, geometric world", format=".1f"),
                 column("sr", "SR through the camera", format=".1f"), column("gc", "GC", format=".1f"),
                 column("plw_sr", "PLW-SR (the suite's L*)", format=".1f"),
                 column("pick_two_sr", "SR, pick-two tasks", format=".1f"),
                 column("look_at_sr", "SR, look-at tasks", format=".1f"),
                 column("furniture_never_shown", "failed: furniture no pose shows"),
                 column("object_never_shown", "failed: object no pose shows"),
                 column("other_failure", "failed: other")],
        description="The interpreter planner reading the instruction alone (`--planner interpreter "
                    "--planner-option plan_from=words`: skills by object type; a pick-two plan's second object is "
                    "another one than the first, put where the first went; a lamp the words do not name exactly is "
                    "any lamp) with the scripted expert executing the plans, on the packaged suites (the procedural "
                    "scenes, and ALFRED's floor plans imported from `--layouts`). The expert reads the world, so "
                    "the protocol is `privileged`; the plans follow ALFRED's RGB-and-language rule (the planner's "
                    "declared inputs are the instruction alone). SR, GC and PLW-SR in %; the geometric column is "
                    "the same plans without a camera.")


def camera_row(suite, label: str, layouts, resolution: int, geometric: dict, stem: Path, args) -> dict:
    """One suite through the camera at one resolution, as a row of the table."""
    from errands.eval.report import protocol_label
    from errands.eval.runner import read_records, run_evaluation

    out = stem.parent / f"{stem.name}-camera{resolution}"
    t0 = time.perf_counter()
    summary = run_evaluation(suite, out, layouts_dir=layouts, workers=args.workers,
                             env_options={"visibility": "camera", "resolution": resolution},
                             progress=not args.no_progress, overwrite=True, **PLANNERS[args.plans])
    m = summary["metrics"]["overall"]
    records = read_records(out / "episodes.jsonl")
    kinds = failure_kinds(records)
    by_type = {key: type_sr(records, task_type) for key, task_type in
               (("pick_two_sr", "pick_two_obj_and_place"), ("look_at_sr", "look_at_obj_in_light"))}
    print(f"{label}, {protocol_label(summary)}, plans from the {args.plans}: SR {100 * m['sr']:.1f}%  "
          f"GC {100 * m['gc']:.1f}%  PLW-SR {100 * m['plw_sr']:.1f}%  pick-two SR {by_type['pick_two_sr']}%  "
          f"look-at SR {by_type['look_at_sr']}%  failures {kinds}  ({time.perf_counter() - t0:.0f} s)")
    return {"suite": label, "protocol": summary["protocol"]["name"], "camera": f"{resolution}x{resolution}",
            "episodes": summary["episodes"], "geometric_sr": round(100 * geometric["metrics"]["overall"]["sr"], 1),
            "geometric_plw_sr": round(100 * geometric["metrics"]["overall"]["plw_sr"], 1),
            "sr": round(100 * m["sr"], 1), "gc": round(100 * m["gc"], 1), "plw_sr": round(100 * m["plw_sr"], 1),
            **by_type, **kinds}


def type_sr(records: list[dict], task_type: str) -> float | None:
    """SR in % over the episodes of one task type (None when the suite has none)."""
    mine = [r for r in records if r["task"]["goal"]["task_type"] == task_type]
    return round(100 * sum(bool(r["success"]) for r in mine) / len(mine), 1) if mine else None


if __name__ == "__main__":
    sys.exit(main())
