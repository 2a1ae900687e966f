"""Learned skills that see: the visuomotor policy trained by imitation through the camera
and measured under ALFRED's RGB-and-language rule (`benchmarks/imitation.py --camera RES`).

1. Demonstrations through the camera (`errands collect --camera RES --frames --planner
   goal-skills` on the procedural seen split): the expert follows the goal's skills by
   object type, as the RGB-only planner writes them, and every step keeps its frame and
   the pixels of the interaction's target (the label; the policy never sees them).
2. BC: `errands train bc --network visuomotor` on them.
3. DAgger: from the BC checkpoint, rounds in which the visuomotor policy plays new seen
   tasks through the camera and the expert labels the states it reaches.
4. Evaluation on a sample of valid_unseen (procedural) and of valid_unseen on ALFRED's
   floor plans, through the camera: the expert and the packaged symbolic policy with
   the oracle planner under `privileged` (references), and the visuomotor policies with
   the interpreter planner reading the instruction alone (`plan_from=words`) under
   `rgb`: SR, GC, PLW-SR, GotoLocation and interaction skill success.

The commands that rebuild the packaged checkpoint are printed (and written with the
results): the DAgger run folder is what errands/policies/data/household-visuomotor holds.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from results import column, write_result

NAVIGATION = ("GotoLocation",)


def skill_success(run_dir: Path) -> dict[str, tuple[int, int]]:
    """(succeeded, attempted) of GotoLocation and of the other (interaction) skills."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in (run_dir / "episodes.jsonl").read_text().splitlines():
        for record in json.loads(line).get("skills", []):
            kind = "navigation" if record["skill"].split("(")[0] in NAVIGATION else "interaction"
            counts[kind][1] += 1
            counts[kind][0] += record["status"] == "done"
    return {k: (v[0], v[1]) for k, v in counts.items()}


EVALUATION_COLUMNS = [column("suite", align="left"), column("episodes"), column("player", align="left"),
                      column("protocol", align="left"), column("sr_pct", "SR %", format=".1f"),
                      column("gc_pct", "GC %", format=".1f"), column("plw_sr_pct", "PLW-SR %", format=".1f"),
                      column("navigation_skills", "GotoLocation skill success"),
                      column("interaction_skills", "interaction skill success")]


def evaluation_row(suite_label: str, player: str, summary: dict, run_dir: Path, seconds: float) -> dict:
    """One row of EVALUATION_COLUMNS from an evaluation's summary and episodes (printed too)."""
    m = summary["metrics"]["overall"]
    row = {"suite": suite_label, "episodes": summary["episodes"], "player": player,
           "protocol": summary["protocol"]["name"], "sr_pct": round(100 * m["sr"], 1),
           "gc_pct": round(100 * m["gc"], 1), "plw_sr_pct": round(100 * m["plw_sr"], 1)}
    skills = skill_success(run_dir)
    for kind in ("navigation", "interaction"):
        done, tried = skills.get(kind, (0, 0))
        row[f"{kind}_skills"] = f"{100 * done / max(tried, 1):.1f}% ({done}/{tried})"
    print(f"{suite_label} | {player} | {row['protocol']} | SR {row['sr_pct']} GC {row['gc_pct']} PLW-SR "
          f"{row['plw_sr_pct']} | GotoLocation {row['navigation_skills']} | interactions "
          f"{row['interaction_skills']} ({seconds:.0f} s)", flush=True)
    return row


def sample(suite, episodes: int, label: str):
    """`episodes` episodes spread evenly over the suite (every k-th)."""
    step = max(1, len(suite.episodes) // episodes)
    chosen = suite.episodes[::step][:episodes]
    return replace(suite, episodes=chosen, name=f"{suite.name}-{label}-{len(chosen)}",
                   hash=f"{suite.hash}-every{step}-{len(chosen)}")


def run(args) -> int:
    import torch

    from errands.eval.runner import run_evaluation
    from errands.eval.suites import load_suite
    from errands.train.collect import collect
    from errands.train.dagger import train_dagger
    from errands.train.imitation import train
    from errands.train.imitation_config import TrainConfig

    torch.set_num_threads(args.threads)
    out, res = args.out / f"camera{args.camera}", args.camera
    times = {}
    t0 = time.perf_counter()
    collect(out / "demos", args.demos, split="seen", seed=args.seed, workers=args.workers, camera=res, frames=True,
            planner="goal-skills", progress=True, search=args.search, vector=args.vector)
    times["collect demos (s)"] = round(time.perf_counter() - t0, 1)
    config = TrainConfig(datasets=[str(out / "demos")], out=str(out / "bc"), network="visuomotor",
                         epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, hidden=args.hidden,
                         channels=args.channels, previous=args.previous, seed=args.seed,
                         view_weight=args.view_weight, dagger_search=args.search, dagger_vector=args.vector,
                         dagger_rounds=args.dagger_rounds,
                         dagger_episodes=args.dagger_episodes, dagger_epochs=args.dagger_epochs,
                         dagger_planner="goal-skills", dagger_camera=res, workers=args.workers)
    config.validate()
    t0 = time.perf_counter()
    train(config, stage="bc")
    times["train BC (s)"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    train_dagger(replace(config, out=str(out / "dagger")), initial=out / "bc")
    times["DAgger rounds (s)"] = round(time.perf_counter() - t0, 1)
    info = {name: json.loads((out / name / "config.json").read_text())["training"] for name in ("bc", "dagger")}

    camera = {"visibility": "camera", "resolution": res}
    players = {
        "scripted expert (oracle planner)": dict(planner="oracle", policy="expert", protocol="privileged"),
        "packaged symbolic policy (oracle planner)": dict(planner="oracle", policy="learned", protocol="privileged"),
        "visuomotor BC (interpreter, words only)": dict(planner="interpreter", planner_options={"plan_from": "words"},
                                                        policy=str(out / "bc"), protocol="rgb"),
        "visuomotor DAgger (interpreter, words only)": dict(planner="interpreter",
                                                            planner_options={"plan_from": "words"},
                                                            policy=str(out / "dagger"), protocol="rgb"),
    }
    suites = {"valid_unseen": sample(load_suite("valid_unseen"), args.eval_episodes, "procedural")}
    if args.layouts:
        suites["valid_unseen, floor plans"] = sample(load_suite("valid_unseen", args.layouts), args.eval_episodes,
                                                     "floorplans")
    rows = []
    for suite_label, suite in suites.items():
        layouts = args.layouts if "floor plans" in suite_label else None
        for name, player in players.items():
            folder = out / "eval" / f"{suite.name}-{name.split(' (')[0].replace(' ', '-')}"
            t0 = time.perf_counter()
            summary = run_evaluation(suite, folder, workers=args.workers, env_options=camera, layouts_dir=layouts,
                                     progress=True, **player)
            rows.append(evaluation_row(suite_label, name, summary, folder, time.perf_counter() - t0))

    training = []
    for name, stage in (("visuomotor BC", "bc"), ("visuomotor DAgger", "dagger")):
        history = info[stage]["history"]
        rates = [h["samples_per_s"] for h in history]
        training.append({"policy": name, "expert_labels": f"{info[stage]['labels']:,}",
                         "epochs": len(history), "val_accuracy": history[-1]["val_accuracy"],
                         "val_accuracy_grey_frames": history[-1].get("val_accuracy_grey_frames"),
                         "samples_per_s": round(sorted(rates)[len(rates) // 2], 1),
                         "device": f"cpu, {args.threads} threads"})
    for row in training:
        print(f"{row['policy']}: {row['expert_labels']} labels, val acc {row['val_accuracy']} (grey frames "
              f"{row['val_accuracy_grey_frames']}), "
              f"{row['samples_per_s']} samples/s ({row['device']})")
    search = " --search" if args.search else ""
    vector = f" --vector {args.vector}" if args.vector else ""
    rebuild = (f"errands collect --episodes {args.demos} --split seen --seed {args.seed} --camera {res} --frames "
               f"--planner goal-skills{search}{vector} --workers {args.workers} --out data/camera-demos && "
               f"errands train bc --network visuomotor --data data/camera-demos --out runs/train/visuomotor-bc "
               f"--epochs {args.epochs} --batch-size {args.batch_size} --lr {args.lr:g} --hidden {args.hidden} "
               f"--channels {args.channels} --previous {args.previous} --view-weight {args.view_weight:g} "
               f"--seed {args.seed} && "
               f"errands train dagger --network visuomotor --data data/camera-demos --init runs/train/visuomotor-bc "
               f"--out runs/train/visuomotor-dagger --dagger-rounds {args.dagger_rounds} --dagger-episodes "
               f"{args.dagger_episodes} --dagger-epochs {args.dagger_epochs} --dagger-planner goal-skills "
               f"--dagger-camera {res}{' --dagger-search' if args.search else ''}"
               f"{f' --dagger-vector {args.vector}' if args.vector else ''} --batch-size "
               f"{args.batch_size} --lr {args.lr:g} --view-weight {args.view_weight:g} --seed {args.seed} "
               f"--workers {args.workers}")
    print("\nrebuild the packaged checkpoint:\n  " + rebuild)
    for key, value in times.items():
        print(f"  {key:28s} {value}")
    if args.results:
        spread = f"{args.eval_episodes} episodes of each suite, spread over it (every k-th)"
        recipe = ("the previous action and its success" if args.previous == "action"
                  else "whether its previous action succeeded, not the action")
        if args.search:
            recipe += "; the expert that records and labels looks round for GotoLocation's target before walking to it"
        if args.view_weight:
            recipe += (f"; an auxiliary loss (weight {args.view_weight:g}) on whether and where the frame shows "
                       f"GotoLocation's destination")
        write_result(
            "imitation_camera", rows, title="Visuomotor skill policies through the camera (RGB-only protocol)",
            columns=EVALUATION_COLUMNS,
            description=f"{spread}, every episode seen through the agent's {res}x{res} camera. The expert and the "
                        f"packaged symbolic policy play with the oracle planner under `privileged` (they read the "
                        f"world or the goal sensors: references); the visuomotor policies play under `rgb` "
                        f"(ALFRED's rule: the camera's RGB image and the language), with the interpreter planner "
                        f"reading the instruction alone (`plan_from=words`) and interactions aimed at a pixel. "
                        f"Trained on {args.demos} camera demonstrations of the procedural seen split (BC), then "
                        f"{args.dagger_rounds} x {args.dagger_episodes} DAgger episodes; the network is given "
                        f"{recipe}.",
            times=times, rebuild=rebuild)
        write_result(
            "imitation_camera_training", training, title="Training the visuomotor policy on 2 CPU cores",
            columns=[column("policy", align="left"), column("expert_labels", "expert labels"), column("epochs"),
                     column("val_accuracy", "held-out step accuracy"),
                     column("val_accuracy_grey_frames", "the same, grey frames"), column("samples_per_s", "samples/s"),
                     column("device", align="left")],
            description="Training throughput (median over the epochs of the last stage) and held-out step "
                        "accuracy (action and, for interactions, a pixel of the target) of the runs above, and the "
                        "same accuracy with every frame a flat grey (what the network gets right without the "
                        "image).")
    return 0
