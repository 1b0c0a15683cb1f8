"""Listing every minimal separator of ``X`` and ``Y`` with must-include and must-exclude
nodes, on bitmasks: the adjustment sets of :mod:`rung.identify.adjustment` and the single-door
sets of :mod:`rung.identify.direct`.

m-separation by ``Z`` with ``I ⊆ Z ⊆ An(X ∪ Y ∪ I)`` equals separation in the moral graph of
the ancestral subgraph ``G[An(X ∪ Y ∪ I)]`` (Lauritzen et al. 1990; for ADMGs Richardson
2003: every district ``D`` with its parents ``pa(D)`` becomes a clique); minimal adjustment
sets are the minimal separators there of the proper back-door graph, the forbidden nodes
being passable but never part of a set (van der Zander, Liśkiewicz & Textor 2019,
Section 5). The listing is Takata's (2010) backtracking algorithm with polynomial delay in
the form dagitty uses (``GraphAnalyzer.listMinimalSeparators``): grow the ``X`` side ``A``
one boundary node at a time, or forbid that node from ever joining it; each leaf is the
separator closest to ``A``.
"""

from __future__ import annotations

from rung.identify._bits import BitGraph, bits, lowest, reach, union

__all__ = ["list_minimal_separators", "moral_adjacency"]


def moral_adjacency(bg: BitGraph, within: int, cut_from: int = 0, cut_to: int = 0
                    ) -> list[int]:
    """Neighbours of each node in the moral graph of ``G[within]`` with the directed edges
    from ``cut_from`` into ``cut_to`` removed: adjacent nodes, and every district together
    with its parents forms a clique."""
    pa = [p & within for p in bg.pa]
    for j in bits(cut_to & within):
        pa[j] &= ~cut_from
    adj = [0] * bg.n
    for j in bits(within):
        for i in bits(pa[j]):
            adj[i] |= 1 << j
            adj[j] |= 1 << i
        adj[j] |= bg.sp[j] & within
    for d in bg.districts(within):
        clique = d | union(pa, d)
        for i in bits(clique):
            adj[i] |= clique & ~(1 << i)
    return adj


def list_minimal_separators(
    adj: list[int], x: int, y: int, must: int, passable: int, limit: int
) -> list[int]:
    """Minimal ``(x, y)``-separators ``Z ⊇ must`` avoiding ``passable`` in the undirected
    graph ``adj``, at most ``limit`` of them (the caller checks that one exists)."""

    def real_n(v: int) -> int:
        """Neighbours of ``v`` outside ``v ∪ must``, looking through passable nodes."""
        seen = v | must
        frontier, out = v, 0
        while frontier:
            nb = union(adj, frontier) & ~seen
            seen |= nb
            out |= nb & ~passable
            frontier = nb & passable
        return out

    def near(a: int) -> int:
        c = reach(y, adj, ~(real_n(a) | must))
        return real_n(c)

    found: list[int] = []
    stack = [(x, y | union(adj, y))]
    while stack and len(found) < limit:
        a, u = stack.pop()
        sep = near(a)
        a_star = reach(x, adj, ~(sep | must))
        if a_star & u:
            continue
        boundary = real_n(a_star) & ~u
        if not boundary:
            found.append(sep | must)
            continue
        v = 1 << lowest(boundary)
        stack.append((a_star, u | v))
        stack.append((a_star | v, u))
    return found
