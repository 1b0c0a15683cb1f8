"""BDeu by NumPy counts against pgmpy's own BDeu (the independent reference)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.discover.bdeu import BDeuCounts


def _pgmpy_bdeu(df: pd.DataFrame, ess: float):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy.estimators import BDeu

        return BDeu(df, equivalent_sample_size=ess)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), rows=st.integers(5, 300), k=st.integers(0, 3),
       ess=st.sampled_from([1.0, 5.0, 10.0]))
def test_equals_pgmpy(seed: int, rows: int, k: int, ess: float) -> None:
    rng = np.random.default_rng(seed)
    cards = rng.integers(2, 5, size=5)
    df = pd.DataFrame({f"V{i}": rng.integers(0, c, rows) for i, c in enumerate(cards)})
    df["V1"] = (df["V0"] + df["V1"] * (rng.random(rows) < 0.3)) % cards[1]
    parents = [f"V{i}" for i in rng.choice(range(1, 5), size=k, replace=False)]
    ours = BDeuCounts(df, ess).local_score("V0", parents)
    theirs = _pgmpy_bdeu(df, ess).local_score("V0", parents)
    assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-9)


def test_bad_ess_is_named() -> None:
    with pytest.raises(ValueError, match="equivalent_sample_size=0"):
        BDeuCounts(pd.DataFrame({"A": [0, 1]}), 0)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), rows=st.integers(5, 200), k=st.integers(0, 2),
       ess=st.sampled_from([1.0, 10.0]))
def test_row_log_likelihood_is_pgmpys_bdeu_posterior_mean_cpt(seed: int, rows: int, k: int,
                                                              ess: float) -> None:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({f"V{i}": rng.integers(0, 3, rows) for i in range(4)})
    df["V0"] = (df["V0"] * (rng.random(rows) < 0.5) + df["V1"]) % 3
    parents = [f"V{i}" for i in rng.choice(range(1, 4), size=k, replace=False)]
    cards = {c: int(df[c].nunique()) for c in df.columns}
    ours = BDeuCounts(df, ess).row_log_likelihood("V0", parents)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy.estimators import BayesianEstimator
        from pgmpy.models import DiscreteBayesianNetwork

        model = DiscreteBayesianNetwork([(p, "V0") for p in parents])
        model.add_nodes_from(df.columns)
        cpd = BayesianEstimator(model, df).estimate_cpd(
            "V0", prior_type="BDeu", equivalent_sample_size=ess)
    table = cpd.get_values()  # rows: V0's states; columns: parent configurations
    names = cpd.state_names
    col = np.zeros(rows, dtype=int)
    for p in cpd.variables[1:]:
        col = col * cards[p] + df[p].map({s: i for i, s in enumerate(names[p])}).to_numpy()
    row = df["V0"].map({s: i for i, s in enumerate(names["V0"])}).to_numpy()
    # pgmpy spreads BDeu's pseudo-counts over every configuration; ours over the same q
    assert np.allclose(ours, np.log(table[row, col]), atol=1e-9)
