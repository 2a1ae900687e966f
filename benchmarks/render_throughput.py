"""First-person rendering throughput: errands/Household-v0 with camera observations, side
by side with minigrid's RGBImgPartialObsWrapper on BabyAI-GoToLocal-v0.

Rows, each timed in its own spawned child process (one process, one env), one after
another, round-robin over the repeats so that slow phases of the machine hit every row:

  * errands/Household-v0 with observations ("rgb",) and ("rgb", "depth",
    "segmentation") at each resolution (64x64, 128x128, 300x300 by default), and with
    the symbolic view only (no camera) for reference;
  * BabyAI-GoToLocal-v0 wrapped in RGBImgPartialObsWrapper (its 7x7 view as a 56x56 RGB
    image), and unwrapped for reference.

Random actions (uniform samples of env.action_space), resets inside the timing; one
frame per step and per reset. Before timing, each errands child resets over seeds
0..199 and loads and builds the geometry of every scene of the split (scene creation is
not rendering; sim_throughput.py times it), which also loads (or compiles) the camera's
kernel. minigrid's
"Sampling rejected" prints are silenced.

Run:  python benchmarks/render_throughput.py [--steps 3000] [--repeats 3] [--resolutions 64 128 300]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import platform
import statistics
import sys
import time

from child_process import run_in_child
from results import add_results_flag, column, write_result

ERRANDS_ID = "errands/Household-v0"
GOTO_LOCAL_ID = "BabyAI-GoToLocal-v0"
WARMUP_SEEDS = 200
KEY_SETS = {"rgb": ("rgb",), "rgb+depth+seg": ("rgb", "depth", "segmentation")}




def _timed_loop(env, steps: int, seed: int) -> dict:
    devnull = open(os.devnull, "w")
    env.action_space.seed(seed)
    with contextlib.redirect_stdout(devnull):
        env.reset(seed=seed)
    resets = 0
    gc.collect()
    with contextlib.redirect_stdout(devnull):
        c0, t0 = time.process_time(), time.perf_counter()
        for _ in range(steps):
            _, _, terminated, truncated, _ = env.step(env.action_space.sample())
            if terminated or truncated:
                env.reset()
                resets += 1
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"steps": steps, "resets": resets, "elapsed_s": elapsed, "cpu_s": cpu,
            "steps_per_s": steps / elapsed, "cpu_steps_per_s": steps / cpu}


def errands_child(keys: tuple, resolution: int, steps: int, seed: int) -> dict:
    import gymnasium as gym

    import errands  # noqa: F401 - registers the env
    from errands.envs.household import scenes
    from errands.envs.household.render.placement import scene_geometry

    env = gym.make(ERRANDS_ID, observations=keys, resolution=resolution)
    for s in range(WARMUP_SEEDS):
        env.reset(seed=s)
    for sid in env.unwrapped.sampler.scene_ids:  # scene creation is timed elsewhere
        scene_geometry(scenes.load_scene(sid, env.unwrapped.layouts_dir))
    camera = env.unwrapped.camera
    result = _timed_loop(env, steps, seed)
    env.close()
    return {"env": ERRANDS_ID, "keys": "+".join(keys), "resolution": resolution if camera is not None else 0,
            **result}


def minigrid_child(wrapped: bool, steps: int, seed: int) -> dict:
    import gymnasium as gym
    import minigrid  # noqa: F401 - registers the BabyAI levels
    from minigrid.wrappers import RGBImgPartialObsWrapper

    with contextlib.redirect_stdout(open(os.devnull, "w")):
        env = gym.make(GOTO_LOCAL_ID)
        if wrapped:
            env = RGBImgPartialObsWrapper(env)
        obs, _ = env.reset(seed=seed)
        for s in range(WARMUP_SEEDS):
            env.reset(seed=s)
    size = obs["image"].shape[0] if wrapped else 0
    result = _timed_loop(env, steps, seed)
    env.close()
    return {"env": GOTO_LOCAL_ID, "keys": "RGBImgPartialObsWrapper" if wrapped else "symbolic (no wrapper)",
            "resolution": size, **result}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="The floor checked: errands at 64x64 RGB >= the minigrid RGB wrapper, "
                                            "in steps per second.")
    parser.add_argument("--steps", type=int, default=3000,
                        help="timed steps at 64x64 and for minigrid; larger images get fewer, in proportion to "
                             "their pixels, at least 300 (default 3000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each row; the median is reported (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the timed episodes and actions (default 0)")
    parser.add_argument("--resolutions", type=int, nargs="+", default=[64, 128, 300],
                        help="square image sizes to time (default 64 128 300)")
    add_results_flag(parser)
    args = parser.parse_args(argv)
    if args.steps < 1 or args.repeats < 1:
        raise SystemExit(f"--steps and --repeats must be positive, got {args.steps} and {args.repeats}")

    import gymnasium
    import minigrid
    import numpy

    import errands

    print(f"# render_throughput  steps={args.steps} repeats={args.repeats} seed={args.seed}")
    print(f"python {platform.python_version()}  numpy {numpy.__version__}  gymnasium {gymnasium.__version__}  "
          f"minigrid {minigrid.__version__}  errands {errands.__version__}")
    print(f"machine: {platform.machine()}  cpus={os.cpu_count()}  {platform.platform()}")
    print("each row: its own spawned child process, one env, run one after another\n")

    runs = [("minigrid", True, args.steps), ("minigrid", False, args.steps),
            ("errands", ("view",), 64, args.steps)]
    for res in args.resolutions:
        n = max(300, int(args.steps * (64 / res) ** 2))
        for keys in KEY_SETS.values():
            runs.append(("errands", keys, res, n))
    trials: dict[int, list[dict]] = {i: [] for i in range(len(runs))}
    for repeat in range(args.repeats):
        for i, run in enumerate(runs):
            if run[0] == "minigrid":
                label = f"{GOTO_LOCAL_ID} {'RGB wrapper' if run[1] else 'symbolic'}"
                r = run_in_child(minigrid_child, run[1], run[2], args.seed)
            else:
                label = f"{ERRANDS_ID} {'+'.join(run[1])} {run[2]}x{run[2]}"
                r = run_in_child(errands_child, run[1], run[2], run[3], args.seed)
            trials[i].append(r)
            print(f"  [{repeat + 1}/{args.repeats}] {label}: {r['steps_per_s']:.0f} steps/s "
                  f"(cpu {r['cpu_steps_per_s']:.0f})", flush=True)

    rows = []
    for i, ts in trials.items():
        rows.append({**ts[0], "steps_per_s": statistics.median(t["steps_per_s"] for t in ts),
                     "min": min(t["steps_per_s"] for t in ts), "max": max(t["steps_per_s"] for t in ts),
                     "cpu_steps_per_s": statistics.median(t["cpu_steps_per_s"] for t in ts)})
    base = rows[0]  # the minigrid RGB wrapper
    load = os.getloadavg()
    print(f"\n## Steps per second (one frame per step), median of {args.repeats} runs [min-max]; "
          f"cpu: steps per CPU second; ratios to the minigrid RGB wrapper\n")
    print(f"{'env':22} {'observations':26} {'image':>8} {'steps':>6} {'steps/s':>8} {'[min-max]':>13} "
          f"{'cpu':>7} {'ratio':>6} {'cpu ratio':>9}")
    for r in rows:
        image = f"{r['resolution']}x{r['resolution']}" if r["resolution"] else "-"
        keys = r["keys"] if r["keys"] != "view" else "view (symbolic only)"
        print(f"{r['env']:22} {keys:26} {image:>8} {r['steps']:6d} {r['steps_per_s']:8.0f} "
              f"{r['min']:6.0f}-{r['max']:<6.0f} {r['cpu_steps_per_s']:7.0f} "
              f"{r['steps_per_s'] / base['steps_per_s']:5.2f}x {r['cpu_steps_per_s'] / base['cpu_steps_per_s']:8.2f}x")
    print(f"\nload average after the runs: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")
    floor = next((r for r in rows if r["env"] == ERRANDS_ID and r["keys"] == "rgb" and r["resolution"] == 64), None)
    if floor is not None:
        ratio = floor["steps_per_s"] / base["steps_per_s"]
        cpu_ratio = floor["cpu_steps_per_s"] / base["cpu_steps_per_s"]
        print(f"floor: errands rgb 64x64 >= minigrid RGB wrapper: {ratio:.2f}x -> "
              f"{'MEETS' if ratio >= 1 else 'FAILS'} (by CPU time {cpu_ratio:.2f}x)")

    print("\n## Markdown (for the README)\n")
    print("| env | observations | image | steps/s | vs minigrid RGB wrapper |")
    print("|---|---|---:|---:|---:|")
    for r in rows:
        image = f"{r['resolution']}x{r['resolution']}" if r["resolution"] else "-"
        print(f"| `{r['env']}` | {r['keys']} | {image} | {r['steps_per_s']:,.0f} | "
              f"{r['steps_per_s'] / base['steps_per_s']:.2f}x |")
    if args.results:
        write_result("render_throughput", [
            {"env": f"`{r['env']}`", "observations": r["keys"],
             "image": f"{r['resolution']}x{r['resolution']}" if r["resolution"] else "-",
             "steps_per_s": round(r["steps_per_s"]), "cpu_steps_per_s": round(r["cpu_steps_per_s"]),
             "vs_minigrid_rgb_wrapper": f"{r['steps_per_s'] / base['steps_per_s']:.2f}x"} for r in rows],
            title="Rendering throughput",
            columns=[column("env", align="left"), column("observations", align="left"), column("image"),
                     column("steps_per_s", "steps/s", format=",.0f"),
                     column("cpu_steps_per_s", "steps per CPU s", format=",.0f"),
                     column("vs_minigrid_rgb_wrapper", "vs minigrid RGB wrapper")],
            description=(f"Random actions, resets included, one env in its own process per row, median of "
                         f"{args.repeats} run(s); the camera's compiled kernel is loaded (or compiled) during the "
                         f"warm-up; the camera envs see through their camera, so each step also reads the frame's "
                         f"objects for visibility. steps per CPU s: steps per second of the process's own CPU "
                         f"time, less sensitive to other jobs on the machine."),
            notes=f"1-minute load average after the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
