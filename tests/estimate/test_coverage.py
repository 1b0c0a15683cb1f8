"""Intervals cover the truth at close to the nominal rate over a fixed list of seeds."""

from __future__ import annotations

import pytest
from scipy import stats

from rung import datasets
from rung.estimate import AIPW, FrontDoor, RegressionAdjustment, TwoStageLeastSquares

SEEDS = range(20)
# with 20 intervals at 95 %, P(fewer than 16 cover) < 0.02
MIN_COVER = 16


def _coverage(make, est_factory, n: int) -> int:
    hits = 0
    for s in SEEDS:
        cs = make(n=n, seed=100 + s)
        est = est_factory(s).fit(cs.data, cs.graph, cs.treatment, cs.outcome)
        lo, hi = est.ci_
        hits += lo <= cs.true_effect <= hi
    return hits


def test_binomial_threshold() -> None:
    assert stats.binom.cdf(MIN_COVER - 1, len(SEEDS), 0.95) < 0.02


@pytest.mark.parametrize("name,make,factory,n", [
    ("bootstrap-regression", datasets.linear_backdoor,
     lambda s: RegressionAdjustment(bootstrap=100, seed=s), 400),
    ("influence-function-aipw", datasets.nonlinear_backdoor, lambda s: AIPW(seed=s), 1500),
    ("influence-function-regression", datasets.linear_backdoor,
     lambda s: RegressionAdjustment(seed=s), 400),
    ("influence-function-regression-modified", datasets.nonlinear_backdoor,
     lambda s: RegressionAdjustment(seed=s), 1500),
    ("bootstrap-frontdoor", datasets.linear_frontdoor,
     lambda s: FrontDoor(bootstrap=100, seed=s), 500),
    ("analytic-2sls", datasets.linear_iv, lambda s: TwoStageLeastSquares(), 500),
])
def test_interval_coverage(name, make, factory, n) -> None:
    hits = _coverage(make, factory, n)
    assert MIN_COVER <= hits <= len(SEEDS), f"{name}: {hits}/{len(SEEDS)}"
