"""docs/results is generated from benchmarks/results/*.json: regenerating it must give the
committed pages byte for byte (no table is edited by hand), and every result says which
command, commit and date produced it."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "benchmarks" / "results"
DOCS_DIR = ROOT / "docs" / "results"


@pytest.fixture(scope="module")
def benchmarks():
    """benchmarks/results.py and results_docs.py, imported as the scripts import each other."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        yield importlib.import_module("results"), importlib.import_module("results_docs")
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))


def test_docs_results_are_generated_from_the_json(benchmarks, tmp_path):
    _, results_docs = benchmarks
    results_docs.write_docs(tmp_path)
    generated = {p.name: p.read_text() for p in tmp_path.glob("*.md")}
    committed = {p.name: p.read_text() for p in DOCS_DIR.glob("*.md")}
    assert sorted(generated) == sorted(committed), "docs/results has pages no result produces, or lacks some"
    stale = [name for name in generated if generated[name] != committed[name]]
    assert not stale, f"docs/results/{stale} differ from benchmarks/results: run python benchmarks/results_docs.py"


def test_every_result_says_where_it_comes_from():
    paths = sorted(RESULTS_DIR.glob("*.json"))
    assert paths
    for path in paths:
        data = json.loads(path.read_text())
        for key in ("command", "commit", "date"):
            assert isinstance(data.get(key), str) and data[key], f"{path.name}: no {key}"
        assert data["rows"], f"{path.name}: no rows"
        keys = {c["key"] for c in data["columns"]}
        shown = set().union(*data["rows"])
        assert keys <= shown, f"{path.name}: columns {sorted(keys - shown)} are in no row"
        if "transcribed_from" in data:
            assert data["transcribed_from"].startswith("README.md at "), path.name


def test_write_result_fills_command_commit_and_date(benchmarks, tmp_path):
    results, _ = benchmarks
    path = results.write_result("example", [{"a": 1.234, "b": "x"}], title="Example",
                                columns=[results.column("b", align="left"), results.column("a", format=".1f")],
                                directory=tmp_path, argv=["benchmarks/example.py", "--steps", "10"])
    data = json.loads(path.read_text())
    assert data["command"] == "python benchmarks/example.py --steps 10"
    assert data["commit"] == results.COMMIT_AT_START and data["commit"]
    assert len(data["date"]) == 10 and data["rows"] == [{"a": 1.234, "b": "x"}]
    assert [p.name for p in tmp_path.iterdir()] == ["example.json"]  # no temporary file left


def test_write_result_refuses_a_column_no_row_has(benchmarks, tmp_path):
    results, _ = benchmarks
    with pytest.raises(ValueError, match="columns \\['missing'\\] are in no row"):
        results.write_result("bad", [{"a": 1}], title="Bad", columns=[results.column("missing")], directory=tmp_path)


def test_a_result_on_no_page_is_an_error(benchmarks, tmp_path):
    results, results_docs = benchmarks
    for path in RESULTS_DIR.glob("*.json"):
        (tmp_path / path.name).write_text(path.read_text())
    results.write_result("unplaced", [{"a": 1}], title="Unplaced", columns=[results.column("a")], directory=tmp_path)
    with pytest.raises(ValueError, match="results on no page.*unplaced"):
        results_docs.write_docs(tmp_path / "docs", tmp_path)
