"""Joint interventions do(X1, X2): identified as a whole, estimated in one call, checked
against the closed form of a linear-Gaussian SCM."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rung.data import DataError
from rung.estimate import (
    EstimationError,
    JointEffectEstimate,
    NotIdentifiedError,
    estimate_effect,
    interventional_distribution,
)
from rung.graph import CausalGraph


def _linear(n: int, seed: int) -> pd.DataFrame:
    """Z -> X1 -> X2 -> Y, X1 -> Y, Z -> X2, Z -> Y, with
    E[Y | do(X1=x1, X2=x2)] = 0.5 + 1.5 x1 + 2 x2 + 0.8 E[Z] = 1.3 + 1.5 x1 + 2 x2."""
    rng = np.random.default_rng(seed)
    z = 1.0 + rng.normal(size=n)
    x1 = 0.7 * z + rng.normal(size=n)
    x2 = -0.5 + 0.9 * x1 - 0.6 * z + rng.normal(size=n)
    y = 0.5 + 1.5 * x1 + 2.0 * x2 + 0.8 * z + rng.normal(size=n)
    return pd.DataFrame({"Z": z, "X1": x1, "X2": x2, "Y": y})


G = CausalGraph.from_edges("Z -> X1 -> X2 -> Y; X1 -> Y; Z -> X2; Z -> Y")


def truth(x1: float, x2: float) -> float:
    return 1.3 + 1.5 * x1 + 2.0 * x2


def test_joint_do_equals_the_closed_form() -> None:
    df = _linear(4000, 0)
    res = estimate_effect(G, df, ["X1", "X2"], "Y", contrast=((1.0, 0.5), (0.0, -0.5)),
                          seed=0, bootstrap=20)
    assert isinstance(res, JointEffectEstimate)
    assert res.treatments == ("X1", "X2") and res.identification.treatment == {"X1", "X2"}
    assert res.ate == pytest.approx(truth(1.0, 0.5) - truth(0.0, -0.5), abs=0.1)
    assert res.means[0] == pytest.approx(truth(1.0, 0.5), abs=0.1)
    assert res.means[1] == pytest.approx(truth(0.0, -0.5), abs=0.1)
    assert res.ci is not None and res.ci[0] < 3.5 < res.ci[1]
    assert all(c is not None and c[0] < t < c[1] for c, t in
               zip(res.means_ci, (truth(1.0, 0.5), truth(0.0, -0.5)), strict=True))
    js = res.to_json()
    assert JointEffectEstimate.from_json(js).to_json() == js and js["values_a"] == [1.0, 0.5]
    assert "do(X1=1, X2=0.5)" in res.summary()[0]


def test_joint_refusals() -> None:
    df = _linear(300, 1)
    with pytest.raises(EstimationError, match="method 'generative'"):
        estimate_effect(G, df, ["X1", "X2"], "Y", "regression")
    with pytest.raises(DataError, match="outside the observed range"):
        estimate_effect(G, df, ["X1", "X2"], "Y", contrast=((99.0, 0.0), (0.0, 0.0)),
                        bootstrap=0)


def test_interventional_distribution_checks_the_joint_query() -> None:
    """X2 -> X1 -> Y, X2 <-> Y: do(X2) alone is not identifiable, the joint do(X1, X2) is
    (it equals do(X1)); with X1 <-> Y the joint one is not, although do(X2) alone is."""
    rng = np.random.default_rng(2)
    n = 3000
    u = rng.normal(size=n)
    x2 = u + rng.normal(size=n)
    x1 = 0.8 * x2 + rng.normal(size=n)
    y = 2.0 * x1 + u + rng.normal(size=n)
    df = pd.DataFrame({"X1": x1, "X2": x2, "Y": y})
    g = CausalGraph.from_edges("X2 -> X1 -> Y; X2 <-> Y")
    out = interventional_distribution(g, df, {"X1": 1.0, "X2": 0.0}, outcome="Y")
    assert abs(out["Y"].mean() - 2.0) < 0.15  # E[Y | do(X1=1)] = 2 (E[U] = 0)
    bad = CausalGraph.from_edges("X2 -> X1 -> Y; X1 <-> Y")
    with pytest.raises(NotIdentifiedError, match="X1, X2"):
        interventional_distribution(bad, df, {"X1": 1.0, "X2": 0.0}, outcome="Y")


def test_the_seam_points_a_joint_identification_to_estimate_joint() -> None:
    from rung.estimate import estimate, estimate_joint
    from rung.identify import identify

    df = _linear(1000, 3)
    ident = identify(G, ["X1", "X2"], "Y")
    with pytest.raises(EstimationError, match="estimate_joint"):
        estimate(ident, df, graph=G)
    res = estimate_joint(ident, df, graph=G, treatments=["X2", "X1"],
                         contrast=((0.5, 1.0), (-0.5, 0.0)), bootstrap=0)
    assert res.treatments == ("X2", "X1") and abs(res.ate - 3.5) < 0.2 and res.ci is None
