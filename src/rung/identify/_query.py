"""Validation of causal queries: names known, sets non-empty and disjoint."""

from __future__ import annotations

from typing import NamedTuple

from rung.graph import CausalGraph, NodeSet, as_node_set
from rung.identify._bits import BitGraph, bit_graph

__all__ = ["BitQuery", "QueryError", "bit_query", "check_query"]


class QueryError(ValueError):
    """A malformed causal query (empty or overlapping treatment, outcome and given sets)."""


def check_query(
    graph: CausalGraph, treatment: NodeSet, outcome: NodeSet, given: NodeSet = ()
) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Return the three sets, raising :class:`QueryError` or ``UnknownNodeError``."""
    x, y, z = as_node_set(treatment), as_node_set(outcome), as_node_set(given)
    _refuse_selection(graph)
    observed = graph.projected()
    for role, s in (("treatment", x), ("outcome", y), ("given", z)):
        hidden = sorted(s & graph.latent)
        if hidden:
            raise QueryError(f"{role} {hidden} are latent: a query may use observed nodes only")
        observed.check_nodes(s)
    if not x:
        raise QueryError("the treatment set is empty: name at least one treatment variable")
    if not y:
        raise QueryError("the outcome set is empty: name at least one outcome variable")
    for (a, sa), (b, sb) in ((("treatment", x), ("outcome", y)), (("treatment", x), ("given", z)),
                             (("outcome", y), ("given", z))):
        if sa & sb:
            raise QueryError(f"{sorted(sa & sb)} in both {a} and {b}: the sets must be disjoint")
    return x, y, z


class BitQuery(NamedTuple):
    """A checked query with the graph's bit form: the name sets and their masks."""

    bg: BitGraph
    xs: frozenset[str]
    ys: frozenset[str]
    x: int
    y: int


def bit_query(graph: CausalGraph, treatment: NodeSet, outcome: NodeSet) -> BitQuery:
    """:func:`check_query` without ``given``, then the masks of X and Y in :func:`bit_graph`.

    Examples
    --------
    >>> q = bit_query(CausalGraph.from_edges("X -> Y"), "X", "Y")
    >>> sorted(q.xs), q.bg.names_of(q.y)
    (['X'], frozenset({'Y'}))
    """
    xs, ys, _ = check_query(graph, treatment, outcome)
    bg = bit_graph(graph)
    return BitQuery(bg, xs, ys, bg.mask(xs), bg.mask(ys))


def _refuse_selection(graph: CausalGraph) -> None:
    """Identification here assumes no selection bias: a graph with ``[selected]`` nodes is
    refused rather than answered as if its data were unselected."""
    selected = sorted(graph.selected)
    if selected:
        raise QueryError(
            f"the graph marks {selected} as [selected] (the data were selected on them); "
            "rung identifies effects without selection bias only (recovery from selection "
            "bias, Bareinboim & Pearl 2012, is not implemented): remove the [selected] tag "
            "only if the data are not selected on these nodes")
