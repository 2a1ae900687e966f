"""RL fine-tuning: PPO (stable-baselines3) on the skill env, from imitation or from scratch.

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
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..files import write_json_atomic
from .config_file import config_from_file

# From scratch, the interactions start with this logit bias, so that the first episodes are
# random walks (with a SkillDone now and then) rather than strings of refused interactions.
SCRATCH_INTERACTION_BIAS = -2.0
RESUME_FREE = ("total_steps", "checkpoint_every", "device", "threads", "vec_env")  # may change on resume
VALIDATION_SEED = 2_000_000  # skill-env seeds of the validation episodes (evaluation uses 1e6 + i)


@dataclass
class RLConfig:
    """Everything a PPO run depends on; read from a JSON file, overridden by flags."""

    out: str = "runs/train/rl"
    init: str | None = None  # an imitation checkpoint folder; None trains from scratch
    skills: str = "GotoLocation"  # a skill, several separated by commas, or "any"
    split: str = "seen"
    layouts: str | None = None  # ALFRED's gen/layouts folder: train on its floor plans of the split
    total_steps: int = 100_000  # env steps
    envs: int = 2  # parallel envs (SubprocVecEnv workers)
    vec_env: str = "subproc"  # or "dummy": every env in this process
    n_steps: int = 256  # steps per env per rollout
    batch_size: int = 256
    n_epochs: int = 4
    lr: float = 3e-4
    gamma: float = 0.99
    gae_lambda: float = 0.95
    clip_range: float = 0.2
    ent_coef: float = 0.01
    vf_coef: float = 0.5
    max_grad_norm: float = 0.5
    # Imitation anchor: demonstration datasets whose segments of the other skills (those PPO
    # does not train) are imitated after every PPO update, as imitation trains them (with
    # memory): the network is shared by every skill, and fine-tuning one skill otherwise
    # drifts the others. Empty: no anchor.
    anchor_data: list[str] = field(default_factory=list)
    anchor_batches: int = 4  # behaviour-cloning minibatches after each PPO update
    anchor_batch_size: int = 32  # skill segments per minibatch
    # Also imitate the demonstrations of the skills PPO trains (as DAPG does), which keeps
    # them near imitation while PPO improves on it; by default only the other skills.
    anchor_trained_skills: bool = False
    # Value warm-up: for the first this many env steps only the new value head learns and
    # the policy network stays as it is, so that its first policy updates do not follow
    # the advantages of a value head that has not learnt anything yet (for --init runs).
    value_warmup_steps: int = 0
    hidden: int = 128  # network width, from scratch only (a checkpoint brings its own)
    embed: int = 16
    max_skill_steps: int = 100
    # Perturbed starts: up to this many random moves and turns before each training
    # episode's skill (skill_env.py), so PPO meets off-path states; 0: none.
    detour_steps: int = 0
    checkpoint_every: int = 10_000
    # Held-out skill episodes (all skills, training split) each checkpoint plays; the
    # exported policy is the best of them. 0: no validation, the last step is exported.
    validation_episodes: int = 0
    seed: int = 0
    device: str = "cpu"
    threads: int = 1  # torch threads in the training process (more only oversubscribe small CPUs)

    @classmethod
    def from_file(cls, path: str | Path | None, **overrides) -> RLConfig:
        return config_from_file(cls, path, overrides)

    def validate(self) -> None:
        for name in ("total_steps", "envs", "n_steps", "batch_size", "n_epochs", "hidden", "embed",
                     "max_skill_steps", "checkpoint_every", "threads", "anchor_batches", "anchor_batch_size"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"config {name} must be a positive integer, got {value!r}")
        for name in ("value_warmup_steps", "detour_steps", "validation_episodes"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"config {name} must be a non-negative integer, got {value!r}")
        if self.anchor_data and self.init is None:
            raise ValueError("anchor_data keeps an imitation checkpoint's other skills as they were: give init too")
        if self.vec_env not in ("subproc", "dummy"):
            raise ValueError(f"config vec_env must be 'subproc' or 'dummy', got {self.vec_env!r}")
        if self.device not in ("cpu", "cuda", "auto") and not self.device.startswith("cuda:"):
            raise ValueError(f"config device must be 'cpu', 'cuda', 'cuda:N' or 'auto', got {self.device!r}")
        if self.device.startswith("cuda"):
            import torch

            if not torch.cuda.is_available():
                raise ValueError(f"device {self.device!r} asked for, but torch sees no CUDA GPU")
        from .skill_env import parse_skills

        parse_skills(self.skills)  # a ValueError names an unknown skill

    @property
    def skill_names(self) -> tuple[str, ...]:
        from .skill_env import parse_skills

        return parse_skills(self.skills)

    def env_kwargs(self) -> dict:
        return {"skills": self.skill_names, "split": self.split, "max_steps": self.max_skill_steps,
                "detour_steps": self.detour_steps, "layouts_dir": self.layouts}


# --- environments -----------------------------------------------------------------------

def make_vec_env(config: RLConfig):
    """`config.envs` skill envs wrapped for SB3, in worker processes (SubprocVecEnv) or
    in this one (DummyVecEnv); each is Monitor-wrapped for episode statistics."""
    from functools import partial

    from stable_baselines3.common.vec_env import DummyVecEnv, SubprocVecEnv

    factories = [partial(_monitored_env, config.env_kwargs()) for _ in range(config.envs)]
    if config.vec_env == "dummy":
        return DummyVecEnv(factories)
    return SubprocVecEnv(factories, start_method="spawn")


def _monitored_env(kwargs: dict):
    from stable_baselines3.common.monitor import Monitor

    from .skill_env import make_sb3_skill_env

    return Monitor(make_sb3_skill_env(**kwargs))


# --- the model ------------------------------------------------------------------------------

def network_config_for(config: RLConfig) -> tuple[dict, dict | None]:
    """The network's config (from the checkpoint when there is one) and the checkpoint's
    weights, after checking it was made for the skill env's observations and words."""
    from ..policies.features import household_spec, household_vocabulary
    from ..policies.network import NetworkConfig, load_checkpoint

    spec, vocabulary = household_spec(), household_vocabulary().tokens
    if config.init is None:
        return NetworkConfig(spec, vocabulary, embed=config.embed, hidden=config.hidden).to_dict(), None
    model, _ = load_checkpoint(config.init, "cpu", expect_backend="household")
    if model.config.spec != spec:
        diff = [k for k, v in spec.to_dict().items() if model.config.spec.to_dict()[k] != v]
        raise ValueError(f"{config.init} was trained on other observations than the skill env gives "
                         f"(they differ in {diff}); train it again with the current features")
    if model.config.vocabulary != vocabulary:
        raise ValueError(f"{config.init} has another word vocabulary than household_vocabulary()")
    return model.config.to_dict(), model.state_dict()


def build_ppo(config: RLConfig, env):
    """A new PPO whose policy network holds `config.init`'s weights (or fresh ones), on
    `env` (a VecEnv or one env) with the network's memory added to its observations."""
    from stable_baselines3 import PPO

    from .sb3_policy import SkillActorCriticPolicy, attach_memory, with_memory

    network, weights = network_config_for(config)
    env = with_memory(env, network["hidden"])
    model = PPO(SkillActorCriticPolicy, env, learning_rate=config.lr, n_steps=config.n_steps,
                batch_size=config.batch_size, n_epochs=config.n_epochs, gamma=config.gamma,
                gae_lambda=config.gae_lambda, clip_range=config.clip_range, ent_coef=config.ent_coef,
                vf_coef=config.vf_coef, max_grad_norm=config.max_grad_norm, seed=config.seed,
                device=config.device, verbose=0, policy_kwargs={"network": network},
                tensorboard_log=str(Path(config.out) / "tensorboard"))
    net = model.policy.network
    if weights is not None:
        net.load_state_dict(weights)
    else:
        import torch

        from ..envs.actions import INTERACTION_ACTIONS

        with torch.no_grad():
            for i, name in enumerate(net.config.spec.action_names):
                if name in INTERACTION_ACTIONS:
                    net.action_head.bias[i] = SCRATCH_INTERACTION_BIAS
    attach_memory(model.policy, env)
    return model


def load_ppo(config: RLConfig, env, path: Path):
    """The PPO state saved at `path` (SB3's pickle-based zip: this run's own file only), on
    `env` with the memory added, as build_ppo gives it."""
    from stable_baselines3 import PPO

    from .sb3_policy import attach_memory, with_memory

    network, _ = network_config_for(config)
    env = with_memory(env, network["hidden"])
    model = PPO.load(path, env=env, device=config.device)
    model.tensorboard_log = str(Path(config.out) / "tensorboard")
    attach_memory(model.policy, env)
    return model


def export_checkpoint(model, folder: Path, config: RLConfig, state: dict) -> Path:
    """The policy network as an errands checkpoint, which LearnedSkillPolicy plays as it
    plays imitation's."""
    from ..policies.network import save_checkpoint

    return save_checkpoint(model.policy.network, folder, training={
        "stage": "ppo", "skills": list(config.skill_names), "init": config.init,
        "config": asdict(config),
        "timesteps": int(model.num_timesteps), "history": state.get("history", []),
        "seconds": round(state.get("seconds", 0.0), 2)})


# --- the imitation anchor -------------------------------------------------------------------

class ImitationAnchor:
    """Behaviour cloning on demonstration segments of the skills PPO does not train (of
    every skill with anchor_trained_skills), run with memory as imitation trains them
    (imitation.batch_loss), between PPO updates."""

    def __init__(self, config: RLConfig, network):
        import torch

        from ..policies.features import Vocabulary
        from .dataset import load_demonstrations
        from .imitation import SegmentBatches

        data = load_demonstrations(config.anchor_data)
        if data.spec != network.config.spec:
            raise ValueError(f"anchor data {config.anchor_data} was recorded with other observations than the "
                             f"network's; collect it again with the current features")
        trained = set() if config.anchor_trained_skills else set(config.skill_names)
        keep = np.array([i for i, text in enumerate(data.texts) if text.split("(")[0] not in trained], dtype=np.int64)
        if len(keep) == 0:
            raise ValueError(f"anchor data {config.anchor_data} holds no segment of a skill other than "
                             f"{sorted(trained)}")
        self.network, self.config = network, config
        self.batches = SegmentBatches(data, Vocabulary(network.config.vocabulary), keep)
        self.optimizer = torch.optim.Adam(network.parameters(), lr=config.lr)
        self.rng = np.random.default_rng([config.seed, 7])
        self.stream = iter(())

    def step(self, device) -> float:
        """`anchor_batches` gradient steps; the mean loss."""
        import torch

        from .imitation import batch_loss

        losses = []
        self.network.train()
        for _ in range(self.config.anchor_batches):
            batch = next(self.stream, None)
            if batch is None:  # a new pass over the segments
                self.stream = self.batches.batches(self.config.anchor_batch_size, self.rng)
                batch = next(self.stream)
            loss, _ = batch_loss(self.network, batch, str(device), amp=False)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.network.parameters(), self.config.max_grad_norm)
            self.optimizer.step()
            losses.append(loss.item())
        return float(np.mean(losses))


# --- callbacks ------------------------------------------------------------------------------

def _callbacks(config: RLConfig, state: dict, progress: bool):
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
                state["validation"].append(validate(folder, config, model.num_timesteps))
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


# --- the run --------------------------------------------------------------------------------

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
            model.learn(remaining, callback=_callbacks(config, state, progress), tb_log_name="ppo",
                        reset_num_timesteps=False)
        if config.validation_episodes:
            export_best(out, config, state)
        else:
            export_checkpoint(model, out, config, state)
    finally:
        env.close()
    return out


def validate(folder: Path, config: RLConfig, timesteps: int) -> dict:
    """The checkpoint's success on the validation episodes."""
    from .skill_env import ANY_SKILL

    r = evaluate_skill(folder, episodes=config.validation_episodes, split=config.split, skills=ANY_SKILL,
                       seed=VALIDATION_SEED, max_steps=config.max_skill_steps, layouts_dir=config.layouts)
    return {"timesteps": int(timesteps), "successes": r["successes"], "episodes": r["episodes"],
            "success_rate": round(r["success_rate"], 4)}


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


# --- evaluation -----------------------------------------------------------------------------

def evaluate_skill(policy: str | Path, episodes: int = 100, split: str = "unseen",
                   skills: str | tuple[str, ...] = "GotoLocation", seed: int = 1_000_000,
                   max_steps: int = 100, layouts_dir: str | None = None) -> dict:
    """Success of a skill policy (a checkpoint folder, "learned" or "expert") on skill-env
    episodes seeded seed, seed + 1, ...: it acts through the SkillPolicy contract, as in
    the Agent, and a skill succeeds when it first says done and the success test then
    holds. `outcomes` lists each episode's success, for paired comparisons. With
    `layouts_dir` the episodes are in ALFRED's floor plans of the split."""
    from .skill_env import HouseholdSkillEnv
    from ..policies import make_policy
    from ..policies.features import SKILL_DONE, action_label

    env = HouseholdSkillEnv(skills=skills, split=split, max_steps=max_steps, layouts_dir=layouts_dir)
    agent = make_policy(str(policy))
    done_index = env.action_names.index(SKILL_DONE)
    outcomes, lengths, returns = [], [], []
    for i in range(episodes):
        obs, info = env.reset(seed=seed + i)
        agent.reset(env.household)
        total, ended = 0.0, False
        while not ended:
            step = agent.act(obs, info, env.call)
            if step.failed:  # the policy gave up (or hit its own step limit)
                break
            action = (done_index, 0) if step.done else action_label(step.action)
            obs, reward, terminated, truncated, info = env.step(np.array(action))
            total += reward
            ended = terminated or truncated or step.done  # the first done decides, as in the Agent
        outcomes.append(bool(info.get("is_success", False)))
        lengths.append(env.steps)
        returns.append(total)
    successes = sum(outcomes)
    return {"episodes": episodes, "successes": successes, "success_rate": successes / max(episodes, 1),
            "outcomes": outcomes,
            "mean_steps": float(np.mean(lengths)) if lengths else 0.0,
            "mean_return": float(np.mean(returns)) if returns else 0.0}
