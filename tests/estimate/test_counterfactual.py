"""Counterfactuals by abduction-action-prediction match the closed form of a linear SCM."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.estimate import EstimationError, LinearGaussianSCM, counterfactual
from rung.graph import CausalGraph

FRONTDOOR = CausalGraph.from_edges("X -> M -> Y; X <-> Y")
coef = st.floats(-3, 3, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(a=coef, b=coef, lx=coef, ly=coef, x=coef, m=coef, y=coef, x_new=coef)
def test_fully_observed_frontdoor_closed_form(a, b, lx, ly, x, m, y, x_new) -> None:
    """Seeing (x, m, y), had X been x': M* = m + a (x' - x), Y* = y + b (M* - m)."""
    scm = LinearGaussianSCM.from_parameters(
        FRONTDOOR, weights={("X", "M"): a, ("M", "Y"): b},
        scales={"X": 1.0, "M": 1.0, "Y": 1.0},
        loadings={("U_X_Y", "X"): lx, ("U_X_Y", "Y"): ly}, intercepts={"M": 0.3, "Y": -1.0})
    cf = counterfactual(scm, {"X": x, "M": m, "Y": y}, {"X": x_new})
    m_star = m + a * (x_new - x)
    assert cf.mean["M"] == pytest.approx(m_star, abs=1e-6)
    assert cf.mean["Y"] == pytest.approx(y + b * (m_star - m), abs=1e-6)
    assert cf.sd["Y"] == pytest.approx(0.0, abs=1e-5)


def test_partial_evidence_posterior_of_the_latent() -> None:
    """Seeing only X = 1: U | X ~ N(l/(l²+1), 1/(l²+1)) and Y* = 2 M* + ly U + e."""
    scm = LinearGaussianSCM.from_parameters(
        FRONTDOOR, weights={("X", "M"): 1.5, ("M", "Y"): 2.0},
        scales={"X": 1.0, "M": 1.0, "Y": 1.0},
        loadings={("U_X_Y", "X"): 1.0, ("U_X_Y", "Y"): 1.5})
    cf = counterfactual(scm, {"X": 1.0}, {"X": -1.0})
    assert cf.mean["Y"] == pytest.approx(2 * 1.5 * -1 + 1.5 * 0.5)
    assert cf.sd["Y"] ** 2 == pytest.approx(4 * 1 + 1.5**2 * 0.5 + 1)
    draws = cf.samples(100_000, seed=1)["Y"]
    assert draws.mean() == pytest.approx(cf.mean["Y"], abs=0.03)


def test_fitted_model_counterfactual_and_errors() -> None:
    from rung.datasets import linear_frontdoor

    cs = linear_frontdoor(n=3000, seed=4)
    scm = LinearGaussianSCM(cs.graph).fit(cs.data)
    cf = counterfactual(scm, {"X": 1.0, "M": 1.5, "Y": 4.0}, {"X": 2.0})
    assert cf.mean["Y"] == pytest.approx(4.0 + 3.0, abs=0.2)
    with pytest.raises(EstimationError, match="Q"):
        counterfactual(scm, {"Q": 1.0}, {"X": 0.0})
    assert np.isfinite(cf.cov.to_numpy()).all()
