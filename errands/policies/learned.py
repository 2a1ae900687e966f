"""A learned skill policy: the network of network.py acting in the household simulator.

At each step it featurises the observation (features.py), runs one step of the network
with its memory, and takes the most likely action; "SkillDone" ends the skill. A skill
that does not end within `max_steps_per_skill` steps fails with that reason; the agent
reports it, nothing takes over. An interaction target is an object type; when the skill
was grounded to object ids and one of them (or the furniture holding it) has that type
and is in view, the policy aims at that exact object.

The simulator is deterministic: an action refused in one world state is refused again in
that state. The policy remembers the actions refused in each state it has been in (its
own experience, nothing the env tells in advance) and takes its most likely action among
the others there, so that it cannot walk into the same wall until ALFRED's limit of 10
failed actions ends the episode (`remember_refusals=False` plays the network's choice
alone, to measure what the memory is worth).

For the same reason, coming back to a pose during a skill and choosing there what it chose
there before closes a loop: the network's memory did not tell it apart, so it would go
round again until the skill's step limit (a corridor walked back and forth, a turn on the
spot). The policy counts its visits to each pose during the skill, and when its choice
would repeat one it moves instead toward the neighbouring pose it has visited least (the
network's order breaks ties): the pose ahead or a turn, from its own motion, no map
(`avoid_loops=False` turns this off).

Both memories name a world state from the policy's own experience: its pose (in the
observation) and the number of its interactions that have succeeded this episode. Every
change to an object is a successful interaction's doing, every successful interaction
changes one, and every action of an episode is the policy's, so that pair tells world
states apart exactly as the simulator's object version does (`EpisodeState`).

The policy reads the observation and info only (features.py), never the simulator's
state: it declares the goal sensors it needs (`sensors`), which the Agent attaches to
its env, and `needs_world = False`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..envs.actions import INTERACTION_ACTIONS, Action
from ..envs.household.scene import Pose
from ..envs.household.sensors import GOAL_SENSOR_KEYS
from ..envs.skills import SkillCall
from .base import PolicyStep, packaged_checkpoint
from .features import SKILL_DONE, Vocabulary, ground_target, household_features

DEFAULT_CHECKPOINT = "household-skills"  # packaged in errands/policies/data/
MAX_STEPS_PER_SKILL = 100


def default_checkpoint() -> Path:
    return packaged_checkpoint(DEFAULT_CHECKPOINT)


class SkillTracker:
    """The per-skill bookkeeping the features need: which call is running, the previous
    action and whether it succeeded. Shared by the learned policy and the recorders of
    demonstrations, so that training and acting featurise alike."""

    def __init__(self):
        self.call: SkillCall | None = None
        self.previous: Action | None = None
        self.steps = 0

    def observe(self, observation: dict, info: dict, call: SkillCall) -> tuple[np.ndarray, np.ndarray, bool]:
        """(grid, extras, is_new_skill) for this step."""
        new = call is not self.call
        if new:
            self.call, self.previous, self.steps = call, None, 0
        success = bool(info.get("last_action_success", True))
        grid, extras = household_features(observation, self.previous, success)
        return grid, extras, new

    def took(self, action: Action) -> None:
        self.previous = action
        self.steps += 1


class EpisodeState:
    """The world state the policy is in, named from what it observes: (pose, the number
    of its interactions that succeeded so far this episode)."""

    def __init__(self):
        self.changes = 0
        self._interacted = False  # the last action taken was an interaction

    def observe(self, observation: dict, info: dict) -> tuple[Pose, int]:
        """The state now, after learning the outcome of the action last taken."""
        if self._interacted and info.get("last_action_success", True):
            self.changes += 1
        self._interacted = False
        col, row, heading, horizon = (int(v) for v in observation["pose"])
        return Pose(row, col, heading, horizon), self.changes

    def took(self, action: Action) -> None:
        self._interacted = action.is_interaction


class RefusalMemory:
    """The actions refused in each world state of this episode (states as EpisodeState
    names them), so a remembered refusal is exact, not a guess."""

    def __init__(self):
        self.refused: set[tuple] = set()
        self._last: tuple | None = None

    def observe(self, info: dict) -> None:
        """Learn from the outcome of the previous action."""
        if self._last is not None and not info.get("last_action_success", True):
            self.refused.add(self._last)
        self._last = None

    def is_refused(self, state: tuple, action: Action) -> bool:
        return (*state, action) in self.refused

    def took(self, state: tuple, action: Action) -> None:
        self._last = (*state, action)


class LoopEscape:
    """The running skill's visits to each world state (pose and object changes) and the
    actions taken there; a repeated choice in a revisited state is a loop, left by the
    move toward the least visited next pose."""

    MOVES = ("MoveAhead", "RotateLeft", "RotateRight")

    def __init__(self):
        self.visits: dict[tuple, int] = {}
        self.taken: dict[tuple, set[Action]] = {}

    def arrive(self, state: tuple) -> None:
        self.visits[state] = self.visits.get(state, 0) + 1

    def closes_loop(self, state: tuple, action: Action) -> bool:
        return action in self.taken.get(state, ())

    def escape(self, state: tuple, ranked: list[str], refused) -> Action | None:
        """Of the moves not `refused`, the one whose next pose was visited least (the
        earliest in `ranked` on a tie); None when every move is refused."""
        (pose, changes), best = state, None
        for name in ranked:
            if name not in self.MOVES or refused(Action(name)):
                continue
            visits = self.visits.get((pose.after(name), changes), 0)
            if best is None or visits < best[0]:
                best = (visits, Action(name))
        return None if best is None else best[1]

    def took(self, state: tuple, action: Action) -> None:
        self.taken.setdefault(state, set()).add(action)


class LearnedSkillPolicy:
    needs_world = False
    sensors = GOAL_SENSOR_KEYS
    # What features.py and the memories read (errands/protocols.py): privileged, symbolic.
    inputs = ("view", "pose", "held", "point_goal", "visible_objects", "object_ids", "action_success")

    def __init__(self, checkpoint: str | Path | None = None, device: str = "cpu",
                 max_steps_per_skill: int = MAX_STEPS_PER_SKILL, remember_refusals: bool = True,
                 avoid_loops: bool = True):
        import torch

        from .network import load_checkpoint

        self.checkpoint = Path(checkpoint) if checkpoint else default_checkpoint()
        self.model, self.checkpoint_config = load_checkpoint(self.checkpoint, device, expect_backend="household",
                                                               expect_kind="symbolic")
        spec = self.model.config.spec
        self.actions, self.targets = spec.action_names, spec.target_names
        self.vocabulary = Vocabulary(self.model.config.vocabulary)
        self.device = device
        self.max_steps_per_skill = int(max_steps_per_skill)
        for option, value in (("remember_refusals", remember_refusals), ("avoid_loops", avoid_loops)):
            if not isinstance(value, bool):
                raise ValueError(f"{option} must be true or false, got {value!r}")
        self.remember_refusals, self.avoid_loops = remember_refusals, avoid_loops
        self.name = "learned" if checkpoint is None else str(checkpoint)
        self._torch = torch
        self.reset(None)

    def reset(self, env) -> None:
        """A new episode: the memories start empty (the env itself is not kept: the
        policy reads only what `act` is given)."""
        self.tracker = SkillTracker()
        self.episode = EpisodeState()
        self.refusals = RefusalMemory()
        self.loops = LoopEscape()
        self._state = None

    def act(self, observation: dict, info: dict, call: SkillCall) -> PolicyStep:
        torch = self._torch
        grid, extras, new = self.tracker.observe(observation, info, call)
        state = self.episode.observe(observation, info)
        self.refusals.observe(info)
        if new:
            self._state = None
            self.loops = LoopEscape()
            self._text = torch.tensor([self.vocabulary.encode(str(call))], device=self.device)
        if self.tracker.steps >= self.max_steps_per_skill:
            return PolicyStep(failed=True, reason=f"the learned policy did not end the skill within "
                                                  f"{self.max_steps_per_skill} steps")
        with torch.no_grad():
            action_logits, target_logits, self._state = self.model(
                torch.as_tensor(grid, device=self.device)[None, None],
                torch.as_tensor(extras, device=self.device)[None, None], self._text, self._state)
        self.loops.arrive(state)
        ranked = [self.actions[i] for i in action_logits[0, -1].argsort(descending=True).tolist()]
        target = None
        for name in ranked:
            if name == SKILL_DONE:
                return PolicyStep(done=True)
            if name in INTERACTION_ACTIONS and target is None:
                target = ground_target(self.targets[1 + int(target_logits[0, -1, 1:].argmax())], info)
            action = Action(name, target if name in INTERACTION_ACTIONS else None)
            if not self._refused(state, action):
                break
        if self.avoid_loops and self.loops.closes_loop(state, action):
            action = self.loops.escape(state, ranked, lambda move: self._refused(state, move)) or action
        self.tracker.took(action)
        self.episode.took(action)
        self.refusals.took(state, action)
        self.loops.took(state, action)
        return PolicyStep(action=action)

    def _refused(self, state: tuple, action: Action) -> bool:
        return self.remember_refusals and self.refusals.is_refused(state, action)
