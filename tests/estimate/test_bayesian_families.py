"""Built-in families of BayesianSCM: each distribution's mean against its link's closed form,
the data-scaled default priors, overrides, and the quadrature likelihood against exact
enumeration (no sampler: fast)."""

from __future__ import annotations

import math

import pyro.distributions as dist
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit

from rung.estimate.programs._bayes_likelihood import gauss_hermite_grid, quadrature_loglik
from rung.estimate.programs.families import (
    FAMILIES,
    NodeScale,
    Priors,
    default_priors,
    family_distribution,
)
from rung.estimate.programs.scm import latent_structure
from rung.graph import CausalGraph


def _t(v: float) -> torch.Tensor:
    return torch.tensor(v, dtype=torch.float64)


@given(b0=st.floats(-2, 2), w=st.floats(-1, 1), x=st.floats(-2, 2))
@settings(max_examples=15, deadline=None)
def test_family_means_follow_their_links(b0: float, w: float, x: float) -> None:
    eta = b0 + w * x
    theta = {"b0": _t(b0), "w[X]": _t(w), "sigma": _t(0.5), "shape": _t(2.0),
             "conc": _t(3.0), "vmax": _t(100.0)}
    want = {"gaussian": eta, "logistic": expit(eta), "poisson": math.exp(eta),
            "negbinomial": math.exp(eta), "gamma": math.exp(eta), "sigmoid": 100 * expit(eta)}
    for fam in FAMILIES:
        d = family_distribution(fam, theta, {"X": _t(x)}, ("X",), ())
        assert float(d.mean) == pytest.approx(want[fam], rel=1e-6, abs=1e-9), fam


def test_default_priors_are_scaled_to_the_data_and_overrides_win() -> None:
    scale = NodeScale(mean=10.0, sd=4.0, max=20.0, parent_sd={"X": 2.0})
    pri = default_priors("gaussian", "Y", ("X",), ("U",), frozenset({"U"}), scale,
                         Priors(overrides={"Y:sigma": 0.3}))
    assert float(pri["b0"].loc) == 10.0 and float(pri["b0"].scale) == 10.0  # 2.5 s_y
    assert float(pri["w[X]"].scale) == 5.0  # 2.5 s_y / s_x
    assert isinstance(pri["lam[U]"], dist.HalfNormal)  # first child fixes the sign
    assert pri["sigma"] == 0.3


def test_quadrature_likelihood_matches_exact_enumeration_for_a_gaussian_latent() -> None:
    # Y = U + e, U ~ N(0,1), e ~ N(0, 0.5): marginally Y ~ N(0, sqrt(1.25))
    s = latent_structure(CausalGraph(directed=[("U", "Y")], latent=["U"]))
    theta = {"b0": _t(0.0), "lam[U]": _t(1.0), "sigma": _t(0.5)}
    y = torch.tensor([[-1.0, 0.3, 2.0]], dtype=torch.float64)
    ll = quadrature_loglik(s, lambda n, v: family_distribution("gaussian", theta, v, (),
                                                               ("U",)),
                           {"Y": y}, *gauss_hermite_grid(1, 30))
    exact = dist.Normal(0.0, math.sqrt(1.25)).log_prob(y).sum()
    assert float(ll) == pytest.approx(float(exact), rel=1e-5)
