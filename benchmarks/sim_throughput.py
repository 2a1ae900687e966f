"""Simulator throughput, scene creation time and memory per env: errands/Household-v0
side by side with minigrid's BabyAI-GoToLocal-v0 and BabyAI-BossLevel-v0.

Every measurement runs in its own child process (multiprocessing 'spawn' context), one
after another, so that no two measurements share caches or compete for the CPU:

  * throughput: random actions, symbolic observations, resets counted inside the timed
    loop. errands/Household-v0 is run with two random policies:
      action_space  uniform samples of env.action_space (an action index and a target
                    type index; most interactions fail, so episodes end quickly)
      visible       uniform over the 13 action names; interactions target the type of a
                    random currently visible object (a navigation action when nothing is)
    BabyAI envs use action_space.sample(). Before timing, each child resets its env over
    seeds 0..199 (errands: this generates and caches the procedural scenes; the scenes of
    the split those resets missed are then loaded too) and that warm-up is reported apart.
  * scene creation: procedural_scene(id) for ids nobody has cached, per room type, and the
    ALFRED floor-plan import (load_floorplan) if ../shared/alfred/layouts exists.
  * memory: tracemalloc Python-heap growth and VmRSS growth of creating and resetting 20
    envs (distinct seeds), per env instance.
  * batched worlds: agent-steps/s of errands/HouseholdVector-v0 (HouseholdVectorEnv) at
    N = 1, 16, 256, 1024 worlds, with sampled starts (the default: each new episode built
    by the scalar env's code) and with a pool of 1024 pre-built starts (start_pool=1024:
    slot k the task HouseholdEnv samples for seed + k, later episodes drawing slots by a
    generator seeded with the seed), beside gymnasium's SyncVectorEnv over N scalar envs and
    one scalar env, with two random policies (action_space samples, and navigation only:
    uniform over the 5 navigation actions), symbolic observations, on one CPU core (each
    child pins itself to one), resets inside the timing after a warm-up of batch steps
    (so that episodes have come apart); and the memory per world of N = 1024 worlds.
  * batched worlds with the camera: the same with 64x64 RGB observations (the batch's
    one-call renderer), beside one scalar env with the camera and BabyAI-GoToLocal
    under minigrid's RGBImgPartialObsWrapper (random actions), 30 warm-up batch steps;
    the memory per world of N = 1024 worlds with the camera; and the camera kernel's
    first frame in a fresh process, compiled into an empty numba cache, then loaded.

  * a pool that turns over (--pool-refresh): 1024 worlds from the pool with its oldest
    slot rebuilt every R starts, beside sampled starts.

Run:  python benchmarks/sim_throughput.py [--steps 20000] [--seed 0] [--repeats 3] [--vector] [--vector-camera]
      [--pool-refresh] [--results]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from child_process import run_in_child, run_in_children
from results import add_results_flag, column, write_result

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LAYOUTS = REPO_ROOT.parent / "shared" / "alfred" / "layouts"

ERRANDS_ID = "errands/Household-v0"
GOTO_LOCAL_ID = "BabyAI-GoToLocal-v0"
BOSS_LEVEL_ID = "BabyAI-BossLevel-v0"
WARMUP_SEEDS = 200
FLOOR_RATIO = 2.0
MEMORY_ENVS = 20
VECTOR_ID = "errands/HouseholdVector-v0"
VECTOR_SIZES = (1, 16, 256, 1024)
VECTOR_POLICIES = ("action_space", "navigation")
VECTOR_WARMUP = {"action_space": 30, "navigation": 200}  # batch steps before timing (episodes come apart)
VECTOR_MEMORY_WORLDS = 1024
START_POOL = 1024  # the pooled rows' HouseholdVectorEnv(start_pool=...)
SYMBOLIC_FLOOR = 100_000  # agent-steps/s on one core, symbolic
CAMERA_WARMUP = 30  # batch steps before timing the camera rows
CAMERA_FLOOR = 10_000  # frames/s on one core (64x64 RGB)



def _make(env_id: str):
    import gymnasium as gym

    if env_id.startswith("errands/"):
        import errands  # noqa: F401 - registers errands/Household-v0
    else:
        import minigrid  # noqa: F401 - registers the BabyAI levels
    return gym.make(env_id)


def _rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


# --- throughput (child) ----------------------------------------------------------------

def throughput_child(env_id: str, policy: str, steps: int, seed: int) -> dict:
    import numpy as np

    env = _make(env_id)
    rng = np.random.default_rng(seed)
    devnull = open(os.devnull, "w")
    extra = {}

    # Warm-up: resets over seeds 0..199 (errands: procedural scenes are generated and cached).
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(devnull):
        for s in range(WARMUP_SEEDS):
            env.reset(seed=s)
    warmup_s = time.perf_counter() - t0
    if env_id == ERRANDS_ID:
        from errands.envs.household import scenes

        sampler = env.unwrapped.sampler
        cached_by_resets = scenes._cached_scene.cache_info().currsize
        t1 = time.perf_counter()
        for sid in sampler.scene_ids:  # the split's scenes the 200 resets did not draw
            scenes.load_scene(sid, env.unwrapped.layouts_dir)
        extra = {"split_scenes": len(sampler.scene_ids), "cached_by_resets": cached_by_resets,
                 "filled_s": time.perf_counter() - t1}
        warmup_s += extra["filled_s"]

    if policy == "visible":
        from errands.envs.actions import ACTIONS, INTERACTION_ACTIONS, NAVIGATION_ACTIONS

        interaction = set(INTERACTION_ACTIONS)

        def act(info):
            name = ACTIONS[int(rng.integers(len(ACTIONS)))]
            if name in interaction:
                visible = info["visible_objects"]
                if not visible:
                    return NAVIGATION_ACTIONS[int(rng.integers(len(NAVIGATION_ACTIONS)))]
                return f"{name} {visible[int(rng.integers(len(visible)))].split('|', 1)[0]}"
            return name
    else:
        sample = env.action_space.sample

        def act(info):
            return sample()

    env.action_space.seed(seed)
    with contextlib.redirect_stdout(devnull):
        obs, info = env.reset(seed=seed)
    resets = successes = failed = 0
    gc.collect()
    with contextlib.redirect_stdout(devnull):
        c0, t0 = time.process_time(), time.perf_counter()
        for _ in range(steps):
            obs, reward, terminated, truncated, info = env.step(act(info))
            failed += info.get("last_action_success", True) is False
            if terminated or truncated:
                successes += reward > 0
                obs, info = env.reset()
                resets += 1
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    env.close()
    return {"env": env_id, "policy": policy, "steps": steps, "elapsed_s": elapsed, "cpu_s": cpu,
            "steps_per_s": steps / elapsed, "cpu_steps_per_s": steps / cpu, "resets": resets,
            "successes": int(successes), "failed": int(failed), "warmup_s": warmup_s, **extra}


# --- scene creation (child) ------------------------------------------------------------

def scenes_child(first_id: int, count: int, layouts_dir: str | None, floorplans: int) -> dict:
    from errands.envs.household.procedural import procedural_scene

    procedural_scene(first_id - 1)  # first-call costs (imports, lazy tables) outside the timing
    by_room: dict[str, list[float]] = {}
    for sid in range(first_id, first_id + count):
        t0 = time.perf_counter()
        scene = procedural_scene(sid)
        ms = (time.perf_counter() - t0) * 1000
        by_room.setdefault(scene.room_type, []).append(ms)
    result = {"procedural": by_room, "ids": (first_id, first_id + count - 1), "alfred": None}
    if layouts_dir and Path(layouts_dir).is_dir():
        from errands.envs.household.alfred_floorplans import floorplan_numbers, load_floorplan

        numbers = floorplan_numbers(layouts_dir)
        if numbers:
            stride = max(1, len(numbers) // floorplans)
            chosen = numbers[::stride][:floorplans]
            load_floorplan(layouts_dir, numbers[-1])  # first-call costs outside the timing
            alfred: dict[str, list[float]] = {}
            for n in chosen:
                t0 = time.perf_counter()
                scene = load_floorplan(layouts_dir, n)
                ms = (time.perf_counter() - t0) * 1000
                alfred.setdefault(scene.room_type, []).append(ms)
            result["alfred"] = {"by_room": alfred, "numbers": chosen, "available": len(numbers)}
    return result


# --- memory (child) --------------------------------------------------------------------

def memory_child(env_id: str, n: int, use_tracemalloc: bool) -> dict:
    """Heap (or RSS) growth of creating and resetting n envs with distinct seeds, first
    in a fresh process (cold: includes filling the scene cache), then once more with
    the same seeds (warm: the marginal cost of one more env)."""
    import tracemalloc

    import gymnasium as gym  # noqa: F401 - imports done before the baseline
    import numpy  # noqa: F401

    _make(env_id).close()  # registration and module imports outside the measurement
    devnull = open(os.devnull, "w")

    def measure(keep: list) -> float:
        gc.collect()
        before = tracemalloc.get_traced_memory()[0] if use_tracemalloc else _rss_kib() * 1024
        with contextlib.redirect_stdout(devnull):
            for s in range(n):
                env = _make(env_id)
                env.reset(seed=1000 + s)
                keep.append(env)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0] if use_tracemalloc else _rss_kib() * 1024
        return (after - before) / n / 1024

    if use_tracemalloc:
        tracemalloc.start()
    cold_envs: list = []
    cold = measure(cold_envs)
    warm_envs: list = []
    warm = measure(warm_envs)
    if use_tracemalloc:
        tracemalloc.stop()
    return {"env": env_id, "kind": "tracemalloc" if use_tracemalloc else "rss", "cold_kib": cold, "warm_kib": warm}


# --- batched worlds (child) -------------------------------------------------------------

def _one_core(index: int = 0) -> int:
    """Pin this process to one CPU (the index-th it may use) and one thread per library."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    cpu = sorted(os.sched_getaffinity(0))[index]
    os.sched_setaffinity(0, {cpu})
    return cpu


def _batch(kind: str, n: int, camera: int = 0, refresh: int = 0):
    """N worlds: HouseholdVectorEnv (kind "pool": with a pool of START_POOL starts, one
    rebuilt every `refresh` starts), SyncVectorEnv over N HouseholdEnvs, or one
    HouseholdEnv; with `camera` > 0, observing RGB frames of camera x camera pixels."""
    import gymnasium as gym

    import errands  # noqa: F401 - registers the envs

    kwargs = {"observations": ("rgb",), "resolution": camera} if camera else {}
    if kind == "vector":
        return gym.make_vec(ERRANDS_ID, num_envs=n, vectorization_mode="vector_entry_point", **kwargs)
    if kind == "pool":
        return gym.make_vec(ERRANDS_ID, num_envs=n, vectorization_mode="vector_entry_point", start_pool=START_POOL,
                            pool_refresh=refresh, **kwargs)
    if kind == "sync":
        return gym.make_vec(ERRANDS_ID, num_envs=n, vectorization_mode="sync", **kwargs)
    return gym.make(ERRANDS_ID, **kwargs)


def vector_throughput_child(kind: str, n: int, policy: str, agent_steps: int, seed: int, camera: int = 0,
                            warmup: int | None = None, core: int = 0, refresh: int = 0) -> dict:
    """Agent-steps/s of `kind` with n worlds (kind "scalar": one env, n = 1) on one core
    (the `core`-th this process may use), observing 64x64 (`camera`) RGB frames when
    camera > 0; a pool's slots rebuilt every `refresh` starts."""
    import numpy as np

    from errands.envs.actions import ACTIONS, NAVIGATION_ACTIONS
    from errands.envs.household import scenes

    cpu = _one_core(core)
    env = _batch(kind, n, camera, refresh)
    sampler = (env.unwrapped.envs[0] if kind == "sync" else env).unwrapped.sampler
    for sid in sampler.scene_ids:
        scenes.load_scene(sid)  # the split's scenes cached, as for the throughput rows above
    rng = np.random.default_rng(seed)
    navigation = np.array([ACTIONS.index(a) for a in NAVIGATION_ACTIONS])
    no_target = np.zeros(n, np.int64)
    env.action_space.seed(seed)
    if kind == "scalar":
        def act():
            if policy == "navigation":
                return {"action": int(navigation[rng.integers(len(navigation))]), "target": 0}
            return env.action_space.sample()
    else:
        def act():
            if policy == "navigation":
                return {"action": navigation[rng.integers(len(navigation), size=n)], "target": no_target}
            return env.action_space.sample()

    t0 = time.perf_counter()
    env.reset(seed=seed)  # with a start pool: builds it
    reset_s = time.perf_counter() - t0
    ends = 0

    def run(batch_steps: int) -> None:
        nonlocal ends
        for _ in range(batch_steps):
            _, _, terminated, truncated, _ = env.step(act())
            if kind == "scalar":
                if terminated or truncated:
                    ends += 1
                    env.reset()
            else:
                ends += int(np.count_nonzero(terminated | truncated))

    run(VECTOR_WARMUP[policy] if warmup is None else warmup)
    batches = max(agent_steps // n, 50)
    ends = 0
    gc.collect()
    c0, t0 = time.process_time(), time.perf_counter()
    rebuilt = env.unwrapped._pool.refreshed if kind == "pool" else 0
    run(batches)
    elapsed, cpu_s = time.perf_counter() - t0, time.process_time() - c0
    rebuilt = (env.unwrapped._pool.refreshed - rebuilt) if kind == "pool" else 0
    env.close()
    steps = batches * n
    return {"kind": kind, "n": n, "policy": policy, "agent_steps": steps, "elapsed_s": elapsed,
            "steps_per_s": steps / elapsed, "cpu_steps_per_s": steps / cpu_s, "episodes": ends, "cpu": cpu,
            "reset_s": reset_s, "rebuilt": rebuilt}


def vector_memory_child(kind: str, n: int, use_tracemalloc: bool, camera: int = 0) -> dict:
    """Heap (or RSS) growth per world of making and resetting n worlds, after a first
    batch of n has filled the scene caches (the marginal cost of a world); with
    `camera`, observing RGB frames of that size (the batch's frame buffers and layer
    pools, and the first observation, count)."""
    import tracemalloc

    import numpy  # noqa: F401 - imports done before the baseline

    _one_core()
    first = _batch(kind, n, camera)
    first.reset(seed=1000)  # fills the scene caches (and loads the camera's kernel)
    gc.collect()
    if use_tracemalloc:
        tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0] if use_tracemalloc else _rss_kib() * 1024
    env = _batch(kind, n, camera)
    obs, _ = env.reset(seed=1000)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0] if use_tracemalloc else _rss_kib() * 1024
    if use_tracemalloc:
        tracemalloc.stop()
    return {"kind": kind, "n": n, "kib_per_world": (after - before) / n / 1024}


def median_runs(measured: dict[tuple, list[dict]]) -> dict[tuple, dict]:
    """Each run's repeats as one: the first repeat's record with the median steps/s (wall
    clock and CPU time) of all of them."""
    return {run: {**ts[0], "steps_per_s": statistics.median(t["steps_per_s"] for t in ts),
                  "cpu_steps_per_s": statistics.median(t["cpu_steps_per_s"] for t in ts)}
            for run, ts in measured.items()}


def vector_section(args) -> tuple[list[dict], list[dict]]:
    """The batched-worlds measurements, printed; their result rows."""
    runs = [("scalar", 1, policy) for policy in VECTOR_POLICIES]
    runs += [(kind, n, policy) for policy in VECTOR_POLICIES for n in VECTOR_SIZES
             for kind in ("vector", "pool", "sync")]
    measured: dict[tuple, list[dict]] = {run: [] for run in runs}
    for repeat in range(args.vector_repeats):
        for kind, n, policy in runs:
            print(f"  [{repeat + 1}/{args.vector_repeats}] {kind} N={n} [{policy}] ...", end=" ", flush=True)
            r = run_in_child(vector_throughput_child, kind, n, policy, args.vector_steps, args.seed)
            measured[(kind, n, policy)].append(r)
            print(f"{r['steps_per_s']:.0f} agent-steps/s (cpu {r['cpu_steps_per_s']:.0f})", flush=True)
    best = median_runs(measured)
    rows = []
    print(f"\n## Batched worlds: agent-steps/s on one core (symbolic, resets included, median of "
          f"{args.vector_repeats})\n")
    print(f"{'policy':13} {'N':>5} {'vector':>10} {'vector cpu':>11} {'pool':>10} {'pool cpu':>10} {'sync':>10} "
          f"{'scalar':>8} {'pool/sync':>9} {'pool/scalar':>11} {'steps/ep':>9}")
    for policy in VECTOR_POLICIES:
        scalar = best[("scalar", 1, policy)]
        for n in VECTOR_SIZES:
            vector, pool, sync = best[("vector", n, policy)], best[("pool", n, policy)], best[("sync", n, policy)]
            per_episode = pool["agent_steps"] / pool["episodes"] if pool["episodes"] else float("inf")
            row = {"policy": policy, "n": n, "vector_steps_per_s": round(vector["steps_per_s"]),
                   "vector_cpu_steps_per_s": round(vector["cpu_steps_per_s"]),
                   "pool_steps_per_s": round(pool["steps_per_s"]), "pool_cpu_steps_per_s": round(pool["cpu_steps_per_s"]),
                   "pool_build_s": round(pool["reset_s"], 2),
                   "sync_steps_per_s": round(sync["steps_per_s"]), "scalar_steps_per_s": round(scalar["steps_per_s"]),
                   "pool_vs_sync": f"{pool['steps_per_s'] / sync['steps_per_s']:.1f}x",
                   "pool_vs_scalar": f"{pool['steps_per_s'] / scalar['steps_per_s']:.1f}x",
                   "steps_per_episode": round(per_episode, 1)}
            rows.append(row)
            print(f"{policy:13} {n:5d} {row['vector_steps_per_s']:10,d} {row['vector_cpu_steps_per_s']:11,d} "
                  f"{row['pool_steps_per_s']:10,d} {row['pool_cpu_steps_per_s']:10,d} {row['sync_steps_per_s']:10,d} "
                  f"{row['scalar_steps_per_s']:8,d} {row['pool_vs_sync']:>9} {row['pool_vs_scalar']:>11} "
                  f"{per_episode:9.1f}")
    load = os.getloadavg()[0]
    for row in rows:
        row["load"] = load
    print(f"\nfloor: {SYMBOLIC_FLOOR:,} agent-steps/s on one core: " + ", ".join(
        f"{r['policy']} N={r['n']} pooled {'meets' if r['pool_steps_per_s'] >= SYMBOLIC_FLOOR else 'misses'} it "
        f"(by CPU time {'meets' if r['pool_cpu_steps_per_s'] >= SYMBOLIC_FLOOR else 'misses'})"
        for r in rows if r["n"] >= 256))
    print("\n  running memory of the batched worlds ...", flush=True)
    memory = []
    labels = {"vector": "`HouseholdVectorEnv`", "pool": f"`HouseholdVectorEnv(start_pool={START_POOL})`",
              "sync": "`SyncVectorEnv` over `HouseholdEnv`"}
    for kind in ("vector", "pool", "sync"):
        heap = run_in_child(vector_memory_child, kind, VECTOR_MEMORY_WORLDS, True)
        rss = run_in_child(vector_memory_child, kind, VECTOR_MEMORY_WORLDS, False)
        memory.append({"env": labels[kind],
                       "n": VECTOR_MEMORY_WORLDS, "heap_kib_per_world": round(heap["kib_per_world"], 1),
                       "rss_kib_per_world": round(rss["kib_per_world"], 1)})
    print(f"\n## Memory per world, N = {VECTOR_MEMORY_WORLDS} (made and reset after a first batch filled the "
          f"scene caches)\n")
    for m in memory:
        print(f"  {m['env']:40} heap {m['heap_kib_per_world']:8.1f} KiB  RSS {m['rss_kib_per_world']:8.1f} KiB")
    return rows, memory


VECTOR_DESCRIPTION = (
    "Agent-steps per second of `errands/HouseholdVector-v0` (HouseholdVectorEnv, made by `gym.make_vec(\"errands/"
    "Household-v0\", vectorization_mode=\"vector_entry_point\")`) with N worlds, with its two ways of starting "
    "episodes: sampled starts (the default: each new episode samples its task and builds its scene and World with "
    "the scalar env's code, so that world i plays exactly the episodes of SyncVectorEnv's env i) and a pool of "
    f"{START_POOL:,} starts (`start_pool={START_POOL}`: reset(seed=s) builds it, slot k holding the task "
    "HouseholdEnv samples for seed s + k; each later episode copies a slot drawn by a generator seeded with s, "
    "and makes its World only when an interaction the batch cannot refuse needs the rules); beside Gymnasium's "
    "SyncVectorEnv over N `HouseholdEnv`s (`vectorization_mode=\"sync\"`) and one `HouseholdEnv` stepped alone. "
    "Symbolic observations, each row in its own spawned process pinned to one CPU core, the split's scenes cached "
    "first, then reset(seed) (which builds the pool: the last column, seconds, outside the timing), a warm-up of "
    "batch steps (30 for action_space, 200 for navigation, so that episodes have come apart) and 100,000 timed "
    "agent-steps (at least 50 batch steps) with the resets inside the timing. action_space: samples of the "
    "batched Dict action space (7 of 13 actions are interactions, most of them refused, and Stop ends an episode "
    "about every 10 steps); navigation: uniform over the 5 navigation actions (episodes end at the 10th failed "
    "move or look). Per CPU s: agent-steps per second of the process's own CPU time, less sensitive to the other "
    "jobs of a shared machine than the wall clock.")


def vector_notes(rows: list[dict]) -> str:
    """What the symbolic rows say about the floor, from the rows themselves."""
    def meeting(key: str) -> str:
        met = [f"{r['policy']} at N = {r['n']:,}" for r in rows if r[key] >= SYMBOLIC_FLOOR]
        return ", ".join(met) if met else "no row"

    return (f"The floor is {SYMBOLIC_FLOOR:,} agent-steps/s on one core. With the pool of starts, by wall clock "
            f"{meeting('pool_steps_per_s')} met it; by CPU time {meeting('pool_cpu_steps_per_s')}. With sampled "
            f"starts, by wall clock {meeting('vector_steps_per_s')}; by CPU time {meeting('vector_cpu_steps_per_s')}. "
            f"The 1-minute load average when the rows had run was {rows[0]['load']:.1f} on {os.cpu_count()} CPUs. "
            "Under cProfile (action_space, N = 256, before the pool and the batched refusals) most of the time went "
            "to new episodes (sampling a task, preparing its scene, building its World and its map layers) and "
            "most of the rest to interactions run one by one through each world's rules. Now the interactions "
            "the rules certainly refuse (nothing held to put, no target, nothing of the target type visible) are "
            "decided for the whole batch in NumPy (in every row); the sampled-starts rows still build every new "
            "episode with the scalar env's code, so with action_space, whose episodes end every ~10 steps, those "
            "builds bound them, and each build now also writes the world's refusal rows (and a scene's tables "
            "the first time a process meets it). The pooled rows copy a start's arrays instead (one assignment per "
            "array for all the worlds that start at once) and copy a World only for the episodes that reach the "
            "rules; what remains there is those copies, the array copies of the starts and the interactions the "
            "rules decide. The price of the pool is that episodes draw from its tasks rather than a fresh "
            "sample each, and its build at reset. Figures of different runs are not comparable on this shared machine (compare "
            "the rows of one run). No GPU machine was available to this run, so the issue's table "
            "on a GPU is not measured; the batch is NumPy on the CPU (numba for the camera) and has no torch "
            "backend that a GPU could run.")


def _starts_columns() -> list[dict]:
    """The columns the symbolic and camera tables share: the batch with sampled and with
    pooled starts, by wall clock and per CPU second."""
    return [column("policy", align="left"), column("n", "N", format=",d"),
            column("vector_steps_per_s", "HouseholdVectorEnv, sampled starts", format=",.0f"),
            column("vector_cpu_steps_per_s", "sampled starts per CPU s", format=",.0f"),
            column("pool_steps_per_s", f"HouseholdVectorEnv, pool of {START_POOL:,} starts", format=",.0f"),
            column("pool_cpu_steps_per_s", "pooled starts per CPU s", format=",.0f")]


def write_vector_results(rows: list[dict], memory: list[dict]) -> None:
    """benchmarks/results/{sim_vector_throughput,sim_vector_memory}.json."""
    write_result("sim_vector_throughput", rows, title="Batched worlds: agent-steps/s on one core",
                 columns=[*_starts_columns(),
                          column("sync_steps_per_s", "SyncVectorEnv over HouseholdEnv", format=",.0f"),
                          column("scalar_steps_per_s", "one HouseholdEnv", format=",.0f"),
                          column("pool_vs_sync", "pool / sync"), column("pool_vs_scalar", "pool / scalar"),
                          column("steps_per_episode", "steps / episode", format=".1f"),
                          column("pool_build_s", "pool built in s", format=".2f")],
                 description=VECTOR_DESCRIPTION, notes=vector_notes(rows))
    write_result("sim_vector_memory", memory, title="Batched worlds: memory per world",
                 columns=[column("env", align="left"), column("n", "N", format=",d"),
                          column("heap_kib_per_world", "Python heap (tracemalloc) KiB", format=",.1f"),
                          column("rss_kib_per_world", "RSS KiB", format=",.1f")],
                 notes=("A HouseholdVectorEnv world is its World (objects, scene copy) and its share of the batch "
                        f"arrays. With the pool, the pool's {START_POOL:,} starts (a World each, never played, and "
                        "their arrays) count among the worlds' memory, and the worlds that start from it have no "
                        "World of their own until one is needed. A HouseholdEnv under SyncVectorEnv also carries "
                        "its own task sampler, the Gymnasium wrappers gym.make adds, and its own copies of "
                        "observations and info."))


# --- a pool that turns over ------------------------------------------------------------

REFRESH_RATES = (0, 64, 16, 4, 1)  # pool_refresh: one slot rebuilt every R starts (0: never)
REFRESH_WORLDS = 1024


def pool_refresh_section(args) -> list[dict]:
    """Agent-steps/s of REFRESH_WORLDS worlds started from the pool with its slots rebuilt
    every R starts (REFRESH_RATES), beside sampled starts, symbolic, on one core;
    printed; result rows."""
    print(f"\n## A pool of {START_POOL:,} starts that turns over: N = {REFRESH_WORLDS:,}, agent-steps/s on one core\n")
    rows = []
    for policy in VECTOR_POLICIES:
        sampled = run_in_child(vector_throughput_child, "vector", REFRESH_WORLDS, policy, args.vector_steps, args.seed)
        for refresh in REFRESH_RATES:
            r = run_in_child(vector_throughput_child, "pool", REFRESH_WORLDS, policy, args.vector_steps, args.seed,
                             0, None, 0, refresh)
            row = {"policy": policy, "n": REFRESH_WORLDS, "refresh": refresh or "never",
                   "steps_per_s": round(r["steps_per_s"]), "cpu_steps_per_s": round(r["cpu_steps_per_s"]),
                   "episodes": r["episodes"], "rebuilt": r["rebuilt"],
                   "sampled_steps_per_s": round(sampled["steps_per_s"]),
                   "vs_sampled": f"{r['steps_per_s'] / sampled['steps_per_s']:.1f}x", "load": os.getloadavg()[0]}
            rows.append(row)
            print(f"{policy:13} refresh {str(row['refresh']):>5}  {row['steps_per_s']:>9,} agent-steps/s (cpu "
                  f"{row['cpu_steps_per_s']:,}), {row['episodes']:,} episodes, {row['rebuilt']:,} slots rebuilt; "
                  f"sampled starts {row['sampled_steps_per_s']:,} ({row['vs_sampled']})", flush=True)
    return rows


def write_pool_refresh_results(rows: list[dict]) -> None:
    """benchmarks/results/sim_vector_pool_refresh.json."""
    write_result("sim_vector_pool_refresh", rows,
                 title="Batched worlds: a pool of starts that turns over",
                 description=(f"errands/HouseholdVector-v0 with {REFRESH_WORLDS:,} worlds and "
                              f"`start_pool={START_POOL}`, `pool_refresh=R`: every R episodes started from the pool "
                              "rebuild its oldest slot with the task HouseholdEnv samples for the next seed (one "
                              "scalar build), beside the same batch with sampled starts (every episode built). "
                              "Symbolic observations, one process pinned to one core per row, timing as in the "
                              "one-core table above; slots rebuilt: during the timed steps."),
                 notes=(f"The 1-minute load average after the rows was {rows[-1]['load']:.1f} on {os.cpu_count()} "
                        "CPUs. With R = 1 every start also builds one new task, as sampled starts do, but the "
                        "episode itself still starts from array copies."),
                 columns=[column("policy", align="left"), column("n", "N", format=",d"),
                          column("refresh", "pool_refresh R"), column("steps_per_s", "agent-steps/s", format=",d"),
                          column("cpu_steps_per_s", "per CPU s", format=",d"),
                          column("episodes", "episodes", format=",d"), column("rebuilt", "slots rebuilt", format=",d"),
                          column("sampled_steps_per_s", "sampled starts", format=",d"),
                          column("vs_sampled", "pool / sampled")])


# --- batched worlds on two cores -------------------------------------------------------

TWO_CORE_SIZES = (16, 256, 1024)  # worlds in all: one process of N on one core, or two of N/2, one per core


def two_core_section(args) -> list[dict]:
    """Agent-steps/s of N batched worlds (TWO_CORE_SIZES), symbolic and with the camera:
    one process on one core against two processes of half the worlds each, one per core,
    run at the same time (their agent-steps/s added up); printed; result rows."""
    if len(os.sched_getaffinity(0)) < 2:
        raise SystemExit(f"--two-cores needs 2 CPUs, this process may use {len(os.sched_getaffinity(0))}")
    res, rows = args.camera_resolution, []
    print("\n## Batched worlds on one and two cores (resets included)\n")
    for camera, policy, n in itertools.product((0, res), VECTOR_POLICIES, TWO_CORE_SIZES):
        steps = args.camera_steps if camera else args.vector_steps
        warmup = CAMERA_WARMUP if camera else None
        one = run_in_child(vector_throughput_child, "vector", n, policy, steps, args.seed, camera, warmup)
        pair = run_in_children([(vector_throughput_child, ("vector", n // 2, policy, steps // 2, args.seed + k,
                                                            camera, warmup, k)) for k in (0, 1)])
        two = sum(r["steps_per_s"] for r in pair)
        row = {"observations": f"rgb {res}x{res}" if camera else "symbolic", "policy": policy, "n": n,
               "one_core": round(one["steps_per_s"]), "two_cores": round(two),
               "speedup": f"{two / one['steps_per_s']:.2f}x", "load": os.getloadavg()[0]}
        rows.append(row)
        print(f"{row['observations']:10} {policy:13} N={n:<5} one core {row['one_core']:>8,}  two cores "
              f"{row['two_cores']:>8,}  ({row['speedup']})", flush=True)
    for rgb in (False, True):  # the peer: one BabyAI-GoToLocal env per process, random actions
        steps = args.camera_steps // 4
        one = run_in_child(babyai_child, steps, args.seed, rgb)
        pair = run_in_children([(babyai_child, (steps, args.seed + k, rgb, k)) for k in (0, 1)])
        two = sum(r["steps_per_s"] for r in pair)
        row = {"observations": f"{GOTO_LOCAL_ID}, " + (f"RGB wrapper {one['image']}" if rgb else "symbolic"),
               "policy": "action_space", "n": 1, "one_core": round(one["steps_per_s"]), "two_cores": round(two),
               "speedup": f"{two / one['steps_per_s']:.2f}x", "load": os.getloadavg()[0]}
        rows.append(row)
        print(f"{row['observations']:10} one core {row['one_core']:>8,}  two cores {row['two_cores']:>8,}  "
              f"({row['speedup']})", flush=True)
    return rows


def write_two_core_results(rows: list[dict]) -> None:
    """benchmarks/results/sim_vector_two_cores.json."""
    write_result("sim_vector_two_cores", rows, title="Batched worlds: agent-steps/s on one and two cores",
                 description=("errands/HouseholdVector-v0 with N worlds in all: one process pinned to one core, "
                              "against two processes of N/2 worlds pinned one to each core and run at the same time "
                              "(their agent-steps/s added). Resets inside the timing; policies as in the one-core "
                              f"tables. The peer, {GOTO_LOCAL_ID} with random actions, symbolic and under minigrid's "
                              "RGB wrapper: one env in one process, against two processes of one env each (N = 1 "
                              "per process)."),
                 notes=f"The 1-minute load average after the rows was {rows[-1]['load']:.1f} on "
                       f"{os.cpu_count()} CPUs.",
                 columns=[column("observations", align="left"), column("policy", align="left"),
                          column("n", "N", format=",d"), column("one_core", "one core", format=",d"),
                          column("two_cores", "two cores", format=",d"), column("speedup", "two / one")])


# --- batched worlds with the camera (child) ----------------------------------------------

def babyai_child(agent_steps: int, seed: int, rgb: bool = True, core: int = 0) -> dict:
    """Steps/s of BabyAI-GoToLocal-v0 with random actions on one core (the `core`-th this
    process may use): under minigrid's RGBImgPartialObsWrapper (its 7x7 view drawn at 8
    pixels a tile, 56x56) with `rgb`, else its symbolic observation."""
    import gymnasium as gym
    import minigrid  # noqa: F401 - registers the BabyAI levels
    from minigrid.wrappers import RGBImgPartialObsWrapper

    _one_core(core)
    with contextlib.redirect_stdout(open(os.devnull, "w")):
        env = gym.make(GOTO_LOCAL_ID)
        env = RGBImgPartialObsWrapper(env) if rgb else env
        obs, _ = env.reset(seed=seed)
        env.action_space.seed(seed)
        gc.collect()
        c0, t0 = time.process_time(), time.perf_counter()
        for _ in range(agent_steps):
            _, _, terminated, truncated, _ = env.step(env.action_space.sample())
            if terminated or truncated:
                env.reset()
        elapsed, cpu_s = time.perf_counter() - t0, time.process_time() - c0
    return {"steps_per_s": agent_steps / elapsed, "cpu_steps_per_s": agent_steps / cpu_s,
            "image": f"{obs['image'].shape[0]}x{obs['image'].shape[1]}" if rgb else "symbolic"}


def kernel_compile_child(cache_dir: str, resolution: int) -> dict:
    """Seconds of the first camera frame in a fresh process whose numba cache is
    `cache_dir` (empty: the kernel compiles and is written there; filled: it is
    loaded), and of the next frame."""
    os.environ["NUMBA_CACHE_DIR"] = cache_dir
    from errands.envs.household.render.camera import Camera
    from errands.envs.household.scenes import load_scene
    from errands.envs.household.world import World

    world = World(load_scene(1))
    t0 = time.perf_counter()
    Camera(resolution).render(world)
    first = time.perf_counter() - t0
    world.agent = world.agent._replace(heading=(world.agent.heading + 90) % 360)
    t1 = time.perf_counter()
    Camera(resolution).render(world)
    return {"first_s": first, "next_s": time.perf_counter() - t1}


def vector_camera_section(args) -> tuple[list[dict], list[dict]]:
    """The batched worlds with 64x64 RGB observations beside one scalar env with the
    camera and BabyAI-GoToLocal under minigrid's RGB wrapper, printed; result rows."""
    import tempfile

    res = args.camera_resolution
    runs = [("scalar", 1, policy) for policy in VECTOR_POLICIES]
    runs += [(kind, n, policy) for policy in VECTOR_POLICIES for n in VECTOR_SIZES for kind in ("vector", "pool")]
    measured: dict[tuple, list[dict]] = {run: [] for run in runs + [("babyai", 1, "action_space")]}
    for repeat in range(args.vector_repeats):
        for kind, n, policy in runs:
            print(f"  [{repeat + 1}/{args.vector_repeats}] {kind} N={n} [{policy}] rgb {res}x{res} ...", end=" ",
                  flush=True)
            steps = args.camera_steps if kind != "scalar" else args.camera_steps // 4
            r = run_in_child(vector_throughput_child, kind, n, policy, steps, args.seed, res,
                             CAMERA_WARMUP)
            measured[(kind, n, policy)].append(r)
            print(f"{r['steps_per_s']:.0f} agent-steps/s (cpu {r['cpu_steps_per_s']:.0f})", flush=True)
        print(f"  [{repeat + 1}/{args.vector_repeats}] {GOTO_LOCAL_ID} + RGBImgPartialObsWrapper ...", end=" ",
              flush=True)
        r = run_in_child(babyai_child, args.camera_steps // 4, args.seed)
        measured[("babyai", 1, "action_space")].append(r)
        print(f"{r['steps_per_s']:.0f} steps/s (cpu {r['cpu_steps_per_s']:.0f})", flush=True)
    best = median_runs(measured)
    babyai = best[("babyai", 1, "action_space")]
    rows = []
    print(f"\n## Batched worlds with the camera: {res}x{res} RGB frames/s on one core (resets included, median "
          f"of {args.vector_repeats})\n")
    print(f"BabyAI: {GOTO_LOCAL_ID} + RGBImgPartialObsWrapper ({babyai['image']}), random actions: "
          f"{babyai['steps_per_s']:,.0f} steps/s (cpu {babyai['cpu_steps_per_s']:,.0f})\n")
    print(f"{'policy':13} {'N':>5} {'vector':>9} {'vector cpu':>11} {'pool':>9} {'pool cpu':>9} {'scalar':>8} "
          f"{'scalar cpu':>11} {'pool/scalar':>11} {'pool/babyai':>11} {'steps/ep':>9}")
    for policy in VECTOR_POLICIES:
        scalar = best[("scalar", 1, policy)]
        for n in VECTOR_SIZES:
            vector, pool = best[("vector", n, policy)], best[("pool", n, policy)]
            per_episode = pool["agent_steps"] / pool["episodes"] if pool["episodes"] else float("inf")
            row = {"policy": policy, "n": n, "vector_steps_per_s": round(vector["steps_per_s"]),
                   "vector_cpu_steps_per_s": round(vector["cpu_steps_per_s"]),
                   "pool_steps_per_s": round(pool["steps_per_s"]), "pool_cpu_steps_per_s": round(pool["cpu_steps_per_s"]),
                   "pool_build_s": round(pool["reset_s"], 2),
                   "scalar_steps_per_s": round(scalar["steps_per_s"]),
                   "scalar_cpu_steps_per_s": round(scalar["cpu_steps_per_s"]),
                   "babyai_rgb_steps_per_s": round(babyai["steps_per_s"]),
                   "pool_vs_scalar": f"{pool['steps_per_s'] / scalar['steps_per_s']:.1f}x",
                   "pool_vs_babyai": f"{pool['steps_per_s'] / babyai['steps_per_s']:.1f}x",
                   "steps_per_episode": round(per_episode, 1)}
            rows.append(row)
            print(f"{policy:13} {n:5d} {row['vector_steps_per_s']:9,d} {row['vector_cpu_steps_per_s']:11,d} "
                  f"{row['pool_steps_per_s']:9,d} {row['pool_cpu_steps_per_s']:9,d} "
                  f"{row['scalar_steps_per_s']:8,d} {row['scalar_cpu_steps_per_s']:11,d} "
                  f"{row['pool_vs_scalar']:>11} {row['pool_vs_babyai']:>11} {per_episode:9.1f}")
    load = os.getloadavg()
    for row in rows:
        row["load"] = load[0]
    print(f"\nload average after these runs: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")
    print(f"floor: {CAMERA_FLOOR:,} frames/s on one core: " + ", ".join(
        f"{r['policy']} N={r['n']} sampled {'meets' if r['vector_steps_per_s'] >= CAMERA_FLOOR else 'misses'} it, "
        f"pooled {'meets' if r['pool_steps_per_s'] >= CAMERA_FLOOR else 'misses'} it"
        for r in rows if r["n"] >= 256))

    print("\n  running memory of the batched worlds with the camera ...", flush=True)
    memory = []
    for kind, label in (("vector", "`HouseholdVectorEnv`"), ("pool", f"`HouseholdVectorEnv(start_pool={START_POOL})`")):
        heap = run_in_child(vector_memory_child, kind, VECTOR_MEMORY_WORLDS, True, res)
        rss = run_in_child(vector_memory_child, kind, VECTOR_MEMORY_WORLDS, False, res)
        memory.append({"env": f"{label}, {res}x{res} RGB", "n": VECTOR_MEMORY_WORLDS,
                       "heap_kib_per_world": round(heap["kib_per_world"], 1),
                       "rss_kib_per_world": round(rss["kib_per_world"], 1)})
        print(f"  {label}: heap {heap['kib_per_world']:.1f} KiB  RSS {rss['kib_per_world']:.1f} KiB per world")

    print("\n  running the kernel's first call (compile, then load from the cache) ...", flush=True)
    with tempfile.TemporaryDirectory() as cache:
        cold = run_in_child(kernel_compile_child, cache, res)
        warm = run_in_child(kernel_compile_child, cache, res)
    for label, r in (("compiled (empty cache)", cold), ("loaded (cache filled)", warm)):
        memory.append({"env": f"kernel's first frame, {label}: {r['first_s']:.2f} s (next frame "
                              f"{1000 * r['next_s']:.1f} ms)", "n": 1, "heap_kib_per_world": None,
                       "rss_kib_per_world": None})
        print(f"  first frame, {label}: {r['first_s']:.2f} s; next frame {1000 * r['next_s']:.1f} ms")
    return rows, memory


def camera_notes(rows: list[dict]) -> str:
    """What the camera rows say about the floor, from the rows themselves."""
    def meeting(key: str) -> str:
        met = [f"{r['policy']} at N = {r['n']:,}" for r in rows if r[key] >= CAMERA_FLOOR]
        return ", ".join(met) if met else "no row"

    busy = rows[0]["load"] > 1.5  # the benchmark itself keeps one core busy
    shared = " (other jobs shared the machine, which is why wall clock and CPU time differ)" if busy else ""
    return (f"The floor is {CAMERA_FLOOR:,} frames/s on one core. With the pool of starts, by wall clock "
            f"{meeting('pool_steps_per_s')} met it; by CPU time (steps per second of the process's own CPU time, less "
            f"sensitive to other jobs on the machine) {meeting('pool_cpu_steps_per_s')}. With sampled starts, by wall "
            f"clock {meeting('vector_steps_per_s')}; by CPU time {meeting('vector_cpu_steps_per_s')}. The 1-minute load average when the rows had "
            f"run was {rows[0]['load']:.1f} on {os.cpu_count()} CPUs{shared}. With action_space samples an episode ends about every 10 steps "
            f"and new episodes (task sampling, scene copy, World: the scalar env's code) take much of the time; "
            f"with navigation they last a hundred steps or more and the frames dominate. Every frame equals the "
            f"scalar camera's (tests/envs/household/test_batch_camera.py).")


def write_vector_camera_results(rows: list[dict], memory: list[dict], resolution: int) -> None:
    """benchmarks/results/{sim_vector_camera_throughput,sim_vector_camera_memory}.json."""
    write_result("sim_vector_camera_throughput", rows,
                 title=f"Batched worlds with the camera: {resolution}x{resolution} RGB agent-steps/s on one core",
                 columns=[*_starts_columns(),
                          column("scalar_steps_per_s", "one HouseholdEnv", format=",.0f"),
                          column("scalar_cpu_steps_per_s", "one HouseholdEnv per CPU s", format=",.0f"),
                          column("babyai_rgb_steps_per_s", f"{GOTO_LOCAL_ID} + RGB wrapper", format=",.0f"),
                          column("pool_vs_scalar", "pool / scalar"), column("pool_vs_babyai", "pool / BabyAI"),
                          column("steps_per_episode", "steps / episode", format=".1f"),
                          column("pool_build_s", "pool built in s", format=".2f")],
                 notes=camera_notes(rows),
                 description=(
                     f"Agent-steps per second (one {resolution}x{resolution} RGB frame per agent-step) of "
                     f"`errands/HouseholdVector-v0` with `observations=(\"rgb\",)` and N worlds, whose frames are "
                     f"drawn by one call of the compiled kernel per step (BatchCamera), with sampled starts and "
                     f"with a pool of {START_POOL:,} starts as in the symbolic table, beside one `HouseholdEnv` "
                     f"with the same camera and `{GOTO_LOCAL_ID}` under minigrid's `RGBImgPartialObsWrapper` (56x56, "
                     f"random actions), each row in its own spawned process pinned to one CPU core, the split's "
                     f"scenes cached and the kernel loaded first, then {CAMERA_WARMUP} warm-up batch steps and the "
                     f"timed steps with the resets inside the timing. Policies as in the symbolic table above."))
    write_result("sim_vector_camera_memory", [m for m in memory if m["n"] > 1],
                 title="Batched worlds with the camera: memory per world",
                 columns=[column("env", align="left"), column("n", "N", format=",d"),
                          column("heap_kib_per_world", "Python heap (tracemalloc) KiB", format=",.1f"),
                          column("rss_kib_per_world", "RSS KiB", format=",.1f")],
                 notes="\n".join(f"The {m['env']}." for m in memory if m["n"] == 1),
                 description=(
                     "Heap (tracemalloc) and RSS growth per world of making and resetting 1,024 worlds with the "
                     "camera on, after a first batch filled the scene caches: each World, its share of the batch "
                     "arrays, the frame buffers and pools of the BatchCamera, and the first observation. Below: "
                     "the camera kernel's first frame in a fresh process, compiled into an empty numba cache, then "
                     "loaded from it."))


# --- report ----------------------------------------------------------------------------

def _fmt_ms(values: list[float]) -> str:
    return f"{statistics.mean(values):7.2f} {statistics.median(values):7.2f} {min(values):7.2f} {max(values):7.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] + " Each measurement runs in its own spawned child process.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Policies: 'action_space' = uniform samples of env.action_space; 'visible' (errands only) = "
               "uniform over the 13 action names, interactions aimed at the type of a random visible object. "
               f"The floor checked: {ERRANDS_ID} >= {FLOOR_RATIO:g}x {GOTO_LOCAL_ID} steps/s.")
    parser.add_argument("--steps", type=int, default=20000, help="timed env steps per env and policy (default 20000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the timed episodes and random actions (default 0)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs of each throughput row, each in its own child, round-robin; the median is "
                             "reported (default 3)")
    parser.add_argument("--scenes", type=int, default=40,
                        help="procedural scenes to time, ids 1000.. (not ALFRED ids, so never cached; default 40)")
    parser.add_argument("--floorplans", type=int, default=20, help="ALFRED floor plans to import and time (default 20)")
    parser.add_argument("--layouts", default=str(DEFAULT_LAYOUTS),
                        help="ALFRED gen/layouts folder (default ../shared/alfred/layouts from the repo root)")
    parser.add_argument("--vector", action="store_true",
                        help="measure the batched worlds alone (errands/HouseholdVector-v0 beside SyncVectorEnv and one "
                             "scalar env), skipping the rest")
    parser.add_argument("--vector-steps", type=int, default=100_000,
                        help="timed agent-steps per batched row (at least 50 batch steps; default 100000)")
    parser.add_argument("--vector-camera", action="store_true",
                        help="measure the batched worlds with the camera alone (64x64 RGB HouseholdVectorEnv at each N "
                             "beside one scalar env with the camera and BabyAI-GoToLocal with minigrid's RGB wrapper, "
                             "memory per world with the camera, the kernel's compile time), skipping the rest")
    parser.add_argument("--camera-steps", type=int, default=20_000,
                        help="timed agent-steps per batched camera row (at least 50 batch steps; a quarter of it for "
                             "the scalar and BabyAI rows; default 20000)")
    parser.add_argument("--camera-resolution", type=int, default=64,
                        help="side of the camera rows' square RGB frames (default 64)")
    parser.add_argument("--vector-repeats", type=int, default=1,
                        help="runs of each batched row, each in its own child; the median is reported (default 1)")
    parser.add_argument("--two-cores", action="store_true",
                        help=f"measure the batched worlds alone on one core and on two (N = "
                             f"{', '.join(map(str, TWO_CORE_SIZES))} worlds in all, symbolic and with the camera), "
                             f"skipping the rest")
    parser.add_argument("--pool-refresh", action="store_true",
                        help=f"measure a pool that turns over alone: N = {REFRESH_WORLDS} worlds with pool_refresh R = "
                             f"{', '.join(map(str, REFRESH_RATES))} (0: never) beside sampled starts, skipping the rest")
    add_results_flag(parser)
    args = parser.parse_args(argv)

    import gymnasium
    import minigrid
    import numpy

    import errands

    print(f"# sim_throughput  steps={args.steps} seed={args.seed}")
    print(f"python {platform.python_version()}  numpy {numpy.__version__}  gymnasium {gymnasium.__version__}  "
          f"minigrid {minigrid.__version__}  errands {errands.__version__}")
    print(f"machine: {platform.machine()} {platform.processor() or ''}  cpus={os.cpu_count()}  "
          f"{platform.platform()}")
    print("each measurement: its own spawned child process, run one after another\n")
    if args.two_cores:
        rows = two_core_section(args)
        if args.results:
            write_two_core_results(rows)
        return 0
    if args.pool_refresh:
        rows = pool_refresh_section(args)
        if args.results:
            write_pool_refresh_results(rows)
        return 0
    if args.vector_camera:
        rows, memory = vector_camera_section(args)
        if args.results:
            write_vector_camera_results(rows, memory, args.camera_resolution)
        return 0
    if args.vector:
        rows, memory = vector_section(args)
        camera_rows, camera_memory = vector_camera_section(args)
        if args.results:
            write_vector_results(rows, memory)
            write_vector_camera_results(camera_rows, camera_memory, args.camera_resolution)
        return 0

    runs = [(ERRANDS_ID, "action_space"), (ERRANDS_ID, "visible"),
            (GOTO_LOCAL_ID, "action_space"), (BOSS_LEVEL_ID, "action_space")]
    trials: dict[tuple[str, str], list[dict]] = {run: [] for run in runs}
    for repeat in range(args.repeats):  # round-robin, so slow phases of the machine hit every row alike
        for env_id, policy in runs:
            print(f"  [{repeat + 1}/{args.repeats}] {env_id} [{policy}] ...", end=" ", flush=True)
            r = run_in_child(throughput_child, env_id, policy, args.steps, args.seed)
            trials[(env_id, policy)].append(r)
            print(f"{r['steps_per_s']:.0f} steps/s (cpu {r['cpu_steps_per_s']:.0f})", flush=True)
    rows = []
    for (env_id, policy), ts in trials.items():
        wall = [t["steps_per_s"] for t in ts]
        cpu = [t["cpu_steps_per_s"] for t in ts]
        rows.append({**ts[0], "steps_per_s": statistics.median(wall), "min": min(wall), "max": max(wall),
                     "cpu_steps_per_s": statistics.median(cpu), "warmup_s": statistics.median(t["warmup_s"] for t in ts),
                     "resets_all": sorted({t["resets"] for t in ts})})
    base = next(r for r in rows if r["env"] == GOTO_LOCAL_ID)
    load = os.getloadavg()

    print(f"\n## Throughput (random actions, symbolic observations, {args.steps} steps, resets inside the timing)\n")
    print(f"steps/s: median over {args.repeats} runs by wall clock [min-max]; cpu: median steps per CPU second "
          f"(less sensitive to other load on the machine); failed: share of actions that failed (errands); "
          f"ratio: to {GOTO_LOCAL_ID}\n")
    print(f"{'env':24} {'policy':13} {'steps/s':>9} {'[min-max]':>15} {'cpu':>7} {'resets':>7} {'steps/ep':>9} "
          f"{'failed':>7} {'ratio':>7} {'cpu ratio':>9} {'warm-up s':>10}")
    for r in rows:
        per_ep = r["steps"] / r["resets"] if r["resets"] else float("inf")
        failed = f"{100 * r['failed'] / r['steps']:.0f}%" if r["env"] == ERRANDS_ID else "-"
        resets = str(r["resets"]) if len(r["resets_all"]) == 1 else "/".join(map(str, r["resets_all"]))
        print(f"{r['env']:24} {r['policy']:13} {r['steps_per_s']:9.0f} {r['min']:7.0f}-{r['max']:<7.0f} "
              f"{r['cpu_steps_per_s']:7.0f} {resets:>7} {per_ep:9.1f} {failed:>7} {r['steps_per_s'] / base['steps_per_s']:6.2f}x "
              f"{r['cpu_steps_per_s'] / base['cpu_steps_per_s']:8.2f}x {r['warmup_s']:10.2f}")
    errands_rows = [r for r in rows if r["env"] == ERRANDS_ID]
    e0 = errands_rows[0]
    print(f"\nwarm-up: {WARMUP_SEEDS} resets (seeds 0..{WARMUP_SEEDS - 1}) per env; for {ERRANDS_ID} they cached "
          f"{e0['cached_by_resets']} of the split's {e0['split_scenes']} scenes, the rest were then loaded "
          f"({e0['filled_s']:.2f} s, included in the warm-up column)")
    print(f"load average after the throughput runs: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")
    print(f"\nfloor: {ERRANDS_ID} >= {FLOOR_RATIO:g}x {GOTO_LOCAL_ID} steps/s "
          f"({FLOOR_RATIO * base['steps_per_s']:.0f} steps/s by wall clock)")
    for r in errands_rows:
        ratio = r["steps_per_s"] / base["steps_per_s"]
        cpu_ratio = r["cpu_steps_per_s"] / base["cpu_steps_per_s"]
        print(f"  {r['env']} [{r['policy']}]: {ratio:.2f}x -> {'MEETS' if ratio >= FLOOR_RATIO else 'FAILS'} the floor"
              f" (by CPU time {cpu_ratio:.2f}x -> {'meets' if cpu_ratio >= FLOOR_RATIO else 'fails'})")

    print("\n  running scene creation ...", flush=True)
    sc = run_in_child(scenes_child, 1000, args.scenes, args.layouts, args.floorplans)
    print("\n## Scene creation (ms per scene, own child process)\n")
    lo, hi = sc["ids"]
    print(f"procedural_scene(id), ids {lo}..{hi} (fresh, uncached):")
    print(f"  {'room type':12} {'n':>3} {'mean':>7} {'median':>7} {'min':>7} {'max':>7}")
    all_proc = []
    for room, values in sorted(sc["procedural"].items()):
        all_proc += values
        print(f"  {room:12} {len(values):3d} {_fmt_ms(values)}")
    print(f"  {'all':12} {len(all_proc):3d} {_fmt_ms(all_proc)}")
    all_alfred = []
    if sc["alfred"]:
        a = sc["alfred"]
        print(f"\nALFRED floor-plan import, load_floorplan(layouts, n), {len(a['numbers'])} of {a['available']} "
              f"floor plans: {a['numbers']}")
        print(f"  {'room type':12} {'n':>3} {'mean':>7} {'median':>7} {'min':>7} {'max':>7}")
        for room, values in sorted(a["by_room"].items()):
            all_alfred += values
            print(f"  {room:12} {len(values):3d} {_fmt_ms(values)}")
        print(f"  {'all':12} {len(all_alfred):3d} {_fmt_ms(all_alfred)}")
    else:
        print(f"\nALFRED floor-plan import: skipped ({args.layouts} not found)")

    print("\n  running memory ...", flush=True)
    mem = {}
    for env_id in (ERRANDS_ID, GOTO_LOCAL_ID):
        for traced in (True, False):
            r = run_in_child(memory_child, env_id, MEMORY_ENVS, traced)
            mem[(env_id, r["kind"])] = r
    print(f"\n## Memory per env instance ({MEMORY_ENVS} envs created and reset with distinct seeds, "
          f"fresh child process each)\n")
    print("cold: the first 20 in the process (errands: includes filling the shared scene cache); "
          "warm: 20 more with the same seeds (marginal cost)")
    print("RSS is measured in a separate child without tracemalloc\n")
    print(f"{'env':24} {'heap cold KiB':>14} {'heap warm KiB':>14} {'RSS cold KiB':>13} {'RSS warm KiB':>13}")
    for env_id in (ERRANDS_ID, GOTO_LOCAL_ID):
        t, r = mem[(env_id, "tracemalloc")], mem[(env_id, "rss")]
        print(f"{env_id:24} {t['cold_kib']:14.1f} {t['warm_kib']:14.1f} {r['cold_kib']:13.1f} {r['warm_kib']:13.1f}")

    print("\n## Markdown (for the README)\n")
    print(f"Random actions, symbolic observations, {args.steps} steps per row, resets included; "
          f"one spawned process per run, median of {args.repeats} runs, on one machine "
          f"({os.cpu_count()} CPUs, Python {platform.python_version()}).\n")
    print("| env | policy | steps/s | resets | vs BabyAI-GoToLocal-v0 |")
    print("|---|---|---:|---:|---:|")
    for r in rows:
        print(f"| `{r['env']}` | {r['policy']} | {r['steps_per_s']:,.0f} | {r['resets']:,} | "
              f"{r['steps_per_s'] / base['steps_per_s']:.2f}x |")
    print()
    print("| scene creation | n | mean ms | median ms |")
    print("|---|---:|---:|---:|")
    for room, values in sorted(sc["procedural"].items()):
        print(f"| procedural {room} | {len(values)} | {statistics.mean(values):.1f} | {statistics.median(values):.1f} |")
    print(f"| procedural, all | {len(all_proc)} | {statistics.mean(all_proc):.1f} | {statistics.median(all_proc):.1f} |")
    if all_alfred:
        print(f"| ALFRED floor-plan import | {len(all_alfred)} | {statistics.mean(all_alfred):.1f} | "
              f"{statistics.median(all_alfred):.1f} |")
    print()
    print("| memory per env instance | Python heap (tracemalloc) KiB | RSS KiB |")
    print("|---|---:|---:|")
    for env_id in (ERRANDS_ID, GOTO_LOCAL_ID):
        t, r = mem[(env_id, "tracemalloc")], mem[(env_id, "rss")]
        print(f"| `{env_id}`, first {MEMORY_ENVS} (cold) | {t['cold_kib']:,.0f} | {r['cold_kib']:,.0f} |")
        print(f"| `{env_id}`, next {MEMORY_ENVS} (warm) | {t['warm_kib']:,.0f} | {r['warm_kib']:,.0f} |")
    print()
    vector_rows, vector_memory = vector_section(args)
    camera_rows, camera_memory = vector_camera_section(args)
    if args.results:
        write_results(rows, base, sc, all_alfred, mem)
        write_vector_results(vector_rows, vector_memory)
        write_vector_camera_results(camera_rows, camera_memory, args.camera_resolution)
    return 0


def write_results(rows: list[dict], base: dict, sc: dict, all_alfred: list[float], mem: dict) -> None:
    """The three tables as benchmarks/results/{sim_throughput,scene_creation,sim_memory}.json."""
    write_result("sim_throughput", [
        {"env": f"`{r['env']}`", "policy": r["policy"], "steps_per_s": round(r["steps_per_s"]), "resets": r["resets"],
         "vs_babyai_gotolocal_v0": f"{r['steps_per_s'] / base['steps_per_s']:.2f}x"} for r in rows],
        title="Simulator throughput",
        columns=[column("env", align="left"), column("policy", align="left"),
                 column("steps_per_s", "steps/s", format=",.0f"), column("resets", format=",.0f"),
                 column("vs_babyai_gotolocal_v0", f"vs {GOTO_LOCAL_ID}")])
    scenes = [(f"procedural {room}", values) for room, values in sorted(sc["procedural"].items())]
    scenes += [("ALFRED floor-plan import", all_alfred)] if all_alfred else []
    write_result("scene_creation", [
        {"scene_creation": name, "n": len(values), "mean_ms": round(statistics.mean(values), 1),
         "median_ms": round(statistics.median(values), 1)} for name, values in scenes],
        title="Scene creation",
        columns=[column("scene_creation", "scene creation", align="left"), column("n"),
                 column("mean_ms", "mean ms", format=".1f"), column("median_ms", "median ms", format=".1f")])
    memory = []
    for env_id in (ERRANDS_ID, GOTO_LOCAL_ID):
        t, r = mem[(env_id, "tracemalloc")], mem[(env_id, "rss")]
        for kind, label in (("cold", f"first {MEMORY_ENVS} in a process"), ("warm", f"{MEMORY_ENVS} more")):
            memory.append({"memory_per_env_instance": f"`{env_id}`, {label}",
                           "python_heap_tracemalloc_kib": round(t[f"{kind}_kib"]), "rss_kib": round(r[f"{kind}_kib"])})
    write_result("sim_memory", memory, title="Memory per env instance",
                 columns=[column("memory_per_env_instance", "memory per env instance", align="left"),
                          column("python_heap_tracemalloc_kib", "Python heap (tracemalloc) KiB", format=",.0f"),
                          column("rss_kib", "RSS KiB", format=",.0f")])


if __name__ == "__main__":
    sys.exit(main())
