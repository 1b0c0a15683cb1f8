"""BayesianSCM: NUTS posterior of a generative model of the graph, do() as a program
transformation, credible intervals checked against closed forms, diagnostics and refusals."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from rung.estimate import NotIdentifiedError, interventional_samples
from rung.estimate.programs.bayesian import BayesianSCM
from rung.estimate.programs.families import Priors
from rung.estimate.programs.posterior import (
    ConvergenceCriteria,
    ConvergenceError,
    PosteriorQuery,
)
from rung.graph import CausalGraph

FRONT = CausalGraph.from_edges("X -> M -> Y; X <-> Y")


def _frontdoor(n: int, seed: int) -> pd.DataFrame:
    """E[Y | do(X = x)] = 1 + 2 (0.5 + x) = 2 + 2x."""
    rng = np.random.default_rng(seed)
    u = rng.normal(size=n)
    x = u + rng.normal(size=n)
    m = 0.5 + x + 0.5 * rng.normal(size=n)
    y = 1.0 + 2.0 * m + u + rng.normal(size=n)
    return pd.DataFrame({"X": x, "M": m, "Y": y})


@pytest.fixture(scope="module")
def fitted() -> BayesianSCM:
    return BayesianSCM(FRONT, num_samples=40, warmup=50, chains=2, seed=1).fit(
        _frontdoor(300, 0))


def test_latents_marginalised_analytically_and_the_interval_covers_the_closed_form(
        fitted: BayesianSCM) -> None:
    assert fitted.marginalised_ == "analytic"
    q = fitted.interventional_mean({"X": 1.0}, "Y", allow_unconverged=True)
    assert q.ci[0] <= 4.0 <= q.ci[1]
    assert abs(q.mean - 4.0) < 0.3
    assert np.isfinite(q.rhat) and q.ess > 0 and q.divergences >= 0  # reported
    assert q.status == ("not_converged" if q.reasons else "ok")
    assert q.identified and q.treatments == ("X",)
    assert PosteriorQuery.from_json(q.to_json()) == q
    # a naive regression of Y on X would give slope 2.5 (confounded): the model does not
    assert abs(fitted.interventional_mean({"X": 0.0}, "Y", allow_unconverged=True).mean
               - 2.0) < 0.3


def test_failed_diagnostics_refuse_the_query_unless_allowed(fitted: BayesianSCM) -> None:
    strict = copy.copy(fitted)
    strict.criteria = ConvergenceCriteria(min_ess=1e9)
    with pytest.raises(ConvergenceError, match="effective sample size"):
        strict.interventional_mean({"X": 1.0}, "Y")
    q = strict.interventional_mean({"X": 1.0}, "Y", allow_unconverged=True)
    assert q.status == "not_converged" and "NOT CONVERGED" in q.to_json()["label"]


def test_posterior_predictive_program_works_with_rungs_interventions(
        fitted: BayesianSCM) -> None:
    df = interventional_samples(fitted, {"X": 1.0}, num_samples=4000, seed=0)
    assert df["X"].unique().tolist() == [1.0]
    assert abs(df["Y"].mean() - 4.0) < 0.35


def test_a_non_identified_query_is_refused() -> None:
    g = CausalGraph.from_edges("X -> Y; X <-> Y")
    with pytest.raises(NotIdentifiedError):
        BayesianSCM(g).interventional_mean({"X": 1.0}, "Y")


def test_binary_nodes_are_logistic_and_a_fixed_parameter_stays_fixed() -> None:
    rng = np.random.default_rng(3)
    z = rng.normal(size=200)
    x = rng.binomial(1, 1 / (1 + np.exp(-z))).astype(float)
    y = 1.0 + 2.0 * x + z + 0.5 * rng.normal(size=200)
    g = CausalGraph.from_edges("Z -> X -> Y; Z -> Y")
    m = BayesianSCM(g, num_samples=30, warmup=40, chains=1,
                    priors=Priors(overrides={"Y:sigma": 0.5})).fit(
        pd.DataFrame({"Z": z, "X": x, "Y": y}))
    assert m.families_ == {"Z": "gaussian", "X": "logistic", "Y": "gaussian"}
    assert m.marginalised_ == "quadrature" and "Y:sigma" not in m.samples_
    q1 = m.interventional_mean({"X": 1.0}, "Y", allow_unconverged=True)
    q0 = m.interventional_mean({"X": 0.0}, "Y", allow_unconverged=True)
    assert abs((q1.mean - q0.mean) - 2.0) < 0.3  # back-door adjusted by the model


def _line(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return pd.DataFrame({"X": x, "Y": 0.5 + 1.5 * x + rng.normal(size=n)})


def test_svi_posterior_of_a_do_query_matches_the_closed_form_regression_posterior() -> None:
    # X -> Y, no confounding: the posterior of E[Y | do(X = 1)] = b0 + w under weak priors is
    # (up to the prior) normal around the OLS prediction at x = 1 with its standard error
    df = _line(400, 5)
    design = np.column_stack([np.ones(len(df)), df["X"]])
    coef, res, *_ = np.linalg.lstsq(design, df["Y"], rcond=None)
    s2 = float(res[0]) / (len(df) - 2)
    se = float(np.sqrt(s2 * np.array([1, 1]) @ np.linalg.inv(design.T @ design)
                       @ np.array([1, 1])))
    m = BayesianSCM(CausalGraph.from_edges("X -> Y"), inference="svi", svi_steps=300, map_steps=100,
                    num_samples=500, chains=1, seed=0).fit(df)
    q = m.interventional_mean({"X": 1.0}, "Y", num_units=200)
    assert q.method == "bayesian-svi" and q.converged
    assert abs(q.mean - float(coef.sum())) < 0.25 * se + 0.01
    assert 0.6 * se < q.sd < 1.5 * se
