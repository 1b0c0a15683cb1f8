"""ID / IDC: verdicts on named graphs, estimands verified numerically, hedges well formed."""

from __future__ import annotations

import numpy as np
import pytest

from rung.graph import CausalGraph
from rung.identify import Hedge, identify, verify
from tests.identify.conftest import Case, random_admg, random_query


def _check_hedge(g: CausalGraph, h: Hedge, x: frozenset[str], y: frozenset[str]) -> None:
    """F' ⊂ F, each a single district of its induced subgraph, F meets x and F' does not,
    and F' lies in the ancestors of y once edges into x are cut."""
    assert h.F_prime < h.F
    assert h.F & x and not h.F_prime & x
    for part in (h.F, h.F_prime):
        assert len(g.subgraph(part).c_components()) == 1
    assert h.F_prime <= g.do(x).ancestors(y)


def test_named_case(case: Case) -> None:
    g = case.graph
    res = identify(g, case.treatment, case.outcome, case.given)
    assert res.identifiable is case.identifiable
    assert res.method == case.method
    if res.identifiable:
        assert res.hedge is None
        assert res.estimand is not None
        assert res.estimand.free_variables() <= case.treatment | case.outcome | case.given
        for states in (2, 3):
            assert verify(g, res, trials=4, seed=1, states=states).max_abs_error < 1e-9
    else:
        assert res.estimand is None
        assert res.hedge is not None
        _check_hedge(g, res.hedge, case.treatment, case.outcome)


def test_frontdoor_estimand_text() -> None:
    res = identify(CausalGraph.from_edges("X -> M -> Y; X <-> Y"), "X", "Y")
    assert res.estimand is not None
    assert res.estimand.to_text() == "Σ_M P(M|X) Σ_X' P(Y|M,X') P(X')"


def test_napkin_is_not_the_conditional() -> None:
    """The napkin estimand differs from P(Y|X) (what y0 0.2.11 returns) in random SCMs."""
    from rung.identify.expr import P
    from rung.identify.joint import evaluate_array
    from rung.identify.verify import RandomSCM

    g = CausalGraph.from_edges("W1 -> W2 -> X -> Y; W1 <-> X; W1 <-> Y")
    res = identify(g, "X", "Y")
    assert verify(g, res, trials=5).max_abs_error < 1e-9
    scm = RandomSCM(g, 5, 2, np.random.default_rng(0))
    truth = scm.interventional(frozenset({"X"}), frozenset({"Y"}))
    naive = evaluate_array(P("Y", given="X"), scm.observational(), scm.nodes)
    assert np.max(np.abs(naive - truth)) > 1e-3


def test_random_admgs_verified() -> None:
    """≥1,000 random small ADMGs: every estimand matches the truth to 1e-9; every
    non-identifiable verdict carries a well-formed hedge."""
    rng = np.random.default_rng(2024)
    verified = hedges = 0
    for k in range(1200):
        g = random_admg(rng, int(rng.integers(3, 7)))
        x, y, z = random_query(rng, g)
        res = identify(g, x, y, z)
        if res.identifiable:
            rep = verify(g, res, trials=2, seed=k, states=2 + k % 2)
            assert rep.max_abs_error < 1e-9, (g, x, y, z, res.estimand)
            verified += 1
        elif not z:
            assert res.hedge is not None
            _check_hedge(g, res.hedge, frozenset(x), frozenset(y))
            hedges += 1
    assert verified >= 700 and hedges >= 100


def test_multiple_treatments_and_outcomes_independent_check() -> None:
    g = CausalGraph.from_edges("X1 -> M -> Y1; X2 -> Y2; M -> Y2; X1 <-> Y2")
    res = identify(g, {"X1", "X2"}, {"Y1", "Y2"})
    assert res.identifiable
    assert verify(g, res, trials=3).max_abs_error < 1e-9


@pytest.mark.parametrize("n", [30, 60])
def test_large_graph_fast_path_runs(n: int) -> None:
    rng = np.random.default_rng(n)
    g = random_admg(rng, n, p_directed=3 / n, p_bidirected=1 / n)
    res = identify(g, "V0", f"V{n - 1}")
    assert res.identifiable in (True, False)
    if res.identifiable:
        assert res.estimand is not None
        assert res.estimand.free_variables() <= {"V0", f"V{n - 1}"}
