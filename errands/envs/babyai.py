"""BabyAI levels (minigrid) behind the errands contract.

`gymnasium.make("errands/BabyAI-GoToLocal-v0")` plays minigrid's `BabyAI-GoToLocal-v0`:
the same seed gives the same episode as minigrid's own env. What changes is the surface,
so that the errands policies, datasets and reports read it like the household:

- observation: `instruction` (the mission text), `view` (minigrid's 7x7x3 egocentric
  image of object, colour and state indices, indexed [x, y] as minigrid gives it; the
  agent stands at the bottom centre facing up) and `direction` (0-3);
- actions: minigrid's seven (`left, right, forward, pickup, drop, toggle, done`), by
  index or by name;
- info: `success`, `steps`, `max_steps`, the level and its mission.

Level generation prints "Sampling rejected: ..." to stdout while it redraws a level;
`reset` swallows what generation prints. minigrid is an optional extra
(`pip install 'errands[babyai]'`) imported on first use.

Seeds: training data uses `training_seed(seed, i)` (below 10^9), evaluation starts at
`EVAL_SEED_START` = 10^9, as BabyAI's own scripts do, so the two never meet.
"""

from __future__ import annotations

import contextlib
import io
import string

import gymnasium as gym
import numpy as np
from gymnasium import spaces

# The 19 levels of the BabyAI 1.0 paper (Chevalier-Boisvert et al., 2019).
LEVELS = ("GoToObj", "GoToRedBallGrey", "GoToRedBall", "GoToLocal", "PutNextLocal", "PickupLoc", "GoToObjMaze",
          "GoTo", "Pickup", "UnblockPickup", "Open", "Unlock", "PutNext", "Synth", "SynthLoc", "GoToSeq",
          "SynthSeq", "GoToImpUnlock", "BossLevel")
# The paper's PutNext is not registered under that name by minigrid, which has it only by
# size (PutNextS4N1 .. PutNextS7N4): errands plays the largest, rooms of 7 with 4 objects.
MINIGRID_IDS = {"PutNext": "BabyAI-PutNextS7N4-v0"}
INSTALL_HINT = "pip install 'errands[babyai]' (or pip install minigrid)"
MAX_MISSION_LENGTH = 512
MISSION_CHARSET = string.ascii_lowercase + string.digits + " ,"
VIEW_SIZE = 7
TRAIN_SEEDS_PER_COLLECTION = 10**7  # collection seed s uses env seeds s * 10^7 + i
EVAL_SEED_START = 10**9


def env_id(level: str) -> str:
    return f"errands/BabyAI-{check_level(level)}-v0"


def check_level(level: str) -> str:
    """The level's name, or a ValueError listing the known ones."""
    if level not in LEVELS:
        raise ValueError(f"unknown BabyAI level {level!r}: expected one of {', '.join(LEVELS)}")
    return level


def require_minigrid() -> None:
    try:
        import minigrid  # noqa: F401  (registers the BabyAI-* ids)
    except ImportError:
        raise ValueError(f"the BabyAI backend needs minigrid: {INSTALL_HINT}") from None


def action_names() -> tuple[str, ...]:
    require_minigrid()
    from minigrid.core.actions import Actions

    return tuple(a.name for a in Actions)


def training_seed(seed: int, index: int) -> int:
    """The env seed of episode `index` of a collection made with `seed`."""
    if not 0 <= index < TRAIN_SEEDS_PER_COLLECTION:
        raise ValueError(f"episode index {index} is outside 0..{TRAIN_SEEDS_PER_COLLECTION - 1}")
    env_seed = seed * TRAIN_SEEDS_PER_COLLECTION + index
    if not 0 <= env_seed < EVAL_SEED_START:
        raise ValueError(f"collection seed {seed} is outside 0..{EVAL_SEED_START // TRAIN_SEEDS_PER_COLLECTION - 1}:"
                         f" training seeds must stay below the evaluation seeds ({EVAL_SEED_START} on)")
    return env_seed


@contextlib.contextmanager
def quiet_level_generation():
    """Swallow what minigrid's level generation prints ("Sampling rejected: ...")."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


class BabyAIEnv(gym.Env):
    """One BabyAI level with the errands observation and info."""

    metadata = {"render_modes": ["rgb_array"], "render_fps": 10}

    def __init__(self, level: str = "GoToLocal", render_mode: str | None = None):
        self.level = check_level(level)
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        require_minigrid()
        self.render_mode = render_mode
        # The bare minigrid env (no wrappers): the bot reads its state directly.
        self.minigrid = gym.make(MINIGRID_IDS.get(level, f"BabyAI-{level}-v0"), render_mode=render_mode).unwrapped
        self.actions = action_names()
        self.observation_space = spaces.Dict({
            "instruction": spaces.Text(MAX_MISSION_LENGTH, min_length=1, charset=MISSION_CHARSET),
            "view": spaces.Box(0, 255, (VIEW_SIZE, VIEW_SIZE, 3), dtype=np.uint8),
            "direction": spaces.Discrete(4),
        })
        self.action_space = spaces.Discrete(len(self.actions))
        self.success = False

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        with quiet_level_generation():
            obs, _ = self.minigrid.reset(seed=seed, options=options)
        self.success = False
        return self._observation(obs), self._info()

    def step(self, action):
        index = self.action_index(action)
        obs, reward, terminated, truncated, _ = self.minigrid.step(index)
        self.success = self.success or (terminated and reward > 0)
        return self._observation(obs), float(reward), bool(terminated), bool(truncated), self._info()

    def action_index(self, action) -> int:
        """An action index (int or numpy integer) or name ('forward') as an index."""
        if isinstance(action, str):
            if action not in self.actions:
                raise ValueError(f"unknown BabyAI action {action!r}: expected one of {', '.join(self.actions)}")
            return self.actions.index(action)
        if isinstance(action, (int, np.integer)) and 0 <= int(action) < len(self.actions):
            return int(action)
        raise ValueError(f"BabyAI action {action!r} is not an index 0..{len(self.actions) - 1} nor one of "
                         f"{', '.join(self.actions)}")

    def render(self):
        if self.render_mode == "rgb_array":
            return self.minigrid.render()
        return None

    def close(self):
        self.minigrid.close()

    @property
    def mission(self) -> str:
        return self.minigrid.mission

    def _observation(self, obs: dict) -> dict:
        return {"instruction": obs["mission"], "view": obs["image"], "direction": int(obs["direction"])}

    def _info(self) -> dict:
        return {"level": self.level, "mission": self.minigrid.mission, "success": self.success,
                "steps": int(self.minigrid.step_count), "max_steps": int(self.minigrid.max_steps)}
