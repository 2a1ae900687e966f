"""A stand-in for AI2-THOR's Unity process, for tests: it speaks the FIFO protocol the
real `ai2thor` client speaks to a build (msgpack metadata, raw image buffers, each field
a `!BI` header of type and length, a message closed by an END_OF_MESSAGE header), and
answers each action with an event built from the fixtures here, changed by a few of
THOR's rules (MiniThor). It is not THOR: no physics, no rendering; what it gives is the
client's real code path and metadata in THOR's schema.

Run as the Controller's `local_executable_path` (through a small launcher script that
names this Python); the client passes the pipes' paths in AI2THOR_FIFO_* variables.
"""

from __future__ import annotations

import copy
import json
import math
import os
import struct
import sys
from pathlib import Path

import numpy as np

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCENES = {"FloorPlan1_physics": "floorplan1_kitchen.json", "FloorPlan301_physics": "floorplan301_bedroom.json"}
HEADER = "!BI"
METADATA, ACTION, RGB_IMAGE, DEPTH_IMAGE, IDS_IMAGE, END_OF_MESSAGE = 1, 2, 4, 5, 9, 255
KNIVES = ("Knife", "ButterKnife")


def load_fixture(scene: str) -> dict:
    return json.loads((FIXTURES / SCENES[scene]).read_text())


class MiniThor:
    """THOR's metadata for one scene and the rules of the actions errands sends."""

    def __init__(self, scene: str = "FloorPlan1_physics"):
        self.metadata = load_fixture(scene)
        self.init_params: dict = {}

    # --- helpers ------------------------------------------------------------------

    def obj(self, object_id: str) -> dict | None:
        return next((o for o in self.metadata["objects"] if o["objectId"] == object_id), None)

    def held(self) -> dict | None:
        inventory = self.metadata["inventoryObjects"]
        return self.obj(inventory[0]["objectId"]) if inventory else None

    def detach(self, o: dict) -> None:
        for r in self.metadata["objects"]:
            if r["receptacleObjectIds"] and o["objectId"] in r["receptacleObjectIds"]:
                r["receptacleObjectIds"].remove(o["objectId"])
        o["parentReceptacles"] = None

    def place(self, o: dict, receptacle: dict) -> None:
        self.detach(o)
        receptacle["receptacleObjectIds"].append(o["objectId"])
        o["parentReceptacles"] = [receptacle["objectId"]]
        o["position"] = dict(receptacle["position"])
        for inside in o.get("receptacleObjectIds") or []:  # what it carries comes along
            self.obj(inside)["parentReceptacles"] = [o["objectId"], receptacle["objectId"]]

    # --- the rules ----------------------------------------------------------------

    def apply(self, action: dict) -> None:
        """Apply one action; set lastAction, lastActionSuccess, errorMessage, actionReturn."""
        m = self.metadata
        name = action["action"]
        m.update(lastAction=name, lastActionSuccess=True, errorMessage="", errorCode=None, actionReturn=None)
        error = self.rule(name, action)
        if error:
            code, message = error if isinstance(error, tuple) else (None, error)
            m.update(lastActionSuccess=False, errorMessage=message, errorCode=code)

    def rule(self, name: str, a: dict):
        m, agent = self.metadata, self.metadata["agent"]
        if name in ("Initialize", "Pass"):
            if name == "Initialize":
                self.init_params = dict(a)
            return None
        if name == "GetScenesInBuild":
            m["actionReturn"] = sorted(SCENES)
            return None
        if name == "ChangeResolution":
            m["screenWidth"], m["screenHeight"] = int(a["x"]), int(a["y"])
            return None
        if name == "MoveAhead":
            heading = math.radians(agent["rotation"]["y"])
            agent["position"]["x"] = round(agent["position"]["x"] + a.get("moveMagnitude", 0.25) * math.sin(heading), 4)
            agent["position"]["z"] = round(agent["position"]["z"] + a.get("moveMagnitude", 0.25) * math.cos(heading), 4)
            return None
        if name in ("RotateLeft", "RotateRight"):
            sign = -1 if name == "RotateLeft" else 1
            agent["rotation"]["y"] = (agent["rotation"]["y"] + sign * a.get("degrees", 90)) % 360
            return None
        if name in ("LookUp", "LookDown"):
            horizon = agent["cameraHorizon"] + (-1 if name == "LookUp" else 1) * a.get("degrees", 30)
            if not -30 <= horizon <= 60:
                return f"can't {name} past horizon {horizon}"
            agent["cameraHorizon"] = horizon
            return None
        if name == "TeleportFull":
            agent["position"] = dict(a["position"])
            agent["rotation"] = {"x": 0.0, "y": a["rotation"]["y"], "z": 0.0}
            agent["cameraHorizon"] = a["horizon"]
            return None
        if name == "SetObjectPoses":
            for pose in a["objectPoses"]:
                for o in m["objects"]:
                    if o["name"] == pose["objectName"]:
                        o["position"], o["rotation"] = dict(pose["position"]), dict(pose["rotation"])
            return None
        if name == "SetObjectStates":
            return None
        if name not in ("PickupObject", "PutObject", "OpenObject", "CloseObject", "ToggleObjectOn",
                        "ToggleObjectOff", "SliceObject", "CleanObject"):
            return ("InvalidAction", f"Invalid action: {name}")
        o = self.obj(a.get("objectId", ""))
        if o is None:
            return ("InvalidArgument", f"Object ID appears to be invalid: {a.get('objectId')}")
        if not o["visible"] and not a.get("forceAction"):
            return f"{o['objectId']} is not visible"
        held = self.held()
        if name == "PickupObject":
            if held is not None:
                return "Agent's hand is not empty"
            if not o["pickupable"]:
                return f"{o['objectId']} is not pickupable"
            self.detach(o)
            o["isPickedUp"] = True
            m["inventoryObjects"] = [{"objectId": o["objectId"], "objectType": o["objectType"]}]
        elif name == "PutObject":
            if held is None:
                return "Agent is not holding an object"
            if not o["receptacle"]:
                return f"{o['objectId']} is not a receptacle"
            if o["openable"] and not o["isOpen"]:
                return f"{o['objectId']} is closed"
            held["isPickedUp"] = False
            m["inventoryObjects"] = []
            self.place(held, o)
        elif name in ("OpenObject", "CloseObject"):
            if not o["openable"]:
                return f"{o['objectId']} is not openable"
            o["isOpen"] = name == "OpenObject"
        elif name in ("ToggleObjectOn", "ToggleObjectOff"):
            if not o["toggleable"]:
                return f"{o['objectId']} is not toggleable"
            o["isToggled"] = name == "ToggleObjectOn"
        elif name == "SliceObject":
            if not o["sliceable"] or o["isSliced"]:
                return f"{o['objectId']} cannot be sliced"
            if held is None or held["objectType"] not in KNIVES:
                return "Agent must be holding a knife to slice"
            self.slice(o)
        elif name == "CleanObject":
            o["isDirty"] = False
        return None

    def slice(self, o: dict) -> None:
        """THOR replaces a sliced object by its slices (ids ...|AppleSliced_N)."""
        o["isSliced"] = True
        parent = next((r for r in self.metadata["objects"]
                       if r["receptacleObjectIds"] and o["objectId"] in r["receptacleObjectIds"]), None)
        for n in range(2):
            piece = copy.deepcopy(o)
            piece.update(objectId=f"{o['objectId']}|{o['objectType']}Sliced_{n}", objectType=f"{o['objectType']}Sliced",
                         name=f"{o['name']}_Slice_{n}", sliceable=False, isSliced=False)
            self.metadata["objects"].append(piece)
            if parent is not None:
                parent["receptacleObjectIds"].append(piece["objectId"])
        self.detach(o)
        o["visible"] = False

    # --- frames -------------------------------------------------------------------

    def colors(self) -> list[dict]:
        return [{"name": o["objectId"], "color": [(37 * i + 11) % 256, (91 * i + 53) % 256, (13 * i + 200) % 256]}
                for i, o in enumerate(self.metadata["objects"])]

    def frames(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """RGB, depth and instance colours: each visible object a vertical band, in order."""
        h, w = self.metadata["screenHeight"], self.metadata["screenWidth"]
        ids = np.zeros((h, w, 3), dtype=np.uint8)
        visible = [(o, c) for o, c in zip(self.metadata["objects"], self.colors()) if o["visible"]]
        band = max(1, w // max(1, len(visible)))
        for i, (o, c) in enumerate(visible):
            ids[h // 4:, i * band:(i + 1) * band] = c["color"]
        rgb = (ids // 2 + np.uint8(int(self.metadata["agent"]["rotation"]["y"]) % 128)).astype(np.uint8)
        depth = np.full((h, w), 2.5, dtype=np.float32)
        return rgb, depth, ids


# --- the FIFO protocol ---------------------------------------------------------------

def field(kind: int, body: bytes) -> bytes:
    return struct.pack(HEADER, kind, len(body)) + body


def read_exact(pipe, size: int) -> bytes:
    data = b""
    while len(data) < size:
        part = pipe.read(size - len(data))
        if not part:
            return data
        data += part
    return data


def read_action(pipe) -> dict | None:
    """The next action message (None once the client has closed its pipe)."""
    action = None
    while True:
        header = read_exact(pipe, struct.calcsize(HEADER))
        if len(header) < struct.calcsize(HEADER):
            return None
        kind, length = struct.unpack(HEADER, header)
        if kind == END_OF_MESSAGE:
            return action
        body = read_exact(pipe, length)
        if kind == ACTION:
            action = json.loads(body)


def event_message(world: MiniThor, sequence_id: int) -> bytes:
    import msgpack  # the client's own dependency

    world.metadata["colors"] = world.colors()
    world.metadata["depthFormat"] = "Meters"
    message = {"agents": [world.metadata], "sequenceId": sequence_id, "activeAgentId": 0, "thirdPartyCameras": []}
    rgb, depth, ids = world.frames()
    out = field(METADATA, msgpack.dumps(message))
    flip = lambda a: np.ascontiguousarray(np.flip(a, axis=0)).tobytes()  # the client flips rows back
    out += field(RGB_IMAGE, flip(rgb))
    if world.init_params.get("renderDepthImage"):
        out += field(DEPTH_IMAGE, flip(depth))
    if world.init_params.get("renderInstanceSegmentation"):
        out += field(IDS_IMAGE, flip(ids))
    return out + struct.pack(HEADER, END_OF_MESSAGE, 0)


def serve() -> int:
    to_client = open(os.environ["AI2THOR_FIFO_SERVER_PIPE_PATH"], "wb")
    world = MiniThor()
    world.metadata.update(screenWidth=int(_arg("-screen-width", 300)), screenHeight=int(_arg("-screen-height", 300)))
    to_client.write(event_message(world, 0))
    to_client.flush()
    from_client = open(os.environ["AI2THOR_FIFO_CLIENT_PIPE_PATH"], "rb")
    while True:
        action = read_action(from_client)
        if action is None:
            return 0
        if action["action"] == "Reset":
            size = (world.metadata["screenWidth"], world.metadata["screenHeight"])
            world = MiniThor(action["sceneName"])
            world.metadata.update(screenWidth=size[0], screenHeight=size[1], lastAction="Reset")
        else:
            world.apply(action)
        to_client.write(event_message(world, action["sequenceId"]))
        to_client.flush()


def _arg(flag: str, default):
    args = sys.argv[1:]
    return args[args.index(flag) + 1] if flag in args else default


if __name__ == "__main__":
    sys.exit(serve())
