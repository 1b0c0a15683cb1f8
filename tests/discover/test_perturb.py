"""Iterated local search (rung.discover.perturb): kicks keep DAGs acyclic, the search never
loses score, and on a sampled network it escapes the plain climb's local optimum."""

from __future__ import annotations

import random

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.discover.perturb import iterated_local_search, kick

NODES = "ABCDEFG"


@st.composite
def dags(draw: st.DrawFn) -> frozenset[tuple[str, str]]:
    """A random DAG on NODES: edges only from an earlier to a later node of a permutation."""
    order = draw(st.permutations(NODES))
    pairs = [(order[i], order[j]) for i in range(len(order)) for j in range(i + 1, len(order))]
    keep = draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    return frozenset(p for p, k in zip(pairs, keep, strict=True) if k)


def _acyclic(edges: frozenset[tuple[str, str]]) -> bool:
    g = nx.DiGraph(list(edges))
    return nx.is_directed_acyclic_graph(g)


@settings(max_examples=60, deadline=None)
@given(dags(), st.integers(0, 10_000), st.floats(0.05, 1.0),
       st.sets(st.sampled_from(NODES), max_size=2))
def test_kick_keeps_a_dag_on_the_same_pairs(edges: frozenset[tuple[str, str]], seed: int,
                                            fraction: float, focus: set[str]) -> None:
    out = kick(edges, random.Random(seed), fraction, frozenset(focus))
    assert _acyclic(out)
    assert {frozenset(e) for e in out} <= {frozenset(e) for e in edges}
    assert out == kick(edges, random.Random(seed), fraction, frozenset(focus))


def test_kick_moves_at_least_one_edge() -> None:
    edges = frozenset({("A", "B"), ("B", "C"), ("C", "D")})
    assert kick(edges, random.Random(1), 0.01) != edges


def test_a_local_kick_leaves_far_edges_alone() -> None:
    edges = frozenset({("A", "B"), ("D", "E"), ("E", "F")})
    for seed in range(20):
        out = kick(edges, random.Random(seed), 1.0, frozenset({"A"}))
        assert {("D", "E"), ("E", "F")} <= out and ("A", "B") not in out


@settings(max_examples=40, deadline=None)
@given(dags(), st.integers(0, 1000))
def test_the_search_never_loses_score(start: frozenset[tuple[str, str]], seed: int) -> None:
    def score(e: frozenset[tuple[str, str]]) -> float:  # prefers edges out of early letters
        return float(sum(ord(b) - ord(a) for a, b in e))

    best = iterated_local_search(start, lambda g: g, score, rounds=5, seed=seed)
    assert score(best) >= score(start)


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="fraction=0"):
        kick(frozenset({("A", "B")}), random.Random(0), 0.0)
    with pytest.raises(ValueError, match="rounds=-1"):
        iterated_local_search(frozenset(), lambda g: g, lambda g: 0.0, rounds=-1)


@pytest.mark.slow
def test_prior_search_escapes_the_first_local_optimum_on_sachs() -> None:
    """sachs, n = 1,000, seed 2: the plain climb stops 21.8 nats below what the kicks reach."""
    from rung.bench.fusion import choose_query, sample_network
    from rung.discover.prior_search import prior_search

    data = sample_network("sachs", 1000, 2)
    focus = [choose_query("sachs").treatment]
    plain = prior_search(data, weight=0.0, focus=focus, restarts=0)
    kicked = prior_search(data, weight=0.0, focus=focus)
    assert kicked.score > plain.score + 10.0
    assert kicked.dag == prior_search(data, weight=0.0, focus=focus).dag
