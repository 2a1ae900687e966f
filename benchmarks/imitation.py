"""Learned skill policies by imitation, measured on unseen scenes.

1. DAgger: expert demonstrations on seen scenes (`errands collect`), behaviour cloning,
   then rounds in which the learner plays new seen-scene tasks and the expert labels
   the states it reaches. Its labels are counted.
2. BC at the same number of expert labels: demonstrations are collected until they hold
   at least as many labelled steps, and the network is trained on them alone.
3. Both, and the scripted expert, play episodes of the packaged `valid_unseen` suite
   (unseen floor plans) with the oracle planner: GotoLocation skill success (the skill's
   success test holds when the policy says it is done), every skill's success, and SR,
   GC, PLW-SR per task type.

Wall times of collection and training, and training samples/s, are printed. Results go
to OUT/results.json; the run folders (datasets, checkpoints, evaluation runs) stay in OUT
so that a rerun resumes.

Run:  python benchmarks/imitation.py [--demos 1500] [--eval-episodes 300] [--workers 2] [--results]
With --camera RES: the visuomotor policy through the camera, under the RGB-only protocol
(benchmarks/imitation_camera.py).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from results import add_results_flag, column, write_result


def skill_success(run_dir: Path) -> dict[str, tuple[int, int]]:
    """(succeeded, attempted) per skill name, over every skill run in the episodes."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in (run_dir / "episodes.jsonl").read_text().splitlines():
        log = json.loads(line)
        for record in log.get("skills", []):
            name = record["skill"].split("(")[0]
            counts[name][1] += 1
            counts[name][0] += record["status"] == "done"
    return {k: (v[0], v[1]) for k, v in sorted(counts.items())}


def evaluate(suite, out: Path, policy: str, workers: int) -> dict:
    from errands.eval.runner import run_evaluation

    started = time.perf_counter()
    summary = run_evaluation(suite, out, planner="oracle", policy=policy, workers=workers, progress=True)
    return {"summary": summary, "skills": skill_success(out), "seconds": round(time.perf_counter() - started, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demos", type=int, default=1500, help="expert episodes DAgger starts from (default 1500)")
    parser.add_argument("--dagger-rounds", type=int, default=2, help="DAgger rounds (default 2)")
    parser.add_argument("--dagger-episodes", type=int, default=500, help="learner episodes per round (default 500)")
    parser.add_argument("--epochs", type=int, default=12, help="BC epochs (default 12)")
    parser.add_argument("--dagger-epochs", type=int, default=5, help="epochs after each DAgger round (default 5)")
    parser.add_argument("--eval-episodes", type=int, default=300,
                        help="valid_unseen episodes to evaluate on, spread over the suite (default 300)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="seed of data and training (default 0)")
    parser.add_argument("--out", type=Path, default=Path("runs/bench/imitation"), help="work folder")
    camera = parser.add_argument_group("through the camera (--camera RES: benchmarks/imitation_camera.py)")
    camera.add_argument("--camera", type=int, metavar="RES",
                        help="train and measure the visuomotor policy through the RES x RES camera under the RGB-only "
                             "protocol instead")
    camera.add_argument("--layouts", help="ALFRED's gen/layouts folder: also measure on valid_unseen's floor plans")
    camera.add_argument("--batch-size", type=int, default=32, help="skill segments per batch (default 32)")
    camera.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate (default 1e-3)")
    camera.add_argument("--hidden", type=int, default=128, help="width of the memory (default 128)")
    camera.add_argument("--channels", type=int, default=16, help="width of the CNN (default 16)")
    camera.add_argument("--previous", choices=["action", "success"], default="action",
                        help="what the visuomotor network is given of its previous action (default action)")
    camera.add_argument("--search", action="store_true",
                        help="the expert that records and labels looks round for GotoLocation's target before walking "
                             "to it (errands collect --search)")
    camera.add_argument("--view-weight", type=float, default=0.0,
                        help="weight of the visuomotor network's auxiliary loss: whether and where the frame shows "
                             "GotoLocation's destination (default 0: none)")
    camera.add_argument("--vector", type=int, default=0, metavar="N",
                        help="each collecting worker (demonstrations and DAgger rounds) plays N episodes at once "
                             "(the same data; default 0: one at a time)")
    camera.add_argument("--threads", type=int, default=2, help="torch threads for training (default 2)")
    add_results_flag(parser)
    args = parser.parse_args(argv)
    if args.camera:
        from imitation_camera import run

        return run(args)

    from errands.eval.suites import load_suite
    from errands.train.collect import collect
    from errands.train.dagger import train_dagger
    from errands.train.imitation import train
    from errands.train.imitation_config import TrainConfig

    out = args.out
    print(f"# imitation benchmark  demos={args.demos} dagger={args.dagger_rounds}x{args.dagger_episodes} "
          f"eval={args.eval_episodes} workers={args.workers} seed={args.seed}")
    print(f"python {platform.python_version()}  {platform.platform()}\n")
    times = {}

    t0 = time.perf_counter()
    collect(out / "demos", args.demos, workers=args.workers, seed=args.seed)
    times["collect demos (s)"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    dagger_config = TrainConfig(datasets=[str(out / "demos")], out=str(out / "dagger"), epochs=args.epochs,
                                seed=args.seed, dagger_rounds=args.dagger_rounds,
                                dagger_episodes=args.dagger_episodes, dagger_epochs=args.dagger_epochs,
                                workers=args.workers)
    train_dagger(dagger_config)
    times["DAgger: BC + rounds (s)"] = round(time.perf_counter() - t0, 1)
    dagger_info = json.loads((out / "dagger" / "config.json").read_text())["training"]
    labels = dagger_info["labels"]

    # BC with as many labels: more expert episodes, from another seed range, until the rows match.
    t0 = time.perf_counter()
    bc_episodes = args.demos
    while True:
        manifest = collect(out / "bc-demos", bc_episodes, workers=args.workers, seed=args.seed)
        if manifest["totals"]["rows"] >= labels:
            break
        per_episode = manifest["totals"]["rows"] / manifest["totals"]["episodes"]
        bc_episodes += max(50, int((labels - manifest["totals"]["rows"]) / per_episode) + 1)
    times["collect BC demos (s)"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    train(replace(dagger_config, datasets=[str(out / "bc-demos")], out=str(out / "bc")))
    times["train BC (s)"] = round(time.perf_counter() - t0, 1)
    bc_info = json.loads((out / "bc" / "config.json").read_text())["training"]

    suite = load_suite("valid_unseen")
    step = max(1, len(suite.episodes) // args.eval_episodes)
    subset = replace(suite, episodes=suite.episodes[::step][:args.eval_episodes],
                     name=f"valid_unseen-{args.eval_episodes}", hash=f"{suite.hash}-every{step}-{args.eval_episodes}")
    results = {}
    for name, policy in (("expert", "expert"), ("BC", str(out / "bc")), ("DAgger", str(out / "dagger"))):
        results[name] = evaluate(subset, out / "eval" / name, policy, args.workers)

    print("\n## Training")
    for name, info in (("BC", bc_info), ("DAgger", dagger_info)):
        last = info["history"][-1]
        print(f"{name:7s} expert labels {info['labels']:7d}  last-stage epochs {len(info['history'])}  "
              f"val acc {last['val_accuracy']}  {last['samples_per_s']} samples/s")
    for key, value in times.items():
        print(f"  {key:28s} {value}")

    print(f"\n## Unseen scenes: {len(subset.episodes)} valid_unseen episodes, oracle planner")
    print("| policy | GotoLocation skill success | all skills | SR % | GC % | PLW-SR % |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        goto = r["skills"].get("GotoLocation", (0, 0))
        done = sum(v[0] for v in r["skills"].values())
        tried = sum(v[1] for v in r["skills"].values())
        m = r["summary"]["metrics"]["overall"]
        print(f"| {name} | {100 * goto[0] / max(goto[1], 1):.1f}% ({goto[0]}/{goto[1]}) | "
              f"{100 * done / max(tried, 1):.1f}% | {100 * m['sr']:.1f} | {100 * m['gc']:.1f} | {100 * m['plw_sr']:.1f} |")
    print("\n## Per task type (SR / GC / PLW-SR %)")
    types = [t for t in results["expert"]["summary"]["metrics"] if t != "overall"]
    print("| task type | " + " | ".join(results) + " |")
    print("|---|" + "---:|" * len(results))
    for t in types:
        cells = []
        for r in results.values():
            m = r["summary"]["metrics"][t]
            cells.append(f"{100 * m['sr']:.0f} / {100 * m['gc']:.0f} / {100 * m['plw_sr']:.0f}")
        print(f"| {t} | " + " | ".join(cells) + " |")
    print("\nfailure categories:", json.dumps({k: r["summary"]["failure_categories"] for k, r in results.items()}))
    (out / "results.json").write_text(json.dumps({"times": times, "bc": bc_info, "dagger": dagger_info,
                                                  "results": {k: {"skills": v["skills"],
                                                                  "summary": v["summary"]}
                                                              for k, v in results.items()}}, indent=1))
    if args.results:
        rows = []
        for name, r in results.items():
            goto = r["skills"].get("GotoLocation", (0, 0))
            done, tried = sum(v[0] for v in r["skills"].values()), sum(v[1] for v in r["skills"].values())
            m = r["summary"]["metrics"]["overall"]
            info = {"BC": bc_info, "DAgger": dagger_info}.get(name)
            rows.append({"policy": {"expert": "scripted expert"}.get(name, name),
                         "expert_labels": f"{info['labels']:,}" if info else "-",
                         "gotolocation_skill_success": f"{100 * goto[0] / max(goto[1], 1):.1f}% ({goto[0]}/{goto[1]})",
                         "all_skills": f"{100 * done / max(tried, 1):.1f}%", "sr_pct": round(100 * m["sr"], 1),
                         "gc_pct": round(100 * m["gc"], 1), "plw_sr_pct": round(100 * m["plw_sr"], 1)})
        write_result("imitation", rows, title="Behaviour cloning and DAgger in unseen scenes",
                     columns=[column("policy", align="left"), column("expert_labels", "expert labels"),
                              column("gotolocation_skill_success", "GotoLocation skill success"),
                              column("all_skills", "all skills"), column("sr_pct", "SR %", format=".1f"),
                              column("gc_pct", "GC %", format=".1f"), column("plw_sr_pct", "PLW-SR %", format=".1f")],
                     description=f"{len(subset.episodes)} episodes of `valid_unseen`, spread over the suite, oracle "
                                 f"planner; DAgger from {args.demos} demonstrations and {args.dagger_rounds} x "
                                 f"{args.dagger_episodes} learner episodes, BC trained on as many expert labels.",
                     times=times)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
