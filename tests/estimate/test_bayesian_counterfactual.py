"""Counterfactual queries of a BayesianSCM (abduction of each node's noise per posterior
draw, action by do, prediction) against the closed form of a linear additive-noise SCM, and
the refusals: a non-additive node downstream, a unit with a missing value, latents."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rung.estimate import EstimationError, NotIdentifiedError
from rung.estimate.programs.bayesian import BayesianSCM
from rung.estimate.programs.scm import latent_structure
from rung.graph import CausalGraph

CHAIN = CausalGraph.from_edges("X -> M -> Y")


@pytest.fixture(scope="module")
def chain() -> tuple[BayesianSCM, float, float]:
    """M = 1 + X + e_M, Y = 2 M + e_Y; the fitted slopes (OLS) for the closed form."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=400)
    m = 1.0 + x + 0.5 * rng.normal(size=400)
    y = 2.0 * m + 0.5 * rng.normal(size=400)
    fit = BayesianSCM(CHAIN, inference="svi", svi_steps=300, map_steps=100,
                      num_samples=400, chains=1, seed=0).fit(
        pd.DataFrame({"X": x, "M": m, "Y": y}))
    return fit, float(np.polyfit(x, m, 1)[0]), float(np.polyfit(m, y, 1)[0])


def test_counterfactual_of_a_unit_matches_the_closed_form(
        chain: tuple[BayesianSCM, float, float]) -> None:
    # Y_x = y0 + b_MY b_XM (x - x0) for the unit (x0, m0, y0): its noises are kept
    fit, b_xm, b_my = chain
    unit = {"X": 0.5, "M": 2.3, "Y": 4.0}
    q = fit.counterfactual_mean(unit, {"X": 2.0}, "Y")
    want = 4.0 + b_my * b_xm * 1.5
    assert abs(q.mean - want) < 0.08
    assert q.ci[0] <= 4.0 + 2.0 * 1.5 <= q.ci[1]  # the true SCM's answer
    assert q.identified and q.converged and q.method == "bayesian-svi-counterfactual"
    # a node upstream of the treatment keeps the unit's value: do(M) leaves X's noise out
    q_m = fit.counterfactual_mean(unit, {"M": 3.3}, "Y")
    assert abs(q_m.mean - (4.0 + b_my * 1.0)) < 0.08
    # the interventional mean differs: the unit's own noise is not averaged away
    assert abs(fit.interventional_mean({"X": 2.0}, "Y").mean - q.mean) > 0.5


def test_counterfactual_refusals(chain: tuple[BayesianSCM, float, float]) -> None:
    fit = chain[0]
    with pytest.raises(EstimationError, match="missing"):
        fit.counterfactual_mean({"X": 0.5, "Y": 4.0}, {"X": 2.0}, "Y")
    fit.families_ = {**fit.families_, "Y": "poisson"}
    try:
        with pytest.raises(EstimationError, match="not additive"):
            fit.counterfactual_mean({"X": 0.5, "M": 2.3, "Y": 4.0}, {"X": 2.0}, "Y")
    finally:
        fit.families_ = {**fit.families_, "Y": "gaussian"}
    conf = BayesianSCM(CausalGraph.from_edges("X -> M -> Y; X <-> Y"))
    conf.structure_ = latent_structure(conf.graph)
    with pytest.raises(NotIdentifiedError, match="variance"):
        conf.counterfactual_mean({"X": 0.0, "M": 0.0, "Y": 0.0}, {"X": 1.0}, "Y")
