"""Classic estimators recover the known effects of the simulated case studies."""

from __future__ import annotations

import numpy as np
import pytest

from rung import datasets
from rung.estimate import (
    AIPW,
    IPW,
    DataError,
    EstimationError,
    FrontDoor,
    InvalidSetError,
    NotIdentifiedError,
    PluginEstimator,
    RegressionAdjustment,
    TwoStageLeastSquares,
    estimate_effect,
    find_instrument,
)
from rung.graph import CausalGraph


@pytest.mark.parametrize("cls", [RegressionAdjustment, IPW, AIPW])
def test_backdoor_estimators_linear(cls) -> None:
    cs = datasets.linear_backdoor(n=3000, seed=2)
    est = cls(seed=0).fit(cs.data, cs.graph, "X", "Y")
    assert est.adjustment_set_ == ("Z",)  # found by rung.identify
    assert abs(est.ate_ - cs.true_effect) < cs.tolerance
    assert est.result().estimand["method"] == "backdoor"


@pytest.mark.parametrize("cls", [IPW, AIPW])
def test_nonlinear_backdoor_weighting_estimators(cls) -> None:
    cs = datasets.nonlinear_backdoor(seed=1)
    est = cls(seed=0).fit(cs.data, cs.graph, "X", "Y")
    assert abs(est.ate_ - cs.true_effect) < cs.tolerance


def test_naive_estimate_is_refused_not_returned() -> None:
    cs = datasets.linear_backdoor(n=3000, seed=2)
    with pytest.raises(InvalidSetError, match="X <- Z -> Y is open"):
        RegressionAdjustment(adjustment_set=()).fit(cs.data, cs.graph, "X", "Y")


def test_frontdoor_linear_and_discrete() -> None:
    cs = datasets.linear_frontdoor(seed=5)
    est = FrontDoor().fit(cs.data, cs.graph, "X", "Y")
    assert est.mediators_ == ("M",)
    assert est.details_["form"] == "linear"
    assert abs(est.ate_ - 3.0) < cs.tolerance
    # discrete front-door: binary X, M, Y with a latent confounder
    rng = np.random.default_rng(0)
    n = 40_000
    u = rng.binomial(1, 0.5, n)
    x = rng.binomial(1, 0.2 + 0.6 * u)
    m = rng.binomial(1, 0.1 + 0.7 * x)
    y = rng.binomial(1, 0.1 + 0.5 * m + 0.3 * u)
    import pandas as pd

    df = pd.DataFrame({"X": x, "M": m, "Y": y})
    est = FrontDoor().fit(df, CausalGraph.from_edges("X -> M -> Y; X <-> Y"), "X", "Y")
    assert est.details_["form"] == "discrete"
    assert est.ate_ == pytest.approx(0.7 * 0.5, abs=0.03)


def test_iv_two_stage_least_squares() -> None:
    cs = datasets.linear_iv(seed=3)
    assert find_instrument(cs.graph, "X", "Y") == (frozenset({"Z"}), frozenset())
    est = TwoStageLeastSquares().fit(cs.data, cs.graph, "X", "Y")
    assert abs(est.ate_ - 2.0) < cs.tolerance
    lo, hi = est.ci_
    assert lo < est.ate_ < hi
    # contrast scales the effect
    est2 = TwoStageLeastSquares(contrast=(3, 1)).fit(cs.data, cs.graph, "X", "Y")
    assert est2.ate_ == pytest.approx(2 * est.ate_)


def test_plugin_on_napkin() -> None:
    cs = datasets.napkin(n=20_000, seed=1)
    est = PluginEstimator().fit(cs.data, cs.graph, "X", "Y")
    assert est.details_["identification"] == "id"
    assert abs(est.ate_ - cs.true_effect) < cs.tolerance


def test_plugin_rejects_continuous_data() -> None:
    cs = datasets.linear_frontdoor(n=200)
    with pytest.raises(EstimationError, match="not discrete"):
        PluginEstimator().fit(cs.data, cs.graph, "X", "Y")


def test_non_identified_is_refused() -> None:
    cs = datasets.linear_frontdoor(n=200)
    bow = CausalGraph.from_edges("X -> Y; X <-> Y; M")
    for method in ("plugin", "regression", None):
        with pytest.raises(NotIdentifiedError, match="hedge"):
            estimate_effect(bow, cs.data, "X", "Y", method)


def test_bad_parameters_are_named() -> None:
    cs = datasets.linear_backdoor(n=100)
    with pytest.raises(EstimationError, match="contrast"):
        RegressionAdjustment(contrast=(1,)).fit(cs.data, cs.graph, "X", "Y")
    with pytest.raises(DataError, match="never takes the value 5"):
        IPW(contrast=(5, 0)).fit(cs.data, cs.graph, "X", "Y")
    with pytest.raises(EstimationError, match="unknown method 'magic'"):
        estimate_effect(cs.graph, cs.data, "X", "Y", "magic")


def test_auto_method_follows_identification() -> None:
    assert estimate_effect(*_args(datasets.linear_backdoor(n=500))).method == "regression"
    assert estimate_effect(*_args(datasets.linear_frontdoor(n=500))).method == "frontdoor"
    assert estimate_effect(*_args(datasets.napkin(n=2000))).method == "plugin"


def _args(cs: datasets.CaseStudy) -> tuple:
    return cs.graph, cs.data, cs.treatment, cs.outcome
