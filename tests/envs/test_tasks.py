import json
import re

import numpy as np
import pytest

from errands.envs.household.scenes import load_scene
from errands.envs.household.world import World
from errands.envs.tasks.distribution import derive_distribution, load_distribution
from errands.envs.tasks.goals import TASK_TYPES, TaskGoal, goal_conditions
from errands.envs.tasks.instructions import GOAL_TEMPLATES, SYNONYMS, describe_goal, names_for
from errands.envs.tasks.sampler import TaskSampler
from errands.envs.tasks.task import ImpossibleTask, Task


def move(world, object_id, receptacle_id):
    obj = world.objects[object_id]
    if obj.parent:
        world.objects[obj.parent].contents.remove(object_id)
    elif world.held == object_id:
        world.held = None
    obj.parent = receptacle_id
    world.objects[receptacle_id].contents.append(object_id)
    world.version += 1


def hold(world, object_id):
    obj = world.objects[object_id]
    world.objects[obj.parent].contents.remove(object_id)
    obj.parent, world.held = None, object_id
    world.version += 1


def world_for(goal, scene=1, seed=0):
    return World(Task(goal, scene, seed=seed).build_scene())


def test_packaged_distribution_is_derived_from_alfreds_split_file(alfred_dir):
    assert derive_distribution(alfred_dir / "splits-oct21.json") == load_distribution()
    counts = {room: sum(r[-1] for r in rows) for room, rows in load_distribution().items()}
    assert sum(counts.values()) == 21023  # every train directive, once


def test_goal_validation_says_what_is_wrong():
    with pytest.raises(ValueError, match="unknown task type 'pick_apple'"):
        TaskGoal("pick_apple", "Apple", "Fridge")
    with pytest.raises(ValueError, match="task object 'Fridge' cannot be picked up"):
        TaskGoal("pick_and_place_simple", "Fridge", "CounterTop")
    with pytest.raises(ValueError, match="a StoveBurner cannot hold a Apple"):
        TaskGoal("pick_and_place_simple", "Apple", "StoveBurner")
    with pytest.raises(ValueError, match="needs a light"):
        TaskGoal("look_at_obj_in_light", "Book", "Sofa")
    with pytest.raises(ValueError, match="'Book' cannot be sliced"):
        TaskGoal("pick_and_place_simple", "Book", "Shelf", sliced=True)
    with pytest.raises(ValueError, match="needs a movable receptacle"):
        TaskGoal("pick_and_place_with_movable_recep", "Pen", "Desk")
    goal = TaskGoal.from_alfred_name("pick_heat_then_place_in_recep-AppleSliced-None-Fridge-17/trial_T1")
    assert goal == TaskGoal("pick_heat_then_place_in_recep", "Apple", "Fridge", sliced=True)
    assert goal.alfred_name == "pick_heat_then_place_in_recep-AppleSliced-None-Fridge"


def test_goal_conditions_simple_and_sliced():
    goal = TaskGoal("pick_and_place_simple", "Apple", "Fridge")
    w = world_for(goal)
    assert goal_conditions(goal, w) == (0, 1)
    move(w, w.objects_of_type("Apple")[0].id, w.objects_of_type("Fridge")[0].id)
    assert goal_conditions(goal, w) == (1, 1)
    sliced = TaskGoal("pick_and_place_simple", "Apple", "Fridge", sliced=True)
    w = world_for(sliced)
    assert goal_conditions(sliced, w) == (0, 2)


def test_goal_conditions_two_objects_count_each():
    goal = TaskGoal("pick_two_obj_and_place", "Apple", "Fridge")
    w = world_for(goal)
    apples = w.objects_of_type("Apple")
    fridge = w.objects_of_type("Fridge")[0].id
    assert len(apples) >= 2 and goal_conditions(goal, w) == (0, 2)
    move(w, apples[0].id, fridge)
    assert goal_conditions(goal, w) == (1, 2)
    move(w, apples[1].id, fridge)
    assert goal_conditions(goal, w) == (2, 2)


def test_goal_conditions_transform_counts_place_state_and_both():
    goal = TaskGoal("pick_cool_then_place_in_recep", "Apple", "CounterTop")
    w = world_for(goal)
    apples = w.objects_of_type("Apple")
    counter = w.objects_of_type("CounterTop")[0].id
    assert goal_conditions(goal, w) == (0, 3)
    apples[0].cooled = True
    w.version += 1
    assert goal_conditions(goal, w) == (1, 3)
    if len(apples) > 1:
        move(w, apples[1].id, counter)  # a different apple in place: 2 of 3, not both
        assert goal_conditions(goal, w) == (2, 3)
    move(w, apples[0].id, counter)
    assert goal_conditions(goal, w) == (3, 3)


def test_goal_conditions_movable_receptacle():
    goal = TaskGoal("pick_and_place_with_movable_recep", "Apple", "DiningTable", movable_receptacle="Bowl")
    w = world_for(goal, scene=1)
    apple, bowl = w.objects_of_type("Apple")[0], w.objects_of_type("Bowl")[0]
    table = w.objects_of_type("DiningTable")[0].id
    assert goal_conditions(goal, w) == (0, 3)
    move(w, bowl.id, table)
    assert goal_conditions(goal, w) == (1, 3)
    move(w, apple.id, bowl.id)
    assert goal_conditions(goal, w) == (3, 3)


def test_goal_conditions_look_at_in_light():
    goal = TaskGoal("look_at_obj_in_light", "Book", "DeskLamp")
    scene_id = next(i for i in range(301, 331) if any(o.type == "DeskLamp" for o in load_scene(i).fixed))
    w = world_for(goal, scene=scene_id)
    assert goal_conditions(goal, w) == (0, 2)
    hold(w, w.objects_of_type("Book")[0].id)
    assert goal_conditions(goal, w) == (1, 2)
    lamp = w.objects_of_type("DeskLamp")[0]
    lamp.is_on = True
    w.version += 1
    expected = 2 if lamp.id in w.visible_ids() else 1
    assert goal_conditions(goal, w) == (expected, 2)


def test_impossible_tasks_say_what_is_missing():
    goal = TaskGoal("pick_and_place_simple", "Apple", "Fridge")
    with pytest.raises(ImpossibleTask, match=r"cannot be done in procedural-401: it has no reachable Fridge \(it has"):
        Task(goal, 401).build_scene()
    heat = TaskGoal("pick_heat_then_place_in_recep", "Apple", "CounterTop")
    with pytest.raises(ImpossibleTask, match="no reachable Microwave"):
        Task(heat, 402).build_scene()


def test_prepared_scene_has_what_the_goal_needs_and_goal_unmet():
    sampler = TaskSampler(split="any")
    rng = np.random.default_rng(1)
    for _ in range(60):
        task = sampler.sample(rng)
        w = World(task.build_scene())
        goal = task.goal
        need = 2 if goal.task_type == "pick_two_obj_and_place" else 1
        assert len(w.objects_of_type(goal.object)) >= need
        if goal.sliced:
            assert w.objects_of_type("Knife") or w.objects_of_type("ButterKnife")
        met, total = goal_conditions(goal, w)
        assert met < total


def test_sampler_follows_room_and_split():
    rng = np.random.default_rng(0)
    unseen = TaskSampler(split="unseen")
    scenes = {unseen.sample(rng).scene for _ in range(40)}
    assert scenes <= {9, 10, 29, 215, 219, 226, 308, 315, 325, 404, 424, 425}
    fixed = TaskSampler(scene=301)
    for _ in range(10):
        task = fixed.sample(rng)
        assert task.scene == 301
        assert any(row[:4] == [task.goal.task_type, task.goal.object_type_name, task.goal.movable_receptacle or "None",
                               task.goal.parent_receptacle] for row in load_distribution()["bedroom"])


def test_sampler_draws_alfreds_floor_plans_of_the_split(alfred_dir):
    from errands.envs.household.procedural import UNSEEN_SCENE_IDS

    sampler = TaskSampler(split="unseen", layouts_dir=str(alfred_dir / "layouts"), scenes="alfred_floorplans")
    rng = np.random.default_rng(0)
    tasks = [sampler.sample(rng) for _ in range(12)]
    assert {t.scene for t in tasks} <= {f"FloorPlan{i}" for i in UNSEEN_SCENE_IDS}
    assert len({t.scene for t in tasks}) >= 4
    world = World(tasks[0].build_scene(str(alfred_dir / "layouts")))
    assert world.scene.name == tasks[0].scene
    with pytest.raises(ValueError, match="unknown scene kind 'floorplans': expected one of procedural, "
                                         "alfred_floorplans"):
        TaskSampler(scenes="floorplans")


def test_instruction_templates_and_novel_phrasings():
    for kind, sets in GOAL_TEMPLATES.items():
        assert len(sets["train"]) >= 10 and len(sets["novel"]) >= 4, kind
        assert not set(sets["train"]) & set(sets["novel"])
    for type_name, names in SYNONYMS.items():
        if len(names) >= 3:
            assert not set(names_for(type_name, "train")) & set(names_for(type_name, "novel")), type_name
    assert names_for("Fridge", "train") == ["fridge", "refrigerator"]
    goal = TaskGoal("pick_clean_then_place_in_recep", "Apple", "Fridge")
    rng = np.random.default_rng(0)
    train = {describe_goal(goal, "train", rng) for _ in range(200)}
    novel = {describe_goal(goal, "novel", rng) for _ in range(200)}
    assert len(train) > 50 and not train & novel
    assert all(re.search(r"\b(clean|rinse|wash|rinsed|washed)\b", t, re.IGNORECASE) for t in train)
    assert all(re.search(r"\b(in|to) the (fridge|refrigerator)\b", t) for t in train)
    assert all("icebox" in t for t in novel)
    assert describe_goal(TaskGoal("pick_two_obj_and_place", "Pencil", "Desk")) == "Put two pencils on the desk."


def test_task_json_round_trip_and_bad_input():
    task = Task(TaskGoal("pick_heat_then_place_in_recep", "Potato", "CounterTop", sliced=True), 3, seed=5)
    again = Task.from_dict(json.loads(json.dumps(task.to_dict())))
    assert again.to_dict() == task.to_dict() and again.task_id == task.task_id
    with pytest.raises(ValueError, match="needs 'goal' and 'scene'"):
        Task.from_dict({"scene": 3})
    with pytest.raises(ValueError, match="bad task goal"):
        Task.from_dict({"scene": 3, "goal": {"task_type": "pick_and_place_simple", "colour": "red"}})


def test_every_task_type_is_one_registered_class():
    from errands.envs.tasks.types import TASK_TYPES as REGISTRY, TaskType, TransformTaskType, task_type_named
    from errands.envs.transforms import TRANSFORMS

    assert TASK_TYPES is REGISTRY and len(TASK_TYPES) == 7
    assert {row[0] for rows in load_distribution().values() for row in rows} == set(TASK_TYPES)
    for name, kind in TASK_TYPES.items():
        assert isinstance(kind, TaskType) and kind.name == name and kind.note, name
        assert type(kind).validate is not TaskType.validate and type(kind).estimate is not TaskType.estimate, name
    for t in TRANSFORMS:
        kind = TASK_TYPES[t.task_type]
        assert isinstance(kind, TransformTaskType) and kind.transform is t
    with pytest.raises(ValueError, match="unknown task type 'pick_apple': expected one of pick_and_place_simple, "):
        task_type_named("pick_apple")


def test_transform_table_names_what_exists():
    from errands.envs.household.object_types import OBJECT_TYPES, ObjectType
    from errands.envs.household.world import WorldObject
    from errands.envs.skills import ARG_KINDS, SKILLS, TransformObject
    from errands.envs.transforms import TRANSFORMS, transform_named, transform_of_skill, transform_of_task_type

    for t in TRANSFORMS:
        assert t.flag in WorldObject.__slots__ and t.affordance in ObjectType.__dataclass_fields__
        assert t.appliance in OBJECT_TYPES and (t.switch is None or t.switch in OBJECT_TYPES)
        assert t.affordance in ARG_KINDS
        skill = SKILLS[t.skill]
        assert isinstance(skill, TransformObject) and skill.transform is t and skill.args == (t.affordance,)
        assert transform_named(t.name) is transform_of_skill(t.skill) is transform_of_task_type(t.task_type) is t
        assert t.state_word in t.words("train").states and set(t.words("train").verbs) <= set(t.all_words())
    assert transform_of_skill("PutObject") is None and transform_of_task_type("pick_and_place_simple") is None
    with pytest.raises(ValueError, match="unknown transform 'fry': expected one of clean, heat, cool"):
        transform_named("fry")


def test_task_types_count_the_conditions_their_search_estimate_reaches():
    """Along expert episodes of every task type, the estimate the symbolic search orders
    states by is 0 exactly when every goal condition holds, and goal_conditions() and the
    conditions agree."""
    import gymnasium as gym

    import errands  # noqa: F401
    from errands.envs.tasks.types import WorldState
    from errands.planners.oracle import OraclePlanner
    from errands.policies.agent import Agent
    from errands.policies.expert import ExpertSkillPolicy

    class Checked(ExpertSkillPolicy):
        def act(self, observation, info, call):
            state = WorldState(self.world)
            conditions = kind.goal_conditions(goal, state)
            assert (kind.estimate(goal, state) == 0) == all(c.met for c in conditions), goal.alfred_name
            assert goal_conditions(goal, self.world) == (sum(c.met for c in conditions), len(conditions))
            seen.add((goal.task_type, all(c.met for c in conditions)))
            return super().act(observation, info, call)

    env, agent, seen = gym.make("errands/Household-v0"), Agent(OraclePlanner(), Checked()), set()
    sampler, rng = TaskSampler(split="seen"), np.random.default_rng(21)
    while {t for t, _ in seen} != set(TASK_TYPES):
        task = sampler.sample(rng)
        goal, kind = task.goal, TASK_TYPES[task.goal.task_type]
        assert agent.run_episode(env, task).success


def test_requirements_say_what_a_scene_lacks():
    from errands.envs.tasks.task import missing_requirements

    bedroom = load_scene(301)  # no sink, no microwave, no fridge
    assert missing_requirements(TaskGoal("pick_clean_then_place_in_recep", "Cloth", "Bed"), bedroom) == \
        ["a reachable SinkBasin", "a Faucet over a SinkBasin"]
    assert missing_requirements(TaskGoal("pick_heat_then_place_in_recep", "Mug", "Desk"), bedroom) == \
        ["a reachable Microwave"]
    assert missing_requirements(TaskGoal("pick_cool_then_place_in_recep", "Mug", "CounterTop"), bedroom) == \
        ["a reachable CounterTop", "a reachable Fridge"]
    assert missing_requirements(TaskGoal("look_at_obj_in_light", "Book", "DeskLamp"), bedroom) == []


def test_condition_totals_without_a_world():
    from errands.envs.tasks.goals import goal_condition_total

    expected = {"pick_and_place_simple": 1, "pick_two_obj_and_place": 2, "look_at_obj_in_light": 2,
                "pick_clean_then_place_in_recep": 3, "pick_heat_then_place_in_recep": 3,
                "pick_cool_then_place_in_recep": 3, "pick_and_place_with_movable_recep": 3}
    for row in {tuple(r[:4]) for rows in load_distribution().values() for r in rows}:
        try:
            goal = TaskGoal.from_alfred_name("-".join(row))
        except ValueError:
            continue
        assert goal_condition_total(goal) == expected[goal.task_type] + goal.sliced, goal.alfred_name


def test_a_recorded_start_places_the_objects_and_the_agent(alfred_dir):
    from errands.envs.household.scene import Pose
    from errands.envs.tasks.start_state import AgentStart, PlacedObject, StartState

    layouts = str(alfred_dir / "layouts")
    goal = TaskGoal("pick_and_place_simple", "Book", "Bed")
    plain = Task(goal, "FloorPlan301", seed=7, instruction="Put a book on the bed.")
    assert plain.task_id == "597a03c5bb6e" and "start" not in plain.to_dict()  # as before starts existed
    start = StartState(objects=(PlacedObject("Book|-01.30|+00.85|-00.60", "Dresser|-01.33|+00.00|-00.75"),
                                PlacedObject("CD|+02.05|+00.80|-00.95", "Desk|+02.29|+00.01|-01.15")),
                       agent=AgentStart(1.25, -0.5, 270, 30))
    task = Task(goal, "FloorPlan301", seed=7, instruction="Put a book on the bed.", start=start)
    assert task.task_id != plain.task_id
    again = Task.from_dict(json.loads(json.dumps(task.to_dict())))
    assert again == task and again.task_id == task.task_id
    assert task.to_dict()["start"] == {
        "objects": [{"id": "Book|-01.30|+00.85|-00.60", "receptacle": "Dresser|-01.33|+00.00|-00.75"},
                    {"id": "CD|+02.05|+00.80|-00.95", "receptacle": "Desk|+02.29|+00.01|-01.15"}],
        "agent": {"x": 1.25, "z": -0.5, "rotation": 270, "horizon": 30}}
    scene = task.build_scene(layouts)
    assert {o.id: o.parent for o in scene.objects if o.position is None} == {
        "Book|-01.30|+00.85|-00.60": "Dresser|-01.33|+00.00|-00.75",
        "CD|+02.05|+00.80|-00.95": "Desk|+02.29|+00.01|-01.15"}
    row, col = scene.xz_cell(1.25, -0.5)
    assert scene.start_pose == Pose(row, col, 270, 30)
    # Without a start the floor plan's own small objects and start pose stay.
    seeded = plain.build_scene(layouts)
    assert len([o for o in seeded.objects if o.position is None]) > 10 and seeded.start_pose != scene.start_pose
    # Only the agent: the scene's objects stay, the pose changes.
    walker = Task(goal, "FloorPlan301", seed=7, start=StartState(agent=AgentStart(1.25, -0.5, 270, 30)))
    assert walker.build_scene(layouts).objects == seeded.objects

    bad_cell = Task(goal, "FloorPlan301", start=StartState(agent=AgentStart(9.0, 9.0, 0, 30)))
    with pytest.raises(ImpossibleTask, match=r"\(9.0, 9.0\) is not a floor cell of errands' FloorPlan301"):
        bad_cell.build_scene(layouts)
    bad_place = Task(goal, "FloorPlan301", start=StartState(
        objects=(PlacedObject("Mug|+02.80|+00.37|-01.18", "Drawer|+02.82|+00.40|-01.21"),)))
    with pytest.raises(ImpossibleTask, match="a Drawer does not take a Mug in errands"):
        bad_place.build_scene(layouts)
    with pytest.raises(ValueError, match="start 'agent' must have x, z, rotation and horizon"):
        Task.from_dict({**plain.to_dict(), "start": {"agent": {"x": 1.0}}})
