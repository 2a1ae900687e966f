import json
import subprocess
import sys

from PIL import Image

from errands.episode_log import EpisodeLog


def errands(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "errands.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_run_an_instruction_end_to_end(tmp_path):
    result = errands("run", "put a washed apple in the fridge", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "task:        pick_clean_then_place_in_recep-Apple-None-Fridge" in out
    assert "CleanObject(Apple)" in out and "outcome:     SUCCESS" in out
    [run_dir] = list(tmp_path.iterdir())
    log = EpisodeLog.load(run_dir / "episode.json")
    assert log.success and log.goal_conditions == (3, 3) and log.expert_length == log.num_steps
    assert log.steps[-1].action == "Stop"
    steps = json.loads((run_dir / "episode.json").read_text())["steps"]
    assert all(set(s) >= {"t", "action", "success", "error", "skill", "goal_conditions"} for s in steps)
    gif = Image.open(run_dir / "episode.gif")
    assert gif.n_frames == len(log.steps)
    assert f"episode log: {run_dir / 'episode.json'}" in out and f"animation:   {run_dir / 'episode.gif'}" in out


def test_tasks_jsonl_feeds_run(tmp_path):
    path = tmp_path / "tasks.jsonl"
    result = errands("tasks", "-n", "4", "--split", "unseen", "--with-expert", "--seed", "3", "--out", str(path))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(rows) == 4
    for row in rows:
        assert row["scene"] in (9, 10, 29, 215, 219, 226, 308, 315, 325, 404, 424, 425)
        assert row["expert_success"] and row["expert_length"] > 0
        assert len(row["step_instructions"]) == len(row["expert_plan"])
    result = errands("run", "--tasks", str(path), "--index", "2", "--out", str(tmp_path / "runs"), "--no-gif")
    assert result.returncode == 0, result.stderr
    assert f"task:        {rows[2]['goal']['task_type']}" in result.stdout


def test_explicit_parameters_and_clear_errors(tmp_path):
    ok = errands("run", "--task-type", "pick_heat_then_place_in_recep", "--object", "Potato", "--parent", "CounterTop",
                 "--sliced", "--scene", "3", "--out", str(tmp_path), "--no-gif")
    assert ok.returncode == 0, ok.stderr
    assert "SliceObject(Potato)" in ok.stdout and "HeatObject(PotatoSliced)" in ok.stdout
    bad = errands("run", "dance a little")
    assert bad.returncode == 1 and bad.stdout.splitlines()[-1] == (
        "outcome:     CANNOT DO (not_understood): cannot do this because 'dance a little' names no object: name "
        "one, such as an apple, a mug or a book")
    bad = errands("run", "put an apple in the fridge", "--scene", "401")
    assert bad.returncode == 2 and "it has no reachable Fridge" in bad.stderr
    bad = errands("run", "--task-type", "pick_and_place_simple", "--object", "Apple")
    assert bad.returncode == 2 and "--task-type needs --object and --parent" in bad.stderr
    bad = errands("eval", "--suite", "smoke", "--episodes", "3", "--out", str(tmp_path / "none"))
    assert bad.returncode == 2 and "--episodes is for babyai:LEVEL suites; smoke plays all its episodes" in bad.stderr
    assert errands("--help").returncode == 0 and "errands run" in errands("--help").stdout


def test_scene_command_draws_a_map(tmp_path):
    result = errands("scene", "201", "--out", str(tmp_path / "map.png"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("procedural-201: living_room")
    assert Image.open(tmp_path / "map.png").size[0] > 100


def test_a_task_request_is_what_run_and_the_live_viewer_build(tmp_path):
    import dataclasses

    import pytest

    from errands.task_request import TaskRequest
    from errands.viewer.live import task_from_form

    request = TaskRequest(instruction="put a washed apple in the fridge", seed=2)
    task = request.task()
    assert task.goal.alfred_name == "pick_clean_then_place_in_recep-Apple-None-Fridge"
    form = {"source": "instruction", "instruction": "put a washed apple in the fridge", "seed": 2}
    assert task_from_form(form)[0].to_dict() == task.to_dict()
    sampled = TaskRequest(random=True, split="unseen", seed=3).task()
    assert task_from_form({"source": "random", "split": "unseen", "seed": 3})[0].to_dict() == sampled.to_dict()
    path = tmp_path / "tasks.jsonl"
    path.write_text(json.dumps(task.to_dict()) + "\n")
    assert TaskRequest(tasks_file=path).task().to_dict() == task.to_dict()
    with pytest.raises(ValueError, match=r"--index 1 is outside .*tasks.jsonl \(1 tasks\)"):
        TaskRequest(tasks_file=path, index=1).task()
    with pytest.raises(ValueError, match="give an instruction, task parameters"):
        TaskRequest().task()
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.seed = 3
