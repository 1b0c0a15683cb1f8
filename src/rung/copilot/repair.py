"""Cycle repair: drop the least confident edge of each directed cycle until none is left."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import networkx as nx

from rung.copilot.results import ProposedEdge
from rung.graph import CausalGraph

__all__ = ["repair_cycles"]


def repair_cycles(
    nodes: Sequence[str], edges: Sequence[ProposedEdge]
) -> tuple[CausalGraph, list[ProposedEdge], list[dict[str, Any]]]:
    """Build an acyclic graph from ``edges``, dropping the least confident edge of each cycle.

    Returns the graph, the kept edges and one repair record per dropped edge
    (``{"cycle": [...], "dropped": {"from", "to", "confidence"}}``).

    Examples
    --------
    >>> e = [ProposedEdge("a", "b", 0.9, 2, 2), ProposedEdge("b", "c", 0.8, 2, 2),
    ...      ProposedEdge("c", "a", 0.6, 1, 2)]
    >>> g, kept, repairs = repair_cycles(["a", "b", "c"], e)
    >>> g.directed_edges, repairs[0]["dropped"]["from"]
    ((('a', 'b'), ('b', 'c')), 'c')
    """
    kept = list(edges)
    repairs: list[dict[str, Any]] = []
    while (cycle := _find_cycle(kept)) is not None:
        on_cycle = {(cycle[i], cycle[(i + 1) % len(cycle)]) for i in range(len(cycle))}
        candidates = [e for e in kept if (e.source, e.target) in on_cycle]
        worst = min(candidates, key=lambda e: (e.confidence, e.votes, e.source, e.target))
        kept.remove(worst)
        repairs.append(
            {
                "cycle": [*cycle, cycle[0]],
                "dropped": {
                    "from": worst.source,
                    "to": worst.target,
                    "confidence": worst.confidence,
                },
            }
        )
    graph = CausalGraph(directed=[(e.source, e.target) for e in kept], nodes=list(nodes))
    return graph, kept, repairs


def _find_cycle(edges: Sequence[ProposedEdge]) -> list[str] | None:
    """One directed cycle (its nodes in order), or None."""
    g = nx.DiGraph([(e.source, e.target) for e in edges])
    try:
        found = nx.find_cycle(g)
    except nx.NetworkXNoCycle:
        return None
    return [str(a) for a, _ in found]
