"""The info of a batch of household worlds (HouseholdVectorEnv's), as Gymnasium's
SyncVectorEnv batches HouseholdEnv's: arrays with "_key" masks, every key meaning what
the scalar key means. By default only the keys that cost nothing per world
(CHEAP_INFO_KEYS); with full_info the rest too, which read each world's World."""

from __future__ import annotations

import numpy as np

from .actions import ACTIONS
from .household_vector_actions import INTERACTS, MALFORMED
from .tasks.world_text import visible_text

CHEAP_INFO_KEYS = ("task_id", "task_type", "scene", "held_object", "last_action_success", "goal_conditions_met",
                   "success", "steps", "failures")
FULL_INFO_KEYS = ("task_id", "task_type", "scene", "visible_objects", "visible_text", "held_object", "last_action",
                  "last_action_success", "last_action_object", "error_message", "goal_conditions_met", "success",
                  "steps", "failures", "agent_position", "agent_pose")


class BatchInfo:
    """HouseholdVectorEnv's info, and the per-world records only the full info reads."""

    def _record_last_actions(self, codes: np.ndarray, parsed: list | None, stepped: np.ndarray) -> None:
        """The scalar info's last_action, and the messages of the actions that succeeded
        or did not interact (full_info only)."""
        interacts = INTERACTS[codes] | (codes == MALFORMED)
        for i in stepped.nonzero()[0].tolist():
            code = int(codes[i])
            if code == MALFORMED:
                self._last_action[i] = None
                continue
            self._last_action[i] = str(self._action(i, code, parsed)) if interacts[i] or parsed else ACTIONS[code]
            if not interacts[i]:
                self._last_object[i] = None
                if self._success[i]:
                    self._last_error[i] = ""

    def _scene_refs(self) -> np.ndarray:
        """The worlds' scene refs as SyncVectorEnv batches them: ints as an int array,
        else objects."""
        return self._scene_ints if self._scene_is_int.all() else self._scenes

    def _info(self, mask: np.ndarray | None = None) -> dict:
        """The info of every env (of those in `mask` after a partial reset: the others'
        entries are zero or None with a False mask, as SyncVectorEnv leaves them)."""
        n = self.num_envs
        values = {
            "task_id": self._task_ids.copy(), "task_type": self._task_types.copy(),
            "scene": self._scene_refs().copy(), "held_object": self._held_ids.copy(),
            "last_action_success": self._success.copy(), "goal_conditions_met": self._gc.copy(),
            "success": self._met == self._total, "steps": self._steps.copy(), "failures": self._failures.copy(),
        }
        keys = CHEAP_INFO_KEYS
        if self.full_info:
            worlds = [self.world(i) for i in range(n)]
            visible = [list(w.visible_ids()) for w in worlds]
            values["visible_objects"] = _objects(visible)
            values["visible_text"] = _objects([visible_text(self.tasks[i].texts, visible[i]) for i in range(n)])
            values["last_action"] = _objects(self._last_action)
            values["last_action_object"] = _objects(self._last_object)
            values["error_message"] = _objects(self._last_error)
            values["agent_position"] = _objects([w.agent_position() for w in worlds])
            values["agent_pose"] = _objects([tuple(w.agent) for w in worlds])
            keys = FULL_INFO_KEYS
            if "segmentation" in self.observations:
                values["segmentation_ids"] = _objects([self.camera.segments[i].ids for i in range(n)])
                keys = keys + ("segmentation_ids",)
        info = {}
        present = np.ones(n, bool) if mask is None else mask
        for key in keys:
            array = values[key]
            if mask is not None and not mask.all():
                array[~mask] = None if array.dtype == object else 0
            info[key] = array
            info["_" + key] = present.copy()
        return info

    def _final_info(self, ended: np.ndarray) -> dict:
        """SAME_STEP's final_obs and final_info of the worlds that just ended, batched as
        SyncVectorEnv batches them."""
        obs, info = self._observation(), self._info()
        out: dict = {}
        for i in ended.tolist():
            single_obs = {key: value[i] for key, value in obs.items()}
            single_obs["held"] = int(single_obs["held"])
            single_info = {key: value[i] for key, value in info.items() if not key.startswith("_")}
            single_info = {key: value.item() if isinstance(value, np.generic) else value
                           for key, value in single_info.items()}
            out = self._add_info(out, {"final_obs": single_obs, "final_info": single_info}, i)
        return out


def _objects(values: list) -> np.ndarray:
    """An object array of per-env values (tuples and lists stay whole)."""
    array = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        array[i] = value
    return array
