"""Read and write dagitty's graph syntax, including dagitty.net's own export.

::

    dag {
    bb="0,0,1,1"
    X [exposure,pos="0.2,0.5"]
    Y [outcome,pos="0.8,0.5"]
    Z [adjusted,pos="0.5,0.2"]
    U [latent,pos="0.5,0.8"]
    Z -> {X Y}
    X -> Y [pos="0.5,0.45"]
    U -> {X Y}
    }

A graph is ``dag { ... }`` (``pdag { ... }`` is accepted when it holds only ``->``, ``<-``
and ``<->`` edges). Statements are separated by newlines, ``;`` or simply by the next name.
A statement is

* a graph attribute ``key=value`` (dagitty.net writes its bounding box ``bb="x0,y0,x1,y1"``),
  kept in :attr:`CausalGraph.graph_attributes`;
* a node with an optional attribute list (``[exposure]``, ``[outcome]``, ``[adjusted]``,
  ``[latent]``, ``[selected]``, ``[pos="x,y"]``, ...), kept in
  :attr:`CausalGraph.attributes` (``latent`` becomes :attr:`CausalGraph.latent`);
* a chain of nodes or groups ``{a b}`` joined by ``->``, ``<-`` or ``<->``
  (``z -> {x y}`` and ``{a b} -> c`` stand for every edge between the two sides); an
  attribute list after an edge (dagitty.net's curve point ``[pos="x,y"]``) is kept in
  :attr:`CausalGraph.edge_attributes`.

Names are identifiers (letters, digits, ``_``, ``.``) or double-quoted strings. Comments
(``//``, ``#``, ``/* */``) are skipped. A ``--`` edge makes the graph partially directed (a
CPDAG); :class:`CausalGraph` holds DAGs and ADMGs only, so ``--`` is refused with a message
that says so, and so are the ``mag``/``pag`` types and the PAG edge marks ``@-@``, ``@->``.
"""

from __future__ import annotations

import re

from rung.graph._lexer import Token, TokenStream, tokenize, unquote
from rung.graph.core import CausalGraph, EdgeAttrKey
from rung.graph.errors import GraphSyntaxError

__all__ = ["parse_dagitty", "to_dagitty"]

_GRAMMAR = re.compile(
    r'(?P<arrow><->|->|<-|--|@-@|@->|<-@|-@|@-)|(?P<quoted>"(?:[^"\\]|\\.)*")'
    r"|(?P<name>[A-Za-z0-9_.]+)|(?P<punct>[\[\]{}=,;])"
)
_WHAT = "a node name, an arrow (->, <-, <->), '[', ']', '{', '}', '=' or ','"
_ID = re.compile(r"[A-Za-z0-9_.]+")
_ARROWS = {"->", "<-", "<->"}
_ACCEPTED_TYPES = {"dag", "pdag"}
_OTHER_TYPES = {"mag", "pag", "graph"}
_UNDIRECTED = (
    "undirected edge '--' makes this a partially directed graph (a CPDAG), and a "
    "CausalGraph is a DAG or an ADMG; orient the edge ('->' or '<-'), write '<->' for a "
    "hidden common cause, or analyse the CPDAG as a rung.identify EquivalenceClass"
)


class _Builder:
    """Collects nodes, edges and attributes while parsing."""

    def __init__(self) -> None:
        self.nodes: list[str] = []
        self.directed: list[tuple[str, str]] = []
        self.bidirected: list[tuple[str, str]] = []
        self.latent: list[str] = []
        self.attrs: dict[str, dict[str, str]] = {}
        self.graph_attrs: dict[str, str] = {}
        self.edge_attrs: dict[EdgeAttrKey, dict[str, str]] = {}

    def add_node(self, name: str, attrs: dict[str, str]) -> None:
        self.nodes.append(name)
        if "latent" in attrs:
            self.latent.append(name)
        rest = {k: v for k, v in attrs.items() if k != "latent"}
        if rest:
            self.attrs.setdefault(name, {}).update(rest)

    def add_edge(self, a: str, arrow: str, b: str) -> EdgeAttrKey:
        if arrow == "->":
            self.directed.append((a, b))
            return (a, "->", b)
        if arrow == "<-":
            self.directed.append((b, a))
            return (b, "->", a)
        self.bidirected.append((a, b))
        return (min(a, b), "<->", max(a, b))

    def build(self) -> CausalGraph:
        return CausalGraph(
            directed=self.directed,
            bidirected=self.bidirected,
            nodes=self.nodes,
            latent=self.latent,
            attributes=self.attrs,
            graph_attributes=self.graph_attrs,
            edge_attributes=self.edge_attrs,
        )


def _name(tok: Token) -> str:
    return unquote(tok.text) if tok.kind == "quoted" else tok.text


def _attributes(ts: TokenStream) -> dict[str, str]:
    """``[key, key=value, key="value"]`` after its opening ``[`` was consumed."""
    out: dict[str, str] = {}
    while not ts.accept("]"):
        if ts.accept(","):
            continue
        key = ts.expect("an attribute name or ']'", "name", "quoted")
        value = ""
        if ts.accept("="):
            value = _name(ts.expect("an attribute value after '='", "name", "quoted"))
        out[_name(key)] = value
    return out


def _arrow(ts: TokenStream) -> str | None:
    tok = ts.peek()
    if tok is None or tok.kind != "arrow":
        return None
    if tok.text not in _ARROWS:
        if tok.text == "--":
            raise GraphSyntaxError(_UNDIRECTED, tok.line, tok.col)
        raise GraphSyntaxError(
            f"edge mark {tok.text!r} belongs to a PAG/MAG, which is not a causal graph here; "
            "expected '->', '<-' or '<->'",
            tok.line,
            tok.col,
        )
    return ts.take().text


def _group(ts: TokenStream) -> list[str]:
    """The names of a group ``{a b c}`` after its ``{`` was consumed (groups do not nest)."""
    names: list[str] = []
    while not ts.accept("}"):
        if ts.accept(",", ";"):
            continue
        tok = ts.peek()
        if tok is not None and tok.text == "{":
            raise ts.error("groups '{...}' cannot be nested; expected a node name or '}'", tok)
        names.append(_name(ts.expect("a node name or '}' in the group", "name", "quoted")))
    return names


def _operand(ts: TokenStream, what: str) -> list[str]:
    """A node name or a group: the names it stands for."""
    if ts.accept("{"):
        return _group(ts)
    return [_name(ts.expect(what, "name", "quoted"))]


def _statement(ts: TokenStream, out: _Builder) -> None:
    """A graph attribute, a node declaration or an edge chain."""
    first, nxt = ts.peek(), ts.peek(1)
    if first is not None and first.text != "{" and nxt is not None and nxt.text == "=":
        ts.take()
        ts.take()
        out.graph_attrs[_name(first)] = _name(
            ts.expect(f"a value for graph attribute {_name(first)!r}", "name", "quoted")
        )
        return
    prev = _operand(ts, "a node name")
    attrs = _attributes(ts) if ts.accept("[") else {}
    for n in prev:
        out.add_node(n, attrs)
    while (arrow := _arrow(ts)) is not None:
        nxt_names = _operand(ts, f"a node name after {arrow!r}")
        keys = []
        for n in nxt_names:
            out.add_node(n, {})
            keys += [out.add_edge(a, arrow, n) for a in prev]
        prev = nxt_names
        if ts.accept("["):
            edge_attrs = _attributes(ts)
            for key in keys:
                out.edge_attrs.setdefault(key, {}).update(edge_attrs)


def _header(ts: TokenStream) -> None:
    """``dag {`` (or ``pdag {``, or a bare ``{``)."""
    tok = ts.peek()
    if tok is not None and tok.kind == "name":
        low = tok.text.lower()
        if low in _OTHER_TYPES:
            raise ts.error(f"graph type {tok.text!r} is not supported; expected 'dag'", tok)
        if low not in _ACCEPTED_TYPES:
            raise ts.error("expected the graph type 'dag'", tok)
        ts.take()
    ts.expect("'{' to open the graph body", "{")


def parse_dagitty(text: str) -> CausalGraph:
    """Parse dagitty syntax into a :class:`CausalGraph`.

    The ``latent`` attribute makes a node an explicit latent; every other attribute is kept
    in :attr:`CausalGraph.attributes` (flags such as ``exposure`` with the value ``""``).

    Raises
    ------
    GraphSyntaxError
        With the line and column of the problem and what was expected there.

    Examples
    --------
    >>> g = parse_dagitty('dag { X [exposure]; Y [outcome]; U [latent]; U -> X; X -> Y; U -> Y }')
    >>> g.nodes, sorted(g.latent), g.exposures
    (('X', 'Y'), ['U'], ('X',))
    >>> g.projected().bidirected_edges
    (('X', 'Y'),)
    """
    ts = TokenStream(tokenize(text, _GRAMMAR, _WHAT), text)
    _header(ts)
    out = _Builder()
    while not ts.accept("}"):
        if ts.accept(";"):
            continue
        tok = ts.peek()
        if tok is None or (tok.kind not in ("name", "quoted") and tok.text != "{"):
            raise ts.error("expected a node name or '}'", tok)
        _statement(ts, out)
    if ts.peek() is not None:
        raise ts.error("expected the end of the text after the closing '}'")
    return out.build()


def _fmt(text: str) -> str:
    if _ID.fullmatch(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _attr_list(attrs: dict[str, str]) -> str:
    items = [_fmt(k) if v == "" else f"{_fmt(k)}={_fmt(v)}" for k, v in attrs.items()]
    return f" [{','.join(items)}]" if items else ""


def _node_line(g: CausalGraph, node: str) -> str:
    attrs = {"latent": ""} if node in g.latent else {}
    attrs.update(g.attributes.get(node, {}))
    return _fmt(node) + _attr_list(attrs)


def _edge_line(g: CausalGraph, a: str, arrow: str, b: str) -> str:
    return f"{_fmt(a)} {arrow} {_fmt(b)}" + _attr_list(
        dict(g.edge_attributes.get((a, arrow, b), {}))
    )


def to_dagitty(g: CausalGraph) -> str:
    """Write ``g`` in dagitty syntax; :func:`parse_dagitty` reads it back unchanged.

    Graph attributes come first (dagitty.net's ``bb``), then every node (keeping node order,
    attributes and isolated nodes), then the directed and bidirected edges with their
    attributes, as dagitty.net writes them.

    Examples
    --------
    >>> print(to_dagitty(CausalGraph.from_edges("X -> Y; X <-> Y")))
    dag {
    X
    Y
    X -> Y
    X <-> Y
    }
    >>> g = parse_dagitty('dag {bb="0,0,1,1"; X [exposure,pos="0.1,0.5"]; X -> Y [pos="0.4,0.4"]}')
    >>> print(to_dagitty(g))
    dag {
    bb="0,0,1,1"
    X [exposure,pos="0.1,0.5"]
    Y
    X -> Y [pos="0.4,0.4"]
    }
    """
    lines = ["dag {"]
    lines += [f"{_fmt(k)}={_fmt(v)}" for k, v in g.graph_attributes.items()]
    lines += [_node_line(g, n) for n in g.all_nodes]
    lines += [_edge_line(g, a, "->", b) for a, b in g.directed_edges]
    lines += [_edge_line(g, a, "<->", b) for a, b in g.bidirected_edges]
    lines.append("}")
    return "\n".join(lines)
