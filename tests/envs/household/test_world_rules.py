"""ALFRED's rules in a small hand-built kitchen where everything is in view."""

import numpy as np
import pytest

from errands.envs.actions import Action
from errands.envs.household.object_types import SLICES
from errands.envs.household.scene import FLOOR, FURNITURE, WALL, ObjectSpec, Pose, Scene, SceneError
from errands.envs.household.visibility import validate_scene
from errands.envs.household.world import World


def kitchen(extra=()) -> World:
    cells = np.full((9, 9), WALL, dtype=np.uint8)
    cells[1:8, 1:8] = FLOOR
    cells[6, 1:8] = FURNITURE

    def fixed(type_name, col, y, **kw):
        x, z = col * 0.25, 1.5
        return ObjectSpec(f"{type_name}|{x:+06.2f}|{y:+06.2f}|+01.50", type_name, (x, y, z), footprint=[(6, col)],
                          half_extent=0.15, **kw)

    basin = fixed("SinkBasin", 4, 0.85)
    burner = fixed("StoveBurner", 5, 0.92)
    objects = [
        fixed("CounterTop", 3, 0.9), fixed("Fridge", 1, 0.9), fixed("Microwave", 2, 1.2), basin,
        fixed("Faucet", 4, 1.0, controls=basin.id), burner, fixed("StoveKnob", 5, 0.95, controls=burner.id),
        fixed("Cabinet", 6, 0.5),
    ]
    counter = objects[0].id
    objects += [
        ObjectSpec("Apple|+00.70|+00.95|+01.50", "Apple", parent=counter),
        ObjectSpec("Knife|+00.80|+00.95|+01.50", "Knife", parent=counter),
        ObjectSpec("Mug|+00.85|+00.95|+01.50", "Mug", parent=counter, is_dirty=True),
        ObjectSpec("Pan|+00.90|+00.95|+01.50", "Pan", parent=counter),
        ObjectSpec("Bowl|+01.50|+00.55|+01.50", "Bowl", parent=objects[7].id),
        *extra,
    ]
    scene = Scene("test-kitchen", "kitchen", cells, (0.0, 0.0), objects, Pose(3, 3, 0, 30))
    validate_scene(scene)
    return World(scene)


def act(world, name, target=None):
    return world.step(Action(name, target))


def obj(world, type_name):
    return world.objects_of_type(type_name)[0]


def test_everything_in_view_and_contents_of_closed_hidden():
    w = kitchen()
    visible = set(w.visible_ids())
    assert {"Fridge", "Microwave", "CounterTop", "Apple", "Cabinet"} <= {i.split("|")[0] for i in visible}
    assert obj(w, "Bowl").id not in visible  # inside the closed cabinet
    assert act(w, "PickupObject", "Bowl").error == "PickupObject failed: no Bowl is visible within 1.5 m"
    bowl_id = obj(w, "Bowl").id
    result = act(w, "PickupObject", bowl_id)
    assert not result.success and "inside Cabinet|+01.50|+00.50|+01.50, which is closed" in result.error
    assert act(w, "OpenObject", "Cabinet").success
    assert bowl_id in w.visible_ids()
    assert act(w, "PickupObject", "Bowl").success and w.held == bowl_id


def test_out_of_reach_after_walking_away():
    w = kitchen()
    for name in ("RotateLeft", "RotateLeft", "MoveAhead"):
        assert act(w, name).success
    assert w.visible_ids() == []
    assert act(w, "MoveAhead").success
    blocked = act(w, "MoveAhead")
    assert not blocked.success and blocked.error == "MoveAhead blocked: the cell ahead (x=0.75, z=0.00) is a wall"


def test_pickup_put_and_what_receptacles_accept():
    w = kitchen()
    assert act(w, "PickupObject", "Apple").success
    assert act(w, "PickupObject", "Knife").error.endswith("already holds Apple|+00.70|+00.95|+01.50; put it somewhere first")
    assert act(w, "PutObject", "StoveBurner").error == "PutObject failed: StoveBurner does not accept Apple"
    assert act(w, "PutObject", "Fridge").error.endswith("is closed; open it first")
    assert act(w, "OpenObject", "Fridge").success
    assert act(w, "PutObject", "Fridge").success
    assert obj(w, "Apple").parent == obj(w, "Fridge").id and w.held is None


def test_fridge_cools_on_close():
    w = kitchen()
    for step in [("OpenObject", "Fridge"), ("PickupObject", "Apple"), ("PutObject", "Fridge")]:
        assert act(w, *step).success
    assert not obj(w, "Apple").cooled
    assert act(w, "CloseObject", "Fridge").success
    assert obj(w, "Apple").cooled and not obj(w, "Apple").heated


def test_microwave_heats_when_switched_on_and_must_be_closed():
    w = kitchen()
    for step in [("OpenObject", "Microwave"), ("PickupObject", "Mug"), ("PutObject", "Microwave")]:
        assert act(w, *step).success
    assert act(w, "ToggleObjectOn", "Microwave").error.endswith("is open; close it before switching it on")
    assert act(w, "CloseObject", "Microwave").success
    assert act(w, "ToggleObjectOn", "Microwave").success
    assert obj(w, "Mug").heated
    assert act(w, "OpenObject", "Microwave").error.endswith("is switched on; switch it off before opening it")


def test_faucet_cleans_what_is_in_the_basin():
    w = kitchen()
    for step in [("PickupObject", "Mug"), ("PutObject", "SinkBasin")]:
        assert act(w, *step).success
    mug = obj(w, "Mug")
    assert mug.is_dirty and not mug.cleaned
    assert act(w, "ToggleObjectOn", "Faucet").success
    assert mug.cleaned and not mug.is_dirty and obj(w, "SinkBasin").is_on


def test_burner_knob_heats_the_pan_and_its_contents():
    w = kitchen()
    for step in [("PickupObject", "Pan"), ("PutObject", "StoveBurner"), ("PickupObject", "Apple"), ("PutObject", "Pan")]:
        assert act(w, *step).success, step
    assert act(w, "ToggleObjectOn", "StoveKnob").success
    assert obj(w, "Pan").heated and obj(w, "Apple").heated


def test_slicing_needs_a_knife_and_makes_pieces():
    w = kitchen()
    assert act(w, "SliceObject", "Apple").error == "SliceObject failed: slicing needs a Knife or ButterKnife in hand"
    assert act(w, "PickupObject", "Knife").success
    apple_id = obj(w, "Apple").id
    assert act(w, "SliceObject", "Fridge").error == "SliceObject failed: Fridge|+00.25|+00.90|+01.50 cannot be sliced"
    assert act(w, "SliceObject", "Apple").success
    assert apple_id not in w.objects
    pieces = w.objects_of_type("AppleSliced")
    assert sorted(p.id for p in pieces) == [f"{apple_id}|AppleSliced_{k}" for k in range(1, SLICES["Apple"] + 1)]
    assert all(p.parent == obj(w, "CounterTop").id for p in pieces)


def test_camera_horizon_limits():
    w = kitchen()
    assert [act(w, "LookUp").success for _ in range(5)] == [True, True, True, True, False]
    assert w.agent.horizon == -30
    assert act(w, "LookUp").error == "LookUp failed: the camera horizon is at -30 degrees and must stay within -30..60"


def test_scene_validation_names_unreachable_objects():
    cells = np.full((5, 5), WALL, dtype=np.uint8)
    cells[1:4, 1:4] = FLOOR
    far = ObjectSpec("Fridge|+09.00|+00.90|+09.00", "Fridge", (9.0, 0.9, 9.0), footprint=[(4, 4)])
    scene = Scene("broken", "kitchen", cells, (0.0, 0.0), [far], Pose(2, 2, 0, 30))
    with pytest.raises(SceneError, match=r"no reachable pose sees and reaches Fridge\|\+09.00"):
        validate_scene(scene)


def test_skill_preconditions_are_typed_failures():
    from errands.envs.skills import SkillCall, precondition_error, precondition_failure
    from errands.failures import FailureCategory, FailureKind

    w = kitchen()

    def failure(skill, *args):
        found = precondition_failure(w, SkillCall(skill, args))
        assert precondition_error(w, SkillCall(skill, args)) == (found.message if found else "")
        assert found is None or found.category is FailureCategory.INTERACTION_FAILURE
        return None if found is None else (found.kind, found.argument, found.message)

    assert failure("PickupObject", "Apple") is None and failure("GotoLocation", "Drawer") is None
    assert failure("OpenObject", "Drawer") == (FailureKind.NOT_IN_REACH, "Drawer", "no Drawer in reach")
    assert failure("CleanObject", "Mug") == (FailureKind.NOT_HOLDING, "Mug", "the agent does not hold a Mug")
    assert failure("Teleport", "Apple") is None  # a plan run as it came: the policy then says it cannot
    apple = obj(w, "Apple").id
    assert act(w, "PickupObject", "Apple").success
    assert failure("PickupObject", "Knife") == (FailureKind.ALREADY_HOLDING, apple, f"the agent already holds {apple}")
    assert failure("PutObject", "Mug", "CounterTop") == (FailureKind.NOT_HOLDING, "Mug", "the agent does not hold a Mug")
    assert failure("PutObject", "Apple", "Drawer") == (FailureKind.NOT_IN_REACH, "Drawer", "no Drawer in reach")
    assert failure("SliceObject", "Apple") == (FailureKind.NO_SLICING_TOOL, None,
                                               "slicing needs a Knife or ButterKnife in hand")
    assert failure("HeatObject", "Apple") is None and failure("CoolObject", "Apple") is None
    assert failure("CleanObject", "Apple") is None
    # What the Agent checks before a skill starts: the precondition, except for skills that
    # open or fetch what they need themselves.
    from errands.envs.skills import start_failure

    assert start_failure(w, SkillCall("PutObject", ("Apple", "Drawer"))) is None  # it walks and opens
    assert start_failure(w, SkillCall("SliceObject", ("Apple",))) is None
    assert start_failure(w, SkillCall("OpenObject", ("Drawer",))).kind is FailureKind.NOT_IN_REACH
