"""Reading graphs from any supported text and files; writing them back.

Formats: dagitty (``dag { ... }``, including dagitty.net's export), Graphviz DOT
(``digraph { ... }``), GML (``graph [ ... ]``) and the compact edge string
(``"X -> M -> Y; X <-> Y"``). :func:`parse_graph` detects which one it is given. Graphs of
networkx, pgmpy and DoWhy are read by :mod:`rung.graph.interop`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from rung.graph.core import CausalGraph
from rung.graph.errors import GraphError
from rung.graph.interop import from_any, from_networkx, from_pgmpy, to_networkx
from rung.graph.parse_dagitty import parse_dagitty, to_dagitty
from rung.graph.parse_dot import parse_dot, to_dot
from rung.graph.parse_edges import parse_edges, to_edge_string
from rung.graph.parse_gml import parse_gml, to_gml

__all__ = [
    "FORMATS",
    "detect_format",
    "format_text",
    "from_any",
    "from_networkx",
    "from_pgmpy",
    "parse_graph",
    "read_graph",
    "to_dagitty",
    "to_dot",
    "to_edge_string",
    "to_gml",
    "to_networkx",
    "write_graph",
]

_LEADING_COMMENTS = re.compile(r"(?:\s+|//[^\n]*|#[^\n]*|/\*.*?\*/)*", re.S)
_DOT_HEAD = re.compile(r"(?:strict\s+)?(?:di)?graph\b(?!\s*\[)", re.I)
_GML_HEAD = re.compile(r"(?:[A-Za-z_]\w*\s+(?:\"[^\"]*\"|\S+)\s+)*graph\s*\[", re.I)
_DAGITTY_HEAD = re.compile(r"(?:(?:dag|pdag|mag|pag)\s*)?\{", re.I)
_SUFFIX_FORMAT = {".dot": "dot", ".gv": "dot", ".dagitty": "dagitty", ".gml": "gml",
                  ".txt": None}
_PARSERS = {"dot": parse_dot, "dagitty": parse_dagitty, "gml": parse_gml, "edges": parse_edges}
#: the text formats, by the name ``rung graph convert --to`` takes
FORMATS = ("dagitty", "dot", "gml", "edges")
_WRITERS = {"dagitty": to_dagitty, "dot": to_dot, "gml": to_gml, "edges": to_edge_string}


def detect_format(text: str) -> str:
    """``"dot"``, ``"dagitty"``, ``"gml"`` or ``"edges"``, from the first words of ``text``.

    Examples
    --------
    >>> detect_format("dag { X -> Y }"), detect_format("digraph { X -> Y }")
    ('dagitty', 'dot')
    >>> detect_format('graph [ directed 1 node [ id 0 label "X" ] ]'), detect_format("X -> Y")
    ('gml', 'edges')
    """
    body = text.removeprefix("\ufeff")
    m = _LEADING_COMMENTS.match(body)
    body = body[m.end() if m else 0 :]
    if _DOT_HEAD.match(body):
        return "dot"
    if _GML_HEAD.match(body):
        return "gml"
    if _DAGITTY_HEAD.match(body):
        return "dagitty"
    return "edges"


def parse_graph(text: str) -> CausalGraph:
    """Parse dagitty, DOT, GML or an edge string, detecting which (:func:`detect_format`).

    A byte-order mark at the very start is dropped (one inside a name is refused).

    Examples
    --------
    >>> parse_graph("dag { X -> Y }") == parse_graph("digraph { X -> Y }") == parse_graph("X -> Y")
    True
    """
    return _PARSERS[detect_format(text)](text.removeprefix("\ufeff"))


def format_text(g: CausalGraph, fmt: str) -> str:
    """``g`` written in ``fmt`` (one of :data:`FORMATS`).

    Examples
    --------
    >>> format_text(CausalGraph.from_edges("X -> Y"), "edges")
    'X -> Y'
    """
    if fmt not in _WRITERS:
        raise GraphError(f"unknown graph format {fmt!r}; use one of {', '.join(FORMATS)}")
    return _WRITERS[fmt](g)


def _looks_like_path(source: str) -> bool:
    if "\n" in source or any(tok in source for tok in ("->", "<-", "{", ";", "[")):
        return False
    return (Path(source).suffix.lower() in _SUFFIX_FORMAT or os.path.isfile(source)
            or os.path.isdir(source))


def read_graph(source: str | os.PathLike[str]) -> CausalGraph:
    """Read a graph from a file (``.dot``, ``.gv``, ``.dagitty``, ``.gml``, ``.txt``) or text.

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
            f"graph file {str(path)!r} is a directory; give a .dot/.gv/.dagitty/.gml/.txt file "
            "or inline graph text such as 'X -> Y'"
        )
    if not path.is_file():
        raise GraphError(
            f"graph file {str(path)!r} not found; give an existing .dot/.gv/.dagitty/.gml/.txt "
            "file or inline graph text such as 'X -> Y'"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise GraphError(
            f"graph file {str(path)!r} is not UTF-8 text ({exc.reason} at byte {exc.start}); "
            "give a dagitty, DOT, GML or edge-list text file"
        ) from None
    fmt = _SUFFIX_FORMAT.get(path.suffix.lower())
    return _PARSERS[fmt](text.removeprefix("\ufeff")) if fmt else parse_graph(text)


def write_graph(g: CausalGraph, path: str | os.PathLike[str]) -> Path:
    """Write ``g`` to ``path`` as DOT (``.dot``/``.gv``), dagitty (``.dagitty``), GML
    (``.gml``) or an edge string (``.txt``); returns the path."""
    out = Path(path)
    writers = {".dot": to_dot, ".gv": to_dot, ".dagitty": to_dagitty, ".gml": to_gml,
               ".txt": to_edge_string}
    writer = writers.get(out.suffix.lower())
    if writer is None:
        raise GraphError(
            f"cannot tell the format of {str(out)!r} from its suffix; "
            "use .dot, .gv, .dagitty, .gml or .txt"
        )
    out.write_text(writer(g) + "\n", encoding="utf-8")
    return out
