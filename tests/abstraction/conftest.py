from __future__ import annotations

import pytest
import torch

from rung.abstraction.models import MLP, MLPConfig


@pytest.fixture(autouse=True)
def _one_thread() -> None:
    torch.set_num_threads(1)


def hand_built_adder() -> MLP:
    """An MLP that computes x+y+z exactly, with S = x+y alone in neuron 0 of layers.0.

    layers.0: [x+y, z, x, y+z, y, 0, 0, 0]; layers.1: [n0 + n1, 0, ...];
    head: logit_o = 2*o*T - o**2, maximal at o = T = x+y+z.
    """
    net = MLP(MLPConfig(d_in=30, d_out=28, d_hidden=8, n_layers=2))
    digit = torch.arange(10.0)
    with torch.no_grad():
        for p in net.parameters():
            p.zero_()
        w0 = net.layers[0][0].weight  # (8, 30): blocks x | y | z
        w0[0, 0:10], w0[0, 10:20] = digit, digit  # S = x + y
        w0[1, 20:30] = digit  # z
        w0[2, 0:10] = digit  # x
        w0[3, 10:20], w0[3, 20:30] = digit, digit  # y + z
        w0[4, 10:20] = digit  # y
        net.layers[1][0].weight[0, 0:2] = 1.0  # T = S + z
        o = torch.arange(28.0)
        net.head.weight[:, 0] = 2 * o
        net.head.bias[:] = -(o**2)
    return net


@pytest.fixture
def adder() -> MLP:
    return hand_built_adder()
