"""One seed for every random generator an episode draws from: Python's, NumPy's global
one, the env's, and the planner's and policy's own (a `seed(int)` method, where they have
one). Evaluation workers and the live viewer seed an episode here, so that the same seed
plays the same episode wherever it runs."""

from __future__ import annotations

import random

import numpy as np
from gymnasium.utils import seeding


def seed_everything(seed: int, env, agent) -> None:
    """Seed the generators of an episode `agent` (its planner and policy) plays in `env`."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    env.unwrapped.np_random, _ = seeding.np_random(seed)
    for part in (agent.planner, agent.policy):
        if callable(getattr(part, "seed", None)):
            part.seed(seed)
