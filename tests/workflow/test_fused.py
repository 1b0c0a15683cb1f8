"""The fused data step's pieces (rung.workflow.fused, effect_sets, disagreements.moves_answer),
each against an independent reference: the class's members enumerated, v-structures
recomputed, adjustment validity checked by rung.identify on every orientation."""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.discover import EdgeBelief, FusionResult
from rung.graph import CausalGraph, CycleError
from rung.identify import is_valid_adjustment_set
from rung.identify.equivalence_class import EquivalenceClass, v_structures
from rung.workflow.disagreements import LLMEdge, moves_answer
from rung.workflow.effect_sets import class_effects_of, find_effect_sets, moved_orientations
from rung.workflow.fused import (
    FusionSettings,
    beliefs_from_answers,
    final_from_mpdag,
    fusion_blocker,
    orient_by_beliefs,
    overridden_marks,
    search,
)
from rung.workflow.verdict import decide_verdict

NODES = ("A", "B", "C", "D", "E")


@st.composite
def dags(draw: st.DrawFn) -> CausalGraph:
    order = draw(st.permutations(NODES))
    edges = [(a, b) for i, a in enumerate(order) for b in order[i + 1:] if draw(st.booleans())]
    return CausalGraph(directed=edges, nodes=NODES)


@settings(max_examples=60, deadline=None)
@given(dags(), st.lists(st.tuples(st.sampled_from(NODES), st.sampled_from(NODES),
                                  st.floats(0.01, 0.99)), max_size=8))
def test_final_graph_is_a_member_of_the_mpdag(dag: CausalGraph, prefs: list) -> None:
    cls = EquivalenceClass.from_dag(dag)
    hints = [LLMEdge(a, b, p) for a, b, p in prefs if a != b]
    final, decisions = final_from_mpdag(cls, hints, 0.8)
    # the reference: same skeleton, same v-structures, every directed mark of the class kept
    skel = {frozenset(e) for e in final.directed_edges}
    assert skel == {frozenset(e) for e in (*cls.directed, *cls.undirected)}
    assert set(cls.directed) <= set(final.directed_edges)
    assert v_structures(NODES, final.directed_edges, ()) == \
        v_structures(NODES, dag.directed_edges, ())
    assert len(decisions) == len(final.directed_edges)


def test_raw_beliefs_orient_only_from_the_threshold_calibrated_given_an_edge() -> None:
    cls = EquivalenceClass.from_dag(CausalGraph.from_edges("Z -> X; Z -> Y; X -> Y"))
    raw = [EdgeBelief("X", "Z", 0.31, 0.05, 0.64), EdgeBelief("Y", "Z", 0.2, 0.05, 0.75)]
    assert orient_by_beliefs(cls, raw, 0.8)[0] == cls  # 0.31 is no knowledge
    cal = [EdgeBelief("X", "Z", 0.31, 0.05, 0.64, calibrated=(0.31, 0.05))]
    mpdag, done, _ = orient_by_beliefs(cls, cal, 0.8)
    assert done == (("X", "Z"),) and ("X", "Z") in mpdag.directed
    # against a compelled mark: never taken, always noted
    vee = EquivalenceClass.from_dag(CausalGraph.from_edges("A -> C; B -> C"))
    against = [EdgeBelief("A", "C", 0.01, 0.95, 0.04)]
    mpdag, done, notes = orient_by_beliefs(vee, against, 0.8)
    assert mpdag == vee and not done and "kept the class's" in notes[0]


def test_beliefs_keep_the_ensembles_adjacency_and_calibrate_the_direction() -> None:
    from rung.copilot.beliefs import shipped_edge_calibrations

    cal = next(iter(shipped_edge_calibrations()))
    ans = [LLMEdge("A", "B", 0.3), LLMEdge("B", "A", 0.1)]
    [raw] = beliefs_from_answers(ans, "no such model")
    assert (raw.p_ab, raw.p_ba, raw.calibrated) == pytest.approx((0.3, 0.1, None))
    [same] = beliefs_from_answers(ans, cal.model, content_free=not cal.content_free)
    assert same.calibrated is None  # a map fitted on answers asked another way: not applied
    [b] = beliefs_from_answers(ans, cal.model, content_free=cal.content_free)
    assert b.p_none == pytest.approx(0.6)
    share = cal.apply(0.3) / (cal.apply(0.3) + cal.apply(0.1))
    assert b.p_ab / (b.p_ab + b.p_ba) == pytest.approx(share)


def _sim(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    z = rng.normal(size=n)
    x = z + rng.normal(size=n)
    y = 2 * x + 1.5 * z + rng.normal(size=n)
    w = y + rng.normal(size=n)
    return pd.DataFrame({"p/z": z, "x": x, "y": y, "w": w})


def test_search_takes_any_column_name_and_the_effect_sets_cover_the_truth() -> None:
    df = _sim()
    alone = search(df, FusionSettings("x"))
    assert set(alone.nodes) == set(df.columns)
    # the LLM is sure (and calibrated) that p/z -> x and x -> y
    beliefs = [EdgeBelief("p/z", "x", 0.9, 0.02, 0.08, calibrated=(0.9, 0.02)),
               EdgeBelief("x", "y", 0.9, 0.02, 0.08, calibrated=(0.9, 0.02))]
    fused = search(df, FusionSettings("x"), beliefs)
    fusion = FusionResult(alone, fused, "x")
    es = find_effect_sets(fusion, df, "x", "y", contrast=(1.0, 0.0))
    assert es.data_alone.covers(2.0) and es.fused.covers(2.0)
    fx = class_effects_of(es.fused, fused.mpdag, 0.8)
    assert fx.span is not None and fx.span[0] <= 2.0 <= fx.span[1]
    # identified with the LLM: one adjustment set, {p/z}
    assert [e.adjustment for e in es.fused.effects] == [("p/z",)]
    assert es.moved and moved_orientations(alone.cpdag, fused.mpdag, "x")
    # the prior only chose among the data's own possible parent sets: no flag
    assert es.beyond_data == () and es.flags() == []


def test_an_unsettled_orientation_keeps_the_class_without_it() -> None:
    """P(p/z -> x | edge) = 0.85 / 0.90 = 0.94 < 0.95: the fused class's one adjustment set
    is not the answer; the range spans the searched class without the orientation too."""
    df = _sim()
    beliefs = [EdgeBelief("p/z", "x", 0.85, 0.05, 0.10, calibrated=(0.85, 0.05))]
    alone = search(df, FusionSettings("x"))
    fused = search(df, FusionSettings("x"), beliefs)
    fusion = FusionResult(alone, fused, "x")
    assert not fusion.settled and fused.cpdag in fusion.fused_classes
    assert fused.resting == ("p/z -> x (P = 0.94)",)
    es = find_effect_sets(fusion, df, "x", "y", contrast=(1.0, 0.0))
    assert len(es.fused.effects) > 1 and es.fused.covers(2.0)
    [flag] = es.flags()
    assert "rests on belief orientations" in flag and "jointly 0.94 < 0.95" in flag


def _collider_turned() -> tuple[pd.DataFrame, FusionResult, EquivalenceClass]:
    """Data from a -> c <- b; the data alone compel the collider (so pa(a) = {}), the
    prior's class opens a -- c."""
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(2, 3000))
    df = pd.DataFrame({"a": a, "b": b, "c": a + b + rng.normal(size=3000)})
    found = search(df, FusionSettings("a"))
    vee = EquivalenceClass.from_dag(CausalGraph.from_edges("a -> c; b -> c"))
    turned = EquivalenceClass(found.nodes, (("b", "c"),), (("a", "c"),))
    fusion = FusionResult(replace(found, cpdag=vee, plausible=()),
                          replace(found, mpdag=turned, plausible=()), "a")
    return df, fusion, turned


def test_a_prior_that_moves_the_answer_beyond_the_data_makes_the_verdict_check() -> None:
    df, fusion, turned = _collider_turned()
    es = find_effect_sets(fusion, df, "a", "c", contrast=(1.0, 0.0))
    assert es.beyond_data == (("c",),)
    [flag] = es.flags()
    assert "pa(a) = {c}" in flag and "they allow {}" in flag
    fx = class_effects_of(es.fused, turned, 0.8)
    verdict = decide_verdict(identified=True, reason="", estimates=[], errors=[], refuters=[],
                             conflicts=[], class_effects=fx, prior_flags=es.flags())
    assert verdict.status == "check" and flag in verdict.flags


def test_a_turned_data_mark_is_an_override_row() -> None:
    _, fusion, _ = _collider_turned()
    final = CausalGraph.from_edges("c -> a; b -> c")
    rows = overridden_marks(fusion, final, [])
    assert [(r.kind, r.data_edge, r.final_edge) for r in rows] == \
        [("override", "a -> c", "c -> a")]


def _reference_moves(g: CausalGraph, a: str, b: str, x: str, y: str) -> bool:
    """By brute force: the answer moves unless no path exists either way, or some set is
    valid in both orientations (a DAG without latents: back-door always identifies)."""
    turned = [(v, u) if (u, v) == (a, b) else (u, v) for u, v in g.directed_edges]
    try:
        h = CausalGraph(directed=turned, nodes=g.nodes)
    except CycleError:
        return True
    paths = [y in k.descendants(x, include_self=False) for k in (g, h)]
    if paths[0] != paths[1]:
        return True
    if not paths[0]:
        return False
    others = [v for v in g.nodes if v not in (x, y)]
    subsets = [set(s) for k in range(len(others) + 1) for s in combinations(others, k)]
    return not any(is_valid_adjustment_set(g, x, y, s) and is_valid_adjustment_set(h, x, y, s)
                   for s in subsets)


@settings(max_examples=60, deadline=None)
@given(dags(), st.data())
def test_moves_answer_against_every_adjustment_set(dag: CausalGraph, data: st.DataObject
                                                    ) -> None:
    edges = sorted(dag.directed_edges)
    if not edges:
        return
    a, b = data.draw(st.sampled_from(edges))
    got = moves_answer(dag, a, b, "A", "E")
    # conservative: whenever the answer moves, it says so (it checks two candidate sets,
    # so it may also say so when some third set is valid in both)
    assert got or not _reference_moves(dag, a, b, "A", "E")
    if not any("E" in dag.descendants("A", include_self=False) for _ in [0]):
        assert got == _reference_moves(dag, a, b, "A", "E")


def test_fusion_falls_back_on_a_multi_level_category_among_continuous_columns() -> None:
    df = pd.DataFrame({"a": np.linspace(0, 1, 30), "b": np.arange(30) % 3})
    assert fusion_blocker(df) is None
    assert "constraint-based" in (fusion_blocker(df, ["b"]) or "")
    assert fusion_blocker(df.assign(b=np.arange(30) % 2), ["b"]) is None


def test_the_shipped_answer_likelihood_applies_only_to_questions_asked_its_way() -> None:
    from rung.copilot.answer_likelihood import shipped_answer_likelihood
    from rung.lm.models import DEFAULT_MODEL
    from rung.workflow.artifacts import LLMGraph
    from rung.workflow.fused_steps import answer_likelihood

    model = DEFAULT_MODEL.file_name  # the embedded backend's model_id
    shipped = shipped_answer_likelihood(model, 2)
    assert shipped is not None and len(shipped.networks) >= 2 and shipped.pairs > 50

    def llm(**proposal: object) -> LLMGraph:
        return LLMGraph({"model": model, "variants": 2, **proposal}, (), (), (),
                        CausalGraph(nodes=["A", "B"]))

    assert answer_likelihood(llm(descriptions=False)) == shipped
    assert answer_likelihood(llm(descriptions=True)) is None  # fitted on names only
    assert answer_likelihood(llm(descriptions=False, variants=3)) is None
    assert answer_likelihood(llm(descriptions=False, model="other.gguf")) is None
