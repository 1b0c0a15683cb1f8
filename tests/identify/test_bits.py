"""The bitmask graph against independent set-based references from :mod:`rung.graph`."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.graph import CausalGraph, is_m_separated
from rung.identify import find_canonical_adjustment_set, find_o_set
from rung.identify._bits import BitGraph, bit_graph, bits, clear_cache, select, union
from tests.identify.conftest import random_admg


def _cut_graph(
    g: CausalGraph, cut_in: set[str], cut_out: set[str], cut_from: set[str], cut_to: set[str]
) -> CausalGraph:
    """The graph with the edges that :meth:`BitGraph.m_connected` cuts removed explicitly."""
    directed = [
        (a, b) for a, b in g.directed_edges
        if b not in cut_in and a not in cut_out and not (a in cut_from and b in cut_to)
    ]
    bidirected = [(a, b) for a, b in g.bidirected_edges if a not in cut_in and b not in cut_in]
    return CausalGraph(directed=directed, bidirected=bidirected, nodes=g.nodes)


@given(st.integers(0, 2**32 - 1))
@settings(max_examples=150, deadline=None)
def test_m_connected_matches_set_based_m_separation(seed: int) -> None:
    rng = np.random.default_rng(seed)
    g = random_admg(rng, int(rng.integers(3, 9)), 0.35, 0.25)
    bg = BitGraph(g)
    names = list(g.nodes)

    def pick(k: int, avoid: set[str]) -> set[str]:
        pool = [v for v in names if v not in avoid]
        return {str(v) for v in rng.choice(pool, size=min(k, len(pool)), replace=False)}

    x = pick(int(rng.integers(1, 3)), set())
    y = pick(int(rng.integers(1, 3)), x)
    z = pick(int(rng.integers(0, 3)), x | y)
    cuts = [pick(int(rng.integers(0, 3)), set()) for _ in range(4)]
    want = not is_m_separated(_cut_graph(g, *cuts), x, y, z)
    got = bg.m_connected(
        bg.mask(x), bg.mask(y), bg.mask(z), cut_in=bg.mask(cuts[0]), cut_out=bg.mask(cuts[1]),
        cut_from=bg.mask(cuts[2]), cut_to=bg.mask(cuts[3]),
    )
    assert got == want


@given(st.integers(0, 2**600 - 1))
def test_select_and_union_follow_the_set_bits(mask: int) -> None:
    items = list(range(600))
    assert list(select(items, mask)) == list(bits(mask))
    masks = [(i * 7919) % 1021 for i in range(600)]
    want = 0
    for i in bits(mask):
        want |= masks[i]
    assert union(masks, mask) == want


def test_o_set_exists_exactly_when_the_canonical_set_does() -> None:
    # the shortcut X <-> (causal node) => no set must agree with the complete criterion
    rng = np.random.default_rng(7)
    seen_none = 0
    for _ in range(300):
        g = random_admg(rng, int(rng.integers(3, 8)), 0.4, 0.3)
        nodes = list(g.nodes)
        x = nodes[int(rng.integers(len(nodes) - 1))]
        de = sorted(g.descendants(x, include_self=False))
        if not de:
            continue
        y = de[int(rng.integers(len(de)))]
        canonical = find_canonical_adjustment_set(g, x, y)
        optimal = find_o_set(g, x, y)
        assert (canonical is None) == (optimal is None)
        seen_none += canonical is None
    assert seen_none > 20


def test_bit_graph_cache_is_per_object() -> None:
    clear_cache()
    g = CausalGraph.from_edges("X -> Y; X <-> Y")
    same = CausalGraph.from_edges("X -> Y; X <-> Y")
    assert bit_graph(g) is bit_graph(g)
    assert bit_graph(same) is not bit_graph(g)
    clear_cache()
    assert bit_graph(g).names == ("X", "Y")
