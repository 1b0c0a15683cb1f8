"""Score-based search with a calibrated belief prior (pgmpy's HillClimbSearch + BDeu/BIC)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from rung.discover.prior_search import EdgeBelief, PriorSearchResult, as_beliefs, prior_search
from rung.graph import structural_hamming_distance


def _asia(n: int, seed: int) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy.sampling import BayesianModelSampling
        from pgmpy.utils import get_example_model

        m = get_example_model("asia")
        raw = BayesianModelSampling(m).forward_sample(size=n, seed=seed, show_progress=False)
    codes = {v: raw[v].map({s: i for i, s in enumerate(m.get_cpds(v).state_names[v])})
             for v in sorted(raw.columns)}
    return pd.DataFrame(codes).astype(int), [(str(a), str(b)) for a, b in m.edges()]


def _edges(cls: object) -> list[tuple[str, str]]:
    d, u = cls.directed, cls.undirected  # type: ignore[attr-defined]
    return [*d, *u, *((b, a) for a, b in u)]


def _right_beliefs(nodes: list[str], truth: list[tuple[str, str]], p: float
                   ) -> dict[tuple[str, str], tuple[float, float, float]]:
    """Every pair answered right, believed with probability p (the rest split evenly)."""
    out = {}
    for i, a in enumerate(nodes):
        for b in nodes[i + 1:]:
            right = 0 if (a, b) in truth else 1 if (b, a) in truth else 2
            probs = [(1 - p) / 2] * 3
            probs[right] = p
            out[(a, b)] = (probs[0], probs[1], probs[2])
    return out


def test_right_beliefs_bring_the_graph_closer_and_weight_zero_is_data_only() -> None:
    data, truth = _asia(1000, 0)
    nodes = list(data.columns)
    alone = prior_search(data)
    beliefs = _right_beliefs(nodes, truth, 0.9)
    ignored = prior_search(data, beliefs, weight=0.0)
    assert ignored.cpdag == alone.cpdag and ignored.prior_score == 0.0
    fused = prior_search(data, beliefs)
    shd_alone = structural_hamming_distance(_edges(alone.cpdag), truth, nodes=nodes)
    shd_fused = structural_hamming_distance(_edges(fused.mpdag), truth, nodes=nodes)
    assert shd_fused < shd_alone
    assert fused.strength.pairs == len(beliefs) and fused.strength.bic_parameters > 0


@pytest.mark.parametrize("seed", [0, 1])
def test_a_second_start_never_ends_below_the_data_optimum_under_the_prior(seed: int) -> None:
    data, truth = _asia(1000, seed)
    nodes = list(data.columns)
    alone = prior_search(data)
    beliefs = _right_beliefs(nodes, truth, 0.4)  # weak beliefs, right answer most likely
    bel = as_beliefs(beliefs, nodes)
    # the data optimum's total under the prior: its BIC/BDeu plus the prior's log-odds
    at_start = alone.score + sum(bel[frozenset(e)].log_odds(*e) for e in alone.dag)
    fused = prior_search(data, beliefs, start=alone.dag)
    assert fused.score >= at_start - 1e-6
    with pytest.raises(ValueError, match="'nope'"):
        prior_search(data, beliefs, start=[("nope", nodes[0])])


def _collider(n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=n), rng.normal(size=n)
    return pd.DataFrame({"A": a, "B": b, "C": a + b + rng.normal(size=n)})


def test_a_confident_belief_never_overrides_a_compelled_direction() -> None:
    res = prior_search(_collider(), {("A", "C"): (0.02, 0.96, 0.02)})
    double = prior_search(_collider(), {("A", "C"): (0.02, 0.96, 0.02)}, weight=2.0)
    assert double.strength.mean_abs_nats == pytest.approx(2 * res.strength.mean_abs_nats)
    assert res.data_score == "bic-g"
    assert ("A", "C") in res.cpdag.directed and ("A", "C") in res.mpdag.directed
    assert any("the data compel A -> C" in d for d in res.disagreements)


def test_beliefs_orient_an_edge_the_data_leave_open() -> None:
    rng = np.random.default_rng(1)
    a = rng.normal(size=2000)
    df = pd.DataFrame({"A": a, "B": a + rng.normal(size=2000)})
    assert prior_search(df).mpdag.undirected == (("A", "B"),)
    weak = prior_search(df, {("A", "B"): (0.5, 0.4, 0.1)})  # P(A->B | edge) = 0.56 < 0.9
    assert weak.mpdag.undirected == (("A", "B"),) and weak.oriented == ()
    strong = prior_search(df, {("B", "A"): (0.9, 0.05, 0.05)})
    assert strong.mpdag.directed == (("B", "A"),) and strong.oriented == (("B", "A"),)


def test_json_round_trip_and_bad_input() -> None:
    res = prior_search(_collider(500), {("A", "B"): (0.1, 0.1, 0.8)})
    assert PriorSearchResult.from_json(res.to_json()) == res
    with pytest.raises(ValueError, match="'Q', which is not a column"):
        prior_search(_collider(100), {("A", "Q"): (0.5, 0.2, 0.3)})
    with pytest.raises(ValueError, match="three non-negative numbers"):
        EdgeBelief("A", "B", -0.1, 0.5, 0.6)
    with pytest.raises(ValueError, match="two beliefs about the pair"):
        as_beliefs({("A", "B"): (0.3, 0.3, 0.4), ("B", "A"): (0.3, 0.3, 0.4)}, "AB")


def _pgmpy_bdeu_total(data: pd.DataFrame, edges: object) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy.estimators import BDeu
        from pgmpy.models import DiscreteBayesianNetwork

        model = DiscreteBayesianNetwork()
        model.add_nodes_from(data.columns)
        model.add_edges_from(edges)  # type: ignore[arg-type]
        return float(BDeu(data, equivalent_sample_size=10).score(model))


@pytest.mark.parametrize("seed", [0, 4])
def test_focused_search_scores_at_least_the_plain_climb_and_its_window_is_honest(
        seed: int) -> None:
    data, _ = _asia(1000, seed)
    plain = prior_search(data)
    focused = prior_search(data, focus=["lung"], window=8.0)
    best = _pgmpy_bdeu_total(data, focused.dag)  # pgmpy's own BDeu: the reference
    assert best == pytest.approx(focused.score, abs=1e-6)
    assert best >= _pgmpy_bdeu_total(data, plain.dag) - 1e-6
    for g in focused.plausible:
        assert "lung" in g.denied and g.denied not in g.dag
        assert -1e-9 <= g.margin <= 8.0  # an equal-score graph: margin 0 up to rounding
        assert best - _pgmpy_bdeu_total(data, g.dag) == pytest.approx(g.margin, abs=1e-6)
    assert PriorSearchResult.from_json(focused.to_json()) == focused
    with pytest.raises(ValueError, match="focus names \\['nope'\\]"):
        prior_search(data, focus=["nope"])


def test_one_belief_type_for_the_prior_and_the_copilot() -> None:
    raw = (0.5, 0.3, 0.2)
    bel = EdgeBelief("A", "B", 0.6, 0.3, 0.1, raw=raw, calibrated=(0.6, 0.3),
                     calibration="platt", note="")
    back = bel.reverse()
    assert (back.source, back.target, back.p_raw, back.p_reverse) == ("B", "A", 0.3, 0.5)
    assert back.p_calibrated == 0.3 and back.oriented("A", "B") == pytest.approx(2 / 3)
    assert back.reverse() == bel and EdgeBelief.from_json(bel.to_json()) == bel
    old = {"source": "A", "target": "B", "p_raw": 0.5, "p_calibrated": None,
           "p_reverse": 0.3, "p_none": 0.2, "decided": False, "calibration": "", "note": "x"}
    read = EdgeBelief.from_json(old)
    assert read.p_calibrated is None and read.p_ab == pytest.approx(0.5) and not read.decided
    assert list(bel.to_frame().columns)[:3] == ["source", "target", "p_raw"]


def test_vuong_keeps_a_graph_the_data_cannot_tell_apart() -> None:
    from rung.discover.window import PlausibleGraph, focused_search

    score = {frozenset({("A", "B")}): -1.0, frozenset({("B", "A")}): -11.0}
    stay = lambda s, forbidden: s  # noqa: E731 - a search that stays where it starts
    start = frozenset({("A", "B")})

    def total(e: frozenset[tuple[str, str]]) -> float:
        return score.get(e, -99.0)

    _, fixed = focused_search(start, ["A"], stay, total)  # 10 nats: outside log 20
    _, noisy = focused_search(start, ["A"], stay, total, spread=lambda a, b: 6.0)
    _, clear = focused_search(start, ["A"], stay, total, spread=lambda a, b: 4.0)
    assert fixed == [] and clear == []  # 10 > 1.96 * 4
    assert [(d, m) for d, _, m in noisy] == [(("A", "B"), 10.0)]  # 10 <= 1.96 * 6
    from rung.identify.equivalence_class import EquivalenceClass
    g = PlausibleGraph(("A", "B"), (("B", "A"),), EquivalenceClass(("A", "B")), 10.0, 6.0)
    assert PlausibleGraph.from_json(g.to_json()) == g and g.z == pytest.approx(10 / 6)


@pytest.mark.parametrize("seed", [1])
def test_prior_search_window_with_vuong_is_a_superset_of_occams(seed: int) -> None:
    data, _ = _asia(1000, seed)
    occam = prior_search(data, focus=["lung"], vuong_z=None)
    vuong = prior_search(data, focus=["lung"])
    assert vuong.dag == occam.dag
    assert {g.denied for g in occam.plausible} <= {g.denied for g in vuong.plausible}
    for g in vuong.plausible:
        assert g.spread > 0 and (g.margin <= np.log(20) or g.margin <= 1.96 * g.spread)
    # the spread is sqrt(n) x the SD of per-row log-likelihood differences (Vuong 1989)
    from rung.discover.bdeu import BDeuCounts

    if vuong.plausible:
        g = vuong.plausible[0]
        bd = BDeuCounts(data, 10.0)
        diff = np.zeros(len(data))
        for v in data.columns:
            pa_best = sorted(a for a, b in vuong.dag if b == v)
            pa_alt = sorted(a for a, b in g.dag if b == v)
            if pa_best != pa_alt:
                diff += bd.row_log_likelihood(v, pa_best) - bd.row_log_likelihood(v, pa_alt)
        assert g.spread == pytest.approx(np.std(diff, ddof=1) * np.sqrt(len(data)))
