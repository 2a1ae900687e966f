"""A skill policy that sees through the camera: the visuomotor network acting on the RGB
frame and the skill's words, under ALFRED's rule (errands/protocols.py: "rgb").

At each step it runs one step of the network with its memory over the skill, takes the
most likely action, and for an interaction names the most likely pixel of the target
heatmap (`pixel:X,Y`), which the simulator resolves to the object shown there. It reads
the observation's "rgb" and, of info, its own last action's success; the skill call's
words (types, never ids). "SkillDone" ends the skill; a skill that does not end within
`max_steps_per_skill` steps fails with that reason.

An action refused in a state is refused again there (the simulator is deterministic),
so after a refused move or turn the policy takes its next most likely move or turn once, and
after a refused interaction it aims the same action elsewhere: at the most likely pixel
at least MISS_RADIUS pixels from those refused since its last success, up to
RETRIES_PER_ACTION times, then its next most likely action (`retry_refused=True` plays
the network's choice alone). It learns of a refusal from its own action's success, the
one thing of info it reads. It also remembers, over the episode, the frames at which a
move was refused (by a digest of the frame: the same frame is the same pose), and does
not take that move at that frame again; and it never undoes its last turn at once
(RotateLeft after RotateRight or back), which the expert never does: at a corner it
turns on round rather than swinging between two blocked headings.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..envs.actions import INTERACTION_ACTIONS, NAVIGATION_ACTIONS, Action, parse_pixel_target, pixel_target
from ..envs.skills import SkillCall
from .base import PolicyStep, camera_frame, packaged_checkpoint
from .features import SKILL_DONE, Vocabulary, previous_action_code

DEFAULT_CHECKPOINT = "household-visuomotor"  # packaged in errands/policies/data/
MAX_STEPS_PER_SKILL = 100
NEVER = ("Stop",)  # ends the episode: the agent's call, not a skill's
UNDO_TURN = {"RotateLeft": "RotateRight", "RotateRight": "RotateLeft"}
MISS_RADIUS = 4  # pixels around a refused interaction's pixel not aimed at again
RETRIES_PER_ACTION = 2  # refused interactions of one kind aimed elsewhere, before another action


def default_checkpoint() -> Path:
    return packaged_checkpoint(DEFAULT_CHECKPOINT)


class VisuomotorSkillPolicy:
    needs_world = False
    # What it reads (errands/protocols.py): the camera's image, the skill's words, its own
    # last action's success.
    inputs = ("rgb", "instruction", "action_success")

    def __init__(self, checkpoint: str | Path | None = None, device: str = "cpu",
                 max_steps_per_skill: int = MAX_STEPS_PER_SKILL, retry_refused: bool = False):
        import torch

        from .network import load_checkpoint

        self.checkpoint = Path(checkpoint) if checkpoint else default_checkpoint()
        self.model, self.checkpoint_config = load_checkpoint(self.checkpoint, device, expect_kind="visuomotor")
        self.actions = self.model.config.spec.action_names
        self.frame_shape = tuple(self.model.config.frame_shape)
        self.vocabulary = Vocabulary(self.model.config.vocabulary)
        self.device = device
        self.max_steps_per_skill = int(max_steps_per_skill)
        if not isinstance(retry_refused, bool):
            raise ValueError(f"retry_refused must be true or false, got {retry_refused!r}")
        self.retry_refused = retry_refused
        self.name = "visuomotor" if checkpoint is None else str(checkpoint)
        self._torch = torch
        self.reset(None)

    def reset(self, env) -> None:
        """A new episode (the env is not kept: the policy reads only what `act` is given)."""
        self._call: SkillCall | None = None
        self._state = None
        self._previous: Action | None = None
        self._steps = 0
        self._missed: list[tuple[str, int, int]] = []  # refused interactions since the last success
        self._refused_at: set[tuple[bytes, str]] = set()  # (frame digest, move) refused, over the episode
        self._frame: bytes | None = None  # the digest of the frame the previous action was taken at

    def act(self, observation: dict, info: dict, call: SkillCall) -> PolicyStep:
        torch = self._torch
        rgb = camera_frame(observation, self.frame_shape, "the visuomotor network")
        success = bool(info.get("last_action_success", True))
        if call is not self._call:
            self._call, self._state, self._previous, self._steps, self._missed = call, None, None, 0, []
            self._text = torch.tensor([self.vocabulary.encode(str(call))], device=self.device)
        if self._steps >= self.max_steps_per_skill:
            return PolicyStep(failed=True, reason=f"the visuomotor policy did not end the skill within "
                                                  f"{self.max_steps_per_skill} steps")
        refused = set()
        frame = hashlib.blake2b(rgb.tobytes(), digest_size=16).digest()
        if self._previous is not None and not self.retry_refused:
            if success:
                self._missed = []
            elif self._previous.target is None:
                refused.add(self._previous.name)
                self._refused_at.add((self._frame, self._previous.name))
            else:
                self._missed.append((self._previous.name, *parse_pixel_target(self._previous.target)))
        for name in {m[0] for m in self._missed}:
            if sum(m[0] == name for m in self._missed) > RETRIES_PER_ACTION:
                refused.add(name)
        if not self.retry_refused:
            refused |= {name for seen, name in self._refused_at if seen == frame}
            if self._previous is not None and success and self._previous.name in UNDO_TURN:
                refused.add(UNDO_TURN[self._previous.name])
        previous = torch.tensor([[previous_action_code(self._previous, success)]], device=self.device)
        with torch.no_grad():
            action_logits, pixel_logits, self._state = self.model(
                torch.as_tensor(rgb, device=self.device)[None, None], previous, self._text, self._state)
        ranked = [self.actions[i] for i in action_logits[0, -1].argsort(descending=True).tolist()]
        # after a refused move, another move: the expert never bumps, so the network has not learnt what
        # follows one, and its next choice is as often to end the skill there
        allowed = NAVIGATION_ACTIONS if refused & set(NAVIGATION_ACTIONS) else ranked
        name = next((n for n in ranked if n in allowed and n not in NEVER and n not in refused), None)
        if name is None:  # every move refused here: the network's own choice
            name = next(n for n in ranked if n not in NEVER)
        if name == SKILL_DONE:
            return PolicyStep(done=True)
        target = None
        if name in INTERACTION_ACTIONS:
            height, width = self.frame_shape[:2]
            scores = pixel_logits[0, -1].reshape(height, width).clone()
            for missed, x, y in self._missed:
                if missed == name:
                    scores[max(0, y - MISS_RADIUS):y + MISS_RADIUS + 1, max(0, x - MISS_RADIUS):x + MISS_RADIUS + 1] = \
                        float("-inf")
            pixel = int(scores.flatten().argmax())
            target = pixel_target(pixel % width, pixel // width)
        action = Action(name, target)
        self._previous, self._frame = action, frame
        self._steps += 1
        return PolicyStep(action=action)
