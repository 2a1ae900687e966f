"""A pool of episode starts built ahead, for batches of household worlds whose resets must
cost a few array copies: `HouseholdVectorEnv(start_pool=P)`.

Slot k of a pool built for seed s holds the start of the task `HouseholdEnv` samples on
reset(seed=s + k) (its task, its World as built and never played, and every per-world
array of the batch as the batch's own reset writes it: map layers, floor, pose, goal
conditions, ids, instruction, the refusal tables' rows). The pool is built by a batch of
P worlds given those tasks and reset, so a slot's arrays are what that batch's reset
wrote, by the same code.

A world that starts from slot k copies the slot's arrays (one fancy-indexed assignment
per array for all the worlds starting at once) and gets its World only when something
needs it (an interaction the batch cannot refuse, full info, the camera), as a copy of
the slot's World.

The pool stays until a reset with another seed builds it again (reset(seed=None) keeps
it, and the first builds it from a random seed); a world reset with its own seed
(seed=list) samples that seed's task as without a pool. Its tasks are the P of the pool,
not a fresh sample each episode, unless pool_refresh=R > 0: then every R starts drawn
from the pool rebuild its oldest slot with the task of the next seed (s + P, s + P + 1,
...), so the tasks turn over at the cost of one scalar build per R episodes (a seeded
reset of a refreshed pool builds it again, so the same seed still gives the same
episodes).
"""

from __future__ import annotations

import numpy as np
from gymnasium.utils import seeding

from .tasks.sampler import TaskSampler

# The batch's per-world arrays a start sets (HouseholdVectorEnv attributes).
START_FIELDS = ("_layers", "_floor", "_row", "_col", "_heading", "_horizon", "_held", "_held_ids", "_met", "_total",
                "_gc", "_gc_version", "_reads_view", "_view_matters", "_task_ids", "_task_types", "_scenes",
                "_scene_ints", "_scene_is_int", "_instructions", "_sight", "_type_bits", "tasks", "_templates")


def sampled_tasks(sampler: TaskSampler, seed: int, count: int) -> list:
    """The tasks HouseholdEnv samples on reset(seed=seed + k), k = 0..count-1."""
    return [sampler.sample(seeding.np_random(seed + k)[0]) for k in range(count)]


class StartPool:
    """P starts by slot, as arrays of the batch's fields (START_FIELDS), taken from a
    batch of P worlds just reset on the pool's tasks (`batch`); its Worlds become the
    slots' templates. With `refresh` R > 0, every R starts drawn from the pool call for
    its oldest slot to be rebuilt with the next seed's task (seed + P, seed + P + 1, ...),
    so that the tasks played turn over while a start still costs array copies."""

    def __init__(self, batch, seed: int, refresh: int = 0):
        self.seed = seed
        self.size = batch.num_envs
        self.refresh = refresh
        self.seeds = seed + np.arange(self.size, dtype=np.int64)  # the seed whose sampled task each slot holds
        self.next_seed = seed + self.size
        self.refreshed = 0  # slots rebuilt so far; the next one is slot refreshed mod size, the oldest
        self._starts_due = 0  # starts counted towards the next rebuild
        self.fields = _slot_fields(batch)

    def fit(self, tall: int, wide: int) -> None:
        """Pad the layers and floor to a batch grown to (tall, wide) padded cells."""
        for name in ("_layers", "_floor"):
            old = self.fields[name]
            if old.shape[1:3] != (tall, wide):
                new = np.zeros((old.shape[0], tall, wide) + old.shape[3:], old.dtype)
                new[:, :old.shape[1], :old.shape[2]] = old
                self.fields[name] = new

    def start(self, batch, indices: np.ndarray, slots: np.ndarray) -> int:
        """Worlds `indices` of `batch` start from these slots: every field copied, their
        Worlds to be made from the slots' templates when needed. Returns how many slots
        are due to be rebuilt now (`replace`)."""
        for name, array in self.fields.items():
            _rows(getattr(batch, name))[indices] = _rows(array)[slots]
        batch._worlds[indices] = None
        if not self.refresh:
            return 0
        self._starts_due += len(indices)
        due, self._starts_due = divmod(self._starts_due, self.refresh)
        return min(due, self.size)

    def replace(self, batch) -> None:
        """The oldest slots take the starts of `batch`, a batch just reset on the tasks
        of seeds next_seed, next_seed + 1, ... (one per world), padded to the pool's size.
        (The templates keep views of the batch's map layers, which a later reset of it
        overwrites; nothing reads a template's layers: a world copied from it gets its own.)"""
        count = batch.num_envs
        slots = (self.refreshed + np.arange(count)) % self.size
        for name, new in _slot_fields(batch).items():
            array = self.fields[name]
            if name in ("_layers", "_floor"):
                array[slots] = 0
                array[slots, :new.shape[1], :new.shape[2]] = new
            else:
                array[slots] = new
        self.seeds[slots] = self.next_seed + np.arange(count)
        self.next_seed += count
        self.refreshed += count


def _rows(array: np.ndarray) -> np.ndarray:
    """`array` as one row per world (a view): NumPy copies rows of a 2-D array many
    times faster than blocks of a 3-D or 4-D one, and 8-byte words faster than bytes."""
    if array.ndim == 1:
        return array
    rows = array.reshape(array.shape[0], -1)
    if rows.dtype != object and (rows.shape[1] * rows.itemsize) % 8 == 0:
        rows = rows.view(np.uint64)
    return rows


def _slot_fields(batch) -> dict[str, np.ndarray]:
    """The start of each world of `batch` (just reset, never played), by field; its
    Worlds kept as the templates later episodes copy."""
    batch._templates[:] = batch._worlds
    return {name: getattr(batch, name) for name in START_FIELDS}
