"""DAgger: the learner plays new tasks, the expert labels every state it visits, and
behaviour cloning (imitation.py) goes on over every label so far."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..policies.network import load_checkpoint, save_checkpoint
from .distributed import barrier, setup_distributed
from .imitation import train
from .imitation_config import TrainConfig


def train_dagger(config: TrainConfig, initial: str | Path | None = None, progress: bool = True) -> Path:
    """Behaviour cloning on config.datasets (unless `initial` gives a start), then
    `dagger_rounds` rounds: the current policy plays `dagger_episodes` new tasks, the
    expert labels every state it visits, and training goes on over all labels so far
    (in ALFRED's floor plans of the split with `dagger_layouts`; seeing through the
    agent's camera with `dagger_camera`; `dagger_vector` N episodes at once per worker
    over one HouseholdVectorEnv, the same data; the plans by `dagger_planner`). A
    visuomotor learner's rounds see through the camera of its data and keep the frames.
    Each round has its folder (round-K/, with round-K/data/), so a rerun resumes."""
    from .collect import collect  # collecting imports the policies and the envs

    dist_info = setup_distributed(config)
    out = Path(config.out)
    current = Path(initial) if initial is not None else None
    if current is None:
        current = train(replace(config, out=str(out / "round-0")), progress=progress, stage="dagger-0")
    datasets = list(config.datasets)
    # a visuomotor learner plays through the camera its data was recorded with, and its rounds keep the frames
    visual = config.network == "visuomotor"
    camera = config.dagger_camera
    if visual and camera is None:
        from .dataset import read_manifest

        camera = read_manifest(datasets[0])["frames"][0]
    for r in range(1, config.dagger_rounds + 1):
        data_dir = out / f"round-{r}" / "data"
        if dist_info.main:
            collect(data_dir, config.dagger_episodes, split=config.dagger_split, seed=config.seed + 1000 * r,
                    workers=config.workers, actor=str(current), progress=progress, layouts=config.dagger_layouts,
                    camera=camera, frames=visual, vector=config.dagger_vector, planner=config.dagger_planner,
                    search=config.dagger_search)
        barrier(dist_info)
        datasets.append(str(data_dir))
        current = train(replace(config, datasets=datasets, out=str(out / f"round-{r}"), epochs=config.dagger_epochs),
                        initial=current, progress=progress, stage=f"dagger-{r}")
    if dist_info.main:
        model, data = load_checkpoint(current)
        save_checkpoint(model, out, training={**data["training"], "stage": "dagger", "datasets": datasets})
    barrier(dist_info)
    return out
