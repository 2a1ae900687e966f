"""The mutable world of one episode: where the agent is, what it holds, every object's
state, and the rules of ALFRED's primitive actions.

A failed action changes nothing and says precisely why. Heating, cooling and cleaning
follow ALFRED's bookkeeping: switching on a microwave heats what is inside, closing a
fridge cools what is inside, running a faucet cleans what is in its basin (a burner whose
knob is on heats the pan on it too).
"""

from __future__ import annotations

import difflib
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..actions import Action, parse_pixel_target
from .object_types import OBJECT_TYPES, SLICES, SLICING_TOOLS, TYPE_FAMILIES, TYPE_NAMES, ObjectType, object_type, \
    types_named
from .scene import FURNITURE, HORIZONS, OUTSIDE, Scene, heading_step
from .visibility import visible_objects

FLAG_OPEN, FLAG_ON = 1, 2


@dataclass
class ActionResult:
    success: bool
    error: str = ""
    object_id: str | None = None  # what a successful interaction acted on (its target resolved)


_new_object = object.__new__


class WorldObject:
    """One object's live state. Pickupable objects sit in `parent` (or in the hand)."""

    __slots__ = ("id", "type", "position", "parent", "contents", "is_open", "is_on",
                 "is_dirty", "heated", "cooled", "cleaned", "controls")

    def __init__(self, id: str, type: ObjectType, position, parent, is_open, is_on, is_dirty, controls):
        self.id = id
        self.type = type
        self.position = position
        self.parent = parent
        self.contents: list[str] = []
        self.is_open = is_open
        self.is_on = is_on
        self.is_dirty = is_dirty
        self.heated = self.cooled = self.cleaned = False
        self.controls = controls

    def copy(self) -> WorldObject:
        new = _new_object(WorldObject)  # no __init__: a batch of worlds copies many of these per step
        new.id, new.type, new.position, new.parent, new.controls = self.id, self.type, self.position, self.parent, \
            self.controls
        new.is_open, new.is_on, new.is_dirty = self.is_open, self.is_on, self.is_dirty
        new.heated, new.cooled, new.cleaned = self.heated, self.cooled, self.cleaned
        new.contents = self.contents.copy()
        return new

    def state(self) -> dict:
        """Plain data for logs, tests and planners."""
        return {
            "id": self.id, "type": self.type.name, "parent": self.parent,
            "contents": list(self.contents), "is_open": self.is_open, "is_on": self.is_on,
            "is_dirty": self.is_dirty, "heated": self.heated, "cooled": self.cooled,
            "cleaned": self.cleaned,
        }


@lru_cache(maxsize=8)
def view_offsets(v: int) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Grid offsets of each view cell, per heading: row 0 is farthest ahead."""
    ahead = (v - 1 - np.arange(v))[:, None] * np.ones((1, v), dtype=int)
    right = np.ones((v, 1), dtype=int) * (np.arange(v) - v // 2)[None, :]
    offsets = {}
    for heading in (0, 90, 180, 270):
        fr, fc = heading_step(heading)
        rr, rc = heading_step((heading + 90) % 360)
        offsets[heading] = (ahead * fr + right * rr, ahead * fc + right * rc)
    return offsets


def look_error(name: str, horizon: int) -> str:
    """Why LookUp or LookDown failed at `horizon` (the vector env asks for it too)."""
    return (f"{name} failed: the camera horizon is at {horizon} degrees and must stay within "
            f"{HORIZONS[0]}..{HORIZONS[-1]}")


HOLDS_NOTHING_ERROR = "PutObject failed: the agent holds nothing to put"


def no_target_error(action: str) -> str:
    """Why an interaction that names no target failed (the vector env asks for it too)."""
    return f"{action} needs a target: an object type (such as 'Apple'), an object id or a pixel"


def none_visible_error(action: str, target: str) -> str:
    """Why an interaction aimed at a type of which nothing is in view failed."""
    return f"{action} failed: no {target} is visible within 1.5 m"


class World:
    """An episode's state over a Scene. Build a new one to reset."""

    def __init__(self, scene: Scene, view_size: int = 9, sight=None):
        self.scene = scene
        self.sight = sight  # None: the geometric rule alone; else a camera (visibility.py)
        self.agent = scene.start_pose
        self.held: str | None = None
        self.version = 0  # bumped whenever an object changes, to key caches
        self.objects: dict[str, WorldObject] = {}
        for spec in scene.objects:
            self.objects[spec.id] = WorldObject(
                spec.id, spec.object_type, spec.position, spec.parent,
                spec.is_open, spec.is_on, spec.is_dirty, spec.controls,
            )
        for spec in scene.objects:
            if spec.parent is not None:
                self.objects[spec.parent].contents.append(spec.id)
        self._visible_cache: tuple | None = None
        self.view_size = view_size
        self._build_layers()
        self._build_view_offsets()

    def copy(self, layers: np.ndarray | None = None) -> World:
        """An independent copy of this world's state, for a new episode from the same
        start without building the World again. The scene and its caches are shared (no
        world changes its scene); `layers`, when given, is the copy's symbolic map (it
        must hold this world's), else the map is copied."""
        new = World.__new__(World)
        new.scene, new.sight, new.agent, new.held, new.version = self.scene, self.sight, self.agent, self.held, \
            self.version
        new.objects = {oid: obj.copy() for oid, obj in self.objects.items()}
        new._visible_cache = None
        new.view_size, new._pad = self.view_size, self._pad
        new._layers = self._layers.copy() if layers is None else layers
        new._cell_fixed, new._slot = self._cell_fixed, self._slot
        new._view_offsets = self._view_offsets
        return new

    # --- what the agent sees --------------------------------------------------------

    def visible_objects(self) -> list[tuple[float, str]]:
        """(distance, id) of every object the agent can see and reach, nearest first.
        Contents of a closed receptacle are hidden; the held object is not listed."""
        return self._visible()[0]

    def object_types(self) -> list[str]:
        """The type names of the objects in this world, sorted (what a planner grounds in)."""
        return sorted({o.type.name for o in self.objects.values()})

    def visible_ids(self) -> list[str]:
        return self._visible()[1]

    def _visible(self) -> tuple[list[tuple[float, str]], list[str]]:
        """What visibility.py's rule says the agent sees now (the geometric rule, and the
        camera rule when the world has a `sight`), kept until the agent or an object
        changes."""
        key = (self.agent, self.version)
        if self._visible_cache is not None and self._visible_cache[0] == key:
            return self._visible_cache[1]
        result = visible_objects(self)
        value = (result, [oid for _, oid in result])
        self._visible_cache = (key, value)
        return value

    def is_visible(self, object_id: str) -> bool:
        return object_id in self.visible_ids()

    @contextmanager
    def standing_at(self, pose):
        """The agent at `pose` for the block, the world otherwise as it is (for experts
        asking what a pose would show); it stands where it was afterwards."""
        here = self.agent
        self.agent = pose
        try:
            yield self
        finally:
            self.agent = here

    def root_fixed(self, object_id: str) -> WorldObject | None:
        """The furniture an object ultimately rests in (None while held)."""
        obj = self.objects[object_id]
        while obj.parent is not None:
            obj = self.objects[obj.parent]
        return obj if obj.position is not None else None

    def nested_contents(self, obj: WorldObject) -> list[WorldObject]:
        out = []
        for child_id in obj.contents:
            child = self.objects[child_id]
            out.append(child)
            out.extend(self.nested_contents(child))
        return out

    # --- the symbolic egocentric view ------------------------------------------------

    def _build_layers(self) -> None:
        """Scene-wide symbolic map, padded so the view can be cut without bounds checks.
        Channels: cell kind, furniture type, visible item type, furniture flags."""
        rows, cols = self.scene.cells.shape
        pad = self.view_size
        self._pad = pad
        self._layers = np.zeros((rows + 2 * pad, cols + 2 * pad, 4), dtype=np.uint8)
        self._layers[pad:pad + rows, pad:pad + cols, 0] = self.scene.cells
        self._cell_fixed, self._slot = self.scene.cell_map()
        for cell in self._cell_fixed:
            self._draw_cell(cell)

    def _refresh(self, fixed_id: str) -> None:
        """Redraw the cells of one piece of furniture after its state or contents change."""
        for cell in self.scene.fixed[self.scene.fixed_index[fixed_id]].footprint:
            self._draw_cell(cell)

    def _draw_cell(self, cell: tuple[int, int]) -> None:
        """The top furniture on a cell (later entries draw on top), its open/on flags,
        and the k-th visible item of any furniture whose k-th cell this is."""
        furniture = item = flags = 0
        objects = self.objects
        for oid in self._cell_fixed[cell]:
            obj = objects[oid]
            furniture = obj.type.index
            flags = (FLAG_OPEN if obj.is_open else 0) | (FLAG_ON if obj.is_on else 0)
            if obj.contents and (obj.is_open or not obj.type.openable):
                k = self._slot[oid, cell]
                if k < len(obj.contents):
                    item = objects[obj.contents[k]].type.index
        p = self._pad
        self._layers[cell[0] + p, cell[1] + p, 1:] = (furniture, item, flags)

    def _build_view_offsets(self) -> None:
        self._view_offsets = view_offsets(self.view_size)

    def egocentric_view(self) -> np.ndarray:
        """(view_size, view_size, 4) uint8: row 0 is farthest ahead, the agent stands at
        the bottom centre facing up."""
        dr, dc = self._view_offsets[self.agent.heading]
        p = self._pad
        return self._layers[self.agent.row + p + dr, self.agent.col + p + dc]

    # --- actions --------------------------------------------------------------------

    def step(self, action: Action) -> ActionResult:
        handler = getattr(self, "_do_" + action.name)
        result = handler(action.target) if action.is_interaction else handler()
        return result

    def _do_Stop(self) -> ActionResult:
        return ActionResult(True)

    def _do_MoveAhead(self) -> ActionResult:
        ahead = self.agent.after("MoveAhead")
        if not self.scene.is_floor(ahead.row, ahead.col):
            return ActionResult(False, self.blocked_error(ahead.row, ahead.col))
        self.agent = ahead
        return ActionResult(True)

    def blocked_error(self, r: int, c: int) -> str:
        """Why MoveAhead onto cell (r, c) failed (the vector env asks for it too)."""
        return f"MoveAhead blocked: the cell ahead {self._describe_cell(r, c)}"

    def _describe_cell(self, r: int, c: int) -> str:
        x, z = self.scene.cell_xz(r, c)
        rows, cols = self.scene.cells.shape
        kind = self.scene.cells[r, c] if 0 <= r < rows and 0 <= c < cols else OUTSIDE
        where = f"(x={x:.2f}, z={z:.2f})"
        if kind == FURNITURE and (r, c) in self._cell_fixed:
            return f"{where} is taken by {self._cell_fixed[(r, c)][0]}"
        return f"{where} is {'a wall' if kind != OUTSIDE else 'outside the floor plan'}"

    def _do_RotateLeft(self) -> ActionResult:
        self.agent = self.agent.after("RotateLeft")
        return ActionResult(True)

    def _do_RotateRight(self) -> ActionResult:
        self.agent = self.agent.after("RotateRight")
        return ActionResult(True)

    def _do_LookUp(self) -> ActionResult:
        return self._look(-15)

    def _do_LookDown(self) -> ActionResult:
        return self._look(15)

    def _look(self, delta: int) -> ActionResult:
        horizon = self.agent.horizon + delta
        if horizon not in HORIZONS:
            return ActionResult(False, look_error("LookUp" if delta < 0 else "LookDown", self.agent.horizon))
        self.agent = self.agent._replace(horizon=horizon)
        return ActionResult(True)

    # Interactions: resolve the target, check every precondition, then change the world.

    def _resolve(self, action: str, target: str | None, check) -> tuple[WorldObject | None, str]:
        """The object `target` names, if visible and `check` passes; else an error. A type
        name picks the nearest visible instance for which the action can succeed."""
        if not target:
            return None, no_target_error(action)
        try:
            pixel = parse_pixel_target(target)
        except ValueError as e:
            return None, f"{action} failed: {e}"
        if pixel is not None:
            target, error = self._object_at_pixel(action, pixel)
            if target is None:
                return None, error
        visible = self.visible_objects()
        if "|" in target:
            if target not in self.objects:
                return None, f"{action} failed: no object with id {target!r} in this scene"
            if target == self.held:
                return None, f"{action} failed: {target} is in the agent's hand"
            if target not in (oid for _, oid in visible):
                return None, f"{action} failed: {target} is not visible within 1.5 m ({self._hidden_reason(target)})"
            obj = self.objects[target]
            error = check(obj)
            return (None, f"{action} failed: {error}") if error else (obj, "")
        if target not in OBJECT_TYPES and target not in TYPE_FAMILIES:
            close = difflib.get_close_matches(target, TYPE_NAMES, n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            return None, f"{action} failed: unknown object type {target!r}{hint}"
        names = types_named(target)
        candidates = [self.objects[oid] for _, oid in visible if self.objects[oid].type.name in names]
        if not candidates:
            return None, none_visible_error(action, target)
        errors = []
        for obj in candidates:
            error = check(obj)
            if not error:
                return obj, ""
            errors.append(error)
        return None, f"{action} failed: {errors[0]}"

    def _object_at_pixel(self, action: str, pixel: tuple[int, int]) -> tuple[str | None, str]:
        """The id of the object the camera's frame shows at pixel (x, y), as ALFRED reads an
        interaction mask; else None and why (no camera, outside the frame, the room)."""
        if self.sight is None:
            return None, (f"{action} failed: a pixel target needs the camera's visibility (an env with camera "
                          f"observations); this world sees by the geometric rule")
        x, y = pixel
        height, width = self.sight.frame_shape
        if not (0 <= x < width and 0 <= y < height):
            return None, (f"{action} failed: pixel ({x}, {y}) is outside the {width}x{height} frame (expected x "
                          f"0..{width - 1}, y 0..{height - 1})")
        object_id = self.sight.object_at(self, x, y)
        if object_id is None:
            return None, f"{action} failed: pixel ({x}, {y}) shows no object (the floor, a wall or the ceiling)"
        return object_id, ""

    def _hidden_reason(self, object_id: str) -> str:
        obj = self.objects[object_id]
        parent = self.objects.get(obj.parent) if obj.parent else None
        while parent is not None:
            if parent.type.openable and not parent.is_open:
                return f"it is inside {parent.id}, which is closed"
            parent = self.objects.get(parent.parent) if parent.parent else None
        if self.sight is not None:
            return "it is out of view, hidden behind something, or farther than 1.5 m"
        return "it is out of view or farther than 1.5 m"

    def _do_PickupObject(self, target) -> ActionResult:
        def check(obj: WorldObject) -> str:
            if not obj.type.pickupable:
                return f"{obj.id} cannot be picked up"
            if self.held is not None:
                return f"the agent already holds {self.held}; put it somewhere first"
            return ""

        obj, error = self._resolve("PickupObject", target, check)
        if obj is None:
            return ActionResult(False, error)
        root = self.root_fixed(obj.id)
        self.objects[obj.parent].contents.remove(obj.id)
        obj.parent = None
        self.held = obj.id
        self._changed(root)
        return ActionResult(True, object_id=obj.id)

    def _do_PutObject(self, target) -> ActionResult:
        if self.held is None:
            return ActionResult(False, HOLDS_NOTHING_ERROR)
        held = self.objects[self.held]

        def check(obj: WorldObject) -> str:
            if not obj.type.receptacle:
                return f"{obj.id} is not a receptacle"
            if obj.type.openable and not obj.is_open:
                return f"{obj.id} is closed; open it first"
            if held.type.name not in obj.type.accepts:
                return f"{obj.type.name} does not accept {held.type.name}"
            if len(obj.contents) >= obj.type.capacity:
                return f"{obj.id} is full (it holds {obj.type.capacity})"
            return ""

        obj, error = self._resolve("PutObject", target, check)
        if obj is None:
            return ActionResult(False, error)
        held.parent = obj.id
        obj.contents.append(held.id)
        self.held = None
        self._apply_appliance(obj)
        self._changed(self.root_fixed(obj.id))
        return ActionResult(True, object_id=obj.id)

    def _do_OpenObject(self, target) -> ActionResult:
        def check(obj: WorldObject) -> str:
            if not obj.type.openable:
                return f"{obj.id} cannot be opened"
            if obj.is_open:
                return f"{obj.id} is already open"
            if obj.is_on:
                return f"{obj.id} is switched on; switch it off before opening it"
            return ""

        return self._set_open(*self._resolve("OpenObject", target, check), True)

    def _do_CloseObject(self, target) -> ActionResult:
        def check(obj: WorldObject) -> str:
            if not obj.type.openable:
                return f"{obj.id} cannot be closed"
            if not obj.is_open:
                return f"{obj.id} is already closed"
            return ""

        return self._set_open(*self._resolve("CloseObject", target, check), False)

    def _set_open(self, obj: WorldObject | None, error: str, is_open: bool) -> ActionResult:
        if obj is None:
            return ActionResult(False, error)
        obj.is_open = is_open
        if not is_open and obj.type.name == "Fridge":
            for inside in self.nested_contents(obj):
                inside.cooled = True
        self._changed(self.root_fixed(obj.id))
        return ActionResult(True, object_id=obj.id)

    def _do_ToggleObjectOn(self, target) -> ActionResult:
        def check(obj: WorldObject) -> str:
            if not obj.type.toggleable:
                return f"{obj.id} cannot be switched on"
            if obj.is_on:
                return f"{obj.id} is already on"
            if obj.type.name == "Microwave" and obj.is_open:
                return f"{obj.id} is open; close it before switching it on"
            return ""

        return self._set_on(*self._resolve("ToggleObjectOn", target, check), True)

    def _do_ToggleObjectOff(self, target) -> ActionResult:
        def check(obj: WorldObject) -> str:
            if not obj.type.toggleable:
                return f"{obj.id} cannot be switched off"
            if not obj.is_on:
                return f"{obj.id} is already off"
            return ""

        return self._set_on(*self._resolve("ToggleObjectOff", target, check), False)

    def _set_on(self, obj: WorldObject | None, error: str, is_on: bool) -> ActionResult:
        if obj is None:
            return ActionResult(False, error)
        obj.is_on = is_on
        controlled = self.objects[obj.controls] if obj.controls else None
        if controlled is not None:
            controlled.is_on = is_on
            self._apply_appliance(controlled)
            self._changed(self.root_fixed(controlled.id))
        self._apply_appliance(obj)
        self._changed(self.root_fixed(obj.id))
        return ActionResult(True, object_id=obj.id)

    def _apply_appliance(self, obj: WorldObject) -> None:
        """ALFRED's state changes: what is in a running microwave or on a lit burner is
        heated; what is in a basin under a running faucet is cleaned."""
        name = obj.type.name
        if name == "Microwave" and obj.is_on or name == "StoveBurner" and obj.is_on:
            for inside in self.nested_contents(obj):
                inside.heated = True
        elif name in ("SinkBasin", "BathtubBasin") and obj.is_on:
            for inside in self.nested_contents(obj):
                inside.cleaned = True
                inside.is_dirty = False

    def _do_SliceObject(self, target) -> ActionResult:
        def check(obj: WorldObject) -> str:
            if self.held is None or self.objects[self.held].type.name not in SLICING_TOOLS:
                return "slicing needs a Knife or ButterKnife in hand"
            if not obj.type.sliceable:
                return f"{obj.id} cannot be sliced"
            return ""

        obj, error = self._resolve("SliceObject", target, check)
        if obj is None:
            return ActionResult(False, error)
        parent = self.objects[obj.parent]
        index = parent.contents.index(obj.id)
        sliced_type = object_type(obj.type.sliced_name)
        pieces = []
        for k in range(SLICES[obj.type.name]):
            piece = WorldObject(f"{obj.id}|{sliced_type.name}_{k + 1}", sliced_type, None,
                                parent.id, False, False, obj.is_dirty, None)
            piece.heated, piece.cooled, piece.cleaned = obj.heated, obj.cooled, obj.cleaned
            self.objects[piece.id] = piece
            pieces.append(piece.id)
        parent.contents[index:index + 1] = pieces
        del self.objects[obj.id]
        self._changed(self.root_fixed(parent.id))
        return ActionResult(True, object_id=obj.id)

    def _changed(self, fixed: WorldObject | None) -> None:
        self.version += 1
        if fixed is not None and fixed.id in self.scene.fixed_index:
            self._refresh(fixed.id)

    # --- queries for tasks, planners and tests ----------------------------------------

    def objects_of_type(self, type_name: str) -> list[WorldObject]:
        """The objects of a type, or of any type of a family (object_types.TYPE_FAMILIES)."""
        names = types_named(type_name)
        return [o for o in self.objects.values() if o.type.name in names]

    def agent_position(self) -> tuple[float, float]:
        return self.scene.cell_xz(self.agent.row, self.agent.col)

