"""Refuters re-run the estimator, pass on correct models and fail loudly on a wrong graph."""

from __future__ import annotations

import pytest

from rung import datasets
from rung.estimate import (
    EstimationError,
    FrontDoor,
    GenerativeEstimator,
    RegressionAdjustment,
    refute,
)
from rung.estimate.checks.refute import RefutationWarning
from rung.graph import CausalGraph


@pytest.mark.parametrize("make,cls", [
    (datasets.linear_backdoor, RegressionAdjustment),
    (datasets.linear_frontdoor, FrontDoor),
])
def test_refuters_pass_on_correct_models(make, cls) -> None:
    cs = make(n=2000, seed=1)
    res = refute(cls(), cs.data, cs.graph, cs.treatment, cs.outcome, n_simulations=4)
    assert [r.refuter for r in res] == ["placebo", "random_common_cause", "subset",
                                        "dummy_outcome", "graph"]
    assert all(r.passed for r in res), [r.message for r in res]


def test_frontdoor_placebo_is_really_re_estimated() -> None:
    cs = datasets.linear_frontdoor(n=2000, seed=1)
    est = FrontDoor().fit(cs.data, cs.graph, "X", "Y")
    (placebo,) = refute(est, cs.data, refuters=["placebo"], n_simulations=3)
    assert abs(placebo.new_effect) < 0.3 and placebo.new_effect != est.ate_
    assert len(set(placebo.new_effects)) == 3


def test_generative_refuted_quickly() -> None:
    cs = datasets.linear_frontdoor(n=1000, seed=2)
    res = refute(GenerativeEstimator(num_samples=5000), cs.data, cs.graph, "X", "Y",
                 refuters=["placebo", "subset"], n_simulations=2)
    assert all(r.passed for r in res), [r.message for r in res]


def test_wrong_graph_fails_loudly() -> None:
    cs = datasets.linear_backdoor(n=2000, seed=1)
    wrong = CausalGraph.from_edges("Z -> X -> Y")  # forgets the confounding edge Z -> Y
    with pytest.warns(RefutationWarning):
        res = refute(RegressionAdjustment(), cs.data, wrong, "X", "Y", n_simulations=4)
    failed = {r.refuter for r in res if not r.passed}
    assert {"graph", "dummy_outcome"} <= failed
    with pytest.raises(EstimationError, match="contradict"), pytest.warns(RefutationWarning):
        refute(RegressionAdjustment(), cs.data, wrong, "X", "Y", refuters=["graph"],
               strict=True)


def test_broken_estimator_fails_placebo() -> None:
    """An estimator that ignores X's values (returns the confounded slope of Z) is caught."""

    class Broken(RegressionAdjustment):
        def _means(self, df):  # type: ignore[no-untyped-def]
            return float(df["Y"].corr(df["Z"]) * 3), 0.0

    cs = datasets.linear_backdoor(n=1000, seed=1)
    with pytest.warns(RefutationWarning):
        (placebo,) = refute(Broken(), cs.data, cs.graph, "X", "Y", refuters=["placebo"])
    assert not placebo.passed
