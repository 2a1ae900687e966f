"""How HouseholdVectorEnv reads a batch of actions: the action codes it steps by (the
action indices, and three of its own), the tables that turn codes into moves, and the
check of a batch (a wrong shape or a value outside the space is a ValueError naming the
env)."""

from __future__ import annotations

import numpy as np

from .actions import ACTION_INDEX, ACTIONS, INTERACTION_ACTIONS, NAVIGATION_ACTIONS, Action
from .household.object_types import TYPE_NAMES

# Action codes: the action indices, then three of the vector env's own.
MALFORMED = len(ACTIONS)  # a list entry Action.parse refused: a failed action
RESETTING = len(ACTIONS) + 1  # the world resets this step (next-step autoreset): no action
IDLE = len(ACTIONS) + 2  # SIT_OUT in a list of actions: the world sits this step out
STOP = ACTION_INDEX["Stop"]
TYPE_NUMBERS = {name: k + 1 for k, name in enumerate(TYPE_NAMES)}  # a target's type index
_CODES = len(ACTIONS) + 3


def _table(values: dict[str, int], dtype=np.int64) -> np.ndarray:
    table = np.zeros(_CODES, dtype=dtype)
    for name, value in values.items():
        table[ACTION_INDEX[name]] = value
    return table


MOVES = _table({"MoveAhead": 1}, bool)
TURNS = _table({"RotateLeft": -90, "RotateRight": 90})
LOOKS = _table({"LookUp": -15, "LookDown": 15})
INTERACTS = _table(dict.fromkeys(INTERACTION_ACTIONS, 1), bool)
NAVIGATES = _table(dict.fromkeys(NAVIGATION_ACTIONS, 1), bool)
STEPPED = np.ones(_CODES, dtype=bool)
STEPPED[RESETTING] = False
STEPPED[IDLE] = False


class _SitOut:
    def __repr__(self) -> str:
        return "SIT_OUT"


SIT_OUT = _SitOut()  # in a list of actions: this world does not act this step

# One MoveAhead by heading // 90 (scene.heading_step): 0 is +rows, 90 is +columns.
AHEAD_ROW = np.array([1, 0, -1, 0])
AHEAD_COL = np.array([0, 1, 0, -1])


def parse_actions(actions, n: int) -> tuple[np.ndarray, list | None, np.ndarray]:
    """(codes, parsed, targets) of a batch of n actions: each env's action code; for a
    list of actions each env's Action (or the ValueError that refused it), None for an
    array batch; each env's target type index (0: none; -1: a target only a world's
    rules can read, such as an object id)."""
    if isinstance(actions, dict):
        if set(actions) != {"action", "target"}:
            raise ValueError(f"an action batch is a dict with keys 'action' and 'target', got keys "
                             f"{sorted(actions)}")
        targets = _column(actions["target"], "actions['target']", n, len(TYPE_NAMES) + 1)
        return _column(actions["action"], "actions['action']", n, len(ACTIONS)), None, targets
    if isinstance(actions, np.ndarray) and np.issubdtype(actions.dtype, np.integer):
        return _column(actions, "actions", n, len(ACTIONS)), None, np.zeros(n, np.int64)
    if isinstance(actions, np.ndarray):
        actions = list(actions)
    if not isinstance(actions, (list, tuple)):
        raise ValueError(f"expected a batch of the action space ({{'action': ({n},), 'target': ({n},)}} integer "
                         f"arrays) or a list of {n} actions, got {type(actions).__name__}")
    if len(actions) != n:
        raise ValueError(f"expected {n} actions (one per env), got {len(actions)}")
    codes = np.empty(n, np.int64)
    targets = np.full(n, -1, np.int64)
    parsed: list[Action | ValueError] = []
    for i, action in enumerate(actions):
        if action is SIT_OUT:
            parsed.append(None)
            codes[i] = IDLE
            continue
        try:
            parsed.append(Action.parse(action, TYPE_NAMES))
            codes[i] = ACTION_INDEX[parsed[-1].name]
            target = parsed[-1].target
            targets[i] = TYPE_NUMBERS.get(target, -1) if target is not None else 0
        except ValueError as e:  # a failed action, as in the scalar env
            parsed.append(e)
            codes[i] = MALFORMED
    return codes, parsed, targets


def _column(values, name: str, n: int, size: int) -> np.ndarray:
    """One array of an action batch, checked: integers in 0..size-1, one per env."""
    array = np.asarray(values)
    if array.shape != (n,) or array.dtype.kind not in "iu":
        raise ValueError(f"{name} must be an integer array of shape ({n},), one per env; got shape "
                         f"{array.shape} and dtype {array.dtype}")
    bad = (array < 0) | (array >= size)
    if bad.any():
        i = int(bad.argmax())
        raise ValueError(f"{name}[{i}] (env {i}) is {array[i]}: expected 0..{size - 1}")
    return array.astype(np.int64)
