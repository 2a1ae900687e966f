"""The interactions a batch of household worlds refuses without running any world's
rules, decided for the whole batch in NumPy.

World.step refuses an interaction aimed at an object type before it looks at any one
object when
  * PutObject finds nothing in the hand: "PutObject failed: the agent holds nothing to
    put" (checked first);
  * it names no target: "<Action> needs a target: an object type (such as 'Apple'), an
    object id or a pixel";
  * no object of the target type is among the visible ones: "<Action> failed: no <Type>
    is visible within 1.5 m".
The last needs what the agent sees. By the geometric rule (visibility.visible_objects) the
visible objects are the fixed objects the scene's pose table lists for the agent's pose,
each with what rests in it unless it is closed in, so the test factors into two bit
tables over a scene's fixed objects:
  * per scene and reachable pose, which fixed objects are seen (`VisibleTypeTables`);
  * per world and object type, which fixed objects would list an object of that type
    (itself, or what is visible in it): `type_rows`, written again whenever the world
    changes.
No visible object of type t from pose p exactly when the two rows share no bit. The
camera rule only takes objects out of the geometric set, so whatever this refuses the
camera rule refuses too; everything it does not refuse goes to the world's own rules.
"""

from __future__ import annotations

import numpy as np

from .actions import ACTION_INDEX
from .household.object_types import NUM_TYPES
from .household.scene import HEADINGS, HORIZONS
from .household.visibility import scene_visibility
from .household.world import HOLDS_NOTHING_ERROR, no_target_error, none_visible_error

WORDS = 1  # 64-bit words of a row: a scene with more than 64 * WORDS fixed objects (the packaged ones have at most 56) is left to the rules
MAYBE, HOLDS_NOTHING, NO_TARGET, NONE_VISIBLE = 0, 1, 2, 3
PUT = ACTION_INDEX["PutObject"]


class VisibleTypeTables:
    """For every scene the batch has met: a grid of its reachable cells' indices, and for
    every (heading, horizon, reachable cell) the bits of the fixed objects seen from
    there, in flat arrays shared by all scenes. A scene whose visibility has no pose table,
    or with more than 64 * WORDS fixed objects, gets a grid of -1 (unknown: never
    refused for want of a visible target)."""

    def __init__(self):
        self._grids, self._bits = [np.full(1, -1, np.int64)], [np.zeros((1, WORDS), np.uint64)]
        self._sizes = [1, 1]  # cells of the grids, rows of the bits, so far
        self._joined: tuple[np.ndarray, np.ndarray] | None = None  # both as one array each, when asked
        self._entries: dict[int, tuple[dict, np.ndarray]] = {}

    def entry(self, scene) -> np.ndarray:
        """(grid base, columns, pose base, reachable cells) of the scene, its tables made
        on first use (copies of a scene share them)."""
        cache = scene.geometry_cache
        found = self._entries.get(id(cache))
        if found is not None and found[0] is cache:
            return found[1]
        rows, cols = scene.cells.shape
        grid = np.full(rows * cols, -1, np.int64)
        visibility = scene_visibility(scene)
        table = visibility.pose_table
        bits = np.zeros((0, WORDS), np.uint64)
        cells = 0
        if table is not None and len(scene.fixed) <= 64 * WORDS:
            cells = len(visibility.cell_index)
            for (r, c), k in visibility.cell_index.items():
                grid[r * cols + c] = k
            bits = np.zeros((len(HEADINGS) * len(HORIZONS) * cells, WORDS), np.uint64)
            for h, heading in enumerate(HEADINGS):
                for v, horizon in enumerate(HORIZONS):
                    indptr, objects, _ = table[heading, horizon]
                    empty = np.diff(indptr) == 0
                    shifts = (objects % 64).astype(np.uint64)
                    rows = slice((h * len(HORIZONS) + v) * cells, (h * len(HORIZONS) + v + 1) * cells)
                    for w in range(WORDS):
                        # One OR per cell over its objects' bits (a 0 after the last, for cells
                        # that see nothing at the end; those that see nothing get 0 below).
                        values = np.append(np.where(objects // 64 == w, np.left_shift(np.uint64(1), shifts),
                                                    np.uint64(0)), np.uint64(0))
                        word = np.bitwise_or.reduceat(values, indptr[:-1])
                        word[empty] = 0
                        bits[rows, w] = word
        value = np.array([self._sizes[0], cols, self._sizes[1], cells], np.int64)
        self._grids.append(grid)
        self._bits.append(bits)
        self._sizes = [self._sizes[0] + len(grid), self._sizes[1] + len(bits)]
        self._joined = None
        self._entries[id(cache)] = (cache, value)
        return value

    def _tables(self) -> tuple[np.ndarray, np.ndarray]:
        """All scenes' grids and pose bits, each as one array (joined again after new scenes)."""
        if self._joined is None:
            self._joined = (np.concatenate(self._grids), np.concatenate(self._bits))
            self._grids, self._bits = [self._joined[0]], [self._joined[1]]
        return self._joined

    def seen_fixed(self, entries: np.ndarray, row, col, heading, horizon) -> tuple[np.ndarray, np.ndarray]:
        """For agents at these poses in scenes with these entries (m, 4): the bits of the
        fixed objects each sees (m, WORDS), and whether the pose is in its scene's table."""
        cell_grid, pose_bits = self._tables()
        cell = cell_grid[entries[:, 0] + row * entries[:, 1] + col]
        known = cell >= 0
        pose = entries[:, 2] + ((heading // 90) * len(HORIZONS) + (horizon - HORIZONS[0]) // 15) * entries[:, 3] + cell
        return pose_bits[np.where(known, pose, 0)], known


def type_rows(world, out: np.ndarray | None = None) -> np.ndarray:
    """(NUM_TYPES + 1, WORDS) bits: row t marks the fixed objects of the world's scene that
    would list an object of type index t among the visible ones, were they seen (the
    object itself, and what is visible in it, as visibility._add_contents walks it)."""
    rows = np.zeros((NUM_TYPES + 1, WORDS), np.uint64) if out is None else out
    rows[:] = 0
    fixed = world.scene.fixed
    if len(fixed) > 64 * WORDS:
        return rows
    masks: dict[int, int] = {}
    objects = world.objects
    for k, spec in enumerate(fixed):
        obj = objects[spec.id]
        bit = 1 << k
        masks[obj.type.index] = masks.get(obj.type.index, 0) | bit
        stack = [obj]
        while stack:
            holder = stack.pop()
            if holder.type.openable and not holder.is_open:
                continue
            for child_id in holder.contents:
                child = objects[child_id]
                masks[child.type.index] = masks.get(child.type.index, 0) | bit
                if child.contents:
                    stack.append(child)
    for t, mask in masks.items():
        for w in range(WORDS):
            rows[t, w] = (mask >> (64 * w)) & 0xFFFF_FFFF_FFFF_FFFF
    return rows


def certain_refusals(codes: np.ndarray, targets: np.ndarray, held: np.ndarray, seen: np.ndarray,
                     known: np.ndarray, target_rows: np.ndarray) -> np.ndarray:
    """Why each of these interactions is certainly refused (HOLDS_NOTHING, NO_TARGET,
    NONE_VISIBLE), or MAYBE: the world's rules decide. `targets`: type indices (0 none,
    -1 a target only the rules can read: an object id, an unknown name); `seen`,
    `known`: VisibleTypeTables.seen_fixed of the agents' poses; `target_rows`: the type
    rows of the targets (m, WORDS)."""
    reason = np.full(len(codes), MAYBE, np.int8)
    none_visible = known & (targets > 0) & ~(seen & target_rows).any(axis=1)
    reason[none_visible] = NONE_VISIBLE
    reason[targets == 0] = NO_TARGET
    reason[(codes == PUT) & (held == 0)] = HOLDS_NOTHING
    return reason


def refusal_message(reason: int, action: str, target: str | None) -> str:
    """The message World.step gives for this refusal (its own message functions)."""
    if reason == HOLDS_NOTHING:
        return HOLDS_NOTHING_ERROR
    if reason == NO_TARGET:
        return no_target_error(action)
    return none_visible_error(action, target)
