"""An ADMG as int bitmasks: the hot path of identification avoids sets and networkx.

Node ``i`` is bit ``1 << i``, numbered in a topological order of the (projected) graph, so
``prefix[i]`` (the bits below ``i``) is the set of predecessors of node ``i``.

Every search here moves whole frontiers: the next frontier is the union of one precomputed
mask per frontier node (:func:`union`), so each node costs one list lookup and one OR.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache, reduce
from itertools import compress
from operator import or_
from typing import TypeVar

from rung.graph import CausalGraph

_T = TypeVar("_T")

__all__ = ["BitGraph", "bit_graph", "bits", "clear_cache", "lowest", "reach", "select", "union"]


def bits(mask: int) -> Iterator[int]:
    """Indices of the set bits of ``mask``, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def lowest(mask: int) -> int:
    """Index of the lowest set bit of a non-zero ``mask``."""
    return (mask & -mask).bit_length() - 1


_FLAGS = bytes.maketrans(b"01", b"\x00\x01")
_FEW = 8  # below this many set bits a plain loop beats building a selector


def select(items: Sequence[_T], mask: int) -> Iterator[_T]:
    """``items[i]`` for the set bits ``i`` of ``mask``, lowest first (selection runs in C)."""
    return compress(items, bin(mask)[:1:-1].encode().translate(_FLAGS))


def union(masks: Sequence[int], sel: int) -> int:
    """OR of ``masks[i]`` over the set bits ``i`` of ``sel``."""
    if sel.bit_count() > _FEW:
        return reduce(or_, select(masks, sel), 0)
    out = 0
    while sel:
        low = sel & -sel
        out |= masks[low.bit_length() - 1]
        sel ^= low
    return out


def reach(start: int, step: Sequence[int], within: int = -1, skip: int = 0) -> int:
    """``start`` and every node reachable from it by repeated ``step`` inside ``within``.

    ``step[i]`` is the bitmask of the next nodes from node ``i``; nodes in ``skip`` are
    reached but not stepped from. ``within=-1`` means no bound.
    """
    seen = frontier = start
    while frontier:
        frontier = union(step, frontier & ~skip) & within & ~seen
        seen |= frontier
    return seen


@lru_cache(maxsize=8)
def _units(n: int) -> tuple[int, ...]:
    """``(1 << 0, ..., 1 << (n - 1))``: shared across graphs of the same size."""
    return tuple(1 << i for i in range(n))


def _step(adj: Sequence[int], sel: int, cut_here: int, cut_there: int) -> int:
    """The ``adj`` neighbours of ``sel``, without those in ``cut_there`` of its nodes in
    ``cut_here`` (the cut edges between the two)."""
    if sel & cut_here:
        return union(adj, sel & ~cut_here) | union(adj, sel & cut_here) & ~cut_there
    return union(adj, sel)


class _CutView:
    """Set-level parents, children and spouses of a :class:`BitGraph` with some edges cut:
    edges into ``cut_in`` (directed and bidirected), directed edges out of ``cut_out``,
    and directed edges from ``cut_from`` into ``cut_to``."""

    __slots__ = ("bg", "cut_from", "cut_in", "cut_out", "cut_to")

    def __init__(self, bg: BitGraph, cut_in: int, cut_out: int, cut_from: int, cut_to: int
                 ) -> None:
        self.bg, self.cut_in, self.cut_out = bg, cut_in, cut_out
        self.cut_from, self.cut_to = cut_from, cut_to

    def parents(self, sel: int) -> int:
        """Parents of the nodes of ``sel``."""
        return _step(self.bg.pa, sel & ~self.cut_in, self.cut_to, self.cut_from) & ~self.cut_out

    def children(self, sel: int) -> int:
        """Children of the nodes of ``sel``."""
        return _step(self.bg.ch, sel & ~self.cut_out, self.cut_from, self.cut_to) & ~self.cut_in

    def spouses(self, sel: int) -> int:
        """Spouses of the nodes of ``sel``."""
        return union(self.bg.sp, sel & ~self.cut_in) & ~self.cut_in


def _bayes_ball(view: _CutView, xs: int, ys: int, zs: int) -> bool:
    """True when a path from ``xs`` reaches ``ys`` unblocked by ``zs`` in ``view``.

    Breadth-first over (node, arrival) states, one whole frontier per step: ``up`` nodes
    were entered by a tail (or are starts), ``down`` nodes by an arrowhead. A non-collider
    passes when outside ``zs``; a collider passes when in ``An(zs)``. The search stays in
    ``An(xs ∪ ys ∪ zs)``: m-separation there equals m-separation in the whole graph.
    """
    anc_z = _ancestors(view, zs, 0)
    keep = _ancestors(view, xs | ys, anc_z)
    up, down = xs, 0
    seen_up = seen_down = 0
    while up or down:
        if up & ys or down & ys & ~zs:
            return True
        seen_up |= up
        seen_down |= down
        through = up & ~zs  # tail-entered non-colliders: leave by any edge
        bounce = down & anc_z  # arrowhead-entered colliders: leave by an arrowhead
        up = view.parents(through | bounce) & ~seen_up
        down = (view.children(through | down & ~zs) | view.spouses(through | bounce)
                ) & keep & ~seen_down
    return False


def _m_reachable(view: _CutView, xs: int, zs: int, keep: int) -> int:
    """Nodes of ``keep`` outside ``xs ∪ zs`` m-connected to ``xs`` given ``zs``: the
    frontier search of :func:`_bayes_ball` run to exhaustion inside ``keep``, an ancestral
    set holding ``xs ∪ zs`` (exact for its nodes: m-connection of ``x`` and ``v`` given
    ``zs`` is decided in ``An(x ∪ v ∪ zs)``)."""
    anc_z = _ancestors(view, zs, 0)
    up, down = xs, 0
    seen_up = seen_down = 0
    while up or down:
        seen_up |= up
        seen_down |= down
        through = up & ~zs
        bounce = down & anc_z
        up = view.parents(through | bounce) & ~seen_up
        down = (view.children(through | down & ~zs) | view.spouses(through | bounce)
                ) & keep & ~seen_down
    return (seen_up | seen_down) & ~(xs | zs)


def _ancestors(view: _CutView, start: int, known: int) -> int:
    """``known`` (an ancestral set of ``view``) with the ancestors of ``start`` in ``view``."""
    seen = known | start
    frontier = start & ~known
    while frontier:
        frontier = view.parents(frontier) & ~seen
        seen |= frontier
    return seen


class BitGraph:
    """Bitmask view of the latent projection of a :class:`CausalGraph`."""

    __slots__ = ("ch", "full", "index", "n", "names", "pa", "sp")

    def __init__(self, graph: CausalGraph) -> None:
        g = graph.projected()
        self.names: tuple[str, ...] = g.topological_order()
        self.index: dict[str, int] = {v: i for i, v in enumerate(self.names)}
        self.n = len(self.names)
        self.full = (1 << self.n) - 1
        idx, unit = self.index, _units(self.n)
        pa = [0] * self.n
        ch = [0] * self.n
        for a, b in g.directed_edges:
            i, j = idx[a], idx[b]
            pa[j] |= unit[i]
            ch[i] |= unit[j]
        sp = [0] * self.n
        for a, b in g.bidirected_edges:
            i, j = idx[a], idx[b]
            sp[i] |= unit[j]
            sp[j] |= unit[i]
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
        return frozenset(select(self.names, mask))

    # ------------------------------------------------------------------ reachability
    def ancestors(self, mask: int, within: int) -> int:
        """Ancestors of ``mask`` (included) in the subgraph induced by ``within``."""
        return reach(mask & within, self.pa, within)

    def descendants(self, mask: int, within: int) -> int:
        """Descendants of ``mask`` (included) in the subgraph induced by ``within``."""
        return reach(mask & within, self.ch, within)

    def ancestors_cut(self, mask: int, within: int, cut: int) -> int:
        """Ancestors of ``mask`` within ``within`` when edges into ``cut`` are removed."""
        return reach(mask & within, self.pa, within, skip=cut)

    def district(self, mask: int, within: int) -> int:
        """The district (c-component) of ``within`` that contains ``mask``."""
        return reach(mask & within, self.sp, within)

    def districts(self, within: int) -> list[int]:
        """The districts of the subgraph induced by ``within``, lowest node first."""
        out: list[int] = []
        rest = within
        while rest:
            d = reach(rest & -rest, self.sp, within)
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

    def m_reachable(self, xs: int, zs: int, targets: int = -1) -> int:
        """Nodes outside ``xs ∪ zs`` m-connected to ``xs`` given ``zs``; exact for the nodes
        of ``targets`` (default: all), searching only ``An(xs ∪ zs ∪ targets)``."""
        view = _CutView(self, 0, 0, 0, 0)
        keep = -1 if targets == -1 else _ancestors(view, xs | zs | targets, 0)
        return _m_reachable(view, xs, zs, keep)


_CACHE: dict[int, tuple[CausalGraph, BitGraph]] = {}
_CACHE_SIZE = 64


def bit_graph(graph: CausalGraph) -> BitGraph:
    """The cached :class:`BitGraph` of ``graph``.

    Keyed by identity (hashing a large graph costs as much as a query); the graph is held
    so that its id cannot be reused while cached. The oldest entry goes first when full.
    """
    hit = _CACHE.get(id(graph))
    if hit is not None and hit[0] is graph:
        return hit[1]
    bg = BitGraph(graph)
    if len(_CACHE) >= _CACHE_SIZE:
        del _CACHE[next(iter(_CACHE))]
    _CACHE[id(graph)] = (graph, bg)
    return bg


def clear_cache() -> None:
    """Forget every cached :class:`BitGraph` (benchmarks time a cold start with it)."""
    _CACHE.clear()
