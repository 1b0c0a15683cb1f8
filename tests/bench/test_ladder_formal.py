"""rung.bench.ladder_formal: the threshold model's probability of necessity always lies in
Tian & Pearl's bounds, which are computed from P(X, Y) and P(y | do(x)) alone."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.bench.ladder_formal import formal_value, necessity_bounds
from rung.graph import CausalGraph
from rung.identify import JointDistribution

prob = st.floats(0.05, 0.95)


def _confounded_joint(pz: float, px: tuple[float, float], py: tuple[float, ...]
                      ) -> JointDistribution:
    """Z -> X, Z -> Y, X -> Y with P(z=1), P(x=1 | z) and P(y=1 | z, x)."""
    table = np.zeros((2, 2, 2))
    for z, x, y in itertools.product((0, 1), repeat=3):
        p_x = px[z] if x else 1 - px[z]
        p_y = py[2 * z + x] if y else 1 - py[2 * z + x]
        table[z, x, y] = (pz if z else 1 - pz) * p_x * p_y
    return JointDistribution.from_table(["Z", "X", "Y"], table)


@settings(max_examples=40, deadline=None)
@given(prob, st.tuples(prob, prob), st.tuples(prob, prob, prob, prob))
def test_the_threshold_models_pn_lies_in_the_bounds(pz: float, px: tuple[float, float],
                                                    py: tuple[float, ...]) -> None:
    g = CausalGraph.from_edges("Z -> X; Z -> Y; X -> Y")
    j = _confounded_joint(pz, px, py)
    pn = formal_value(g, j, "necessity", "X", "Y")
    bounds = necessity_bounds(g, j, "X", "Y")
    assert pn is not None and bounds is not None
    assert bounds.contains(pn + 0.5, tol=1e-9)


def test_no_bounds_without_an_estimand() -> None:
    g = CausalGraph(directed=[("U", "X"), ("U", "Y"), ("X", "Y")], nodes=["X", "Y", "U"],
                    latent=["U"])
    j = JointDistribution.from_table(["X", "Y"], np.array([[0.4, 0.1], [0.15, 0.35]]))
    assert necessity_bounds(g, j, "X", "Y") is None
