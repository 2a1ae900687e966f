"""What a learned skill policy sees, as small integer arrays a network can embed.

Every backend turns its observation into the same three parts, so one network and one
training loop serve them all:

- `grid`: an egocentric grid of categorical channels (H, W, C) uint8; each channel has a
  vocabulary size.
- `extras`: a few categorical scalars (K,) int64, each with a vocabulary size.
- `text`: the words of the skill or instruction, as ids into a word vocabulary.

For the household simulator the grid is the symbolic view (cell kind, furniture type,
visible item type, open/on flags), and the extras are: the held object's type, the camera
horizon, the previous action and whether it failed, and a point-goal sensor for the skill's
grounded target, as Habitat's PointNav gives: where the furniture holding the target lies,
ahead and to the right of the agent in grid cells, and its height. The sensor is off (0)
when the planner did not ground the skill to an object id or the target is in hand.
Last, whether the target is among the objects the env reports visible and in reach
(info["visible_objects"], an object detector's output): 0 no target (in hand), 1 not
visible, 2 visible; by id when the skill is grounded, else by type.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import numpy as np

from ..envs.actions import ACTIONS, Action
from ..envs.household.object_types import NUM_TYPES, TYPE_NAMES, type_of_id
from ..envs.household.scene import HORIZONS, heading_step
from ..envs.skills import SKILLS, SkillCall

SKILL_DONE = "SkillDone"  # the policy's "this skill is finished" output, after the primitive actions
POLICY_ACTIONS = ACTIONS + (SKILL_DONE,)
TARGET_NAMES = ("<none>",) + TYPE_NAMES  # interaction targets: object types, 0 = none
TARGET_INDEX = {name: i for i, name in enumerate(TARGET_NAMES)}
GOAL_RANGE = 16  # the point-goal sensor reads offsets in -16..16 cells (clipped)
GOAL_HEIGHTS = 5  # height buckets of 0.5 m
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

def previous_action_code(action: Action | None, success: bool) -> int:
    """0 at the start of a skill, else 1 + the action's index (+ len(ACTIONS) if it failed)."""
    if action is None:
        return 0
    return 1 + ACTIONS.index(action.name) + (0 if success else len(ACTIONS))


def goal_object_id(world, call: SkillCall) -> str | None:
    """The grounded object the skill is about: the receptacle of a PutObject, else the
    first argument; None when the call is not grounded or the object is in hand."""
    if not call.ids:
        return None
    oid = call.ids[1] if call.skill == "PutObject" and len(call.ids) > 1 else call.ids[0]
    if not oid or oid not in world.objects or oid == world.held:
        return None
    return oid


def goal_sensor(world, call: SkillCall) -> tuple[int, int, int]:
    """(ahead, right, height) codes of the point-goal sensor, 0 when it is off."""
    oid = goal_object_id(world, call)
    root = world.root_fixed(oid) if oid else None
    if root is None:
        return 0, 0, 0
    x, y, z = root.position
    row, col = world.scene.xz_cell(x, z)
    a = world.agent
    dr, dc = row - a.row, col - a.col
    fr, fc = heading_step(a.heading)
    rr, rc = heading_step((a.heading + 90) % 360)
    ahead = int(np.clip(dr * fr + dc * fc, -GOAL_RANGE, GOAL_RANGE))
    right = int(np.clip(dr * rr + dc * rc, -GOAL_RANGE, GOAL_RANGE))
    height = int(np.clip(y // 0.5, 0, GOAL_HEIGHTS - 1))
    return ahead + GOAL_RANGE + 1, right + GOAL_RANGE + 1, height + 1


def goal_visible(world, call: SkillCall) -> int:
    """0: the target is in hand (or the call has no argument), 1: not in view, 2: in view."""
    oid = goal_object_id(world, call)
    if oid is not None:
        return 2 if oid in world.visible_ids() else 1
    if call.ids or not call.args:
        return 0
    name = call.args[1] if call.skill == "PutObject" and len(call.args) > 1 else call.args[0]
    held = world.objects[world.held].type.name if world.held else None
    if name == held:
        return 0
    return 2 if any(world.objects[o].type.name == name for o in world.visible_ids()) else 1


def household_features(world, call: SkillCall, previous: Action | None, previous_success: bool
                       ) -> tuple[np.ndarray, np.ndarray]:
    """(grid, extras) for one step of `call` in `world`."""
    held = world.objects[world.held].type.index if world.held else 0
    extras = np.array([held, HORIZONS.index(world.agent.horizon), previous_action_code(previous, previous_success),
                       *goal_sensor(world, call), goal_visible(world, call)], dtype=np.int64)
    return world.egocentric_view().copy(), extras


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
