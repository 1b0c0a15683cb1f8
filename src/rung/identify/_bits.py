"""An ADMG as int bitmasks: the hot path of identification avoids sets and networkx.

Node ``i`` is bit ``1 << i``, numbered in a topological order of the (projected) graph, so
``prefix[i]`` (the bits below ``i``) is the set of predecessors of node ``i``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

from rung.graph import CausalGraph

__all__ = ["BitGraph", "bit_graph", "bits", "lowest", "reach"]


def bits(mask: int) -> Iterator[int]:
    """Indices of the set bits of ``mask``, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def lowest(mask: int) -> int:
    """Index of the lowest set bit of a non-zero ``mask``."""
    return (mask & -mask).bit_length() - 1


def reach(start: int, step: Callable[[int], int], within: int = -1, skip: int = 0) -> int:
    """``start`` and every node reachable from it by repeated ``step`` inside ``within``.

    ``step(i)`` is the bitmask of the next nodes from node ``i``; nodes in ``skip`` are
    reached but not stepped from. ``within=-1`` means no bound.
    """
    seen = frontier = start
    while frontier:
        new = 0
        for i in bits(frontier & ~skip):
            new |= step(i)
        new &= within & ~seen
        seen |= new
        frontier = new
    return seen


class _CutView:
    """Parents, children and spouses of a :class:`BitGraph` with some edges cut away:
    edges into ``cut_in`` (directed and bidirected), directed edges out of ``cut_out``,
    and directed edges from ``cut_from`` into ``cut_to``."""

    __slots__ = ("bg", "cut_from", "cut_in", "cut_out", "cut_to")

    def __init__(self, bg: BitGraph, cut_in: int, cut_out: int, cut_from: int, cut_to: int
                 ) -> None:
        self.bg, self.cut_in, self.cut_out = bg, cut_in, cut_out
        self.cut_from, self.cut_to = cut_from, cut_to

    def parents(self, i: int) -> int:
        if (self.cut_in >> i) & 1:
            return 0
        p = self.bg.pa[i] & ~self.cut_out
        return p & ~self.cut_from if (self.cut_to >> i) & 1 else p

    def children(self, i: int) -> int:
        if (self.cut_out >> i) & 1:
            return 0
        c = self.bg.ch[i] & ~self.cut_in
        return c & ~self.cut_to if (self.cut_from >> i) & 1 else c

    def spouses(self, i: int) -> int:
        return 0 if (self.cut_in >> i) & 1 else self.bg.sp[i] & ~self.cut_in


def _bayes_ball(view: _CutView, xs: int, ys: int, zs: int) -> bool:
    """True when a path from ``xs`` reaches ``ys`` unblocked by ``zs`` in ``view``."""
    anc_z = reach(zs, view.parents)
    up, down = xs, 0  # arrived by a tail (or start) / by an arrowhead
    seen_up, seen_down = 0, 0
    while up or down:
        if up:
            i = lowest(up)
            up &= up - 1
            if (seen_up >> i) & 1:
                continue
            seen_up |= 1 << i
            if (ys >> i) & 1:
                return True
            if (zs >> i) & 1:
                continue
            up |= view.parents(i) & ~seen_up
            down |= (view.children(i) | view.spouses(i)) & ~seen_down
        else:
            i = lowest(down)
            down &= down - 1
            if (seen_down >> i) & 1:
                continue
            seen_down |= 1 << i
            if (ys >> i) & 1 and not (zs >> i) & 1:
                return True
            if not (zs >> i) & 1:
                down |= view.children(i) & ~seen_down
            if (anc_z >> i) & 1:
                up |= view.parents(i) & ~seen_up
                down |= view.spouses(i) & ~seen_down
    return False


class BitGraph:
    """Bitmask view of the latent projection of a :class:`CausalGraph`."""

    __slots__ = ("ch", "full", "index", "n", "names", "pa", "sp")

    def __init__(self, graph: CausalGraph) -> None:
        g = graph.projected()
        self.names: tuple[str, ...] = g.topological_order()
        self.index: dict[str, int] = {v: i for i, v in enumerate(self.names)}
        self.n = len(self.names)
        self.full = (1 << self.n) - 1
        idx = self.index
        pa = [0] * self.n
        ch = [0] * self.n
        sp = [0] * self.n
        for a, b in g.directed_edges:
            i, j = idx[a], idx[b]
            pa[j] |= 1 << i
            ch[i] |= 1 << j
        for a, b in g.bidirected_edges:
            i, j = idx[a], idx[b]
            sp[i] |= 1 << j
            sp[j] |= 1 << i
        self.pa, self.ch, self.sp = pa, ch, sp

    # ------------------------------------------------------------------ conversions
    def mask(self, nodes: Iterable[str]) -> int:
        """Bitmask of node names."""
        m = 0
        for v in nodes:
            m |= 1 << self.index[v]
        return m

    def names_of(self, mask: int) -> frozenset[str]:
        """Node names of a bitmask."""
        return frozenset(self.names[i] for i in bits(mask))

    # ------------------------------------------------------------------ reachability
    def ancestors(self, mask: int, within: int) -> int:
        """Ancestors of ``mask`` (included) in the subgraph induced by ``within``."""
        return reach(mask & within, self.pa.__getitem__, within)

    def descendants(self, mask: int, within: int) -> int:
        """Descendants of ``mask`` (included) in the subgraph induced by ``within``."""
        return reach(mask & within, self.ch.__getitem__, within)

    def ancestors_cut(self, mask: int, within: int, cut: int) -> int:
        """Ancestors of ``mask`` within ``within`` when edges into ``cut`` are removed."""
        return reach(mask & within, self.pa.__getitem__, within, skip=cut)

    def district(self, mask: int, within: int) -> int:
        """The district (c-component) of ``within`` that contains ``mask``."""
        return reach(mask & within, self.sp.__getitem__, within)

    def districts(self, within: int) -> list[int]:
        """The districts of the subgraph induced by ``within``, lowest node first."""
        out: list[int] = []
        rest = within
        while rest:
            d = reach(rest & -rest, self.sp.__getitem__, within)
            out.append(d)
            rest &= ~d
        return out

    def prefix(self, i: int) -> int:
        """Nodes before ``i`` in the topological order."""
        return (1 << i) - 1

    # ------------------------------------------------------------------ m-separation
    def m_connected(
        self, xs: int, ys: int, zs: int, *, cut_in: int = 0, cut_out: int = 0,
        cut_from: int = 0, cut_to: int = 0,
    ) -> bool:
        """True when some node of ``xs`` is m-connected to ``ys`` given ``zs``.

        The graph is modified on the fly: edges into ``cut_in`` (directed and bidirected)
        and directed edges out of ``cut_out`` are removed, as are directed edges from
        ``cut_from`` into ``cut_to``.
        """
        return _bayes_ball(_CutView(self, cut_in, cut_out, cut_from, cut_to), xs, ys, zs)


@lru_cache(maxsize=64)
def bit_graph(graph: CausalGraph) -> BitGraph:
    """The cached :class:`BitGraph` of ``graph`` (graphs are immutable and hashable)."""
    return BitGraph(graph)
