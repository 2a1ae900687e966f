"""Run a suite: every episode played by a planner and a policy (by name, so that any
planner or policy registered in errands.planners / errands.policies plugs in), in this
process, in local worker processes, or on Ray.

A run folder holds `config.json` (the suite reference and the settings),
`episodes.jsonl` (one line per finished episode, written as it finishes), and, at the
end, `summary.json`, `report.md` and `report.html`. Running again into the same folder
resumes: episodes already in `episodes.jsonl` are skipped (a torn last line, left by a
crash, is dropped and that episode runs again). The same suite gives the same
per-episode results whatever the backend and the number of workers: each episode is
seeded from the suite, and nothing carries over between episodes.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..files import write_json_atomic, write_text_atomic
from .episode_job import _failed_log, _record, chunk_jobs, make_job, run_job, run_jobs, warm_up
from .suites import Suite

BACKENDS = ("local", "ray")
DEFAULT_TIMEOUT_S = 300.0
EPISODES_FILE, CONFIG_FILE, SUMMARY_FILE = "episodes.jsonl", "config.json", "summary.json"
DEFAULT_CHUNK_SIZE = 1  # episodes of one scene sent to a worker at once; 1 writes each as soon as it ends
# What must match for a run folder to be resumed.
RESUME_KEYS = ("suite_hash", "planner", "policy", "planner_options", "policy_options", "layouts_dir", "env_options")


@dataclass
class RunStats:
    backend: str
    workers: int
    chunk_size: int = DEFAULT_CHUNK_SIZE
    backend_start_s: float = 0.0
    episodes_run: int = 0
    already_done: int = 0
    episodes_wall_s: float = 0.0
    start_clock: float = 0.0  # perf_counter when the backend was up and the first episode went out

    def to_dict(self) -> dict:
        rate = self.episodes_run / self.episodes_wall_s if self.episodes_wall_s > 0 else None
        return {"backend": self.backend, "workers": self.workers, "chunk_size": self.chunk_size,
                "backend_start_s": round(self.backend_start_s, 3),
                "episodes_run": self.episodes_run, "already_done": self.already_done,
                "episodes_wall_s": round(self.episodes_wall_s, 3),
                "episodes_per_s": round(rate, 2) if rate else None}


def default_run_dir(suite: Suite, planner: str, policy: str, root: str | Path = "runs/eval",
                    env_options: dict | None = None) -> Path:
    """The same folder for the same suite, agent and camera, so that a rerun resumes."""
    camera = f"-camera{env_options['resolution']}" if (env_options or {}).get("visibility") == "camera" else ""
    return Path(root) / f"{suite.name}-{planner}-{Path(policy).name}{camera}"


def run_evaluation(suite: Suite, out_dir: str | Path, planner: str = "oracle", policy: str = "expert",
                   workers: int = 1, backend: str = "local", ray_address: str | None = None,
                   timeout_s: float | None = DEFAULT_TIMEOUT_S, layouts_dir: str | None = None,
                   planner_options: dict | None = None, policy_options: dict | None = None,
                   env_options: dict | None = None, progress: bool = True, overwrite: bool = False,
                   write_reports: bool = True, chunk_size: int = DEFAULT_CHUNK_SIZE) -> dict:
    """Play the suite's unfinished episodes, then write the summary and the reports.
    `workers=0` plays them in this process (handy under a debugger). `chunk_size` > 1
    sends a worker that many episodes of one scene at once (fewer scene builds and
    messages: faster for fast agents; their lines are written when the chunk ends).
    `env_options` go to the env (`visibility="camera", resolution=64`: the world sees
    through the agent's camera; L* stays the suite's). Returns the summary."""
    from ..envs.household_env import HouseholdEnv
    from ..planners import PLANNERS
    from ..policies import make_policy

    if planner not in PLANNERS:
        raise ValueError(f"unknown planner {planner!r}: expected one of {', '.join(PLANNERS)}")
    make_policy(policy, **(policy_options or {}))  # a bad name or checkpoint fails here, not in every episode
    env_options = env_options or {}
    HouseholdEnv(**env_options)  # and so does a bad env option
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}: expected one of {', '.join(BACKENDS)}")
    if workers < 0 or (backend == "ray" and workers < 1):
        raise ValueError(f"workers must be at least {1 if backend == 'ray' else 0}, got {workers}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    if timeout_s is not None and timeout_s <= 0:
        raise ValueError(f"the per-episode timeout must be positive seconds, got {timeout_s}")
    layouts_dir = layouts_dir or os.environ.get("ERRANDS_ALFRED_LAYOUTS")
    if suite.scenes == "alfred_floorplans" and not layouts_dir:
        raise ValueError(f"suite {suite.name!r} plays ALFRED floor plans: pass --layouts (ALFRED's gen/layouts "
                         f"folder) or set ERRANDS_ALFRED_LAYOUTS")
    if layouts_dir:
        layouts_dir = str(Path(layouts_dir).resolve())

    out = Path(out_dir)
    config = {"suite": suite.reference(), "suite_hash": suite.hash, "planner": planner, "policy": policy,
              "planner_options": planner_options or {}, "policy_options": policy_options or {},
              "layouts_dir": layouts_dir, "env_options": env_options, "timeout_s": timeout_s,
              "errands_version": __version__}
    _prepare_folder(out, config, overwrite)
    episodes_path = out / EPISODES_FILE
    finished = {r["episode_id"] for r in read_records(episodes_path)}
    todo = [e for e in suite.episodes if e.id not in finished]
    jobs = [make_job(e, planner, policy, layouts_dir, timeout_s, planner_options, policy_options, env_options)
            for e in todo]
    stats = RunStats(backend="inline" if workers == 0 else backend, workers=workers, chunk_size=chunk_size,
                     already_done=len(suite.episodes) - len(todo))
    if jobs:
        _play(jobs, episodes_path, stats, ray_address, progress, suite.name)
    return finish_run(out, suite, config, stats, write_reports)


def finish_run(out: Path, suite: Suite, config: dict, stats: RunStats, write_reports: bool) -> dict:
    """The summary of every record in the run folder, written with the reports."""
    from .report import summarize, write_reports as write_report_files

    records = read_records(out / EPISODES_FILE)
    summary = summarize(suite, records, config, stats.to_dict())
    write_json_atomic(out / SUMMARY_FILE, summary)
    if write_reports:
        write_report_files(out, summary, records)
    return summary


def _prepare_folder(out: Path, config: dict, overwrite: bool) -> None:
    config_path = out / CONFIG_FILE
    if config_path.is_file() and not overwrite:
        try:
            old = json.loads(config_path.read_text())
        except json.JSONDecodeError:
            old = {}
        differ = [k for k in RESUME_KEYS if (old.get(k) or None) != (config.get(k) or None)]  # absent = empty
        if differ:
            raise ValueError(f"{out} holds a run with other settings ({', '.join(f'{k}: {old.get(k)!r}' for k in differ)}"
                             f"); pass --overwrite to start it again, or choose another --out")
    if overwrite:
        for name in (EPISODES_FILE, SUMMARY_FILE, "report.md", "report.html"):
            (out / name).unlink(missing_ok=True)
    write_json_atomic(config_path, config)


def read_records(path: str | Path) -> list[dict]:
    """The episode records of a run, first occurrence of each id. A torn last line (a
    crash in the middle of writing it) is dropped from the file; damage anywhere else is
    an error that names the line."""
    path = Path(path)
    if not path.is_file():
        return []
    raw = path.read_bytes()
    lines = raw.split(b"\n")
    last = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    records, seen, torn = [], set(), False
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or "episode_id" not in record:
                raise ValueError("not an episode record")
        except ValueError as e:
            if i == last:
                torn = True
                break
            raise ValueError(f"{path} line {i + 1} is damaged ({e}); only a torn last line is repaired") from None
        if record["episode_id"] not in seen:
            seen.add(record["episode_id"])
            records.append(record)
    if torn or (raw and not raw.endswith(b"\n")):
        write_text_atomic(path, "".join(json.dumps(r) + "\n" for r in records))
    return records


def _play(jobs: list[dict], episodes_path: Path, stats: RunStats, ray_address: str | None, progress: bool,
          suite_name: str) -> None:
    from tqdm import tqdm

    if stats.backend == "inline":
        results = _run_inline(jobs, stats)
    elif stats.backend == "local":
        results = _run_local(jobs, stats)
    else:
        results = _run_ray(jobs, stats, ray_address)
    episodes_path.parent.mkdir(parents=True, exist_ok=True)
    bar = tqdm(total=len(jobs) + stats.already_done, initial=stats.already_done, unit="ep", disable=not progress,
               desc=f"{suite_name} ({stats.backend} x{max(stats.workers, 1)})")
    failed = 0
    with open(episodes_path, "a", encoding="utf-8") as out:
        try:
            for records in results:
                out.write("".join(json.dumps(record) + "\n" for record in records))
                out.flush()
                stats.episodes_run += len(records)
                failed += sum(0 if record["success"] else 1 for record in records)
                bar.update(len(records))
                bar.set_postfix(failed=failed, refresh=False)
        finally:
            results.close()
            bar.close()
    stats.episodes_wall_s = time.perf_counter() - stats.start_clock


# --- backends: generators of lists of records, in the order they finish ---------------

def _run_inline(jobs: list[dict], stats: RunStats):
    t0 = time.perf_counter()
    warm_up(jobs[0])
    stats.backend_start_s = time.perf_counter() - t0
    stats.start_clock = time.perf_counter()
    for job in jobs:
        yield [run_job(job)]


def _run_local(jobs: list[dict], stats: RunStats):
    """Worker processes (spawned, so nothing is inherited by accident), fed chunks of
    episodes. A chunk whose worker process died (a fault no exception handler sees) is
    tried again one episode at a time in a new pool; an episode that kills its worker
    twice is recorded as crashed."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    pending, attempts, first = chunk_jobs(jobs, stats.chunk_size), Counter(), True
    while pending:
        t0 = time.perf_counter()
        pool = ProcessPoolExecutor(max_workers=stats.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_set_environment,
                                   initargs=(thread_share(max(1, (os.cpu_count() or 1) // stats.workers)),))
        try:
            if first:
                _warm_pool(lambda n: [f.result() for f in [pool.submit(warm_up, jobs[0]) for _ in range(n)]],
                           stats.workers)
                stats.backend_start_s = time.perf_counter() - t0
                stats.start_clock = time.perf_counter()
                first = False
            futures = {pool.submit(run_jobs, chunk): chunk for chunk in pending}
            pending = []
            for future in as_completed(futures):
                chunk = futures[future]
                try:
                    yield future.result()
                except BrokenProcessPool as e:
                    for job in chunk:
                        attempts[job["episode"]["id"]] += 1
                        if attempts[job["episode"]["id"]] < 2:
                            pending.append([job])
                        else:
                            yield [_lost_record(job, f"the worker process died: {e}")]
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def thread_share(threads: int) -> dict[str, str]:
    """The environment that gives a worker's local LLM and torch (a learned policy's
    network; it reads OMP_NUM_THREADS when imported) `threads` threads, where the user
    has not chosen: otherwise each worker would run a thread per core of the machine."""
    from ..planners.llm_backends import THREADS_ENV

    return {name: os.environ.get(name, str(threads)) for name in (THREADS_ENV, "OMP_NUM_THREADS")}


def _set_environment(values: dict[str, str]) -> None:
    """A local worker's first step, before anything is imported."""
    os.environ.update(values)


def _warm_pool(call, workers: int) -> None:
    """Until every worker has started and built its agent (at most a few rounds)."""
    pids: set[int] = set()
    for _ in range(10):
        pids.update(call(workers))
        if len(pids) >= workers:
            return


def _run_ray(jobs: list[dict], stats: RunStats, ray_address: str | None):
    """Ray tasks, one per chunk of episodes. Without an address a local Ray is started with
    `workers` CPUs (and shut down at the end); an already initialised Ray is used as is."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        import ray
    except ImportError:
        raise ValueError("the Ray backend needs Ray: pip install 'errands[ray]'") from None
    t0 = time.perf_counter()
    started_here = not ray.is_initialized()
    if started_here:
        try:
            if ray_address:
                ray.init(address=ray_address, log_to_driver=False)
            else:
                ray.init(num_cpus=stats.workers, include_dashboard=False, log_to_driver=False)
        except (ConnectionError, RuntimeError, TimeoutError) as e:
            where = f"join the Ray cluster at {ray_address!r}" if ray_address else "start a local Ray"
            raise ValueError(f"could not {where}: {e}") from None
    try:
        worker_env = {"env_vars": thread_share(1)}  # a task holds one CPU
        remote_jobs = ray.remote(num_cpus=1, max_retries=1, runtime_env=worker_env)(run_jobs)
        remote_warm = ray.remote(num_cpus=1, runtime_env=worker_env)(warm_up)
        _warm_pool(lambda n: ray.get([remote_warm.remote(jobs[0]) for _ in range(n)]), stats.workers)
        stats.backend_start_s = time.perf_counter() - t0
        stats.start_clock = time.perf_counter()
        refs = {remote_jobs.remote(chunk): chunk for chunk in chunk_jobs(jobs, stats.chunk_size)}
        pending = list(refs)
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            try:
                yield ray.get(ready[0])
            except ray.exceptions.RayError as e:  # a worker that died twice (Ray retried it), or Ray failing
                reason = f"the Ray task failed: {type(e).__name__}: {str(e)[:500]}"
                yield [_lost_record(job, reason) for job in refs[ready[0]]]
    finally:
        if started_here:
            ray.shutdown()


def _lost_record(job: dict, reason: str) -> dict:
    log = _failed_log(job, [], "crashed", "WorkerDied", reason)
    return _record(job["episode"], log, time.perf_counter())
