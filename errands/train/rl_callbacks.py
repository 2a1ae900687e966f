"""What happens between PPO updates (an SB3 callback): the imitation anchor's steps, a
history row and TensorBoard's env steps per second after every update, and every
`checkpoint_every` env steps an exported checkpoint (validated when validation is on)
and the resumable PPO state."""

from __future__ import annotations

import os
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ..files import write_json_atomic
from .imitation_anchor import ImitationAnchor
from .ppo_model import export_checkpoint
from .rl_config import RLConfig
from .skill_evaluation import validate_checkpoint


def run_keeper(config: RLConfig, state: dict, progress: bool):
    """The SB3 callback that keeps a PPO run's records (`state`: history, validation,
    seconds) and its checkpoints in config.out."""
    from stable_baselines3.common.callbacks import BaseCallback
    from tqdm import tqdm

    out = Path(config.out)

    class RunKeeper(BaseCallback):
        """After every PPO update: the imitation anchor's steps (if any), a history row,
        TensorBoard's env steps/s, and every `checkpoint_every` steps an exported
        checkpoint and the resumable PPO state."""

        def _on_training_start(self) -> None:
            self.anchor = ImitationAnchor(config, self.model.policy.network) if config.anchor_data else None
            self.anchor_loss = None
            self.warming_up = False
            self.started = time.perf_counter()
            self.start_steps = self.model.num_timesteps
            self.next_checkpoint = (self.model.num_timesteps // config.checkpoint_every + 1) * config.checkpoint_every
            self.rollout_seconds = 0.0
            self.bar = tqdm(total=config.total_steps, initial=self.model.num_timesteps, unit="step", desc="ppo",
                            disable=not progress, leave=False)
            if config.validation_episodes and self.model.num_timesteps == 0:
                self._export()  # the starting network, validated as the first candidate

        def _on_rollout_start(self) -> None:
            if self.model.num_timesteps > self.start_steps:  # a PPO update has just ended
                self._after_update()
                if self.model.num_timesteps >= self.next_checkpoint:
                    self._checkpoint()
                    self.next_checkpoint += config.checkpoint_every
            self.rollout_started = time.perf_counter()

        def _on_rollout_end(self) -> None:
            self.rollout_seconds += time.perf_counter() - self.rollout_started
            # the update that follows trains the value head alone while the warm-up lasts
            self.warming_up = self.model.num_timesteps <= config.value_warmup_steps
            for parameter in self.model.policy.network.parameters():
                parameter.requires_grad_(not self.warming_up)

        def _on_step(self) -> bool:
            self.bar.update(self.training_env.num_envs)
            return True

        def _on_training_end(self) -> None:
            self.bar.close()
            self._after_update()
            self._checkpoint()

        def _after_update(self) -> None:
            if self.anchor is not None and not self.warming_up:
                self.anchor_loss = self.anchor.step(self.model.device)
                self.logger.record("train/anchor_bc_loss", self.anchor_loss)
            self._record()

        def _record(self) -> None:
            model = self.model
            elapsed = time.perf_counter() - self.started
            steps = model.num_timesteps - self.start_steps
            row = {"timesteps": int(model.num_timesteps),
                   "ep_reward": _mean(e["r"] for e in model.ep_info_buffer),
                   "ep_length": _mean(e["l"] for e in model.ep_info_buffer),
                   "success_rate": _mean(model.ep_success_buffer),
                   "steps_per_s": round(steps / max(elapsed, 1e-9), 1),
                   "rollout_steps_per_s": round(steps / max(self.rollout_seconds, 1e-9), 1),
                   "anchor_bc_loss": None if self.anchor_loss is None else round(self.anchor_loss, 4)}
            if state["history"] and state["history"][-1]["timesteps"] == row["timesteps"]:
                state["history"][-1] = row
            else:
                state["history"].append(row)
            self.logger.record("time/env_steps_per_s", row["steps_per_s"])
            self.logger.record("time/rollout_env_steps_per_s", row["rollout_steps_per_s"])
            state["seconds"] = state.get("seconds_before", 0.0) + elapsed
            if progress:
                self.bar.set_postfix(success=row["success_rate"], reward=row["ep_reward"], refresh=False)

        def _export(self) -> None:
            """The network as checkpoints/step-N, validated when validation is on."""
            model = self.model
            folder = out / "checkpoints" / f"step-{model.num_timesteps:07d}"
            export_checkpoint(model, folder, config, state)
            if config.validation_episodes and not any(v["timesteps"] == model.num_timesteps
                                                      for v in state["validation"]):
                state["validation"].append(validate_checkpoint(folder, config, model.num_timesteps))
                self.logger.record("eval/validation_success", state["validation"][-1]["success_rate"])

        def _checkpoint(self) -> None:
            """An exported checkpoint and the resumable PPO state."""
            self._export()
            model = self.model
            last = out / "checkpoints" / "last"
            last.mkdir(parents=True, exist_ok=True)
            tmp = last / "ppo.tmp.zip"
            model.save(tmp)
            os.replace(tmp, last / "ppo.zip")
            write_json_atomic(last / "state.json", {"config": asdict(config), "timesteps": int(model.num_timesteps),
                                                    "history": state["history"], "seconds": state["seconds"],
                                                    "validation": state["validation"]})

    return RunKeeper()


def _mean(values) -> float | None:
    values = [float(v) for v in values]
    return round(float(np.mean(values)), 4) if values else None
