import json

import pytest

from errands.episode_log import EpisodeLog
from errands.eval.metrics import compute_metrics, format_table, metrics_by_task_type, wilson_interval


def episode(task_type, success, met, total, steps, expert):
    return EpisodeLog(task={"goal": {"task_type": task_type}}, instruction="x", planner="p", policy="q",
                      goal_conditions=(met, total), success=success, expert_length=expert,
                      steps=[{"action": "MoveAhead", "success": True} for _ in range(steps)] + [{"action": "Stop", "success": True}])


LOGS = [
    episode("pick_and_place_simple", True, 1, 1, 10, 10),  # s_spl 1, pc_spl 1
    episode("pick_heat_then_place_in_recep", False, 2, 3, 40, 20),  # s_spl 0, pc_spl 2/3 * 1/2
    episode("pick_heat_then_place_in_recep", True, 3, 3, 30, 15),  # s_spl 1/2, pc_spl 1/2
]


def test_alfred_metrics_by_hand():
    m = compute_metrics(LOGS)
    assert m.episodes == 3
    assert m.sr == pytest.approx(2 / 3)
    assert m.gc == pytest.approx(6 / 7)  # (1 + 2 + 3) / (1 + 3 + 3): a micro average
    assert m.plw_sr == pytest.approx((1 * 10 + 0 * 20 + 0.5 * 15) / 45)
    assert m.plw_gc == pytest.approx((1 * 10 + (2 / 3) * 0.5 * 20 + 0.5 * 15) / 45)
    assert m.sr_ci == pytest.approx((0.20766, 0.93851), abs=1e-4)
    assert m.gc_ci[0] <= m.gc <= m.gc_ci[1]


def test_per_task_type_and_table():
    table = metrics_by_task_type(LOGS)
    assert list(table) == ["overall", "pick_and_place_simple", "pick_heat_then_place_in_recep"]
    heat = table["pick_heat_then_place_in_recep"]
    assert (heat.episodes, heat.sr, heat.gc) == (2, 0.5, pytest.approx(5 / 6))
    assert heat.plw_sr == pytest.approx(7.5 / 35)
    text = format_table(table)
    assert "| pick_and_place_simple | 1 | 100.0 [20.7, 100.0] | 100.0 [100.0, 100.0] |" in text


def test_intervals_are_deterministic_and_edge_cases():
    assert compute_metrics(LOGS).plw_gc_ci == compute_metrics(LOGS).plw_gc_ci
    assert wilson_interval(0, 0) == (0.0, 0.0)
    lo, hi = wilson_interval(10, 10)
    assert hi == pytest.approx(1.0) and lo == pytest.approx(0.72246, abs=1e-4)
    no_reference = [episode("pick_and_place_simple", True, 1, 1, 5, None)]
    m = compute_metrics(no_reference)
    assert m.sr == 1.0 and m.plw_sr is None and m.plw_sr_ci is None


def test_episode_log_round_trip_and_corrupt_files(tmp_path):
    path = LOGS[1].save(tmp_path / "ep.json")
    again = EpisodeLog.load(path)
    assert again.to_dict() == LOGS[1].to_dict() and again.num_steps == 40
    saved = json.loads(path.read_text())
    assert saved["task_type"] == "pick_heat_then_place_in_recep"
    assert saved["metrics"] == {"success": False, "gc": pytest.approx(2 / 3), "steps": 40, "failures": 0,
                                "expert_length": 20, "s_spl": 0.0, "pc_spl": pytest.approx(1 / 3)}
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ValueError, match="bad.json is not valid JSON"):
        EpisodeLog.load(tmp_path / "bad.json")
    (tmp_path / "partial.json").write_text(json.dumps({"task": {}, "instruction": "x"}))
    with pytest.raises(ValueError, match="episode log lacks planner, policy, goal_conditions, success"):
        EpisodeLog.load(tmp_path / "partial.json")
