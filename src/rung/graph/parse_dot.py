"""Read and write Graphviz DOT for causal graphs.

Conventions (read and written):

* ``digraph { ... }`` only (``strict`` and a graph name are allowed); undirected ``graph``
  and ``--`` edges are rejected.
* ``a -> b`` is a directed edge; ``a -> b [dir=both]`` (usually with ``style=dashed``) is
  a bidirected edge ``a <-> b``; ``dir=back`` reverses the edge; ``dir=none`` is rejected.
* a node is an explicit latent when it has ``latent=true`` (also ``1``/``yes``) or
  ``observed=no`` (also ``false``/``0``, DoWhy's convention). Other node attributes are
  kept in :attr:`CausalGraph.attributes`, edge attributes other than ``dir`` in
  :attr:`CausalGraph.edge_attributes` (``style=dashed, constraint=false`` on a ``dir=both``
  edge is implied), and top-level graph attributes (``rankdir=LR``, ``graph [...]``) in
  :attr:`CausalGraph.graph_attributes`.
* ``node [...]`` / ``edge [...]`` defaults, ``subgraph { ... }`` blocks, edge chains
  ``a -> b -> c``, groups ``a -> {b c}``, ports ``a:n``, comments and quoted ids
  (``"p44/42"``) are understood; a subgraph's own ``key=value`` attributes are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from rung.graph._lexer import Token, TokenStream, tokenize, unquote
from rung.graph.core import CausalGraph, EdgeAttrKey
from rung.graph.errors import GraphSyntaxError

__all__ = ["MAX_NESTING", "parse_dot", "to_dot"]

_GRAMMAR = re.compile(
    r'(?P<edgeop>->|--)|(?P<quoted>"(?:[^"\\]|\\.)*")|(?P<html><[^<>]*(?:<[^<>]*>[^<>]*)*>)'
    r"|(?P<id>[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*|-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?))"
    r"|(?P<punct>[\[\]{}=,;:])"
)
_WHAT = "an id, '->', '[', ']', '{', '}', '=', ',', ';' or ':'"
_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TRUE = {"true", "1", "yes"}
#: what the writer puts on every bidirected edge; implied by ``dir=both`` when read back
_BIDIRECTED_STYLE = {"style": "dashed", "constraint": "false"}
#: subgraphs nested deeper than this are refused (the parser is recursive)
MAX_NESTING = 100
_FALSE = {"false", "0", "no"}


@dataclass
class _Scope:
    """Default node and edge attributes in force inside a (sub)graph."""

    node: dict[str, str] = field(default_factory=dict)
    edge: dict[str, str] = field(default_factory=dict)

    def child(self) -> _Scope:
        return _Scope(dict(self.node), dict(self.edge))


@dataclass
class _Builder:
    nodes: dict[str, dict[str, str]] = field(default_factory=dict)
    directed: list[tuple[str, str]] = field(default_factory=list)
    bidirected: list[tuple[str, str]] = field(default_factory=list)
    graph_attrs: dict[str, str] = field(default_factory=dict)
    edge_attrs: dict[EdgeAttrKey, dict[str, str]] = field(default_factory=dict)

    def add_node(self, name: str, attrs: dict[str, str]) -> None:
        self.nodes.setdefault(name, {}).update(attrs)

    def add_edge(self, a: str, b: str, attrs: dict[str, str], tok: Token) -> None:
        direction = attrs.get("dir", "forward").lower()
        extra = {k: v for k, v in attrs.items() if k != "dir"}
        key: EdgeAttrKey
        if direction == "both":
            self.bidirected.append((a, b))
            key = (min(a, b), "<->", max(a, b))
            extra = {k: v for k, v in extra.items() if _BIDIRECTED_STYLE.get(k) != v}
        elif direction == "forward":
            self.directed.append((a, b))
            key = (a, "->", b)
        elif direction == "back":
            self.directed.append((b, a))
            key = (b, "->", a)
        else:
            raise GraphSyntaxError(
                f"edge {a} -> {b} has dir={direction}; expected dir=forward, back or both "
                "(a causal graph has no undirected edges)",
                tok.line,
                tok.col,
            )
        if extra:
            self.edge_attrs.setdefault(key, {}).update(extra)

    def build(self) -> CausalGraph:
        latent = {n for n, a in self.nodes.items() if _is_latent(a)}
        attrs = {n: _kept(a, n in latent) for n, a in self.nodes.items()}
        return CausalGraph(
            directed=self.directed,
            bidirected=self.bidirected,
            nodes=list(self.nodes),
            latent=latent,
            attributes={n: a for n, a in attrs.items() if a},
            graph_attributes=self.graph_attrs,
            edge_attributes=self.edge_attrs,
        )


def _is_latent(attrs: dict[str, str]) -> bool:
    return (
        attrs.get("latent", "").lower() in _TRUE or attrs.get("observed", "").lower() in _FALSE
    )


def _kept(attrs: dict[str, str], latent: bool) -> dict[str, str]:
    """Attributes to keep: ``latent`` is structural, and a latent's ``style=dashed`` is
    implied (the writer adds it back)."""
    drop = {"latent"} | ({"style"} if latent and attrs.get("style") == "dashed" else set())
    return {k: v for k, v in attrs.items() if k not in drop}


def _text(tok: Token) -> str:
    if tok.kind == "quoted":
        return unquote(tok.text)
    if tok.kind == "html":
        return tok.text[1:-1]
    return tok.text


def _id(ts: TokenStream, what: str) -> str:
    return _text(ts.expect(what, "id", "quoted", "html"))


def _attr_lists(ts: TokenStream) -> dict[str, str]:
    """Zero or more ``[k=v, ...]`` lists."""
    out: dict[str, str] = {}
    while ts.accept("["):
        while not ts.accept("]"):
            if ts.accept(",", ";"):
                continue
            key = _id(ts, "an attribute name or ']'")
            ts.expect(f"'=' after attribute {key!r}", "=")
            out[key] = _id(ts, f"a value for attribute {key!r}")
    return out


def _node_id(ts: TokenStream) -> str:
    name = _id(ts, "a node id")
    while ts.accept(":"):  # a port (and compass point): irrelevant to the causal structure
        _id(ts, "a port name after ':'")
    return name


class _Parser:
    def __init__(self, ts: TokenStream) -> None:
        self.ts = ts
        self.out = _Builder()
        self.depth = 0

    def body(self, scope: _Scope) -> list[str]:
        """Statements up to the closing ``}``; returns the nodes mentioned (for groups)."""
        mentioned: list[str] = []
        while not self.ts.accept("}"):
            if self.ts.accept(";"):
                continue
            mentioned += self.statement(scope)
        return mentioned

    def statement(self, scope: _Scope) -> list[str]:
        ts = self.ts
        tok = ts.peek()
        if tok is None:
            raise ts.error("expected a statement or '}'")
        low = tok.text.lower() if tok.kind == "id" else ""
        if low in ("node", "edge", "graph") and (nxt := ts.peek(1)) is not None and (
            nxt.text == "["
        ):
            ts.take()
            attrs = _attr_lists(ts)
            if low == "graph" and self.depth == 0:
                self.out.graph_attrs.update(attrs)
            {"node": scope.node, "edge": scope.edge}.get(low, {}).update(attrs)
            return []
        nxt = ts.peek(1)
        if tok.kind in ("id", "quoted") and nxt is not None and nxt.text == "=":
            ts.take()
            ts.take()
            value = _id(ts, "a graph attribute value after '='")
            if self.depth == 0:  # a subgraph's attributes describe only the subgraph
                self.out.graph_attrs[_text(tok)] = value
            return []
        return self.edge_or_node(scope)

    def operand(self, scope: _Scope) -> list[str]:
        """A node id or a subgraph; returns the nodes it stands for."""
        tok = self.ts.peek()
        if tok is not None and (tok.text == "{" or tok.text.lower() == "subgraph"):
            if self.ts.take().text != "{":
                if (t := self.ts.peek()) is not None and t.text != "{":
                    _id(self.ts, "a subgraph name")
                self.ts.expect("'{' to open the subgraph", "{")
            if self.depth >= MAX_NESTING:
                raise self.ts.error(
                    f"subgraphs are nested more than {MAX_NESTING} levels deep; flatten them "
                    "(nesting does not change the causal structure)", tok)
            self.depth += 1
            names = self.body(scope.child())
            self.depth -= 1
            return names
        name = _node_id(self.ts)
        self.out.add_node(name, dict(scope.node))
        return [name]

    def edge_or_node(self, scope: _Scope) -> list[str]:
        ts = self.ts
        groups = [self.operand(scope)]
        ops: list[Token] = []
        while (op := ts.peek()) is not None and op.kind == "edgeop":
            if op.text == "--":
                raise ts.error("undirected edge '--' in a causal graph; expected '->'", op)
            ops.append(ts.take())
            groups.append(self.operand(scope))
        attrs = _attr_lists(ts)
        if not ops:
            for n in groups[0]:
                self.out.add_node(n, attrs)
            return groups[0]
        edge_attrs = {**scope.edge, **attrs}
        for left, right, op in zip(groups, groups[1:], ops, strict=False):
            for a in left:
                for b in right:
                    self.out.add_edge(a, b, edge_attrs, op)
        return [n for g in groups for n in g]


def parse_dot(text: str) -> CausalGraph:
    """Parse a DOT ``digraph`` into a :class:`CausalGraph` (conventions in the module doc).

    Raises
    ------
    GraphSyntaxError
        With the line and column of the problem and what was expected there.

    Examples
    --------
    >>> g = parse_dot('digraph { U [latent=true]; U -> X; X -> Y; X -> Y [dir=both] }')
    >>> g.directed_edges, g.bidirected_edges, sorted(g.latent)
    ((('U', 'X'), ('X', 'Y')), (('X', 'Y'),), ['U'])
    """
    ts = TokenStream(tokenize(text, _GRAMMAR, _WHAT), text)
    first = ts.peek()
    if first is not None and first.text.lower() == "strict":
        ts.take()
    kind = ts.expect("'digraph'", "id")
    if kind.text.lower() != "digraph":
        hint = "; an undirected 'graph' is not a causal graph" if kind.text == "graph" else ""
        raise ts.error(f"expected 'digraph'{hint}", kind)
    if (tok := ts.peek()) is not None and tok.text != "{":
        _id(ts, "a graph name or '{'")
    ts.expect("'{' to open the graph body", "{")
    parser = _Parser(ts)
    parser.body(_Scope())
    if ts.peek() is not None:
        raise ts.error("expected the end of the text after the closing '}'")
    return parser.out.build()


def _fmt(text: str) -> str:
    if _PLAIN.fullmatch(text) and text.lower() not in _KEYWORDS:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _node_line(g: CausalGraph, node: str) -> str:
    items = [f"{_fmt(k)}={_fmt(v)}" for k, v in g.attributes.get(node, {}).items()]
    if node in g.latent:
        items.append("latent=true")
        if "style" not in g.attributes.get(node, {}):
            items.append("style=dashed")
    return f"  {_fmt(node)} [{', '.join(items)}];" if items else f"  {_fmt(node)};"


def to_dot(g: CausalGraph) -> str:
    """Write ``g`` as a DOT digraph that :func:`parse_dot` reads back unchanged.

    Bidirected edges are written ``a -> b [dir=both, style=dashed, constraint=false]``;
    latent nodes get ``latent=true, style=dashed`` (Graphviz then draws them dashed).

    Examples
    --------
    >>> print(to_dot(CausalGraph.from_edges("X -> Y; X <-> Y")))
    digraph {
      X;
      Y;
      X -> Y;
      X -> Y [dir=both, style=dashed, constraint=false];
    }
    """
    lines = ["digraph {"]
    lines += [f"  {_fmt(k)}={_fmt(v)};" for k, v in g.graph_attributes.items()]
    lines += [_node_line(g, n) for n in g.all_nodes]
    for a, b in g.directed_edges:
        extra = g.edge_attributes.get((a, "->", b), {})
        lines.append(f"  {_fmt(a)} -> {_fmt(b)}{_attr_text(extra)};")
    for a, b in g.bidirected_edges:
        extra = {"dir": "both", **_BIDIRECTED_STYLE, **g.edge_attributes.get((a, "<->", b), {})}
        lines.append(f"  {_fmt(a)} -> {_fmt(b)}{_attr_text(extra)};")
    lines.append("}")
    return "\n".join(lines)


def _attr_text(attrs: Mapping[str, str]) -> str:
    return f" [{', '.join(f'{_fmt(k)}={_fmt(v)}' for k, v in attrs.items())}]" if attrs else ""
