"""Graphs in the run directory: JSON for the workflow, DOT for the analyst to edit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rung.graph import CausalGraph, GraphError
from rung.workflow.inputs import InputError

__all__ = ["graph_from_json", "graph_to_dot", "graph_to_json", "read_analyst_graph"]


def graph_to_json(g: CausalGraph) -> dict[str, Any]:
    """Nodes, directed and bidirected edges as lists (latent nodes projected out)."""
    g = g.projected()
    return {
        "nodes": list(g.nodes),
        "directed": [list(e) for e in g.directed_edges],
        "bidirected": [list(e) for e in g.bidirected_edges],
    }


def graph_from_json(obj: Mapping[str, Any]) -> CausalGraph:
    """Inverse of :func:`graph_to_json`."""
    return CausalGraph(
        directed=[tuple(e) for e in obj["directed"]],
        bidirected=[tuple(e) for e in obj["bidirected"]],
        nodes=obj["nodes"],
    )


def graph_to_dot(g: CausalGraph, name: str = "G") -> str:
    """DOT text the analyst can edit and pass back with ``--graph`` (via rung.graph.io)."""
    from rung.graph.parse_dot import to_dot

    text = to_dot(g)
    return text if text.endswith("\n") else text + "\n"


def read_analyst_graph(source: str, columns: Sequence[str],
                       query: tuple[str, str] | None = None) -> CausalGraph:
    """Read the analyst's reviewed graph (path or text); its nodes are the data columns.

    Every data column must be a node of the graph (an isolated node is fine: ``X;`` in
    DOT): a column left out would silently become a node without edges, changing the
    effect (a graph without the treatment gives effect 0 on one estimator and not on
    another). Nodes declared latent must not be data columns, and the treatment and the
    outcome (``query``) must be observed.

    Raises
    ------
    InputError
        The file is missing or unreadable, names a node that is not a column (latent nodes
        declared as such are allowed), leaves out a data column, or declares a data column
        (or the treatment or outcome) latent.

    Examples
    --------
    >>> read_analyst_graph("Z -> X -> Y; Z -> Y", ["Z", "X", "Y"]).directed_edges
    (('Z', 'X'), ('X', 'Y'), ('Z', 'Y'))
    >>> read_analyst_graph("Z -> Y", ["Z", "X", "Y"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rung.workflow.inputs.InputError: --graph leaves out the data columns ['X']; add them ...
    """
    from rung.graph.io import read_graph

    try:
        g = read_graph(source)
    except (GraphError, OSError) as exc:
        raise InputError(f"--graph: {' '.join(str(exc).split())}") from None
    unknown = sorted(n for n in g.nodes if n not in columns)
    if unknown:
        raise InputError(
            f"--graph names {unknown}, which are not data columns {list(columns)}; "
            "mark unobserved nodes as latent or use <-> edges"
        )
    latent_cols = sorted(n for n in g.latent if n in columns)
    if query is not None:
        for role, name in zip(("treatment", "outcome"), query, strict=True):
            if name in g.latent:
                raise InputError(f"--graph declares the {role} {name!r} latent; an effect "
                                 "needs an observed treatment and outcome: remove the latent "
                                 "mark")
    if latent_cols:
        raise InputError(f"--graph declares the data columns {latent_cols} latent; remove "
                         "their latent mark (they are observed) or drop them from the data")
    missing = [c for c in columns if c not in g.all_nodes]
    if missing:
        raise InputError(f"--graph leaves out the data columns {missing}; add them to the "
                         "graph (as isolated nodes if they have no edges) or drop them from "
                         "the data")
    return g
