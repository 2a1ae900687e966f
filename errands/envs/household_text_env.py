"""`errands/HouseholdText-v0`: the household world as text, with ALFWorld's observations and
command grammar, for language agents that act step by step (ReAct-style).

Commands: `go to {recep}`, `open {recep}`, `close {recep}`, `take {obj} from {recep}`,
`put {obj} in/on {recep}` (or `move {obj} to {recep}`), `use {lamp}`, `heat/cool/clean
{obj} with {recep}`, `slice {obj} with {knife}`, `examine {x}`, `inventory`, `look`.
Objects are named as ALFWorld names them: the lower-case type and a number per type
("countertop 1", "apple 2"). Each command runs as primitive actions in the household
world (walking is a shortest path), so goal conditions and success are ALFRED's.
`info["admissible_commands"]` lists the commands that make sense now.
"""

from __future__ import annotations

import re

import gymnasium as gym
from gymnasium import spaces

from .actions import Action
from .household.navigation import shortest_actions
from .household.object_types import SLICING_TOOLS
from .household.scene import Pose
from .household.world import World, WorldObject
from .tasks.goals import goal_conditions
from .tasks.sampler import TaskSampler, task_for_episode
from .tasks.task import Task
from .tasks.world_text import visible_text
from .transforms import TRANSFORMS, Transform, transform_named

MAX_TEXT_STEPS = 50
TEXT_CHARSET = "".join(chr(c) for c in range(32, 127)) + "\n"
MAX_TEXT = 4096
TRANSFORM_COMMANDS = "|".join(t.name for t in TRANSFORMS)  # "clean apple 1 with sinkbasin 1", heat, cool


class HouseholdTextEnv(gym.Env):
    metadata = {"render_modes": []}

    def __init__(self, task: Task | dict | None = None, scene=None, split: str = "seen",
                 layouts_dir: str | None = None, max_steps: int = MAX_TEXT_STEPS):
        self.fixed_task = Task.from_dict(task) if isinstance(task, dict) else task
        self.sampler = TaskSampler(split=split, scene=scene, layouts_dir=layouts_dir)
        self.layouts_dir = layouts_dir
        self.max_steps = max_steps
        self.observation_space = spaces.Text(MAX_TEXT, charset=TEXT_CHARSET)
        self.action_space = spaces.Text(256, charset=TEXT_CHARSET)
        self.world: World | None = None

    # --- Gymnasium API ---------------------------------------------------------------

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self.task = task_for_episode(options, self.fixed_task, self.sampler, self.np_random)
        self.world = World(self.task.build_scene(self.layouts_dir))
        self._name_objects()
        self.location: str | None = None
        self.steps = 0
        self.primitive_steps = 0
        places = ", ".join(_with_article(self.names[o.id]) for o in self._places())
        text = (f"You are in the middle of a room. Looking quickly around you, you see {places}.\n\n"
                f"Your task is to: {self.task.instruction}")
        return text[:MAX_TEXT], self._info()

    def step(self, command):
        if self.world is None:
            raise RuntimeError("call reset() before step()")
        self.steps += 1
        command = " ".join(str(command).strip().lower().split())
        try:
            text = self._execute(command)
        except _Nothing:
            text = "Nothing happens."
        met, total = goal_conditions(self.task.goal, self.world)
        success = met == total
        terminated = success
        truncated = not terminated and self.steps >= self.max_steps
        return text[:MAX_TEXT], float(success), terminated, truncated, self._info(met, total)

    def _info(self, met: int | None = None, total: int | None = None) -> dict:
        if met is None:
            met, total = goal_conditions(self.task.goal, self.world)
        return {"admissible_commands": self.admissible_commands(), "goal_conditions_met": (met, total),
                "visible_text": visible_text(self.task.texts, self.world.visible_ids()) if self.location else [],
                "success": met == total, "steps": self.steps, "primitive_steps": self.primitive_steps,
                "task_id": self.task.task_id, "task_type": self.task.goal.task_type}

    # --- names --------------------------------------------------------------------------

    def _name_objects(self) -> None:
        """ALFWorld's names, stable for the episode: type in lower case and a number."""
        counts: dict[str, int] = {}
        self.names: dict[str, str] = {}
        for oid in sorted(self.world.objects, key=lambda i: (self.world.objects[i].position is None, i)):
            base = self.world.objects[oid].type.name.lower()
            counts[base] = counts.get(base, 0) + 1
            self.names[oid] = f"{base} {counts[base]}"
        self.ids = {name: oid for oid, name in self.names.items()}

    def name(self, object_id: str) -> str:
        if object_id not in self.names:  # a slice made during the episode
            base = self.world.objects[object_id].type.name.lower()
            n = sum(1 for v in self.names.values() if v.rsplit(" ", 1)[0] == base) + 1
            self.names[object_id] = f"{base} {n}"
            self.ids[self.names[object_id]] = object_id
        return self.names[object_id]

    def _places(self) -> list[WorldObject]:
        """Receptacles and lights the agent can walk to."""
        scene = self.world.scene
        return [self.world.objects[o.id] for o in scene.fixed
                if (o.object_type.receptacle or o.object_type.light) and o.type != "Sink"
                and len(scene.interaction_poses.get(o.id, ()))]

    # --- commands -----------------------------------------------------------------------

    def _execute(self, command: str) -> str:
        if command == "look":
            where = f"facing the {self.name(self.location)}" if self.location else "in the middle of a room"
            return f"You are {where}. Next to it, you see nothing."
        if command == "inventory":
            return f"You are carrying: {_with_article(self.name(self.world.held))}." if self.world.held \
                else "You are not carrying anything."
        if m := re.fullmatch(r"go to (.+)", command):
            return self._go(self._object(m[1]))
        if m := re.fullmatch(r"(open|close) (.+)", command):
            return self._open_close(m[1], self._object(m[2]))
        if m := re.fullmatch(r"take (.+) from (.+)", command):
            return self._take(self._object(m[1]), self._object(m[2]))
        if m := re.fullmatch(r"(?:put (.+) (?:in|on|in/on) (.+)|move (.+) to (.+))", command):
            obj, rec = (m[1], m[2]) if m[1] else (m[3], m[4])
            return self._put(self._object(obj), self._object(rec))
        if m := re.fullmatch(r"use (.+)", command):
            return self._use(self._object(m[1]))
        if m := re.fullmatch(rf"({TRANSFORM_COMMANDS}) (.+) with (.+)", command):
            return self._transform(transform_named(m[1]), self._object(m[2]), self._object(m[3]))
        if m := re.fullmatch(r"slice (.+) with (.+)", command):
            return self._slice(self._object(m[1]), self._object(m[2]))
        if m := re.fullmatch(r"examine (.+)", command):
            return self._examine(self._object(m[1]))
        raise _Nothing

    def _object(self, name: str) -> WorldObject:
        oid = self.ids.get(name)
        if oid is None or oid not in self.world.objects:
            raise _Nothing
        return self.world.objects[oid]

    def _act(self, *actions: Action) -> bool:
        """Run primitive actions; stop at the first failure (the world is then unchanged by it)."""
        for action in actions:
            self.primitive_steps += 1
            if not self.world.step(action).success:
                return False
        return True

    def _go(self, place: WorldObject) -> str:
        poses = [Pose(*p) for p in self.world.scene.interaction_poses.get(place.id, ()).tolist()]
        path = shortest_actions(self.world.scene, self.world.agent, poses) if place.position is not None else None
        if path is None or not self._act(*(Action(a) for a in path)):
            raise _Nothing
        self.location = place.id
        return f"You arrive at {self.name(place.id)}. {self._describe(place)}{self._read_here()}"

    def _read_here(self) -> str:
        """The text written on what the agent sees where it stands, in words."""
        said = [f' The {t["kind"]} on the {self.name(t["object"])} reads: "{t["text"]}"'
                for t in visible_text(self.task.texts, self.world.visible_ids())]
        return "".join(said)

    def _describe(self, place: WorldObject) -> str:
        n = self.name(place.id)
        if place.type.openable and not place.is_open:
            return f"The {n} is closed."
        if not place.type.receptacle:
            return f"The {n} is {'on' if place.is_on else 'off'}."
        things = ", ".join(_with_article(self.name(c)) for c in place.contents)
        prep = "In" if place.type.openable else "On"
        return f"{prep} the {n}, you see {things or 'nothing'}."

    def _here(self, obj: WorldObject) -> bool:
        return self.location is not None and obj.id in self.world.visible_ids()

    def _open_close(self, verb: str, obj: WorldObject) -> str:
        if obj.id != self.location or not self._act(Action("OpenObject" if verb == "open" else "CloseObject", obj.id)):
            raise _Nothing
        if verb == "close":
            return f"You close the {self.name(obj.id)}."
        return f"You open the {self.name(obj.id)}. {self._describe(obj)}"

    def _take(self, obj: WorldObject, place: WorldObject) -> str:
        if obj.parent != place.id or not self._here(obj) or not self._act(Action("PickupObject", obj.id)):
            raise _Nothing
        return f"You pick up the {self.name(obj.id)} from the {self.name(place.id)}."

    def _put(self, obj: WorldObject, place: WorldObject) -> str:
        if self.world.held != obj.id or not self._here(place) or not self._act(Action("PutObject", place.id)):
            raise _Nothing
        return f"You put the {self.name(obj.id)} in/on the {self.name(place.id)}."

    def _use(self, lamp: WorldObject) -> str:
        if not lamp.type.toggleable or not self._here(lamp) or lamp.is_on:
            raise _Nothing
        if not self._act(Action("ToggleObjectOn", lamp.id)):
            raise _Nothing
        return f"You turn on the {self.name(lamp.id)}."

    def _transform(self, transform: Transform, obj: WorldObject, place: WorldObject) -> str:
        if self.world.held != obj.id or place.type.name != transform.appliance or place.id != self.location:
            raise _Nothing
        control = None
        if transform.needs_control:
            control = next((o for o in self.world.objects.values() if o.controls == place.id), None)
            if control is None:
                raise _Nothing
        if not self._act(*transform.actions(place, obj.id, control.id if control else None)):
            raise _Nothing
        return f"You {transform.name} the {self.name(obj.id)} using the {self.name(place.id)}."

    def _slice(self, obj: WorldObject, knife: WorldObject) -> str:
        if self.world.held != knife.id or not self._here(obj):
            raise _Nothing
        name = self.name(obj.id)
        if not self._act(Action("SliceObject", obj.id)):
            raise _Nothing
        return f"You slice {name} with the {self.name(knife.id)}."

    def _examine(self, obj: WorldObject) -> str:
        if obj.id == self.world.held or obj.id == self.location:
            if obj.id == self.location:
                return self._describe(obj) + self._read_here()
            written = [t for t in self.task.texts if t.object_id == obj.id]
            if written:
                return " ".join(f'The {t.kind} on it reads: "{t.text}"' for t in written)
            return f"This is a normal {self.name(obj.id)}."
        raise _Nothing

    # --- admissible commands ------------------------------------------------------------

    def admissible_commands(self) -> list[str]:
        w = self.world
        visible = set(w.visible_ids())
        commands = [f"go to {self.name(p.id)}" for p in self._places() if p.id != self.location]
        commands += ["inventory", "look"]
        held = w.objects[w.held] if w.held else None
        here = w.objects[self.location] if self.location else None
        if here is not None:
            commands.append(f"examine {self.name(here.id)}")
            if here.type.openable:
                commands.append(f"{'close' if here.is_open else 'open'} {self.name(here.id)}")
            if held is None and (here.is_open or not here.type.openable):
                commands += [f"take {self.name(c)} from {self.name(here.id)}" for c in here.contents
                             if w.objects[c].type.pickupable and c in visible]
            if held is not None:
                hn = self.name(held.id)
                commands.append(f"examine {hn}")
                targets = [here] + [w.objects[c] for c in here.contents if c in visible]
                commands += [f"move {hn} to {self.name(t.id)}" for t in targets
                             if t.type.receptacle and held.type.name in t.type.accepts]
                for t in TRANSFORMS:
                    if here.type.name == t.appliance:
                        commands.append(f"{t.name} {hn} with {self.name(here.id)}")
                if held.type.name in SLICING_TOOLS:
                    nearby = [o for o in visible if w.objects[o].type.sliceable and w.root_fixed(o) is here]
                    commands += [f"slice {self.name(c)} with {hn}" for c in nearby]
            if here.type.light and not here.is_on:
                commands.append(f"use {self.name(here.id)}")
        return commands


class _Nothing(Exception):
    """ALFWorld's answer to a command that does not apply: "Nothing happens."."""


def _with_article(name: str) -> str:
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"
