"""errands' primitive actions (ALFRED's action space) as AI2-THOR `controller.step` calls,
with the arguments ALFRED's env/thor_env.py gives them, and interaction targets resolved
as ALFRED and the household env resolve them: an exact object id, an object type (the
nearest visible instance), or a mask over the instance segmentation (ALFRED's rule: the
interactable object with the best overlap, never the one in hand).

Everything here reads THOR's event metadata as plain dicts (THOR's documented schema), so
it runs without ai2thor.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from ..actions import ACTIONS, Action

STEP_SIZE = 0.25  # ALFRED's AGENT_STEP_SIZE (metres per MoveAhead)
ROTATE_DEGREES = 90  # ALFRED's AGENT_ROTATE_ADJ
HORIZON_DEGREES = 15  # ALFRED's AGENT_HORIZON_ADJ
VISIBILITY_DISTANCE = 1.5  # ALFRED's VISIBILITY_DISTANCE: THOR's `visible` within it
KNIVES = ("Knife", "ButterKnife")
INTERACTABLE = ("pickupable", "receptacle", "openable", "toggleable", "sliceable")  # ALFRED's pruning

# Navigation: forceAction as ALFRED sends it. ALFRED turns its camera with a TeleportFull
# to the horizon +/- 15; THOR's LookUp/LookDown with degrees=15 make the same change.
NAVIGATION_STEPS: dict[str, dict] = {
    "MoveAhead": {"action": "MoveAhead", "moveMagnitude": STEP_SIZE, "forceAction": True},
    "RotateLeft": {"action": "RotateLeft", "degrees": ROTATE_DEGREES, "forceAction": True},
    "RotateRight": {"action": "RotateRight", "degrees": ROTATE_DEGREES, "forceAction": True},
    "LookUp": {"action": "LookUp", "degrees": HORIZON_DEGREES, "forceAction": True},
    "LookDown": {"action": "LookDown", "degrees": HORIZON_DEGREES, "forceAction": True},
}
# Interactions: the arguments ALFRED adds to objectId (to_thor_api_exec).
INTERACTION_ARGS: dict[str, dict] = {
    "PickupObject": {},
    "PutObject": {"forceAction": True, "placeStationary": True},
    "OpenObject": {"openness": 1.0},  # ALFRED's moveMagnitude=1.0: fully open
    "CloseObject": {"forceAction": True},
    "ToggleObjectOn": {},
    "ToggleObjectOff": {},
    "SliceObject": {},
}
assert set(NAVIGATION_STEPS) | set(INTERACTION_ARGS) | {"Stop"} == set(ACTIONS)


class CannotAct(ValueError):
    """The action cannot be sent to THOR (no such target, nothing held, ...): a failed
    action, with the message as its error, and the world unchanged."""


def objects_by_id(metadata: dict) -> dict[str, dict]:
    return {o["objectId"]: o for o in metadata["objects"]}


def held_object(metadata: dict) -> dict | None:
    """The first inventory object (THOR's agent holds at most one), or None."""
    inventory = metadata.get("inventoryObjects") or []
    return inventory[0] if inventory else None


def resolve_target(action: Action, metadata: dict) -> str:
    """The objectId an interaction acts on: the id itself when it names an object, else
    the nearest visible object of the named type (never the held one)."""
    if action.target is None:
        raise CannotAct(f"{action.name} needs a target (an object type or id)")
    objects = objects_by_id(metadata)
    if "|" in action.target:
        if action.target not in objects:
            raise CannotAct(f"no object {action.target!r} in the scene")
        return action.target
    held = held_object(metadata)
    held_id = held["objectId"] if held else None
    candidates = [o for o in objects.values()
                  if o["objectType"] == action.target and o["visible"] and o["objectId"] != held_id]
    if not candidates:
        raise CannotAct(f"no visible {action.target} within {VISIBILITY_DISTANCE} m")
    return min(candidates, key=lambda o: (o["distance"], o["objectId"]))["objectId"]


def resolve_mask(mask: np.ndarray, instance_frame: np.ndarray, color_to_object_id: dict, metadata: dict) -> str:
    """ALFRED's reading of an interaction mask (va_interact): the objects under the mask,
    ranked by IoU of their segment with the mask, without the held object and without
    what cannot be interacted with (floors, walls); the best one."""
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != instance_frame.shape[:2]:
        raise CannotAct(f"mask of shape {mask.shape} does not match the frame's {instance_frame.shape[:2]}")
    if not mask.any():
        raise CannotAct("empty interaction mask")
    under = Counter(map(tuple, instance_frame[mask].reshape(-1, instance_frame.shape[-1]).tolist()))
    iou = {}
    for color, overlap in under.items():
        segment = np.all(instance_frame == np.array(color, dtype=instance_frame.dtype), axis=-1)
        iou[color] = overlap / float(np.logical_or(segment, mask).sum())
    held = held_object(metadata)
    held_id = held["objectId"] if held else None
    objects = objects_by_id(metadata)
    ranked = [color_to_object_id[c] for c in sorted(iou, key=lambda c: -iou[c])
              if c in color_to_object_id and color_to_object_id[c] != held_id]
    ranked = [i for i in ranked if i in objects and any(objects[i].get(p) for p in INTERACTABLE)]
    if not ranked:
        raise CannotAct("bad interaction mask: no interactable object under it")
    return ranked[0]


def thor_step(action: Action, metadata: dict, object_id: str | None = None) -> dict | None:
    """The `controller.step(**kwargs)` of one action in the state `metadata` (None for
    Stop, which THOR never sees). Interactions act on `object_id` when given (a resolved
    mask), else on `resolve_target`. Raise CannotAct for what ALFRED refuses before THOR."""
    if action.name == "Stop":
        return None
    if action.name in NAVIGATION_STEPS:
        return dict(NAVIGATION_STEPS[action.name])
    target = object_id if object_id is not None else resolve_target(action, metadata)
    held = held_object(metadata)
    if action.name == "PutObject" and held is None:
        raise CannotAct("PutObject needs an object in hand")
    if action.name == "SliceObject" and (held is None or held["objectType"] not in KNIVES):
        raise CannotAct("SliceObject needs a Knife or ButterKnife in hand")
    return {"action": action.name, "objectId": target, **INTERACTION_ARGS[action.name]}


def position_distance(a: dict, b: dict) -> float:
    return float(np.hypot(a["x"] - b["x"], a["z"] - b["z"]))


def closest_of_type(object_type: str, to: dict, metadata: dict) -> dict | None:
    """The object of a type nearest another object (ALFRED: the sink basin of a faucet)."""
    found = [o for o in metadata["objects"] if o["objectType"] == object_type]
    return min(found, key=lambda o: position_distance(o["position"], to["position"]), default=None)


def clean_steps(faucet_id: str, metadata: dict) -> list[dict]:
    """What ALFRED does after a faucet is switched on (check_clean): a CleanObject on
    every dirty object in the faucet's sink basin, so that the whole basin is washed."""
    objects = objects_by_id(metadata)
    basin = closest_of_type("SinkBasin", objects[faucet_id], metadata)
    if basin is None:
        return []
    return [{"action": "CleanObject", "objectId": i} for i in basin.get("receptacleObjectIds") or []
            if i in objects and objects[i].get("dirtyable") and objects[i].get("isDirty")]
