"""A DAG as integer bitsets, for fast repeated separation queries on one graph.

Bidirected edges become explicit latent parents (``a <- U -> b``), so m-separation in the
ADMG is d-separation here with the latents never conditioned on. Node ``i`` is bit ``i``.
"""

from __future__ import annotations

from collections.abc import Iterator

from rung.graph.core import CausalGraph

__all__ = ["BitDAG", "bits"]


def bits(x: int) -> Iterator[int]:
    """The indices of the set bits of ``x``, lowest first.

    Examples
    --------
    >>> list(bits(0b10110))
    [1, 2, 4]
    """
    while x:
        low = x & -x
        yield low.bit_length() - 1
        x ^= low


class BitDAG:
    """Parents, children and ancestors of every node of ``g`` (latents made explicit)."""

    def __init__(self, g: CausalGraph) -> None:
        from rung.graph.components import to_explicit_latents

        d = to_explicit_latents(g) if g.bidirected_edges else g
        self.names: tuple[str, ...] = d.all_nodes
        self.index = {n: i for i, n in enumerate(self.names)}
        n = len(self.names)
        self.pa = [0] * n
        self.ch = [0] * n
        for a, b in d.directed_edges:
            ia, ib = self.index[a], self.index[b]
            self.pa[ib] |= 1 << ia
            self.ch[ia] |= 1 << ib
        self.anc = [0] * n
        for name in d.topological_order(observed_only=False):
            i = self.index[name]
            acc = 1 << i
            for p in bits(self.pa[i]):
                acc |= self.anc[p]
            self.anc[i] = acc
        self.observed = sum(1 << self.index[v] for v in d.nodes)

    def mask(self, names: frozenset[str] | set[str]) -> int:
        """The bitset of ``names``."""
        return sum(1 << self.index[v] for v in names)

    def unmask(self, x: int) -> frozenset[str]:
        """The names of the set bits of ``x``."""
        return frozenset(self.names[i] for i in bits(x))

    def _moral_neighbours(self, i: int, area: int) -> int:
        """Neighbours of ``i`` in the moral graph of the sub-DAG on the ancestral ``area``."""
        kids = self.ch[i] & area
        out = self.pa[i] | kids
        for c in bits(kids):
            out |= self.pa[c]
        return out

    def reach(self, start: int, blocked: int, area: int, stop: int = 0, want: int = 0) -> int:
        """Nodes met by a search of the moral graph of ``area`` from ``start`` that does not
        pass through ``blocked`` (blocked nodes met are included); it ends early once it
        meets a node of ``stop``, or once it has met every node of ``want``."""
        seen = 1 << start
        frontier = [start]
        while frontier:
            new = self._moral_neighbours(frontier.pop(), area) & ~seen
            seen |= new
            if new & stop or (want and not want & ~seen):
                return seen
            frontier.extend(bits(new & ~blocked))
        return seen

    def minimal_separator(self, a: int, b: int, include: int = 0, restrict: int = -1) -> int | None:
        """An inclusion-minimal set of observed nodes that d-separates ``a`` and ``b`` and
        contains ``include`` (drawn from ``restrict``), or None when there is none.

        Algorithm FindMinSep of van der Zander, Liśkiewicz & Textor (2019, sec. 4), after
        Tian, Paz & Pearl (1998): in the moral graph of the ancestors of ``{a, b} ∪ I``,
        keep the candidates that the search from ``a`` meets, then those of them the search
        from ``b`` meets.
        """
        ends = (1 << a) | (1 << b)
        area = self.anc[a] | self.anc[b]
        for i in bits(include):
            area |= self.anc[i]
        cand = area & self.observed & restrict & ~ends | include
        met_a = self.reach(a, cand, area, stop=1 << b)
        if met_a >> b & 1:
            return None
        cand &= met_a | include
        met_b = self.reach(b, cand, area, want=cand & ~include)
        return cand & (met_b | include)
