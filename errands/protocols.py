"""Evaluation protocols: what a planner and a skill policy may receive.

ALFRED's rule is that an agent sees the camera's RGB image and the language, nothing
else, at test time. A protocol names the inputs it gives; a planner or policy declares
the inputs it needs as a class (or instance) attribute `inputs`, a tuple of INPUTS
names. A run under a protocol refuses, before its first episode, a component that
declares an input the protocol does not give (or declares nothing, so that what it
reads is unknown), and during the run hands it only what the protocol gives: the
observation's and info's keys of those inputs (`observation`, `info`), skill calls
without object ids (`skill_call`), and a planning context with the permitted fields.

`privileged` gives everything (the symbolic view, the goal sensors, the env's list of
visible objects, the simulator's state): the scripted expert and the packaged learned
policy play under it, with or without a camera deciding visibility. `rgb`, `rgbd` and
`rgb-segmentation` are ALFRED's rule and its two declared extensions (depth; instance
segmentation values, without the table naming the object under each value).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

# Every input a component may declare, and what it is.
INPUTS = {
    "instruction": "the instruction text",
    "rgb": "the camera's RGB image",
    "depth": "the camera's depth image",
    "segmentation": "the camera's instance segmentation image (values, not the ids they stand for)",
    "action_success": "whether its own last action succeeded, and its step and failure counts",
    "view": "the symbolic egocentric grid",
    "pose": "the agent's pose on the grid",
    "held": "the type of the object in hand",
    "point_goal": "the goal sensors (where the grounded target is, whether it is in view)",
    "visible_objects": "the env's list of the objects in view (an ideal object detector)",
    "visible_text": "the text written on objects in view, as text",
    "object_ids": "object ids (grounded skill calls, error messages, the segmentation's id table)",
    "object_types": "the object types present in the scene",
    "goal": "the task's goal, its typed constraints and its goal conditions",
    "world": "the simulator's state",
}
# The input each observation and info key belongs to (keys not listed are never given
# under a protocol that is not privileged).
OBSERVATION_INPUTS = {"instruction": "instruction", "rgb": "rgb", "depth": "depth", "segmentation": "segmentation",
                      "view": "view", "pose": "pose", "held": "held", "point_goal": "point_goal",
                      "goal_visible": "point_goal"}
INFO_INPUTS = {"last_action_success": "action_success", "steps": "action_success", "failures": "action_success",
               "error_message": "object_ids", "last_action": "object_ids", "last_action_object": "object_ids",
               "held_object": "object_ids", "segmentation_ids": "object_ids", "visible_objects": "visible_objects",
               "visible_text": "visible_text", "goal_holders": "point_goal", "agent_position": "pose",
               "agent_pose": "pose", "task_type": "goal", "goal_conditions_met": "goal", "success": "goal",
               "task_id": "world", "scene": "world"}
CAMERA_INPUTS = ("rgb", "depth", "segmentation")


class ProtocolError(ValueError):
    """A planner or policy needs an input the run's protocol does not give."""


@dataclass(frozen=True)
class Protocol:
    name: str
    description: str
    gives: frozenset[str] | None  # the inputs given; None: every input (privileged)

    @property
    def privileged(self) -> bool:
        return self.gives is None

    @property
    def camera_keys(self) -> tuple[str, ...]:
        """The camera images the env renders for this protocol (none asked for when privileged)."""
        return () if self.gives is None else tuple(k for k in CAMERA_INPUTS if k in self.gives)

    def allows(self, name: str) -> bool:
        return self.gives is None or name in self.gives

    def check(self, component, role: str) -> None:
        """Refuse a planner or policy (`role` says which) that needs what this protocol does
        not give; a privileged protocol takes any."""
        if self.privileged:
            return
        label = f"{role} {getattr(component, 'name', type(component).__name__)!r}"
        needed = declared_inputs(component)
        if needed is None:
            raise ProtocolError(f"{label} declares no inputs (an `inputs` attribute naming what it reads), so "
                                f"protocol {self.name!r} cannot tell that it reads only {self.given()}")
        unknown = [n for n in needed if n not in INPUTS]
        if unknown:
            raise ProtocolError(f"{label} declares unknown inputs {unknown}: expected some of {', '.join(INPUTS)}")
        refused = [n for n in needed if not self.allows(n)]
        if refused:
            what = "; ".join(f"{n} ({INPUTS[n]})" for n in refused)
            raise ProtocolError(f"{label} needs {what}, which protocol {self.name!r} does not give: it gives "
                                f"{self.given()} only")

    def given(self) -> str:
        return "every input" if self.gives is None else ", ".join(n for n in INPUTS if n in self.gives)

    def observation(self, observation: dict) -> dict:
        """The observation keys this protocol gives."""
        if self.privileged:
            return observation
        return {k: v for k, v in observation.items() if k in OBSERVATION_INPUTS and self.allows(OBSERVATION_INPUTS[k])}

    def observation_space(self, space):
        """A gymnasium Dict space with the keys this protocol gives."""
        if self.privileged:
            return space
        from gymnasium import spaces

        return spaces.Dict({k: s for k, s in space.spaces.items()
                            if k in OBSERVATION_INPUTS and self.allows(OBSERVATION_INPUTS[k])})

    def info(self, info: dict) -> dict:
        """The info keys this protocol gives."""
        if self.privileged:
            return info
        return {k: v for k, v in info.items() if k in INFO_INPUTS and self.allows(INFO_INPUTS[k])}

    def skill_call(self, call):
        """The skill call as given to the policy: without object ids unless they are given."""
        if self.allows("object_ids") or not call.ids:
            return call
        return replace(call, ids=None)

    def to_dict(self) -> dict:
        return {"name": self.name, "privileged": self.privileged,
                "inputs": list(INPUTS) if self.gives is None else [n for n in INPUTS if n in self.gives]}


def declared_inputs(component) -> tuple[str, ...] | None:
    """The inputs a planner or policy declares (`inputs`), with "world" for one that
    declares `needs_world` and "point_goal" for one that reads env sensors; None when it
    declares nothing."""
    inputs = getattr(component, "inputs", None)
    if inputs is None:
        return None
    if isinstance(inputs, str) or not all(isinstance(n, str) for n in inputs):
        raise ProtocolError(f"{getattr(component, 'name', component)!r} declares inputs {inputs!r}: expected a "
                            f"tuple of input names")
    needed = list(inputs)
    if getattr(component, "needs_world", False) is True and "world" not in needed:
        needed.append("world")
    if getattr(component, "sensors", ()) and "point_goal" not in needed:
        needed.append("point_goal")
    return tuple(needed)


_ALFRED = frozenset({"instruction", "rgb", "action_success"})
PROTOCOLS = {p.name: p for p in (
    Protocol("privileged", "every input: the symbolic view, goal sensors, visible objects and the simulator's state "
                           "(the scripted expert's and the symbolic policies' protocol)", None),
    Protocol("rgb", "ALFRED's rule: the camera's RGB image and the language (and its own last action's success)",
             _ALFRED),
    Protocol("rgbd", "ALFRED's rule with the camera's depth image", _ALFRED | {"depth"}),
    Protocol("rgb-segmentation", "ALFRED's rule with the camera's instance segmentation (values, not ids)",
             _ALFRED | {"segmentation"}),
)}
DEFAULT_PROTOCOL = "privileged"


def protocol(name: str) -> Protocol:
    """The protocol named `name`; a ValueError naming the known ones otherwise."""
    found = PROTOCOLS.get(name)
    if found is None:
        raise ValueError(f"unknown protocol {name!r}: expected one of {', '.join(PROTOCOLS)}")
    return found
