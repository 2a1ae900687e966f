"""PPO's setup: the skill envs as an SB3 VecEnv, and the PPO model whose policy is the
imitation network (sb3_policy.py) with its memory in the observations, built fresh or
from an imitation checkpoint, loaded from a saved run, and exported as an errands
checkpoint. stable-baselines3 and torch load when these are called."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from .rl_config import RLConfig

# From scratch, the interactions start with this logit bias, so that the first episodes are
# random walks (with a SkillDone now and then) rather than strings of refused interactions.
SCRATCH_INTERACTION_BIAS = -2.0


# --- environments -----------------------------------------------------------------------

def make_vec_env(config: RLConfig):
    """With `config.vector` N: N skill episodes in one batch (VectorSkillEnv, in this
    process). Else `config.envs` skill envs wrapped for SB3, in worker processes
    (SubprocVecEnv) or in this one (DummyVecEnv); each is Monitor-wrapped for episode
    statistics (VectorSkillEnv keeps the same ones itself)."""
    from functools import partial

    from stable_baselines3.common.vec_env import DummyVecEnv, SubprocVecEnv

    if config.vector:
        from .vector_skill_env import VectorSkillEnv

        return VectorSkillEnv(config.vector, **config.env_kwargs())
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
    weights, after checking it was made for the skill env's observations and words: the
    symbolic network for the symbolic view, the visuomotor one for `config.camera`'s frames."""
    from ..policies.features import household_spec, household_vocabulary
    from ..policies.network import NetworkConfig, load_checkpoint, network_kind, read_checkpoint_config
    from ..policies.visuomotor_network import KIND as VISUOMOTOR

    spec, vocabulary = household_spec(), household_vocabulary().tokens
    if config.init is None and config.camera:
        from ..policies.visuomotor_network import VisuomotorConfig

        return VisuomotorConfig(spec, vocabulary, frame_shape=(config.camera, config.camera, 3),
                                hidden=config.hidden).to_dict(), None
    if config.init is None:
        return NetworkConfig(spec, vocabulary, embed=config.embed, hidden=config.hidden).to_dict(), None
    kind = network_kind(read_checkpoint_config(config.init))
    if kind == "perception":
        raise ValueError(f"{config.init} is a perception checkpoint (a frame's object types and depth), not a skill "
                         f"policy: --init takes a symbolic or visuomotor one")
    if kind == VISUOMOTOR and not config.camera:
        frame = read_checkpoint_config(config.init)["network"]["frame_shape"]
        raise ValueError(f"{config.init} is a visuomotor checkpoint (it sees {frame[0]}x{frame[1]} camera frames): "
                         f"train it through the camera (--camera {frame[0]})")
    if kind != VISUOMOTOR and config.camera:
        raise ValueError(f"{config.init} is a {kind} checkpoint (it reads the symbolic view and the goal sensors, "
                         f"not the camera): --camera {config.camera} trains a visuomotor one (give a visuomotor "
                         f"checkpoint, or drop --camera)")
    model, _ = load_checkpoint(config.init, "cpu", expect_backend="household")
    if config.camera and tuple(model.config.frame_shape) != (config.camera, config.camera, 3):
        height, width, _ = model.config.frame_shape
        raise ValueError(f"{config.init} was trained on {height}x{width} camera frames, not the {config.camera}x"
                         f"{config.camera} of --camera {config.camera}: give --camera {height}")
    if config.camera and tuple(model.config.spec.action_names) != tuple(spec.action_names):
        raise ValueError(f"{config.init} acts with other actions ({', '.join(model.config.spec.action_names)}) than "
                         f"the skill env takes ({', '.join(spec.action_names)})")
    if not config.camera and model.config.spec != spec:
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

    from .sb3_policy import attach_memory, with_memory

    network, weights = network_config_for(config)
    env = with_memory(env, network["hidden"])
    model = PPO(policy_class(network), env, learning_rate=config.lr, n_steps=config.n_steps,
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


def policy_class(network: dict):
    """The SB3 policy class of a network config: the visuomotor or the symbolic network's."""
    from ..policies.visuomotor_network import KIND as VISUOMOTOR

    if network.get("kind") == VISUOMOTOR:
        from .sb3_visuomotor_policy import VisuomotorActorCriticPolicy

        return VisuomotorActorCriticPolicy
    from .sb3_policy import SkillActorCriticPolicy

    return SkillActorCriticPolicy


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
        "protocol": "rgb" if config.camera else "privileged",  # what the policy was given (errands/protocols.py)
        "config": asdict(config),
        "timesteps": int(model.num_timesteps), "history": state.get("history", []),
        "seconds": round(state.get("seconds", 0.0), 2)})
