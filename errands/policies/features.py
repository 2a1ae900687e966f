"""What a learned skill policy sees, as small integer arrays a network can embed.

Every backend turns its observation into the same three parts, so one network and one
training loop serve them all:

- `grid`: an egocentric grid of categorical channels (H, W, C) uint8; each channel has a
  vocabulary size.
- `extras`: a few categorical scalars (K,) int64, each with a vocabulary size.
- `text`: the words of the skill or instruction, as ids into a word vocabulary.

For the household simulator every part comes from the env's observation and info, never
from the simulator's state: the grid is the symbolic view (cell kind, furniture type,
visible item type, open/on flags), and the extras are: the held object's type, the camera
horizon (from the pose), the previous action and whether it failed, and the goal sensors
of envs/household/sensors.py (the point-goal sensor's three codes, and whether the target
is in view). Those sensors measure the target that `goal_target(call)` names for the
running skill: the receptacle of a PutObject, else the first argument; by id when the
planner grounded the call, else by type.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import numpy as np

from ..envs.actions import ACTIONS, Action
from ..envs.household.object_types import NUM_TYPES, TYPE_NAMES, type_of_id
from ..envs.household.scene import HORIZONS
from ..envs.household.sensors import GOAL_HEIGHTS, GOAL_RANGE, GOAL_SENSOR_KEYS, GoalTarget
from ..envs.skills import SKILLS, SkillCall

SKILL_DONE = "SkillDone"  # the policy's "this skill is finished" output, after the primitive actions
POLICY_ACTIONS = ACTIONS + (SKILL_DONE,)
TARGET_NAMES = ("<none>",) + TYPE_NAMES  # interaction targets: object types, 0 = none
TARGET_INDEX = {name: i for i, name in enumerate(TARGET_NAMES)}
PAD, UNKNOWN = "<pad>", "<unk>"
HOUSEHOLD_EXTRAS = ("held", "horizon", "previous_action", "goal_ahead", "goal_right", "goal_height", "goal_visible")


@dataclass(frozen=True)
class ObservationSpec:
    """The shapes and vocabularies a network is built for; stored in datasets and
    checkpoints so that a mismatch is caught before training or acting."""

    backend: str
    grid_shape: tuple[int, int, int]
    grid_vocab: tuple[int, ...]
    extras_names: tuple[str, ...]
    extras_vocab: tuple[int, ...]
    action_names: tuple[str, ...]
    target_names: tuple[str, ...]
    done_action: str | None  # the action that ends a skill, when skills end by the policy's word

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ObservationSpec:
        fields = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
        return cls(**fields)


def household_spec(view_size: int = 9) -> ObservationSpec:
    goal_bins = 2 * GOAL_RANGE + 2  # 0 = sensor off
    return ObservationSpec(
        backend="household", grid_shape=(view_size, view_size, 4), grid_vocab=(4, NUM_TYPES + 1, NUM_TYPES + 1, 4),
        extras_names=HOUSEHOLD_EXTRAS,
        extras_vocab=(NUM_TYPES + 1, len(HORIZONS), 1 + 2 * len(ACTIONS), goal_bins, goal_bins, GOAL_HEIGHTS + 1, 3),
        action_names=POLICY_ACTIONS, target_names=TARGET_NAMES, done_action=SKILL_DONE)


def babyai_spec() -> ObservationSpec:
    """BabyAI (minigrid): the 7x7 image of object, colour and state indices, the agent's
    direction as the one extra, minigrid's seven actions; no targets, and an episode is
    one segment that ends when the level says so (no done action of the policy's own)."""
    from ..envs.babyai import VIEW_SIZE, action_names, require_minigrid

    require_minigrid()
    from minigrid.core.constants import COLOR_TO_IDX, OBJECT_TO_IDX, STATE_TO_IDX

    return ObservationSpec(
        backend="babyai", grid_shape=(VIEW_SIZE, VIEW_SIZE, 3),
        grid_vocab=(len(OBJECT_TO_IDX), len(COLOR_TO_IDX), len(STATE_TO_IDX)),
        extras_names=("direction",), extras_vocab=(4,), action_names=action_names(), target_names=("<none>",),
        done_action=None)


def babyai_features(observation: dict) -> tuple[np.ndarray, np.ndarray]:
    """(grid, extras) of an errands/BabyAI-* observation."""
    return np.asarray(observation["view"], dtype=np.uint8), np.array([observation["direction"]], dtype=np.int64)


# --- text ---------------------------------------------------------------------------------

def words(text: str) -> list[str]:
    """Lower-case words: 'PutObject(Apple, Fridge)' -> ['putobject', 'apple', 'fridge']."""
    return re.findall(r"[a-z0-9]+", text.lower())


class Vocabulary:
    """Word ids; 0 pads, 1 is any word not in the vocabulary."""

    def __init__(self, tokens: list[str]):
        self.tokens = [PAD, UNKNOWN] + [t for t in dict.fromkeys(tokens) if t not in (PAD, UNKNOWN)]
        self.index = {t: i for i, t in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, text: str) -> list[int]:
        return [self.index.get(w, 1) for w in words(text)] or [1]

    @classmethod
    def from_texts(cls, texts) -> Vocabulary:
        return cls([w for text in texts for w in words(text)])


def household_vocabulary() -> Vocabulary:
    """Every word a household skill call can contain: skill names and object types."""
    return Vocabulary([w for name in (*SKILLS, *TYPE_NAMES) for w in words(name)])


# --- the household observation ----------------------------------------------------------

PREVIOUS_CODES = 1 + 2 * len(ACTIONS)  # previous_action_code's range


def previous_action_code(action: Action | None, success: bool) -> int:
    """0 at the start of a skill, else 1 + the action's index (+ len(ACTIONS) if it failed)."""
    if action is None:
        return 0
    return 1 + ACTIONS.index(action.name) + (0 if success else len(ACTIONS))


def goal_target(call: SkillCall) -> GoalTarget | None:
    """What the goal sensors measure for `call`: the receptacle of a PutObject, else the
    first argument; the grounded object when the planner gave ids, else the type; None
    for a call without arguments."""
    i = 1 if call.skill == "PutObject" else 0
    if call.ids:
        oid = call.ids[i] if i < len(call.ids) else call.ids[0]
        return GoalTarget(object_id=oid or None, grounded_ids=tuple(call.ids))
    if not call.args:
        return None
    return GoalTarget(type_name=call.args[i] if i < len(call.args) else call.args[0])


def household_features(observation: dict, previous: Action | None, previous_success: bool
                       ) -> tuple[np.ndarray, np.ndarray]:
    """(grid, extras) of one step, from an observation of a household env with the goal
    sensors (GoalSensors) aimed at the running skill's `goal_target`."""
    missing = [key for key in ("view", "pose", "held", *GOAL_SENSOR_KEYS) if key not in observation]
    if missing:
        raise KeyError(f"the observation lacks {missing}: a learned household policy reads the symbolic view "
                       f"and the goal sensors (wrap the env with envs.household.sensors.GoalSensors, as the "
                       f"Agent does for a policy that declares them)")
    extras = np.array([int(observation["held"]), HORIZONS.index(int(observation["pose"][3])),
                       previous_action_code(previous, previous_success),
                       *(int(code) for code in observation["point_goal"]), int(observation["goal_visible"])],
                      dtype=np.int64)
    return np.array(observation["view"], dtype=np.uint8), extras


def ground_target(type_name: str, info: dict) -> str:
    """The object an interaction of type `type_name` aims at: the skill's own object, or
    what holds it, when it has this type and is in view or in hand (info["goal_holders"],
    in the order of the call's ids, innermost first); else the type, which the simulator
    resolves to the nearest visible instance."""
    if "goal_holders" not in info:
        raise KeyError("info lacks 'goal_holders': grounding a target reads the goal sensors' info "
                       "(envs.household.sensors.GoalSensors)")
    visible = set(info["visible_objects"])
    held = info["held_object"]
    for chain in info["goal_holders"]:
        for oid in chain:
            if type_of_id(oid) == type_name and (oid in visible or oid == held):
                return oid
    return type_name


def action_label(action: Action) -> tuple[int, int]:
    """(action index, target index) of a primitive action; an exact object id (even of
    an object since sliced away) becomes its type, the policy's target vocabulary."""
    target = 0
    if action.target is not None:
        name = action.target if action.target in TARGET_INDEX else type_of_id(action.target)
        if name not in TARGET_INDEX:
            raise ValueError(f"action target {action.target!r} is neither an object type nor an object id")
        target = TARGET_INDEX[name]
    return POLICY_ACTIONS.index(action.name), target
