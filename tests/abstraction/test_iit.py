from __future__ import annotations

import pytest
import torch

from rung.abstraction.iia import interchange_accuracy, task_accuracy
from rung.abstraction.iit import IIT
from rung.abstraction.models import MLP, MLPConfig
from rung.abstraction.sites import Site
from rung.abstraction.tasks.arithmetic import ArithmeticTask, sum_yz_model
from rung.abstraction.tasks.base import make_interchange_data, make_task_data

SITE = Site("layers.0", units=slice(0, 16))


def _trained(alignment: dict[str, Site], steps: int = 1500) -> MLP:
    task = ArithmeticTask()
    torch.manual_seed(0)
    net = MLP(MLPConfig(task.d_in, task.n_classes))
    IIT(alignment, steps=steps).fit(net, task)
    return net


@pytest.fixture(scope="module")
def iit_net() -> MLP:
    return _trained({"S": SITE})


@pytest.fixture(scope="module")
def standard_net() -> MLP:
    return _trained({})


def test_iit_builds_the_hypothesis_in(iit_net: MLP, standard_net: MLP) -> None:
    task = ArithmeticTask()
    x, y = make_task_data(task, 1000, seed=5)
    data = make_interchange_data(task, "S", 2000, seed=6)
    assert task_accuracy(iit_net, x, y) >= 0.99
    assert interchange_accuracy(iit_net, data, {"S": SITE}) >= 0.95
    # standard training reaches the task but not the alignment
    assert task_accuracy(standard_net, x, y) >= 0.99
    assert interchange_accuracy(standard_net, data, {"S": SITE}) < 0.5


def test_iit_resumes_from_a_checkpoint(tmp_path) -> None:
    task = ArithmeticTask()
    torch.manual_seed(0)
    net = MLP(MLPConfig(task.d_in, task.n_classes, d_hidden=16, n_layers=2))
    ckpt = tmp_path / "iit.pt"
    first = IIT({"S": Site("layers.0", units=slice(0, 4))}, steps=30, checkpoint=ckpt)
    first.fit(net, task)
    weights = [p.detach().clone() for p in net.parameters()]
    again = IIT({"S": Site("layers.0", units=slice(0, 4))}, steps=30, checkpoint=ckpt)
    again.fit(net, task)  # finished already: nothing to do
    assert again.history_ == first.history_
    assert all(torch.equal(a, b) for a, b in zip(weights, net.parameters(), strict=True))
    more = IIT({"S": Site("layers.0", units=slice(0, 4))}, steps=40, checkpoint=ckpt)
    more.fit(net, task)
    assert len(more.history_) == 40 and more.history_[:30] == first.history_


def test_iit_rejects_unknown_variables() -> None:
    task = ArithmeticTask()
    net = MLP(MLPConfig(task.d_in, task.n_classes, d_hidden=8, n_layers=1))
    with pytest.raises(ValueError, match="'T'"):
        IIT({"T": Site("layers.0")}, steps=1).fit(net, task)


def test_competing_hypothesis_fails_on_the_iit_network(iit_net: MLP) -> None:
    # trained for S = x + y; the rival S = y + z does not hold at the same neurons
    task = ArithmeticTask(causal_model=sum_yz_model())
    data = make_interchange_data(task, "S", 2000, seed=7)
    assert interchange_accuracy(iit_net, data, {"S": SITE}) < 0.3
