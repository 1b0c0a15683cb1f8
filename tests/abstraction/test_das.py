from __future__ import annotations

import pytest
import torch

from rung.abstraction.das import DAS, BoundlessDAS, LowRankDAS
from rung.abstraction.iia import find_localist_alignments, interchange_accuracy, task_accuracy
from rung.abstraction.iit import IIT
from rung.abstraction.models import MLP, MLPConfig
from rung.abstraction.sites import Site
from rung.abstraction.subspace import BoundlessSubspace
from rung.abstraction.tasks.arithmetic import ArithmeticTask
from rung.abstraction.tasks.base import make_interchange_data, make_task_data
from rung.abstraction.tasks.equality import EqualityTask


@pytest.fixture(scope="module")
def arithmetic_data():
    task = ArithmeticTask()
    return (make_interchange_data(task, "S", 6000, seed=1),
            make_interchange_data(task, "S", 2000, seed=2))


@pytest.mark.parametrize("cls", [DAS, LowRankDAS, BoundlessDAS])
def test_das_finds_the_sum_in_the_hand_built_network(adder, arithmetic_data, cls) -> None:
    train, test = arithmetic_data
    # S = x + y is neuron 0 of 8; DAS must discover that direction from a random rotation
    lr = 3e-2 if cls is BoundlessDAS else 1e-2
    das = cls("S", Site("layers.0"), k=1, steps=600, lr=lr).fit(adder, train)
    assert das.score(adder, test) >= 0.95
    assert interchange_accuracy(adder, test, {"S": Site("layers.0", units=slice(1, 2))}) < 0.5
    assert any(p.requires_grad for p in das.intervention_.parameters())
    assert all(p.requires_grad for p in adder.parameters())  # unfrozen afterwards


def test_boundless_das_learns_the_smallest_subspace(adder, arithmetic_data) -> None:
    train, test = arithmetic_data
    das = BoundlessDAS("S", Site("layers.0"), steps=600, lr=3e-2)
    das.fit(adder, train)
    iv = das.intervention_
    assert isinstance(iv, BoundlessSubspace)
    assert das.score(adder, test) >= 0.95
    assert float(iv.size().detach()) < 1.5  # of 8 dimensions; S needs 1


def test_das_rejects_data_without_the_variable(adder, arithmetic_data) -> None:
    with pytest.raises(ValueError, match="'WX'"):
        DAS("WX", Site("layers.0"), k=1, steps=1).fit(adder, arithmetic_data[0])


@pytest.mark.slow
def test_das_beats_localist_alignments_on_hierarchical_equality() -> None:
    task = EqualityTask()
    torch.manual_seed(0)
    net = MLP(MLPConfig(task.d_in, task.n_classes, d_hidden=64, n_layers=3))
    IIT({}, steps=4000).fit(net, task)
    x, y = make_task_data(task, 2000, seed=9)
    assert task_accuracy(net, x, y) >= 0.99
    train = make_interchange_data(task, "WX", 10_000, seed=1)
    test = make_interchange_data(task, "WX", 2000, seed=2)
    local = find_localist_alignments(net, test, "WX", ["layers.0", "layers.1"], size=32)
    das = DAS("WX", Site("layers.0"), k=32, steps=2000, lr=1e-2).fit(net, train)
    iia = das.score(net, test)
    assert iia >= 0.95
    assert max(local.values()) <= iia - 0.2
