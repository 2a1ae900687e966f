"""Policies for BabyAI levels, and the loop that plays one episode into an EpisodeLog.

A BabyAI episode has no planner and no skills: the mission is the whole instruction, so a
policy here maps (observation, info) to one of minigrid's seven actions and keeps its
own memory over the episode. Two policies:

- `BabyAIBotPolicy`: minigrid's BabyAI bot (`minigrid.utils.baby_ai_bot.BabyAIBot`), the
  expert that demonstrations come from and whose episode length is L* for PLW.
- `LearnedBabyAIPolicy`: a checkpoint of the errands skill network trained on BabyAI
  demonstrations (`errands train bc` on an `errands collect --level ...` dataset); its
  GRU state runs over the episode and it takes the most likely action.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from ..envs.babyai import BabyAIEnv
from ..episode_log import EpisodeLog
from .features import babyai_features

BOT_NAME = "babyai-bot"


class BabyAIBotPolicy:
    """The BabyAI bot: it reads the level's true state and plans from the mission."""

    name = BOT_NAME

    def reset(self, env) -> None:
        from minigrid.utils.baby_ai_bot import BabyAIBot

        self.bot = BabyAIBot(env.unwrapped.minigrid)

    def act(self, observation: dict, info: dict) -> int:
        return int(self.bot.replan())


class LearnedBabyAIPolicy:
    """A network trained on BabyAI demonstrations, acting greedily with its memory."""

    def __init__(self, checkpoint: str | Path, device: str = "cpu"):
        import torch

        from .features import Vocabulary
        from .network import load_checkpoint

        self.checkpoint = Path(checkpoint)
        self.model, self.checkpoint_config = load_checkpoint(self.checkpoint, device, expect_backend="babyai")
        self.vocabulary = Vocabulary(self.model.config.vocabulary)
        self.device = device
        self.name = str(checkpoint)
        self._torch = torch

    def reset(self, env) -> None:
        self._state = None
        self._text = None

    def act(self, observation: dict, info: dict) -> int:
        torch = self._torch
        if self._text is None:  # the mission does not change within an episode
            self._text = torch.tensor([self.vocabulary.encode(observation["instruction"])], device=self.device)
        grid, extras = babyai_features(observation)
        with torch.no_grad():
            logits, _, self._state = self.model(torch.as_tensor(grid, device=self.device)[None, None],
                                                torch.as_tensor(extras, device=self.device)[None, None],
                                                self._text, self._state)
        return int(logits[0, -1].argmax())


def run_episode(env: BabyAIEnv, policy, seed: int, expert_length: int | None = None,
                on_step: Callable[[dict, int], None] | None = None) -> EpisodeLog:
    """Play the level's episode of `seed` with `policy` to its end. `on_step(observation,
    action)` sees every observation with the action chosen there (to record it)."""
    started = time.perf_counter()
    env = env.unwrapped
    observation, info = env.reset(seed=seed)
    policy.reset(env)
    mission = observation["instruction"]
    steps, terminated, truncated = [], False, False
    while not (terminated or truncated):
        action = policy.act(observation, info)
        if on_step is not None:
            on_step(observation, action)
        observation, _, terminated, truncated, info = env.step(action)
        # minigrid does not report failed actions: every step counts as carried out
        steps.append({"t": len(steps), "action": env.actions[action], "success": True, "error": "",
                      "skill": mission, "skill_index": 0, "goal_conditions": [int(info["success"]), 1]})
    success = bool(info["success"])
    category, reason = None, ""
    if not success and truncated:
        category, reason = "max_steps", f"the level's limit of {info['max_steps']} steps ran out"
    elif not success:
        category, reason = "interaction_failure", ("the level ended the episode as failed: its verifier saw an "
                                                   "action against the mission (a wrong object picked up or moved)")
    task = {"backend": "babyai", "level": env.level, "seed": int(seed), "instruction": mission,
            "goal": {"task_type": env.level}}
    return EpisodeLog(task=task, instruction=mission, planner="none", policy=policy.name, steps=steps,
                      goal_conditions=(int(success), 1), success=success, failure_category=category,
                      failure_reason=reason, expert_length=expert_length,
                      wall_time_s=round(time.perf_counter() - started, 4))


def bot_episode_length(env: BabyAIEnv, seed: int) -> int | None:
    """L*: the bot's number of actions on the episode of `seed`; None if it fails."""
    log = run_episode(env, BabyAIBotPolicy(), seed)
    return log.num_steps if log.success else None


def record_demonstration(env: BabyAIEnv, seed: int) -> tuple[list[dict], EpisodeLog]:
    """The bot's episode of `seed` as dataset rows (one segment: the mission), and its log.
    Rows lack the episode, task_id and task_type columns, which the collector adds."""
    rows: list[dict] = []

    def record(observation: dict, action: int) -> None:
        grid, extras = babyai_features(observation)
        rows.append({"segment": 0, "skill": observation["instruction"], "step": len(rows), "grid": grid.tobytes(),
                     "extras": extras.tolist(), "action": action, "target": 0})

    log = run_episode(env, BabyAIBotPolicy(), seed, on_step=record)
    return rows, log
