"""The skill network of policies/network.py as a stable-baselines3 actor-critic policy.

SB3's PPO is not recurrent, so the policy runs the network one step at a time from a
zero memory: the text, grid and extras encoders and `encode_steps`, then the GRU core for
one step from the zero state. The network's own action and target heads are the policy
head, and a new linear value head reads the same core output. The weights therefore keep
the names and shapes of SkillPolicyNetwork, so an imitation checkpoint loads into the
policy as it is, and the fine-tuned network is saved back as an ordinary checkpoint
(its trained skills marked memoryless, so LearnedSkillPolicy plays them as PPO trained them).

Observations come from envs/skill_env.py's SB3SkillObservation (flattened grid, extras,
word ids; SB3 hands them over as floats, turned back into indices here). The action is a
MultiDiscrete (action, target type) pair; the target is drawn only for interactions, so
its log-probability and entropy count only there, and target 0 ("none") is never drawn.
Nor is Stop: no skill needs it, it ends the whole task, and an agent learning from
scratch took it at once to escape its first clumsy steps (measured).
"""

from __future__ import annotations

import torch
from gymnasium import spaces
from stable_baselines3.common.distributions import MultiCategoricalDistribution
from stable_baselines3.common.policies import ActorCriticPolicy
from stable_baselines3.common.torch_layers import BaseFeaturesExtractor
from torch import nn

from ..envs.actions import INTERACTION_ACTIONS
from ..policies.network import NetworkConfig, SkillPolicyNetwork


class SkillNetworkFeatures(BaseFeaturesExtractor):
    """Observation -> the core's output for one step from a zero memory (B, hidden)."""

    def __init__(self, observation_space: spaces.Dict, network: dict):
        config = NetworkConfig.from_dict(network)
        super().__init__(observation_space, features_dim=config.hidden)
        self.network = SkillPolicyNetwork(config)
        grid_size = int(torch.tensor(config.spec.grid_shape).prod())
        for key, size in (("grid", grid_size), ("extras", len(config.spec.extras_vocab))):
            shape = observation_space[key].shape
            if shape != (size,):
                raise ValueError(f"observation {key!r} has shape {shape}; the network expects ({size},): "
                                 f"was the checkpoint made for other observations?")

    def forward(self, observations: dict[str, torch.Tensor]) -> torch.Tensor:
        net = self.network
        grid = observations["grid"].long().reshape(-1, *net.config.spec.grid_shape)
        words = net.encode_text(observations["text"].long())
        steps = net.encode_steps(grid, observations["extras"].long(), words)
        out, _ = net.core(steps[:, None, :], net.initial_state(len(steps)))
        return out[:, 0]


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
    never 0 ("none"), and the `excluded` actions are never drawn:
    log p = log p(action) + [interaction] log p(target), and the entropy is
    H(action) + P(interaction) H(target)."""

    def __init__(self, action_dims: list[int], interaction: torch.Tensor, excluded: torch.Tensor):
        super().__init__(action_dims)
        self.interaction = interaction  # (A,) bool: which action indices take a target
        self.excluded = excluded  # (A,) bool: which action indices are never drawn

    def proba_distribution(self, action_logits: torch.Tensor) -> SkillActionDistribution:
        actions, targets = torch.split(action_logits, list(self.action_dims), dim=1)
        lowest = torch.finfo(action_logits.dtype).min
        actions = actions.masked_fill(self.excluded.to(actions.device), lowest)
        targets = targets.clone()
        targets[:, 0] = lowest
        return super().proba_distribution(torch.cat([actions, targets], dim=1))

    def log_prob(self, actions: torch.Tensor) -> torch.Tensor:
        action, target = actions.long().unbind(dim=1)
        aims = self.interaction.to(action.device)[action]
        return self.distribution[0].log_prob(action) + torch.where(aims, self.distribution[1].log_prob(target), 0.0)

    def entropy(self) -> torch.Tensor:
        p_aims = (self.distribution[0].probs * self.interaction.to(self.distribution[0].probs.device)).sum(1)
        return self.distribution[0].entropy() + p_aims * self.distribution[1].entropy()


class SkillActorCriticPolicy(ActorCriticPolicy):
    """`network` is a NetworkConfig as a dict (what checkpoints store in config.json)."""

    def __init__(self, observation_space, action_space, lr_schedule, network: dict, **kwargs):
        config = NetworkConfig.from_dict(network)
        expected = [len(config.spec.action_names), len(config.spec.target_names)]
        if not isinstance(action_space, spaces.MultiDiscrete) or action_space.nvec.tolist() != expected:
            raise ValueError(f"action space {action_space} does not match the network: expected "
                             f"MultiDiscrete({expected})")
        self.interaction = torch.tensor([name in INTERACTION_ACTIONS for name in config.spec.action_names])
        self.excluded = torch.tensor([name == "Stop" for name in config.spec.action_names])
        kwargs.update(features_extractor_class=SkillNetworkFeatures, features_extractor_kwargs={"network": network},
                      net_arch=[], ortho_init=False, normalize_images=False, share_features_extractor=True)
        super().__init__(observation_space, action_space, lr_schedule, **kwargs)

    @property
    def network(self) -> SkillPolicyNetwork:
        return self.features_extractor.network

    def _build(self, lr_schedule) -> None:
        """As ActorCriticPolicy._build, with the network's heads as the action net and
        without re-initialising weights (they may come from a checkpoint)."""
        self._build_mlp_extractor()  # net_arch=[]: the identity
        self.action_dist = SkillActionDistribution(list(self.action_space.nvec), self.interaction, self.excluded)
        self.action_net = SkillHeads(self.network)
        self.value_net = nn.Linear(self.mlp_extractor.latent_dim_vf, 1)
        self.optimizer = self.optimizer_class(self.parameters(), lr=lr_schedule(1), **self.optimizer_kwargs)

    def _get_constructor_parameters(self) -> dict:
        data = super()._get_constructor_parameters()
        data["network"] = self.features_extractor_kwargs["network"]
        for key in ("features_extractor_class", "features_extractor_kwargs", "net_arch", "ortho_init",
                    "normalize_images", "share_features_extractor"):
            data.pop(key, None)
        return data
