"""Identification.from_json: the saved answer reads back equal, on canonical and random graphs."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.graph import CausalGraph
from rung.identify import Identification, identify
from rung.identify.api import identify_with_adjustment
from tests.conftest import CANONICAL
from tests.identify.conftest import random_admg, random_query


def _round_trip(ident: Identification) -> Identification:
    return Identification.from_json(json.loads(json.dumps(ident.to_json())))


def test_canonical_methods_round_trip() -> None:
    """back-door, front-door, ID and the IV graph's hedge, each read back equal."""
    cases = {"backdoor": ("backdoor", "X", "Y"), "frontdoor": ("frontdoor", "X", "Y"),
             "napkin": ("id", "X", "Y"), "iv": (None, "X", "Y")}
    for name, (method, x, y) in cases.items():
        ident = identify(CausalGraph.from_edges(CANONICAL[name]), x, y)
        assert ident.method == method
        back = _round_trip(ident)
        assert back == ident and hash(back) == hash(ident)
        assert back.to_json() == ident.to_json()
    iv = identify(CausalGraph.from_edges(CANONICAL["iv"]), "X", "Y")
    assert _round_trip(iv).hedge == iv.hedge is not None


@settings(max_examples=80, deadline=None)
@given(name=st.sampled_from(sorted(CANONICAL)), data=st.data())
def test_canonical_queries_round_trip(name: str, data: st.DataObject) -> None:
    g = CausalGraph.from_edges(CANONICAL[name])
    nodes = list(g.projected().nodes)
    x = data.draw(st.sampled_from(nodes))
    y = data.draw(st.sampled_from([v for v in nodes if v != x]))
    rest = [v for v in nodes if v not in (x, y)]
    z = data.draw(st.lists(st.sampled_from(rest), max_size=1, unique=True)) if rest else []
    ident = identify(g, x, y, z)
    assert _round_trip(ident) == ident


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 6))
def test_random_queries_round_trip(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    g = random_admg(rng, n)
    x, y, z = random_query(rng, g)
    ident = identify(g, x, y, z)
    assert _round_trip(ident) == ident


def test_inequality_is_seen() -> None:
    """A changed field or estimand makes the identifications differ."""
    g = CausalGraph.from_edges("A -> X -> Y; A -> B -> Y")
    by_a = identify_with_adjustment(g, "X", "Y", {"A"})
    by_b = identify_with_adjustment(g, "X", "Y", {"B"})
    assert _round_trip(by_a) == by_a and by_a != by_b
    changed = dict(by_a.to_json(), reason="another reason")
    assert Identification.from_json(changed) != by_a
    other_tree = dict(by_a.to_json(), estimand=by_b.to_json()["estimand"])
    assert Identification.from_json(other_tree) != by_a
