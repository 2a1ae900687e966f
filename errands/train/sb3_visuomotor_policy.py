"""The visuomotor network (policies/visuomotor_network.py) as a stable-baselines3
actor-critic policy: PPO through the camera, from the frame and the skill's words alone.

It is a NetworkActorCriticPolicy (sb3_policy.py): the memory travels in the observation
as the symbolic network's does (MemoryVecEnv), and the action is the same (action,
target) pair, the target here a pixel of the frame (its row-major index), drawn only for
interactions. The network is run through its public `forward` for one step from the
stored memory; its outputs (action logits, pixel logits, the memory after the step) are
the features, of which the action net reads the logits and a new linear value head the
memory (for a one-layer GRU it is also the core's output). The weights keep the network's
names, so a visuomotor checkpoint loads into the policy as it is, and the fine-tuned
network is saved back as an ordinary checkpoint that VisuomotorSkillPolicy plays.

Observations are skill_env.py's SB3CameraSkillObservation: the flattened RGB frame, the
skill's word ids and the previous action's code (SB3 hands them over as floats; they are
turned back into the frame and indices here).
"""

from __future__ import annotations

import torch
from gymnasium import spaces
from stable_baselines3.common.torch_layers import BaseFeaturesExtractor
from torch import nn

from ..policies.visuomotor_network import VisuomotorConfig, VisuomotorNetwork
from .sb3_policy import NetworkActorCriticPolicy

CAMERA_OBSERVATIONS = ("rgb", "text", "previous", "memory")


def _sizes(config: VisuomotorConfig) -> tuple[int, int, int]:
    """(actions, pixels, memory): the widths of the features' three parts."""
    height, width, _ = config.frame_shape
    return len(config.spec.action_names), height * width, config.hidden


class VisuomotorFeatures(BaseFeaturesExtractor):
    """Observation -> [action logits, pixel logits, memory after the step] (B, A + H*W +
    hidden), one step of the network from the observation's memory."""

    def __init__(self, observation_space: spaces.Dict, network: dict):
        config = VisuomotorConfig.from_dict(network)
        super().__init__(observation_space, features_dim=sum(_sizes(config)))
        self.network = VisuomotorNetwork(config)
        frame = int(torch.tensor(config.frame_shape).prod())
        missing = [key for key in CAMERA_OBSERVATIONS if key not in observation_space.spaces]
        if missing:
            raise ValueError(f"observations lack {missing}: the visuomotor policy takes the camera skill env's "
                             f"(make_sb3_skill_env(camera=RES)) wrapped with with_memory (build_ppo does both)")
        for key, size in (("rgb", frame), ("previous", 1), ("memory", config.hidden)):
            shape = observation_space[key].shape
            if shape != (size,):
                raise ValueError(f"observation {key!r} has shape {shape}; the visuomotor network expects ({size},) "
                                 f"(frames of {config.frame_shape[0]}x{config.frame_shape[1]}): was the checkpoint "
                                 f"made for another camera resolution?")

    def forward(self, observations: dict[str, torch.Tensor]) -> torch.Tensor:
        net = self.network
        rgb = observations["rgb"].reshape(-1, 1, *net.config.frame_shape)
        previous = observations["previous"].long().reshape(-1, 1)
        memory = observations["memory"].float()[None].contiguous()
        action_logits, pixel_logits, state = net(rgb, previous, observations["text"].long(), memory)
        return torch.cat([action_logits[:, 0], pixel_logits[:, 0], state[0]], dim=1)


class _Part(nn.Module):
    """Columns [start, end) of the features."""

    def __init__(self, start: int, end: int):
        super().__init__()
        self.start, self.end = start, end

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return features[:, self.start:self.end]


class _MemoryValue(nn.Module):
    """A linear value head on the memory part of the features."""

    def __init__(self, start: int, hidden: int):
        super().__init__()
        self.memory = _Part(start, start + hidden)
        self.linear = nn.Linear(hidden, 1)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.linear(self.memory(features))


class VisuomotorActorCriticPolicy(NetworkActorCriticPolicy):
    """`network` is a VisuomotorConfig as a dict; the action is (action, pixel)."""

    features_class = VisuomotorFeatures
    no_target = None  # every pixel is a target

    @staticmethod
    def network_config(network: dict) -> VisuomotorConfig:
        return VisuomotorConfig.from_dict(network)

    @staticmethod
    def action_dims(config: VisuomotorConfig) -> list[int]:
        actions, pixels, _ = _sizes(config)
        return [actions, pixels]

    def heads(self) -> nn.Module:
        actions, pixels, _ = _sizes(self.network.config)
        return _Part(0, actions + pixels)

    def value_head(self) -> nn.Module:
        actions, pixels, hidden = _sizes(self.network.config)
        return _MemoryValue(actions + pixels, hidden)

    def next_memory(self, observations: dict[str, torch.Tensor]) -> torch.Tensor:
        actions, pixels, hidden = _sizes(self.network.config)
        return self.features_extractor(observations)[:, actions + pixels:]
