"""The workflow's pure parts: resumable store, disagreement table, final-graph rule, scores."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from rung.discover import DiscoveredEdge, DiscoveryResult, EdgeEvidence
from rung.workflow import (
    LLMEdge,
    RunStore,
    choose_final_graph,
    compare_edges,
    find_disagreements,
)


def test_store_atomic_and_resumable(tmp_path: Path) -> None:
    s = RunStore(tmp_path / "out")
    assert not s.is_done("a", "k1")
    s.write_json("a.json", {"x": 1})
    s.mark_done("a", "k1", ["a.json"], {"seconds": 0.1})
    assert s.is_done("a", "k1") and not s.is_done("a", "k2")
    (tmp_path / "out" / "a.json").unlink()  # an output vanished: not done any more
    assert not s.is_done("a", "k1")
    assert not list((tmp_path / "out").glob(".*.tmp"))
    (tmp_path / "out" / ".steps" / "a.json").write_text("{broken")
    assert not s.is_done("a", "k1")


def _data() -> DiscoveryResult:
    # data: A -> C <- B compelled, C -- D undecided; A, B separated by the empty set
    edges = [DiscoveredEdge("A", "C", "->"), DiscoveredEdge("B", "C", "->"),
             DiscoveredEdge("C", "D", "--")]
    ev = {("A", "B"): EdgeEvidence(0.6, (), 1), ("A", "C"): EdgeEvidence(1e-9, (), 3),
          ("A", "D"): EdgeEvidence(0.5, ("C",), 3), ("B", "C"): EdgeEvidence(1e-8, (), 3),
          ("B", "D"): EdgeEvidence(0.4, ("C",), 3), ("C", "D"): EdgeEvidence(1e-7, (), 3)}
    return DiscoveryResult("pc", ("A", "B", "C", "D"), edges, ev)


def test_disagreements_cover_every_kind() -> None:
    llm = [LLMEdge("A", "B", 0.9), LLMEdge("C", "A", 0.7), LLMEdge("D", "C", 0.6)]
    final, _ = choose_final_graph(_data(), llm)
    rows = {(r.a, r.b): r for r in find_disagreements(llm, _data(), final)}
    assert rows[("A", "B")].kind == "llm_only" and rows[("A", "B")].p_value == 0.6
    assert rows[("A", "C")].kind == "orientation"
    assert rows[("B", "C")].kind == "data_only"
    assert ("C", "D") not in rows  # data undecided, LLM orients: no conflict
    assert rows[("A", "C")].final_edge == "A -> C"  # data's compelled direction kept
    assert next(iter(rows)) == ("A", "B")  # most confident LLM edge first
    json.dumps([r.to_json() for r in rows.values()])


def test_rule_orients_undecided_edges_by_llm() -> None:
    g, why = choose_final_graph(_data(), [LLMEdge("D", "C", 0.6)])
    assert set(g.directed_edges) == {("A", "C"), ("B", "C"), ("D", "C")}
    reasons = {d.edge: d.reason for d in why}
    assert reasons["D -> C"].startswith("LLM orientation")
    g2, why2 = choose_final_graph(_data(), [])
    assert ("C", "D") in g2.directed_edges
    assert "arbitrary" in {d.edge: d.reason for d in why2}["C -> D"]


def test_rule_breaks_cycles_by_reversing() -> None:
    data = DiscoveryResult("pc", ("A", "B", "C"), [
        DiscoveredEdge("A", "B", "->"), DiscoveredEdge("B", "C", "->"),
        DiscoveredEdge("A", "C", "--")])
    g, why = choose_final_graph(data, [LLMEdge("C", "A", 0.9)])
    assert ("A", "C") in g.directed_edges
    assert "reversed" in {d.edge: d.reason for d in why}["A -> C"]


def test_rule_keeps_confounding_unless_llm_orients() -> None:
    data = DiscoveryResult("fci", ("A", "B"), [DiscoveredEdge("A", "B", "<->")])
    g, _ = choose_final_graph(data, [])
    assert g.bidirected_edges == (("A", "B"),)
    g2, _ = choose_final_graph(data, [LLMEdge("B", "A", 0.8)])
    assert g2.directed_edges == (("B", "A"),) and g2.bidirected_edges == ()


names = st.sampled_from(list("ABCDE"))
edge_lists = st.lists(st.tuples(names, names).filter(lambda e: e[0] != e[1]), max_size=10)


@settings(max_examples=60, deadline=None)
@given(edge_lists, edge_lists)
def test_compare_edges_properties(found: list, ref: list) -> None:
    c = compare_edges(found, ref)
    if len({frozenset(e) for e in set(ref)}) == len(set(ref)):  # no 2-cycles in ref
        assert compare_edges(ref, ref).shd == 0
    assert 0.0 <= c.skeleton_f1 <= 1.0 and 0.0 <= c.directed_f1 <= 1.0
    if len({frozenset(e) for e in set(found)}) == len(set(found)):  # no 2-cycles in found
        assert c.directed_precision <= c.skeleton_precision + 1e-12 or not found
    if set(found) == set(ref):
        assert c.directed_f1 == (1.0 if ref else 0.0)


def test_compare_counts_undirected_as_orientation_error() -> None:
    c = compare_edges([], [("A", "B")], undirected=[("A", "B")])
    assert c.shd == 1 and c.skeleton_f1 == 1.0 and c.directed_f1 == 0.0


def test_rule_uses_llm_direction_preference_below_threshold() -> None:
    prefs = [LLMEdge("D", "C", 0.30), LLMEdge("C", "D", 0.20)]
    g, why = choose_final_graph(_data(), [], preferences=prefs)
    assert ("D", "C") in g.directed_edges
    assert "share 0.60" in {d.edge: d.reason for d in why}["D -> C"]
