"""Levels E[Y | do(X=a)] and E[Y | do(X=b)] besides the contrast, against closed forms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rung import datasets
from rung.estimate import EffectEstimate, estimate_effect
from rung.graph import CausalGraph


def _backdoor(n: int = 4000, seed: int = 0) -> pd.DataFrame:
    """Z ~ N(0, 1); X ~ Bernoulli(sigmoid(0.8 Z)); Y = 1 + 2 X + 1.5 Z + e, so
    E[Y | do(X=x)] = 1 + 2x (mild confounding: IPW's skewed weights stay tame)."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=n)
    x = rng.binomial(1, 1 / (1 + np.exp(-0.8 * z))).astype(float)
    return pd.DataFrame({"Z": z, "X": x, "Y": 1 + 2 * x + 1.5 * z + rng.normal(size=n)})


G = CausalGraph.from_edges("Z -> X -> Y; Z -> Y")


@pytest.mark.parametrize("method", ["regression", "aipw", "ipw"])
def test_backdoor_levels_cover_the_truth(method: str) -> None:
    res = estimate_effect(G, _backdoor(), "X", "Y", method, seed=0, bootstrap=40
                          if method == "ipw" else None)
    assert res.means is not None and res.means_ci is not None
    assert res.means[0] - res.means[1] == pytest.approx(res.ate)
    for truth, m, ci in zip((3.0, 1.0), res.means, res.means_ci, strict=True):
        assert abs(m - truth) < 0.15
        assert ci is not None and ci[0] < truth < ci[1]
    js = res.to_json()
    assert js["mean_a"] == res.means[0] and js["mean_b_ci"] == list(res.means_ci[1])
    assert EffectEstimate.from_json(js).means == res.means


def test_frontdoor_levels_linear() -> None:
    cs = datasets.linear_frontdoor(n=4000, seed=0)
    res = estimate_effect(cs.graph, cs.data, "X", "Y", "frontdoor", seed=0, bootstrap=30)
    assert res.means is not None and res.means_ci is not None
    for v, m, ci in zip(cs.contrast, res.means, res.means_ci, strict=True):
        truth = cs.true_mean(v)
        assert ci is not None and ci[0] - 0.05 < truth < ci[1] + 0.05 and abs(m - truth) < 0.2
    assert "levels: E[Y|do(X=1)]" in "\n".join(res.summary())


def test_plugin_levels_on_the_napkin() -> None:
    cs = datasets.napkin(n=20000, seed=1)
    res = estimate_effect(cs.graph, cs.data, "X", "Y", "plugin", seed=0, bootstrap=20)
    assert res.means is not None
    for v, m in zip(cs.contrast, res.means, strict=True):
        assert abs(m - cs.true_mean(v)) < 0.05


def test_generative_levels() -> None:
    cs = datasets.linear_frontdoor(n=3000, seed=2)
    res = estimate_effect(cs.graph, cs.data, "X", "Y", "generative", seed=0, bootstrap=10)
    assert res.means is not None and res.means_ci is not None
    assert res.means[0] - res.means[1] == pytest.approx(res.ate)
    for v, m, ci in zip(cs.contrast, res.means, res.means_ci, strict=True):
        assert abs(m - cs.true_mean(v)) < 0.2 and ci is not None and ci[0] < m < ci[1]
