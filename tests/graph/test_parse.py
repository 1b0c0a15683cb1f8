"""dagitty, DOT and edge-string reading/writing; format detection; files; networkx."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings

from rung.graph import (
    CausalGraph,
    CycleError,
    GraphError,
    GraphSyntaxError,
    SelfLoopError,
    detect_format,
    from_networkx,
    parse_dagitty,
    parse_dot,
    parse_graph,
    read_graph,
    to_dagitty,
    to_dot,
    to_networkx,
    write_graph,
)
from tests.graph.graph_strategies import causal_graphs


def _same(a: CausalGraph, b: CausalGraph, *, edge_order: bool = True) -> None:
    """Equal structure, node order, latents and attributes (a lossless round trip)."""
    assert a == b
    assert a.all_nodes == b.all_nodes
    if edge_order:
        assert a.directed_edges == b.directed_edges
        assert a.bidirected_edges == b.bidirected_edges
    assert {k: dict(v) for k, v in a.attributes.items()} == {
        k: dict(v) for k, v in b.attributes.items()
    }


@settings(max_examples=300, deadline=None)
@given(g=causal_graphs())
def test_dagitty_round_trip_is_lossless(g: CausalGraph) -> None:
    text = to_dagitty(g)
    _same(parse_dagitty(text), g)
    _same(parse_graph(text), g)


@settings(max_examples=300, deadline=None)
@given(g=causal_graphs())
def test_dot_round_trip_is_lossless(g: CausalGraph) -> None:
    text = to_dot(g)
    _same(parse_dot(text), g)
    _same(parse_graph(text), g)


@settings(max_examples=150, deadline=None)
@given(g=causal_graphs())
def test_networkx_round_trip_is_lossless(g: CausalGraph) -> None:
    _same(from_networkx(to_networkx(g)), g, edge_order=False)  # networkx orders edges by node


@settings(max_examples=150, deadline=None)
@given(g=causal_graphs(attributes=False))
def test_edge_string_round_trip(g: CausalGraph) -> None:
    assert CausalGraph.from_edges(g.to_edge_string()) == g


def test_dagitty_full_example() -> None:
    g = parse_dagitty(
        """
        dag {
          // the front-door graph
          X [exposure, pos="0,1"]
          Y [outcome,pos="2,1"]
          U [latent]
          U -> X ; U -> Y
          X -> M -> Y  # a chain
          /* a block
             comment */
          "p44/42" <- M
          W <-> X
        }
        """
    )
    assert g.nodes == ("X", "Y", "M", "p44/42", "W")
    assert g.latent == {"U"}
    assert dict(g.attributes["X"]) == {"exposure": "", "pos": "0,1"}
    assert g.exposures == ("X",) and g.outcomes == ("Y",)
    assert ("M", "p44/42") in g.directed_edges
    assert g.bidirected_edges == (("W", "X"),)
    assert set(g.projected().bidirected_edges) == {("W", "X"), ("X", "Y")}


def test_dagitty_edge_attributes_are_skipped_and_pdag_accepted() -> None:
    g = parse_dagitty('pdag { A -> B [pos="1,2"] B -> C }')
    assert g.directed_edges == (("A", "B"), ("B", "C"))


@pytest.mark.parametrize(
    ("text", "line", "col", "fragment"),
    [
        ("dag { X -- Y }", 1, 9, "undirected edge '--'"),
        ("dag {\n  X -> Y\n  Y -> \n}", 4, 1, "expected a node name after '->'"),
        ("dag {\n X [pos=]\n}", 2, 9, "expected an attribute value"),
        ("pag { X -> Y }", 1, 1, "graph type 'pag' is not supported"),
        ("dag { X -> Y", 1, 13, "expected a node name or '}'"),
        ('dag { "X -> Y }', 1, 7, "unclosed string"),
        ("dag { X -> Y } extra", 1, 16, "end of the text"),
        ("dag { X ! Y }", 1, 9, "unexpected '! Y }'"),
    ],
)
def test_dagitty_syntax_errors_have_line_and_column(
    text: str, line: int, col: int, fragment: str
) -> None:
    with pytest.raises(GraphSyntaxError) as err:
        parse_dagitty(text)
    assert (err.value.line, err.value.column) == (line, col)
    assert fragment in str(err.value)
    assert str(err.value).startswith(f"line {line}, column {col}:")


def test_dot_conventions() -> None:
    g = parse_dot(
        """strict digraph "causal model" {
          rankdir=LR; node [shape=box];
          U[label="Unobserved Confounders" observed="no"]; U->y; U->v0;
          L [latent=true, style=dashed];
          a -> {b c} -> d [color=red];
          subgraph cluster_1 { edge [dir=both]; b -> c }
          d:n -> "p44/42":s;
          e -> a [dir=back];
          L -> a;
        }"""
    )
    assert g.latent == {"U", "L"}
    assert ("a", "e") in g.directed_edges  # dir=back reverses
    assert g.bidirected_edges == (("b", "c"),)
    assert {("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("d", "p44/42")} <= set(
        g.directed_edges
    )
    assert dict(g.attributes["L"]) == {"shape": "box"}  # a latent's style=dashed is implied
    assert g.attributes["U"]["label"] == "Unobserved Confounders"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("graph { a -- b }", "an undirected 'graph' is not a causal graph"),
        ("digraph { a -- b }", "undirected edge '--'"),
        ("digraph { a -> b [dir=none] }", "dir=none"),
        ("digraph {\n a [x] }", "expected '=' after attribute 'x'"),
        ("digraph { a -> }", "expected a node id"),
    ],
)
def test_dot_errors(text: str, fragment: str) -> None:
    with pytest.raises(GraphSyntaxError, match=fragment.replace("(", r"\(")) as err:
        parse_dot(text)
    assert err.value.line >= 1 and err.value.column >= 1


@pytest.mark.parametrize("parse", [parse_dagitty, parse_dot, CausalGraph.from_edges])
def test_cycle_is_named(parse: object) -> None:
    texts = {
        parse_dagitty: "dag { A -> B -> C -> A }",
        parse_dot: "digraph { A -> B -> C -> A }",
        CausalGraph.from_edges: "A -> B -> C -> A",
    }
    with pytest.raises(CycleError, match="A -> B -> C -> A") as err:
        parse(texts[parse])  # type: ignore[operator]
    assert err.value.cycle == ["A", "B", "C"]


def test_self_loops_rejected() -> None:
    with pytest.raises(SelfLoopError, match="X -> X"):
        parse_dagitty("dag { X -> X }")
    with pytest.raises(SelfLoopError, match="X <-> X"):
        parse_dot("digraph { X -> X [dir=both] }")


def test_detect_format() -> None:
    assert detect_format("// c\n dag { X }") == "dagitty"
    assert detect_format("{ X -> Y }") == "dagitty"
    assert detect_format("/* c */ strict digraph { X }") == "dot"
    assert detect_format("dagger -> X") == "edges"
    assert parse_graph("{ X -> Y }") == CausalGraph.from_edges("X -> Y")


def test_read_and_write_files(tmp_path: Path, napkin: CausalGraph) -> None:
    for suffix in (".dot", ".gv", ".dagitty", ".txt"):
        path = write_graph(napkin, tmp_path / f"napkin{suffix}")
        assert read_graph(path) == napkin
        assert read_graph(str(path)) == napkin
    with pytest.raises(GraphError, match="not found"):
        read_graph(str(tmp_path / "missing.dot"))
    with pytest.raises(GraphError, match="suffix"):
        write_graph(napkin, tmp_path / "napkin.pdf")


def test_from_networkx_conventions() -> None:
    G = nx.DiGraph([("X", "M"), ("M", "Y")])
    G.add_edge("X", "Y", bidirected=True)
    G.add_node("U", latent=True)
    G.add_edge("U", "M")
    g = from_networkx(G)
    assert g.bidirected_edges == (("X", "Y"),) and ("X", "Y") not in g.directed_edges
    assert g.latent == {"U"}
    with pytest.raises(GraphError, match="Graph"):
        from_networkx(nx.Graph([("a", "b")]))
    with pytest.raises(CycleError):
        from_networkx(nx.DiGraph([("a", "b"), ("b", "a")]))
