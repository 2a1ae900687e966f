"""Export throughput and size: demonstrations collected by `errands collect`, written as
LeRobot (v3.0 layout) and Minari datasets, beside the collected Parquet itself.

Three datasets are collected first (not timed): household demonstrations with symbolic
observations, household demonstrations seen through a 64x64 camera with the frames kept,
and the BabyAI bot on GoToLocal. Each export then runs in its own spawned child process,
one after another, `--repeats` times; the table gives the median steps per second (a
step is one collected skill step: one LeRobot frame, one Minari step) and the size on
disk per 1,000 steps. Minari stores arrays losslessly (no JPEG); LeRobot stores the
camera as MP4 (lossy).

Run:  python benchmarks/dataset_export.py [--episodes 100] [--repeats 3] [--results]
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

CAMERA = 64


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def export_child(kind: str, data: str, out: str) -> dict:
    """One timed export in a fresh process."""
    started = time.perf_counter()
    if kind == "lerobot":
        from errands.train.lerobot_export import export_lerobot

        export_lerobot(data, out, progress=False)
        where = Path(out)
    else:
        from errands.train.minari_export import export_minari

        export_minari(data, "errands/benchmark-v0", root=out, progress=False)
        where = Path(out) / "errands" / "benchmark-v0"
    return {"seconds": time.perf_counter() - started, "bytes": folder_bytes(where)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--episodes", type=int, default=100, help="episodes of each dataset (default 100)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each export; the median is reported")
    parser.add_argument("--workers", type=int, default=2, help="collection workers (default 2)")
    add_results_flag(parser)
    args = parser.parse_args(argv)

    import minari

    import errands
    from errands.train.collect import collect
    from errands.train.dataset import recorded_episodes

    print(f"# dataset_export  episodes={args.episodes} repeats={args.repeats}")
    print(f"python {platform.python_version()}  errands {errands.__version__}  minari {minari.__version__}")
    print(f"machine: {platform.machine()}  cpus={os.cpu_count()}  {platform.platform()}\n")
    work = Path(tempfile.mkdtemp(prefix="errands-export-bench-"))
    datasets = {
        "household, symbolic": dict(),
        f"household, {CAMERA}x{CAMERA} RGB frames": dict(camera=CAMERA, frames=True),
        "BabyAI GoToLocal": dict(backend="babyai:GoToLocal"),
    }
    rows = []
    try:
        for i, (label, options) in enumerate(datasets.items()):
            data = work / f"data-{i}"
            manifest = collect(data, args.episodes, workers=args.workers, progress=False, **options)
            steps = manifest["totals"]["rows"]
            episodes = recorded_episodes(manifest)
            parquet = sum(p.stat().st_size for p in data.glob("*.parquet"))
            rows.append({"dataset": label, "format": "collected Parquet (errands)", "episodes": episodes,
                         "steps": steps, "steps_per_s": None, "kb_per_1000_steps": parquet / steps})
            for kind in ("lerobot", "minari"):
                trials = []
                for repeat in range(args.repeats):
                    out = work / f"{kind}-{i}-{repeat}"
                    trials.append(run_in_child(export_child, kind, str(data), str(out)))
                    shutil.rmtree(out, ignore_errors=True)
                seconds = statistics.median(t["seconds"] for t in trials)
                size = trials[0]["bytes"]
                rows.append({"dataset": label, "format": "LeRobot v3.0" if kind == "lerobot" else "Minari (arrow)",
                             "episodes": episodes, "steps": steps, "steps_per_s": steps / seconds,
                             "kb_per_1000_steps": size / steps})
                print(f"{label:32} {kind:8} {steps:6d} steps  {steps / seconds:9,.0f} steps/s  "
                      f"{size / steps:8.1f} KB / 1000 steps")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for row in rows:
        row["steps_per_s"] = "-" if row["steps_per_s"] is None else round(row["steps_per_s"])
        row["kb_per_1000_steps"] = round(row["kb_per_1000_steps"], 1)
    if args.results:
        write_result(
            "dataset_export", rows, title="Dataset export",
            columns=[column("dataset", align="left"), column("format", align="left"), column("episodes"),
                     column("steps"), column("steps_per_s", "steps/s", format=",.0f"),
                     column("kb_per_1000_steps", "KB per 1,000 steps", format=",.1f")],
            description=f"`errands export lerobot` and `errands export minari` on {args.episodes} collected episodes "
                        f"of each dataset, each export in its own spawned process, median of {args.repeats} runs "
                        "(the size is the same every run); the collected Parquet shards for reference (zstd). "
                        "Steps/s counts collected skill steps written, reading the shards included.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
