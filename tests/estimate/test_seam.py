"""The typed seam: estimate(identification, data, method) identifies nothing again, picks
estimators from one table, keeps the identification, and always gives an interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import rung.identify
from rung import datasets
from rung.data import DataError
from rung.estimate import (
    ESTIMATORS_FOR,
    FrontDoor,
    Method,
    RegressionAdjustment,
    Strategy,
    default_method,
    estimate,
    estimate_effect,
    methods_for,
    refute,
)
from rung.graph import CausalGraph
from rung.identify import identify


def _count_identify(monkeypatch) -> list[int]:
    calls = [0]
    real = rung.identify.identify

    def counted(*args, **kwargs):
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(rung.identify, "identify", counted)
    return calls


def test_estimate_uses_the_identification_it_is_given(monkeypatch) -> None:
    cs = datasets.linear_backdoor(n=1000)
    ident = identify(cs.graph, "X", "Y")
    calls = _count_identify(monkeypatch)
    res = estimate(ident, cs.data, Method.REGRESSION, graph=cs.graph)
    assert calls[0] == 0
    assert res.identification is ident
    assert res.details["adjustment_set"] == ["Z"]


def test_estimate_effect_identifies_once(monkeypatch) -> None:
    cs = datasets.linear_backdoor(n=1000)
    calls = _count_identify(monkeypatch)
    estimate_effect(cs.graph, cs.data, "X", "Y", "regression")
    assert calls[0] == 1


def test_one_table_maps_identifications_to_methods() -> None:
    assert set(ESTIMATORS_FOR) == set(Strategy)
    fd = identify(CausalGraph.from_edges("X -> M -> Y; X <-> Y"), "X", "Y")
    bow = identify(CausalGraph.from_edges("X -> Y; X <-> Y"), "X", "Y")
    assert methods_for(bow) == ()
    assert default_method(fd) is Method.FRONTDOOR
    cs = datasets.linear_frontdoor(n=200)
    # continuous data: no plug-in; continuous treatment: no weighting
    assert methods_for(fd, cs.graph, cs.data) == (Method.FRONTDOOR, Method.GENERATIVE)
    bd = datasets.linear_backdoor(n=200)
    assert Method.AIPW in methods_for(identify(bd.graph, "X", "Y"), bd.graph, bd.data)
    assert Method.IV not in {m for ms in ESTIMATORS_FOR.values() for m in ms}


def test_identification_of_another_query_is_refused() -> None:
    cs = datasets.linear_backdoor(n=200)
    other = identify(cs.graph, "Z", "Y")
    with pytest.raises(ValueError, match="pass the identification of this query"):
        RegressionAdjustment().fit(cs.data, cs.graph, "X", "Y", identification=other)


def test_intervals_by_default_and_how_they_were_made() -> None:
    cs = datasets.linear_backdoor(n=1000)
    res = estimate_effect(cs.graph, cs.data, "X", "Y", "regression")
    assert res.ci is not None and res.ci[0] < 2.0 < res.ci[1]
    assert res.interval.startswith("influence function")
    fd = datasets.linear_frontdoor(n=500)
    res = estimate_effect(fd.graph, fd.data, "X", "Y", "frontdoor", seed=0)
    assert res.ci is not None and res.interval == "percentile bootstrap (100 of 100 resamples)"


def test_regression_influence_interval_matches_the_bootstrap() -> None:
    cs = datasets.nonlinear_backdoor(n=3000, seed=4)
    a = RegressionAdjustment(seed=0).fit(cs.data, cs.graph, "X", "Y")
    b = RegressionAdjustment(bootstrap=300, seed=0).fit(cs.data, cs.graph, "X", "Y")
    wa, wb = np.diff(a.ci_)[0], np.diff(b.ci_)[0]
    assert 0.75 < wa / wb < 1.33


def test_frontdoor_with_eleven_values_is_discrete() -> None:
    cs = datasets.frontdoor_eleven(n=20000, seed=1)
    res = estimate_effect(cs.graph, cs.data, "X", "Y", contrast=(5, 4), seed=0)
    assert res.method == "frontdoor" and res.details["form"] == "discrete"
    assert abs(res.ate - cs.true_effect) < cs.tolerance
    assert res.ci[0] < cs.true_effect < res.ci[1]


def test_out_of_support_contrast_is_refused_in_the_library() -> None:
    cs = datasets.linear_frontdoor(n=500)
    lo, hi = cs.data["X"].min(), cs.data["X"].max()
    with pytest.raises(DataError, match=rf"outside the observed range of 'X' \[{lo:.4g}"):
        FrontDoor(contrast=(hi + 5, 0)).fit(cs.data, cs.graph, "X", "Y")
    with pytest.raises(DataError, match="equal"):
        estimate_effect(cs.graph, cs.data, "X", "Y", contrast=(1, 1))


def test_default_contrast_never_collapses() -> None:
    rng = np.random.default_rng(0)
    n = 3000
    z = rng.normal(size=n)
    x = 1.0 + rng.binomial(1, 0.2 * np.ones(n))  # coded 1/2, 20 % twos
    y = 1.5 * x + z + rng.normal(size=n)
    df = pd.DataFrame({"Z": z, "X": x, "Y": y})
    res = estimate_effect(CausalGraph.from_edges("Z -> Y; X -> Y"), df, "X", "Y")
    assert res.contrast == (2.0, 1.0)
    assert abs(res.ate - 1.5) < 0.2


def test_constant_adjustment_column_is_named() -> None:
    cs = datasets.linear_backdoor(n=300)
    df = cs.data.assign(Z=3.0)
    with pytest.raises(DataError, match="adjustment column 'Z' is constant"):
        estimate_effect(cs.graph, df, "X", "Y", "aipw")


def test_categorical_adjustment_is_one_hot() -> None:
    cs = datasets.survey(n=4000, seed=2)
    res = estimate_effect(cs.graph, cs.data, cs.treatment, cs.outcome, "regression")
    assert res.ci[0] < cs.true_effect < res.ci[1]
    out = res.to_json()
    assert out["encoding"]["exercise"] == {"no": 0.0, "yes": 1.0}
    assert out["dropped_rows"] > 0 and out["missing"] == "complete-case"
    # the same integer codes read as numbers give a biased answer
    df = res.data.frame
    naive = estimate_effect(cs.graph, df, cs.treatment, cs.outcome, "regression",
                            interactions=False)
    declared = estimate_effect(cs.graph, df, cs.treatment, cs.outcome, "regression",
                               interactions=False, categorical=["smoking status"])
    assert abs(declared.ate - cs.true_effect) < abs(naive.ate - cs.true_effect)


def test_notebook_views() -> None:
    cs = datasets.linear_backdoor(n=500)
    res = estimate_effect(cs.graph, cs.data, "X", "Y", "regression")
    frame = res.to_frame()
    assert frame.shape[0] == 1 and frame.loc[0, "ci_low"] == res.ci[0]
    assert "<table" in res._repr_html_() and "adjustment set {Z}" in res._repr_html_()
    est = RegressionAdjustment().fit(cs.data, cs.graph, "X", "Y")
    refs = refute(est, cs.data, refuters=("placebo", "graph"), n_simulations=2)
    assert refs.to_frame()["refuter"].tolist() == ["placebo", "graph"]
    assert "<table" in refs._repr_html_() and "<table" in refs[0]._repr_html_()


def test_refuters_keep_a_user_set_valid() -> None:
    cs = datasets.linear_backdoor(n=800)
    est = RegressionAdjustment(adjustment_set={"Z"}).fit(cs.data, cs.graph, "X", "Y")
    refs = refute(est, cs.data, refuters=("random_common_cause",), n_simulations=2)
    assert refs[0].passed


def test_fit_estimator_feeds_the_refuters_and_the_model() -> None:
    from rung.estimate import fit_estimator

    cs = datasets.linear_frontdoor(n=800)
    ident = identify(cs.graph, "X", "Y")
    est = fit_estimator(ident, cs.data, Method.GENERATIVE, graph=cs.graph, bootstrap=2,
                        seed=0, num_samples=2000)
    assert est.result().identification is ident and hasattr(est, "model_")
    assert est.result().interval == "percentile bootstrap (2 of 2 resamples)"
    refs = refute(est, cs.data, refuters=("placebo",), n_simulations=2)
    assert refs[0].passed
