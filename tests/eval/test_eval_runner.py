"""The suite runner: the same results whatever the backend (this process, local worker
processes, real Ray), resuming after a crash, failures isolated per episode, reports."""

import json
import os

import pytest

from errands.cli import main
from errands.eval.runner import read_records, run_evaluation
from errands.eval.suites import load_suite


def outcome(records):
    """What must not depend on the backend: everything but the wall time."""
    return {r["episode_id"]: {k: v for k, v in r.items() if k != "wall_time_s"} for r in records}


@pytest.fixture(scope="module")
def smoke():
    return load_suite("smoke")


@pytest.fixture(scope="module")
def inline_run(smoke, tmp_path_factory):
    out = tmp_path_factory.mktemp("inline")
    summary = run_evaluation(smoke, out, workers=0, progress=False)
    return out, summary, read_records(out / "episodes.jsonl")


def test_oracle_expert_solves_the_smoke_suite(inline_run, smoke):
    out, summary, records = inline_run
    assert summary["episodes"] == 14 and summary["complete"]
    overall = summary["metrics"]["overall"]
    assert (overall["sr"], overall["gc"], overall["plw_sr"], overall["plw_gc"]) == (1.0, 1.0, 1.0, 1.0)
    assert summary["failures"]["failed"] == 0
    assert {r["episode_id"] for r in records} == {e.id for e in smoke.episodes}
    by_id = {r["episode_id"]: r for r in records}
    for e in smoke.episodes:  # the expert walks exactly its reference path
        assert by_id[e.id]["num_steps"] == e.expert_length == by_id[e.id]["expert_length"]
    config = json.loads((out / "config.json").read_text())
    assert config["suite"]["hash"] == smoke.hash and (config["planner"], config["policy"]) == ("oracle", "expert")


def test_a_suite_played_through_the_agents_camera(inline_run, smoke, tmp_path, capsys):
    """`errands eval --camera 48`: the world sees what the camera shows, the
    expert walks into sight (longer than the suite's L* in some episodes) and still
    solves every episode; the run folder remembers the camera, and will not resume
    without it."""
    out = tmp_path / "camera"
    code = main(["eval", "--suite", "smoke", "--camera", "48", "--workers", "0",
                 "--no-progress", "--out", str(out)])
    assert code == 0
    assert "seeing through a 48x48 camera" in capsys.readouterr().out
    summary = json.loads((out / "summary.json").read_text())
    overall = summary["metrics"]["overall"]
    assert (overall["sr"], overall["gc"]) == (1.0, 1.0) and overall["plw_sr"] < 1.0
    records = {r["episode_id"]: r for r in read_records(out / "episodes.jsonl")}
    assert any(r["num_steps"] > r["expert_length"] for r in records.values())
    config = json.loads((out / "config.json").read_text())
    assert config["env_options"] == {"visibility": "camera", "resolution": 48}
    with pytest.raises(ValueError, match="env_options"):
        run_evaluation(smoke, out, workers=0, progress=False)


def test_same_results_on_every_backend(inline_run, smoke, tmp_path):
    expected = outcome(inline_run[2])
    one = run_evaluation(smoke, tmp_path / "local1", workers=1, progress=False)
    two = run_evaluation(smoke, tmp_path / "local2", workers=2, chunk_size=3, progress=False)
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    ray_run = run_evaluation(smoke, tmp_path / "ray2", workers=2, backend="ray", progress=False)
    import ray

    assert not ray.is_initialized()  # the runner shut down the Ray it started
    for name, summary in (("local1", one), ("local2", two), ("ray2", ray_run)):
        assert outcome(read_records(tmp_path / name / "episodes.jsonl")) == expected, name
        assert summary["metrics"] == inline_run[1]["metrics"]
    assert (two["run"]["backend"], two["run"]["workers"], ray_run["run"]["backend"]) == ("local", 2, "ray")


def test_resume_after_a_crash_with_a_torn_line(inline_run, smoke, tmp_path):
    full = (inline_run[0] / "episodes.jsonl").read_text().splitlines(keepends=True)
    out = tmp_path / "resumed"
    out.mkdir()
    (out / "config.json").write_text((inline_run[0] / "config.json").read_text())
    # Five whole lines, then the first half of the sixth: the process died mid-write.
    (out / "episodes.jsonl").write_text("".join(full[:5]) + full[5][: len(full[5]) // 2])
    summary = run_evaluation(smoke, out, workers=0, progress=False)
    assert (summary["run"]["already_done"], summary["run"]["episodes_run"]) == (5, 9)
    records = read_records(out / "episodes.jsonl")
    assert len(records) == 14 and outcome(records) == outcome(inline_run[2])
    assert all(line.endswith("}") for line in (out / "episodes.jsonl").read_text().splitlines())
    again = run_evaluation(smoke, out, workers=0, progress=False)  # nothing left to do
    assert (again["run"]["already_done"], again["run"]["episodes_run"]) == (14, 0)
    with pytest.raises(ValueError, match="holds a run with other settings"):
        run_evaluation(load_suite("valid_unseen"), out, workers=0, progress=False)


def test_damage_before_the_last_line_is_an_error(tmp_path):
    path = tmp_path / "episodes.jsonl"
    path.write_text('{"episode_id": "a"}\n{"episo\n{"episode_id": "b"}\n')
    with pytest.raises(ValueError, match="line 2 is damaged"):
        read_records(path)


def test_a_task_that_cannot_be_built_is_recorded_and_the_run_goes_on(smoke, tmp_path):
    good = [e.task for e in smoke.episodes[:3]]
    # A fridge is needed, and bathroom 401 has none: the task cannot be built.
    bad = {"goal": {"task_type": "pick_cool_then_place_in_recep", "object": "Apple", "parent_receptacle": "CounterTop"},
           "scene": 401, "seed": 3, "instruction": "Put a cold apple on the counter."}
    path = tmp_path / "tasks.jsonl"
    path.write_text("".join(json.dumps(t) + "\n" for t in good[:1] + [bad] + good[1:]))
    summary = run_evaluation(load_suite(path), tmp_path / "run", workers=2, progress=False)
    records = {r["episode_id"]: r for r in read_records(tmp_path / "run" / "episodes.jsonl")}
    assert len(records) == 4 and summary["episodes"] == 4
    crashed = records["line-2"]
    assert (crashed["success"], crashed["failure_category"], crashed["failure_kind"]) == (False, "crashed", "ImpossibleTask")
    assert "has no reachable Fridge" in crashed["failure_reason"] and "ImpossibleTask" in crashed["traceback"]
    assert crashed["goal_conditions"] == [0, 3]
    others = [r for k, r in records.items() if k != "line-2"]
    assert all(r["success"] and r["expert_length"] == r["num_steps"] for r in others)  # L* computed on the fly
    assert summary["metrics"]["overall"]["sr"] == 0.75
    assert summary["failures"]["execution"]["crashed"] == 1
    # simple (1 condition), two objects (2), look at (2), and the crashed cool task's 3, none met
    assert sorted(r["task_type"] for r in others) == ["look_at_obj_in_light", "pick_and_place_simple",
                                                      "pick_two_obj_and_place"]
    assert summary["metrics"]["overall"]["gc"] == pytest.approx(5 / 8)


def test_episode_timeout_is_recorded(smoke, tmp_path):
    summary = run_evaluation(smoke, tmp_path / "slow", workers=1, timeout_s=0.0005, progress=False)
    records = read_records(tmp_path / "slow" / "episodes.jsonl")
    assert len(records) == 14 and summary["metrics"]["overall"]["sr"] == 0.0
    assert {r["failure_category"] for r in records} == {"episode_timeout"}
    assert all("time limit of 0.0005 s" in r["failure_reason"] for r in records)
    assert summary["failures"]["execution"]["episode_timeout"] == 14


def test_reports_hold_the_numbers(inline_run):
    out, summary, _ = inline_run
    md = (out / "report.md").read_text()
    assert "SR 100.0%  GC 100.0%  PLW-SR 100.0%  PLW-GC 100.0%  (14/14 episodes; protocol privileged, geometric)" in md
    assert "| pick_heat_then_place_in_recep | 2 | 100.0 [34.2, 100.0] |" in md
    assert "| execution | max_steps | 0 | 0.0 |" in md
    page = (out / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 2 and "<script" not in page and "http" not in page
    assert "<td>pick_and_place_simple</td><td>2</td><td>100.0 [34.2, 100.0]</td>" in page
    assert json.loads((out / "summary.json").read_text())["metrics"]["overall"]["episodes"] == 14


def test_cli_eval_and_compare(inline_run, tmp_path, capsys):
    a = tmp_path / "a"
    assert main(["eval", "--suite", "smoke", "--workers", "0", "--out", str(a), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "SR 100.0%  GC 100.0%" in printed and "ran 14 episodes" in printed
    b = tmp_path / "b"
    assert main(["eval", "--suite", "smoke", "--workers", "0", "--timeout", "0.0005", "--out", str(b),
                 "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["compare", str(a), str(b)]) == 0
    table = capsys.readouterr().out
    assert "paired episodes: 14 (only in A: 0, only in B: 0); solved by A only: 14, by B only: 0" in table
    assert f"A: {a} (protocol privileged, geometric)\nB: {b} (protocol privileged, geometric)" in table
    assert "| SR | 100.0 | 0.0 | -100.0 | [-100.0, -100.0] | 0.000122 | McNemar exact | yes |" in table
    assert main(["eval", "--suite", "smoke", "--planner", "gpt-9", "--out", str(tmp_path / "c")]) == 2
    assert "unknown planner 'gpt-9'" in capsys.readouterr().err


def test_floor_plan_variant_runs_on_alfred_layouts(alfred_dir, tmp_path, monkeypatch):
    layouts = str(alfred_dir / "layouts")
    suite = load_suite("smoke", layouts_dir=layouts)
    monkeypatch.delenv("ERRANDS_ALFRED_LAYOUTS", raising=False)
    with pytest.raises(ValueError, match="plays ALFRED floor plans: pass --layouts"):
        run_evaluation(suite, tmp_path / "no-layouts", workers=0, progress=False)
    summary = run_evaluation(suite, tmp_path / "fp", workers=0, layouts_dir=layouts, progress=False)
    records = read_records(tmp_path / "fp" / "episodes.jsonl")
    assert summary["metrics"]["overall"]["sr"] == 1.0 and len(records) == 14
    assert all(r["task"]["scene"].startswith("FloorPlan") for r in records)
    assert all(r["num_steps"] == r["expert_length"] for r in records)
