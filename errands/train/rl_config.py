"""The settings of a PPO fine-tuning run (rl.py), read from a JSON file and overridden by
flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .config_file import config_from_file


@dataclass
class RLConfig:
    """Everything a PPO run depends on; read from a JSON file, overridden by flags."""

    out: str = "runs/train/rl"
    init: str | None = None  # an imitation checkpoint folder; None trains from scratch
    skills: str = "GotoLocation"  # a skill, several separated by commas, or "any"
    split: str = "seen"
    layouts: str | None = None  # ALFRED's gen/layouts folder: train on its floor plans of the split
    # RES: train the visuomotor network through the RES x RES camera under ALFRED's rule (the
    # frame, the skill's words, its own previous action); None: the symbolic network.
    camera: int | None = None
    total_steps: int = 100_000  # env steps
    envs: int = 2  # parallel envs (SubprocVecEnv workers)
    vec_env: str = "subproc"  # or "dummy": every env in this process
    # N > 0: N skill episodes stepped as one batch in this process (vector_skill_env.py,
    # over HouseholdVectorEnv) instead of `envs` scalar envs; 0: the scalar envs.
    vector: int = 0
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
        if not isinstance(self.vector, int) or isinstance(self.vector, bool) or self.vector < 0:
            raise ValueError(f"config vector must be a non-negative integer (0: scalar envs; N: N skill episodes "
                             f"in one batch), got {self.vector!r}")
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
        from .skill_env import check_camera, parse_skills

        parse_skills(self.skills)  # a ValueError names an unknown skill
        check_camera(self.camera)
        if self.camera:
            unsupported = [f"{flag} ({getattr(self, name)!r})" for name, flag in
                           (("vector", "vector"), ("anchor_data", "anchor_data"),
                            ("validation_episodes", "validation_episodes")) if getattr(self, name)]
            if unsupported:
                raise ValueError(f"with camera {self.camera}, the visuomotor network trains on scalar envs without "
                                 f"an imitation anchor or validation; drop {', '.join(unsupported)}")

    @property
    def skill_names(self) -> tuple[str, ...]:
        from .skill_env import parse_skills

        return parse_skills(self.skills)

    def env_kwargs(self) -> dict:
        kwargs = {"skills": self.skill_names, "split": self.split, "max_steps": self.max_skill_steps,
                  "detour_steps": self.detour_steps, "layouts_dir": self.layouts}
        return {**kwargs, "camera": self.camera} if self.camera else kwargs
