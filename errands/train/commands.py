"""`errands collect` and `errands train bc|dagger`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

TRAIN_EPILOG = """examples:
  errands collect --episodes 2000 --workers 2 --out data/demos
  errands train bc --data data/demos --out runs/train/bc
  errands train dagger --data data/demos --out runs/train/dagger --dagger-rounds 3
  errands train bc --config train.json --device cuda --amp
  torchrun --standalone --nproc-per-node 2 -m errands.cli train bc --data data/demos --out runs/train/ddp
  errands run --policy runs/train/bc "put a washed apple in the fridge"

A config file is a JSON object with any of the keys of errands.train.imitation.TrainConfig
(datasets, out, epochs, batch_size, lr, hidden, seed, device, amp, dagger_rounds, ...);
flags override it. Rerunning the same command resumes from OUT/checkpoints/last.
"""


def add_train_commands(sub) -> None:
    col = sub.add_parser(
        "collect", help="record expert demonstrations (Parquet shards + manifest)",
        description="Play sampled tasks with the oracle planner and the scripted expert and record every skill "
                    "step (the skill as text, the observation features, the action) as Parquet shards with a "
                    "manifest of counts and SHA-256 checksums. Episode i's task comes from seed [SEED, i], so "
                    "the data does not depend on --workers; rerunning resumes with the missing shards.")
    col.add_argument("--episodes", type=int, default=1000, help="episodes to record (default 1000)")
    col.add_argument("--split", default="seen", choices=["seen", "unseen", "any"],
                     help="scenes to draw tasks from (default seen; keep unseen for evaluation)")
    col.add_argument("--seed", type=int, default=0, help="seed of the task draws (default 0)")
    col.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    col.add_argument("--shard-size", type=int, default=50, help="episodes per Parquet shard (default 50)")
    col.add_argument("--actor", default="expert",
                     help="who acts: 'expert' (demonstrations) or a checkpoint folder, whose visited states the "
                          "expert labels (DAgger data) (default expert)")
    col.add_argument("--out", type=Path, required=True, help="dataset folder")
    col.add_argument("--overwrite", action="store_true", help="delete the folder's data and start again")
    col.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    col.set_defaults(handler=cmd_collect)

    tr = sub.add_parser("train", help="train a learned skill policy (bc, dagger)")
    algos = tr.add_subparsers(dest="algorithm", metavar="ALGORITHM", required=True)
    for name, text in (("bc", "behaviour cloning on demonstration datasets"),
                       ("dagger", "behaviour cloning, then rounds in which the learner acts and the expert "
                                  "labels the states it reaches")):
        p = algos.add_parser(name, help=text, description=f"Train the language-conditioned skill network by "
                             f"{text}. Writes OUT/model.safetensors and OUT/config.json (give OUT to --policy), "
                             "OUT/checkpoints/last (to resume) and OUT/tensorboard.",
                             formatter_class=argparse.RawDescriptionHelpFormatter, epilog=TRAIN_EPILOG)
        p.add_argument("--config", type=Path, help="JSON config file (flags override it)")
        p.add_argument("--data", nargs="+", dest="datasets", help="dataset folders from `errands collect`")
        p.add_argument("--out", help="run folder (default runs/train/bc)")
        p.add_argument("--epochs", type=int, help="passes over the data (default 12)")
        p.add_argument("--batch-size", type=int, help="skill segments per batch (default 64)")
        p.add_argument("--lr", type=float, help="Adam learning rate (default 0.002)")
        p.add_argument("--hidden", type=int, help="width of the network (default 128)")
        p.add_argument("--seed", type=int, help="seed: the same seed and data give the same weights (default 0)")
        p.add_argument("--device", help="cpu, cuda or cuda:N (default cpu)")
        p.add_argument("--amp", action="store_true", default=None, help="bfloat16 mixed precision (CUDA only)")
        p.add_argument("--init", type=Path, help="start from this checkpoint's weights")
        p.add_argument("--no-progress", action="store_true", help="hide progress bars")
        if name == "dagger":
            p.add_argument("--dagger-rounds", type=int, help="rounds of learner rollouts (default 3)")
            p.add_argument("--dagger-episodes", type=int, help="episodes the learner plays per round (default 200)")
            p.add_argument("--dagger-epochs", type=int, help="training epochs after each round (default 4)")
            p.add_argument("--workers", type=int, help="worker processes for the rollouts (default 1)")
        p.set_defaults(handler=cmd_train)


def cmd_collect(args) -> int:
    from .collect import collect

    manifest = collect(args.out, args.episodes, split=args.split, seed=args.seed, workers=args.workers,
                       shard_size=args.shard_size, actor=args.actor, progress=not args.no_progress,
                       overwrite=args.overwrite)
    totals = manifest["totals"]
    print(f"{args.out}: {totals['episodes']} episodes, {totals['segments']} skill segments, {totals['rows']} steps "
          f"({totals['failed_episodes']} failed episodes, listed in the manifest)")
    return 0


def cmd_train(args) -> int:
    from .imitation import TrainConfig, train, train_dagger

    keys = ("datasets", "out", "epochs", "batch_size", "lr", "hidden", "seed", "device", "amp",
            "dagger_rounds", "dagger_episodes", "dagger_epochs", "workers")
    overrides = {k: getattr(args, k, None) for k in keys}
    if args.algorithm == "dagger" and overrides["out"] is None:
        overrides["out"] = "runs/train/dagger"
    config = TrainConfig.from_file(args.config, **overrides)
    if not config.datasets:
        raise ValueError("no datasets: give --data FOLDER (from `errands collect`) or 'datasets' in --config")
    run = train_dagger if args.algorithm == "dagger" else train
    out = run(config, args.init, progress=not args.no_progress)
    if os.environ.get("RANK", "0") == "0":
        print(f"checkpoint: {out} (use it with: errands run --policy {out} \"...\")")
    return 0
