"""A joint do(X1..X5) query (the multi-cause study's shape: five causes, one mediator, a
latent confounder of the causes and the outcome) is identified as a whole by
:func:`rung.identify.identify` and estimated in one :func:`rung.estimate.estimate_joint`
call; checked against the closed form of a linear-Gaussian SCM."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rung.estimate import estimate_joint
from rung.graph import CausalGraph
from rung.identify import identify

XS = [f"X{j}" for j in range(1, 6)]
W_XM = np.array([0.8, -0.5, 0.6, 0.4, -0.7])
G = CausalGraph(directed=[*((x, "M") for x in XS), ("M", "Y"), *(("U", x) for x in XS),
                          ("U", "Y")], latent=["U"])


def _data(n: int, seed: int) -> pd.DataFrame:
    """E[Y | do(X = x)] = 1 + 1.5 (0.5 + W_XM·x) = 1.75 + 1.5 W_XM·x."""
    rng = np.random.default_rng(seed)
    u = rng.normal(size=n)
    x = 0.9 * u[:, None] + rng.normal(size=(n, 5))
    m = 0.5 + x @ W_XM + 0.5 * rng.normal(size=n)
    y = 1.0 + 1.5 * m + 1.2 * u + rng.normal(size=n)
    return pd.DataFrame({**{c: x[:, j] for j, c in enumerate(XS)}, "M": m, "Y": y})


def test_joint_do_of_five_causes_is_identified_and_estimated_in_one_call() -> None:
    res = identify(G, set(XS), {"Y"})
    assert res.identifiable  # as a whole (front-door through M), not one cause at a time
    est = estimate_joint(res, _data(4000, 0), graph=G, treatments=XS,
                         contrast=((1.0,) * 5, (0.0,) * 5), bootstrap=0, seed=0)
    want = 1.5 * W_XM.sum()
    assert est.treatments == tuple(XS)
    assert abs(est.ate - want) < 0.1
    assert abs(est.means[1] - 1.75) < 0.1
    assert abs(est.means[0] - (1.75 + want)) < 0.1
