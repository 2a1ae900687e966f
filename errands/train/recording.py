"""Record (observation features, expert label) pairs while an agent plays.

`RecordingPolicy` wraps the policy that acts. With the scripted expert acting, the
records are demonstrations (behaviour cloning); with a learned policy acting and the
`ExpertTeacher` labelling, they are DAgger's: the learner chooses where to go, the expert
says what it would have done there.

The recorder featurises what the acting policy is given (the observation with the goal
sensors, and info), as the learned policy does; only the expert, acting or labelling,
reads the world.
"""

from __future__ import annotations

import numpy as np

from ..envs.actions import Action
from ..envs.household.sensors import GOAL_SENSOR_KEYS
from ..envs.skills import SkillCall, is_done
from ..policies.base import PolicyStep, needs_world, reset_policy
from ..policies.expert import ExpertSkillPolicy, SkillImpossible
from ..policies.features import POLICY_ACTIONS, SKILL_DONE, action_label
from ..policies.learned import SkillTracker


class ExpertTeacher:
    """The expert's next step from whatever state the learner reached: its plan for the
    skill is kept while the learner follows it, and made again from the current state
    when the learner strays (every step, for navigation). `expert` is the scripted
    expert by default (a SearchingExpertSkillPolicy labels a camera policy's states)."""

    needs_world = True

    def __init__(self, expert: ExpertSkillPolicy | None = None):
        self.expert = expert if expert is not None else ExpertSkillPolicy()
        self.call: SkillCall | None = None
        self.queue: list[Action] = []

    def reset(self, env) -> None:
        reset_policy(self.expert, env)
        self.call = None

    def label(self, call: SkillCall, taken: Action | None, taken_ok: bool) -> PolicyStep:
        world = self.expert.world
        try:
            if call is not self.call or call.skill == "GotoLocation":
                self.call = call
                self.queue = self.expert.actions_for(call)
            elif taken is not None and taken_ok:
                head = self.queue[0] if self.queue else None
                if head is not None and action_label(taken) == action_label(head):
                    self.queue.pop(0)
                else:
                    self.queue = self.expert.actions_for(call)
        except SkillImpossible as e:
            return PolicyStep(failed=True, reason=str(e))
        if self.queue:
            return PolicyStep(action=self.queue[0])
        if is_done(world, call):
            return PolicyStep(done=True)
        return PolicyStep(failed=True, reason=f"the expert has no way to finish {call} from here")


class RecordingPolicy:
    """Acts with `actor` and records, for every step of every skill, the features and
    the label: the actor's own step when no teacher is given, else the teacher's. It
    reads the goal sensors (`sensors`) and hands the world on only to the actor and
    teacher that need it. With `frames` each row also keeps the camera image ("rgb")."""

    sensors = GOAL_SENSOR_KEYS

    def __init__(self, actor, teacher: ExpertTeacher | None = None, frames: bool = False):
        self.actor, self.teacher, self.frames = actor, teacher, frames
        self.name = actor.name
        self.needs_world = True  # the labels' target masks read the segmentation the world's camera draws
        self.rows: list[dict] = []
        self.segment = -1
        self._env = None

    def reset(self, env) -> None:
        reset_policy(self.actor, env)
        if self.teacher is not None:
            reset_policy(self.teacher, env)
        self._env = env.unwrapped
        self.tracker = SkillTracker()

    def act(self, observation: dict, info: dict, call: SkillCall) -> PolicyStep:
        if self.tracker.previous is not None and self.tracker.previous.target is not None \
                and info.get("last_action_success", True) and info.get("last_action_object"):
            # a pixel target is known by the object it acted on (what the teacher compares)
            self.tracker.previous = Action(self.tracker.previous.name, info["last_action_object"])
        previous, ok = self.tracker.previous, bool(info.get("last_action_success", True))
        grid, extras, new = self.tracker.observe(observation, info, call)
        if new:
            self.segment += 1
            previous = None
        label = self.teacher.label(call, previous, ok) if self.teacher is not None else None
        step = self.actor.act(observation, info, call)
        wanted = label if label is not None else step
        if wanted.done or wanted.action is not None:
            action, target = ((POLICY_ACTIONS.index(SKILL_DONE), 0) if wanted.done
                              else action_label(wanted.action))
            row = {"segment": self.segment, "skill": str(call), "step": self.tracker.steps,
                   "grid": grid.tobytes(), "extras": extras.tolist(), "action": action, "target": target}
            if self.frames:
                row["rgb"] = observation["rgb"].tobytes()
                row["target_mask"] = target_mask(self._env.world, None if wanted.done else wanted.action, call)
            self.rows.append(row)
        if step.action is not None:
            self.tracker.took(step.action)
        return step


def target_mask(world, action: Action | None, call: SkillCall | None = None) -> bytes:
    """The pixels of the frame that show the object an interaction label acts on (the
    object with that id, or the shown objects of that type), as packed bits (row-major,
    np.packbits); for the moves and SkillDone of a GotoLocation `call`, those that show
    its destination (the image policy's auxiliary label: where what it walks to is in
    view); all zero for other labels and a target out of frame. The label of an image
    policy's target: privileged data, read at recording time only."""
    height, width = world.sight.frame_shape
    mask = np.zeros((height, width), bool)
    target = action.target if action is not None else None
    if target is None and call is not None and call.skill == "GotoLocation":
        target = call.ids[0] if call.ids and call.ids[0] else call.args[0]
    if target is not None:
        if "|" in target:
            mask = world.sight.object_mask(world, (target,))
        else:
            mask = world.sight.object_mask(world, tuple(oid for oid in world.sight.shown_ids(world)
                                                        if world.objects.get(oid) is not None
                                                        and world.objects[oid].type.name == target))
    return np.packbits(mask.ravel()).tobytes()
