"""RL fine-tuning: PPO (stable-baselines3) on the skill env, from imitation or from scratch.
This module is the run (resume, train, export); the settings are rl_config.py, the PPO
model and its envs ppo_model.py, what happens between updates rl_callbacks.py, the
imitation anchor imitation_anchor.py, validation and evaluation skill_evaluation.py.

The policy is the imitation network itself (sb3_policy.py), with its memory: SB3's PPO is
not recurrent, so the GRU state travels in the observation (MemoryVecEnv) and the rollout
buffer keeps the memory each action was taken with. `init` loads an imitation checkpoint's
weights into it (the value head starts fresh); without it the network starts from
PyTorch's default initialisation, as imitation does, with the interactions made less
likely so that the first episodes are random walks.

The network is shared by every skill, so `anchor_data` (demonstrations) keeps the skills
PPO does not train: after each PPO update, a few behaviour-cloning minibatches on their
segments, with memory, as imitation trains them (ImitationAnchor).

A run folder holds:
- `model.safetensors` + `config.json`: the fine-tuned policy as an ordinary errands
  checkpoint (what `--policy` takes), played with its memory as imitation's are;
- `checkpoints/step-NNNNNNN/`: the same, every `checkpoint_every` env steps;
- `checkpoints/last/ppo.zip` + `state.json`: SB3's own save of the whole PPO state, to
  resume from. SB3 writes it with pickle, so it is for resuming this run only: never load
  one from elsewhere. What leaves the run folder is the safetensors checkpoint;
- `tensorboard/`: SB3's training curves (rollout/ep_rew_mean, rollout/success_rate,
  train/*), the anchor's loss and the env steps per second. Progress: a tqdm bar.

Validation (`validation_episodes` > 0): the starting network and every checkpoint play the
same held-out skill episodes of every skill on the training split (seeds VALIDATION_SEED +
i, greedy, as the Agent plays them), and the exported policy is the checkpoint that solved
the most of them, the earliest on a tie; the starting network counts, so fine-tuning that
never beats it on validation exports it unchanged. PPO's returns are noisy and a network
near the ceiling loses more by drifting than it can gain, so the last step is not always
the best.

Rerunning the same command resumes from `checkpoints/last`.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from .ppo_model import build_ppo, export_checkpoint, load_ppo, make_vec_env
from .rl_callbacks import run_keeper
from .rl_config import RLConfig

RESUME_FREE = ("total_steps", "checkpoint_every", "device", "threads", "vec_env")  # may change on resume


def train_rl(config: RLConfig, progress: bool = True) -> Path:
    """Train into config.out (resuming from its checkpoints/last); return the run folder,
    which is also the exported checkpoint."""
    import torch

    config.validate()
    torch.set_num_threads(config.threads)
    out = Path(config.out)
    last = out / "checkpoints" / "last"
    env = make_vec_env(config)
    try:
        if (last / "ppo.zip").is_file():
            saved = json.loads((last / "state.json").read_text())
            _check_same_run(saved["config"], config, last)
            model = load_ppo(config, env, last / "ppo.zip")
            state = {"history": saved["history"], "seconds_before": saved.get("seconds", 0.0),
                     "seconds": saved.get("seconds", 0.0), "validation": saved.get("validation", [])}
        else:
            model = build_ppo(config, env)
            state = {"history": [], "seconds_before": 0.0, "seconds": 0.0, "validation": []}
        remaining = config.total_steps - model.num_timesteps
        if remaining > 0:
            model.learn(remaining, callback=run_keeper(config, state, progress), tb_log_name="ppo",
                        reset_num_timesteps=False)
        if config.validation_episodes:
            export_best(out, config, state)
        else:
            export_checkpoint(model, out, config, state)
    finally:
        env.close()
    return out


def export_best(out: Path, config: RLConfig, state: dict) -> Path:
    """Export the validated checkpoint that solved the most episodes (the earliest on a
    tie) as the run's policy; its config records the choice and every validation."""
    from ..policies.network import load_checkpoint, save_checkpoint

    best = max(state["validation"], key=lambda v: (v["successes"], -v["timesteps"]))
    network, saved = load_checkpoint(out / "checkpoints" / f"step-{best['timesteps']:07d}")
    training = dict(saved.get("training", {}), history=state["history"], validation=state["validation"],
                    selected=best, seconds=round(state.get("seconds", 0.0), 2))
    return save_checkpoint(network, out, training=training)


def _check_same_run(saved: dict, config: RLConfig, where: Path) -> None:
    now = asdict(config)
    differ = [k for k in now if k not in RESUME_FREE and saved.get(k) != now[k]]
    if differ:
        detail = ", ".join(f"{k}: {saved.get(k)!r} there, {now[k]!r} now" for k in differ)
        raise ValueError(f"{where} belongs to a run with other settings ({detail}); use another --out")
