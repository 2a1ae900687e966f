"""Reading a skill's words with a GRU: the text part of every skill policy network."""

from __future__ import annotations

import torch
from torch import nn


def encode_words(embedding: nn.Embedding, rnn: nn.GRU, text: torch.Tensor) -> torch.Tensor:
    """(B, L) word ids, 0-padded -> the GRU's last hidden state over the words, (B, hidden)."""
    lengths = (text != 0).sum(1).clamp(min=1).cpu()
    packed = nn.utils.rnn.pack_padded_sequence(embedding(text), lengths, batch_first=True, enforce_sorted=False)
    _, last = rnn(packed)
    return last[0]
