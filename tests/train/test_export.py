"""Exports of demonstrations: LeRobot (v3.0 layout) and Minari, read back by the real
libraries where they are installed, and the errors a bad dataset gets."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

pq = pytest.importorskip("pyarrow.parquet", reason="the export tests need pyarrow (pip install -e '.[test]')")

from errands.cli import main  # noqa: E402
from errands.train.collect import collect  # noqa: E402
from errands.train.dataset import DatasetError, read_episodes, read_manifest  # noqa: E402
from errands.train.lerobot_export import CAMERA_KEY, export_lerobot  # noqa: E402

CAMERA = 32


@pytest.fixture(scope="module")
def demos(tmp_path_factory) -> Path:
    """Household demonstrations seen through a 32x32 camera, with the frames kept."""
    out = tmp_path_factory.mktemp("demos-rgb")
    collect(out, 3, shard_size=2, seed=5, camera=CAMERA, frames=True, progress=False)
    return out


@pytest.fixture(scope="module")
def episodes(demos) -> list:
    return list(read_episodes(demos)[1])


@pytest.fixture(scope="module")
def lerobot_out(demos, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("lerobot") / "household"
    export_lerobot(demos, out, fps=5, progress=False)
    return out


def test_collected_rows_carry_the_instruction_outcome_and_frame(demos, episodes):
    manifest = read_manifest(demos)
    assert manifest["version"] == 2 and manifest["frames"] == [CAMERA, CAMERA, 3]
    assert len(episodes) == 3 and sum(len(e) for e in episodes) == manifest["totals"]["rows"]
    for e in episodes:
        assert e.instruction and e.success is True
        assert e.rgb.shape == (len(e), CAMERA, CAMERA, 3) and e.rgb.dtype == np.uint8
        assert e.grid.shape[0] == e.extras.shape[0] == len(e.skills) == len(e)
        assert e.rgb.std() > 0  # a rendered image, not a blank
    assert [e.episode for e in episodes] == [0, 1, 2]


def test_frames_need_a_camera(tmp_path):
    with pytest.raises(ValueError, match="give a camera resolution"):
        collect(tmp_path / "x", 1, frames=True, progress=False)


def test_lerobot_layout_and_metadata(lerobot_out, episodes):
    info = json.loads((lerobot_out / "meta" / "info.json").read_text())
    steps = sum(len(e) for e in episodes)
    assert info["codebase_version"] == "v3.0" and info["fps"] == 5
    assert (info["total_episodes"], info["total_frames"]) == (3, steps)
    assert info["total_tasks"] == len({e.instruction for e in episodes})
    assert info["features"][CAMERA_KEY]["dtype"] == "video"
    assert info["features"][CAMERA_KEY]["shape"] == [CAMERA, CAMERA, 3]
    assert info["features"]["observation.grid"]["shape"] == list(episodes[0].grid.shape[1:])
    assert info["errands"]["action_names"][-1] == "SkillDone"
    assert (lerobot_out / "data/chunk-000/file-000.parquet").is_file()
    assert (lerobot_out / f"videos/{CAMERA_KEY}/chunk-000/file-000.mp4").stat().st_size > 1000
    assert not lerobot_out.with_name("household.partial").exists()

    data = pq.read_table(lerobot_out / "data/chunk-000/file-000.parquet").to_pydict()
    assert data["index"] == list(range(steps))
    first = len(episodes[0])
    assert data["episode_index"][:first] == [0] * first and data["frame_index"][:first] == list(range(first))
    assert np.allclose(data["timestamp"][:3], [0.0, 0.2, 0.4])
    grid = np.array(data["observation.grid"][first], dtype=np.uint8)
    assert np.array_equal(grid, episodes[1].grid[0])
    assert data["action"][first - 1] == [episodes[0].action[-1], episodes[0].target[-1]]
    assert data["next.reward"][first - 1] == 1.0 and data["next.reward"][first - 2] == 0.0
    assert data["next.done"][:first] == [False] * (first - 1) + [True]

    eps = pq.read_table(lerobot_out / "meta/episodes/chunk-000/file-000.parquet").to_pydict()
    assert eps["length"] == [len(e) for e in episodes]
    assert eps["dataset_from_index"] == [0, first, first + len(episodes[1])]
    assert eps["tasks"] == [[e.instruction] for e in episodes]
    assert eps[f"videos/{CAMERA_KEY}/from_timestamp"][1] == pytest.approx(first / 5)
    stats = json.loads((lerobot_out / "meta" / "stats.json").read_text())
    assert stats["action"]["count"] == [steps]
    assert set(stats["action"]) == {"min", "max", "mean", "std", "count", "q01", "q10", "q50", "q90", "q99"}
    actions = np.concatenate([np.stack([e.action, e.target], axis=1) for e in episodes])
    assert np.allclose(stats["action"]["std"], actions.std(axis=0))  # pooled over the episodes, exactly
    assert np.allclose(eps["stats/action/max"][0], np.stack([episodes[0].action, episodes[0].target], 1).max(0))
    assert np.array(stats[CAMERA_KEY]["mean"]).shape == (3, 1, 1)
    rgb = np.concatenate([e.rgb for e in episodes]) / 255.0
    assert np.allclose(np.array(stats[CAMERA_KEY]["mean"]).ravel(), rgb.mean(axis=(0, 1, 2)))


def test_lerobot_dataset_loads_the_export(lerobot_out, episodes, monkeypatch):
    """The real LeRobotDataset reads the export: same steps, the instruction as task, the
    skill as subtask, and the video frames close to the recorded images (MP4 is lossy)."""
    pytest.importorskip("lerobot", reason="loading needs the lerobot package (pip install 'errands[lerobot]')")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from lerobot.datasets.lerobot_dataset import LeRobotDataset

    dataset = LeRobotDataset("errands/household", root=lerobot_out, video_backend="pyav")
    steps = [(e, i) for e in episodes for i in range(len(e))]
    assert len(dataset) == len(steps) and dataset.num_episodes == 3
    for index in range(len(steps)):
        item = dataset[index]
        episode, step = steps[index]
        assert item["task"] == episode.instruction
        assert item["subtask"] == episode.skills[step]
        assert np.array_equal(item["observation.grid"].numpy(), episode.grid[step])
        assert item["action"].tolist() == [episode.action[step], episode.target[step]]
        frame = item[CAMERA_KEY].numpy()  # (3, H, W) floats in [0, 1]
        assert frame.shape == (3, CAMERA, CAMERA)
        assert np.abs(frame.transpose(1, 2, 0) * 255 - episode.rgb[step]).mean() < 12


def test_minari_dataset_loads_the_export(demos, episodes, tmp_path):
    minari = pytest.importorskip("minari", reason="the Minari export needs minari (pip install -e '.[test]')")
    from errands.train.minari_export import export_minari

    export_minari(demos, "errands/household-test-v0", root=tmp_path, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["errands"]  # the work folder is gone
    import os

    os.environ["MINARI_DATASETS_PATH"] = str(tmp_path)
    try:
        dataset = minari.load_dataset("errands/household-test-v0")
        assert dataset.total_episodes == 3 and dataset.total_steps == sum(len(e) for e in episodes)
        for loaded, e in zip(dataset.iterate_episodes(), episodes):
            assert np.array_equal(loaded.observations["grid"][:-1], e.grid)
            assert np.array_equal(loaded.observations["grid"][-1], e.grid[-1])
            assert np.array_equal(loaded.observations["rgb"][:-1], e.rgb)  # lossless
            assert loaded.observations["instruction"][0] == e.instruction
            assert loaded.observations["skill"][:-1] == e.skills
            assert np.array_equal(loaded.actions, np.stack([e.action, e.target], axis=1))
            assert loaded.rewards.tolist() == [0.0] * (len(e) - 1) + [1.0]
            assert loaded.terminations[-1] and not loaded.truncations.any()
        described = json.loads(dataset.storage.metadata["description"])["errands"]
        assert described["source"]["camera"] == CAMERA
    finally:
        del os.environ["MINARI_DATASETS_PATH"]
    with pytest.raises(DatasetError, match="exists"):
        export_minari(demos, "errands/household-test-v0", root=tmp_path, progress=False)


def test_babyai_demonstrations_export_to_both(tmp_path):
    pytest.importorskip("minigrid", reason="BabyAI needs minigrid (pip install -e '.[test]')")
    minari = pytest.importorskip("minari", reason="the Minari export needs minari (pip install -e '.[test]')")
    from errands.train.minari_export import export_minari

    data = tmp_path / "gotolocal"
    collect(data, 2, seed=4, backend="babyai:GoToLocal", progress=False)
    missions = [e.instruction for e in read_episodes(data)[1]]
    assert all(m.startswith("go to ") for m in missions)
    info = export_lerobot(data, tmp_path / "lerobot", progress=False)
    assert info["robot_type"] == "errands-babyai" and info["video_path"] is None
    tasks = pq.read_table(tmp_path / "lerobot" / "meta" / "tasks.parquet").to_pandas()
    assert sorted(tasks.index) == sorted(set(missions))
    dataset = export_minari(data, "errands/gotolocal-v0", root=tmp_path / "minari", progress=False)
    assert dataset.total_episodes == 2
    assert "rgb" not in dataset.observation_space.spaces


def test_exports_refuse_bad_datasets(demos, tmp_path):
    with pytest.raises(DatasetError, match="exists: choose another folder"):
        target = tmp_path / "taken"
        target.mkdir()
        export_lerobot(demos, target, progress=False)
    # a damaged shard is named
    broken = tmp_path / "broken"
    shutil.copytree(demos, broken)
    (broken / "shard-00001.parquet").write_bytes(b"not parquet")
    with pytest.raises(DatasetError, match=r"shard-00001\.parquet is corrupt"):
        export_lerobot(broken, tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.partial").exists()
    # data of an earlier errands, and DAgger data
    for key, value, message in (("version", 1, "dataset version 1 has no instructions"),
                                ("actor", "runs/bc", "collected with actor 'runs/bc'")):
        folder = tmp_path / f"bad-{key}"
        shutil.copytree(demos, folder)
        manifest = json.loads((folder / "manifest.json").read_text())
        if key == "version":
            manifest["version"] = value
        else:
            manifest["source"]["actor"] = value
        (folder / "manifest.json").write_text(json.dumps(manifest))
        with pytest.raises(DatasetError, match=message):
            export_lerobot(folder, tmp_path / f"out-{key}", progress=False)
    folder = tmp_path / "bad-spec"
    shutil.copytree(demos, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    del manifest["spec"]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(DatasetError, match=r"bad-spec/manifest\.json: field 'spec' is missing"):
        export_lerobot(folder, tmp_path / "out-spec", progress=False)
    # a shard that lacks a column of its version
    folder = tmp_path / "bad-column"
    shutil.copytree(demos, folder)
    table = pq.read_table(folder / "shard-00000.parquet").drop_columns(["instruction"])
    pq.write_table(table, folder / "shard-00000.parquet")
    with pytest.raises(DatasetError, match=r"shard-00000\.parquet: column 'instruction' is missing"):
        list(read_episodes(folder, verify=False)[1])
    with pytest.raises(DatasetError, match="manifest.json is missing"):
        export_lerobot(tmp_path, tmp_path / "out-none", progress=False)


def test_export_command(demos, tmp_path, capsys):
    assert main(["export", "lerobot", str(demos), str(tmp_path / "ds"), "--no-progress"]) == 0
    assert capsys.readouterr().out.startswith(f"{tmp_path / 'ds'}: 3 episodes, ")
    assert main(["export", "lerobot", str(demos), str(tmp_path / "ds"), "--no-progress"]) == 2
    assert "exists: choose another folder or pass --overwrite" in capsys.readouterr().err
    assert main(["export", "lerobot", str(demos), str(tmp_path / "ds"), "--overwrite", "--no-progress"]) == 0
    assert main(["export", "lerobot", str(tmp_path / "nothing"), str(tmp_path / "ds2")]) == 2
    assert "is not a dataset" in capsys.readouterr().err
