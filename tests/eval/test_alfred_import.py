"""`errands import alfred`: ALFRED's traj_data.json files as tasks on ALFRED's real floor
plans. The files are written here in ALFRED's documented format (the real ones are not
in ../shared); the objects are posed at the real receptacles of each floor plan's
openable.json."""

import json
from pathlib import Path

import pytest

from errands.cli import main
from errands.envs.household.world import World
from errands.envs.tasks.task import Task
from errands.eval.alfred_import import import_alfred
from errands.eval.runner import read_records
from errands.eval.suites import load_suite

FLOOR_PLANS = (1, 17, 301)  # the layouts folder of these tests; FloorPlan10 is left out of it


def pose(name, x, y, z, yaw=0):
    return {"objectName": name, "position": {"x": x, "y": y, "z": z}, "rotation": {"x": 0, "y": yaw, "z": 0}}


def teleport(x, z, rotation, horizon=30):
    return {"action": "TeleportFull", "x": x, "y": 0.9009992, "z": z, "rotation": rotation, "horizon": horizon,
            "rotateOnTeleport": True}


def subgoal(i, action, *args):
    return {"high_idx": i, "discrete_action": {"action": action, "args": list(args)},
            "planner_action": {"action": action}}


def trajectory(task_id, task_type, target, parent, scene_num, poses, init, plan, anns, sliced=False,
               mrecep="", toggle=""):
    """A traj_data.json as ALFRED writes it (low actions and images cut short)."""
    return {
        "task_id": task_id, "task_type": task_type,
        "pddl_params": {"object_target": target, "object_sliced": sliced, "parent_target": parent,
                        "mrecep_target": mrecep, "toggle_target": toggle},
        "scene": {"floor_plan": f"FloorPlan{scene_num}", "scene_num": scene_num, "random_seed": 2914737416,
                  "dirty_and_empty": False, "object_toggles": [], "init_action": init, "object_poses": poses},
        "plan": {"high_pddl": [subgoal(i, *step) for i, step in enumerate(plan + [("NoOp",)])],
                 "low_actions": [{"high_idx": 0, "api_action": {"action": "MoveAhead", "forceAction": True},
                                  "discrete_action": {"action": "MoveAhead_25", "args": {}}}]},
        "turk_annotations": {"anns": [{"assignment_id": f"A{k}X7QZ3L2M9", "task_desc": desc, "high_descs": steps,
                                       "votes": [1, 1, 1]} for k, (desc, steps) in enumerate(anns)]},
        "images": [{"high_idx": 0, "low_idx": 0, "image_name": "000000000.jpg"}],
    }


# FloorPlan301, a bedroom: a book on the dresser goes to the bed.
BOOK = trajectory(
    "trial_T20190908_052232_887934", "pick_and_place_simple", "Book", "Bed", 301,
    poses=[pose("Book_3ac8f1e2", -1.30, 0.85, -0.60, 90),                     # Dresser|-01.33|+00.00|-00.75
           pose("CD_6f0b2d9a", 2.05, 0.80, -0.95),                          # Desk|+02.29|+00.01|-01.15
           pose("Pillow_b7e41c05", -0.95, 0.56, 1.25),                      # Bed|-00.64|+00.00|+00.87
           pose("KeyChain_0d93a7f4", 1.60, 0.36, -1.15),                    # Drawer|+01.63|+00.40|-01.21
           pose("Pencil_58c2e9b1", 2.40, 1.05, -1.45),                      # Shelf|+02.47|+01.04|-01.41
           pose("AlarmClock_e21f4c8d", 2.20, 1.28, -1.40, 180),             # Shelf|+02.25|+01.27|-01.42
           pose("Laptop_9a4d1e73", -0.30, 0.56, 0.55),                      # Bed
           pose("CellPhone_1e8d4b6a", -0.70, 0.56, 1.50),                   # Bed
           pose("Boots_4e7a2c19", -1.85, 0.00, 1.95),                       # a type errands lacks
           pose("BaseballBat_c3f8a6d2", 0.25, 0.05, -1.60),                 # leaning on a wall
           pose("Mug_7b2e5f30", 2.80, 0.37, -1.18)],                        # Drawer|+02.82|+00.40|-01.21
    init=teleport(1.25, -0.5, 270),
    plan=[("GotoLocation", "dresser"), ("PickupObject", "book"), ("GotoLocation", "bed"),
          ("PutObject", "book", "bed")],
    anns=[("Put a book on the bed.",
           ["Turn left and walk to the dresser.", "Pick up the book from the dresser.",
            "Turn around and walk over to the bed.", "Put the book down on the bed."]),
          ("Move the book from the dresser to the bed",
           ["go to the dresser", "grab the book on top", "walk to the bed", "drop the book on the bed"]),
          ("Place the book that is on the dresser onto the bed.",
           ["Walk forward, then turn left to face the dresser.", "Take the book off the dresser.",
            "Carry the book to the bed.", "Set the book on the bed next to the pillow."])])

# FloorPlan301 again: hold a CD by the desk lamp (on the desk).
CD = trajectory(
    "trial_T20190907_154618_526741", "look_at_obj_in_light", "CD", "", 301, toggle="DeskLamp",
    poses=[pose("CD_6f0b2d9a", -0.40, 0.56, 1.30), pose("Book_3ac8f1e2", 2.45, 0.80, -0.90),
           pose("Pillow_b7e41c05", -0.95, 0.56, 1.25), pose("KeyChain_0d93a7f4", -1.25, 0.86, -0.80),
           pose("Pencil_58c2e9b1", 2.40, 1.05, -1.45), pose("CellPhone_1e8d4b6a", 1.95, 0.36, -1.15)],
    init=teleport(0.75, -0.25, 0),
    plan=[("GotoLocation", "bed"), ("PickupObject", "cd"), ("GotoLocation", "desklamp"),
          ("ToggleObject", "desklamp")],
    anns=[("Look at a CD under the light of a lamp.",
           ["Walk to the bed.", "Pick up the CD from the bed.", "Go to the desk with the lamp on it.",
            "Turn on the lamp while holding the CD."]),
          ("Examine the disc by the desk lamp",
           ["head to the bed", "take the disc", "bring it over to the desk", "switch the lamp on"])])

# FloorPlan17, a kitchen: a chilled apple slice for the dining table.
APPLE = trajectory(
    "trial_T20190909_012233_445566", "pick_cool_then_place_in_recep", "Apple", "DiningTable", 17, sliced=True,
    poses=[pose("Apple_2b3d9a1f", 1.10, 0.99, -0.30),                       # CounterTop|+01.28|+00.95|+00.07
           pose("Knife_8e1c4f07", -0.75, 0.98, -0.85),                      # CounterTop|-01.00|+00.95|-00.67
           pose("ButterKnife_5d2a9b63", 1.00, 0.93, 2.30),                  # DiningTable|+01.19|+00.92|+02.48
           pose("Mug_0c7e3d51", -0.05, 0.86, -0.60),                        # Sink|-00.01|+00.91|-00.62|SinkBasin
           pose("Egg_a4f19c2e", -1.35, 1.20, 1.05),                         # Fridge|-01.30|+00.01|+00.99
           pose("Potato_63b8e0d4", -1.34, 0.93, 0.05),                      # Microwave|-01.34|+00.90|+00.05
           pose("Plate_f2a5c7e9", -1.30, 0.79, 2.30),                       # DiningTable|-01.21|+00.78|+02.46
           pose("Cup_91d0b6a3", 0.30, 0.36, -0.40),                         # Cabinet|+00.34|+00.40|-00.35
           pose("Bread_7a1e5c90", -1.20, 1.00, -0.45),                      # CounterTop|-01.00|+00.95|-00.67
           pose("Tomato_d85b3f12", 1.35, 0.97, 2.65)],                      # DiningTable|+01.19|+00.92|+02.48
    init=teleport(-0.25, 0.5, 90),
    plan=[("GotoLocation", "countertop"), ("PickupObject", "knife"), ("GotoLocation", "countertop"),
          ("SliceObject", "apple"), ("PutObject", "knife", "countertop"), ("PickupObject", "apple"),
          ("GotoLocation", "fridge"), ("CoolObject", "apple"), ("GotoLocation", "diningtable"),
          ("PutObject", "apple", "diningtable")],
    anns=[("Put a chilled slice of apple on the table.",
           ["Turn left and go to the counter by the sink.", "Pick up the knife on the counter.",
            "Turn around and go to the apple on the other counter.", "Slice the apple with the knife.",
            "Leave the knife on the counter.", "Pick up a slice of the apple.", "Walk to the fridge.",
            "Chill the apple slice in the fridge, then take it out.", "Go to the white table.",
            "Place the apple slice on the table."]),
          ("Cool an apple slice and set it on the dining table",
           ["go to the counter", "get the knife", "go to the apple", "cut the apple", "put down the knife",
            "take a piece of apple", "go to the refrigerator", "cool it in the refrigerator",
            "walk to the table", "put the apple piece on the table"]),
          ("Slice an apple, chill a piece in the fridge and put it on the table.",
           ["Move to the counter on your left.", "Grab the knife.", "Bring the knife to the apple.",
            "Cut the apple into slices.", "Put the knife down by the apple.", "Take one slice.",
            "Carry the slice to the fridge.", "Put the slice in the fridge to cool it and take it back out.",
            "Take the slice to the table.", "Set the slice down on the table."])])

# FloorPlan1, a kitchen: a potato from the sink into a bowl, the bowl into the fridge.
POTATO = trajectory(
    "trial_T20190906_180021_201134", "pick_and_place_with_movable_recep", "Potato", "Fridge", 1, mrecep="Bowl",
    poses=[pose("Potato_19e4c7b2", -1.85, 0.88, -1.45),                     # Sink|-01.90|+00.97|-01.50|SinkBasin
           pose("Bowl_5a0f3e8c", 0.45, 0.96, -2.30),                        # CounterTop|+00.69|+00.95|-02.48
           pose("Apple_c48e2b9d", -2.00, 1.10, 1.00),                       # Fridge|-02.10|+00.00|+01.09
           pose("Mug_2e9b7c41", 0.20, 1.16, 0.25),                          # CounterTop|-00.08|+01.15|00.00
           pose("Spatula_7d3f0a6e", -1.50, 0.80, 0.25),                     # Drawer|-01.56|+00.84|+00.20
           pose("Egg_f03a6d18", -0.25, 1.72, -2.50),                        # Microwave|-00.24|+01.69|-02.53
           pose("SaltShaker_8b1c5e27", 1.75, 0.89, -2.50),                  # Shelf|+01.80|+00.87|-02.56
           pose("Tomato_3f7a9c04", -1.95, 0.99, -0.80),                     # CounterTop|-01.87|+00.95|-01.21
           pose("Vase_6e0d2b95", 1.85, 0.56, -2.55)],                       # Shelf|+01.80|+00.54|-02.56
    init=teleport(1.5, -0.75, 0),
    plan=[("GotoLocation", "sinkbasin"), ("PickupObject", "potato"), ("GotoLocation", "countertop"),
          ("PutObject", "potato", "bowl"), ("PickupObject", "bowl"), ("GotoLocation", "fridge"),
          ("PutObject", "bowl", "fridge")],
    anns=[("Put a bowl with a potato in it in the fridge.",
           ["Go to the sink.", "Pick up the potato from the sink.", "Walk to the counter with the bowl.",
            "Put the potato in the bowl.", "Pick up the bowl with the potato.", "Go to the fridge.",
            "Put the bowl in the fridge."]),
          ("Move a potato in a bowl to the refrigerator",
           ["walk over to the sink", "take the potato out", "go to the bowl on the counter",
            "drop the potato into the bowl", "lift the bowl", "carry it to the refrigerator",
            "set the bowl on a shelf in the refrigerator"])])

# Files that cannot be imported, each for its own reason.
UNSEEN_KITCHEN = trajectory(  # FloorPlan10 is not in this test's layouts folder
    "trial_T20190907_222640_487432", "pick_heat_then_place_in_recep", "Egg", "CounterTop", 10,
    poses=[pose("Egg_2c9f7a14", 1.00, 1.15, 1.20)], init=teleport(-2.5, -0.25, 180),  # Fridge|+00.97|+00.00|+01.25
    plan=[("GotoLocation", "fridge"), ("PickupObject", "egg"), ("GotoLocation", "microwave"),
          ("HeatObject", "egg"), ("GotoLocation", "countertop"), ("PutObject", "egg", "countertop")],
    anns=[("Put a warm egg on the counter.", ["Go to the fridge.", "Take an egg.", "Go to the microwave.",
                                              "Heat the egg.", "Go to the counter.", "Put the egg down."])])
BOOTS = trajectory(  # an object type errands does not model
    "trial_T20190906_201106_979461", "pick_and_place_simple", "Boots", "Bed", 301,
    poses=[pose("Boots_4e7a2c19", -1.85, 0.00, 1.95)], init=teleport(1.25, -0.5, 270),
    plan=[("GotoLocation", "boots"), ("PickupObject", "boots"), ("GotoLocation", "bed"),
          ("PutObject", "boots", "bed")],
    anns=[("Put the boots on the bed.", ["Go to the boots.", "Pick them up.", "Go to the bed.", "Put them down."])])
SAFE = trajectory(  # FloorPlan301 has no safe: ALFRED's objects list for it names none
    "trial_T20190907_183137_838565", "pick_and_place_simple", "Pencil", "Safe", 301,
    poses=[pose("Pencil_58c2e9b1", 2.40, 1.05, -1.45)], init=teleport(1.25, -0.5, 270),
    plan=[("GotoLocation", "shelf"), ("PickupObject", "pencil"), ("GotoLocation", "safe"),
          ("PutObject", "pencil", "safe")],
    anns=[("Lock the pencil away in the safe.", ["Go to the shelf.", "Take the pencil.", "Go to the safe.",
                                                 "Put the pencil in the safe."])])
MALFORMED = trajectory(
    "trial_T20190908_111544_009133", "pick_and_place_simple", "Pen", "Desk", 301,
    poses=[], init=teleport(1.25, -0.5, 270), plan=[("GotoLocation", "bed"), ("PickupObject", "pen")],
    anns=[("Put a pen on the desk.", ["Go to the bed.", "Pick up the pen."])])
del MALFORMED["pddl_params"]["object_target"]
TEST_SPLIT = {k: v for k, v in BOOK.items() if k not in ("pddl_params", "plan")}
TEST_SPLIT["task_id"] = "trial_T20190909_042500_949430"

GOOD = {"valid_seen/pick_and_place_simple-Book-None-Bed-301/trial_T20190908_052232_887934": BOOK,
        "valid_seen/look_at_obj_in_light-CD-None-DeskLamp-301/trial_T20190907_154618_526741": CD,
        "valid_seen/pick_cool_then_place_in_recep-AppleSliced-None-DiningTable-17/trial_T20190909_012233_445566":
            APPLE,
        "valid_seen/pick_and_place_with_movable_recep-Potato-Bowl-Fridge-1/trial_T20190906_180021_201134": POTATO}
BAD = {"valid_unseen/pick_heat_then_place_in_recep-Egg-None-CounterTop-10/trial_T20190907_222640_487432":
           UNSEEN_KITCHEN,
       "train/pick_and_place_simple-Boots-None-Bed-301/trial_T20190906_201106_979461": BOOTS,
       "train/pick_and_place_simple-Pencil-None-Safe-301/trial_T20190907_183137_838565": SAFE,
       "train/pick_and_place_simple-Pen-None-Desk-301/trial_T20190908_111544_009133": MALFORMED,
       "tests_seen/trial_T20190909_042500_949430": TEST_SPLIT}


def write_dataset(root: Path, trajectories: dict) -> None:
    for folder, data in trajectories.items():
        (root / folder).mkdir(parents=True)
        (root / folder / "traj_data.json").write_text(json.dumps(data, indent=2))


@pytest.fixture(scope="module")
def layouts(alfred_dir, tmp_path_factory) -> Path:
    """A layouts folder with three of ALFRED's floor plans (links to the real files)."""
    folder = tmp_path_factory.mktemp("layouts")
    for n in FLOOR_PLANS:
        for suffix in ("layout.npy", "objects.json", "openable.json"):
            (folder / f"FloorPlan{n}-{suffix}").symlink_to(alfred_dir / "layouts" / f"FloorPlan{n}-{suffix}")
    return folder


@pytest.fixture(scope="module")
def imported(layouts, tmp_path_factory):
    root = tmp_path_factory.mktemp("alfred")
    write_dataset(root / "data", {**GOOD, **BAD})
    report = import_alfred(root / "data", layouts, root / "tasks.jsonl")
    rows = [json.loads(line) for line in (root / "tasks.jsonl").read_text().splitlines()]
    return root, report, rows


def by_episode(rows):
    return {row["episode_id"]: row for row in rows}


def test_each_directive_becomes_a_task_with_alfreds_goal_and_words(imported):
    root, report, rows = imported
    assert (report["files_read"], report["trajectories_imported"], report["tasks_written"]) == (9, 4, 10)
    tasks = by_episode(rows)
    directives = {BOOK["task_id"]: 3, CD["task_id"]: 2, APPLE["task_id"]: 3, POTATO["task_id"]: 2}
    assert sorted(tasks) == sorted(f"{trial}:{k}" for trial, n in directives.items() for k in range(n))
    book = tasks["trial_T20190908_052232_887934:1"]
    assert book["goal"] == {"task_type": "pick_and_place_simple", "object": "Book", "parent_receptacle": "Bed",
                            "sliced": False, "movable_receptacle": None}
    assert (book["scene"], book["phrasing"]) == ("FloorPlan301", "human")
    assert book["instruction"] == "Move the book from the dresser to the bed"
    assert book["step_instructions"] == ["go to the dresser", "grab the book on top", "walk to the bed",
                                         "drop the book on the bed"]
    assert book["alfred"] == {"file": "valid_seen/pick_and_place_simple-Book-None-Bed-301/"
                                      "trial_T20190908_052232_887934/traj_data.json",
                              "task_id": "trial_T20190908_052232_887934", "repeat_idx": 1}
    assert tasks["trial_T20190909_012233_445566:2"]["goal"] == {
        "task_type": "pick_cool_then_place_in_recep", "object": "Apple", "parent_receptacle": "DiningTable",
        "sliced": True, "movable_receptacle": None}
    assert tasks["trial_T20190909_012233_445566:2"]["instruction"] == (
        "Slice an apple, chill a piece in the fridge and put it on the table.")
    assert tasks["trial_T20190907_154618_526741:0"]["goal"] == {
        "task_type": "look_at_obj_in_light", "object": "CD", "parent_receptacle": "DeskLamp", "sliced": False,
        "movable_receptacle": None}
    assert tasks["trial_T20190906_180021_201134:0"]["goal"] == {
        "task_type": "pick_and_place_with_movable_recep", "object": "Potato", "parent_receptacle": "Fridge",
        "sliced": False, "movable_receptacle": "Bowl"}
    # A seed per directive, the same on every import; the task reads back as written.
    assert len({row["seed"] for row in rows}) == 10
    again = import_alfred(root / "data", report["layouts"], root / "again.jsonl")
    assert (root / "again.jsonl").read_text() == (root / "tasks.jsonl").read_text()
    assert again["plan_agreement"] == report["plan_agreement"]
    assert all(Task.from_dict(row).to_dict() == {k: v for k, v in row.items() if k not in ("episode_id", "alfred")}
               for row in rows)


def test_objects_and_agent_start_where_alfred_put_them(imported, layouts):
    _, _, rows = imported
    tasks = by_episode(rows)
    scene = Task.from_dict(tasks["trial_T20190908_052232_887934:0"]).build_scene(str(layouts))
    parents = {o.id: o.parent for o in scene.objects if o.position is None}
    assert parents == {  # the posed objects only: the floor plan's seeded ones are gone
        "Book|-01.30|+00.85|-00.60": "Dresser|-01.33|+00.00|-00.75",
        "CD|+02.05|+00.80|-00.95": "Desk|+02.29|+00.01|-01.15",
        "Pillow|-00.95|+00.56|+01.25": "Bed|-00.64|+00.00|+00.87",
        "KeyChain|+01.60|+00.36|-01.15": "Drawer|+01.63|+00.40|-01.21",  # the middle drawer of three
        "Pencil|+02.40|+01.05|-01.45": "Shelf|+02.47|+01.04|-01.41",
        "AlarmClock|+02.20|+01.28|-01.40": "Shelf|+02.25|+01.27|-01.42",
        "Laptop|-00.30|+00.56|+00.55": "Bed|-00.64|+00.00|+00.87",
        "CellPhone|-00.70|+00.56|+01.50": "Bed|-00.64|+00.00|+00.87"}
    world = World(scene)
    assert scene.cell_xz(world.agent.row, world.agent.col) == (1.25, -0.5)
    assert (world.agent.heading, world.agent.horizon) == (270, 30)

    kitchen = Task.from_dict(tasks["trial_T20190906_180021_201134:1"]).build_scene(str(layouts))
    parents = {o.id: o.parent for o in kitchen.objects if o.position is None}
    assert parents["Potato|-01.85|+00.88|-01.45"] == "Sink|-01.90|+00.97|-01.50|SinkBasin"
    assert parents["Bowl|+00.45|+00.96|-02.30"] == "CounterTop|+00.69|+00.95|-02.48"
    assert parents["Egg|-00.25|+01.72|-02.50"] == "Microwave|-00.24|+01.69|-02.53"
    assert parents["Spatula|-01.50|+00.80|+00.25"] == "Drawer|-01.56|+00.84|+00.20"
    assert parents["Apple|-02.00|+01.10|+01.00"] == "Fridge|-02.10|+00.00|+01.09"
    assert World(kitchen).agent[2:] == (0, 30)


def test_the_report_counts_the_poses_used_and_why_the_others_were_dropped(imported):
    _, report, _ = imported
    assert report["poses"] == {"used": 33, "dropped": 3, "dropped_by_reason": {
        "unknown_type": 1, "no_receptacle_near": 1, "not_accepted": 1}}
    assert report["start_poses"] == {"used": 4, "dropped": 0}
    [book] = [t for t in report["trajectories"] if t["task_id"] == BOOK["task_id"]]
    assert book["poses"]["listed"] == 11 and book["poses"]["used"] == 8
    assert book["poses"]["dropped"] == [
        {"object": "Boots_4e7a2c19", "kind": "unknown_type", "reason": "Boots is not an object type errands models"},
        {"object": "BaseballBat_c3f8a6d2", "kind": "no_receptacle_near",
         "reason": "no receptacle within 0.3 m of (0.25, 0.05, -1.6) (the nearest, Drawer|+01.63|+00.18|-01.21, "
                   "is 1.03 m away)"},
        {"object": "Mug_7b2e5f30", "kind": "not_accepted", "reason": "a Drawer does not take a Mug in errands"}]
    assert book["start_pose"] == {"used": True, "problem": ""}


def test_the_oracle_plans_are_compared_with_alfreds_expert(imported):
    _, report, _ = imported
    plans = {t["task_id"]: t["plan"] for t in report["trajectories"]}
    assert plans[BOOK["task_id"]] == {
        "match": True, "same_skills": True,
        "alfred": ["GotoLocation(Dresser)", "PickupObject(Book)", "GotoLocation(Bed)", "PutObject(Book, Bed)"],
        "oracle": ["GotoLocation(Dresser)", "PickupObject(Book)", "GotoLocation(Bed)", "PutObject(Book, Bed)"]}
    assert plans[POTATO["task_id"]]["match"] and plans[CD["task_id"]]["match"]
    # The oracle cools the whole apple, carries it to the table and slices it there;
    # ALFRED's expert slices first: neither the calls nor the skills agree.
    assert plans[APPLE["task_id"]] == {
        "match": False, "same_skills": False,
        "alfred": ["GotoLocation(CounterTop)", "PickupObject(Knife)", "GotoLocation(CounterTop)", "SliceObject(Apple)",
                   "PutObject(Knife, CounterTop)", "PickupObject(Apple)", "GotoLocation(Fridge)",
                   "CoolObject(Apple)", "GotoLocation(DiningTable)", "PutObject(Apple, DiningTable)"],
        "oracle": ["GotoLocation(CounterTop)", "PickupObject(Apple)", "GotoLocation(Fridge)", "CoolObject(Apple)",
                   "GotoLocation(DiningTable)", "PutObject(Apple, DiningTable)", "PickupObject(ButterKnife)",
                   "SliceObject(Apple)"]}
    assert report["plan_agreement"] == {"trajectories": 4, "exact": 3, "same_skills": 3, "exact_rate": 0.75,
                                        "same_skills_rate": 0.75}


def test_what_cannot_be_imported_is_listed_with_the_reason(imported):
    root, report, _ = imported
    data = root / "data"
    assert report["skipped_by_reason"] == {"test_split": 1, "unsupported": 1, "impossible": 1, "malformed": 1,
                                           "missing_floor_plan": 1}
    reasons = {s["file"].split("/")[1]: (s["kind"], s["reason"]) for s in report["skipped"]}
    malformed = data / "train/pick_and_place_simple-Pen-None-Desk-301/trial_T20190908_111544_009133/traj_data.json"
    assert reasons["pick_and_place_simple-Pen-None-Desk-301"] == (
        "malformed", f"{malformed}: pddl_params.object_target missing")
    test_split = data / "tests_seen/trial_T20190909_042500_949430/traj_data.json"
    assert reasons["trial_T20190909_042500_949430"] == (
        "test_split", f"{test_split}: no pddl_params and no plan: a test-split trajectory, whose goal ALFRED "
                      f"does not publish")
    kind, reason = reasons["pick_and_place_simple-Boots-None-Bed-301"]
    assert kind == "unsupported" and reason.startswith(
        f"{data}/train/pick_and_place_simple-Boots-None-Bed-301/trial_T20190906_201106_979461/traj_data.json: "
        f"unknown object type 'Boots': expected one of the")
    kind, reason = reasons["pick_and_place_simple-Pencil-None-Safe-301"]
    assert kind == "impossible" and reason.startswith(
        f"{data}/train/pick_and_place_simple-Pencil-None-Safe-301/trial_T20190907_183137_838565/"
        f"traj_data.json: pick_and_place_simple-Pencil-None-Safe cannot be done in FloorPlan301: it has no "
        f"reachable Safe (it has Bed, ")
    unseen = data / ("valid_unseen/pick_heat_then_place_in_recep-Egg-None-CounterTop-10/"
                     "trial_T20190907_222640_487432/traj_data.json")
    assert reasons["pick_heat_then_place_in_recep-Egg-None-CounterTop-10"] == (
        "missing_floor_plan", f"{unseen}: FloorPlan10 is not in the layouts folder {report['layouts']}")
    written = json.loads((root / "tasks.report.json").read_text())
    assert written["skipped"] == report["skipped"] and written["trajectories"] == report["trajectories"]


def test_the_task_file_is_a_suite_the_oracle_and_expert_solve(imported, layouts, capsys):
    root, _, _ = imported
    suite = load_suite(root / "tasks.jsonl")
    assert (len(suite.episodes), suite.scenes) == (10, "alfred_floorplans")
    assert suite.episodes[0].id == "trial_T20190907_154618_526741:0"
    code = main(["eval", "--suite", str(root / "tasks.jsonl"), "--layouts", str(layouts), "--workers", "0",
                 "--no-progress", "--out", str(root / "run")])
    assert code == 0, capsys.readouterr().err
    records = read_records(root / "run" / "episodes.jsonl")
    assert len(records) == 10 and all(r["success"] for r in records)


def test_cli_prints_a_summary_and_exits_by_what_it_could_import(layouts, tmp_path, capsys):
    write_dataset(tmp_path / "good", {k: v for k, v in GOOD.items() if "Book" in k})
    code = main(["import", "alfred", str(tmp_path / "good"), "--layouts", str(layouts), "--no-progress",
                 "--out", str(tmp_path / "book.jsonl"), "--report", str(tmp_path / "book-report.json")])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines() == [
        f"read 1 traj_data.json files: 3 tasks from 1 trajectories written to {tmp_path / 'book.jsonl'}",
        "object poses: 8 used, 3 dropped (1 type not in errands' catalogue, 1 no receptacle near, "
        "1 receptacle does not take the type)",
        "start poses: 1 used, 0 not",
        "plans against ALFRED's expert: 1/1 the same (100%), 1/1 the same skills in the same order (100%)",
        f"report: {tmp_path / 'book-report.json'}"]
    assert len((tmp_path / "book.jsonl").read_text().splitlines()) == 3

    write_dataset(tmp_path / "bad", BAD)
    code = main(["import", "alfred", str(tmp_path / "bad"), "--layouts", str(layouts), "--no-progress",
                 "--out", str(tmp_path / "bad.jsonl")])
    out = capsys.readouterr().out
    assert code == 1 and not (tmp_path / "bad.jsonl").exists()
    assert "(nothing written)" in out and "     1  floor plan not in the layouts folder" in out
    assert json.loads((tmp_path / "bad.report.json").read_text())["tasks_written"] == 0

    (tmp_path / "empty" / "valid_seen").mkdir(parents=True)
    code = main(["import", "alfred", str(tmp_path / "empty"), "--layouts", str(layouts), "--out",
                 str(tmp_path / "none.jsonl")])
    assert code == 2
    assert capsys.readouterr().err == (f"errands import: error: {tmp_path / 'empty'} holds no traj_data.json "
                                       f"(expected ALFRED's folders <task_type>-<object>-<movable>-<parent>-<scene>"
                                       f"/trial_.../traj_data.json)\n")
    with pytest.raises(SystemExit) as exit_info:
        main(["import", "alfred", "--help"])
    assert exit_info.value.code == 0 and "what is imported" in capsys.readouterr().out


@pytest.mark.parametrize("edit, message", [
    (lambda d: "{ not json", "not valid JSON"),
    (lambda d: {**d, "turk_annotations": {"anns": []}}, "turk_annotations.anns is empty: no directive to import"),
    (lambda d: {**d, "pddl_params": {**d["pddl_params"], "object_sliced": "false"}},
     "pddl_params.object_sliced must be bool, got 'false'"),
    (lambda d: {**d, "scene": {**d["scene"], "object_poses": [{"objectName": "Book_3ac8f1e2", "position": {"x": 1}}]}},
     "scene.object_poses[0].position.y missing"),
    (lambda d: {**d, "plan": {"high_pddl": [{"high_idx": 0, "discrete_action": {"args": []}}]}},
     "plan.high_pddl[0].discrete_action.action missing"),
])
def test_a_malformed_file_is_named_with_its_field(edit, message, tmp_path):
    from errands.eval.alfred_trajectory import TrajectoryError, read_trajectory

    path = tmp_path / "traj_data.json"
    data = edit(json.loads(json.dumps(BOOK)))
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    with pytest.raises(TrajectoryError) as error:
        read_trajectory(path)
    assert str(error.value).startswith(f"{path}: {message}") and error.value.kind == "malformed"
