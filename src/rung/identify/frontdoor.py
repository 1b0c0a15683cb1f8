"""The front-door criterion (Pearl 1995; Causality, 2nd ed., Definition 3.3.3).

A set ``M`` satisfies the front-door criterion for ``(X, Y)`` when (i) ``M`` intercepts
every directed path from ``X`` to ``Y``, (ii) no back-door path from ``X`` to ``M`` is open,
and (iii) every back-door path from ``M`` to ``Y`` is blocked by ``X``. Then
``P(y | do(x)) = Σ_m P(m | x) Σ_x' P(y | m, x') P(x')``.
"""

from __future__ import annotations

from itertools import combinations

from rung.graph import CausalGraph, NodeSet
from rung.identify._bits import BitGraph, bits
from rung.identify._ir import Node, marg, prod, term
from rung.identify._query import bit_query
from rung.identify.adjustment import AdjustmentSearchError

__all__ = ["find_frontdoor_sets", "frontdoor_estimand", "is_frontdoor_set"]


def frontdoor_ok(bg: BitGraph, x: int, y: int, m: int) -> bool:
    """The three front-door conditions on bitmasks."""
    if not m or m & (x | y):
        return False
    # (i) no directed path from X to Y avoiding M
    if bg.descendants(x, bg.full & ~m) & y:
        return False
    # (ii) X and M m-separated once edges out of X are removed
    if bg.m_connected(x, m, 0, cut_out=x):
        return False
    # (iii) M and Y m-separated given X once edges out of M are removed
    return not bg.m_connected(m, y, x, cut_out=m)


def frontdoor_estimand(x: int, y: int, m: int) -> Node:
    """IR of ``Σ_m P(m | x) Σ_x' P(y | m, x') P(x')``."""
    inner = marg(x, prod([term(y, m | x), term(x)]))
    return marg(m, prod([term(m, x), inner]))


def candidate_mask(bg: BitGraph, x: int, y: int) -> int:
    """Nodes strictly between X and Y on directed paths (where a front-door set must lie)."""
    return bg.descendants(x, bg.full) & bg.ancestors(y, bg.full) & ~(x | y)


def is_frontdoor_set(
    graph: CausalGraph, treatment: NodeSet, outcome: NodeSet, mediators: NodeSet
) -> bool:
    """True when ``mediators`` satisfies the front-door criterion for the effect.

    Examples
    --------
    >>> g = CausalGraph.from_edges("X -> M -> Y; X <-> Y")
    >>> is_frontdoor_set(g, "X", "Y", "M")
    True
    """
    bg, _, _, x, y = bit_query(graph, treatment, outcome)
    m = graph.projected().check_nodes(mediators)
    return frontdoor_ok(bg, x, y, bg.mask(m))


def find_frontdoor_sets(
    graph: CausalGraph, treatment: NodeSet, outcome: NodeSet, *, max_candidates: int = 16
) -> list[frozenset[str]]:
    """All minimal front-door sets, smallest first (an empty list when there is none).

    Examples
    --------
    >>> g = CausalGraph.from_edges("X -> M1 -> Y; X -> M2 -> Y; X <-> Y")
    >>> [sorted(s) for s in find_frontdoor_sets(g, "X", "Y")]
    [['M1', 'M2']]
    """
    bg, _, _, xm, ym = bit_query(graph, treatment, outcome)
    nodes = list(bits(candidate_mask(bg, xm, ym)))
    if len(nodes) > max_candidates:
        raise AdjustmentSearchError(
            f"{len(nodes)} candidate mediators exceed max_candidates={max_candidates}; "
            "raise max_candidates"
        )
    found: list[int] = []
    for k in range(1, len(nodes) + 1):
        for combo in combinations(nodes, k):
            m = sum(1 << i for i in combo)
            if not any(f & m == f for f in found) and frontdoor_ok(bg, xm, ym, m):
                found.append(m)
    return [bg.names_of(m) for m in found]
