"""Testing a graph's implied independencies on data: calibration, power, effect sizes."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import rung.discover.local_tests as lt
from rung.data import DataError
from rung.graph import CausalGraph, is_d_separated

# Six nodes, two paths A -> D, a tail D -> E and a side child C -> F.
GRAPH = CausalGraph.from_edges("A -> B -> D; A -> C -> D; D -> E; C -> F")


def _linear(g: CausalGraph, n: int, seed: int) -> pd.DataFrame:
    """A linear-Gaussian SEM on ``g`` with coefficients of size 0.5-1.0 and random signs."""
    rng = np.random.default_rng(seed)
    cols: dict[str, np.ndarray] = {}
    for v in g.topological_order():
        coef = [rng.uniform(0.5, 1.0) * rng.choice([-1, 1]) for _ in g.parents(v)]
        mean = sum((c * cols[p] for c, p in zip(coef, sorted(g.parents(v)), strict=True)),
                   np.zeros(n))
        cols[v] = mean + rng.normal(size=n)
    return pd.DataFrame(cols)


def _binary(g: CausalGraph, n: int, seed: int) -> pd.DataFrame:
    """Binary variables: P(v = 1 | parents) = logistic(-1 + 2 * (number of parents = 1))."""
    rng = np.random.default_rng(seed)
    cols: dict[str, np.ndarray] = {}
    for v in g.topological_order():
        score = -1.0 + 2.0 * sum((cols[p] for p in g.parents(v)), np.zeros(n))
        cols[v] = (rng.random(n) < 1 / (1 + np.exp(-score))).astype(int)
    return pd.DataFrame(cols)


def _without(g: CausalGraph, edge: tuple[str, str]) -> CausalGraph:
    return CausalGraph(directed=[e for e in g.directed_edges if e != edge], nodes=g.nodes)


def test_holm_matches_its_definition() -> None:
    rng = np.random.default_rng(0)
    for _ in range(50):
        p = rng.uniform(size=rng.integers(1, 12)) ** 3
        adj = lt.holm_adjust(list(p))
        order = np.argsort(p)
        m = len(p)
        ref = np.maximum.accumulate(np.minimum(1, (m - np.arange(m)) * p[order]))
        assert np.allclose(np.asarray(adj)[order], ref)
    sm = pytest.importorskip("statsmodels.stats.multitest")
    p = rng.uniform(size=9) ** 2
    assert np.allclose(lt.holm_adjust(list(p)), sm.multipletests(p, method="holm")[1])


def test_true_graph_passes_at_the_stated_level_over_many_samples() -> None:
    """Holm keeps the family-wise error at alpha: over 40 samples from the graph itself, the
    number with any flagged implication is at most what Binomial(40, 0.05) gives with
    probability 0.999 (7)."""
    alpha, failures = 0.05, 0
    for seed in range(40):
        res = lt.test_implications(GRAPH, _linear(GRAPH, 500, seed), alpha=alpha)
        assert len(res.tests) == 9 and all(t.test == "fisherz" for t in res.tests)
        failures += res.verdict == "violated"
    assert failures <= int(stats.binom.ppf(0.999, 40, alpha))


@pytest.mark.parametrize("edge", [("A", "C"), ("C", "D"), ("D", "E"), ("C", "F")])
def test_a_removed_edge_is_flagged(edge: tuple[str, str]) -> None:
    """Data from GRAPH, tested against GRAPH without one edge: every implication of the
    smaller graph that GRAPH does not imply is violated; the others hold."""
    data = _linear(GRAPH, 2000, seed=1)
    res = lt.test_implications(_without(GRAPH, edge), data, alpha=0.05)
    broken = {t.implication for t in res.tests
              if not is_d_separated(GRAPH, t.x, t.y, set(t.given))}
    flagged = {t.implication for t in res.violated}
    assert broken and flagged == broken
    assert res.verdict == "violated" and "violated by the data" in res.summary()
    a, b = edge
    assert any({t.x, t.y} == {a, b} for t in res.violated)  # the missing edge itself


def test_discrete_data_use_g2_and_cramers_v() -> None:
    failures = 0
    for seed in range(15):
        res = lt.test_implications(GRAPH, _binary(GRAPH, 1500, seed), alpha=0.05)
        assert {t.test for t in res.tests} == {"gsq"}
        assert all(t.effect_name == "cramers_v" and 0 <= t.effect <= 1 for t in res.tests)
        failures += res.verdict == "violated"
    assert failures <= int(stats.binom.ppf(0.999, 15, 0.05))
    res = lt.test_implications(_without(GRAPH, ("A", "C")), _binary(GRAPH, 3000, 99))
    assert "A ⊥ C" in {t.implication for t in res.violated}


def test_cramers_v_against_scipy_g2() -> None:
    data = _binary(GRAPH, 800, 5)
    res = lt.test_implications(_without(GRAPH, ("A", "C")), data)
    t = next(t for t in res.tests if t.implication == "A ⊥ C")
    table = pd.crosstab(data["A"], data["C"]).to_numpy()
    g2, p, *_ = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
    assert t.effect == pytest.approx(math.sqrt(g2 / len(data)))
    assert t.p_value == pytest.approx(p, rel=1e-6, abs=1e-12)


def test_partial_correlation_against_the_precision_matrix() -> None:
    data = _linear(GRAPH, 700, 3)
    res = lt.test_implications(GRAPH, data)
    for t in res.tests:
        cov = np.cov(data[[t.x, t.y, *t.given]].to_numpy().T)
        prec = np.linalg.inv(np.atleast_2d(cov))
        r = -prec[0, 1] / math.sqrt(prec[0, 0] * prec[1, 1])
        assert t.effect == pytest.approx(r, abs=1e-9)
        z = math.atanh(r) * math.sqrt(len(data) - len(t.given) - 3)
        assert t.p_value == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-6)
        assert t.ci_low is not None and t.ci_high is not None
        assert t.ci_low < t.effect < t.ci_high


def test_mixed_columns_use_kci() -> None:
    rng = np.random.default_rng(4)
    n = 300
    a = rng.integers(0, 3, n)
    b = a + rng.normal(size=n)
    c = b + rng.normal(size=n)
    data = pd.DataFrame({"A": a, "B": b, "C": c})
    res = lt.test_implications(CausalGraph.from_edges("A -> B -> C"), data)
    assert [(t.implication, t.test) for t in res.tests] == [("A ⊥ C | B", "kci")]
    assert res.verdict == "consistent"
    wrong = lt.test_implications(CausalGraph.from_edges("A -> B; C"), data)
    tests = {frozenset((t.x, t.y)): t for t in wrong.tests}
    assert all(t.rejected for t in wrong.tests) and len(tests) == 2
    assert tests[frozenset("AC")].test == "kci"  # discrete A, continuous C
    assert tests[frozenset("BC")].test == "fisherz"  # both continuous


def test_json_round_trip_is_strict_json_and_frame_has_the_table() -> None:
    res = lt.test_implications(_without(GRAPH, ("D", "E")), _linear(GRAPH, 300, 2))
    text = json.dumps(res.to_json(), allow_nan=False)
    back = lt.ImplicationTests.from_json(json.loads(text))
    assert back == res
    frame = res.to_frame()
    assert list(frame.columns) == ["implication", "test", "n", "effect", "effect_name",
                                   "ci_low", "ci_high", "p_value", "p_adjusted", "verdict"]
    assert len(frame) == len(res.tests)
    assert set(frame["verdict"]) <= {"consistent", "violated"}


def test_nothing_to_test_on_a_complete_graph() -> None:
    res = lt.test_implications(CausalGraph.from_edges("A -> B -> C; A -> C"),
                               _linear(GRAPH, 50, 0).rename(columns={"D": "X"}))
    assert res.tests == () and res.verdict == "nothing to test"


def test_latent_nodes_need_no_column() -> None:
    g = CausalGraph.from_edges("U [latent]; U -> A; U -> B; B -> C")
    data = _linear(CausalGraph.from_edges("U -> A; U -> B; B -> C"), 400, 0).drop(columns="U")
    res = lt.test_implications(g, data)
    assert [t.implication for t in res.tests] == ["A ⊥ C | B"]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (pd.DataFrame({"A": [1.0, 2.0, 3.0]}), "['B', 'C'] are missing from the data"),
        (pd.DataFrame({"A": [1.0, 2, 3, 4, 5, 6], "B": [1.0] * 6, "C": [0.0, 1, 0, 1, 0, 1]}),
         "column 'B' is constant"),
        (pd.DataFrame({"A": [1, 2, 3], "B": [1, "x", 2], "C": [0, 1, 0]}), "'B'"),
    ],
)
def test_bad_data_names_the_column(data: pd.DataFrame, fragment: str) -> None:
    with pytest.raises(DataError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        lt.test_implications(CausalGraph.from_edges("A -> B -> C"), data)


def test_bad_alpha_and_too_few_rows() -> None:
    g = CausalGraph.from_edges("A -> B -> C")
    with pytest.raises(ValueError, match=r"alpha=1\.5"):
        lt.test_implications(g, _linear(g, 50, 0), alpha=1.5)
    with pytest.raises(ValueError, match="has 4 rows"):
        lt.test_implications(g, _linear(g, 4, 0))
