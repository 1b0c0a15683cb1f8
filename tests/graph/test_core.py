"""CausalGraph queries, projection, c-components, mutilation; doctests of rung.graph."""

from __future__ import annotations

import doctest
import importlib
import random

import networkx as nx
import pytest
from hypothesis import given, settings

import rung.graph
from rung.graph import (
    CausalGraph,
    GraphError,
    SelfLoopError,
    UnknownNodeError,
    c_components,
    latent_projection,
    to_explicit_latents,
)
from tests.graph.graph_strategies import causal_graphs, random_dag

MODULES = [
    "core", "components", "separation", "parse_edges", "parse_dagitty", "parse_dot", "io",
    "metrics", "layout", "draw",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(f"rung.graph.{name}")
    result = doctest.testmod(module, extraglobs={"CausalGraph": CausalGraph})
    assert result.failed == 0


def test_every_export_exists() -> None:
    for name in rung.graph.__all__:
        assert getattr(rung.graph, name) is not None


def test_c_components_of_canonical_graphs(napkin: CausalGraph, frontdoor_explicit: CausalGraph,
                                          verma: CausalGraph) -> None:
    assert [sorted(c) for c in c_components(napkin)] == [["X", "Y", "Z2"], ["Z1"]]
    assert [sorted(c) for c in frontdoor_explicit.c_components()] == [["X", "Y"], ["M"]]
    assert [sorted(c) for c in verma.c_components()] == [["V1"], ["V2", "V4"], ["V3"]]


def test_mutilations(frontdoor: CausalGraph) -> None:
    g = frontdoor.do("X")
    assert g.bidirected_edges == () and g.directed_edges == (("X", "M"), ("M", "Y"))
    h = frontdoor.remove_outgoing("X")
    assert h.directed_edges == (("M", "Y"),) and h.bidirected_edges == (("X", "Y"),)
    assert frontdoor.subgraph({"X", "Y"}).directed_edges == ()
    assert frontdoor.parents("Y") == {"M"} and frontdoor.spouses("Y") == {"X"}


def test_errors_name_the_values(chain: CausalGraph) -> None:
    with pytest.raises(UnknownNodeError, match=r"\['A', 'B'\]"):
        chain.ancestors({"A", "B"})
    with pytest.raises(SelfLoopError, match="Q <-> Q"):
        CausalGraph(bidirected=[("Q", "Q")])


@settings(max_examples=150, deadline=None)
@given(g=causal_graphs(attributes=False))
def test_explicit_latents_project_back(g: CausalGraph) -> None:
    assert latent_projection(to_explicit_latents(g)) == g.projected()


@settings(max_examples=150, deadline=None)
@given(g=causal_graphs(attributes=False))
def test_queries_agree_with_networkx(g: CausalGraph) -> None:
    G = nx.DiGraph()
    G.add_nodes_from(g.all_nodes)
    G.add_edges_from(g.directed_edges)
    for n in g.all_nodes:
        assert g.ancestors(n) == nx.ancestors(G, n) | {n}
        assert g.descendants(n, include_self=False) == nx.descendants(G, n)
    order = g.topological_order(observed_only=False)
    assert all(order.index(a) < order.index(b) for a, b in g.directed_edges)
    p = g.projected()
    H = nx.Graph()
    H.add_nodes_from(p.nodes)
    H.add_edges_from(p.bidirected_edges)
    assert sorted(map(sorted, p.c_components())) == sorted(
        map(sorted, nx.connected_components(H))
    )


def test_large_graph_queries_stay_linear() -> None:
    rng = random.Random(7)
    g = random_dag(rng, 500, 0.01, 40)
    p = g.projected()
    assert len(p.nodes) == 460
    comps = p.c_components()
    assert sum(len(c) for c in comps) == 460
    assert len(g.ancestors(g.topological_order()[-1])) >= 1


def test_graph_and_edge_attributes_are_kept_and_checked() -> None:
    g = CausalGraph(directed=[("X", "Y")], bidirected=[("Y", "X")],
                    graph_attributes={"bb": "0,0,1,1"},
                    edge_attributes={("X", "->", "Y"): {"pos": "0.5,0.5"},
                                     ("Y", "<->", "X"): {"pos": "0.2,0.8"}})
    assert dict(g.graph_attributes) == {"bb": "0,0,1,1"}
    assert dict(g.edge_attributes[("X", "<->", "Y")]) == {"pos": "0.2,0.8"}  # sorted ends
    assert ("X", "->", "Y") not in g.remove_outgoing("X").edge_attributes
    assert g.with_attributes("X", adjusted="").adjusted == ("X",)
    with pytest.raises(GraphError, match="Y -> X, which is not an edge"):
        CausalGraph(directed=[("X", "Y")], edge_attributes={("Y", "->", "X"): {"pos": "1"}})
