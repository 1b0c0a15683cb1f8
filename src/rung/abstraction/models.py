"""Small reference networks for the abstraction tasks (any ``nn.Module`` works too)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import torch
from torch import nn

__all__ = ["MLP", "MLPConfig"]


@dataclass(frozen=True)
class MLPConfig:
    """Sizes of an :class:`MLP`."""

    d_in: int
    d_out: int
    d_hidden: int = 64
    n_layers: int = 3


class MLP(nn.Module):
    """A ReLU multilayer perceptron whose hidden layers live at ``layers.0``,
    ``layers.1``, ... (each module outputs the post-activation hidden state).

    Examples
    --------
    >>> net = MLP(MLPConfig(d_in=3, d_out=2, d_hidden=8, n_layers=2))
    >>> net(torch.zeros(5, 3)).shape
    torch.Size([5, 2])
    """

    def __init__(self, config: MLPConfig) -> None:
        super().__init__()
        self.config = config
        widths = [config.d_in] + [config.d_hidden] * config.n_layers
        self.layers = nn.ModuleList(
            nn.Sequential(nn.Linear(a, b), nn.ReLU()) for a, b in itertools.pairwise(widths)
        )
        self.head = nn.Linear(widths[-1], config.d_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x  # (B, d_in)
        for layer in self.layers:
            h = layer(h)  # (B, d_hidden)
        out: torch.Tensor = self.head(h)  # (B, d_out)
        return out
