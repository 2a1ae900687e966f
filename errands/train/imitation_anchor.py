"""The imitation anchor of PPO fine-tuning: the network is shared by every skill, so
behaviour cloning on the demonstrations of the skills PPO does not train keeps them as
imitation made them while PPO trains the others."""

from __future__ import annotations

import numpy as np

from .rl_config import RLConfig


class ImitationAnchor:
    """Behaviour cloning on demonstration segments of the skills PPO does not train (of
    every skill with anchor_trained_skills), run with memory as imitation trains them
    (segment_batches.batch_loss), between PPO updates."""

    def __init__(self, config: RLConfig, network):
        import torch

        from ..policies.features import Vocabulary
        from .dataset import load_demonstrations
        from .segment_batches import SegmentBatches

        data = load_demonstrations(config.anchor_data)
        if data.spec != network.config.spec:
            raise ValueError(f"anchor data {config.anchor_data} was recorded with other observations than the "
                             f"network's; collect it again with the current features")
        trained = set() if config.anchor_trained_skills else set(config.skill_names)
        keep = np.array([i for i, text in enumerate(data.texts) if text.split("(")[0] not in trained], dtype=np.int64)
        if len(keep) == 0:
            raise ValueError(f"anchor data {config.anchor_data} holds no segment of a skill other than "
                             f"{sorted(trained)}")
        self.network, self.config = network, config
        self.batches = SegmentBatches(data, Vocabulary(network.config.vocabulary), keep)
        self.optimizer = torch.optim.Adam(network.parameters(), lr=config.lr)
        self.rng = np.random.default_rng([config.seed, 7])
        self.stream = iter(())

    def step(self, device) -> float:
        """`anchor_batches` gradient steps; the mean loss."""
        import torch

        from .segment_batches import batch_loss

        losses = []
        self.network.train()
        for _ in range(self.config.anchor_batches):
            batch = next(self.stream, None)
            if batch is None:  # a new pass over the segments
                self.stream = self.batches.batches(self.config.anchor_batch_size, self.rng)
                batch = next(self.stream)
            loss, _ = batch_loss(self.network, batch, str(device), amp=False)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.network.parameters(), self.config.max_grad_norm)
            self.optimizer.step()
            losses.append(loss.item())
        return float(np.mean(losses))
