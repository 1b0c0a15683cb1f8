"""d-/m-separation against networkx and against brute force; implied independencies."""

from __future__ import annotations

import random
from itertools import chain, combinations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.graph import (
    CausalGraph,
    GraphError,
    UnknownNodeError,
    implied_independencies,
    is_d_separated,
    is_m_separated,
    parse_independence,
    to_explicit_latents,
    to_networkx,
)
from rung.graph.separation import (
    count_candidate_pairs,
    find_minimal_separator,
    iter_implied_independencies,
)
from tests.graph.graph_strategies import causal_graphs, random_dag


def _dag(g: CausalGraph) -> nx.DiGraph:
    """The explicit-latent DAG as a plain networkx DiGraph (directed edges only)."""
    G = nx.DiGraph()
    G.add_nodes_from(g.all_nodes)
    G.add_edges_from(g.directed_edges)
    return G


def _query(rng: random.Random, nodes: list[str]) -> tuple[set[str], set[str], set[str]]:
    pool = nodes[:]
    rng.shuffle(pool)
    k = rng.randint(1, min(2, len(pool) - 1))
    x, rest = set(pool[:k]), pool[k:]
    j = rng.randint(1, min(2, len(rest)))
    y, rest = set(rest[:j]), rest[j:]
    z = {n for n in rest if rng.random() < 0.4}
    return x, y, z


def test_d_separation_agrees_with_networkx_on_600_random_dags() -> None:
    rng = random.Random(20240531)
    checked = disagreements = separated = 0
    for _ in range(600):
        n = rng.randint(3, 12)
        g = random_dag(rng, n, rng.choice([0.15, 0.3, 0.5]), rng.randint(0, 2))
        G = _dag(g)
        for _ in range(5):
            x, y, z = _query(rng, list(g.all_nodes))
            ours = is_d_separated(g, x, y, z)
            separated += ours
            disagreements += ours != nx.is_d_separator(G, x, y, z)
            checked += 1
    assert checked == 3000
    assert disagreements == 0
    assert 300 < separated < 2700  # the queries exercise both answers


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 9), n_latent=st.integers(0, 3))
def test_m_separation_on_projection_equals_d_separation_on_explicit_dag(
    seed: int, n: int, n_latent: int
) -> None:
    rng = random.Random(seed)
    g = random_dag(rng, n, 0.4, min(n_latent, n - 2))
    admg = g.projected()
    assert not admg.latent
    G = _dag(g)
    for _ in range(4):
        x, y, z = _query(rng, list(admg.nodes))
        assert is_m_separated(admg, x, y, z) == nx.is_d_separator(G, x, y, z)
        assert is_m_separated(g, x, y, z) == nx.is_d_separator(G, x, y, z)


@settings(max_examples=200, deadline=None)
@given(g=causal_graphs(attributes=False), seed=st.integers(0, 1000))
def test_m_separation_of_admg_equals_d_separation_with_latents_made_explicit(
    g: CausalGraph, seed: int
) -> None:
    explicit = to_explicit_latents(g)
    G = _dag(explicit)
    obs = list(g.nodes)
    if len(obs) < 2:
        return
    x, y, z = _query(random.Random(seed), obs)
    assert is_m_separated(g, x, y, z) == nx.is_d_separator(G, x, y, z)
    assert is_m_separated(g.projected(), x, y, z) == nx.is_d_separator(G, x, y, z)


def _subsets(items: list[str]) -> chain[tuple[str, ...]]:
    return chain.from_iterable(combinations(items, r) for r in range(len(items) + 1))


@settings(max_examples=150, deadline=None)
@given(g=causal_graphs(max_nodes=6, attributes=False))
def test_implied_independencies_match_brute_force(g: CausalGraph) -> None:
    p = g.projected()
    listed = {frozenset((a, b)): z for a, b, z in implied_independencies(g)}
    for a, b in combinations(p.nodes, 2):
        others = [n for n in p.nodes if n not in (a, b)]
        separable = any(is_m_separated(p, a, b, set(z)) for z in _subsets(others))
        assert (frozenset((a, b)) in listed) == separable, (a, b)
        if separable:
            assert is_m_separated(p, a, b, listed[frozenset((a, b))])


def test_canonical_facts(chain: CausalGraph, fork: CausalGraph, collider: CausalGraph) -> None:
    assert is_d_separated(chain, "X", "Y", "M") and not is_d_separated(chain, "X", "Y")
    assert is_d_separated(fork, "X", "Y", "Z") and not is_d_separated(fork, "X", "Y")
    assert is_d_separated(collider, "X", "Y") and not is_d_separated(collider, "X", "Y", "C")


def test_collider_opened_by_a_descendant() -> None:
    g = CausalGraph.from_edges("X -> C <- Y; C -> D")
    assert is_d_separated(g, "X", "Y") and not is_d_separated(g, "X", "Y", "D")


def test_frontdoor_and_napkin(frontdoor: CausalGraph, napkin: CausalGraph) -> None:
    assert not is_m_separated(frontdoor, "X", "Y", "M")  # X <-> Y
    assert is_m_separated(frontdoor.remove_outgoing("X").do("M"), "X", "M")
    assert implied_independencies(napkin) == []  # only a Verma constraint
    assert implied_independencies(frontdoor) == []


def test_verma_implies_one_independence(verma: CausalGraph) -> None:
    assert implied_independencies(verma) == [("V1", "V3", frozenset({"V2"}))]


def test_node_or_set_accepted(chain: CausalGraph) -> None:
    assert is_d_separated(chain, {"X"}, ["Y"], ("M",)) == is_d_separated(chain, "X", "Y", "M")


def test_errors(chain: CausalGraph) -> None:
    with pytest.raises(UnknownNodeError, match=r"\['Q'\]"):
        is_d_separated(chain, "X", "Q")
    with pytest.raises(GraphError, match=r"\['M'\].*more than one"):
        is_d_separated(chain, "M", "Y", "M")
    with pytest.raises(GraphError, match="_\\|\\|_"):
        parse_independence("X independent of Y")


def test_parse_independence_forms() -> None:
    x, y, z = parse_independence("A ⊥ B | C, D")
    assert (x, y, z) == ({"A"}, {"B"}, {"C", "D"})
    assert parse_independence("A _||_ B")[2] == frozenset()


def test_networkx_view_keeps_separation(frontdoor_explicit: CausalGraph) -> None:
    G = to_networkx(frontdoor_explicit)
    assert G.nodes["U"]["latent"] is True
    assert nx.is_d_separator(G, {"X"}, {"Y"}, {"M", "U"})
    assert is_d_separated(frontdoor_explicit, "X", "Y", {"M", "U"})


def _is_minimal(p: CausalGraph, a: str, b: str, z: frozenset[str]) -> bool:
    """Brute force: z separates and no proper subset of z does (separation is not monotone
    in z, so every subset is tried)."""
    if not is_m_separated(p, a, b, z):
        return False
    return not any(is_m_separated(p, a, b, set(sub)) for sub in _subsets(sorted(z))
                   if len(sub) < len(z))


@settings(max_examples=150, deadline=None)
@given(g=causal_graphs(max_nodes=6, attributes=False))
def test_implied_independencies_are_minimal_separators(g: CausalGraph) -> None:
    p = g.projected()
    listed = implied_independencies(g)
    assert len(listed) <= count_candidate_pairs(g)
    assert listed == list(iter_implied_independencies(g))
    for a, b, z in listed:
        assert _is_minimal(p, a, b, z), (a, b, z)


def test_minimal_separators_agree_with_networkx_on_random_dags() -> None:
    rng = random.Random(7)
    for _ in range(120):
        g = random_dag(rng, rng.randint(3, 12), rng.uniform(0.1, 0.6), 0)
        G = _dag(g)
        listed = {frozenset((a, b)): z for a, b, z in implied_independencies(g)}
        for a, b in combinations(g.nodes, 2):
            adjacent = G.has_edge(a, b) or G.has_edge(b, a)
            assert (frozenset((a, b)) in listed) is not adjacent
            if adjacent:
                continue
            z = listed[frozenset((a, b))]
            assert nx.is_minimal_d_separator(G, {a}, {b}, set(z))
            ref = nx.find_minimal_d_separator(G, {a}, {b})
            assert ref is not None and nx.is_minimal_d_separator(G, {a}, {b}, ref)
            if not ref:  # networkx finds the empty set exactly when it separates
                assert z == frozenset()
            assert find_minimal_separator(g, a, b) == frozenset(ref)


def test_minimal_separator_with_latents_agrees_with_networkx_restricted() -> None:
    rng = random.Random(3)
    for _ in range(80):
        g = random_dag(rng, rng.randint(4, 10), rng.uniform(0.2, 0.5), rng.randint(1, 2))
        G = _dag(g)
        obs = set(g.nodes)
        for a, b in combinations(g.nodes, 2):
            ref = nx.find_minimal_d_separator(G, {a}, {b}, restricted=obs - {a, b})
            mine = find_minimal_separator(g, a, b)
            assert (mine is None) == (ref is None)
            if mine is not None:
                assert nx.is_minimal_d_separator(G, {a}, {b}, set(mine),
                                                 restricted=obs - {a, b})


def test_minimal_sets_not_the_parents_when_the_empty_set_separates() -> None:
    """The issue's case: Z2 and Z5 are marginally independent, so Z2 ⊥ Z5 is listed, not
    Z2 ⊥ Z5 | Z4 (the old answer: the smallest parent set that separated)."""
    g = CausalGraph.from_edges("Z1 -> Z2 -> Y; Z4 -> Z5 -> Y")
    listed = {frozenset((a, b)): z for a, b, z in implied_independencies(g)}
    assert listed[frozenset(("Z2", "Z5"))] == frozenset()
    assert listed[frozenset(("Z1", "Y"))] == frozenset({"Z2"})


def test_find_minimal_separator_include_and_restrict() -> None:
    g = CausalGraph.from_edges("A -> B -> C; A -> D -> C; E -> B")
    assert find_minimal_separator(g, "A", "C") == frozenset({"B", "D"})
    assert find_minimal_separator(g, "E", "C", include="A") == frozenset({"A", "B"})
    assert find_minimal_separator(g, "E", "C") in ({"A", "B"}, {"B", "D"})
    assert find_minimal_separator(g, "A", "C", restrict={"B"}) is None
    with pytest.raises(GraphError, match="observed"):
        find_minimal_separator(CausalGraph.from_edges("U [latent]; U -> X"), "U", "X")


def test_dense_graph_basis_is_complete_and_minimal_on_a_sample() -> None:
    rng = random.Random(11)
    g = random_dag(rng, 40, 0.5, 0)
    G = _dag(g)
    listed = implied_independencies(g)
    assert len(listed) == count_candidate_pairs(g)
    for a, b, z in rng.sample(listed, 40):
        assert nx.is_minimal_d_separator(G, {a}, {b}, set(z))


def test_basis_agrees_with_pgmpy() -> None:
    """pgmpy's d-connection test confirms every statement; where pgmpy's own minimal
    separator is empty, ours is too; and ours is never larger than the parents."""
    base = pytest.importorskip("pgmpy.base")
    rng = random.Random(5)
    for _ in range(40):
        g = random_dag(rng, rng.randint(3, 9), rng.uniform(0.15, 0.5), 0)
        dag = base.DAG(g.directed_edges)
        dag.add_nodes_from(g.nodes)
        for a, b, z in implied_independencies(g):
            assert not dag.is_dconnected(a, b, observed=sorted(z))
            if not dag.minimal_dseparator(a, b):
                assert z == frozenset()
            assert z <= g.parents(b)  # the local Markov basis, cut down
