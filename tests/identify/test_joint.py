"""JointDistribution and evaluate against hand computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rung.identify import JointDistribution, P, Sum, evaluate


def test_backdoor_by_hand() -> None:
    rng = np.random.default_rng(0)
    table = rng.uniform(size=(2, 2, 2))
    table /= table.sum()
    j = JointDistribution.from_table(["Z", "X", "Y"], table)
    e = Sum("Z", P("Y", given={"X", "Z"}) * P("Z"))
    pz = table.sum(axis=(1, 2))
    want = sum(table[z, 1, 0] / table[z, 1].sum() * pz[z] for z in range(2))
    assert evaluate(e, j, {"X": 1, "Y": 0}) == pytest.approx(want, abs=1e-12)


def test_from_dataframe_and_errors() -> None:
    df = pd.DataFrame({"X": ["a", "a", "b", "b"], "Y": [0, 1, 1, 1]})
    j = JointDistribution.from_dataframe(df)
    assert j.states == (("a", "b"), (0, 1))
    assert evaluate(P("Y", given="X"), j, {"X": "a", "Y": 1}) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="no value given"):
        evaluate(P("Y", given="X"), j, {"Y": 1})
    with pytest.raises(ValueError, match="not among its states"):
        evaluate(P("Y", given="X"), j, {"X": "c", "Y": 1})
    with pytest.raises(ValueError, match="sum to 1"):
        JointDistribution.from_table(["X"], [0.3, 0.3])


def test_zero_probability_conditioning_is_nan() -> None:
    j = JointDistribution.from_table(["X", "Y"], [[0.5, 0.5], [0.0, 0.0]])
    assert np.isnan(evaluate(P("Y", given="X"), j, {"X": 1, "Y": 0}))
