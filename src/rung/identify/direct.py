"""Adjustment sets for the direct effect of ``X`` on ``Y`` (dagitty's ``effect="direct"``).

dagitty (``adjustmentSets(x, effect = "direct")``; ``GraphAnalyzer.listMsasDirectEffect``
and ``isAdjustmentSetDirectEffect`` in its JavaScript core) uses Pearl's single-door
criterion (Pearl 2009, *Causality*, 2nd ed., Theorem 5.3.1): ``Z`` identifies the direct
effect of ``X`` on ``Y`` when

1. ``Z`` contains no descendant of ``Y`` (dagitty: of the outcomes that descend from ``X``);
2. ``Z`` d-separates ``X`` and ``Y`` in the graph with the edges ``X -> Y`` removed.

In a linear SEM the direct effect is then the coefficient of ``X`` in the regression of
``Y`` on ``X`` and ``Z`` (dagitty: "the average direct effect is to be identified").
Mediators may be in ``Z`` (they must be, when
``X -> M -> Y``). A bidirected edge ``X <-> Y`` cannot be blocked, so then no set exists.
"""

from __future__ import annotations

from rung.graph import CausalGraph, NodeSet
from rung.identify._bits import BitGraph
from rung.identify._minsep import moral_adjacency
from rung.identify._query import bit_query
from rung.identify.adjustment import constraint_masks, sorted_minimal_separators

__all__ = ["find_direct_effect_adjustment_sets", "is_valid_direct_effect_adjustment_set"]


def _excluded(bg: BitGraph, x: int, y: int) -> int:
    """``X ∪ Y ∪ De(Y ∩ De(X))``: nodes no single-door set may contain."""
    return x | y | bg.descendants(y & bg.descendants(x, bg.full), bg.full)


def _separates(bg: BitGraph, x: int, y: int, z: int) -> bool:
    # directed edges X -> Y removed (dagitty's GraphTransformer.indirectGraph)
    return not bg.m_connected(x, y, z, cut_from=x, cut_to=y)


def is_valid_direct_effect_adjustment_set(
    graph: CausalGraph, treatment: NodeSet, outcome: NodeSet, adjustment: NodeSet
) -> bool:
    """True when ``adjustment`` meets the single-door criterion for ``X -> Y``.

    Examples
    --------
    >>> g = CausalGraph.from_edges("X -> M -> Y; X -> Y; Z -> X; Z -> Y")
    >>> is_valid_direct_effect_adjustment_set(g, "X", "Y", {"M", "Z"})
    True
    >>> is_valid_direct_effect_adjustment_set(g, "X", "Y", {"Z"})
    False
    """
    bg, _, _, xm, ym = bit_query(graph, treatment, outcome)
    z = bg.mask(graph.projected().check_nodes(adjustment))
    return not z & _excluded(bg, xm, ym) and _separates(bg, xm, ym, z)


def find_direct_effect_adjustment_sets(
    graph: CausalGraph,
    treatment: NodeSet,
    outcome: NodeSet,
    *,
    include: NodeSet = (),
    exclude: NodeSet = (),
    max_sets: int = 1000,
) -> list[frozenset[str]]:
    """All minimal single-door sets for the direct effect, smallest first.

    They are the minimal separators of ``X`` and ``Y`` in the moral graph of
    ``G[An(X ∪ Y ∪ I)]`` without the edges ``X -> Y``, descendants of ``Y`` passable
    (van der Zander, Liśkiewicz & Textor 2019; dagitty's ``listMsasDirectEffect``).

    Raises
    ------
    AdjustmentSearchError
        More than ``max_sets`` minimal sets exist.

    Examples
    --------
    >>> g = CausalGraph.from_edges("X -> M -> Y; X -> Y; Z -> X; Z -> Y")
    >>> [sorted(s) for s in find_direct_effect_adjustment_sets(g, "X", "Y")]
    [['M', 'Z']]
    """
    bg, xs, ys, x, y = bit_query(graph, treatment, outcome)
    inc, exc = constraint_masks(graph, bg, include, exclude, xs | ys)
    allowed = bg.full & ~(exc | _excluded(bg, x, y))
    if inc & ~allowed:
        return []
    anc = bg.ancestors(x | y | inc, bg.full)
    if not _separates(bg, x, y, anc & allowed):
        return []
    adj = moral_adjacency(bg, anc, cut_from=x, cut_to=y)
    found = sorted_minimal_separators(bg, adj, x, y, inc, anc & ~allowed & ~x, max_sets,
                                      "minimal single-door sets")
    return [bg.names_of(z) for z in found]
