"""`errands doctor` on this Python: the rows of what the test environment really has (the
test extra) and really lacks (habitat_sim, which no pip extra installs; a THOR build)."""

import importlib.util
import json
import stat

from errands.cli import main
from errands.doctor import EXTRAS, run_checks


def rows(thor_build=None) -> dict:
    return {f"{r.group} {r.name}": r for r in run_checks(thor_build)}


def test_every_backend_renderer_device_and_extra_has_a_row():
    names = list(rows())
    assert names[:5] == ["backend household", "backend babyai", "backend thor client", "backend thor build",
                         "backend habitat"]
    assert names[5:8] == ["renderer camera", "renderer mp4 video", "renderer chromium"]
    devices = ["device torch", "device cuda", "device mps"] if importlib.util.find_spec("torch") else ["device torch"]
    assert names[8:8 + len(devices)] == devices  # without torch, no device can be asked about
    assert names[8 + len(devices):] == [f"extra {e}" for e in EXTRAS]
    assert list(EXTRAS) == ["train", "llm", "ray", "video", "minari", "lerobot", "babyai", "thor"]


def test_what_the_test_environment_has_is_ok():
    found = rows()
    for name in ("backend household", "backend babyai", "renderer camera", "renderer mp4 video", "device torch",
                 "extra train", "extra llm", "extra ray", "extra video", "extra minari", "extra babyai"):
        assert found[name].ok and found[name].fix == "", name
    assert found["extra llm"].detail == ("llama.cpp with its server; SmolLM2-135M and all-MiniLM-L6-v2 model "
                                         "files present")
    assert found["device torch"].detail.startswith("torch 2.")


def test_what_it_lacks_says_missing_with_the_command_that_provides_it(monkeypatch):
    monkeypatch.delenv("ERRANDS_THOR_BUILD", raising=False)
    found = rows()
    habitat = found["backend habitat"]
    assert (habitat.ok, habitat.detail, habitat.fix) == (
        False, "habitat_sim is not installed", "conda install habitat-sim -c conda-forge -c aihabitat")
    build = found["backend thor build"]
    assert (build.ok, build.detail) == (False, "no local build given")
    assert build.fix == ("point at a local AI2-THOR Unity build: errands doctor --thor-build PATH, or export "
                         "ERRANDS_THOR_BUILD=PATH (errands never downloads one)")
    try:
        import ai2thor  # noqa: F401
    except ImportError:  # the test extra leaves it out (its opencv-python would clash with the headless one)
        assert (found["backend thor client"].ok, found["backend thor client"].fix) == (False, 'pip install -e ".[thor]"')
        assert (found["extra thor"].ok, found["extra thor"].detail, found["extra thor"].fix) == (
            False, "missing: ai2thor", 'pip install -e ".[thor]"')


def test_a_thor_build_given_is_checked(tmp_path):
    missing = rows(str(tmp_path / "nothing"))["backend thor build"]
    assert not missing.ok and "does not exist or is not a file" in missing.detail
    build = tmp_path / "thor-Linux64-local"
    build.write_text("#!/bin/sh\n")
    assert "is not executable" in rows(str(build))["backend thor build"].detail
    build.chmod(build.stat().st_mode | stat.S_IXUSR)
    row = rows(str(build))["backend thor build"]
    assert row.ok and row.detail == f"local Unity build {build}"


def test_the_command_prints_a_table_and_json(capsys, monkeypatch):
    monkeypatch.delenv("ERRANDS_THOR_BUILD", raising=False)
    assert main(["doctor"]) == 0
    table = capsys.readouterr().out
    assert "backend habitat      MISSING  habitat_sim is not installed" in table
    assert "-> conda install habitat-sim -c conda-forge -c aihabitat" in table
    assert main(["doctor", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"group": "backend", "name": "household", "ok": True,
            "detail": "built in (pure Python + NumPy): errands/Household-v0", "fix": ""} in data
    assert all(set(row) == {"group", "name", "ok", "detail", "fix"} for row in data)
    assert all(row["fix"] for row in data if not row["ok"])
