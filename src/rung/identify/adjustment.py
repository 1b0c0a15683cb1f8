"""Covariate adjustment in ADMGs: the generalised adjustment criterion, minimal and canonical sets.

References
----------
Shpitser, VanderWeele & Robins (2010). On the validity of covariate adjustment. UAI.
Perković, Textor, Kalisch & Maathuis (2018). Complete graphical characterization and
construction of adjustment sets in Markov equivalence classes of ancestral graphs. JMLR 18.
van der Zander, Liśkiewicz & Textor (2019). Separators and adjustment sets in causal graphs:
complete criteria and an algorithmic framework. Artificial Intelligence 270 (FindAdj and
ListAdj with must-include ``I`` and allowed ``R`` sets, Sections 4-5).

``Z`` is a valid adjustment set for ``(X, Y)`` when ``P(y | do(x)) = Σ_z P(y | x, z) P(z)``.
The optimal set is in :mod:`rung.identify.optimal`, direct effects in
:mod:`rung.identify.direct`.
"""

from __future__ import annotations

from rung.graph import CausalGraph, NodeSet
from rung.identify._bits import BitGraph, lowest, union
from rung.identify._minsep import list_minimal_separators, moral_adjacency
from rung.identify._query import QueryError, bit_query

__all__ = [
    "AdjustmentSearchError",
    "find_adjustment_sets",
    "find_canonical_adjustment_set",
    "find_minimal_adjustment_sets",
    "is_valid_adjustment_set",
]


class AdjustmentSearchError(ValueError):
    """Listing all minimal sets would enumerate too many candidate subsets."""


def causal_nodes(bg: BitGraph, x: int, y: int) -> int:
    """cn(X, Y): nodes on proper causal paths from X to Y, X excluded (Y included)."""
    outside = bg.full & ~x
    start = union(bg.ch, x)
    de_xbar = bg.descendants(start & outside, outside)  # De(X) \ X in G without edges into X
    an_xunder = bg.ancestors(y, outside)  # An(Y) in G without edges out of X
    return de_xbar & an_xunder


def forbidden_nodes(bg: BitGraph, x: int, cn: int) -> int:
    """forb(X, Y) = De(cn) ∪ X."""
    return bg.descendants(cn, bg.full) | x


def is_valid_mask(bg: BitGraph, x: int, y: int, z: int, cn: int, forb: int) -> bool:
    """The generalised adjustment criterion on masks (Perković et al. 2018, Definition 3.3)."""
    if z & (forb | y):
        return False
    # Z m-separates X and Y in the proper back-door graph (first edge of each proper
    # causal path removed)
    return not bg.m_connected(x, y, z, cut_from=x, cut_to=cn)


def query_masks(
    graph: CausalGraph, treatment: NodeSet, outcome: NodeSet
) -> tuple[BitGraph, int, int, int, int]:
    """``(bit graph, X, Y, cn, forb)`` of a checked query."""
    bg, _, _, xm, ym = bit_query(graph, treatment, outcome)
    cn = causal_nodes(bg, xm, ym)
    return bg, xm, ym, cn, forbidden_nodes(bg, xm, cn)


def find_optimal_adjustment_set(
    graph: CausalGraph, treatment: NodeSet, outcome: NodeSet
) -> frozenset[str] | None:
    """See :func:`rung.identify.optimal.find_optimal_adjustment_set` (its home now)."""
    from rung.identify.optimal import find_optimal_adjustment_set as find

    return find(graph, treatment, outcome)


def constraint_masks(
    graph: CausalGraph, bg: BitGraph, include: NodeSet, exclude: NodeSet,
    query: frozenset[str] = frozenset(),
) -> tuple[int, int]:
    """Masks of the must-include and must-exclude nodes, checked to be observed, disjoint
    and (for ``include``) outside the treatment and outcome nodes ``query``."""
    observed = graph.projected()
    inc, exc = observed.check_nodes(include), observed.check_nodes(exclude)
    if inc & exc:
        raise QueryError(f"{sorted(inc & exc)} both included and excluded: drop one of the two")
    if inc & query:
        raise QueryError(f"{sorted(inc & query)} is a treatment or outcome and cannot be in an "
                         "adjustment set: drop it from the included nodes")
    return bg.mask(inc), bg.mask(exc)


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
    bg, x, y, cn, forb = query_masks(graph, treatment, outcome)
    z = graph.projected().check_nodes(adjustment)
    return is_valid_mask(bg, x, y, bg.mask(z), cn, forb)


def find_sep(bg: BitGraph, x: int, y: int, must: int, allowed: int) -> int | None:
    """FindAdj(I, R): ``An(X ∪ Y ∪ I) ∩ R`` when valid, else None; a valid ``Z`` with
    ``I ⊆ Z ⊆ R`` exists iff it is (van der Zander et al. 2019, Theorem 4.4 / Lemma 5.2)."""
    cn = causal_nodes(bg, x, y)
    return _find_sep(bg, x, y, cn, forbidden_nodes(bg, x, cn), must, allowed)


def _find_sep(bg: BitGraph, x: int, y: int, cn: int, forb: int, must: int, allowed: int
              ) -> int | None:
    r = allowed & ~(x | y | forb)
    if must & ~r:
        return None
    z = bg.ancestors(x | y | must, bg.full) & r
    return z if is_valid_mask(bg, x, y, z, cn, forb) else None


def canonical_mask(bg: BitGraph, x: int, y: int) -> tuple[int, bool]:
    """Adjust(X, Y) = An(X ∪ Y) \\ (X ∪ Y ∪ forb) and whether it is valid; an adjustment set
    exists iff it is (van der Zander et al. 2019, Theorem 4.4)."""
    cn = causal_nodes(bg, x, y)
    forb = forbidden_nodes(bg, x, cn)
    z = bg.ancestors(x | y, bg.full) & ~(x | y | forb)
    return z, is_valid_mask(bg, x, y, z, cn, forb)


def count_valid_sets(bg: BitGraph, x: int, y: int, limit: int) -> int:
    """How many valid adjustment sets exist, counted up to ``limit`` (ListAdj of van der
    Zander et al. 2019, Algorithm 2: polynomial delay per set)."""
    cn = causal_nodes(bg, x, y)
    forb = forbidden_nodes(bg, x, cn)
    count = 0
    stack = [(0, bg.full & ~(x | y | forb))]
    while stack and count < limit:
        must, allowed = stack.pop()
        if _find_sep(bg, x, y, cn, forb, must, allowed) is None:
            continue
        free = allowed & ~must
        if not free:
            count += 1
            continue
        v = 1 << lowest(free)
        stack.append((must, allowed & ~v))
        stack.append((must | v, allowed))
    return count


def find_canonical_adjustment_set(
    graph: CausalGraph,
    treatment: NodeSet,
    outcome: NodeSet,
    *,
    include: NodeSet = (),
    exclude: NodeSet = (),
) -> frozenset[str] | None:
    """The canonical set ``An(X ∪ Y ∪ I) \\ (X ∪ Y ∪ forb ∪ exclude)``, or None when no
    valid set contains ``include`` and avoids ``exclude``.

    Examples
    --------
    >>> g = CausalGraph.from_edges("A -> X -> Y; A -> Y; B -> Y")
    >>> sorted(find_canonical_adjustment_set(g, "X", "Y"))
    ['A', 'B']
    >>> find_canonical_adjustment_set(g, "X", "Y", exclude="A") is None
    True
    """
    bg, xs, ys, x, y = bit_query(graph, treatment, outcome)
    inc, exc = constraint_masks(graph, bg, include, exclude, xs | ys)
    z = find_sep(bg, x, y, inc, bg.full & ~exc)
    return None if z is None else bg.names_of(z)


def minimal_masks(bg: BitGraph, x: int, y: int, must: int, allowed: int, max_sets: int
                  ) -> list[int]:
    """Minimal valid sets ``Z`` with ``must ⊆ Z ⊆ allowed``, smallest first: minimal
    separators in the moral graph of the proper back-door graph on ``An(X ∪ Y ∪ I)``
    (van der Zander et al. 2019, Section 5; listed by :mod:`rung.identify._minsep`)."""
    cn = causal_nodes(bg, x, y)
    forb = forbidden_nodes(bg, x, cn)
    if _find_sep(bg, x, y, cn, forb, must, allowed) is None:
        return []
    anc = bg.ancestors(x | y | must, bg.full)
    adj = moral_adjacency(bg, anc, cut_from=x, cut_to=cn)
    passable = anc & ~(allowed & ~(y | forb)) & ~x
    return sorted_minimal_separators(
        bg, adj, x, y, must, passable, max_sets, "minimal adjustment sets",
        "raise max_sets or use find_canonical_adjustment_set / find_optimal_adjustment_set")


def sorted_minimal_separators(bg: BitGraph, adj: list[int], x: int, y: int, must: int,
                              passable: int, max_sets: int, what: str,
                              advice: str = "raise max_sets") -> list[int]:
    """:func:`~rung.identify._minsep.list_minimal_separators`, smallest first (names break
    ties); more than ``max_sets`` raise :class:`AdjustmentSearchError` naming ``what``."""
    found = list_minimal_separators(adj, x, y, must, passable, max_sets + 1)
    if len(found) > max_sets:
        raise AdjustmentSearchError(f"more than max_sets={max_sets} {what}; {advice}")
    return sorted(found, key=lambda z: (z.bit_count(), sorted(bg.names_of(z))))


def find_minimal_adjustment_sets(
    graph: CausalGraph,
    treatment: NodeSet,
    outcome: NodeSet,
    *,
    include: NodeSet = (),
    exclude: NodeSet = (),
    max_sets: int = 1000,
) -> list[frozenset[str]]:
    """All minimal valid adjustment sets, smallest first (empty list when none exists).

    A set is minimal when no proper subset containing ``include`` is valid; sets never
    contain a node of ``exclude`` (dagitty's ``adjustmentSets``, whose ``[adjusted]`` nodes
    are must-include nodes). They are the minimal separators of ``X`` and ``Y`` in the moral
    graph of the proper back-door graph on ``An(X ∪ Y ∪ I)`` with the forbidden nodes
    passable (van der Zander et al. 2019), listed with polynomial delay (Takata 2010).

    Raises
    ------
    AdjustmentSearchError
        More than ``max_sets`` minimal sets exist.

    Examples
    --------
    >>> g = CausalGraph.from_edges("A -> B -> X -> Y; A -> C -> Y")
    >>> [sorted(s) for s in find_minimal_adjustment_sets(g, "X", "Y")]
    [['A'], ['B'], ['C']]
    >>> [sorted(s) for s in find_minimal_adjustment_sets(g, "X", "Y", include="A",
    ...                                                   exclude="C")]
    [['A']]
    """
    bg, xs, ys, x, y = bit_query(graph, treatment, outcome)
    inc, exc = constraint_masks(graph, bg, include, exclude, xs | ys)
    found = minimal_masks(bg, x, y, inc, bg.full & ~exc, max_sets)
    return [bg.names_of(z) for z in found]


def find_adjustment_sets(
    graph: CausalGraph,
    treatment: NodeSet,
    outcome: NodeSet,
    *,
    max_sets: int = 1000,
) -> list[frozenset[str]]:
    """All minimal valid adjustment sets: :func:`find_minimal_adjustment_sets` without
    constraints (the original name, kept).

    Examples
    --------
    >>> g = CausalGraph.from_edges("A -> B -> X -> Y; A -> C -> Y")
    >>> len(find_adjustment_sets(g, "X", "Y"))
    3
    """
    return find_minimal_adjustment_sets(graph, treatment, outcome, max_sets=max_sets)
