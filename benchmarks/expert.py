"""The oracle planner with the scripted expert on sampled ALFRED-style tasks: its success
rate (it must be 100%), re-plans, the reference path length L* per task type and room
type, and how fast tasks are generated and expert episodes are played.

Tasks come from errands.envs.tasks.sampler.TaskSampler with a numpy Generator; each is
played by Agent(OraclePlanner(), ExpertSkillPolicy()).run_episode on one
gymnasium.make("errands/Household-v0") env. Exit status 1 if any episode fails.

Run:  python benchmarks/expert.py [--tasks 1000] [--seed 0] [--split both] [--results]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
import traceback
from collections import Counter, defaultdict

from results import add_results_flag, column, write_result

SPLIT_CHOICES = ("both", "seen", "unseen", "any")


def sample_tasks(n: int, split: str, seed: int):
    """n tasks (split 'both': the first half from seen scenes, the rest from unseen), the
    seconds spent inside the sampler, and the split each task was drawn for."""
    import numpy as np

    from errands.envs.tasks.sampler import TaskSampler

    plan = [("seen", n // 2), ("unseen", n - n // 2)] if split == "both" else [(split, n)]
    rng = np.random.default_rng(seed)
    tasks, splits, elapsed = [], [], 0.0
    for name, count in plan:
        sampler = TaskSampler(split=name)
        for _ in range(count):
            t0 = time.perf_counter()
            task = sampler.sample(rng)
            elapsed += time.perf_counter() - t0
            tasks.append(task)
            splits.append(name)
    return tasks, splits, elapsed


def _mean(values) -> str:
    return f"{statistics.mean(values):6.1f}" if values else "     -"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Exit status: 0 if the expert solves every task, 1 otherwise (every failure is listed).")
    parser.add_argument("--tasks", type=int, default=1000, help="tasks to sample and play (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the numpy Generator the sampler draws from (default 0)")
    parser.add_argument("--split", default="both", choices=SPLIT_CHOICES,
                        help="scenes to draw from: 'seen', 'unseen', 'any', or 'both' = half seen and half unseen "
                             "(default both)")
    parser.add_argument("--no-progress", action="store_true", help="hide the tqdm progress bar")
    add_results_flag(parser)
    args = parser.parse_args(argv)
    if args.tasks < 1:
        parser.error("--tasks must be at least 1")

    import gymnasium as gym
    from tqdm import tqdm

    import errands
    from errands.envs.household.procedural import room_type_of_scene_id, scene_split
    from errands.planners.oracle import OraclePlanner
    from errands.policies.agent import Agent
    from errands.policies.expert import ExpertSkillPolicy

    print(f"# expert benchmark  tasks={args.tasks} seed={args.seed} split={args.split}")
    print(f"python {platform.python_version()}  errands {errands.__version__}  {platform.platform()}\n")

    # Cold: the first samples generate (and cache) the procedural scenes they draw.
    tasks, splits, sample_s = sample_tasks(args.tasks, args.split, args.seed)
    # Warm: the same again with the scene cache filled.
    _, _, warm_sample_s = sample_tasks(args.tasks, args.split, args.seed + 1)

    env = gym.make(errands.HOUSEHOLD_ENV_ID)
    agent = Agent(OraclePlanner(), ExpertSkillPolicy())
    results = []  # (task, split, room, log or None, error)
    sys.stdout.flush()
    t0 = time.perf_counter()
    for task, split in tqdm(list(zip(tasks, splits)), desc="expert episodes", unit="ep", disable=args.no_progress,
                            file=sys.stderr):
        room = room_type_of_scene_id(task.scene) if isinstance(task.scene, int) else "floorplan"
        try:
            log = agent.run_episode(env, task)
            results.append((task, split, room, log, None))
        except Exception:  # noqa: BLE001 - a crash is a failure to list, not the end of the run
            results.append((task, split, room, None, traceback.format_exc(limit=3)))
    play_s = time.perf_counter() - t0
    env.close()

    n = len(results)
    ok = [(t, s, r, log) for t, s, r, log, err in results if log is not None and log.success]
    failures = [(t, s, r, log, err) for t, s, r, log, err in results if log is None or not log.success]
    replanned = [(t, log) for t, _, _, log, _ in results if log is not None and len(log.plans) > 1]

    print("\n## Expert success\n")
    print(f"success: {len(ok)}/{n} = {100 * len(ok) / n:.2f}%  ({'OK' if not failures else 'BELOW 100%'})")
    if failures:
        print(f"\nfailures ({len(failures)}):")
        for task, split, room, log, err in failures:
            if log is None:
                print(f"  {task.goal.alfred_name}  scene={task.scene} ({split})  crashed: {err.strip().splitlines()[-1]}")
            else:
                print(f"  {task.goal.alfred_name}  scene={task.scene} ({split})  {log.failure_category}: "
                      f"{log.failure_reason}")
    print(f"\nepisodes that needed a re-plan (len(log.plans) > 1): {len(replanned)}")
    for task, log in replanned[:20]:
        reasons = "; ".join(p["reason"] for p in log.plans[1:])
        print(f"  {task.goal.alfred_name}  scene={task.scene}  success={log.success}  {reasons}")
    if len(replanned) > 20:
        print(f"  ... and {len(replanned) - 20} more")

    lengths = [log.num_steps for _, _, _, log in ok]
    print("\n## L* (actions of successful expert episodes, Stop excluded)\n")
    if lengths:
        print(f"overall: mean {statistics.mean(lengths):.1f}  median {statistics.median(lengths):.0f}  "
              f"min {min(lengths)}  max {max(lengths)}  (n={len(lengths)})")
    for title, key in (("task type", lambda t, s, r: t.goal.task_type), ("room type", lambda t, s, r: r),
                       ("split", lambda t, s, r: s)):
        groups = defaultdict(list)
        counts = Counter(key(t, s, r) for t, s, r, _, _ in results)
        for t, s, r, log in ok:
            groups[key(t, s, r)].append(log.num_steps)
        print(f"\nper {title}:")
        print(f"  {title:34} {'n':>5} {'ok':>5} {'mean L*':>8} {'median':>7} {'min':>5} {'max':>5}")
        for name in sorted(counts):
            v = groups.get(name, [])
            med = f"{statistics.median(v):7.0f}" if v else "      -"
            lo, hi = (f"{min(v):5d}", f"{max(v):5d}") if v else ("    -", "    -")
            print(f"  {name:34} {counts[name]:5d} {len(v):5d} {_mean(v):>8} {med} {lo} {hi}")

    print("\n## Speed\n")
    print(f"tasks generated: {n / sample_s:8.1f} tasks/s  ({n} in {sample_s:.2f} s inside TaskSampler.sample, "
          f"scene cache cold: includes generating the scenes drawn)")
    print(f"                 {n / warm_sample_s:8.1f} tasks/s  ({n} more, seed {args.seed + 1}, scene cache warm, "
          f"{warm_sample_s:.2f} s)")
    print(f"expert episodes: {n / play_s:8.1f} episodes/s  ({n} in {play_s:.2f} s; "
          f"{sum(log.num_steps for _, _, _, log, _ in results if log) / play_s:.0f} env steps/s incl. planning)")

    print("\n## Tasks per room type and split\n")
    table = Counter((r, s) for _, s, r, _, _ in results)
    split_names = sorted({s for _, s, _, _, _ in results})
    scene_splits = Counter((r, scene_split(t.scene) if isinstance(t.scene, int) else "-") for t, _, r, _, _ in results)
    rooms = sorted({r for _, _, r, _, _ in results})
    print(f"  {'room type':12} " + " ".join(f"{s:>8}" for s in split_names) + f" {'total':>8} {'scenes':>7}")
    for room in rooms:
        scenes = len({t.scene for t, _, r, _, _ in results if r == room})
        print(f"  {room:12} " + " ".join(f"{table[(room, s)]:8d}" for s in split_names)
              + f" {sum(table[(room, s)] for s in split_names):8d} {scenes:7d}")
    print(f"  {'total':12} " + " ".join(f"{sum(table[(r, s)] for r in rooms):8d}" for s in split_names)
          + f" {n:8d} {len({t.scene for t, *_ in results}):7d}")
    mismatched = sum(1 for t, s, *_ in results
                     if s in ("seen", "unseen") and isinstance(t.scene, int) and scene_split(t.scene) != s)
    if args.split == "any":
        print("  (split 'any': by ALFRED's scene split: "
              + ", ".join(f"{s}={sum(v for (r, s2), v in scene_splits.items() if s2 == s)}" for s in ("seen", "unseen"))
              + ")")
    elif mismatched:
        print(f"  warning: {mismatched} tasks drawn from a scene outside their split")

    print(f"\nresult: {'PASS' if not failures else 'FAIL'} - expert success {100 * len(ok) / n:.2f}%")
    if args.results and lengths:
        by_type = defaultdict(list)
        for t, _, _, log in ok:
            by_type[t.goal.task_type].append(log.num_steps)
        means = {name: statistics.mean(v) for name, v in by_type.items()}
        shortest, longest = min(means, key=means.get), max(means, key=means.get)
        steps = sum(log.num_steps for _, _, _, log, _ in results if log)
        rows = [("success", f"{len(ok)}/{n} ({100 * len(ok) / n:.1f}%), {len(replanned) or 'no'} re-plans"),
                ("mean L* (actions)", f"{statistics.mean(lengths):.1f} (median {statistics.median(lengths):.0f})"),
                ("mean L* per task type", f"from {means[shortest]:.1f} ({shortest}) to {means[longest]:.1f} ({longest})"),
                ("tasks generated per second, cold scene cache (scene generation included)", f"{n / sample_s:,.0f}"),
                ("tasks generated per second, warm", f"{n / warm_sample_s:,.0f}"),
                ("expert episodes per second", f"{n / play_s:,.0f} ({steps / play_s:,.0f} env steps/s including planning)")]
        write_result("expert", [{"measure": m, "figure": f} for m, f in rows], title="Scripted expert",
                     columns=[column("measure", align="left"), column("figure")],
                     description=f"{n} sampled tasks (split {args.split}, seed {args.seed}), all room types and "
                                 "task types, oracle planner.")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
