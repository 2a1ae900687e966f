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
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_call, args=(queue, fn, args))
    proc.start()
    status, value = queue.get()
    proc.join()
    if status != "ok":
        raise RuntimeError(f"child {fn.__name__}{args} failed:\n{value}")
    return value
