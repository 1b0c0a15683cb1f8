"""Read and write dagitty's graph syntax.

::

    dag {
      X [exposure, pos="0,1"]
      Y [outcome]
      U [latent]
      X -> M -> Y
      X <-> Y
      U -> M
    }

A graph is ``dag { ... }`` (``pdag { ... }`` is accepted when it holds only ``->``, ``<-``
and ``<->`` edges). Statements are separated by newlines, ``;`` or simply by the next name.
A statement is a node with an optional attribute list (``[latent]``, ``[exposure]``,
``[pos="x,y"]``, ...) or a chain of nodes joined by ``->``, ``<-`` or ``<->``; an attribute
list after an edge belongs to the edge and is ignored (rung keeps no edge attributes).
Names are identifiers (letters, digits, ``_``, ``.``) or double-quoted strings. Comments
(``//``, ``#``, ``/* */``) are skipped. Undirected ``--`` edges and the ``mag``/``pag``
types are rejected: a causal graph here is a DAG or an ADMG.
"""

from __future__ import annotations

import re

from rung.graph._lexer import Token, TokenStream, tokenize, unquote
from rung.graph.core import CausalGraph
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


class _Builder:
    """Collects nodes, edges and attributes while parsing."""

    def __init__(self) -> None:
        self.nodes: list[str] = []
        self.directed: list[tuple[str, str]] = []
        self.bidirected: list[tuple[str, str]] = []
        self.latent: list[str] = []
        self.attrs: dict[str, dict[str, str]] = {}

    def add_node(self, name: str, attrs: dict[str, str]) -> None:
        self.nodes.append(name)
        if "latent" in attrs:
            self.latent.append(name)
        rest = {k: v for k, v in attrs.items() if k != "latent"}
        if rest:
            self.attrs.setdefault(name, {}).update(rest)

    def add_edge(self, a: str, arrow: str, b: str) -> None:
        if arrow == "->":
            self.directed.append((a, b))
        elif arrow == "<-":
            self.directed.append((b, a))
        else:
            self.bidirected.append((a, b))

    def build(self) -> CausalGraph:
        return CausalGraph(
            directed=self.directed,
            bidirected=self.bidirected,
            nodes=self.nodes,
            latent=self.latent,
            attributes=self.attrs,
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
        kind = "undirected edge '--'" if tok.text == "--" else f"edge mark {tok.text!r}"
        raise GraphSyntaxError(
            f"{kind} is not allowed in a causal graph; expected '->', '<-' or '<->'",
            tok.line,
            tok.col,
        )
    return ts.take().text


def _statement(ts: TokenStream, out: _Builder) -> None:
    """One node declaration or edge chain; the next token is a name."""
    prev = _name(ts.take())
    attrs = _attributes(ts) if ts.accept("[") else {}
    out.add_node(prev, attrs)
    while (arrow := _arrow(ts)) is not None:
        nxt = _name(ts.expect(f"a node name after {arrow!r}", "name", "quoted"))
        out.add_node(nxt, {})
        out.add_edge(prev, arrow, nxt)
        prev = nxt
        if ts.accept("["):
            _attributes(ts)  # edge attributes (e.g. a drawing position): not kept


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
        if tok is None or tok.kind not in ("name", "quoted"):
            raise ts.error("expected a node name or '}'", tok)
        _statement(ts, out)
    if ts.peek() is not None:
        raise ts.error("expected the end of the text after the closing '}'")
    return out.build()


def _fmt(text: str) -> str:
    if _ID.fullmatch(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _node_line(g: CausalGraph, node: str) -> str:
    items = ["latent"] if node in g.latent else []
    for key, value in g.attributes.get(node, {}).items():
        items.append(_fmt(key) if value == "" else f"{_fmt(key)}={_fmt(value)}")
    return f"{_fmt(node)} [{','.join(items)}]" if items else _fmt(node)


def to_dagitty(g: CausalGraph) -> str:
    """Write ``g`` in dagitty syntax; :func:`parse_dagitty` reads it back unchanged.

    Every node is declared first (keeping node order, attributes and isolated nodes),
    then the directed and bidirected edges.

    Examples
    --------
    >>> print(to_dagitty(CausalGraph.from_edges("X -> Y; X <-> Y")))
    dag {
    X
    Y
    X -> Y
    X <-> Y
    }
    """
    lines = ["dag {"]
    lines += [_node_line(g, n) for n in g.all_nodes]
    lines += [f"{_fmt(a)} -> {_fmt(b)}" for a, b in g.directed_edges]
    lines += [f"{_fmt(a)} <-> {_fmt(b)}" for a, b in g.bidirected_edges]
    lines.append("}")
    return "\n".join(lines)
