"""The compact edge string: ``"X -> M -> Y; X <-> Y; Z"``.

Statements are separated by ``;`` or newlines. A statement is a chain of node names joined
by ``->``, ``<-`` or ``<->``; a lone name declares an isolated node. Names containing spaces
or punctuation are double-quoted (``"p44/42" -> Y``). ``U [latent]`` marks a latent node.
"""

from __future__ import annotations

import re

from rung.graph.core import CausalGraph
from rung.graph.errors import GraphSyntaxError

__all__ = ["format_name", "parse_edges", "to_edge_string"]

_TOKEN = re.compile(
    r'\s*(?:(?P<arrow><->|->|<-|--)|(?P<quoted>"(?:[^"\\]|\\.)*")|'
    r"(?P<attr>\[[^\]]*\])|(?P<name>[^\s;\"\[\]<>-](?:[^\s;\"\[\]<>-]|-(?![->]))*))"
)
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


def format_name(name: str) -> str:
    """Quote ``name`` when it is not a plain identifier.

    Examples
    --------
    >>> format_name("X1"), format_name("p44/42")
    ('X1', '"p44/42"')
    """
    if _PLAIN.match(name):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _unquote(tok: str) -> str:
    return re.sub(r"\\(.)", r"\1", tok[1:-1])


def _tokens(stmt: str, line: int, col0: int) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(stmt):
        if stmt[pos:].strip() == "":
            break
        m = _TOKEN.match(stmt, pos)
        if m is None or m.end() == pos:
            col = col0 + pos + len(stmt[pos:]) - len(stmt[pos:].lstrip())
            raise GraphSyntaxError(
                f"unexpected {stmt[pos:].strip()[:10]!r}; expected a node name or an arrow "
                "(->, <-, <->)",
                line,
                col,
            )
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind), col0 + m.start(kind)))
        pos = m.end()
    return out


def _parse_statement(
    toks: list[tuple[str, str, int]],
    line: int,
    edges: tuple[list[tuple[str, str]], list[tuple[str, str]], list[str], list[str]],
) -> None:
    directed, bidirected, nodes, latent = edges
    prev: str | None = None
    arrow: str | None = None
    for kind, text, col in toks:
        if kind == "arrow":
            if prev is None or arrow is not None:
                raise GraphSyntaxError(f"arrow {text!r} needs a node on its left", line, col)
            if text == "--":
                raise GraphSyntaxError(
                    "undirected edge '--' is not allowed; use '->' or '<->'", line, col
                )
            arrow = text
        elif kind == "attr":
            if prev is None or arrow is not None:
                raise GraphSyntaxError("attribute list must follow a node name", line, col)
            if "latent" in text:
                latent.append(prev)
        else:
            name = _unquote(text) if kind == "quoted" else text
            if prev is not None and arrow is None:
                raise GraphSyntaxError(
                    f"expected an arrow between {prev!r} and {name!r}", line, col
                )
            nodes.append(name)
            if arrow == "->":
                directed.append((prev or "", name))
            elif arrow == "<-":
                directed.append((name, prev or ""))
            elif arrow == "<->":
                bidirected.append((prev or "", name))
            prev, arrow = name, None
    if arrow is not None:
        raise GraphSyntaxError(f"arrow {arrow!r} needs a node on its right", line, toks[-1][2])


def parse_edges(text: str) -> CausalGraph:
    """Parse an edge string into a :class:`CausalGraph`.

    Examples
    --------
    >>> g = parse_edges("X -> M -> Y; X <-> Y")
    >>> g.directed_edges, g.bidirected_edges
    ((('X', 'M'), ('M', 'Y')), (('X', 'Y'),))
    """
    edges: tuple[list[tuple[str, str]], list[tuple[str, str]], list[str], list[str]] = (
        [],
        [],
        [],
        [],
    )
    for lineno, raw in enumerate(text.splitlines() or [""], start=1):
        col = 1
        for stmt in raw.split(";"):
            toks = _tokens(stmt, lineno, col)
            if toks:
                _parse_statement(toks, lineno, edges)
            col += len(stmt) + 1
    directed, bidirected, nodes, latent = edges
    if not nodes:
        raise GraphSyntaxError("empty graph: write edges such as 'X -> Y; X <-> Y'", 1, 1)
    return CausalGraph(directed=directed, bidirected=bidirected, nodes=nodes, latent=latent)


def to_edge_string(g: CausalGraph) -> str:
    """Write ``g`` as an edge string (latent nodes marked ``[latent]``)."""
    parts = [f"{format_name(a)} -> {format_name(b)}" for a, b in g.directed_edges]
    parts += [f"{format_name(a)} <-> {format_name(b)}" for a, b in g.bidirected_edges]
    touched = {n for e in (*g.directed_edges, *g.bidirected_edges) for n in e}
    parts += [format_name(n) for n in g.all_nodes if n not in touched and n not in g.latent]
    parts += [f"{format_name(n)} [latent]" for n in sorted(g.latent)]
    return "; ".join(parts)
