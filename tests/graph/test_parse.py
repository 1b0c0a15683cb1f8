"""dagitty, DOT and edge-string reading/writing; format detection; files; networkx."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings

from rung.graph import (
    CausalGraph,
    CycleError,
    GraphError,
    GraphSyntaxError,
    InvalidNameError,
    SelfLoopError,
    detect_format,
    from_any,
    from_networkx,
    from_pgmpy,
    parse_dagitty,
    parse_dot,
    parse_gml,
    parse_graph,
    read_graph,
    to_dagitty,
    to_dot,
    to_gml,
    to_networkx,
    write_graph,
)
from tests.graph.graph_strategies import causal_graphs


def _same(
    a: CausalGraph, b: CausalGraph, *, edge_order: bool = True, extras: bool = True
) -> None:
    """Equal structure, node order, latents and attributes (a lossless round trip); with
    ``extras`` also the graph and edge attributes."""
    assert a == b
    assert a.all_nodes == b.all_nodes
    if edge_order:
        assert a.directed_edges == b.directed_edges
        assert a.bidirected_edges == b.bidirected_edges
    assert {k: dict(v) for k, v in a.attributes.items()} == {
        k: dict(v) for k, v in b.attributes.items()
    }
    if extras:
        assert dict(a.graph_attributes) == dict(b.graph_attributes)
        assert {k: dict(v) for k, v in a.edge_attributes.items()} == {
            k: dict(v) for k, v in b.edge_attributes.items()
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
        ("dag { X -- Y }", 1, 9, "undirected edge '--' makes this a partially directed"),
        ("dag { X @-> Y }", 1, 9, "PAG"),
        ("dag { {a {b}} -> c }", 1, 10, "groups '{...}' cannot be nested"),
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
          subgraph cluster_1 { label="c1"; edge [dir=both]; b -> c }
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
    assert dict(g.graph_attributes) == {"rankdir": "LR"}  # the subgraph's own are not kept
    assert dict(g.edge_attributes[("c", "->", "d")]) == {"color": "red"}
    assert ("b", "<->", "c") not in g.edge_attributes  # dir=both is the structure


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


# dagitty.net's "Model code" panel, as it exports a drawn graph: bb first, every node with
# its attributes and position, edges with curve points; plus groups, <-> and comments.
DAGITTY_NET = """dag {
bb="-3.716,-3.396,3.981,3.422"
age [adjusted,pos="-1.542,-2.290"]
smoking [adjusted,pos="0.304,-2.355"]
"blood pressure" [exposure,pos="-2.341,0.586"]
stroke [outcome,pos="2.116,0.631"]
genes [latent,pos="2.201,-2.414"]
hospital [selected,pos="0.037,2.470"]
salt [pos="-2.904,-1.300"]
age -> "blood pressure" [pos="-2.205,-0.999"]
age -> stroke
smoking -> {"blood pressure" stroke}
genes -> {smoking stroke}
salt -> "blood pressure"
{"blood pressure" stroke} -> hospital
salt <-> smoking
"blood pressure" -> stroke
}
"""


def test_dagitty_net_export_round_trips_with_every_attribute() -> None:
    g = parse_dagitty(DAGITTY_NET)
    assert g.graph_attributes == {"bb": "-3.716,-3.396,3.981,3.422"}
    assert g.exposures == ("blood pressure",) and g.outcomes == ("stroke",)
    assert g.adjusted == ("age", "smoking") and g.selected == ("hospital",)
    assert g.latent == {"genes"}
    assert g.attributes["stroke"]["pos"] == "2.116,0.631"
    assert dict(g.edge_attributes[("age", "->", "blood pressure")]) == {"pos": "-2.205,-0.999"}
    assert {("smoking", "blood pressure"), ("smoking", "stroke"), ("genes", "smoking"),
            ("blood pressure", "hospital"), ("stroke", "hospital")} <= set(g.directed_edges)
    assert g.bidirected_edges == (("salt", "smoking"),)
    text = to_dagitty(g)
    assert text.splitlines()[1] == 'bb="-3.716,-3.396,3.981,3.422"'
    assert 'age -> "blood pressure" [pos="-2.205,-0.999"]' in text
    _same(parse_dagitty(text), g)
    _same(parse_graph(text), g)
    _same(read_graph(DAGITTY_NET), g)
    assert to_dagitty(parse_dagitty(text)) == text


def test_dagitty_groups_both_sides() -> None:
    g = parse_dagitty("dag { {a b} -> {c d} <- e; {x y} }")
    assert set(g.directed_edges) == {("a", "c"), ("a", "d"), ("b", "c"), ("b", "d"),
                                     ("e", "c"), ("e", "d")}
    assert {"x", "y"} <= set(g.nodes)


def test_adjusted_survives_do_and_projection() -> None:
    g = parse_dagitty(DAGITTY_NET)
    assert g.projected().adjusted == ("age", "smoking")
    assert g.do("stroke").graph_attributes == g.graph_attributes
    assert ("age", "->", "blood pressure") not in g.do("blood pressure").edge_attributes


@settings(max_examples=150, deadline=None)
@given(g=causal_graphs())
def test_gml_round_trip_is_lossless(g: CausalGraph) -> None:
    text = to_gml(g)
    assert detect_format(text) == "gml"
    _same(parse_gml(text), g, edge_order=False)
    _same(parse_graph(text), g, edge_order=False)


def test_gml_as_dowhy_and_networkx_write_it(tmp_path: Path) -> None:
    dowhy_style = """graph [directed 1
      node [id "X" label "X"] node [id "Y" label "Y"] node [id "W" label "W"]
      node [id "U" label "U" observed "no"]
      edge [source "W" target "X"] edge [source "W" target "Y"] edge [source "X" target "Y"]
      edge [source "U" target "X"] edge [source "U" target "Y"]]"""
    g = parse_graph(dowhy_style)
    assert g.latent == {"U"} and ("X", "Y") in g.projected().bidirected_edges
    no_labels = "graph [ directed 1 node [ id 0 ] node [ id 1 ] edge [ source 0 target 1 ] ]"
    assert parse_graph(no_labels).directed_edges == (("0", "1"),)
    path = write_graph(g, tmp_path / "g.gml")
    _same(read_graph(path), g, edge_order=False)
    assert from_networkx(nx.parse_gml(to_gml(g))) == g


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("graph [ node [ id 0 label \"a\" ] ]", "undirected"),
        ("graph [ directed 1 multigraph 1 node [ id 0 label \"a\" ] node [ id 1 label \"b\" ] "
         "edge [ source 0 target 1 ] edge [ source 0 target 1 ] ]", "multigraph"),
        ("graph [ directed 1 node [ id 0 label \"a\" ] ", "GML: expected ']'"),
    ],
)
def test_gml_errors_name_the_problem(text: str, fragment: str) -> None:
    with pytest.raises(GraphError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        parse_graph(text)


def test_from_any_detects_every_form(tmp_path: Path) -> None:
    g = CausalGraph.from_edges("W -> X -> Y; W -> Y; U [latent]; U -> X; U -> Y")
    path = write_graph(g, tmp_path / "g.dagitty")
    forms: list[object] = [g, to_dagitty(g), to_dot(g), to_gml(g), g.to_edge_string(),
                           str(path), path, to_dot(g).encode(), to_networkx(g)]
    for form in forms:
        assert from_any(form) == g, type(form)
        assert CausalGraph.from_any(form) == g
    with pytest.raises(GraphError, match="networkx DiGraph; a pgmpy DAG"):
        from_any(42)
    with pytest.raises(GraphError, match="undirected"):
        from_any(nx.Graph([("a", "b")]))


def test_from_pgmpy_dag_and_bayesian_network() -> None:
    models = pytest.importorskip("pgmpy.base")
    dag = models.DAG([("Z", "X"), ("X", "Y"), ("Z", "Y"), ("U", "X"), ("U", "Y")],
                     latents={"U"})
    g = from_any(dag)
    assert g == from_pgmpy(dag)
    assert g.latent == {"U"} and set(g.directed_edges) == set(dag.edges())
    assert g.projected().bidirected_edges == (("X", "Y"),)
    try:
        from pgmpy.models import DiscreteBayesianNetwork as BN
    except ImportError:  # older pgmpy
        from pgmpy.models import BayesianNetwork as BN
    bn = BN([("A", "B"), ("B", "C")])
    assert from_any(bn) == CausalGraph.from_edges("A -> B -> C")


def test_dowhy_graph_forms() -> None:
    """DoWhy takes a networkx DiGraph, a GML string or a DOT string: all read the same."""
    dot = 'digraph { U [label="Unobserved Confounders" observed="no"]; U -> X; U -> Y; X -> Y }'
    G = nx.DiGraph([("U", "X"), ("U", "Y"), ("X", "Y")])
    G.nodes["U"]["observed"] = "no"
    gml = "\n".join(nx.generate_gml(G))
    graphs = [from_any(dot), from_any(G), from_any(gml)]
    assert graphs[0] == graphs[1] == graphs[2]
    assert graphs[0].latent == {"U"}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("digraph {" + "{" * 3000 + "a" + "}" * 3000 + "}", "nested more than 100 levels"),
        ("digraph {" + "subgraph {" * 3000 + "a" + "}" * 3000 + "}", "nested more than 100"),
        ("dag {" + "{" * 3000 + "a" + "}" * 3000 + "}", "cannot be nested"),
        ("{" * 3000 + "a" + "}" * 3000, "cannot be nested"),
    ],
)
def test_deep_nesting_is_an_error_not_a_recursion_error(text: str, fragment: str) -> None:
    with pytest.raises(GraphSyntaxError, match=fragment):
        parse_graph(text)


def test_moderate_nesting_still_parses() -> None:
    text = "digraph {" + "subgraph {" * 90 + "a -> b" + "}" * 90 + "}"
    assert parse_graph(text).directed_edges == (("a", "b"),)


@pytest.mark.parametrize(
    ("text", "char"),
    [
        ('dag { "a\x00b" -> Y }', "U+0000 NULL"),
        ('dag { "a\u200bb" -> Y }', "U+200B ZERO WIDTH SPACE"),
        ('"a\ufeffb" -> Y', "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ('digraph { "x\x07" -> Y }', "U+0007"),
        ('"\u202eevil" -> Y', "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ('dag { "" -> Y }', "is empty"),
    ],
)
def test_invisible_and_control_characters_in_names_are_refused(text: str, char: str) -> None:
    with pytest.raises(InvalidNameError, match=re.escape(char)):
        parse_graph(text)
    with pytest.raises(InvalidNameError):
        CausalGraph(directed=[("a\u200b", "b")])


def test_leading_bom_of_a_file_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "g.dagitty"
    path.write_text("\ufeffdag { X -> Y }", encoding="utf-8")
    assert read_graph(path) == CausalGraph.from_edges("X -> Y")
    assert parse_graph("\ufeffX -> Y").nodes == ("X", "Y")


@pytest.mark.parametrize("text", ["X -> }", "X -> {a b}", "} -> X"])
def test_unquoted_brace_is_not_a_node_name(text: str) -> None:
    with pytest.raises(GraphSyntaxError, match="braces are not part of an edge string"):
        CausalGraph.from_edges(text)


@pytest.mark.parametrize("name", ["a;b", "two\nlines", "}", 'q"x', "tab\there", "b\\n"])
def test_edge_string_quotes_separators(name: str) -> None:
    g = CausalGraph(directed=[(name, "Y")], nodes=["W"])
    text = g.to_edge_string()
    assert "\n" not in text
    back = CausalGraph.from_edges(text)
    assert back == g and set(back.all_nodes) == set(g.all_nodes)
