from __future__ import annotations

import pytest

from rung.abstraction.iia import (
    find_localist_alignments,
    interchange_accuracy,
    neuron_slices,
    task_accuracy,
)
from rung.abstraction.sites import Site
from rung.abstraction.tasks.arithmetic import ArithmeticTask, sum_yz_model
from rung.abstraction.tasks.base import make_interchange_data, make_task_data


def test_hand_built_adder_is_exact(adder) -> None:
    x, y = make_task_data(ArithmeticTask(), 1000, seed=1)
    assert task_accuracy(adder, x, y) == 1.0


def test_iia_is_one_at_true_alignment_and_lower_elsewhere(adder) -> None:
    data = make_interchange_data(ArithmeticTask(), "S", 2000, seed=2)
    true = interchange_accuracy(adder, data, {"S": Site("layers.0", units=slice(0, 1))})
    assert true == 1.0
    scores = find_localist_alignments(adder, data, "S", ["layers.0", "layers.1"], size=1)
    assert next(iter(scores)) == "layers.0[0:1]"
    others = [v for k, v in scores.items() if k != "layers.0[0:1]"]
    assert max(others) < 0.5
    # the output layer's sum T = S + z carries S only when the z's agree (about 1 in 10)
    assert scores["layers.1[0:1]"] < 0.2


def test_wrong_hypothesis_scores_low(adder) -> None:
    task = ArithmeticTask(causal_model=sum_yz_model())
    data = make_interchange_data(task, "S", 2000, seed=3)
    # neuron 3 holds y + z, but the network never reads it
    assert interchange_accuracy(adder, data, {"S": Site("layers.0", units=slice(3, 4))}) < 0.2


def test_missing_variable_is_named(adder) -> None:
    data = make_interchange_data(ArithmeticTask(), "S", 10)
    with pytest.raises(ValueError, match="'z'"):
        interchange_accuracy(adder, data, {"z": Site("layers.0")})


def test_neuron_slices_rejects_bad_size() -> None:
    with pytest.raises(ValueError, match="size 0"):
        neuron_slices(8, 0)
