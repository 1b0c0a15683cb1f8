"""Adjustment sets and front-door sets: criterion checks and numerical validity."""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.graph import CausalGraph
from rung.identify import (
    AdjustmentSearchError,
    find_adjustment_sets,
    find_direct_effect_adjustment_sets,
    find_frontdoor_sets,
    find_minimal_adjustment_sets,
    find_o_set,
    find_optimal_adjustment_set,
    is_frontdoor_set,
    is_valid_adjustment_set,
    is_valid_direct_effect_adjustment_set,
)
from rung.identify._ir import marg, prod, term
from rung.identify.api import Identification
from rung.identify.verify import verify
from tests.identify.conftest import random_admg


def _adjusted(g: CausalGraph, x: str, y: str, z: frozenset[str]) -> Identification:
    """An Identification carrying Σ_z P(y|x,z) P(z), for numerical checks of a set."""
    names = g.projected().topological_order()
    idx = {v: i for i, v in enumerate(names)}

    def m(s: frozenset[str] | set[str]) -> int:
        return sum(1 << idx[v] for v in s)

    ir = marg(m(z), prod([term(m({y}), m({x}) | m(z)), term(m(z))]))
    return Identification(
        treatment=frozenset({x}), outcome=frozenset({y}), given=frozenset(), identifiable=True,
        method="backdoor", reason="test", _ir=ir, _names=names,
    )


def test_minimal_sets_textbook() -> None:
    g = CausalGraph.from_edges("A -> B -> X -> Y; A -> C -> Y")
    assert find_adjustment_sets(g, "X", "Y") == [{"A"}, {"B"}, {"C"}]
    assert is_valid_adjustment_set(g, "X", "Y", {"A", "C"})
    assert not is_valid_adjustment_set(g, "X", "Y", ())
    # M-bias: the collider M must not be adjusted alone
    m = CausalGraph.from_edges("U1 -> M <- U2; U1 -> X -> Y; U2 -> Y")
    assert not is_valid_adjustment_set(m, "X", "Y", {"M"})
    assert is_valid_adjustment_set(m, "X", "Y", ())
    # descendants of a mediator are forbidden
    d = CausalGraph.from_edges("X -> M -> Y; M -> D")
    assert not is_valid_adjustment_set(d, "X", "Y", {"D"})


def test_optimal_set_henckel_example() -> None:
    g = CausalGraph.from_edges("A -> X -> M -> Y; A -> Y; B -> M; C -> X")
    assert find_optimal_adjustment_set(g, "X", "Y") == {"A", "B"}
    assert find_optimal_adjustment_set(CausalGraph.from_edges("X -> Y; X <-> Y"), "X", "Y") is None


def test_random_sets_are_numerically_valid() -> None:
    """Every minimal set and the O-set give the true effect in random SCMs."""
    rng = np.random.default_rng(7)
    checked = 0
    for k in range(150):
        g = random_admg(rng, int(rng.integers(3, 6)), 0.5, 0.2)
        order = g.topological_order()
        x, y = order[0], order[-1]
        sets = find_adjustment_sets(g, x, y)
        o = find_o_set(g, x, y)
        assert (o is None) == (not sets)
        for z in [*sets, *([o] if o is not None else [])]:
            assert verify(g, _adjusted(g, x, y, z), trials=2, seed=k).max_abs_error < 1e-9
            checked += 1
    assert checked > 100


def test_search_cap() -> None:
    g = CausalGraph.from_edges("; ".join(f"A{i} -> B{i} -> X; A{i} -> Y" for i in range(3))
                               + "; X -> Y")
    assert len(find_adjustment_sets(g, "X", "Y")) == 8  # {A_i or B_i} for each i
    with pytest.raises(AdjustmentSearchError, match="max_sets"):
        find_adjustment_sets(g, "X", "Y", max_sets=3)


def _brute_minimal(g: CausalGraph, x: list[str], y: list[str], inc: set[str], exc: set[str],
                   valid: Callable[[frozenset[str]], bool]) -> list[frozenset[str]]:
    """Reference: every subset by size, skipping supersets of sets already found."""
    rest = [v for v in g.nodes if v not in {*x, *y, *inc, *exc}]
    found: list[frozenset[str]] = []
    for k in range(len(rest) + 1):
        for combo in combinations(rest, k):
            z = frozenset(combo) | inc
            if not any(f <= z for f in found) and valid(z):
                found.append(z)
    return found


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_minimal_set_listing_matches_brute_force(seed: int) -> None:
    """Takata's listing (total and direct effects, with constraints) equals the sets found
    by trying every subset with the validity criteria."""
    rng = np.random.default_rng(seed)
    g = random_admg(rng, int(rng.integers(3, 8)), 0.45, 0.2)
    nodes = list(g.nodes)
    rng.shuffle(nodes)
    x, y = nodes[:1 + int(rng.random() < 0.2)], nodes[2:3]
    rest = nodes[3:]
    inc = {v for v in rest if rng.random() < 0.15}
    exc = {v for v in rest if v not in inc and rng.random() < 0.15}
    total = find_minimal_adjustment_sets(g, x, y, include=inc, exclude=exc)
    assert sorted(map(sorted, total)) == sorted(map(sorted, _brute_minimal(
        g, x, y, inc, exc, lambda z: is_valid_adjustment_set(g, x, y, z))))
    direct = find_direct_effect_adjustment_sets(g, x, y, include=inc, exclude=exc)
    assert sorted(map(sorted, direct)) == sorted(map(sorted, _brute_minimal(
        g, x, y, inc, exc, lambda z: is_valid_direct_effect_adjustment_set(g, x, y, z))))


def test_frontdoor_sets() -> None:
    g = CausalGraph.from_edges("X -> M1 -> Y; X -> M2 -> Y; X <-> Y")
    assert find_frontdoor_sets(g, "X", "Y") == [{"M1", "M2"}]
    assert not is_frontdoor_set(g, "X", "Y", {"M1"})
    confounded = CausalGraph.from_edges("X -> M -> Y; X <-> Y; M <-> Y")
    assert find_frontdoor_sets(confounded, "X", "Y") == []


def test_instruments() -> None:
    from rung.identify import find_instruments, is_instrument

    g = CausalGraph.from_edges("Z -> X -> Y; X <-> Y; W -> Z; W -> Y")
    assert [(i.z, i.conditioning) for i in find_instruments(g, "X", "Y")] == [("Z", {"W"})]
    assert not is_instrument(g, "X", "Y", "Z")
    assert is_instrument(g, "X", "Y", "Z", frozenset({"W"}))
    assert find_instruments(CausalGraph.from_edges("Z -> X -> Y; Z <-> Y"), "X", "Y") == []
