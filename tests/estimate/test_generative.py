"""The generative estimator: identify first, fit the Pyro model, simulate do()."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rung import datasets
from rung.estimate import (
    DiscreteSCM,
    GenerativeEstimator,
    LinearGaussianSCM,
    NotIdentifiedError,
    ate,
    cate,
    condition,
    do,
    interventional_distribution,
    interventional_samples,
)
from rung.graph import CausalGraph

torch.set_num_threads(1)


def test_linear_frontdoor_within_tolerance() -> None:
    cs = datasets.linear_frontdoor(seed=0)
    est = GenerativeEstimator(seed=0, bootstrap=0).fit(cs.data, cs.graph, "X", "Y")
    assert est.details_["model"] == "LinearGaussianSCM" and est.details_["converged"]
    assert abs(est.ate_ - 3.0) < 0.05  # the benchmark goal, seed 0
    assert est.result().estimand["method"] == "frontdoor"


def test_signalling_pathway_query() -> None:
    cs = datasets.signalling_pathway(seed=1)
    est = GenerativeEstimator(seed=0, bootstrap=0).fit(cs.data, cs.graph, "SOS", "Erk")
    assert abs(est.ate_ - cs.true_effect) < cs.tolerance
    # E[Erk | do(SOS = s)] itself, not only the contrast
    df = interventional_samples(est.model_, {"SOS": 2.0}, num_samples=50_000)
    assert abs(df["Erk"].mean() - cs.true_mean(2.0)) < 3 * cs.tolerance


def test_napkin_discrete_em() -> None:
    cs = datasets.napkin(n=20_000, seed=2)
    est = GenerativeEstimator(seed=0, bootstrap=0).fit(cs.data, cs.graph, "X", "Y")
    assert est.details_["model"] == "DiscreteSCM"
    assert abs(est.ate_ - cs.true_effect) < cs.tolerance


def test_refuses_non_identified_and_labels_simulation() -> None:
    cs = datasets.linear_frontdoor(n=500)
    bow = CausalGraph.from_edges("X -> M -> Y; X <-> Y; X <-> M")
    with pytest.raises(NotIdentifiedError, match="hedge"):
        GenerativeEstimator().fit(cs.data, bow, "X", "Y")
    est = GenerativeEstimator(allow_unidentified=True, bootstrap=0).fit(cs.data, bow, "X", "Y")
    out = est.result().to_json()
    assert out["identified"] is False and "NOT" in out["label"].upper()
    assert out["estimand"] is None


def test_do_function_decorator_context_and_condition() -> None:
    g = CausalGraph.from_edges("X -> Y")
    scm = LinearGaussianSCM.from_parameters(g, weights={("X", "Y"): 2.0},
                                            scales={"X": 1.0, "Y": 0.5})
    assert torch.allclose(do(scm, {"X": 1.0})(3)["Y"].mean(), torch.tensor(2.0,
                          dtype=torch.float64), atol=2.0)
    with do(data={"X": 3.0}):
        y = scm(20_000)["Y"]
    assert abs(float(y.mean()) - 6.0) < 0.05

    @do(data={"X": -1.0})
    def run() -> torch.Tensor:
        return scm(20_000)["Y"]

    assert abs(float(run().mean()) + 2.0) < 0.05
    # condition composes with do: conditioning Y does not change X under do(X)
    out = condition(do(scm, {"X": 1.0}), {"Y": 5.0})(4)
    assert torch.all(out["Y"] == 5.0) and torch.all(out["X"] == 1.0)


def test_cate_by_likelihood_weighting() -> None:
    # Y = X + X·Z is not linear; use a discrete model: Y depends on X and Z
    rng = np.random.default_rng(0)
    import pandas as pd

    n = 30_000
    z = rng.binomial(1, 0.5, n)
    x = rng.binomial(1, 0.3 + 0.4 * z)
    y = rng.binomial(1, 0.1 + 0.2 * x + 0.5 * x * z)
    df = pd.DataFrame({"Z": z, "X": x, "Y": y})
    g = CausalGraph.from_edges("Z -> X -> Y; Z -> Y")
    scm = DiscreteSCM(g).fit(df)
    assert cate(scm, "X", "Y", given={"Z": 1}) == pytest.approx(0.7, abs=0.04)
    assert cate(scm, "X", "Y", given={"Z": 0}) == pytest.approx(0.2, abs=0.04)
    assert ate(scm, "X", "Y") == pytest.approx(0.45, abs=0.04)


def test_interventional_distribution_api() -> None:
    cs = datasets.linear_frontdoor(n=2000, seed=3)
    df = interventional_distribution(cs.graph, cs.data, {"X": 2.0}, outcome="Y",
                                     num_samples=20_000)
    assert (df["X"] == 2.0).all()
    assert abs(df["Y"].mean() - 6.0) < 0.3
    with pytest.raises(NotIdentifiedError):
        interventional_distribution(CausalGraph.from_edges("X -> Y; X <-> Y; M"),
                                    cs.data, {"X": 1.0}, outcome="Y")


def test_discrete_bootstrap_warm_start() -> None:
    """Warm-started EM (one run from the full-data tables per resample) leaves the point
    estimate unchanged and gives a bootstrap spread close to the nonparametric plug-in's."""
    from rung.estimate import PluginEstimator

    cs = datasets.napkin(n=4000, seed=5)
    warm = GenerativeEstimator(seed=0, bootstrap=20, num_samples=5000).fit(
        cs.data, cs.graph, "X", "Y")
    assert warm.ate_ == GenerativeEstimator(seed=0, bootstrap=0, num_samples=5000).fit(
        cs.data, cs.graph, "X", "Y").ate_
    ref = PluginEstimator(seed=0, bootstrap=100).fit(cs.data, cs.graph, "X", "Y")
    ratio = np.std(warm.bootstrap_estimates_) / np.std(ref.bootstrap_estimates_)
    assert 0.4 < ratio < 1.6
    lo, hi = warm.ci_
    assert lo < cs.true_effect < hi
