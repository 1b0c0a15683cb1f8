from __future__ import annotations

import doctest
import importlib

import pytest
import torch

from rung.abstraction.tasks.arithmetic import ArithmeticTask
from rung.abstraction.tasks.base import make_interchange_data, make_task_data
from rung.abstraction.tasks.equality import EqualityTask
from rung.abstraction.tasks.pvr import PVRTask


@pytest.fixture(scope="module")
def pvr() -> PVRTask:
    return PVRTask()


def test_pvr_uses_real_digits_with_disjoint_splits(pvr: PVRTask) -> None:
    assert pvr.images.shape == (5000, 14, 14)
    assert torch.bincount(pvr.labels).tolist() == [500] * 10
    train, test = pvr.pools
    assert len(train) == 4000 and len(test) == 1000
    assert not set(train.tolist()) & set(test.tolist())


def test_pvr_grid_and_labels(pvr: PVRTask) -> None:
    g = torch.Generator().manual_seed(0)
    v = pvr.sample(64, g, train=False)
    x = pvr.encode(v).reshape(64, 28, 28)
    ids = v["_images"]
    assert torch.equal(x[:, :14, :14], pvr.images[ids[0]])  # top-left
    assert torch.equal(x[:, 14:, 14:], pvr.images[ids[3]])  # bottom-right
    out = pvr.causal_model.run(v)
    expected = torch.where(v["tl"] <= 3, v["tr"], torch.where(v["tl"] <= 6, v["bl"], v["br"]))
    assert torch.equal(out["O"], expected)
    assert set(ids.flatten().tolist()) <= set(pvr.pools[1].tolist())


def test_pvr_pointer_counterfactual(pvr: PVRTask) -> None:
    data = make_interchange_data(pvr, "P", 200, seed=3)
    assert data.base.shape == (200, 784)
    assert data.labels.max() <= 9


def test_equality_is_balanced() -> None:
    task = EqualityTask()
    _, y = make_task_data(task, 4000, seed=0)
    assert 0.45 < float(y.float().mean()) < 0.55
    data = make_interchange_data(task, "WX", 4000, seed=1)
    assert 0.45 < float(data.labels.float().mean()) < 0.55


def test_arithmetic_encoding_is_one_hot() -> None:
    x, y = make_task_data(ArithmeticTask(), 100, seed=0)
    assert torch.equal(x.sum(-1), torch.full((100,), 3.0))
    assert int(y.max()) <= 27


@pytest.mark.parametrize(
    "module",
    ["causal_model", "sites", "interventions", "subspace", "iia", "iit", "models",
     "tasks.arithmetic", "tasks.equality"],
)
def test_docstring_examples(module: str) -> None:
    mod = importlib.import_module(f"rung.abstraction.{module}")
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
