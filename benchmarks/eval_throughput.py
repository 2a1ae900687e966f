"""Evaluation throughput: episodes per second for the oracle planner with the expert on a
packaged suite, with 1 and 2 workers, in local worker processes and on a local Ray, and
Ray's overhead against local processes.

Each configuration runs the whole suite with errands.eval.runner.run_evaluation into a
fresh folder (episodes.jsonl, summary and reports written as in `errands eval`). Two
figures per run: the backend's start (spawning worker processes or starting Ray, then
building the agent in every worker) and the episodes' own throughput after that. The
per-episode results of every configuration are checked to be identical.

Run:  python benchmarks/eval_throughput.py [--suite valid_seen] [--workers 1 2] [--repeats 1] [--results]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from results import add_results_flag, column, write_result


def outcome(path: Path) -> dict:
    from errands.eval.runner import read_records

    return {r["episode_id"]: (r["success"], r["num_steps"], tuple(r["goal_conditions"]))
            for r in read_records(path / "episodes.jsonl")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Exit status 1 if two configurations disagree on any episode.")
    parser.add_argument("--suite", default="valid_seen", help="packaged suite or suite file (default valid_seen)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts (default 1 2)")
    parser.add_argument("--backends", nargs="+", default=["local", "ray"], choices=["local", "ray"],
                        help="backends to measure (default local ray)")
    parser.add_argument("--chunk-sizes", type=int, nargs="+", default=[1, 8],
                        help="episodes a worker takes at once (default 1 8: each line written as it ends, and "
                             "chunks of 8 episodes of one scene)")
    parser.add_argument("--repeats", type=int, default=1, help="runs per configuration; the median is shown")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    add_results_flag(parser)
    args = parser.parse_args(argv)
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

    import errands
    from errands.eval.runner import run_evaluation
    from errands.eval.suites import load_suite

    suite = load_suite(args.suite)
    print(f"# eval throughput  suite={suite.name} ({len(suite.episodes)} episodes)  oracle planner + expert policy")
    print(f"python {platform.python_version()}  errands {errands.__version__}  {platform.platform()}  "
          f"cpus={os.cpu_count()}\n")
    rows, outcomes = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        configs = [(b, w, c) for c in args.chunk_sizes for b in args.backends for w in args.workers]
        results = {config: [] for config in configs}
        for r in range(args.repeats):  # round-robin, so that a busy spell hits every configuration alike
            for backend, workers, chunk in configs:
                out = Path(tmp) / f"{backend}-{workers}-{chunk}-{r}"
                t0 = time.perf_counter()
                summary = run_evaluation(suite, out, workers=workers, backend=backend, progress=False,
                                         write_reports=False, chunk_size=chunk)
                results[(backend, workers, chunk)].append((summary["run"], time.perf_counter() - t0))
                outcomes[(backend, workers, chunk, r)] = outcome(out)
        for (backend, workers, chunk), runs in results.items():
            start = statistics.median(run["backend_start_s"] for run, _ in runs)
            wall = statistics.median(run["episodes_wall_s"] for run, _ in runs)
            total = statistics.median(t for _, t in runs)
            rows.append({"backend": backend, "workers": workers, "chunk_size": chunk, "backend_start_s": round(start, 2),
                         "episodes_wall_s": round(wall, 2), "episodes_per_s": round(len(suite.episodes) / wall, 1),
                         "end_to_end_s": round(total, 2),
                         "end_to_end_episodes_per_s": round(len(suite.episodes) / total, 1)})

    print("| backend | workers | chunk | start s | episodes s | episodes/s | end-to-end s | end-to-end episodes/s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['backend']} | {row['workers']} | {row['chunk_size']} | {row['backend_start_s']:.2f} | "
              f"{row['episodes_wall_s']:.2f} | "
              f"{row['episodes_per_s']:.1f} | {row['end_to_end_s']:.2f} | {row['end_to_end_episodes_per_s']:.1f} |")
    by_key = {(r["backend"], r["workers"], r["chunk_size"]): r for r in rows}
    overheads = []
    if "local" in args.backends and "ray" in args.backends:
        print("\nRay against local processes (same workers and chunk size): episodes/s, start, end to end")
        for chunk in args.chunk_sizes:
            for workers in args.workers:
                local, ray = by_key[("local", workers, chunk)], by_key[("ray", workers, chunk)]
                lost = 1 - ray["episodes_per_s"] / local["episodes_per_s"]
                extra_start = ray["backend_start_s"] - local["backend_start_s"]
                overheads.append({"workers": workers, "chunk_size": chunk, "throughput_lost": round(lost, 3),
                                  "extra_start_s": round(extra_start, 2)})
                print(f"  x{workers}, chunk {chunk}: {-100 * lost:+.1f}% episodes/s; start {extra_start:+.2f} s; "
                      f"end to end {ray['end_to_end_s']:.2f} s vs {local['end_to_end_s']:.2f} s")
    reference_key = next(iter(outcomes))
    reference = outcomes[reference_key]
    differing = {k: [i for i in reference if o.get(i) != reference[i]] for k, o in outcomes.items()}
    identical = not any(differing.values())
    print(f"\nper-episode results identical across all {len(outcomes)} runs: {'yes' if identical else 'NO'}")
    for key, ids in differing.items():
        for i in ids[:3]:
            print(f"  {key} {i}: {outcomes[key].get(i)} vs {reference_key} {reference[i]}")
    if args.json:
        args.json.write_text(json.dumps({"suite": suite.name, "episodes": len(suite.episodes), "rows": rows,
                                         "ray_overhead": overheads, "identical": identical}, indent=1))
    if args.results:
        runs_text = "one run" if args.repeats == 1 else f"median of {args.repeats} round-robin runs"
        columns = [column("backend", align="left"), column("workers"), column("chunk_size", "chunk"),
                   column("backend_start_s", "start s", format=".2f"),
                   column("episodes_per_s", "episodes/s", format=".1f"),
                   column("end_to_end_s", "end-to-end s", format=".2f"),
                   column("end_to_end_episodes_per_s", "end-to-end episodes/s", format=".1f")]
        write_result("eval_throughput", rows, columns=columns, title="Evaluation throughput",
                     description=f"The oracle planner with the expert on {suite.name} ({len(suite.episodes)} "
                                 f"episodes), {runs_text} per configuration. "
                                 "\"start\" is starting the workers (or Ray) and building the agent in each, "
                                 "\"episodes/s\" counts from then on, end-to-end includes the start and writing "
                                 "`episodes.jsonl`.",
                     ray_overhead=overheads, identical=identical)
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
