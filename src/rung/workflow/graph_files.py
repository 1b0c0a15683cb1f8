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


def read_analyst_graph(source: str, columns: Sequence[str]) -> CausalGraph:
    """Read the analyst's reviewed graph (path or text); its nodes must be data columns.

    Raises
    ------
    InputError
        The file is missing or unreadable, or names a node that is not a column (latent
        nodes declared as such are allowed).
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
    missing = [c for c in columns if c not in g.nodes]
    if missing:
        g = CausalGraph(directed=g.directed_edges, bidirected=g.bidirected_edges,
                        nodes=[*g.all_nodes, *missing], latent=g.latent)
    return g
