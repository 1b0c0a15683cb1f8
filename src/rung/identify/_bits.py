"""An ADMG as int bitmasks: the hot path of identification avoids sets and networkx.

Node ``i`` is bit ``1 << i``, numbered in a topological order of the (projected) graph, so
``prefix[i]`` (the bits below ``i``) is the set of predecessors of node ``i``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from rung.graph import CausalGraph

__all__ = ["BitGraph", "bit_graph", "bits", "lowest"]


def bits(mask: int) -> Iterator[int]:
    """Indices of the set bits of ``mask``, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def lowest(mask: int) -> int:
    """Index of the lowest set bit of a non-zero ``mask``."""
    return (mask & -mask).bit_length() - 1


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
    def _closure(self, start: int, step: list[int], within: int) -> int:
        seen = start
        frontier = start
        while frontier:
            new = 0
            for i in bits(frontier):
                new |= step[i]
            new &= within & ~seen
            seen |= new
            frontier = new
        return seen

    def ancestors(self, mask: int, within: int) -> int:
        """Ancestors of ``mask`` (included) in the subgraph induced by ``within``."""
        return self._closure(mask & within, self.pa, within)

    def descendants(self, mask: int, within: int) -> int:
        """Descendants of ``mask`` (included) in the subgraph induced by ``within``."""
        return self._closure(mask & within, self.ch, within)

    def ancestors_cut(self, mask: int, within: int, cut: int) -> int:
        """Ancestors of ``mask`` within ``within`` when edges into ``cut`` are removed."""
        seen = mask & within
        frontier = seen
        while frontier:
            new = 0
            for i in bits(frontier & ~cut):
                new |= self.pa[i]
            new &= within & ~seen
            seen |= new
            frontier = new
        return seen

    def district(self, mask: int, within: int) -> int:
        """The district (c-component) of ``within`` that contains ``mask``."""
        return self._closure(mask & within, self.sp, within)

    def districts(self, within: int) -> list[int]:
        """The districts of the subgraph induced by ``within``, lowest node first."""
        out: list[int] = []
        rest = within
        while rest:
            d = self._closure(rest & -rest, self.sp, within)
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
        pa, ch, sp = self.pa, self.ch, self.sp

        def parents(i: int) -> int:
            if (cut_in >> i) & 1:
                return 0
            p = pa[i] & ~cut_out
            return p & ~cut_from if (cut_to >> i) & 1 else p

        def children(i: int) -> int:
            if (cut_out >> i) & 1:
                return 0
            c = ch[i] & ~cut_in
            return c & ~cut_to if (cut_from >> i) & 1 else c

        def spouses(i: int) -> int:
            return 0 if (cut_in >> i) & 1 else sp[i] & ~cut_in

        anc_z = 0
        frontier = zs
        anc_z = zs
        while frontier:
            new = 0
            for i in bits(frontier):
                new |= parents(i)
            new &= ~anc_z
            anc_z |= new
            frontier = new
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
                up |= parents(i) & ~seen_up
                down |= (children(i) | spouses(i)) & ~seen_down
            else:
                i = lowest(down)
                down &= down - 1
                if (seen_down >> i) & 1:
                    continue
                seen_down |= 1 << i
                if (ys >> i) & 1 and not (zs >> i) & 1:
                    return True
                if not (zs >> i) & 1:
                    down |= children(i) & ~seen_down
                if (anc_z >> i) & 1:
                    up |= parents(i) & ~seen_up
                    down |= spouses(i) & ~seen_down
        return False


@lru_cache(maxsize=64)
def bit_graph(graph: CausalGraph) -> BitGraph:
    """The cached :class:`BitGraph` of ``graph`` (graphs are immutable and hashable)."""
    return BitGraph(graph)
