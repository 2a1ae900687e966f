"""The skill-policy contract: act(observation, info, skill_call) -> PolicyStep.

A policy says what it reads. `needs_world = True` declares that it reads the simulator's
state (only the scripted experts do: they plan with privileged access); any other reads
the observation and info it is given, and `reset_policy`, the one place a policy is
handed the env, gives it only the env's spaces. `sensors` names the env sensors it reads
(envs/household/sensors.py), which the Agent attaches to its env. `inputs` names every
input it reads (errands/protocols.py), so that a run under a protocol such as ALFRED's
RGB-only rule can refuse it up front when it needs more than the protocol gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Protocol

from ..envs.actions import Action
from ..envs.skills import SkillCall


@dataclass
class PolicyStep:
    """The next primitive action, or the end of the skill (done, or failed with a reason)."""

    action: Action | None = None
    done: bool = False
    failed: bool = False
    reason: str = ""


class SkillPolicy(Protocol):
    name: str
    needs_world: bool  # reads the simulator's state (the scripted experts); absent means False
    sensors: tuple[str, ...]  # the env sensors it reads; absent means none
    inputs: tuple[str, ...]  # every input it reads (errands/protocols.INPUTS); absent: refused but when privileged

    def reset(self, env) -> None:
        """A new episode begins in `env` (its spaces only, unless the policy needs the world)."""

    def act(self, observation: dict, info: dict, call: SkillCall) -> PolicyStep: ...


def needs_world(policy) -> bool:
    return getattr(policy, "needs_world", False) is True


def reset_policy(policy, env, protocol=None) -> None:
    """Start `policy` on a new episode of `env`: a policy that declares `needs_world`
    gets the env itself (and through it the world); any other gets `EnvSpaces` (with
    the observation keys a `protocol` of errands/protocols.py gives, when one is given)."""
    if needs_world(policy):
        policy.reset(env)
        return
    policy.reset(EnvSpaces(env, getattr(policy, "name", repr(policy)), protocol))


class EnvSpaces:
    """What a policy that does not declare `needs_world` is given of its env: the
    observation and action spaces; anything else is refused, saying why."""

    def __init__(self, env, policy_name: str, protocol=None):
        self.observation_space, self.action_space = env.observation_space, env.action_space
        if protocol is not None:
            self.observation_space = protocol.observation_space(self.observation_space)
        self._policy_name = policy_name

    def __getattr__(self, name: str):
        raise PermissionError(f"policy {self._policy_name!r} does not declare needs_world = True, so it is given "
                              f"the env's spaces only (asked for {name!r}): it reads its observation and info")


def packaged_checkpoint(name: str) -> Path:
    """The folder of a checkpoint shipped in the package (errands/policies/data/NAME)."""
    return Path(str(resources.files("errands.policies") / "data" / name))


def camera_frame(observation: dict, frame_shape: tuple, who: str):
    """The observation's RGB frame, checked against the shape a network was trained on
    (KeyError or ValueError naming `who` and what to run instead)."""
    if "rgb" not in observation:
        raise KeyError(f"the observation lacks 'rgb': {who} sees through the camera (an env with observations "
                       f"including 'rgb', or a run under protocol 'rgb')")
    rgb = observation["rgb"]
    if tuple(rgb.shape) != tuple(frame_shape):
        raise ValueError(f"the camera's frames are {tuple(rgb.shape)}, {who} was trained on {tuple(frame_shape)}: "
                         f"run the env at resolution {frame_shape[0]}")
    return rgb

