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
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

from ..envs.actions import INTERACTION_ACTIONS, Action
from ..envs.skills import SkillCall
from .base import PolicyStep
from .features import SKILL_DONE, Vocabulary, household_features

DEFAULT_CHECKPOINT = "household-skills"  # packaged in errands/policies/data/
MAX_STEPS_PER_SKILL = 100


def default_checkpoint() -> Path:
    return Path(str(resources.files("errands.policies") / "data" / DEFAULT_CHECKPOINT))


class SkillTracker:
    """The per-skill bookkeeping the features need: which call is running, the previous
    action and whether it succeeded. Shared by the learned policy and the recorders of
    demonstrations, so that training and acting featurise alike."""

    def __init__(self):
        self.call: SkillCall | None = None
        self.previous: Action | None = None
        self.steps = 0

    def observe(self, world, info: dict, call: SkillCall) -> tuple[np.ndarray, np.ndarray, bool]:
        """(grid, extras, is_new_skill) for this step."""
        new = call is not self.call
        if new:
            self.call, self.previous, self.steps = call, None, 0
        success = bool(info.get("last_action_success", True))
        grid, extras = household_features(world, call, self.previous, success)
        return grid, extras, new

    def took(self, action: Action) -> None:
        self.previous = action
        self.steps += 1


class RefusalMemory:
    """The actions refused in each world state of this episode. A state is the agent's
    pose with the world's object version (bumped by every change to an object), so a
    remembered refusal is exact, not a guess."""

    def __init__(self):
        self.refused: set[tuple] = set()
        self._last: tuple | None = None

    def observe(self, info: dict) -> None:
        """Learn from the outcome of the previous action."""
        if self._last is not None and not info.get("last_action_success", True):
            self.refused.add(self._last)
        self._last = None

    def is_refused(self, world, action: Action) -> bool:
        return (world.agent, world.version, action) in self.refused

    def took(self, world, action: Action) -> None:
        self._last = (world.agent, world.version, action)


class LoopEscape:
    """The running skill's visits to each world state (pose and object version) and the
    actions taken there; a repeated choice in a revisited state is a loop, left by the
    move toward the least visited next pose."""

    MOVES = ("MoveAhead", "RotateLeft", "RotateRight")

    def __init__(self):
        self.visits: dict[tuple, int] = {}
        self.taken: dict[tuple, set[Action]] = {}

    def arrive(self, world) -> None:
        key = (world.agent, world.version)
        self.visits[key] = self.visits.get(key, 0) + 1

    def closes_loop(self, world, action: Action) -> bool:
        return action in self.taken.get((world.agent, world.version), ())

    def escape(self, world, ranked: list[str], refused) -> Action | None:
        """Of the moves not `refused`, the one whose next pose was visited least (the
        earliest in `ranked` on a tie); None when every move is refused."""
        pose, best = world.agent, None
        for name in ranked:
            if name not in self.MOVES or refused(Action(name)):
                continue
            visits = self.visits.get((pose.after(name), world.version), 0)
            if best is None or visits < best[0]:
                best = (visits, Action(name))
        return None if best is None else best[1]

    def took(self, world, action: Action) -> None:
        self.taken.setdefault((world.agent, world.version), set()).add(action)


class LearnedSkillPolicy:
    def __init__(self, checkpoint: str | Path | None = None, device: str = "cpu",
                 max_steps_per_skill: int = MAX_STEPS_PER_SKILL, remember_refusals: bool = True,
                 avoid_loops: bool = True):
        import torch

        from .network import load_checkpoint

        self.checkpoint = Path(checkpoint) if checkpoint else default_checkpoint()
        self.model, self.checkpoint_config = load_checkpoint(self.checkpoint, device, expect_backend="household")
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
        self.tracker = SkillTracker()
        self.env = None

    def reset(self, env) -> None:
        self.env = env.unwrapped
        self.tracker = SkillTracker()
        self.refusals = RefusalMemory()
        self.loops = LoopEscape()
        self._state = None

    def act(self, observation: dict, info: dict, call: SkillCall) -> PolicyStep:
        torch = self._torch
        world = self.env.world
        grid, extras, new = self.tracker.observe(world, info, call)
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
        self.loops.arrive(world)
        ranked = [self.actions[i] for i in action_logits[0, -1].argsort(descending=True).tolist()]
        target = None
        for name in ranked:
            if name == SKILL_DONE:
                return PolicyStep(done=True)
            if name in INTERACTION_ACTIONS and target is None:
                target = self._ground(self.targets[1 + int(target_logits[0, -1, 1:].argmax())], call, world)
            action = Action(name, target if name in INTERACTION_ACTIONS else None)
            if not self._refused(world, action):
                break
        if self.avoid_loops and self.loops.closes_loop(world, action):
            action = self.loops.escape(world, ranked, lambda move: self._refused(world, move)) or action
        self.tracker.took(action)
        self.refusals.took(world, action)
        self.loops.took(world, action)
        return PolicyStep(action=action)

    def _refused(self, world, action: Action) -> bool:
        return self.remember_refusals and self.refusals.is_refused(world, action)

    @staticmethod
    def _ground(type_name: str, call: SkillCall, world) -> str:
        """The skill's own object (or the furniture holding it) when it has this type and
        is in view; else the type, which the simulator resolves to the nearest instance."""
        visible = set(world.visible_ids())
        for oid in call.ids or ():
            while oid and oid in world.objects:
                obj = world.objects[oid]
                if obj.type.name == type_name and (oid in visible or oid == world.held):
                    return oid
                oid = obj.parent
        return type_name
