"""BabyAI by imitation of the BabyAI bot, next to the published figures.

For each level and each demonstration budget N: `collect` N bot episodes (training seeds
0..N-1), behaviour cloning with the unchanged trainer (`errands.train.imitation.train`),
then the learned policy plays 512 fresh seeds (10^9 on) through `errands eval`'s BabyAI
path. Times are this machine's, wall clock and this process's CPU time (on a shared
machine the wall clock also counts the time other jobs held the cores); torch runs on
--threads threads.

The published figures are those of the field notes: BabyAI 1.0 (Chevalier-Boisvert et
al., 2019) imitation learning with 1M demonstrations on BossLevel, 77%; BabyAI 1.1 (Hui
et al., 2020), 90.4% with 1M demonstrations; on GoToLocal, PPO (reinforcement learning,
no demonstrations) reaches 97-99%.

Results go to OUT/results.json (one entry per level and N, kept across runs: a finished
entry is printed again, not rerun, unless --fresh); datasets, checkpoints and evaluation
runs stay in OUT.

Run:  python benchmarks/babyai.py --levels GoToRedBallGrey GoToLocal --demos 1000 10000 [--results]
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import shutil
import time
from pathlib import Path

from results import add_results_flag, column, write_result

SMALL_LEVELS = ("GoToRedBallGrey", "GoToLocal", "PickupLoc", "PutNextLocal")  # where 100k demos are affordable
DEFAULT_LEVELS = ("GoToRedBallGrey", "GoToLocal", "PickupLoc", "PutNextLocal", "GoToSeq", "SynthLoc", "BossLevel")
PUBLISHED = {  # from the field notes only
    "GoToLocal": "PPO (RL, no demos): 97-99%",
    "BossLevel": "IL, 1M demos: 77% (BabyAI 1.0), 90.4% (BabyAI 1.1)",
}


def epochs_for(demos: int, steps: int, args) -> int:
    """--epochs, or more so that small datasets still get --min-updates gradient steps (at
    most --max-epochs); and no more than --max-samples labelled steps seen in all."""
    batches = math.ceil(demos * 0.95 / args.batch_size)
    epochs = max(args.epochs, min(args.max_epochs, math.ceil(args.min_updates / batches)))
    return max(1, min(epochs, args.max_samples // max(steps, 1)))


def timed(times: dict, name: str, fn, *args, **kwargs):
    """fn(...), with its wall time and this process's CPU time put in `times`."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    times[f"{name}_s"] = round(time.perf_counter() - wall, 1)
    times[f"{name}_cpu_s"] = round(time.process_time() - cpu, 1)
    return result


def run_one(level: str, demos: int, args) -> dict:
    from errands.eval.babyai_episodes import babyai_suite
    from errands.eval.runner import run_evaluation
    from errands.train.collect import collect
    from errands.train.imitation import train
    from errands.train.imitation_config import TrainConfig

    work = args.out / f"{level}-{demos}"
    if work.exists():  # an entry that did not finish starts again, so that its times are whole
        shutil.rmtree(work)
    times = {}
    manifest = timed(times, "collect", collect, work / "data", demos, seed=0, shard_size=1000,
                     backend=f"babyai:{level}", progress=not args.no_progress)
    epochs = epochs_for(demos, manifest["totals"]["rows"], args)
    config = TrainConfig(datasets=[str(work / "data")], out=str(work / "bc"), epochs=epochs, lr=args.lr,
                         hidden=args.hidden, batch_size=args.batch_size, seed=0)
    timed(times, "train", train, config, progress=not args.no_progress)
    summary = timed(times, "eval", run_evaluation, babyai_suite(level, args.eval_episodes), work / "eval",
                    policy=str(work / "bc"), progress=not args.no_progress)
    overall = summary["metrics"]["overall"]
    history = json.loads((work / "bc" / "config.json").read_text())["training"]["history"]
    return {"level": level, "demos": demos, "demo_steps": manifest["totals"]["rows"],
            "failed_demos": manifest["totals"]["failed_episodes"], "epochs": epochs, "lr": args.lr,
            "hidden": args.hidden, "batch_size": args.batch_size, "episodes": overall["episodes"],
            "sr": overall["sr"], "sr_ci": overall["sr_ci"], "plw_sr": overall["plw_sr"],
            "val_accuracy": history[-1]["val_accuracy"], "threads": args.threads, **times}


def seconds(result: dict, phase: str) -> str:
    return f"{result[phase + '_s']:.0f} ({result[phase + '_cpu_s']:.0f})"


def table(results: list[dict]) -> str:
    rows = ["| level | demos | demo steps | epochs | SR % [95% CI] | PLW-SR % | collect s wall (CPU) "
            "| train s wall (CPU) | eval s wall (CPU) | published (demos) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        lo, hi = r["sr_ci"]
        rows.append(f"| {r['level']} | {r['demos']:,} | {r['demo_steps']:,} | {r['epochs']} | {100 * r['sr']:.1f} "
                    f"[{100 * lo:.1f}, {100 * hi:.1f}] | {100 * r['plw_sr']:.1f} | {seconds(r, 'collect')} | "
                    f"{seconds(r, 'train')} | {seconds(r, 'eval')} | {PUBLISHED.get(r['level'], '-')} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--levels", nargs="+", default=list(DEFAULT_LEVELS), help="BabyAI levels (default: all seven)")
    parser.add_argument("--demos", nargs="+", type=int, default=[1000, 10000, 100000],
                        help="demonstration budgets N (default 1000 10000 100000; 100000 only on the small levels "
                             f"{', '.join(SMALL_LEVELS)} unless --all-budgets)")
    parser.add_argument("--all-budgets", action="store_true", help="run every N on every level")
    parser.add_argument("--eval-episodes", type=int, default=512, help="fresh seeds per evaluation (default 512)")
    parser.add_argument("--epochs", type=int, default=15,
                        help="training epochs (default 15; raised by --min-updates, capped by --max-samples)")
    parser.add_argument("--min-updates", type=int, default=1000,
                        help="least gradient steps: small datasets get more epochs (default 1000)")
    parser.add_argument("--max-epochs", type=int, default=100, help="most training epochs (default 100)")
    parser.add_argument("--max-samples", type=int, default=1_000_000,
                        help="most labelled steps seen in training, which caps the epochs on long-episode levels "
                             "(default 1000000)")
    parser.add_argument("--lr", type=float, default=2e-3, help="Adam learning rate (default 0.002)")
    parser.add_argument("--hidden", type=int, default=128, help="network width (default 128)")
    parser.add_argument("--batch-size", type=int, default=64, help="episodes per batch (default 64)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--out", type=Path, default=Path("runs/bench/babyai"), help="work folder")
    parser.add_argument("--fresh", action="store_true", help="rerun entries already in OUT/results.json")
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")
    add_results_flag(parser)
    args = parser.parse_args(argv)

    import torch

    from errands.envs.babyai import check_level

    for level in args.levels:
        check_level(level)
    torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    results_path = args.out / "results.json"
    stored = json.loads(results_path.read_text()) if results_path.is_file() else {}
    print(f"# BabyAI imitation benchmark  levels={' '.join(args.levels)}  demos={args.demos}  "
          f"eval={args.eval_episodes} seeds  torch threads={args.threads}")
    print(f"python {platform.python_version()}  torch {torch.__version__}  {platform.platform()}\n")
    results = []
    for level in args.levels:
        for demos in args.demos:
            if demos > 10000 and level not in SMALL_LEVELS and not args.all_budgets:
                continue
            key = f"{level}-{demos}"
            if key in stored and not args.fresh:
                results.append(stored[key])
                continue
            result = run_one(level, demos, args)
            stored[key] = result
            results_path.write_text(json.dumps(stored, indent=1))
            results.append(result)
            print(f"{key}: SR {100 * result['sr']:.1f}%  (wall s: collect {result['collect_s']}, train "
                  f"{result['train_s']} ({result['epochs']} epochs), eval {result['eval_s']})", flush=True)
    print()
    print(table(results))
    if args.results:
        write_result("babyai_bc", [
            {**r, "sr_pct_95_pct_ci": f"{100 * r['sr']:.1f} [{100 * r['sr_ci'][0]:.1f}, {100 * r['sr_ci'][1]:.1f}]",
             "plw_sr_pct": round(100 * r["plw_sr"], 1), "collect_s_wall_cpu": seconds(r, "collect"),
             "train_s_wall_cpu": seconds(r, "train"), "eval_s_wall_cpu": seconds(r, "eval"),
             "published_demos": PUBLISHED.get(r["level"], "-")} for r in results],
            title="Behaviour cloning on BabyAI levels",
            columns=[column("level", align="left"), column("demos", format=",.0f"),
                     column("demo_steps", "demo steps", format=",.0f"), column("epochs"),
                     column("sr_pct_95_pct_ci", "SR % [95% CI]"), column("plw_sr_pct", "PLW-SR %", format=".1f"),
                     column("collect_s_wall_cpu", "collect s wall (CPU)"), column("train_s_wall_cpu", "train s wall (CPU)"),
                     column("eval_s_wall_cpu", "eval s wall (CPU)"), column("published_demos", "published (demos)", align="left")])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
