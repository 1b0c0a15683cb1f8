"""Reading graphs from any supported text, files and networkx; writing them back.

Formats: dagitty (``dag { ... }``), Graphviz DOT (``digraph { ... }``) and the compact
edge string (``"X -> M -> Y; X <-> Y"``). :func:`parse_graph` detects which one it is given.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import networkx as nx

from rung.graph.core import CausalGraph
from rung.graph.errors import GraphError
from rung.graph.parse_dagitty import parse_dagitty, to_dagitty
from rung.graph.parse_dot import parse_dot, to_dot
from rung.graph.parse_edges import parse_edges, to_edge_string

__all__ = [
    "detect_format",
    "from_networkx",
    "parse_graph",
    "read_graph",
    "to_dagitty",
    "to_dot",
    "to_edge_string",
    "to_networkx",
    "write_graph",
]

_LEADING_COMMENTS = re.compile(r"(?:\s+|//[^\n]*|#[^\n]*|/\*.*?\*/)*", re.S)
_DOT_HEAD = re.compile(r"(?:strict\s+)?(?:di)?graph\b", re.I)
_DAGITTY_HEAD = re.compile(r"(?:(?:dag|pdag|mag|pag)\s*)?\{", re.I)
_SUFFIX_FORMAT = {".dot": "dot", ".gv": "dot", ".dagitty": "dagitty", ".txt": None}
_PARSERS = {"dot": parse_dot, "dagitty": parse_dagitty, "edges": parse_edges}


def detect_format(text: str) -> str:
    """``"dot"``, ``"dagitty"`` or ``"edges"``, from the first word of ``text``.

    Examples
    --------
    >>> detect_format("dag { X -> Y }"), detect_format("digraph { X -> Y }")
    ('dagitty', 'dot')
    >>> detect_format("X -> Y")
    'edges'
    """
    m = _LEADING_COMMENTS.match(text)
    body = text[m.end() if m else 0 :]
    if _DOT_HEAD.match(body):
        return "dot"
    if _DAGITTY_HEAD.match(body):
        return "dagitty"
    return "edges"


def parse_graph(text: str) -> CausalGraph:
    """Parse dagitty, DOT or an edge string, detecting which (see :func:`detect_format`).

    Examples
    --------
    >>> parse_graph("dag { X -> Y }") == parse_graph("digraph { X -> Y }") == parse_graph("X -> Y")
    True
    """
    return _PARSERS[detect_format(text)](text)


def _looks_like_path(source: str) -> bool:
    if "\n" in source or any(tok in source for tok in ("->", "<-", "{", ";")):
        return False
    return (Path(source).suffix.lower() in _SUFFIX_FORMAT or os.path.isfile(source)
            or os.path.isdir(source))


def read_graph(source: str | os.PathLike[str]) -> CausalGraph:
    """Read a graph from a file path (``.dot``, ``.gv``, ``.dagitty``, ``.txt``) or inline text.

    A string is taken as a path when it has no arrow, brace or newline and either ends in
    one of those suffixes or names an existing file or folder; otherwise it is parsed as
    graph text.

    Raises
    ------
    GraphError
        The path names no file, a directory or a binary file (the message names it).
    GraphSyntaxError
        The text (or file content) cannot be parsed.

    Examples
    --------
    >>> read_graph("X -> M -> Y").nodes
    ('X', 'M', 'Y')
    """
    if isinstance(source, str) and not _looks_like_path(source):
        return parse_graph(source)
    path = Path(source)
    if path.is_dir():
        raise GraphError(
            f"graph file {str(path)!r} is a directory; give a .dot/.gv/.dagitty/.txt file "
            "or inline graph text such as 'X -> Y'"
        )
    if not path.is_file():
        raise GraphError(
            f"graph file {str(path)!r} not found; give an existing .dot/.gv/.dagitty/.txt "
            "file or inline graph text such as 'X -> Y'"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise GraphError(
            f"graph file {str(path)!r} is not UTF-8 text ({exc.reason} at byte {exc.start}); "
            "give a dagitty, DOT or edge-list text file"
        ) from None
    fmt = _SUFFIX_FORMAT.get(path.suffix.lower())
    return _PARSERS[fmt](text) if fmt else parse_graph(text)


def write_graph(g: CausalGraph, path: str | os.PathLike[str]) -> Path:
    """Write ``g`` to ``path`` as DOT (``.dot``/``.gv``), dagitty (``.dagitty``) or an edge
    string (``.txt``); returns the path."""
    out = Path(path)
    writers = {".dot": to_dot, ".gv": to_dot, ".dagitty": to_dagitty, ".txt": to_edge_string}
    writer = writers.get(out.suffix.lower())
    if writer is None:
        raise GraphError(
            f"cannot tell the format of {str(out)!r} from its suffix; "
            "use .dot, .gv, .dagitty or .txt"
        )
    out.write_text(writer(g) + "\n", encoding="utf-8")
    return out


def to_networkx(g: CausalGraph) -> nx.DiGraph:
    """``g`` as an ``nx.DiGraph`` over all nodes, latents included.

    Node attribute ``latent`` (bool) plus the node's own attributes; edge attributes
    ``directed`` and ``bidirected`` (bools). A bidirected pair ``(a, b)`` is one edge
    ``a -> b`` (``a < b``) with ``bidirected=True``; when ``a -> b`` is also a directed edge
    (a bow arc) the one networkx edge carries both flags. Keep only the ``directed`` edges
    before running DAG algorithms of networkx.

    Examples
    --------
    >>> G = to_networkx(CausalGraph.from_edges("X -> Y; X <-> Y; M -> Y"))
    >>> G.edges["X", "Y"]
    {'directed': True, 'bidirected': True}
    """
    out = nx.DiGraph()
    for n in g.all_nodes:
        out.add_node(n, **dict(g.attributes.get(n, {})), latent=n in g.latent)
    for a, b in g.directed_edges:
        out.add_edge(a, b, directed=True, bidirected=False)
    for a, b in g.bidirected_edges:
        if out.has_edge(a, b):
            out.edges[a, b]["bidirected"] = True
        else:
            out.add_edge(a, b, directed=False, bidirected=True)
    return out


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def from_networkx(graph: nx.DiGraph) -> CausalGraph:
    """Build a :class:`CausalGraph` from an ``nx.DiGraph`` (the inverse of :func:`to_networkx`).

    An edge with a true ``bidirected`` attribute is bidirected; it is also directed when its
    ``directed`` attribute is true. Every other edge is directed. A node with a true
    ``latent`` attribute is latent; its other attributes are kept as strings.

    Raises
    ------
    GraphError
        ``graph`` is not a directed networkx graph.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("X", "M"), ("M", "Y")])
    >>> G.add_edge("X", "Y", bidirected=True)
    >>> from_networkx(G)
    CausalGraph('X -> M; M -> Y; X <-> Y')
    """
    if not isinstance(graph, nx.DiGraph) or graph.is_multigraph():
        raise GraphError(
            f"expected a networkx DiGraph, got {type(graph).__name__}; "
            "undirected graphs and multigraphs are not causal graphs"
        )
    directed: list[tuple[str, str]] = []
    bidirected: list[tuple[str, str]] = []
    for a, b, data in graph.edges(data=True):
        bi = _truthy(data.get("bidirected", False))
        if bi:
            bidirected.append((str(a), str(b)))
        if _truthy(data.get("directed", not bi)):
            directed.append((str(a), str(b)))
    latent = [str(n) for n, d in graph.nodes(data=True) if _truthy(d.get("latent", False))]
    attrs = {
        str(n): {str(k): str(v) for k, v in d.items() if k != "latent"}
        for n, d in graph.nodes(data=True)
    }
    return CausalGraph(
        directed=directed,
        bidirected=bidirected,
        nodes=[str(n) for n in graph.nodes],
        latent=latent,
        attributes={n: a for n, a in attrs.items() if a},
    )
