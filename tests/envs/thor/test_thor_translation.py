"""The THOR translation layer on THOR event metadata (fixtures in THOR's documented schema,
changed by MiniThor's rules): every errands action as the THOR step ALFRED sends, targets
by id, type and mask, and every task type's goal conditions counted from the metadata
with the states ALFRED's env tracks. No ai2thor needed."""

import numpy as np
import pytest

from errands.envs.actions import ACTIONS, Action
from errands.envs.household.object_types import TYPE_NAMES
from errands.envs.tasks.goals import TaskGoal
from errands.envs.tasks.types import TASK_TYPES
from errands.envs.thor.actions import CannotAct, clean_steps, resolve_mask, resolve_target, thor_step
from errands.envs.thor.env import alfred_scene_steps, thor_scene_name
from errands.envs.thor.state import OTHER_TYPE, ThorState, TrackedStates, held_type_index, parents, pose, \
    segmentation_ids, visible_ids

from .standin_unity import MiniThor

APPLE = "Apple|-01.65|+00.81|+00.07"
FAR_APPLE = "Apple|-00.47|+01.15|+00.48"
KNIFE = "Knife|-01.70|+00.79|-00.21"
BOWL = "Bowl|-01.55|+00.91|-00.55"
MUG = "Mug|-01.45|+00.91|-00.80"
COUNTER = "CounterTop|-01.87|+00.95|-00.36"
FRIDGE = "Fridge|-02.10|+00.00|+01.07"
MICROWAVE = "Microwave|-01.93|+01.70|-00.94"
BASIN = "Sink|-01.99|+00.94|-01.23|SinkBasin"
FAUCET = "Faucet|-02.28|+00.93|-01.23"
CABINET = "Cabinet|-01.61|+02.02|-00.63"
TABLE = "DiningTable|+00.67|+00.00|+00.88"
DESK, LAMP, BOOK = "Desk|-00.30|+00.00|-01.90", "DeskLamp|-00.55|+00.74|-02.10", "Book|-00.10|+00.75|-01.85"

EXPECTED_STEPS = {  # errands action (target) -> the THOR step, as ALFRED's env/thor_env.py sends it
    "MoveAhead": {"action": "MoveAhead", "moveMagnitude": 0.25, "forceAction": True},
    "RotateLeft": {"action": "RotateLeft", "degrees": 90, "forceAction": True},
    "RotateRight": {"action": "RotateRight", "degrees": 90, "forceAction": True},
    "LookUp": {"action": "LookUp", "degrees": 15, "forceAction": True},
    "LookDown": {"action": "LookDown", "degrees": 15, "forceAction": True},
    "PickupObject": {"action": "PickupObject", "objectId": APPLE},
    "PutObject": {"action": "PutObject", "objectId": COUNTER, "forceAction": True, "placeStationary": True},
    "OpenObject": {"action": "OpenObject", "objectId": FRIDGE, "openness": 1.0},
    "CloseObject": {"action": "CloseObject", "objectId": FRIDGE, "forceAction": True},
    "ToggleObjectOn": {"action": "ToggleObjectOn", "objectId": MICROWAVE},
    "ToggleObjectOff": {"action": "ToggleObjectOff", "objectId": MICROWAVE},
    "SliceObject": {"action": "SliceObject", "objectId": APPLE},
    "Stop": None,
}
TARGETS = {"PickupObject": "Apple", "PutObject": "CounterTop", "OpenObject": "Fridge", "CloseObject": FRIDGE,
           "ToggleObjectOn": "Microwave", "ToggleObjectOff": MICROWAVE, "SliceObject": APPLE}


def holding(thor: MiniThor, object_id: str) -> MiniThor:
    thor.apply({"action": "PickupObject", "objectId": object_id})
    assert thor.metadata["lastActionSuccess"], thor.metadata["errorMessage"]
    return thor


def test_every_action_becomes_the_thor_step_alfred_sends():
    assert tuple(EXPECTED_STEPS) == ACTIONS and len(ACTIONS) == 13
    kitchen = MiniThor().metadata
    with_knife = holding(MiniThor(), KNIFE).metadata
    for name, expected in EXPECTED_STEPS.items():
        metadata = with_knife if name in ("PutObject", "SliceObject") else kitchen
        assert thor_step(Action(name, TARGETS.get(name)), metadata) == expected, name


def test_every_step_runs_in_minithor_and_does_what_it_says():
    thor = MiniThor()
    for name in ("MoveAhead", "RotateLeft", "RotateRight", "LookUp", "LookDown"):
        thor.apply(thor_step(Action(name), thor.metadata))
        assert thor.metadata["lastActionSuccess"], name
    assert thor.metadata["agent"]["position"]["x"] == -1.25 and thor.metadata["agent"]["rotation"]["y"] == 270
    assert thor.metadata["agent"]["cameraHorizon"] == 30
    for action in (Action("PickupObject", KNIFE), Action("SliceObject", "Apple"), Action("PutObject", "CounterTop"),
                   Action("OpenObject", "Fridge"), Action("CloseObject", "Fridge"),
                   Action("ToggleObjectOn", "Microwave"), Action("ToggleObjectOff", "Microwave")):
        thor.apply(thor_step(action, thor.metadata))
        assert thor.metadata["lastActionSuccess"], (action, thor.metadata["errorMessage"])
    assert len(ThorState(thor.metadata, TrackedStates()).ids_of_type("AppleSliced")) == 2


def test_a_type_target_is_the_nearest_visible_instance_and_an_id_is_itself():
    kitchen = MiniThor().metadata
    assert resolve_target(Action("PickupObject", "Apple"), kitchen) == APPLE  # the other apple is out of view
    assert resolve_target(Action("PickupObject", FAR_APPLE), kitchen) == FAR_APPLE
    with pytest.raises(CannotAct, match=r"no visible DiningTable within 1.5 m"):
        resolve_target(Action("PutObject", "DiningTable"), kitchen)
    with pytest.raises(CannotAct, match=r"no object 'Apple\|\+09.00\|\+00.00\|\+00.00' in the scene"):
        resolve_target(Action("PickupObject", "Apple|+09.00|+00.00|+00.00"), kitchen)
    with pytest.raises(CannotAct, match="PickupObject needs a target"):
        thor_step(Action("PickupObject"), kitchen)
    held = holding(MiniThor(), APPLE).metadata
    with pytest.raises(CannotAct, match="no visible Apple"):  # the held apple is no target
        resolve_target(Action("PickupObject", "Apple"), held)


def test_alfred_refuses_a_put_with_empty_hands_and_a_slice_without_a_knife():
    kitchen = MiniThor().metadata
    with pytest.raises(CannotAct, match="PutObject needs an object in hand"):
        thor_step(Action("PutObject", "CounterTop"), kitchen)
    with pytest.raises(CannotAct, match="SliceObject needs a Knife or ButterKnife in hand"):
        thor_step(Action("SliceObject", "Apple"), holding(MiniThor(), BOWL).metadata)


def test_a_mask_is_read_as_alfred_reads_it():
    thor = MiniThor()
    _, _, frame = thor.frames()
    color_to_id = {tuple(c["color"]): c["name"] for c in thor.colors()}
    apple_px = np.all(frame == next(c["color"] for c in thor.colors() if c["name"] == APPLE), axis=-1)
    counter_px = np.all(frame == next(c["color"] for c in thor.colors() if c["name"] == COUNTER), axis=-1)
    mask = apple_px.copy()
    mask[np.argwhere(counter_px)[0][0], np.argwhere(counter_px)[0][1]] = True  # one pixel spills onto the counter
    assert resolve_mask(mask, frame, color_to_id, thor.metadata) == APPLE
    floor_px = np.all(frame == next(c["color"] for c in thor.colors() if c["name"].startswith("Floor")), axis=-1)
    with pytest.raises(CannotAct, match="no interactable object under it"):  # the floor is pruned, as in ALFRED
        resolve_mask(floor_px, frame, color_to_id, thor.metadata)
    with pytest.raises(CannotAct, match="empty interaction mask"):
        resolve_mask(np.zeros_like(mask), frame, color_to_id, thor.metadata)
    holding(thor, APPLE)
    both = apple_px | counter_px
    assert resolve_mask(both, frame, color_to_id, thor.metadata) == COUNTER  # never the held object


def test_metadata_becomes_the_household_envs_observation_values():
    thor = MiniThor()
    m = thor.metadata
    assert pose(m).tolist() == [-4, 0, 270, 30]
    assert held_type_index(m) == 0
    assert held_type_index(holding(MiniThor(), APPLE).metadata) == TYPE_NAMES.index("Apple") + 1
    m2 = MiniThor().metadata
    m2["inventoryObjects"] = [{"objectId": "Boots|+01.00|+00.00|+00.00", "objectType": "Boots"}]
    assert held_type_index(m2) == OTHER_TYPE
    assert visible_ids(m) == sorted(o["objectId"] for o in m["objects"] if o["objectId"] not in (FAR_APPLE, TABLE))
    _, _, frame = thor.frames()
    seg, ids = segmentation_ids(frame, {tuple(c["color"]): c["name"] for c in thor.colors()})
    assert ids == tuple(sorted(visible_ids(m)))
    assert seg.dtype == np.uint16 and seg[0, 0] == 0
    assert seg[-1, 0] == ids.index(COUNTER) + 1  # the first band is the first visible object


def test_the_innermost_receptacle_is_an_objects_parent():
    thor = holding(MiniThor(), APPLE)
    thor.apply({"action": "PutObject", "objectId": BOWL})
    thor.metadata["objects"][0]["receptacleObjectIds"].append(APPLE)  # THOR lists it on the counter too
    assert parents(thor.metadata)[APPLE] == BOWL
    assert parents(thor.metadata)[BOWL] == COUNTER


def test_tracked_states_follow_alfreds_env():
    thor, tracked = holding(MiniThor(), MUG), TrackedStates()
    for step in ({"action": "PutObject", "objectId": BASIN}, {"action": "ToggleObjectOn", "objectId": FAUCET}):
        thor.apply(step)
        tracked.update(step, thor.metadata)
    assert tracked.cleaned == {MUG} and clean_steps(FAUCET, thor.metadata) == [
        {"action": "CleanObject", "objectId": MUG}]  # the mug is dirty: ALFRED cleans what the basin holds
    thor = holding(MiniThor(), APPLE)
    for step in ({"action": "OpenObject", "objectId": MICROWAVE}, {"action": "PutObject", "objectId": MICROWAVE},
                 {"action": "CloseObject", "objectId": MICROWAVE}, {"action": "ToggleObjectOn", "objectId": MICROWAVE}):
        thor.apply(step)
        tracked.update(step, thor.metadata)
    assert tracked.heated == {APPLE} and tracked.cooled == set()
    failed = {"action": "CloseObject", "objectId": FRIDGE}
    thor.metadata["lastActionSuccess"] = False
    tracked.update(failed, thor.metadata)
    assert tracked.cooled == set()


def run(thor: MiniThor, tracked: TrackedStates, steps: list[dict]) -> None:
    for step in steps:
        thor.apply(step)
        assert thor.metadata["lastActionSuccess"], (step, thor.metadata["errorMessage"])
        tracked.update(step, thor.metadata)


def counted(goal: TaskGoal, thor: MiniThor, tracked: TrackedStates) -> tuple[int, int]:
    conditions = TASK_TYPES[goal.task_type].goal_conditions(goal, ThorState(thor.metadata, tracked))
    return sum(c.met for c in conditions), len(conditions)


def pick(i):
    return {"action": "PickupObject", "objectId": i}


def put(i):
    return {"action": "PutObject", "objectId": i}


def act(name, i):
    return {"action": name, "objectId": i}


# task type -> (goal, scene, the THOR steps, the (met, total) after each prefix the test checks)
EPISODES = {
    "pick_and_place_simple": (TaskGoal("pick_and_place_simple", "Apple", "Fridge"), "FloorPlan1_physics",
                              [pick(APPLE), act("OpenObject", FRIDGE), put(FRIDGE)], [(0, 1), (0, 1), (0, 1), (1, 1)]),
    "pick_two_obj_and_place": (TaskGoal("pick_two_obj_and_place", "Apple", "CounterTop"), "FloorPlan1_physics",
                               [act("PickupObject", FAR_APPLE) | {"forceAction": True}, put(COUNTER)],
                               [(1, 2), (1, 2), (2, 2)]),
    "look_at_obj_in_light": (TaskGoal("look_at_obj_in_light", "Book", "DeskLamp"), "FloorPlan301_physics",
                             [pick(BOOK), act("ToggleObjectOn", LAMP)], [(0, 2), (1, 2), (2, 2)]),
    "pick_clean_then_place_in_recep": (
        TaskGoal("pick_clean_then_place_in_recep", "Mug", "Cabinet"), "FloorPlan1_physics",
        [pick(MUG), put(BASIN), act("ToggleObjectOn", FAUCET), act("ToggleObjectOff", FAUCET), pick(MUG),
         act("OpenObject", CABINET), put(CABINET)],
        [(0, 3), (0, 3), (0, 3), (1, 3), (1, 3), (1, 3), (1, 3), (3, 3)]),
    "pick_heat_then_place_in_recep": (
        TaskGoal("pick_heat_then_place_in_recep", "Apple", "CounterTop", sliced=True), "FloorPlan1_physics",
        [pick(KNIFE), act("SliceObject", APPLE), put(COUNTER), pick(f"{APPLE}|AppleSliced_0"),
         act("OpenObject", MICROWAVE), put(MICROWAVE), act("CloseObject", MICROWAVE), act("ToggleObjectOn", MICROWAVE),
         act("OpenObject", MICROWAVE), pick(f"{APPLE}|AppleSliced_0"), put(COUNTER)],
        [(0, 4), (0, 4), (2, 4), (2, 4), (2, 4), (2, 4), (2, 4), (2, 4), (3, 4), (3, 4), (3, 4), (4, 4)]),
    "pick_cool_then_place_in_recep": (
        TaskGoal("pick_cool_then_place_in_recep", "Apple", "CounterTop"), "FloorPlan1_physics",
        [pick(APPLE), act("OpenObject", FRIDGE), put(FRIDGE), act("CloseObject", FRIDGE), act("OpenObject", FRIDGE),
         pick(APPLE), put(COUNTER)],
        [(1, 3), (0, 3), (0, 3), (0, 3), (1, 3), (1, 3), (1, 3), (3, 3)]),
    "pick_and_place_with_movable_recep": (
        TaskGoal("pick_and_place_with_movable_recep", "Apple", "Fridge", movable_receptacle="Bowl"),
        "FloorPlan1_physics",
        [pick(APPLE), put(BOWL), pick(BOWL), act("OpenObject", FRIDGE), put(FRIDGE)],
        [(0, 3), (0, 3), (1, 3), (1, 3), (1, 3), (3, 3)]),
}


def test_every_task_type_has_an_episode_here():
    assert set(EPISODES) == set(TASK_TYPES) and len(EPISODES) == 7


@pytest.mark.parametrize("task_type", list(EPISODES))
def test_goal_conditions_counted_from_thor_metadata(task_type):
    goal, scene, steps, expected = EPISODES[task_type]
    thor, tracked = MiniThor(scene), TrackedStates()
    seen = [counted(goal, thor, tracked)]
    for step in steps:
        run(thor, tracked, [step])
        seen.append(counted(goal, thor, tracked))
    assert seen == expected


def test_thor_scene_names_and_alfred_scene_restoring_steps():
    assert thor_scene_name(1) == "FloorPlan1" and thor_scene_name("FloorPlan301") == "FloorPlan301"
    with pytest.raises(ValueError, match=r"scene 77 is no AI2-THOR floor plan"):
        thor_scene_name(77)
    scene = {"floor_plan": "FloorPlan1", "init_action": {"action": "TeleportFull", "x": -1.0, "y": 0.9009992,
                                                        "z": 0.5, "rotation": 90, "horizon": 30},
             "object_poses": [{"objectName": "Apple_3a1b2c4d", "position": {"x": -1.5, "y": 0.9, "z": 0.1},
                               "rotation": {"x": 0, "y": 0, "z": 0}}],
             "object_toggles": [], "dirty_and_empty": False}
    steps = alfred_scene_steps(scene)
    assert steps == [{"action": "SetObjectPoses", "objectPoses": scene["object_poses"]},
                     {"action": "TeleportFull", "position": {"x": -1.0, "y": 0.9009992, "z": 0.5},
                      "rotation": {"x": 0.0, "y": 90, "z": 0.0}, "horizon": 30, "standing": True, "forceAction": True}]
    thor = MiniThor()
    run(thor, TrackedStates(), steps)
    assert pose(thor.metadata).tolist() == [-4, 2, 90, 30]
