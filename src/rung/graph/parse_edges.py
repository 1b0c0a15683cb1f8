"""The compact edge string: ``"X -> M -> Y; X <-> Y; Z"``.

Statements are separated by ``;`` or newlines. A statement is a chain of node names joined
by ``->``, ``<-`` or ``<->``; a lone name declares an isolated node. Names containing spaces
or punctuation are double-quoted (``"p44/42" -> Y``); inside quotes ``\\"`` is a quote,
``\\\\`` a backslash, ``\\n`` a newline and ``\\t`` a tab, and ``;`` is part of the name.
``U [latent]`` marks a latent node. Braces are not part of an unquoted name.
"""

from __future__ import annotations

import re

from rung.graph.core import CausalGraph
from rung.graph.errors import GraphSyntaxError

__all__ = ["format_name", "parse_edges", "to_edge_string"]

_TOKEN = re.compile(
    r'[ \t\r\f\v]*(?:(?P<arrow><->|->|<-|--)|(?P<quoted>"(?:[^"\\]|\\[\s\S])*")|'
    r"(?P<attr>\[[^\]]*\])|(?P<sep>[;\n])|"
    r"(?P<name>[^\s;\"\[\]<>{}-](?:[^\s;\"\[\]<>{}-]|-(?![->]))*))"
)
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_ESCAPES = {"n": "\n", "t": "\t"}

#: (kind, text, line, column) of one token
_Tok = tuple[str, str, int, int]


def format_name(name: str) -> str:
    """Quote ``name`` when it is not a plain identifier (escaping quotes, backslashes,
    newlines and tabs, so the edge string stays on one line).

    Examples
    --------
    >>> format_name("X1"), format_name("p44/42"), format_name("a;b")
    ('X1', '"p44/42"', '"a;b"')
    >>> print(format_name("two\\nlines"))
    "two\\nlines"
    """
    if _PLAIN.match(name):
        return name
    body = name.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + body.replace("\n", "\\n").replace("\t", "\\t") + '"'


def _unquote(tok: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), tok[1:-1], flags=re.S)


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos, line, line_start = 0, 1, 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.lastgroup is None:
            rest = text[pos:].lstrip(" \t\r\f\v")
            if not rest:
                break
            col = len(text) - len(rest) - line_start + 1
            raise GraphSyntaxError(_unexpected(rest), line, col)
        kind = m.lastgroup
        tok = m.group(kind)
        out.append((kind, tok, line, m.start(kind) - line_start + 1))
        newlines = tok.count("\n")
        if newlines:
            line += newlines
            line_start = m.start(kind) + tok.rindex("\n") + 1
        pos = m.end()
    return out


def _unexpected(rest: str) -> str:
    if rest[0] in "{}":
        return (f"unexpected {rest[0]!r}: braces are not part of an edge string; quote a name "
                f"that contains one (\"{rest[0]}\"), or write dagitty syntax 'dag {{ ... }}'")
    if rest[0] == '"':
        return "unclosed string; expected a closing '\"'"
    return (f"unexpected {rest[:10]!r}; expected a node name or an arrow (->, <-, <->); quote "
            "names that contain punctuation")


def _statements(toks: list[_Tok]) -> list[list[_Tok]]:
    out: list[list[_Tok]] = [[]]
    for tok in toks:
        if tok[0] == "sep":
            out.append([])
        else:
            out[-1].append(tok)
    return [s for s in out if s]


_Edges = tuple[list[tuple[str, str]], list[tuple[str, str]], list[str], list[str]]


def _parse_statement(toks: list[_Tok], edges: _Edges) -> None:
    directed, bidirected, nodes, latent = edges
    prev: str | None = None
    arrow: str | None = None
    for kind, text, line, col in toks:
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
        _, _, line, col = toks[-1]
        raise GraphSyntaxError(f"arrow {arrow!r} needs a node on its right", line, col)


def parse_edges(text: str) -> CausalGraph:
    """Parse an edge string into a :class:`CausalGraph`.

    Examples
    --------
    >>> g = parse_edges("X -> M -> Y; X <-> Y")
    >>> g.directed_edges, g.bidirected_edges
    ((('X', 'M'), ('M', 'Y')), (('X', 'Y'),))
    >>> parse_edges('"a;b" -> "c\\nd"').nodes
    ('a;b', 'c\\nd')
    """
    edges: _Edges = ([], [], [], [])
    for stmt in _statements(_tokens(text)):
        _parse_statement(stmt, edges)
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
