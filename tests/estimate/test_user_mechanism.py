"""A node written as the user's Pyro function (Hill kinetics) is fitted by NUTS, intervened
on by ``do`` and simulated; E[Y | do(X = x)] is checked against the closed form."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyro.distributions as dist
import pytest
import torch

from rung.estimate import do
from rung.estimate.programs.bayesian import BayesianSCM
from rung.estimate.programs.user_mechanism import UserMechanism, hill
from rung.graph import CausalGraph

VMAX, K, N_HILL = 3.0, 1.5, 2.0


def closed_form(x: float) -> float:
    return VMAX * x**N_HILL / (K**N_HILL + x**N_HILL)


@pytest.fixture(scope="module")
def fitted() -> BayesianSCM:
    rng = np.random.default_rng(0)
    x = np.clip(rng.normal(1.8, 0.8, size=200), 0.05, None)
    y = np.array([closed_form(v) for v in x]) + 0.2 * rng.normal(size=200)
    g = CausalGraph.from_edges("X -> Y")
    return BayesianSCM(g, mechanisms={"Y": hill("X")}, num_samples=40, warmup=50,
                       chains=2, seed=0).fit(pd.DataFrame({"X": x, "Y": y}))


def test_user_mechanism_is_fitted_and_its_do_query_matches_the_closed_form(
        fitted: BayesianSCM) -> None:
    assert fitted.families_["Y"] == "user" and "Y:vmax" in fitted.samples_
    for x0 in (0.8, 2.5):
        q = fitted.interventional_mean({"X": x0}, "Y", allow_unconverged=True)
        assert q.ci[0] - 0.02 <= closed_form(x0) <= q.ci[1] + 0.02
        assert abs(q.mean - closed_form(x0)) < 0.12


def test_do_on_the_user_mechanism_is_a_program_transformation(fitted: BayesianSCM) -> None:
    with torch.no_grad():
        sites = do(fitted, {"X": 2.5})(6000)
    assert float(sites["X"].unique()) == 2.5
    assert abs(float(sites["Y"].mean()) - closed_form(2.5)) < 0.1


def test_user_mechanism_rejects_a_prior_that_is_not_a_distribution() -> None:
    with pytest.raises(TypeError, match="Pyro distribution or a number"):
        UserMechanism(lambda x, th: dist.Normal(0.0, 1.0), priors={"a": "wide"})
