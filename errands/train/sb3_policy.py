"""The skill network of policies/network.py as a stable-baselines3 actor-critic policy,
and what every errands network needs to be one (sb3_visuomotor_policy.py is the camera's).

The network is recurrent (a GRU over the steps of a skill) and SB3's PPO is not, so the
memory travels in the observation: `MemoryVecEnv` adds a "memory" entry, the GRU state
the network reached over the episode's earlier steps (zero at an episode's start), and
the policy runs the text, grid and extras encoders, `encode_steps` and one step of the
GRU core from that memory. The rollout buffer then holds the memory each action was
taken with, and PPO's update re-evaluates the actions from it (gradients stop at the
stored memory: a one-step truncation, as recurrent PPO with stored states does). The
policy acts as the imitation network does inside the Agent, memory included, so the
fine-tuned weights are played by LearnedSkillPolicy unchanged.

The network's own action and target heads are the policy head, and a new linear value
head reads the same core output. The weights keep the names and shapes of
SkillPolicyNetwork, so an imitation checkpoint loads into the policy as it is, and the
fine-tuned network is saved back as an ordinary checkpoint.

Shared by every network: the memory in the observations (MemoryVecEnv, with_memory,
attach_memory), the (action, target) distribution (SkillActionDistribution) and
NetworkActorCriticPolicy, the SB3 policy whose features extractor is the network, whose
action net is the network's heads and whose memory for the next step it says itself
(`next_memory`).

Observations come from skill_env.py's SB3SkillObservation (flattened grid, extras,
word ids; SB3 hands them over as floats, turned back into indices here). The action is a
MultiDiscrete (action, target type) pair; the target is drawn only for interactions, so
its log-probability and entropy count only there, and target 0 ("none") is never drawn.
Nor is Stop: no skill needs it, it ends the whole task, and an agent learning from
scratch would take it at once to escape its first clumsy steps.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from gymnasium import spaces
from stable_baselines3.common.distributions import MultiCategoricalDistribution
from stable_baselines3.common.policies import ActorCriticPolicy
from stable_baselines3.common.torch_layers import BaseFeaturesExtractor
from stable_baselines3.common.vec_env import VecEnv, VecEnvWrapper
from torch import nn

from ..envs.actions import INTERACTION_ACTIONS
from ..policies.network import NetworkConfig, SkillPolicyNetwork


class SkillNetworkFeatures(BaseFeaturesExtractor):
    """Observation -> the core's output for one step from the observation's memory
    (B, hidden); for a one-layer GRU that output is also the memory after the step."""

    def __init__(self, observation_space: spaces.Dict, network: dict):
        config = NetworkConfig.from_dict(network)
        super().__init__(observation_space, features_dim=config.hidden)
        self.network = SkillPolicyNetwork(config)
        grid_size = int(torch.tensor(config.spec.grid_shape).prod())
        for key, size in (("grid", grid_size), ("extras", len(config.spec.extras_vocab)), ("memory", config.hidden)):
            if key not in observation_space.spaces:
                raise ValueError(f"observations lack {key!r}: wrap the env with with_memory (build_ppo does)")
            shape = observation_space[key].shape
            if shape != (size,):
                raise ValueError(f"observation {key!r} has shape {shape}; the network expects ({size},): "
                                 f"was the checkpoint made for other observations?")

    def forward(self, observations: dict[str, torch.Tensor]) -> torch.Tensor:
        net = self.network
        grid = observations["grid"].long().reshape(-1, *net.config.spec.grid_shape)
        words = net.encode_text(observations["text"].long())
        steps = net.encode_steps(grid, observations["extras"].long(), words)
        out, _ = net.core(steps[:, None, :], observations["memory"].float()[None].contiguous())
        return out[:, 0]


class MemoryVecEnv(VecEnvWrapper):
    """Adds "memory" (the network's GRU state, float32 in [-1, 1]) to every observation.
    An episode starts from zeros; each step's memory is `step_memory(previous
    observation)`, the state after the network's step on what the policy just saw (set it
    once the policy exists: `attach_memory`). A terminal observation carries the memory
    it was reached with, for SB3's value bootstrap on truncation."""

    def __init__(self, venv: VecEnv, hidden: int):
        space = spaces.Dict({**venv.observation_space.spaces,
                             "memory": spaces.Box(-1.0, 1.0, (hidden,), dtype=np.float32)})
        super().__init__(venv, observation_space=space)
        self.hidden = hidden
        self.step_memory: Callable[[dict], np.ndarray] | None = None
        self._last: dict | None = None  # the observations just returned
        self._next_memory: np.ndarray | None = None  # the memories after the step under way

    def reset(self) -> dict:
        obs = self.venv.reset()
        self._last = {**obs, "memory": np.zeros((self.num_envs, self.hidden), dtype=np.float32)}
        return self._last

    def step_async(self, actions: np.ndarray) -> None:
        if self.step_memory is None:
            raise RuntimeError("MemoryVecEnv.step_memory is not set: attach the policy first (attach_memory)")
        self._next_memory = np.asarray(self.step_memory(self._last), dtype=np.float32)
        self.venv.step_async(actions)

    def step_wait(self):
        obs, rewards, dones, infos = self.venv.step_wait()
        memory = self._next_memory.copy()
        for i in np.flatnonzero(dones):
            if "terminal_observation" in infos[i]:
                infos[i]["terminal_observation"] = {**infos[i]["terminal_observation"], "memory": memory[i].copy()}
            memory[i] = 0.0  # the next episode starts afresh
        self._last = {**obs, "memory": memory}
        return self._last, rewards, dones, infos


def with_memory(env, hidden: int) -> MemoryVecEnv:
    """`env` (a VecEnv, or one gymnasium env, Monitor-wrapped here as SB3 would) with the
    "memory" entry of a network of width `hidden`."""
    if not isinstance(env, VecEnv):
        from stable_baselines3.common.monitor import Monitor
        from stable_baselines3.common.vec_env import DummyVecEnv

        single = env if isinstance(env, Monitor) else Monitor(env)
        env = DummyVecEnv([lambda: single])
    return MemoryVecEnv(env, hidden)


def attach_memory(policy: NetworkActorCriticPolicy, env: MemoryVecEnv) -> None:
    """Let `env` compute each step's memory with `policy`'s network."""

    def step_memory(obs: dict) -> np.ndarray:
        tensors, _ = policy.obs_to_tensor(obs)
        with torch.no_grad():
            return policy.next_memory(tensors).cpu().numpy()

    env.step_memory = step_memory


class SkillHeads(nn.Module):
    """The network's action and target heads, as one flat logit vector (SB3's layout for
    a MultiDiscrete action)."""

    def __init__(self, network: SkillPolicyNetwork):
        super().__init__()
        self.action_head, self.target_head = network.action_head, network.target_head

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.action_head(latent), self.target_head(latent)], dim=1)


class SkillActionDistribution(MultiCategoricalDistribution):
    """(action, target) where the target is drawn only for interaction actions and is
    never `no_target` (the symbolic targets' 0, "none"; None when every target is one, as
    every pixel of a frame is), and the `excluded` actions are never drawn:
    log p = log p(action) + [interaction] log p(target), and the entropy is
    H(action) + P(interaction) H(target)."""

    def __init__(self, action_dims: list[int], interaction: torch.Tensor, excluded: torch.Tensor,
                 no_target: int | None = 0):
        super().__init__(action_dims)
        self.interaction = interaction  # (A,) bool: which action indices take a target
        self.excluded = excluded  # (A,) bool: which action indices are never drawn
        self.no_target = no_target

    def proba_distribution(self, action_logits: torch.Tensor) -> SkillActionDistribution:
        actions, targets = torch.split(action_logits, list(self.action_dims), dim=1)
        lowest = torch.finfo(action_logits.dtype).min
        actions = actions.masked_fill(self.excluded.to(actions.device), lowest)
        if self.no_target is not None:
            targets = targets.clone()
            targets[:, self.no_target] = lowest
        return super().proba_distribution(torch.cat([actions, targets], dim=1))

    def log_prob(self, actions: torch.Tensor) -> torch.Tensor:
        action, target = actions.long().unbind(dim=1)
        aims = self.interaction.to(action.device)[action]
        return self.distribution[0].log_prob(action) + torch.where(aims, self.distribution[1].log_prob(target), 0.0)

    def entropy(self) -> torch.Tensor:
        p_aims = (self.distribution[0].probs * self.interaction.to(self.distribution[0].probs.device)).sum(1)
        return self.distribution[0].entropy() + p_aims * self.distribution[1].entropy()


class NetworkActorCriticPolicy(ActorCriticPolicy):
    """An errands network as SB3's policy: `network` is its config as a dict (what
    checkpoints store in config.json). A subclass says how to build it from that config
    (`network_config`), its features extractor (`features_class`, which holds the network
    as `.network`), the action dimensions it expects, its heads (`heads`, reading the
    features), its value head (`value_head`), what it never draws as a target
    (`no_target`) and the memory after a step (`next_memory`)."""

    features_class: type[BaseFeaturesExtractor]
    no_target: int | None = 0

    def __init__(self, observation_space, action_space, lr_schedule, network: dict, **kwargs):
        config = self.network_config(network)
        expected = self.action_dims(config)
        if not isinstance(action_space, spaces.MultiDiscrete) or action_space.nvec.tolist() != expected:
            raise ValueError(f"action space {action_space} does not match the network: expected "
                             f"MultiDiscrete({expected})")
        self.interaction = torch.tensor([name in INTERACTION_ACTIONS for name in config.spec.action_names])
        self.excluded = torch.tensor([name == "Stop" for name in config.spec.action_names])
        kwargs.update(features_extractor_class=self.features_class, features_extractor_kwargs={"network": network},
                      net_arch=[], ortho_init=False, normalize_images=False, share_features_extractor=True)
        super().__init__(observation_space, action_space, lr_schedule, **kwargs)

    @staticmethod
    def network_config(network: dict):
        raise NotImplementedError

    @staticmethod
    def action_dims(config) -> list[int]:
        raise NotImplementedError

    def heads(self) -> nn.Module:
        raise NotImplementedError

    def value_head(self) -> nn.Module:
        raise NotImplementedError

    def next_memory(self, observations: dict[str, torch.Tensor]) -> torch.Tensor:
        raise NotImplementedError

    @property
    def network(self) -> nn.Module:
        return self.features_extractor.network

    def _build(self, lr_schedule) -> None:
        """As ActorCriticPolicy._build, with the network's heads as the action net and
        without re-initialising weights (they may come from a checkpoint)."""
        self._build_mlp_extractor()  # net_arch=[]: the identity
        self.action_dist = SkillActionDistribution(list(self.action_space.nvec), self.interaction, self.excluded,
                                                   self.no_target)
        self.action_net = self.heads()
        self.value_net = self.value_head()
        self.optimizer = self.optimizer_class(self.parameters(), lr=lr_schedule(1), **self.optimizer_kwargs)

    def _get_constructor_parameters(self) -> dict:
        data = super()._get_constructor_parameters()
        data["network"] = self.features_extractor_kwargs["network"]
        for key in ("features_extractor_class", "features_extractor_kwargs", "net_arch", "ortho_init",
                    "normalize_images", "share_features_extractor"):
            data.pop(key, None)
        return data


class SkillActorCriticPolicy(NetworkActorCriticPolicy):
    """The symbolic skill network (SkillPolicyNetwork); its features are the core's output,
    which is also the memory after the step."""

    features_class = SkillNetworkFeatures

    @staticmethod
    def network_config(network: dict) -> NetworkConfig:
        return NetworkConfig.from_dict(network)

    @staticmethod
    def action_dims(config: NetworkConfig) -> list[int]:
        return [len(config.spec.action_names), len(config.spec.target_names)]

    def heads(self) -> nn.Module:
        return SkillHeads(self.network)

    def value_head(self) -> nn.Module:
        return nn.Linear(self.mlp_extractor.latent_dim_vf, 1)

    def next_memory(self, observations: dict[str, torch.Tensor]) -> torch.Tensor:
        return self.features_extractor(observations)
