"""Run a suite: every episode played as its env id says (eval/players.py: a household
suite by a planner and a skill policy, a BabyAI level by a policy alone; by name, so that
any planner or policy registered in errands.planners / errands.policies plugs in), in
this process, in local worker processes, or on Ray.

A run folder holds `config.json` (the suite reference and the run's EvalConfig),
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
from ..options import default_of
from ..protocols import DEFAULT_PROTOCOL
from . import players
from .config import AGENT_KEYS, EvalConfig
from .episode_job import chunk_jobs, make_job
from .suites import Suite

EPISODES_FILE, CONFIG_FILE, SUMMARY_FILE = "episodes.jsonl", "config.json", "summary.json"
# What must match for a run folder to be resumed.
RESUME_KEYS = ("suite_hash", *AGENT_KEYS)


@dataclass
class RunStats:
    backend: str
    workers: int
    chunk_size: int = default_of(EvalConfig, "chunk_size")
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


def run_evaluation(suite: Suite, out_dir: str | Path, config: EvalConfig | None = None, *, progress: bool = True,
                   overwrite: bool = False, write_reports: bool = True, **options) -> dict:
    """Play the suite's unfinished episodes, then write the summary and the reports.
    `config` (an EvalConfig), or its options by name (`workers=0, timeout_s=60`, ...),
    says who plays and how: `workers=0` plays them in this process (handy under a
    debugger); `chunk_size` > 1 sends a worker that many episodes of one scene at once
    (fewer scene builds and messages: faster for fast agents; their lines are written
    when the chunk ends); `env_options` go to the household env
    (`{"visibility": "camera", "resolution": 64}`: the world sees through the agent's
    camera; L* stays the suite's). The suite's env id says how an episode is played
    (eval/players.py). Returns the summary."""
    if config is not None and options:
        raise ValueError("run_evaluation takes an EvalConfig or its options, not both")
    config = players.resolve(suite, config if config is not None else EvalConfig.from_dict(options))
    players.check(suite, config)
    env_id = players.suite_env_id(suite)
    out = Path(out_dir)
    run_config = {"suite": suite.reference(), "suite_hash": suite.hash, **config.to_dict(),
                  "errands_version": __version__}
    prepare_run_folder(out, run_config, overwrite)
    episodes_path = out / EPISODES_FILE
    finished = {r["episode_id"] for r in read_records(episodes_path)}
    todo = [e for e in suite.episodes if e.id not in finished]
    jobs = [make_job(e, env_id, config) for e in todo]
    stats = RunStats(backend="inline" if config.workers == 0 else config.backend, workers=config.workers,
                     chunk_size=config.chunk_size, already_done=len(suite.episodes) - len(todo))
    if jobs:
        _play(jobs, episodes_path, stats, config.ray_address, progress, suite.name)
    return finish_run(out, suite, run_config, stats, write_reports)


def finish_run(out: Path, suite: Suite, config: dict, stats: RunStats, write_reports: bool) -> dict:
    """The summary of every record in the run folder, written with the reports."""
    from .report import summarize, write_reports as write_report_files

    records = read_records(out / EPISODES_FILE)
    summary = summarize(suite, records, config, stats.to_dict())
    write_json_atomic(out / SUMMARY_FILE, summary)
    if write_reports:
        write_report_files(out, summary, records)
    return summary


def prepare_run_folder(out: Path, config: dict, overwrite: bool) -> None:
    """Write the run's config into `out`: a folder that holds a run with other settings
    (RESUME_KEYS) is refused unless `overwrite`, which deletes its results."""
    config_path = out / CONFIG_FILE
    if config_path.is_file() and not overwrite:
        try:
            old = json.loads(config_path.read_text())
        except json.JSONDecodeError:
            old = {}
        old.setdefault("protocol", DEFAULT_PROTOCOL)  # runs from before protocols were privileged ones
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
    """In this process, in the suite's order, each record as soon as its episode ends."""
    t0 = time.perf_counter()
    players.warm_up(jobs[0])
    stats.backend_start_s = time.perf_counter() - t0
    stats.start_clock = time.perf_counter()
    for record in players.play(jobs):
        yield [record]


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
                                   initializer=set_worker_environment,
                                   initargs=(thread_share(max(1, (os.cpu_count() or 1) // stats.workers)),))
        try:
            if first:
                _warm_pool(lambda n: [f.result() for f in [pool.submit(players.warm_up, jobs[0]) for _ in range(n)]],
                           stats.workers)
                stats.backend_start_s = time.perf_counter() - t0
                stats.start_clock = time.perf_counter()
                first = False
            futures = {pool.submit(players.run_jobs, chunk): chunk for chunk in pending}
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
                            yield [players.lost_record(job, f"the worker process died: {e}")]
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def thread_share(threads: int) -> dict[str, str]:
    """The environment that gives a worker's local LLM and torch (a learned policy's
    network; it reads OMP_NUM_THREADS when imported) `threads` threads, where the user
    has not chosen: otherwise each worker would run a thread per core of the machine."""
    from ..planners.llm_backends import THREADS_ENV

    return {name: os.environ.get(name, str(threads)) for name in (THREADS_ENV, "OMP_NUM_THREADS")}


def set_worker_environment(values: dict[str, str]) -> None:
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
        remote_jobs = ray.remote(num_cpus=1, max_retries=1, runtime_env=worker_env)(players.run_jobs)
        remote_warm = ray.remote(num_cpus=1, runtime_env=worker_env)(players.warm_up)
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
                yield [players.lost_record(job, reason) for job in refs[ready[0]]]
    finally:
        if started_here:
            ray.shutdown()

