"""Graphs from other libraries: networkx, pgmpy and DoWhy, and one entry point for all.

* networkx: :func:`to_networkx` / :func:`from_networkx` (an ``nx.DiGraph``; the edge
  attribute ``bidirected`` marks ``a <-> b``, the node attribute ``latent`` — or DoWhy's
  ``observed="no"`` — marks a latent).
* pgmpy: a ``DAG``, ``BayesianNetwork`` / ``DiscreteBayesianNetwork`` (or any pgmpy graph
  that is an ``nx.DiGraph``); its ``latents`` become explicit latents.
* DoWhy: DoWhy takes a graph as a networkx ``DiGraph``, a GML string or a DOT string, all
  read here; the older ``dowhy.causal_graph.CausalGraph`` object is read through its
  networkx graph.

:func:`from_any` takes any of these, or graph text, or a file path.
"""

from __future__ import annotations

import os
from typing import Any

import networkx as nx

from rung.graph.core import CausalGraph, EdgeAttrKey
from rung.graph.errors import GraphError

__all__ = ["from_any", "from_networkx", "from_pgmpy", "to_networkx"]

_STRUCTURAL_EDGE = {"directed", "bidirected"}
_FORMATS = (
    "a CausalGraph; dagitty, DOT, GML or edge-string text; a path to a .dagitty, .dot, .gv, "
    ".gml or .txt file; a networkx DiGraph; a pgmpy DAG or BayesianNetwork; or a DoWhy graph "
    "(a networkx DiGraph, a GML string or a DOT string)"
)


def to_networkx(g: CausalGraph) -> nx.DiGraph:
    """``g`` as an ``nx.DiGraph`` over all nodes, latents included.

    Node attribute ``latent`` (bool) plus the node's own attributes; edge attributes
    ``directed`` and ``bidirected`` (bools) plus the edge's own attributes; graph
    attributes in ``G.graph``. A bidirected pair ``(a, b)`` is one edge ``a -> b``
    (``a < b``) with ``bidirected=True``; when ``a -> b`` is also a directed edge (a bow
    arc) the one networkx edge carries both flags (and the attributes of both). Keep only
    the ``directed`` edges before running DAG algorithms of networkx.

    Examples
    --------
    >>> G = to_networkx(CausalGraph.from_edges("X -> Y; X <-> Y; M -> Y"))
    >>> G.edges["X", "Y"]
    {'directed': True, 'bidirected': True}
    """
    out = nx.DiGraph(**dict(g.graph_attributes))
    for n in g.all_nodes:
        out.add_node(n, **dict(g.attributes.get(n, {})), latent=n in g.latent)
    for a, b in g.directed_edges:
        extra = dict(g.edge_attributes.get((a, "->", b), {}))
        out.add_edge(a, b, directed=True, bidirected=False, **extra)
    for a, b in g.bidirected_edges:
        extra = dict(g.edge_attributes.get((a, "<->", b), {}))
        if out.has_edge(a, b):
            out.edges[a, b].update(extra, bidirected=True)
        else:
            out.add_edge(a, b, directed=False, bidirected=True, **extra)
    return out


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def _falsy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("false", "0", "no")
    return value is False or value == 0


def _is_latent(data: dict[str, Any]) -> bool:
    return _truthy(data.get("latent", False)) or ("observed" in data and _falsy(data["observed"]))


def _scalar_attrs(data: dict[Any, Any], skip: set[str]) -> dict[str, str]:
    return {str(k): str(v) for k, v in data.items() if str(k) not in skip}


def from_networkx(graph: nx.DiGraph, latent: Any = ()) -> CausalGraph:
    """Build a :class:`CausalGraph` from an ``nx.DiGraph`` (the inverse of :func:`to_networkx`).

    An edge with a true ``bidirected`` attribute is bidirected; it is also directed when its
    ``directed`` attribute is true. Every other edge is directed. A node is latent when its
    ``latent`` attribute is true, its ``observed`` attribute is false/``"no"`` (DoWhy), or
    it is in ``latent``. Other node, edge and graph attributes are kept as strings.

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
    edge_attrs: dict[EdgeAttrKey, dict[str, str]] = {}
    for a, b, data in graph.edges(data=True):
        a, b = str(a), str(b)
        bi = _truthy(data.get("bidirected", False))
        is_dir = _truthy(data.get("directed", not bi))
        if bi:
            bidirected.append((a, b))
        if is_dir:
            directed.append((a, b))
        extra = _scalar_attrs(data, _STRUCTURAL_EDGE)
        if extra:
            edge_attrs[(a, "->", b) if is_dir else (a, "<->", b)] = extra
    hidden = {str(n) for n in latent}
    hidden |= {str(n) for n, d in graph.nodes(data=True) if _is_latent(d)}
    attrs = {str(n): _scalar_attrs(d, {"latent"}) for n, d in graph.nodes(data=True)}
    return CausalGraph(
        directed=directed,
        bidirected=bidirected,
        nodes=[str(n) for n in graph.nodes],
        latent=hidden,
        attributes={n: a for n, a in attrs.items() if a},
        graph_attributes={
            str(k): str(v) for k, v in graph.graph.items() if isinstance(v, str | int | float)
        },
        edge_attributes=edge_attrs,
    )


def from_pgmpy(model: Any) -> CausalGraph:
    """A pgmpy ``DAG`` or ``BayesianNetwork`` (any pgmpy ``nx.DiGraph``) as a CausalGraph.

    Its ``latents`` become explicit latents; CPDs and other model parts are not read.

    Raises
    ------
    GraphError
        ``model`` is not a directed pgmpy graph (e.g. a ``MarkovNetwork``).
    """
    if not isinstance(model, nx.DiGraph):
        raise GraphError(
            f"pgmpy {type(model).__name__} is not a directed graph; give a pgmpy DAG or "
            "BayesianNetwork"
        )
    plain = nx.DiGraph()
    plain.add_nodes_from(model.nodes)
    plain.add_edges_from(model.edges)
    return from_networkx(plain, latent=getattr(model, "latents", ()) or ())


def _module(obj: Any) -> str:
    return type(obj).__module__.split(".")[0]


def from_any(obj: Any) -> CausalGraph:
    """Any supported graph object or text as a :class:`CausalGraph`.

    Accepted: a ``CausalGraph``; dagitty, DOT, GML or edge-string text, or a path to a
    file of one (see :func:`~rung.graph.io.read_graph`); ``bytes`` of such text (UTF-8); a
    networkx ``DiGraph``; a pgmpy ``DAG`` / ``BayesianNetwork``; DoWhy's graph forms
    (networkx ``DiGraph``, GML or DOT string, and the older ``dowhy`` ``CausalGraph`` object).

    Raises
    ------
    GraphError
        ``obj`` is none of these (the message lists them).

    Examples
    --------
    >>> import networkx as nx
    >>> from_any(nx.DiGraph([("X", "Y")])) == from_any("dag { X -> Y }") == from_any("X -> Y")
    True
    """
    from rung.graph.io import read_graph

    if isinstance(obj, CausalGraph):
        return obj
    if isinstance(obj, str | os.PathLike):
        return read_graph(obj)
    if isinstance(obj, bytes):
        try:
            return read_graph(obj.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise GraphError(f"graph bytes are not UTF-8 text ({exc.reason} at byte "
                             f"{exc.start}); give {_FORMATS}") from None
    if _module(obj) == "pgmpy":
        return from_pgmpy(obj)
    if isinstance(obj, nx.Graph):
        return from_networkx(obj)
    inner = getattr(obj, "_graph", None)
    if _module(obj) == "dowhy" and isinstance(inner, nx.DiGraph):
        return from_networkx(inner)
    raise GraphError(f"cannot read a graph from a {type(obj).__name__}; give {_FORMATS}")
