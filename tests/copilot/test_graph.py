"""Whole-graph proposals with programmed answers; cycle repair properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.copilot import ProposedEdge, propose_graph, repair_cycles
from rung.copilot.listing import match_names

TRUE = {("rain", "wet ground"), ("wet ground", "slipping"), ("rain", "umbrellas")}
VARS = ["rain", "wet ground", "slipping", "umbrellas"]


def truth_rule(prompt: str, option: str) -> float | None:
    m = re.search(r"Does (.+?) cause (.+?)\?", prompt)
    if not m or option not in ("Yes", "No"):
        return None
    yes = 0.9 if (m.group(1), m.group(2)) in TRUE else 0.1
    return yes if option == "Yes" else 1 - yes


def test_pairs_strategy_recovers_programmed_graph(scripted):
    backend = scripted(truth_rule)
    prop = propose_graph(VARS, strategy="pairs", backend=backend, progress=False)
    assert set(prop.graph.directed_edges) == TRUE
    assert prop.calls == 6 * 4 == backend.calls  # 6 pairs × 2 orders × 2 directions
    # confidence of a true edge: q1=.9, q2=.1 -> .81 / (.81 + .01 + .09)
    conf = {(e.source, e.target): e.confidence for e in prop.edges}
    assert conf[("rain", "wet ground")] == pytest.approx(0.81 / 0.91)
    js = prop.to_json()
    assert {"from": "rain", "to": "umbrellas"}.items() <= next(
        e for e in js["edges"] if e["to"] == "umbrellas"
    ).items()
    assert js["position_bias"]["prompts"] == 24
    assert "label=" in prop.to_dot()


def test_bfs_is_linear_and_follows_children(scripted):
    texts = {
        "not caused by any": "rain",
        "does rain directly cause": "1. wet ground\n2. umbrellas",
        "does wet ground directly cause": "slipping",
        "does umbrellas directly cause": "none",
        "does slipping directly cause": "none",
    }
    backend = scripted(lambda p, o: None, texts=texts)
    prop = propose_graph(VARS, strategy="bfs", backend=backend, progress=False)
    assert set(prop.graph.directed_edges) == TRUE
    assert prop.calls == (1 + len(VARS)) * 2  # roots + one query per node, both orders
    assert all(e.confidence == 1.0 and e.votes == 2 for e in prop.edges)


def test_parents_cycle_repair_drops_least_confident(scripted):
    texts = {"- b\n- c\n\nWhich of these variables directly cause a?": "c"}
    texts |= {"directly cause a?": "none", "directly cause b?": "a", "directly cause c?": "b"}
    backend = scripted(lambda p, o: None, texts=texts)
    # c -> a is named by one of two variants (confidence .5, undecided), the others by both:
    # under a threshold the split edge stays out and is listed as undecided
    prop = propose_graph(
        ["a", "b", "c"], strategy="parents", backend=backend, progress=False, threshold=0.5
    )
    assert set(prop.graph.directed_edges) == {("a", "b"), ("b", "c")} and not prop.repairs
    assert [(e.source, e.target, e.decided) for e in prop.undecided] == [("c", "a", False)]
    assert prop.calls == 6
    # kept by a ranking (top_k), it closes a cycle and is the edge the repair drops
    ranked = propose_graph(
        ["a", "b", "c"], strategy="parents", backend=backend, progress=False, top_k=3
    )
    assert ranked.repairs[0]["dropped"] == {"from": "c", "to": "a", "confidence": 0.5}
    assert set(ranked.graph.directed_edges) == {("a", "b"), ("b", "c")}


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"strategy": "magic"}, "strategy"),
        ({"threshold": 0.0}, "threshold"),
        ({"variables": ["a"]}, "two"),
        ({"variables": ["a", "a"]}, "duplicate"),
    ],
)
def test_bad_arguments(scripted, kwargs, match):
    args = {"variables": ["a", "b"], **kwargs}
    with pytest.raises(ValueError, match=match):
        propose_graph(backend=scripted(lambda p, o: 0.5), progress=False, **args)


edge_lists = st.lists(
    st.tuples(
        st.sampled_from("abcde"), st.sampled_from("abcde"), st.floats(0.01, 1.0), st.integers(0, 4)
    ).filter(lambda t: t[0] != t[1]),
    max_size=15,
    unique_by=lambda t: (t[0], t[1]),
)


@settings(max_examples=60, deadline=None)
@given(edge_lists)
def test_repair_yields_dag_and_drops_cycle_minimum(rows):
    edges = [ProposedEdge(s, t, c, v, 4) for s, t, c, v in rows]
    graph, kept, repairs = repair_cycles(list("abcde"), edges)  # CausalGraph checks acyclicity
    assert len(kept) + len(repairs) == len(edges)
    assert set(graph.directed_edges) == {(e.source, e.target) for e in kept}
    conf = {(e.source, e.target): e.confidence for e in edges}
    for rep in repairs:
        cyc = rep["cycle"]
        on = [conf[(cyc[i], cyc[i + 1])] for i in range(len(cyc) - 1)]
        assert rep["dropped"]["confidence"] == min(on)


def test_match_names():
    names = ["PIP2", "PIP3", "p44/42", "P38", "praf"]
    assert match_names("- PIP3\n- p44/42.\n* `praf`", names) == ["PIP3", "p44/42", "praf"]
    assert match_names("none", names) == []
    assert match_names("PIP2 and P38, maybe", names) == ["PIP2", "P38"]
    assert match_names("PIP23", names) == []


def test_top_k_keeps_most_confident_edges_below_threshold(scripted):
    # a model that says "No" to everything but ranks rain -> wet ground highest
    def rule(prompt: str, option: str) -> float | None:
        m = re.search(r"Does (.+?) cause (.+?)\?", prompt)
        if not m:
            return None
        yes = 0.4 if (m.group(1), m.group(2)) == ("rain", "wet ground") else 0.1
        return yes if option == "Yes" else 1 - yes

    none = propose_graph(VARS, backend=scripted(rule), progress=False)
    assert none.graph.directed_edges == ()
    top = propose_graph(VARS, backend=scripted(rule), progress=False, top_k=1)
    assert top.graph.directed_edges == (("rain", "wet ground"),)
    assert top.edges[0].confidence == pytest.approx(0.36 / (0.36 + 0.06 + 0.54))
