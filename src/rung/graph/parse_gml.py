"""Read and write GML (Graph Modelling Language), as networkx and DoWhy write it.

::

    graph [
      directed 1
      node [ id 0 label "X" ]
      node [ id 1 label "Y" ]
      node [ id 2 label "U" observed "no" ]
      edge [ source 0 target 1 ]
      edge [ source 2 target 0 ]
      edge [ source 2 target 1 ]
    ]

The graph must be ``directed 1`` and not a multigraph. Node names are the ``label``
attributes (the ``id`` when no node has a label). The conventions are those of
:func:`~rung.graph.interop.from_networkx`: a node is latent with ``latent 1`` or with
DoWhy's ``observed "no"``, and an edge with ``bidirected 1`` is ``a <-> b``. Parsing and
writing use networkx's GML reader and writer. GML reserves the node keys ``id`` and
``label``, so node attributes of those names (e.g. DOT's ``label``) are written as ``id_`` and
``label_`` and read back under their own names.
"""

from __future__ import annotations

import re

import networkx as nx

from rung.graph.core import CausalGraph
from rung.graph.errors import GraphError, GraphSyntaxError
from rung.graph.interop import from_networkx, to_networkx

__all__ = ["parse_gml", "to_gml"]

_AT = re.compile(r"at \((\d+), (\d+)\)")
_RESERVED = {"id": "id_", "label": "label_"}
_RESTORED = {v: k for k, v in _RESERVED.items()}


def _read(text: str, label: str) -> nx.Graph:
    try:
        return nx.parse_gml(text, label=label)
    except nx.NetworkXError as exc:
        msg = str(exc)
        if "has no 'label' attribute" in msg and label == "label":
            return _read(text, "id")
        where = _AT.search(msg)
        line, col = (int(where.group(1)), int(where.group(2))) if where else (1, 1)
        msg = _AT.sub("", msg).strip().rstrip(",")
        raise GraphSyntaxError(f"GML: {msg}; fix the GML text", line, col, text) from None


def parse_gml(text: str) -> CausalGraph:
    """Parse GML text into a :class:`CausalGraph` (conventions in the module doc).

    Raises
    ------
    GraphSyntaxError
        The GML cannot be read (line and column when networkx gives them).
    GraphError
        The graph is undirected or a multigraph.

    Examples
    --------
    >>> g = parse_gml('graph [ directed 1 node [ id 0 label "X" ] node [ id 1 label "Y" ] '
    ...               'node [ id 2 label "U" observed "no" ] edge [ source 0 target 1 ] '
    ...               'edge [ source 2 target 0 ] edge [ source 2 target 1 ] ]')
    >>> g.nodes, sorted(g.latent), g.projected().bidirected_edges
    (('X', 'Y'), ['U'], (('X', 'Y'),))
    """
    graph = _read(text, "label")
    if not graph.is_directed():
        raise GraphError(
            "the GML graph is undirected (no 'directed 1'); a causal graph needs directed "
            "edges: add 'directed 1' after 'graph ['"
        )
    if graph.is_multigraph():
        raise GraphError(
            "the GML graph is a multigraph (repeated edges); a causal graph has at most one "
            "edge of each kind between two nodes: remove the repeated edges"
        )
    graph = nx.relabel_nodes(graph, str)
    for _, data in graph.nodes(data=True):
        for key in [k for k in data if k in _RESTORED]:
            data[_RESTORED[key]] = data.pop(key)
    return from_networkx(graph)


def to_gml(g: CausalGraph) -> str:
    """Write ``g`` as GML that :func:`parse_gml` reads back unchanged.

    Examples
    --------
    >>> text = to_gml(CausalGraph.from_edges("X -> Y; X <-> Y"))
    >>> parse_gml(text) == CausalGraph.from_edges("X -> Y; X <-> Y")
    True
    """
    graph = to_networkx(g)
    for _, data in graph.nodes(data=True):
        for key in [k for k in data if k in _RESERVED]:
            data[_RESERVED[key]] = data.pop(key)
    try:
        return "\n".join(nx.generate_gml(graph))
    except nx.NetworkXError as exc:
        raise GraphError(f"cannot write this graph as GML ({exc}): GML keys are letters, "
                         "digits and '_'; rename the attribute, or write dagitty or DOT") from None
