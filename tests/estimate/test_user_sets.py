"""A user's adjustment set, mediators or instruments are held to the identification criteria
(:mod:`rung.identify.validate`); an invalid one is refused with the open path."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rung import datasets
from rung.estimate import (
    AIPW,
    IPW,
    FrontDoor,
    InvalidSetError,
    NotIdentifiedError,
    RegressionAdjustment,
    TwoStageLeastSquares,
    estimate_effect,
)
from rung.graph import CausalGraph
from rung.identify import is_valid_adjustment_set
from rung.identify.validate import InvalidSetError as CheckError
from rung.identify.validate import check_adjustment_set, find_open_path

BACKDOOR = "Z -> X -> Y; Z -> Y"


def _data(graph: CausalGraph, n: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cols = {}
    for v in graph.topological_order():
        pa = sorted(graph.projected().parents(v))
        cols[v] = sum((cols[p] for p in pa), rng.normal(size=n))
    return pd.DataFrame(cols)


@pytest.mark.parametrize("cls", [RegressionAdjustment, IPW, AIPW])
def test_empty_set_on_a_confounder_names_the_path(cls) -> None:
    cs = datasets.linear_backdoor(n=500)
    with pytest.raises(InvalidSetError, match=r"adjustment set \{\} is not valid: "
                       r"X <- Z -> Y is open; valid minimal sets: \{Z\}") as info:
        cls(adjustment_set=set()).fit(cs.data, cs.graph, "X", "Y")
    assert str(info.value.path) == "X <- Z -> Y"


@pytest.mark.parametrize("edges,user,needle", [
    ("X -> Y; X <-> Y", set(), "X <-> Y is open"),                       # the bow
    ("X -> Y; X <-> Y; Z -> X", {"Z"}, "X <-> Y is open"),
    ("Z -> X -> M -> Y; Z -> Y", {"Z", "M"}, "M is a mediator"),          # mediator
    ("Z -> X -> Y; Z -> Y; X -> C; Y -> C", {"Z", "C"}, "C is a descendant"),  # collider
    ("X -> Y; X -> C; U -> C; U -> Y; U [latent]", {"C"}, "X -> C <-> Y is open"),
    ("X -> Y; Z -> X; Z -> Y; Z [latent]", {"Z"}, "declared latent"),     # latent column
])
def test_invalid_sets_are_refused(edges, user, needle) -> None:
    g = CausalGraph.from_edges(edges)
    df = _data(g.projected()).assign(**{u: 0.0 for u in g.latent})
    with pytest.raises(InvalidSetError, match=needle):
        estimate_effect(g, df, "X", "Y", "regression", adjustment_set=user)


def test_frontdoor_with_a_direct_edge_and_an_iv_that_is_a_confounder() -> None:
    g = CausalGraph.from_edges("X -> M -> Y; X -> Y; X <-> Y")
    with pytest.raises(InvalidSetError, match="the directed path X -> Y does not pass"):
        FrontDoor(mediators={"M"}).fit(_data(g), g, "X", "Y")
    g = CausalGraph.from_edges("Z -> X -> Y; Z -> Y")
    with pytest.raises(InvalidSetError, match="Z -> Y is open"):
        TwoStageLeastSquares(instruments={"Z"}).fit(_data(g), g, "X", "Y")


def test_valid_user_sets_are_used_and_labelled() -> None:
    cs = datasets.linear_backdoor(n=2000)
    res = estimate_effect(cs.graph, cs.data, "X", "Y", "regression", adjustment_set={"Z"})
    assert res.identified and res.details["adjustment_set"] == ["Z"]
    assert "checked" in res.details["adjustment_set_source"]
    assert abs(res.ate - 2.0) < 0.2


def test_frontdoor_on_a_bow_is_unanswerable_not_bad_input() -> None:
    g = CausalGraph.from_edges("X -> Y; X <-> Y; M")
    with pytest.raises(NotIdentifiedError) as info:
        estimate_effect(g, _data(g), "X", "Y", "frontdoor")
    # no advice to use a method that would also refuse
    for m in ("'regression'", "'plugin'", "'generative'", "'frontdoor'", "'iv'"):
        assert m not in str(info.value)


# ---------------------------------------------------------------- an independent reference
def _explicit_dag(g: CausalGraph) -> nx.DiGraph:
    d = nx.DiGraph()
    d.add_nodes_from(g.nodes)
    d.add_edges_from(g.directed_edges)
    for a, b in g.bidirected_edges:
        u = f"U[{a},{b}]"
        d.add_edges_from([(u, a), (u, b)])
    return d


def _reference_valid(g: CausalGraph, x: str, y: str, z: set[str]) -> bool:
    """Generalised adjustment criterion (Perković et al. 2018, def. 3.4) with networkx."""
    d = _explicit_dag(g)
    no_in_x = d.copy()
    no_in_x.remove_edges_from(list(d.in_edges(x)))
    no_out_x = d.copy()
    no_out_x.remove_edges_from(list(d.out_edges(x)))
    an_y = nx.ancestors(no_out_x, y) | {y}
    cn = {v for v in nx.descendants(no_in_x, x) if v in an_y}
    forb = {x} | set().union(*(nx.descendants(d, c) | {c} for c in cn))
    if z & forb:
        return False
    pbd = d.copy()
    pbd.remove_edges_from([(x, c) for c in cn if d.has_edge(x, c)])
    return nx.is_d_separator(pbd, {x}, {y}, z)


@st.composite
def _problems(draw):
    n = draw(st.integers(3, 6))
    names = [f"V{i}" for i in range(n)]
    pairs = list(itertools.combinations(range(n), 2))
    directed = [(names[i], names[j]) for i, j in pairs if draw(st.booleans())]
    bidirected = [(names[i], names[j]) for i, j in pairs if draw(st.integers(0, 5)) == 0]
    g = CausalGraph(directed=directed, bidirected=bidirected, nodes=names)
    i, j = draw(st.lists(st.sampled_from(range(n)), min_size=2, max_size=2, unique=True))
    x, y = names[min(i, j)], names[max(i, j)]
    rest = [v for v in names if v not in (x, y)]
    z = set(draw(st.lists(st.sampled_from(rest), unique=True))) if rest else set()
    return g, x, y, z


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_problems())
def test_check_agrees_with_an_independent_criterion(problem) -> None:
    g, x, y, z = problem
    valid = _reference_valid(g, x, y, z)
    assert is_valid_adjustment_set(g, x, y, z) == valid
    if valid:
        assert check_adjustment_set(g, x, y, z) == frozenset(z)
        return
    with pytest.raises(CheckError) as info:
        check_adjustment_set(g, x, y, z)
    for alt in info.value.alternatives:
        assert _reference_valid(g, x, y, set(alt))
    path = info.value.path
    if path is not None:  # the named path really is open in the proper back-door graph
        assert path.nodes[0] == x and path.nodes[-1] == y
        assert len(set(path.nodes)) == len(path.nodes)
        _assert_open(g, path.nodes, path.edges, z)


def _assert_open(g: CausalGraph, nodes, edges, z) -> None:
    an_z = set().union(*(g.ancestors(v) for v in z)) if z else set()
    for k, (a, e, b) in enumerate(zip(nodes, edges, nodes[1:], strict=False)):
        if e == "->":
            assert (a, b) in g.directed_edges
        elif e == "<-":
            assert (b, a) in g.directed_edges
        else:
            assert tuple(sorted((a, b))) in g.bidirected_edges
        if k == 0:
            continue
        head_in = edges[k - 1] in ("->", "<->")
        head_out = e in ("<-", "<->")
        if head_in and head_out:
            assert a in an_z
        else:
            assert a not in z


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_problems())
def test_no_estimate_is_labelled_identified_with_an_invalid_set(problem) -> None:
    g, x, y, z = problem
    try:
        res = estimate_effect(g, _data(g, n=120), x, y, "regression", adjustment_set=z)
    except (InvalidSetError, NotIdentifiedError):
        assert not _reference_valid(g, x, y, z)
        return
    assert res.identified and _reference_valid(g, x, y, z)


@settings(max_examples=60, deadline=None)
@given(_problems())
def test_find_open_path_is_open_exactly_when_m_connected(problem) -> None:
    g, x, y, z = problem
    path = find_open_path(g, x, y, z)
    separated = nx.is_d_separator(_explicit_dag(g), {x}, {y}, z)
    assert (path is None) == separated
    if path is not None:
        _assert_open(g, path.nodes, path.edges, z)


def _cut_out(d: nx.DiGraph, nodes: set[str]) -> nx.DiGraph:
    out = d.copy()
    out.remove_edges_from([e for e in d.edges if e[0] in nodes])
    return out


def _reference_frontdoor(g: CausalGraph, x: str, y: str, m: set[str]) -> bool:
    """Pearl's definition 3.3.3, with networkx on the explicit-latent DAG."""
    d = _explicit_dag(g)
    if not m:
        return False
    no_m = d.subgraph(set(d.nodes) - m)
    if nx.has_path(no_m, x, y):
        return False
    if not nx.is_d_separator(_cut_out(d, {x}), {x}, m, set()):
        return False
    return nx.is_d_separator(_cut_out(d, m), m, {y}, {x})


def _reference_instrument(g: CausalGraph, x: str, y: str, z: str, w: set[str]) -> bool:
    """Conditional IV (Pearl 2009, §7.4.5), with networkx on the explicit-latent DAG."""
    d = _explicit_dag(g)
    if z in w or w & (nx.descendants(d, x) | {x}):
        return False
    if not nx.is_d_separator(_cut_out(d, {x}), {z}, {y}, w):
        return False
    return not nx.is_d_separator(d, {z}, {x}, w)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_problems())
def test_frontdoor_and_instrument_checks_agree_with_references(problem) -> None:
    from rung.identify.validate import check_frontdoor_set, check_instruments

    g, x, y, s = problem
    fd_ok = _reference_frontdoor(g, x, y, s)
    try:
        check_frontdoor_set(g, x, y, s)
        assert fd_ok
    except CheckError as exc:
        assert not fd_ok and exc.reason
    if not s:
        return
    z, w = sorted(s)[0], set(sorted(s)[1:])
    iv_ok = _reference_instrument(g, x, y, z, w)
    try:
        check_instruments(g, x, y, {z}, w)
        assert iv_ok
    except CheckError as exc:
        assert not iv_ok and exc.reason
