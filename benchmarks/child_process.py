"""Run a benchmark measurement in a fresh spawned process, so that measurements share
no caches, imports or heap; the result (picklable) comes back through a queue."""

from __future__ import annotations

import multiprocessing as mp
import traceback


def _call(queue, fn, args: tuple) -> None:
    try:
        queue.put(("ok", fn(*args)))
    except BaseException:  # noqa: BLE001 - report anything back to the parent
        queue.put(("error", traceback.format_exc()))


def run_in_child(fn, *args):
    """fn(*args) in its own spawned process; a failure there is raised here with its traceback."""
    return run_in_children([(fn, args)])[0]


def run_in_children(calls: list[tuple]) -> list:
    """Each (fn, args) of `calls` in its own spawned process, all at once; their results in
    order. A failure in any is raised here with its traceback."""
    ctx = mp.get_context("spawn")
    started = []
    for fn, args in calls:
        queue = ctx.Queue()
        proc = ctx.Process(target=_call, args=(queue, fn, args))
        proc.start()
        started.append((fn, args, queue, proc))
    results = []
    for fn, args, queue, proc in started:
        status, value = queue.get()
        proc.join()
        if status != "ok":
            raise RuntimeError(f"child {fn.__name__}{args} failed:\n{value}")
        results.append(value)
    return results
