"""`errands collect` one episode at a time (HouseholdEnv) against `--vector N` (N episodes in
lockstep over one HouseholdVectorEnv), side by side: the expert's demonstrations, and
DAgger's rollouts (the packaged checkpoint acts, the expert labels), one worker.

Each collection runs in its own spawned process (no shared caches), `--repeats` times;
the table gives the median episodes/s and skill steps/s, and whether the shards equal
the one-at-a-time collection's (they must: the same episodes).

Run:  python benchmarks/collect_throughput.py [--episodes 48] [--vector 8 32] [--repeats 3] [--results]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from child_process import run_in_child
from results import add_results_flag, column, write_result


def collect_child(out: str, episodes: int, actor: str, vector: int, seed: int) -> dict:
    """One timed collection in a fresh process."""
    from errands.train.collect import collect

    started = time.perf_counter()
    manifest = collect(out, episodes, shard_size=episodes, seed=seed, actor=actor, vector=vector, progress=False)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": manifest["totals"]["rows"], "failed": manifest["totals"]["failed_episodes"],
            "sha256": sorted(entry["sha256"] for entry in manifest["shards"].values())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=48, help="episodes per collection (48)")
    parser.add_argument("--vector", type=int, nargs="+", default=[8, 32], help="the batch sizes compared (8 32)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each collection; the median is reported (3)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the task draws (0)")
    add_results_flag(parser)
    args = parser.parse_args(argv)
    if args.episodes < 1 or args.repeats < 1 or min(args.vector) < 1:
        parser.error(f"--episodes, --repeats and --vector must be at least 1, got {args.episodes}, {args.repeats}, "
                     f"{args.vector}")

    from errands.policies.learned import default_checkpoint

    load_before = os.getloadavg()[0]
    print(f"# collect_throughput  episodes={args.episodes} vector={args.vector} repeats={args.repeats}")
    print(f"python {platform.python_version()}  cpus={os.cpu_count()}  {platform.platform()}\n")
    work = Path(tempfile.mkdtemp(prefix="errands-collect-bench-"))
    actors = {"expert demonstrations": "expert", "DAgger rollouts (packaged checkpoint)": str(default_checkpoint())}
    rows = []
    try:
        for label, actor in actors.items():
            reference = None
            for vector in [0, *args.vector]:
                trials = []
                for repeat in range(args.repeats):
                    out = work / f"{len(rows)}-{repeat}"
                    trials.append(run_in_child(collect_child, str(out), args.episodes, actor, vector, args.seed))
                    shutil.rmtree(out, ignore_errors=True)
                seconds = statistics.median(t["seconds"] for t in trials)
                reference = reference or trials[0]["sha256"]
                same = all(t["sha256"] == reference for t in trials)
                rows.append({"collection": label, "path": f"--vector {vector}" if vector else "one at a time",
                             "episodes": args.episodes, "steps": trials[0]["rows"],
                             "episodes_per_s": round(args.episodes / seconds, 2),
                             "steps_per_s": round(trials[0]["rows"] / seconds, 1),
                             "same_shards": "yes" if same else "NO", "failed": trials[0]["failed"]})
                print(f"{label:40} {rows[-1]['path']:14} {rows[-1]['episodes_per_s']:7.2f} episodes/s "
                      f"{rows[-1]['steps_per_s']:8.1f} steps/s  same shards: {rows[-1]['same_shards']}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load = f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores"
    print(f"\n({load})")
    if args.results:
        write_result(
            "collect_throughput", rows, title="Collection, one episode at a time and over the batched worlds",
            columns=[column("collection", align="left"), column("path", align="left"), column("episodes"),
                     column("steps"), column("episodes_per_s", "episodes/s", format=".2f"),
                     column("steps_per_s", "steps/s", format=".1f"), column("same_shards", "same shards"),
                     column("failed", "failed episodes")],
            description=f"`errands collect` of {args.episodes} episodes, one worker, each collection in its own "
                        f"spawned process, median of {args.repeats} runs; `--vector N` plays N episodes in lockstep "
                        "over one errands/HouseholdVector-v0. Same shards: the SHA-256 of every shard equals the "
                        "one-at-a-time collection's.",
            notes=f"Measured with {load}.")
    return 0 if all(row["same_shards"] == "yes" for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
