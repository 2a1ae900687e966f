"""Property-based tests of the household world's invariants over random action sequences.

Each example draws a scene (covering all four room types), a start pose (the scene's own,
or one from which some piece of furniture can be seen and reached, so that interactions
have something to act on) and a sequence of up to 60 primitive actions. Interaction
targets are drawn from the scene's type names, its exact object ids, whatever is visible
when the action runs (an index into `World.visible_ids()`), or bogus strings. To make
sequences really pick up, put, open, close, toggle and slice, some steps are resolved
when they run: "auto" picks an interaction that fits a visible object's affordances, and
"goto" expands into the shortest real navigation actions to the furniture holding some
object. After every single primitive step the world's invariants are checked:

1. every object is in exactly one place (held, fixed, or listed once by its parent), with
   no parent cycles; 2. at most one object is held; 3. objects are conserved except by a
   successful SliceObject, which swaps one sliceable object for SLICES[type] pieces;
4. nothing inside a closed receptacle (or in the hand) is visible, and the egocentric
   view's item channel agrees; 5. a failed action changes nothing and says why;
6. the agent stays on a floor cell with a legal heading and horizon.

A second property drives the Gymnasium env with space samples, well-formed strings and
garbage, and checks that step never raises and observations stay in the space.
"""

from __future__ import annotations

import warnings
from collections import Counter

import gymnasium
import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

import errands  # noqa: F401  (registers errands/Household-v0)
from errands.envs.actions import ACTIONS, INTERACTION_ACTIONS, NAVIGATION_ACTIONS, Action
from errands.envs.household.object_types import SLICES, SLICING_TOOLS, object_type
from errands.envs.household.navigation import shortest_actions
from errands.envs.household.scene import FLOOR, HEADINGS, HORIZONS, Pose, heading_step
from errands.envs.household.scenes import load_scene
from errands.envs.household.world import World

# Two kitchens, a living room, a bedroom and a bathroom.
SCENE_IDS = (1, 5, 201, 301, 401)

MAX_ROUTE = 40  # navigation actions one "goto" step may expand into

BOGUS_TARGETS = (
    "",
    "Jump",
    "NotAType",
    "apple",
    "Apple|+99.00|+00.90|-00.50",
    "|",
    "Fridge|",
    "Apple|+01.00|+00.90|-00.50|AppleSliced_9",
    "CounterTop Fridge",
)

WORLD_SETTINGS = settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ENV_SETTINGS = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- strategies ------------------------------------------------------------------------


def _target_spec(scene_types: list[str], scene_ids: list[str]):
    """How an interaction picks its target; ('visible', k) is resolved when it runs."""
    return st.one_of(
        # Half of all targets: something the agent can see right now.
        st.tuples(st.just("visible"), st.integers(0, 1000), st.booleans()),
        st.tuples(st.just("visible"), st.integers(0, 1000), st.booleans()),
        st.tuples(st.just("visible"), st.integers(0, 1000), st.booleans()),
        st.tuples(st.just("type"), st.sampled_from(scene_types)),
        st.tuples(st.just("id"), st.sampled_from(scene_ids)),
        st.tuples(st.just("bogus"), st.sampled_from(BOGUS_TARGETS) | st.text(max_size=12)),
    )


@st.composite
def episodes(draw):
    """(scene id, start pose spec, [(action name, target spec or None), ...])."""
    scene_id = draw(st.sampled_from(SCENE_IDS))
    scene = load_scene(scene_id)
    scene_types = sorted({str(o.type) for o in scene.objects})
    scene_ids = sorted(str(o.id) for o in scene.objects)
    # Start where the scene says, or at a pose that sees and reaches some furniture.
    reachable = sorted(fid for fid, poses in scene.interaction_poses.items() if len(poses))
    start = draw(st.one_of(
        st.just(None),
        st.tuples(st.sampled_from(reachable), st.integers(0, 10_000)),
        st.tuples(st.sampled_from(reachable), st.integers(0, 10_000)),
    ))
    targets = _target_spec(scene_types, scene_ids)
    step = st.one_of(
        st.tuples(st.sampled_from(NAVIGATION_ACTIONS), st.none()),
        # An interaction chosen when it runs, to fit what is visible and held (so that
        # sequences really pick up, put, open, close, toggle and slice).
        st.tuples(st.just("auto"), st.tuples(st.integers(0, 1000), st.integers(0, 1000), st.booleans())),
        st.tuples(st.just("auto"), st.tuples(st.integers(0, 1000), st.integers(0, 1000), st.booleans())),
        # Walk (with real navigation actions) to where some object can be reached.
        st.tuples(st.just("goto"), st.tuples(st.integers(0, 1000), st.booleans())),
        st.tuples(st.sampled_from(INTERACTION_ACTIONS), targets),
        st.tuples(st.sampled_from(INTERACTION_ACTIONS), targets),
        st.tuples(st.sampled_from(("Stop",) + INTERACTION_ACTIONS), st.none() | targets),
    )
    # Draw the length first: hypothesis' own list sizes favour very short lists.
    size = draw(st.integers(1, 60))
    actions = draw(st.lists(step, min_size=size, max_size=size))
    return scene_id, start, actions


def _resolve_target(world: World, spec) -> str | None:
    if spec is None:
        return None
    kind = spec[0]
    if kind == "visible":
        visible = world.visible_ids()
        if not visible:
            return str(world.objects[next(iter(world.objects))].type.name)
        oid = visible[spec[1] % len(visible)]
        # Sometimes name it by its exact id, sometimes by its type.
        return str(oid) if spec[2] else str(world.objects[oid].type.name)
    return spec[1]


def _fitting_action(world: World, spec) -> Action:
    """An interaction with a visible object that its affordances allow (it may still fail,
    e.g. a receptacle that does not accept what is held)."""
    k, m, by_id = spec
    visible = world.visible_ids()
    if not visible:
        return Action(INTERACTION_ACTIONS[m % len(INTERACTION_ACTIONS)], "CounterTop")
    held = world.objects[world.held].type if world.held else None
    if held is not None and held.name in SLICING_TOOLS and m % 2 == 0:
        # Knife in hand: usually go for something sliceable, if one is in view.
        visible = [oid for oid in visible if world.objects[oid].type.sliceable] or visible
    elif held is None and m % 3 == 0:
        # Hand empty: now and then go for a knife, if one is in view.
        visible = [oid for oid in visible if world.objects[oid].type.name in SLICING_TOOLS] or visible
    obj = world.objects[visible[k % len(visible)]]
    t = obj.type
    names = []
    if t.pickupable and held is None:
        names.append("PickupObject")
    if t.receptacle and held is not None:
        names.append("PutObject")
    if t.openable:
        names.append("CloseObject" if obj.is_open else "OpenObject")
    if t.toggleable:
        names.append("ToggleObjectOff" if obj.is_on else "ToggleObjectOn")
    if t.sliceable and held is not None and held.name in SLICING_TOOLS:
        names = ["SliceObject"] * 3 + names
    if not names:
        names = list(INTERACTION_ACTIONS)
    return Action(names[m % len(names)], str(obj.id) if by_id else str(t.name))


def _route(world: World, spec) -> list[Action]:
    """Navigation actions (shortest path) to a pose that sees and reaches the furniture
    holding the k-th object: of any object, or (`useful`) of the objects the next
    interaction could use (something to slice when a knife is in hand, something to
    pick up when the hand is empty, a receptacle that takes what is held)."""
    k, useful = spec
    held = world.objects[world.held].type if world.held else None
    candidates = sorted(world.objects)
    if useful:
        if held is not None and held.name in SLICING_TOOLS:
            wanted = [o for o in candidates if world.objects[o].type.sliceable]
        elif held is None and k % 3 == 0:  # fetch a knife now and then, to slice with
            wanted = [o for o in candidates if world.objects[o].type.name in SLICING_TOOLS]
        elif held is None:
            wanted = [o for o in candidates if world.objects[o].type.pickupable]
        else:
            wanted = [o for o in candidates if held.name in world.objects[o].type.accepts]
        candidates = wanted or candidates
    obj = world.objects[candidates[k % len(candidates)]]
    root = obj if obj.position is not None else world.root_fixed(obj.id)
    if root is None:
        return []
    poses = [Pose(*(int(v) for v in p)) for p in world.scene.interaction_poses.get(root.id, ())]
    names = shortest_actions(world.scene, world.agent, poses) or []
    return [Action(name) for name in names[:MAX_ROUTE]]


def _make_world(scene_id: int, start) -> World:
    scene = load_scene(scene_id)
    world = World(scene)
    if start is not None:
        fixed_id, k = start
        poses = scene.interaction_poses[fixed_id]
        row, col, heading, horizon = (int(v) for v in poses[k % len(poses)])
        world.agent = world.agent._replace(row=row, col=col, heading=heading, horizon=horizon)
    return world


# --- invariants ------------------------------------------------------------------------


def snapshot(world: World):
    return (
        tuple(world.agent),
        world.held,
        {oid: obj.state() for oid, obj in world.objects.items()},
        list(world.visible_ids()),
        world.egocentric_view().copy(),
    )


def assert_same_snapshot(before, after, context: str) -> None:
    agent0, held0, objects0, visible0, view0 = before
    agent1, held1, objects1, visible1, view1 = after
    assert agent1 == agent0, f"{context}: agent pose changed {agent0} -> {agent1}"
    assert held1 == held0, f"{context}: held object changed {held0} -> {held1}"
    assert objects1.keys() == objects0.keys(), (
        f"{context}: objects changed: removed {sorted(objects0.keys() - objects1.keys())}, "
        f"added {sorted(objects1.keys() - objects0.keys())}"
    )
    for oid, state in objects0.items():
        assert objects1[oid] == state, f"{context}: {oid} changed {state} -> {objects1[oid]}"
    assert visible1 == visible0, f"{context}: visible objects changed {visible0} -> {visible1}"
    assert np.array_equal(view1, view0), f"{context}: the egocentric view changed"


def check_one_place(world: World) -> None:
    """Invariants 1 and 2: every object is in exactly one place, at most one is held."""
    objects = world.objects
    held = world.held
    assert held is None or held in objects, f"held {held!r} is not an object of the world"
    appearances = Counter(cid for obj in objects.values() for cid in obj.contents)
    for cid, n in appearances.items():
        assert cid in objects, f"{cid} is listed in contents but is not an object"
        assert n == 1, f"{cid} is listed {n} times in contents lists"
    for oid, obj in objects.items():
        assert obj.id == oid, f"object keyed {oid} has id {obj.id}"
        for cid in obj.contents:
            assert objects[cid].parent == oid, f"{oid} lists {cid}, whose parent is {objects[cid].parent}"
        if obj.position is not None:
            assert obj.parent is None, f"fixed {oid} has parent {obj.parent}"
            assert oid != held, f"fixed {oid} is held"
            assert appearances[oid] == 0, f"fixed {oid} is in a contents list"
        elif oid == held:
            assert obj.parent is None, f"held {oid} has parent {obj.parent}"
            assert appearances[oid] == 0, f"held {oid} is still listed in a contents list"
        else:
            assert obj.parent is not None, f"{oid} is neither fixed, held nor inside anything"
            assert obj.parent in objects, f"{oid}'s parent {obj.parent} does not exist"
            assert objects[obj.parent].contents.count(oid) == 1, (
                f"{oid}'s parent {obj.parent} lists it {objects[obj.parent].contents.count(oid)} times"
            )
        # No cycles: the parent chain ends at a fixed object or the held one.
        seen = {oid}
        cur = obj
        while cur.parent is not None:
            assert cur.parent not in seen, f"parent cycle through {oid}: {seen}"
            seen.add(cur.parent)
            cur = objects[cur.parent]
        assert cur.position is not None or cur.id == held, (
            f"{oid}'s parent chain ends at {cur.id}, which is neither fixed nor held"
        )


def ancestors(world: World, oid: str) -> list[str]:
    out = []
    obj = world.objects[oid]
    while obj.parent is not None:
        out.append(obj.parent)
        obj = world.objects[obj.parent]
    return out


def check_visibility(world: World) -> None:
    """Invariant 4: nothing inside a closed receptacle (or in the hand) is visible."""
    visible = world.visible_ids()
    assert len(visible) == len(set(visible)), f"visible_ids lists duplicates: {visible}"
    for oid in visible:
        assert oid in world.objects, f"visible {oid} is not an object of the world"
        assert oid != world.held, f"the held {oid} is listed as visible"
        for aid in ancestors(world, oid):
            a = world.objects[aid]
            assert not (a.type.openable and not a.is_open), f"{oid} is visible inside closed {aid}"
            assert aid != world.held, f"{oid} is visible inside the held {aid}"


def expected_view_items(world: World) -> tuple[np.ndarray, np.ndarray]:
    """What the item channel of the egocentric view may show, cell by cell: for each view
    cell, the set of type indices the furniture covering that cell can display (the k-th
    item of a piece whose k-th footprint cell this is, unless the piece is closed), or 0;
    and whether some furniture there displays an item (so the cell must not be blank).
    View cell (i, j) lies v-1-i cells ahead of the agent and j - v//2 to its right."""
    v = world.view_size
    pose = world.agent
    fr, fc = heading_step(pose.heading)
    rr, rc = heading_step((pose.heading + 90) % 360)
    cell_fixed, slot = world.scene.cell_map()
    allowed = np.empty((v, v), dtype=object)
    must_show = np.zeros((v, v), dtype=bool)
    for i in range(v):
        for j in range(v):
            ahead, right = v - 1 - i, j - v // 2
            cell = (pose.row + ahead * fr + right * rr, pose.col + ahead * fc + right * rc)
            options = {0}
            shows = False
            for fid in cell_fixed.get(cell, ()):
                obj = world.objects[fid]
                if obj.type.openable and not obj.is_open:
                    continue
                k = slot[fid, cell]
                if k < len(obj.contents):
                    options.add(world.objects[obj.contents[k]].type.index)
                    shows = True
            allowed[i, j] = options
            must_show[i, j] = shows
    return allowed, must_show


def check_view(world: World) -> None:
    """Invariant 4, view part: the item channel shows only items that are really on the
    furniture under that cell and not hidden by a closed door; a cell whose furniture
    displays an item is not blank."""
    view = world.egocentric_view()
    v = world.view_size
    assert view.shape == (v, v, 4) and view.dtype == np.uint8
    allowed, must_show = expected_view_items(world)
    for i in range(v):
        for j in range(v):
            item = int(view[i, j, 2])
            assert item in allowed[i, j], (
                f"view cell ({i}, {j}) shows item type {item}, expected one of {sorted(allowed[i, j])}"
            )
            if must_show[i, j]:
                assert item != 0, f"view cell ({i}, {j}) is blank but its furniture displays an item"


def check_agent(world: World) -> None:
    """Invariant 6: the agent stands on a floor cell with a legal heading and horizon."""
    a = world.agent
    rows, cols = world.scene.cells.shape
    assert 0 <= a.row < rows and 0 <= a.col < cols, f"agent {a} is off the grid {rows}x{cols}"
    assert world.scene.cells[a.row, a.col] == FLOOR, f"agent {a} stands on cell kind {world.scene.cells[a.row, a.col]}"
    assert a.heading in HEADINGS, f"agent heading {a.heading}"
    assert HORIZONS[0] <= a.horizon <= HORIZONS[-1], f"agent horizon {a.horizon}"
    assert -30 <= a.horizon <= 60


def check_conservation(before_objects: dict, world: World, action: Action, success: bool) -> None:
    """Invariant 3: objects change only on a successful SliceObject."""
    before, after = set(before_objects), set(world.objects)
    if not (success and action.name == "SliceObject"):
        assert after == before, (
            f"{action} (success={success}) changed the objects: removed {sorted(before - after)}, "
            f"added {sorted(after - before)}"
        )
        return
    removed, added = before - after, after - before
    assert len(removed) == 1, f"{action} removed {sorted(removed)}"
    (gone,) = removed
    gone_state = before_objects[gone]
    gone_type = object_type(gone_state["type"])
    assert gone_type.sliceable, f"{action} sliced {gone} of unsliceable type {gone_type.name}"
    assert len(added) == SLICES[gone_type.name], (
        f"{action} made {len(added)} pieces of {gone}, expected {SLICES[gone_type.name]}"
    )
    for pid in added:
        piece = world.objects[pid]
        assert pid.startswith(gone + "|"), f"piece {pid} does not start with {gone}|"
        assert piece.type.name == gone_type.sliced_name, f"piece {pid} is a {piece.type.name}"
        assert piece.parent == gone_state["parent"], (
            f"piece {pid} is in {piece.parent}, the sliced object was in {gone_state['parent']}"
        )


def check_all(world: World) -> None:
    check_one_place(world)
    check_visibility(world)
    check_view(world)
    check_agent(world)


# --- the world property -------------------------------------------------------------


@WORLD_SETTINGS
@given(episodes())
def test_world_invariants_hold_after_every_step(episode):
    scene_id, start, specs = episode
    world = _make_world(scene_id, start)
    note(f"scene {scene_id}, start pose {world.agent}")
    check_all(world)
    n = 0
    for name, spec in specs:
        if name == "goto":
            for action in _route(world, spec):
                step_and_check(world, action, n)
                n += 1
            continue
        if name == "auto":
            action = _fitting_action(world, spec)
        else:
            action = Action(name, _resolve_target(world, spec))
        step_and_check(world, action, n)
        n += 1


def step_and_check(world: World, action: Action, n: int) -> None:
    before = snapshot(world)
    result = world.step(action)
    note(f"step {n}: {action!s} -> success={result.success} {result.error!r}")
    event(f"{action.name} {'ok' if result.success else 'failed'}")
    context = f"step {n} ({action!s})"

    assert isinstance(result.success, bool), f"{context}: success is {result.success!r}"
    if not result.success:
        assert isinstance(result.error, str) and result.error.strip(), f"{context}: failed with no error"
        assert_same_snapshot(before, snapshot(world), context)
    check_conservation(before[2], world, action, result.success)
    check_all(world)


# --- the Gymnasium property ---------------------------------------------------------

# Inputs that are not actions at all, or name no real action: each must fail cleanly.
GARBAGE_ACTIONS = (
    "Jump",
    "PickupObject",
    "PutObject NotAType",
    "PickupObject Apple Fridge",
    "",
    "   ",
    "pickupobject Apple",
    12345,
    -1,
    len(ACTIONS),
    None,
    {"action": 99},
    {"action": -1},
    {"action": 1.5},
    {"action": True},
    {"action": 5, "target": 10_000},
    {"action": 7, "target": -3},
    {"action": 7, "target": 2.0},
    {},
    3.0,
    float("nan"),
    b"MoveAhead",
    (),
    ("Jump", "Apple"),
    ("PickupObject", "NotAType"),
    ["PutObject", None],
    [1, 2, 3],
    Action("Jump"),
    Action("PickupObject", None),
    Action("PickupObject", "Apple|+99.00|+00.90|-00.50"),
    np.array([1, 2]),
    {"action": np.array([0, 1])},
    Action("PickupObject", 5),
)

# Plausible actions, possibly failing for reasons of the world (nothing visible, etc.).
WELL_FORMED_STRINGS = tuple(ACTIONS) + tuple(
    f"{name} {t}" for name in INTERACTION_ACTIONS
    for t in ("Apple", "Knife", "Fridge", "Cabinet", "CounterTop", "Drawer", "Mug", "Book", "Bowl")
)


def _env_steps():
    return st.lists(
        st.one_of(
            st.tuples(st.just("sample"), st.integers(0, 2**31 - 1)),
            st.tuples(st.just("sample"), st.integers(0, 2**31 - 1)),
            st.tuples(st.just("string"), st.sampled_from(WELL_FORMED_STRINGS)),
            st.tuples(st.just("string"), st.sampled_from(WELL_FORMED_STRINGS)),
            st.tuples(st.just("garbage"), st.integers(0, len(GARBAGE_ACTIONS) - 1)),
            st.tuples(st.just("text"), st.text(max_size=20)),
        ),
        min_size=1,
        max_size=40,
    )


def _check_env_output(env, obs, reward, terminated, truncated, info, context: str) -> None:
    assert env.observation_space.contains(obs), f"{context}: observation {obs!r} is not in the observation space"
    assert reward in (0.0, 1.0), f"{context}: reward {reward!r}"
    assert isinstance(terminated, bool) and isinstance(truncated, bool)
    assert isinstance(info["last_action_success"], bool), f"{context}: {info['last_action_success']!r}"
    if not info["last_action_success"]:
        assert isinstance(info["error_message"], str) and info["error_message"].strip(), (
            f"{context}: a failed action came back without an error message"
        )


@ENV_SETTINGS
@given(seed=st.integers(0, 10_000), steps=_env_steps())
def test_env_step_never_raises_and_stays_in_spaces(seed, steps):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        env = gymnasium.make("errands/Household-v0")
        obs, info = env.reset(seed=seed)
        assert env.observation_space.contains(obs), f"reset(seed={seed}) observation {obs!r} is not in the space"
        resets = 0
        for n, (kind, value) in enumerate(steps):
            if kind == "sample":
                env.action_space.seed(value)
                action = env.action_space.sample()
            elif kind == "string":
                action = value
            elif kind == "garbage":
                action = GARBAGE_ACTIONS[value]
            else:
                action = value
            context = f"seed {seed}, step {n}: {action!r}"
            note(context)
            try:
                result = env.step(action)
            except Exception as e:  # noqa: BLE001 - the property is that nothing is raised
                raise AssertionError(f"{context}: env.step raised {type(e).__name__}: {e}") from e
            obs, reward, terminated, truncated, info = result
            _check_env_output(env, obs, reward, terminated, truncated, info, context)
            if kind == "garbage":
                assert info["last_action_success"] is False, f"{context}: garbage action succeeded"
            if terminated or truncated:
                resets += 1
                obs, info = env.reset(seed=seed + resets)
                assert env.observation_space.contains(obs)
        env.close()


@pytest.mark.parametrize("action", GARBAGE_ACTIONS, ids=[repr(a)[:40] for a in GARBAGE_ACTIONS])
def test_env_rejects_each_garbage_action_as_a_failed_step(action):
    """Every garbage input, one by one (the property above draws them at random): a failed
    step with an error message, never an exception."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        env = gymnasium.make("errands/Household-v0")
        env.reset(seed=0)
        try:
            obs, reward, terminated, truncated, info = env.step(action)
        except Exception as e:  # noqa: BLE001
            raise AssertionError(f"env.step({action!r}) raised {type(e).__name__}: {e}") from e
        _check_env_output(env, obs, reward, terminated, truncated, info, repr(action))
        assert info["last_action_success"] is False
        env.close()
