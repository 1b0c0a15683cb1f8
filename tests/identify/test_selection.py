"""Graphs with ``[selected]`` nodes are refused, never answered as if unselected."""

from __future__ import annotations

import pytest

from rung.graph import CausalGraph
from rung.identify import identify
from rung.identify._query import QueryError

SELECTED = "dag { X [exposure]; Y [outcome]; S [selected]; X -> S <- Y; Z -> X; Z -> Y; X -> Y }"


def test_selected_collider_is_refused_by_name() -> None:
    g = CausalGraph.parse(SELECTED)
    with pytest.raises(QueryError, match=r"\['S'\] as \[selected\]"):
        identify(g, "X", "Y")


def test_same_graph_without_the_tag_is_identified() -> None:
    g = CausalGraph.parse(SELECTED.replace(" [selected]", ""))
    res = identify(g, "X", "Y")
    assert res.identifiable
