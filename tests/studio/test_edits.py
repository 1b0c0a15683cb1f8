"""Edits of the current graph (rung.studio.edits) against an independent reference: the
edge set written out by hand."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.graph import CausalGraph, CycleError
from rung.studio.edits import edge_text, set_edge, state_of

NODES = ["A", "B", "C", "D"]
STATES = ["forward", "backward", "bidirected", "none"]


def _expected(g: CausalGraph, a: str, b: str, state: str) -> tuple[set, set]:
    directed = {e for e in g.directed_edges if set(e) != {a, b}}
    bidirected = {tuple(sorted(e)) for e in g.bidirected_edges if set(e) != {a, b}}
    if state == "forward":
        directed.add((a, b))
    elif state == "backward":
        directed.add((b, a))
    elif state == "bidirected":
        bidirected.add(tuple(sorted((a, b))))
    return directed, bidirected


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([(a, b) for a in NODES for b in NODES if a != b]),
       st.sampled_from(STATES))
def test_set_edge_changes_only_the_pair(pair: tuple[str, str], state: str) -> None:
    g = CausalGraph.from_edges("A -> B; B -> C; A <-> D; C -> D")
    a, b = pair
    try:
        new = set_edge(g, a, b, state)  # type: ignore[arg-type]
    except CycleError:
        directed, _ = _expected(g, a, b, state)
        with pytest.raises(CycleError):
            CausalGraph(directed=sorted(directed), nodes=NODES)
        return
    directed, bidirected = _expected(g, a, b, state)
    assert set(new.directed_edges) == directed
    assert {tuple(sorted(e)) for e in new.bidirected_edges} == bidirected
    assert state_of(new, a, b) == state
    assert list(new.nodes) == list(g.nodes)


def test_edge_text_and_errors() -> None:
    g = CausalGraph.from_edges("X -> Y")
    assert edge_text(set_edge(g, "X", "Y", "backward"), "X", "Y") == "Y -> X"
    with pytest.raises(ValueError, match="'Q' is not a node"):
        set_edge(g, "X", "Q", "forward")
    with pytest.raises(ValueError, match="unknown"):
        set_edge(g, "X", "Y", "sideways")  # type: ignore[arg-type]
