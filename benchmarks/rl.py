"""PPO (stable-baselines3) on skill episodes, measured on unseen scenes.

(a) From scratch: PPO on GotoLocation (seen scenes) for a fixed budget of env steps; every
    exported checkpoint along the way plays the same unseen-scene GotoLocation episodes
    (errands/HouseholdSkill-v0, split unseen, seeds 1e6 + i). Learning curve: OUT/learning_curve.png.
(b) Imitation, then PPO (small learning rate) vs imitation alone, on the same unseen
    episodes: skill-env success on GotoLocation and each fine-tuned skill, and full
    tasks with the oracle planner on a spread subset of the packaged valid_unseen suite
    (GotoLocation skill success inside those tasks, SR, GC, PLW-SR, and the paired
    comparison of `errands compare`). Fine-tuning runs with the imitation anchor
    (behaviour cloning on the other skills' demonstrations after each PPO update, so the
    shared network keeps them). A control row, "imitation + anchor steps", is the imitation network after the
    same anchor steps without PPO (what fine-tuning adds beyond it is PPO's). The policy
    carries the network's memory through PPO's rollouts, so its starting point is the
    imitation policy exactly as the Agent plays it.
(c) Env steps/s during PPO training (updates included, and rollouts alone), side by side:
    SubprocVecEnv over 1 and 2 scalar skill envs (`--envs`, the default path), DummyVecEnv
    over N of them in this process, and the batched VectorSkillEnv over N
    (`--vector N`, errands/HouseholdVector-v0 under the skill env); 512 env steps per
    rollout in every run; and the same envs alone, stepped with random moves (`--env-steps`).
    `--only-throughput` runs part (c) alone.

With --layouts (ALFRED's gen/layouts folder) every part runs in ALFRED's real floor plans
instead of procedural scenes: training and the anchor's demonstrations in the seen split's,
skill episodes in the unseen split's, full tasks on the floor-plan variant of valid_unseen;
part (b) is then evaluated in procedural scenes as well, which imitation was trained in
(--procedural-anchor-episodes N adds N procedural expert episodes to the anchor).
With --seeds N part (b) runs N times (seeds SEED...SEED+N-1, in OUT/seed-K) and a table
says what PPO changed in each run.

The imitation checkpoint: --imitation if given, else the packaged one
(errands/policies/data/household-skills) when it matches the current features, else one
trained here (`errands collect --episodes DEMOS --workers 2` and `errands train bc`).
Results go to OUT/results.json; run folders stay in OUT, so a rerun resumes.

Run:  python benchmarks/rl.py [--scratch-steps 50000] [--finetune-steps 20000] [--out runs/bench/rl] [--results]
      python benchmarks/rl.py --only-throughput [--vector 16 64] [--results]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

from results import add_results_flag, column, write_result

sys.path.insert(0, str(Path(__file__).parent))


def imitation_checkpoint(args) -> tuple[str, str, str | None]:
    """(folder, how it was obtained, its demonstrations when trained here)."""
    from errands.policies.learned import default_checkpoint
    from errands.train.ppo_model import network_config_for
    from errands.train.rl_config import RLConfig

    if args.imitation:
        return str(args.imitation), "given", None
    packaged = default_checkpoint()
    if packaged.is_dir():
        try:
            network_config_for(RLConfig(init=str(packaged)))
            return str(packaged), "packaged", None
        except ValueError as e:
            print(f"the packaged checkpoint does not fit ({e}); training one")
    from errands.train.collect import collect
    from errands.train.imitation import train
    from errands.train.imitation_config import TrainConfig

    out = args.out / "imitation"
    started = time.perf_counter()
    collect(out / "demos", args.demos, workers=args.workers, seed=args.seed)
    train(TrainConfig(datasets=[str(out / "demos")], out=str(out / "bc"), epochs=args.bc_epochs, seed=args.seed))
    return str(out / "bc"), f"BC on {args.demos} expert episodes, {args.bc_epochs} epochs " \
                            f"({time.perf_counter() - started:.0f} s)", str(out / "demos")


def anchor_only(config, folder: Path) -> str:
    """The control: the imitation network after the same behaviour-cloning anchor steps
    as the fine-tuning run (one call per PPO update), without PPO. What fine-tuning
    gains beyond it is PPO's."""
    import math

    from errands.policies.network import load_checkpoint, save_checkpoint
    from errands.train.imitation_anchor import ImitationAnchor

    if (folder / "model.safetensors").is_file():
        return str(folder)
    model, _ = load_checkpoint(config.init)
    anchor = ImitationAnchor(config, model)
    updates = math.ceil(config.total_steps / (config.n_steps * config.envs))
    for _ in range(updates):
        anchor.step("cpu")
    save_checkpoint(model, folder, training={"stage": "imitation + anchor steps, no PPO", "anchor_updates": updates})
    return str(folder)


def full_tasks(suite, out: Path, policy: str, workers: int, layouts: str | None) -> dict:
    from errands.eval.runner import run_evaluation
    from imitation import skill_success

    summary = run_evaluation(suite, out, planner="oracle", policy=policy, workers=workers, progress=False,
                             layouts_dir=layouts)
    return {"summary": summary, "skills": skill_success(out)}


def finetune_config(args, imitation: str, anchor: list[str], seed: int, folder: Path):
    """The fine-tuning run's settings (part (c) measures with them too)."""
    from errands.train.rl_config import RLConfig

    return RLConfig(out=str(folder / "finetune"), init=imitation, skills=args.finetune_skills,
                    total_steps=args.finetune_steps, envs=args.workers, lr=args.finetune_lr, ent_coef=0.001,
                    clip_range=0.1, anchor_data=anchor, checkpoint_every=max(1, args.finetune_steps // 5),
                    value_warmup_steps=args.value_warmup, anchor_trained_skills=args.anchor_trained_skills,
                    detour_steps=args.detour_steps, layouts=args.layouts, seed=seed)


def finetune_and_compare(args, imitation: str, demos: str | None, seed: int, folder: Path) -> dict:
    """Fine-tune the imitation checkpoint with PPO (seed `seed`, into `folder`), build the
    anchor-steps control, and evaluate the three in the scenes trained in (and, with
    --layouts, in procedural scenes too, which imitation was trained in and fine-tuning
    must not spoil)."""
    from errands.train.rl import train_rl

    from errands.train.collect import collect

    if demos is None:  # the anchor's demonstrations, in the scenes PPO trains in
        demos = str(folder / "anchor-demos")
        collect(demos, args.anchor_episodes, workers=args.workers, seed=seed + 1, progress=False,
                layouts=args.layouts)
    anchor = [demos]
    if args.layouts and args.procedural_anchor_episodes:  # and in the procedural scenes imitation knows
        anchor.append(str(folder / "anchor-demos-procedural"))
        collect(anchor[-1], args.procedural_anchor_episodes, workers=args.workers, seed=seed + 1, progress=False)
    # GotoLocation always (every plan navigates), then the fine-tuned skills
    skills = list(dict.fromkeys(["GotoLocation"] + [s.strip() for s in args.finetune_skills.split(",")]))
    t0 = time.perf_counter()
    config = finetune_config(args, imitation, anchor, seed, folder)
    train_rl(config, progress=False)
    seconds = time.perf_counter() - t0
    policies = {"imitation": imitation,
                "imitation + anchor steps": anchor_only(config, folder / "anchor-only"),
                "imitation + PPO": str(folder / "finetune")}
    kinds = {"floor plans" if args.layouts else "procedural scenes": (args.layouts, folder / "eval")}
    if args.layouts:
        kinds["procedural scenes"] = (None, folder / "eval-procedural")
    evaluations = {kind: evaluate_policies(policies, skills, layouts, eval_folder, args)
                   for kind, (layouts, eval_folder) in kinds.items()}
    return {"config": config, "seconds": round(seconds, 1), "evaluations": evaluations}


def env_alone_steps_per_s(config, steps: int, seed: int) -> float | None:
    """The skill envs of `config` (as training makes them) stepped with random moves and
    turns for about `steps` env steps, without the policy: env steps/s (None for 0 steps)."""
    import numpy as np

    from errands.policies.features import POLICY_ACTIONS
    from errands.train.ppo_model import make_vec_env

    if not steps:
        return None
    env = make_vec_env(config)
    try:
        env.seed(seed)
        env.reset()
        n = env.num_envs
        moves = np.array([POLICY_ACTIONS.index(name) for name in ("MoveAhead", "RotateLeft", "RotateRight")])
        rng = np.random.default_rng(seed)
        batches = [np.stack([rng.choice(moves, n), np.zeros(n, np.int64)], axis=1) for _ in range(max(1, steps // n))]
        t0 = time.perf_counter()
        for actions in batches:
            env.step(actions)
        return round(len(batches) * n / (time.perf_counter() - t0), 1)
    finally:
        env.close()


def print_seed_summary(runs: dict) -> None:
    """PPO - imitation per seed, in points: whether fine-tuning was lower anywhere."""
    print("\n## (b) across seeds: imitation + PPO minus imitation, in points")
    print("| seed | scenes | GotoLocation, skill episodes | GotoLocation in tasks | SR | GC | lower on any? |")
    print("|---:|---|---:|---:|---:|---:|---|")
    for seed, run in runs.items():
        for kind, e in run["evaluations"].items():
            a, b = e["skill_env"]["GotoLocation"]["imitation"], e["skill_env"]["GotoLocation"]["imitation + PPO"]
            goto = 100 * (b["success_rate"] - a["success_rate"])
            in_tasks = goto_in_tasks_difference(e["tasks"])
            rows = {r.metric: 100 * r.difference for r in e["comparison"].rows}
            lower = [name for name, value in (("GotoLocation", goto), ("GotoLocation in tasks", in_tasks),
                                              ("SR", rows["SR"])) if value < 0]
            print(f"| {seed} | {kind} | {goto:+.1f} | {in_tasks:+.1f} | {rows['SR']:+.1f} | {rows['GC']:+.1f} | "
                  f"{', '.join(lower) or 'no'} |")


def evaluate_policies(policies: dict, skills: list[str], layouts: str | None, folder: Path, args) -> dict:
    """Skill episodes (unseen split) and full tasks (a spread subset of valid_unseen) of
    every policy, in procedural scenes or, with `layouts`, ALFRED's floor plans."""
    from errands.eval.compare import compare_runs
    from errands.eval.suites import load_suite
    from errands.train.skill_evaluation import evaluate_skill

    skill_eval = {skill: {name: evaluate_skill(path, episodes=args.skill_episodes, skills=skill, layouts_dir=layouts)
                          for name, path in policies.items()} for skill in skills}
    suite = load_suite("valid_unseen", layouts_dir=layouts)
    step = max(1, len(suite.episodes) // args.task_episodes)
    subset = replace(suite, episodes=suite.episodes[::step][:args.task_episodes],
                     name=f"valid_unseen-{args.task_episodes}", hash=f"{suite.hash}-every{step}-{args.task_episodes}")
    runs = {"imitation": folder / "imitation", "imitation + anchor steps": folder / "anchor-only",
            "imitation + PPO": folder / "finetuned"}
    tasks = {name: full_tasks(subset, runs[name], policies[name], args.workers, layouts) for name in policies}
    return {"skill_env": skill_eval, "tasks": tasks, "task_episodes": len(subset.episodes),
            "comparison": compare_runs(runs["imitation"], runs["imitation + PPO"]),
            "control_comparison": compare_runs(runs["imitation + anchor steps"], runs["imitation + PPO"])}


def print_evaluation(kind: str, evaluation: dict, args) -> None:
    from errands.eval.compare import format_comparison, mcnemar_exact

    skill_eval, tasks = evaluation["skill_env"], evaluation["tasks"]
    policies = list(tasks)
    print(f"\n### {kind}")
    print(f"\nSkill episodes, unseen {kind} ({args.skill_episodes} per skill, the same for every policy):")
    print("| skill | " + " | ".join(policies) + " | PPO - imitation (points) | McNemar p |")
    print("|---|" + "---:|" * (len(policies) + 2))
    for skill, by_policy in skill_eval.items():
        a, b = by_policy["imitation"], by_policy["imitation + PPO"]
        only_a = sum(x and not y for x, y in zip(a["outcomes"], b["outcomes"]))
        only_b = sum(y and not x for x, y in zip(a["outcomes"], b["outcomes"]))
        cells = " | ".join(pct(r["successes"], r["episodes"]) for r in by_policy.values())
        print(f"| {skill} | {cells} | {100 * (b['success_rate'] - a['success_rate']):+.1f} | "
              f"{mcnemar_exact(only_a, only_b):.3g} |")
    print(f"\nFull tasks: {evaluation['task_episodes']} valid_unseen episodes in {kind}, oracle planner:")
    print("| policy | GotoLocation in tasks | PickupObject in tasks | all skills | SR % | GC % | PLW-SR % |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in tasks.items():
        goto, pick = r["skills"].get("GotoLocation", (0, 0)), r["skills"].get("PickupObject", (0, 0))
        done, tried = sum(v[0] for v in r["skills"].values()), sum(v[1] for v in r["skills"].values())
        m = r["summary"]["metrics"]["overall"]
        print(f"| {name} | {pct(*goto)} | {pct(*pick)} | {pct(done, tried)} | {100 * m['sr']:.1f} | "
              f"{100 * m['gc']:.1f} | {100 * m['plw_sr']:.1f} |")
    comparison = evaluation["comparison"]
    print("\nimitation (A) vs imitation + PPO (B), paired over the same episodes:")
    print(format_comparison(comparison))
    print("\nimitation + anchor steps, no PPO (A) vs imitation + PPO (B): what PPO itself adds:")
    print(format_comparison(evaluation["control_comparison"]))
    sr = next(r for r in comparison.rows if r.metric == "SR")
    verdict = "higher" if sr.difference > 0 else "lower" if sr.difference < 0 else "the same"
    print(f"\nIn {kind}, full-task SR with PPO fine-tuning is {verdict}: {100 * sr.difference:+.1f} points "
          f"(McNemar p = {sr.p_value:.3g}); GotoLocation in tasks {goto_in_tasks_difference(tasks):+.1f} points.")


def goto_in_tasks_difference(tasks: dict) -> float:
    """GotoLocation's success inside full tasks, imitation + PPO minus imitation, in points."""
    a, b = (tasks[name]["skills"].get("GotoLocation", (0, 1)) for name in ("imitation", "imitation + PPO"))
    return 100 * (b[0] / max(b[1], 1) - a[0] / max(a[1], 1))


def plot_curve(points: list[dict], history: list[dict], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.plot([p["timesteps"] for p in points], [100 * p["success_rate"] for p in points], "o-",
            label="unseen scenes, greedy (evaluation)")
    ax.plot([h["timesteps"] for h in history], [100 * (h["success_rate"] or 0) for h in history], "-", alpha=0.6,
            label="seen scenes, sampled (training)")
    ax.set_xlabel("env steps")
    ax.set_ylabel("GotoLocation success %")
    ax.set_ylim(0, 100)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def pct(n: int, d: int) -> str:
    return f"{100 * n / max(d, 1):.1f}% ({n}/{d})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scratch-steps", type=int, default=50_000,
                        help="PPO from scratch, env steps (50000; 0 leaves part (a) out)")
    parser.add_argument("--scratch-lr", type=float, default=3e-4, help="learning rate from scratch (3e-4)")
    parser.add_argument("--curve-points", type=int, default=5, help="checkpoints evaluated along the way (5)")
    parser.add_argument("--finetune-steps", type=int, default=20_000, help="PPO fine-tuning, env steps (20000)")
    parser.add_argument("--finetune-lr", type=float, default=3e-5, help="fine-tuning learning rate (3e-5)")
    parser.add_argument("--anchor-trained-skills", action="store_true",
                        help="fine-tuning: the anchor also imitates the fine-tuned skills' demonstrations")
    parser.add_argument("--value-warmup", type=int, default=4096,
                        help="fine-tuning: env steps in which only the value head learns (4096)")
    parser.add_argument("--detour-steps", type=int, default=0,
                        help="fine-tuning: perturbed starts, up to this many random moves first (0)")
    parser.add_argument("--finetune-skills", default="GotoLocation",
                        help="skills to fine-tune on, comma-separated (GotoLocation)")
    parser.add_argument("--skill-episodes", type=int, default=200, help="unseen skill episodes per evaluation (200)")
    parser.add_argument("--curve-episodes", type=int, default=100, help="unseen episodes per curve point (100)")
    parser.add_argument("--task-episodes", type=int, default=200, help="valid_unseen episodes, spread (200)")
    parser.add_argument("--throughput-steps", type=int, default=4096,
                        help="env steps per throughput run (4096; 0 leaves part (c) out)")
    parser.add_argument("--env-steps", type=int, default=8192,
                        help="part (c): env steps of random moves each path's envs take alone, without the policy "
                             "(8192; 0 leaves the column out)")
    parser.add_argument("--vector", type=int, nargs="+", default=[16, 64],
                        help="part (c): the Ns of the DummyVecEnv and VectorSkillEnv rows (16 64)")
    parser.add_argument("--only-throughput", action="store_true",
                        help="run part (c) alone (from the imitation checkpoint, with the fine-tuning settings)")
    parser.add_argument("--layouts", help="ALFRED's gen/layouts folder: train and evaluate in its real floor plans")
    parser.add_argument("--imitation", type=Path, help="imitation checkpoint (default: packaged, else train one)")
    parser.add_argument("--demos", type=int, default=3000, help="expert episodes if one is trained (3000)")
    parser.add_argument("--anchor-episodes", type=int, default=600,
                        help="expert episodes for the imitation anchor when the checkpoint's own are not here (600)")
    parser.add_argument("--procedural-anchor-episodes", type=int, default=0,
                        help="with --layouts: also this many procedural expert episodes in the anchor, so that "
                             "fine-tuning in floor plans keeps the procedural scenes (0)")
    parser.add_argument("--bc-epochs", type=int, default=8, help="BC epochs if one is trained (8)")
    parser.add_argument("--workers", type=int, default=2, help="SubprocVecEnv workers / evaluation workers (2)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the runs (the first fine-tuning seed) (0)")
    parser.add_argument("--seeds", type=int, default=1,
                        help="fine-tuning runs with seeds SEED, SEED+1, ... (1; more go to OUT/seed-N, each with its "
                             "own anchor demonstrations, and a table across seeds closes part (b))")
    parser.add_argument("--out", type=Path, default=Path("runs/bench/rl"), help="work folder")
    add_results_flag(parser)
    args = parser.parse_args(argv)

    import torch

    from errands.train.rl import train_rl
    from errands.train.rl_config import RLConfig
    from errands.train.skill_evaluation import evaluate_skill

    if args.seeds < 1:
        parser.error(f"--seeds must be at least 1, got {args.seeds}")
    if min(args.vector) < 1:
        parser.error(f"--vector values must be at least 1, got {args.vector}")
    if args.only_throughput:
        if not args.throughput_steps:
            parser.error("--only-throughput needs --throughput-steps above 0")
        args.scratch_steps = 0
    torch.set_num_threads(1)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    print(f"# RL benchmark  scratch={args.scratch_steps} finetune={args.finetune_steps} "
          f"(lr {args.finetune_lr}, skills {args.finetune_skills}) workers={args.workers} seed={args.seed}")
    print(f"python {platform.python_version()}  {platform.platform()}")
    print(f"scenes: {'ALFRED floor plans from ' + args.layouts if args.layouts else 'procedural'}\n")
    results: dict = {"args": {k: str(v) for k, v in vars(args).items()}}
    started_all = time.perf_counter()

    # (a) from scratch on GotoLocation
    if args.scratch_steps:
        t0 = time.perf_counter()
        scratch = RLConfig(out=str(out / "scratch"), total_steps=args.scratch_steps, envs=args.workers,
                           lr=args.scratch_lr, checkpoint_every=max(1, args.scratch_steps // args.curve_points),
                           layouts=args.layouts, seed=args.seed)
        train_rl(scratch, progress=False)
        scratch_seconds = time.perf_counter() - t0
        history = json.loads((out / "scratch" / "config.json").read_text())["training"]["history"]
        curve = []
        for folder in sorted((out / "scratch" / "checkpoints").glob("step-*")):
            r = evaluate_skill(folder, episodes=args.curve_episodes, layouts_dir=args.layouts)
            curve.append({"timesteps": int(folder.name.split("-")[1]),
                          **{k: v for k, v in r.items() if k != "outcomes"}})
        plot_curve(curve, history, out / "learning_curve.png",
                   f"PPO from scratch on GotoLocation ({args.scratch_steps} env steps)")
        results["scratch"] = {"curve": curve, "seconds": round(scratch_seconds, 1)}

    # (b) imitation vs imitation + PPO, for each fine-tuning seed
    imitation, how, demos = imitation_checkpoint(args)
    seeds = [args.seed + k for k in range(args.seeds)]
    runs = {} if args.only_throughput else {
        seed: finetune_and_compare(args, imitation, demos, seed, out if args.seeds == 1 else out / f"seed-{seed}")
        for seed in seeds}
    finetune = runs[seeds[0]]["config"] if runs else finetune_config(args, imitation, [], args.seed, out)
    results["finetune"] = {"imitation": imitation, "imitation_source": how,
                           "seeds": {seed: {"seconds": run["seconds"],
                                            "evaluations": {kind: {**e, "comparison": e["comparison"].to_dict(),
                                                                   "control_comparison":
                                                                       e["control_comparison"].to_dict()}
                                                            for kind, e in run["evaluations"].items()}}
                                     for seed, run in runs.items()}}

    # (c) env steps/s during PPO training: the scalar envs' paths and the batch, side by side
    throughput = []
    load_before = os.getloadavg()[0]
    paths = [("SubprocVecEnv", 1, {"vec_env": "subproc", "envs": 1}),
             ("SubprocVecEnv", 2, {"vec_env": "subproc", "envs": 2})]
    for n in args.vector:
        paths += [("DummyVecEnv", n, {"vec_env": "dummy", "envs": n}), ("VectorSkillEnv", n, {"vector": n})]
    for vec_env, envs, settings in paths if args.throughput_steps else ():
        folder = out / f"throughput-{vec_env}-{envs}"
        if folder.exists():
            shutil.rmtree(folder)  # a rerun measures afresh rather than resuming a finished run
        config = replace(finetune, out=str(folder), total_steps=args.throughput_steps, n_steps=max(8, 512 // envs),
                         anchor_data=[], checkpoint_every=10**9, **settings)
        t0 = time.perf_counter()
        train_rl(config, progress=False)
        wall = time.perf_counter() - t0
        last = json.loads((folder / "config.json").read_text())["training"]["history"][-1]
        throughput.append({"vec_env": vec_env, "envs": envs, "steps": last["timesteps"],
                           "steps_per_s": last["steps_per_s"], "rollout_steps_per_s": last["rollout_steps_per_s"],
                           "env_steps_per_s": env_alone_steps_per_s(config, args.env_steps, args.seed),
                           "wall_s": round(wall, 1)})
    results["throughput"] = throughput
    load = f"load average {load_before:.1f} before part (c), {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores"
    results["seconds"] = round(time.perf_counter() - started_all, 1)

    # --- the report ---------------------------------------------------------------------
    if args.scratch_steps:
        print(f"## (a) PPO from scratch on GotoLocation: {args.scratch_steps} env steps, {args.workers} workers, "
              f"lr {args.scratch_lr} ({scratch_seconds:.0f} s); {args.curve_episodes} unseen-scene episodes per point")
        print("| env steps | unseen success (greedy) | mean steps | training success (seen, sampled) |")
        print("|---:|---:|---:|---:|")
        train_rate = {h["timesteps"]: h["success_rate"] for h in history}
        for p in curve:
            rate = train_rate.get(p["timesteps"])
            print(f"| {p['timesteps']} | {pct(p['successes'], p['episodes'])} | {p['mean_steps']:.1f} | "
                  f"{'-' if rate is None else f'{100 * rate:.1f}%'} |")
        print(f"learning curve: {out / 'learning_curve.png'}")

    for seed, run in runs.items():
        print(f"\n## (b) imitation ({how}) vs imitation + PPO ({args.finetune_steps} env steps on "
              f"{args.finetune_skills}, lr {args.finetune_lr}, seed {seed}, {run['seconds']:.0f} s)")
        for kind, evaluation in run["evaluations"].items():
            print_evaluation(kind, evaluation, args)
    if len(runs) > 1:
        print_seed_summary(runs)

    if throughput:
        print(f"\n## (c) env steps/s during PPO training ({args.throughput_steps} steps from the imitation "
              f"checkpoint, {args.finetune_skills}, 512 steps per rollout, no anchor)")
        print(f"({load})")
        print("| vec env | envs | steps/s (rollouts + updates) | steps/s (rollouts only) | env alone, random moves "
              "(steps/s) | wall s |")
        print("|---|---:|---:|---:|---:|---:|")
    for row in throughput:
        alone = "-" if row["env_steps_per_s"] is None else f"{row['env_steps_per_s']:.0f}"
        print(f"| {row['vec_env']} | {row['envs']} | {row['steps_per_s']:.0f} | {row['rollout_steps_per_s']:.0f} | "
              f"{alone} | {row['wall_s']} |")
    print(f"\ntotal wall time {results['seconds']:.0f} s")
    (out / "results.json").write_text(json.dumps(results, indent=1, default=str))
    if args.results:
        write_results(args, curve if args.scratch_steps else [], history if args.scratch_steps else [], runs,
                      throughput, load)
    return 0


def write_results(args, curve: list[dict], history: list[dict], runs: dict, throughput: list[dict],
                  load: str = "") -> None:
    """Parts (a), (b) and (c) as benchmarks/results/{rl_scratch,rl_vs_imitation,rl_throughput}.json."""
    if curve:
        train_rate = {h["timesteps"]: h["success_rate"] for h in history}
        write_result("rl_scratch", [
            {"env_steps": p["timesteps"], "unseen_success": pct(p["successes"], p["episodes"]),
             "mean_steps": round(p["mean_steps"], 1),
             "training_success": None if train_rate.get(p["timesteps"]) is None
             else f"{100 * train_rate[p['timesteps']]:.1f}%"} for p in curve],
            title="PPO from scratch on GotoLocation",
            columns=[column("env_steps", "env steps", format=","), column("unseen_success", "unseen success"),
                     column("mean_steps", "mean steps", format=".1f"),
                     column("training_success", "training success (seen, sampled)")])
    rows = []
    for seed, run in runs.items():  # none with --only-throughput
        for kind, e in run["evaluations"].items():
            a, b = e["skill_env"]["GotoLocation"]["imitation"], e["skill_env"]["GotoLocation"]["imitation + PPO"]
            diff = {r.metric: 100 * r.difference for r in e["comparison"].rows}
            rows.append({"fine_tuning": args.finetune_skills, "seed": seed, "played_in": kind,
                         "gotolocation_skill_episodes": f"{100 * (b['success_rate'] - a['success_rate']):+.1f}",
                         "gotolocation_in_tasks": f"{goto_in_tasks_difference(e['tasks']):+.1f}",
                         **{key: f"{diff[metric]:+.1f}" for key, metric in
                            (("sr", "SR"), ("gc", "GC"), ("plw_sr", "PLW-SR")) if metric in diff}})
    if rows:
        write_result("rl_vs_imitation", rows, title="Imitation vs imitation + PPO",
                     columns=[column("fine_tuning", "fine-tuning", align="left"), column("seed"),
                              column("played_in", "played in", align="left"),
                              column("gotolocation_skill_episodes", "GotoLocation, skill episodes"),
                              column("gotolocation_in_tasks", "GotoLocation in tasks"), column("sr", "SR"),
                              column("gc", "GC"), column("plw_sr", "PLW-SR")],
                     description=f"PPO minus imitation, in points: {args.finetune_steps} env steps on "
                                 f"{args.finetune_skills} at lr {args.finetune_lr}, {args.skill_episodes} unseen "
                                 f"skill episodes and {args.task_episodes} valid_unseen tasks (oracle planner) per "
                                 f"evaluation.")
    if throughput:
        write_result("rl_throughput", [
            {"run": f"{args.throughput_steps} steps from the imitation checkpoint, {args.finetune_skills}",
             **row} for row in throughput],
            title="Env steps per second during PPO training",
            columns=[column("run", align="left"), column("vec_env", "vec env", align="left"), column("envs"),
                     column("steps_per_s", "steps/s (rollouts + updates)", format=".0f"),
                     column("rollout_steps_per_s", "steps/s (rollouts only)", format=".0f"),
                     column("env_steps_per_s", "env alone, random moves (steps/s)", format=".0f")],
            description="Side by side in one run: SubprocVecEnv over scalar skill envs (`--envs`), DummyVecEnv "
                        "over N of them in one process, and VectorSkillEnv (`--vector N`: the N skill episodes "
                        "over errands/HouseholdVector-v0); 512 env steps per rollout, no anchor. The last column "
                        "steps the same envs with random moves and turns, without the policy.",
            notes=f"Measured with {load}.")


if __name__ == "__main__":
    raise SystemExit(main())
