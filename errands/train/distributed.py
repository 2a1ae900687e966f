"""Data-parallel training with torch.distributed when started by `torchrun` (gloo on CPU,
NCCL on GPU): this process's rank in the group; only rank 0 writes."""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch

from .imitation_config import TrainConfig


@dataclass
class Distributed:
    """This process's place in a torchrun group (rank 0 of 1 when alone)."""

    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @property
    def main(self) -> bool:
        return self.rank == 0


def setup_distributed(config: TrainConfig) -> Distributed:
    """Join the process group torchrun describes in the environment, if any."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world == 1:
        return Distributed()
    import torch.distributed as dist

    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if config.device.startswith("cuda"):
        config.device = f"cuda:{local_rank}"
        torch.cuda.set_device(local_rank)
    if not dist.is_initialized():
        dist.init_process_group("nccl" if config.device.startswith("cuda") else "gloo")
    return Distributed(dist.get_rank(), dist.get_world_size(), local_rank)


def barrier(dist_info: Distributed) -> None:
    """Wait for every process of the group (nothing to wait for alone)."""
    if dist_info.world > 1:
        import torch.distributed as dist

        dist.barrier()
