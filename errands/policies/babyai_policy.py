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

import numpy as np

from ..envs.babyai import BabyAIEnv
from ..episode_log import EpisodeLog
from .features import babyai_features

BOT_NAME = "babyai-bot"


class BabyAIBotPolicy:
    """The BabyAI bot: it reads the level's true state and plans from the mission."""

    name = BOT_NAME
    needs_world = True  # the level's true state

    def reset(self, env) -> None:
        from minigrid.utils.baby_ai_bot import BabyAIBot

        self.bot = BabyAIBot(env.unwrapped.minigrid)

    def act(self, observation: dict, info: dict) -> int:
        return int(self.bot.replan())


class LearnedBabyAIPolicy:
    """A network trained on BabyAI demonstrations, acting greedily with its memory."""

    needs_world = False

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
        self._state = self.model.initial_state(1)
        self._words = None

    def act(self, observation: dict, info: dict) -> int:
        if self._words is None:  # the mission does not change within an episode
            self._words = self.vocabulary.encode(observation["instruction"])
        actions, self._state = self.act_batch([observation], [self._words], self._state)
        return actions[0]

    def act_batch(self, observations: list[dict], words: list[list[int]], state):
        """The greedy actions of several episodes at once, from their observations, their
        missions' word ids and their memories (1, B, hidden); with the new memories."""
        torch = self._torch
        features = [babyai_features(o) for o in observations]
        grid = torch.as_tensor(np.stack([g for g, _ in features]), device=self.device)[:, None]
        extras = torch.as_tensor(np.stack([e for _, e in features]), device=self.device)[:, None]
        text = torch.zeros(len(words), max(map(len, words)), dtype=torch.long)
        for row, ids in enumerate(words):
            text[row, :len(ids)] = torch.tensor(ids)
        with torch.no_grad():
            logits, _, state = self.model(grid, extras, text.to(self.device), state)
        return logits[:, -1].argmax(1).tolist(), state


def play_batched(level: str, policy: LearnedBabyAIPolicy, seeds, batch_size: int = 64,
                 timeout_s: float | None = None):
    """Play the episodes of `seeds` with a learned policy, up to `batch_size` in lockstep
    with one forward pass a step; a slot whose episode ends takes the next seed. Yields
    (seed, EpisodeLog), or (seed, the exception that ended it: a TimeoutError past
    `timeout_s` seconds of the episode's wall time), as episodes end. Each episode's actions
    are the ones `run_episode` gives: the network sees only that episode's inputs."""
    pending = list(seeds)[::-1]  # pop() takes the next seed
    slots = min(batch_size, len(pending))
    envs = [BabyAIEnv(level).unwrapped for _ in range(slots)]
    running: dict[int, EpisodeInProgress] = {}
    words: dict[int, list[int]] = {}
    state = policy.model.initial_state(slots)
    while pending or running:
        for slot in range(slots):
            while slot not in running and pending:
                seed = pending.pop()
                try:
                    running[slot] = EpisodeInProgress(envs[slot], seed)
                except Exception as e:  # noqa: BLE001 - that episode's failure, not the run's
                    yield seed, e
                    continue
                words[slot] = policy.vocabulary.encode(running[slot].mission)
                state[:, slot] = 0.0
        active = sorted(running)
        if not active:
            break
        actions, state[:, active] = policy.act_batch([running[s].observation for s in active],
                                                     [words[s] for s in active], state[:, active])
        for slot, action in zip(active, actions):
            episode = running[slot]
            try:
                episode.step(action)
            except Exception as e:  # noqa: BLE001
                del running[slot]
                yield episode.seed, e
                continue
            if episode.ended:
                del running[slot]
                yield episode.seed, episode.log(policy.name, None)
            elif timeout_s is not None and time.perf_counter() - episode.started > timeout_s:
                del running[slot]
                yield episode.seed, TimeoutError(f"the episode ran past its time limit of {timeout_s} s")


def run_episode(env: BabyAIEnv, policy, seed: int, expert_length: int | None = None,
                on_step: Callable[[dict, int], None] | None = None) -> EpisodeLog:
    """Play the level's episode of `seed` with `policy` to its end. `on_step(observation,
    action)` sees every observation with the action chosen there (to record it)."""
    env = env.unwrapped
    episode = EpisodeInProgress(env, seed)
    policy.reset(env)
    while not episode.ended:
        action = policy.act(episode.observation, episode.info)
        if on_step is not None:
            on_step(episode.observation, action)
        episode.step(action)
    return episode.log(policy.name, expert_length)


class EpisodeInProgress:
    """One BabyAI episode being played: its env (reset to `seed`), the steps so far, and
    its EpisodeLog once it has ended."""

    def __init__(self, env: BabyAIEnv, seed: int):
        self.env, self.seed, self.started = env, int(seed), time.perf_counter()
        self.observation, self.info = env.reset(seed=seed)
        self.mission = self.observation["instruction"]
        self.steps: list[dict] = []
        self.ended = False

    def step(self, action: int) -> None:
        self.observation, _, terminated, truncated, self.info = self.env.step(action)
        # minigrid does not report failed actions: every step counts as carried out
        self.steps.append({"t": len(self.steps), "action": self.env.actions[action], "success": True, "error": "",
                           "skill": self.mission, "skill_index": 0,
                           "goal_conditions": [int(self.info["success"]), 1]})
        self.ended, self.truncated = terminated or truncated, truncated

    def log(self, policy_name: str, expert_length: int | None) -> EpisodeLog:
        success = bool(self.info["success"])
        category, reason = None, ""
        if not success and self.truncated:
            category, reason = "max_steps", f"the level's limit of {self.info['max_steps']} steps ran out"
        elif not success:
            category, reason = "interaction_failure", ("the level ended the episode as failed: its verifier saw an "
                                                       "action against the mission (a wrong object picked up or "
                                                       "moved)")
        task = {"backend": "babyai", "level": self.env.level, "seed": self.seed, "instruction": self.mission,
                "goal": {"task_type": self.env.level}}
        return EpisodeLog(task=task, instruction=self.mission, planner="none", policy=policy_name, steps=self.steps,
                          goal_conditions=(int(success), 1), success=success, failure_category=category,
                          failure_reason=reason, expert_length=expert_length,
                          wall_time_s=round(time.perf_counter() - self.started, 4))


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
