"""Episode loops written for one env, played N at a time over one HouseholdVectorEnv.

`Agent.run_episode(env, task)` is a loop over one env: reset, then step after step,
with the planner, the policy and the expert in between. `Lockstep.play(jobs, play)` runs
N such loops, `play(env, job)`, one per world of the batch, each in a thread of its own;
the threads take turns (one holds the baton at a time, in world order, so a run does not
depend on the thread scheduler), and a loop's env is a `WorldSlot`: its `step` hands the
action over and waits. When every loop still playing waits on a step, the batch steps
all their worlds at once (the worlds between episodes sit the step out) and each loop
goes on with its own world's result. A loop that raises ends its job with the error and
the others go on; its world gets the next job.

A WorldSlot is what the loop would get from HouseholdEnv: the same observation and info
(the batch runs with full_info, and the differential test of HouseholdVectorEnv holds
them equal), `world`, `task`, `max_steps`, `max_failures`, the spaces. So episodes
played this way are the scalar env's episodes, step for step.
"""

from __future__ import annotations

import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode

from ..envs.household_vector_env import SIT_OUT, HouseholdVectorEnv


class WorldSlot(gym.Env):
    """World i of the batch as one env, for one loop at a time."""

    def __init__(self, lockstep: Lockstep, index: int):
        self._lockstep, self.index = lockstep, index
        batch = lockstep.batch
        self.observation_space, self.action_space = batch.single_observation_space, batch.single_action_space
        self.max_steps, self.max_failures = batch.max_steps, batch.max_failures
        self.metadata = {"render_modes": [], "render_fps": 4}
        self._go = threading.Semaphore(0)  # the baton, given to this slot's thread
        self._action = None
        self._result = None
        self.waiting = False  # on a step of the batch

    @property
    def world(self):
        return self._lockstep.batch.world(self.index)

    @property
    def task(self):
        return self._lockstep.batch.tasks[self.index]

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        """A new episode in this world alone (the others stand as they are)."""
        batch = self._lockstep.batch
        mask = np.zeros(batch.num_envs, bool)
        mask[self.index] = True
        seeds = [None] * batch.num_envs
        seeds[self.index] = seed
        obs, info = batch.reset(seed=seeds, options={**(options or {}), "reset_mask": mask})
        return _single_obs(obs, self.index), _single_info(info, self.index)

    def step(self, action):
        self._action, self.waiting = action, True
        self._lockstep._handover(self)
        return self._result


class Lockstep:
    """N loops over one batch of N household worlds (keyword arguments: HouseholdVectorEnv's)."""

    def __init__(self, num_envs: int, **env_kwargs):
        self.batch = HouseholdVectorEnv(num_envs=num_envs, full_info=True, autoreset_mode=AutoresetMode.DISABLED,
                                        **env_kwargs)
        self.batch.reset(seed=0)  # every world in place (each loop resets its own for its episodes)
        self.slots = [WorldSlot(self, i) for i in range(num_envs)]
        self._back = threading.Semaphore(0)  # the baton, given back to the stepping thread

    def play(self, jobs: Iterable, play: Callable) -> Iterator[tuple[object, object, str | None]]:
        """(job, play(slot, job) or the exception it raised, its traceback or None) for
        every job, as each ends; jobs go to the free worlds in order."""
        pending = deque(jobs)
        running: dict[int, dict] = {}  # slot index -> the job's record
        while pending or running:
            for slot in self.slots:
                if slot.index not in running and pending:
                    running[slot.index] = self._start(slot, pending.popleft(), play)
            for index in sorted(running):  # each loop runs until it asks for a step or ends
                slot, record = self.slots[index], running[index]
                if not slot.waiting:
                    slot._go.release()
                    self._back.acquire()
            for index in sorted(running):
                record = running[index]
                if record["done"]:
                    del running[index]
                    record["thread"].join()
                    yield record["job"], record["outcome"], record["trace"]
            waiting = [slot for slot in self.slots if slot.waiting]
            if waiting:
                self._step(waiting)

    def _start(self, slot: WorldSlot, job, play: Callable) -> dict:
        record = {"job": job, "done": False, "outcome": None, "trace": None}

        def run() -> None:
            slot._go.acquire()
            try:
                record["outcome"] = play(slot, job)
            except Exception as e:  # noqa: BLE001 - one bad episode is recorded, not fatal
                record["outcome"], record["trace"] = e, traceback.format_exc(limit=-4)
            finally:
                record["done"] = True
                slot.waiting = False
                self._back.release()

        record["thread"] = threading.Thread(target=run, name=f"world-{slot.index}", daemon=True)
        record["thread"].start()
        return record

    def _handover(self, slot: WorldSlot) -> None:
        """From a loop's thread: give the baton back and wait for the step's result."""
        self._back.release()
        slot._go.acquire()

    def _step(self, waiting: list[WorldSlot]) -> None:
        """One step of the batch for the waiting loops; then each runs on to its next
        step (or its end), one after another."""
        actions = [SIT_OUT] * self.batch.num_envs
        for slot in waiting:
            actions[slot.index] = slot._action
        obs, rewards, terminated, truncated, info = self.batch.step(actions)
        for slot in waiting:
            i = slot.index
            slot._result = (_single_obs(obs, i), float(rewards[i]), bool(terminated[i]), bool(truncated[i]),
                            _single_info(info, i))
            slot.waiting = False


def _single_obs(obs: dict, i: int) -> dict:
    """World i's observation as HouseholdEnv gives it."""
    single = {}
    for key, value in obs.items():
        if key == "held":
            single[key] = int(value[i])
        elif isinstance(value, np.ndarray):
            single[key] = value[i].copy()
        else:  # the instructions, a tuple of strings
            single[key] = value[i]
    return single


def _single_info(info: dict, i: int) -> dict:
    """World i's info as HouseholdEnv gives it (numbers as Python numbers)."""
    return {key: value[i].item() if isinstance(value[i], np.generic) else value[i]
            for key, value in info.items() if not key.startswith("_")}
