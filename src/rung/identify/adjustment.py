"""Covariate adjustment in ADMGs: the generalised adjustment criterion, minimal and optimal sets.

References
----------
Shpitser, VanderWeele & Robins (2010). On the validity of covariate adjustment. UAI.
Perković, Textor, Kalisch & Maathuis (2018). Complete graphical characterization and
construction of adjustment sets in Markov equivalence classes of ancestral graphs. JMLR 18.
van der Zander, Liśkiewicz & Textor (2019). Separators and adjustment sets in causal graphs:
complete criteria and an algorithmic framework. Artificial Intelligence 270.
Henckel, Perković & Maathuis (2022). Graphical criteria for efficient total effect estimation
via adjustment in causal linear models. JRSS-B 84 (the optimal "O-set").
Runge (2021). Necessary and sufficient graphical conditions for optimal adjustment sets in
causal graphical models with hidden variables. NeurIPS (the O-set with bidirected edges).

``Z`` is a valid adjustment set for ``(X, Y)`` when ``P(y | do(x)) = Σ_z P(y | x, z) P(z)``.
"""

from __future__ import annotations

from itertools import combinations

from rung.graph import CausalGraph, NodeSet
from rung.identify._bits import BitGraph, bit_graph, bits, union
from rung.identify._query import check_query

__all__ = [
    "AdjustmentSearchError",
    "find_adjustment_sets",
    "find_canonical_adjustment_set",
    "find_optimal_adjustment_set",
    "is_valid_adjustment_set",
]


class AdjustmentSearchError(ValueError):
    """Listing all minimal sets would enumerate too many candidate subsets."""


def _causal_nodes(bg: BitGraph, x: int, y: int) -> int:
    """cn(X, Y): nodes on proper causal paths from X to Y, X excluded (Y included)."""
    outside = bg.full & ~x
    start = union(bg.ch, x)
    de_xbar = bg.descendants(start & outside, outside)  # De(X) \ X in G without edges into X
    an_xunder = bg.ancestors(y, outside)  # An(Y) in G without edges out of X
    return de_xbar & an_xunder


def _forbidden(bg: BitGraph, x: int, cn: int) -> int:
    """forb(X, Y) = De(cn) ∪ X."""
    return bg.descendants(cn, bg.full) | x


def _valid(bg: BitGraph, x: int, y: int, z: int, cn: int, forb: int) -> bool:
    if z & (forb | y):
        return False
    # Z m-separates X and Y in the proper back-door graph (first edge of each proper
    # causal path removed)
    return not bg.m_connected(x, y, z, cut_from=x, cut_to=cn)


def _masks(
    graph: CausalGraph, treatment: NodeSet, outcome: NodeSet
) -> tuple[BitGraph, int, int, int, int]:
    x, y, _ = check_query(graph, treatment, outcome)
    bg = bit_graph(graph)
    xm, ym = bg.mask(x), bg.mask(y)
    cn = _causal_nodes(bg, xm, ym)
    return bg, xm, ym, cn, _forbidden(bg, xm, cn)


def is_valid_adjustment_set(
    graph: CausalGraph, treatment: NodeSet, outcome: NodeSet, adjustment: NodeSet
) -> bool:
    """True when ``adjustment`` satisfies the generalised adjustment criterion.

    Examples
    --------
    >>> g = CausalGraph.from_edges("Z -> X -> Y; Z -> Y")
    >>> is_valid_adjustment_set(g, "X", "Y", {"Z"}), is_valid_adjustment_set(g, "X", "Y", ())
    (True, False)
    """
    bg, x, y, cn, forb = _masks(graph, treatment, outcome)
    z = graph.projected().check_nodes(adjustment)
    return _valid(bg, x, y, bg.mask(z), cn, forb)


def canonical_mask(bg: BitGraph, x: int, y: int) -> tuple[int, bool]:
    """Adjust(X, Y) = An(X ∪ Y) \\ (X ∪ Y ∪ forb) and whether it is valid; an adjustment set
    exists iff it is (van der Zander et al. 2019, Theorem 4.4)."""
    cn = _causal_nodes(bg, x, y)
    forb = _forbidden(bg, x, cn)
    z = bg.ancestors(x | y, bg.full) & ~(x | y | forb)
    return z, _valid(bg, x, y, z, cn, forb)


def o_set_mask(bg: BitGraph, x: int, y: int, cn: int, forb: int) -> int:
    """The O-set formula: ``(C ∪ pa(cn ∪ C)) \\ (forb ∪ Y)`` with ``C`` the nodes of
    An(X ∪ Y) \\ forb collider-connected to ``cn`` (Henckel et al. 2022; Runge 2021)."""
    # kept to An(X ∪ Y): a collider-connected descendant of X outside An(X ∪ Y)
    # (e.g. X -> W <-> Y) would open the path it sits on as a collider
    an = bg.ancestors(x | y, bg.full)
    coll = bg.district(cn, (an & ~forb) | cn) & ~forb
    return (coll | union(bg.pa, cn | coll)) & ~(forb | y)


def optimal_mask(bg: BitGraph, x: int, y: int) -> int | None:
    """The O-set, or None when no valid adjustment set exists."""
    cn = _causal_nodes(bg, x, y)
    if union(bg.sp, x) & cn:
        # X <-> C with C on a proper causal path: X <-> C -> ... -> Y runs through forbidden
        # nodes only, so no valid set can block it
        return None
    forb = _forbidden(bg, x, cn)
    o = o_set_mask(bg, x, y, cn, forb)
    if _valid(bg, x, y, o, cn, forb):
        return o
    z, ok = canonical_mask(bg, x, y)
    return z if ok else None


def find_canonical_adjustment_set(
    graph: CausalGraph, treatment: NodeSet, outcome: NodeSet
) -> frozenset[str] | None:
    """The canonical set An(X ∪ Y) \\ (X ∪ Y ∪ forb), or None when no set is valid."""
    x, y, _ = check_query(graph, treatment, outcome)
    bg = bit_graph(graph)
    z, ok = canonical_mask(bg, bg.mask(x), bg.mask(y))
    return bg.names_of(z) if ok else None


def find_optimal_adjustment_set(
    graph: CausalGraph, treatment: NodeSet, outcome: NodeSet
) -> frozenset[str] | None:
    """The optimal adjustment set O(X, Y) (smallest asymptotic variance), or None.

    In a DAG this is ``pa(cn) \\ forb`` (Henckel, Perković & Maathuis 2022); with bidirected
    edges the nodes collider-connected to ``cn`` and their parents are added (Runge 2021).
    Should that set fail the criterion, the canonical set is returned instead.

    Examples
    --------
    >>> g = CausalGraph.from_edges("A -> X -> M -> Y; A -> Y; B -> M; C -> X")
    >>> sorted(find_optimal_adjustment_set(g, "X", "Y"))
    ['A', 'B']
    """
    x, y, _ = check_query(graph, treatment, outcome)
    bg = bit_graph(graph)
    o = optimal_mask(bg, bg.mask(x), bg.mask(y))
    return None if o is None else bg.names_of(o)


def find_adjustment_sets(
    graph: CausalGraph,
    treatment: NodeSet,
    outcome: NodeSet,
    *,
    max_candidates: int = 20,
) -> list[frozenset[str]]:
    """All minimal valid adjustment sets, smallest first (empty list when none exists).

    Minimal sets lie inside ``An(X ∪ Y) \\ (X ∪ Y ∪ forb)``; its subsets are enumerated by
    size, skipping supersets of sets already found.

    Raises
    ------
    AdjustmentSearchError
        More than ``max_candidates`` candidate nodes (the search is exponential).

    Examples
    --------
    >>> g = CausalGraph.from_edges("A -> B -> X -> Y; A -> C -> Y")
    >>> [sorted(s) for s in find_adjustment_sets(g, "X", "Y")]
    [['A'], ['B'], ['C']]
    """
    bg, x, y, cn, forb = _masks(graph, treatment, outcome)
    cand, ok = canonical_mask(bg, x, y)
    if not ok:
        return []
    nodes = list(bits(cand))
    if len(nodes) > max_candidates:
        raise AdjustmentSearchError(
            f"{len(nodes)} candidate adjustment nodes exceed max_candidates={max_candidates}; "
            "raise max_candidates or use find_optimal_adjustment_set"
        )
    found: list[int] = []
    for k in range(len(nodes) + 1):
        for combo in combinations(nodes, k):
            z = sum(1 << i for i in combo)
            if any(f & z == f for f in found):
                continue
            if _valid(bg, x, y, z, cn, forb):
                found.append(z)
    return [bg.names_of(z) for z in found]

