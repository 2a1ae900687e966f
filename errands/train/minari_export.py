"""`errands export minari`: a demonstration dataset as a Minari dataset, written by the
real `minari` package (`pip install "errands[minari]"`) so that `minari.load_dataset`
reads it.

An episode's steps are the collected skill steps. The observation is a Dict of the
egocentric `grid`, the categorical `extras`, the `instruction` and the `skill` being
carried out (Text), and the camera `rgb` when the data kept frames; the action is
MultiDiscrete [action, target] over the spec's names (kept in the dataset description).
Minari wants one more observation than actions: the last is the state the final step
left, which is the state of that step itself, because the final step is the policy's
SkillDone, which does not move the world. The reward is 1 on the last step when the
episode reached its goal (as the household env gives it), and the episode ends
terminated then, truncated otherwise. Arrays are stored losslessly (no JPEG).
"""

from __future__ import annotations

import json
import os
import shutil
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .dataset import DatasetError, RecordedEpisode, read_episodes, recorded_episodes

MINARI_INSTALL_HINT = 'the Minari export needs the minari package: pip install "errands[minari]"'
MAX_TEXT = 1000  # characters of an instruction or skill (gymnasium's Text needs a bound)
BATCH_EPISODES = 200  # episodes held in memory at a time


def export_minari(data: str | Path, dataset_id: str, root: str | Path | None = None, overwrite: bool = False,
                  progress: bool = True):
    """Write the demonstrations of dataset folder `data` as the Minari dataset
    `dataset_id` (e.g. "errands/household-seen-v0") under `root` (default: Minari's own
    folder, $MINARI_DATASETS_PATH or ~/.minari/datasets); return the MinariDataset."""
    try:
        import minari
    except ImportError:
        raise ImportError(MINARI_INSTALL_HINT) from None
    from minari.data_collector import EpisodeBuffer
    from tqdm import tqdm

    manifest, episodes = read_episodes(data)
    spec = manifest["spec"]
    observation_space, action_space = spaces_of(spec, manifest.get("frames"))
    description = json.dumps({"errands": {"action_names": spec["action_names"], "target_names": spec["target_names"],
                                          "extras_names": spec["extras_names"], "source": manifest["source"]}})
    final_root = Path(root or os.environ.get("MINARI_DATASETS_PATH") or Path.home() / ".minari" / "datasets").resolve()
    if (final_root / dataset_id).exists() and not overwrite:
        raise DatasetError(f"Minari dataset {dataset_id!r} exists in {final_root}: choose another name or pass "
                              f"--overwrite")
    # built under a folder of its own and moved into place whole, so a failed export leaves nothing
    work = final_root / f".errands-export-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    total = recorded_episodes(manifest)
    dataset, batch = None, []
    with _datasets_root(work):
        for i, e in enumerate(tqdm(episodes, total=total, unit="episode", desc="export minari", disable=not progress)):
            batch.append(EpisodeBuffer(
                id=i, observations=_observations(e), actions=np.stack([e.action, e.target], axis=1),
                rewards=_last(e, 1.0 if e.success else 0.0), terminations=_last(e, e.success),
                truncations=_last(e, not e.success),
                options={"task_id": e.task_id, "task_type": e.task_type, "episode": e.episode}))
            if len(batch) == BATCH_EPISODES:
                dataset = _write(dataset, batch, dataset_id, observation_space, action_space, spec, description)
                batch = []
        if batch:
            dataset = _write(dataset, batch, dataset_id, observation_space, action_space, spec, description)
    if dataset is None:
        shutil.rmtree(work, ignore_errors=True)
        raise DatasetError(f"{data} holds no episodes to export")
    target = final_root / dataset_id
    built = work / dataset_id
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    built.rename(target)
    shutil.rmtree(work, ignore_errors=True)
    with _datasets_root(final_root):
        return minari.load_dataset(dataset_id)


def _write(dataset, batch: list, dataset_id: str, observation_space, action_space, spec: dict, description: str):
    """Create the dataset from the first batch of episode buffers, or add a batch to it."""
    import minari

    if dataset is None:
        with warnings.catch_warnings():  # minari asks for an author, a code link and an env spec: none apply
            warnings.filterwarnings("ignore", category=UserWarning, module=r"minari\.")
            return minari.create_dataset_from_buffers(
                dataset_id, batch, observation_space=observation_space, action_space=action_space,
                algorithm_name=f"errands-{spec['backend']}-expert", description=description, data_format="arrow",
                jpeg_encoding=False)
    dataset.update_dataset_from_buffer(batch)
    return dataset


def spaces_of(spec: dict, frames: list[int] | None):
    """(observation space, action space) of exported steps."""
    from gymnasium import spaces

    h, w, c = spec["grid_shape"]
    observation = {
        "grid": spaces.Box(0, max(spec["grid_vocab"]) - 1, (h, w, c), dtype=np.uint8),
        "extras": spaces.Box(0, np.array(spec["extras_vocab"]) - 1, dtype=np.int64),
        "instruction": spaces.Text(MAX_TEXT),
        "skill": spaces.Text(MAX_TEXT),
    }
    if frames:
        observation["rgb"] = spaces.Box(0, 255, tuple(frames), dtype=np.uint8)
    actions = spaces.MultiDiscrete([len(spec["action_names"]), len(spec["target_names"])])
    return spaces.Dict(observation), actions


def _observations(episode: RecordedEpisode) -> dict:
    """The T + 1 observations of a T-step episode (the last repeats the final step's)."""
    def with_final(values):
        return np.concatenate([values, values[-1:]])

    observations = {"grid": with_final(episode.grid), "extras": with_final(episode.extras),
                    "instruction": [episode.instruction] * (len(episode) + 1),
                    "skill": episode.skills + episode.skills[-1:]}
    if episode.rgb is not None:
        observations["rgb"] = with_final(episode.rgb)
    return observations


def _last(episode: RecordedEpisode, value) -> list:
    """A per-step list that is zero (False) but for `value` on the last step."""
    values = [type(value)(0)] * len(episode)
    values[-1] = value
    return values


@contextmanager
def _datasets_root(root: Path):
    """Minari finds its folder in $MINARI_DATASETS_PATH; point it at `root` meanwhile."""
    before = os.environ.get("MINARI_DATASETS_PATH")
    os.environ["MINARI_DATASETS_PATH"] = str(root)
    try:
        yield
    finally:
        if before is None:
            del os.environ["MINARI_DATASETS_PATH"]
        else:
            os.environ["MINARI_DATASETS_PATH"] = before
