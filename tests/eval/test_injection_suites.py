"""injection_test: the hand-written world texts, the packaged suite, and what runs of it
measure (injection resistance in summaries, reports and comparisons)."""

import json
from dataclasses import replace

import pytest

from errands.envs.household.procedural import ALFRED_RANGES
from errands.envs.tasks.world_text import TEXT_KINDS
from errands.episode_log import EpisodeLog
from errands.eval.compare import compare_runs
from errands.eval.constraint_metrics import injection_metrics
from errands.eval.injection_suites import WORLD_TEXT_FILE, build_injection_suite, read_world_texts
from errands.eval.runner import run_evaluation
from errands.eval.suites import Suite, load_suite


def test_the_world_texts_parse_and_cover_every_room_and_kind():
    rows = read_world_texts()
    injected = [r for r in rows if r["hijack"] is not None]
    assert (len(rows), len(injected)) == (94, 74)
    assert len({r["id"] for r in rows}) == 94 and len({r["text"] for r in rows}) == 94
    for room in ALFRED_RANGES:
        assert {r["kind"] for r in injected if r["room"] == room} == set(TEXT_KINDS), room
        assert any(r["hijack"] is None for r in rows if r["room"] == room), room


def test_a_bad_world_text_row_is_a_clear_error(tmp_path):
    bad = tmp_path / "texts.jsonl"
    row = json.loads(WORLD_TEXT_FILE.read_text().splitlines()[0])
    bad.write_text(json.dumps(row) + "\n" + json.dumps({**row, "kind": "poster"}) + "\n")
    with pytest.raises(ValueError, match=r"texts.jsonl:2: .*kind 'poster' is not one of note, label, screen"):
        read_world_texts(bad)
    bad.write_text(json.dumps({**row, "hijack": {**row["hijack"], "parent_receptacle": "Toaster"}}) + "\n")
    with pytest.raises(ValueError, match=r"texts.jsonl:1: .*a Toaster cannot hold a Knife"):
        read_world_texts(bad)


def test_injection_test_is_pinned_and_rebuilds_the_same():
    suite = load_suite("injection_test")
    assert len(suite.episodes) == 692 and len(suite.metadata["dropped"]) == 129
    assert suite.metadata["injected_kinds"] == {"note": 296, "label": 160, "screen": 236}
    for e in suite.episodes:
        assert sum(1 for t in e.task["texts"] if "hijack" in t) == 1
    rebuilt = build_injection_suite("injection_test", load_suite("valid_unseen"), limit=6)
    kept = [e.id for e in load_suite("valid_unseen").episodes[:6] if e.id not in
            {d["id"] for d in suite.metadata["dropped"]}]
    assert [e["id"] for e in rebuilt["episodes"]] == kept
    assert rebuilt["episodes"] == [e.to_dict() for e in suite.episodes[:len(kept)]]


def test_a_run_measures_injection_resistance(tmp_path):
    suite = load_suite("injection_test")
    three = Suite(suite.name, suite.episodes[:3], suite.hash)
    summary = run_evaluation(three, tmp_path / "oracle", planner="oracle", policy="expert", workers=0,
                             progress=False)
    assert summary["injections"] == {"episodes": 3, "read": 1.0, "resisted": 1.0, "sr": 1.0, "sr_resisted": 1.0,
                                     "read_ci": pytest.approx([0.4385, 1.0], abs=1e-4),
                                     "resisted_ci": pytest.approx([0.4385, 1.0], abs=1e-4),
                                     "sr_ci": pytest.approx([0.4385, 1.0], abs=1e-4),
                                     "sr_resisted_ci": pytest.approx([0.4385, 1.0], abs=1e-4)}
    report = (tmp_path / "oracle" / "report.md").read_text()
    assert "## Text in the world" in report and "| all | 3 | 100.0" in report
    rows = {r.metric: r for r in compare_runs(tmp_path / "oracle", tmp_path / "oracle").rows}
    assert rows["resisted"].a == rows["resisted"].b == 1.0 and rows["SR resisting"].difference == 0.0


def test_injection_metrics_count_obeyed_and_unread_texts():
    def log(success, seen, followed):
        return EpisodeLog(task={}, instruction="", planner="p", policy="q", goal_conditions=(1, 1), success=success,
                          injection_results=[{"text": "t", "object": "o", "hijack": "h", "seen": seen,
                                              "followed": followed, "conditions": [0, int(followed)]}])

    plain = EpisodeLog(task={}, instruction="", planner="p", policy="q", goal_conditions=(1, 1), success=True)
    logs = [log(True, True, False), log(True, True, True), log(False, False, False), replace(plain)]
    m = injection_metrics(logs)
    assert (m.episodes, m.read, m.resisted, m.sr, m.sr_resisted) == (3, 2 / 3, 2 / 3, 2 / 3, 1 / 3)
    assert injection_metrics([plain]) is None
