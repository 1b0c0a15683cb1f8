"""The verdict: every reason to doubt the effect is a flag, and the range spans every
plausible graph's interval."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from rung.datasets import linear_backdoor
from rung.discover import DiscoveredEdge, DiscoveryResult
from rung.workflow.assemble import estimates_note
from rung.workflow.class_effects import ClassEffects, MemberEffect, estimate_over_class
from rung.workflow.disagreements import Disagreement
from rung.workflow.members import find_plausible_graphs
from rung.workflow.verdict import EstimatorResult, RefuterOutcome, Verdict, decide_verdict

ONE = ClassEffects("analyst", 1, True, 1.0, (
    MemberEffect("backdoor", 1, "Z -> X; X -> Y; Z -> Y", ("Z",), None, 2.0, (1.9, 2.1)),))
EST = [EstimatorResult("generative", 2.02, (1.9, 2.15)),
       EstimatorResult("regression", 2.01, (1.9, 2.1), ("Z",))]


def _against(llm: str, confidence: float, data: str, moves: bool | None = None
             ) -> Disagreement:
    """An orientation row: the LLM's ``llm`` against the data's mark ``data``."""
    a, b = llm.split(" -> ")
    return Disagreement(a, b, "orientation", llm, confidence, data, None, (), None, moves)


def _decide(**kw: object) -> Verdict:
    base: dict[str, object] = dict(identified=True, reason="", estimates=EST, errors=[],
                                   refuters=[], conflicts=[], class_effects=ONE)
    base.update(kw)
    return decide_verdict(**base)


def test_clean_run_is_ok_with_the_final_graph_estimate() -> None:
    v = _decide()
    assert v.status == "ok" and v.flags == () and v.range is None
    assert v.effect == 2.01 and v.interval == (1.9, 2.1)
    assert Verdict.from_json(json.loads(json.dumps(v.to_json()))) == v


def test_failed_refuter_is_a_flag_with_its_message() -> None:
    bad = RefuterOutcome("graph", "regression", False, "X _||_ Y | Z rejected (p = 4e-23)")
    v = _decide(refuters=[bad])
    assert v.status == "check" and any("4e-23" in f and "graph" in f for f in v.flags)
    assert "CHECK" in v.summary


def test_disjoint_intervals_are_a_flag() -> None:
    v = _decide(estimates=[EstimatorResult("generative", 3.54, (3.4, 3.7)), EST[1]])
    assert v.status == "check" and any("disagree" in f for f in v.flags)


def test_llm_against_data_mark_is_a_flag_even_below_threshold() -> None:
    v = _decide(conflicts=[_against("age -> statin", 0.31, "statin o-> age")])
    assert v.status == "check"
    assert any("age -> statin" in f and "statin o-> age" in f for f in v.flags)


def test_range_over_the_class_when_orientations_are_open() -> None:
    cs = linear_backdoor(n=2000, seed=0)
    tri = DiscoveryResult("pc", ("Z", "X", "Y"), [
        DiscoveredEdge("Z", "X", "--"), DiscoveredEdge("X", "Y", "--"),
        DiscoveredEdge("Z", "Y", "--")])
    fx = estimate_over_class(cs.data, find_plausible_graphs(tri), "X", "Y",
                             contrast=(1.0, 0.0), bootstrap=30)
    assert fx.members == 6 and sum(e.members for e in fx.effects) == 6
    v = _decide(class_effects=fx, estimates=[EstimatorResult("regression", 3.54, (3.4, 3.7))])
    assert v.status == "check" and v.effect is None and v.interval is None
    assert v.range is not None
    lo, hi = v.range
    # the range spans every member's interval, so it covers the truth (2.0), and 0
    for e in fx.estimated:
        assert e.interval is not None and lo <= e.interval[0] and e.interval[1] <= hi
    assert lo <= 0.0 and lo <= cs.true_effect <= hi
    adjusted = [e for e in fx.effects if e.adjustment_set == ("Z",)]
    assert adjusted and adjusted[0].interval is not None
    assert adjusted[0].interval[0] <= cs.true_effect <= adjusted[0].interval[1]
    assert ClassEffects.from_json(json.loads(json.dumps(fx.to_json()))) == fx


def test_an_open_pag_edge_gives_a_range_from_zero() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=500)
    df = pd.DataFrame({"X": x, "Y": x + rng.normal(size=500)})
    pag = DiscoveryResult("fci", ("X", "Y"), [DiscoveredEdge("X", "Y", "o-o")])
    fx = estimate_over_class(df, find_plausible_graphs(pag), "X", "Y", contrast=(1.0, 0.0),
                             bootstrap=20)
    routes = {e.route: e for e in fx.effects}
    assert set(routes) == {"backdoor", "no_path"}
    assert routes["no_path"].members == 2  # Y -> X, and X <-> Y (X not an ancestor of Y)
    v = _decide(class_effects=fx)
    assert v.status == "check" and v.range is not None


def test_estimators_agree_only_when_refuters_pass() -> None:
    ests = [{"method": "generative", "ate": 3.5, "ci": [3.3, 3.8]},
            {"method": "regression", "ate": 3.54, "ci": [3.4, 3.7]}]
    assert estimates_note(ests).startswith("The estimators agree")
    note = estimates_note(ests, refuters=[{"refuter": "graph", "passed": False}])
    assert "agree:" not in note and "graph" in note


@pytest.mark.parametrize("bad", [{"status": "fine"}, {"status": "OK"}])
def test_verdict_json_rejects_unknown_status(bad: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="status"):
        Verdict.from_json(bad)


def test_class_without_a_causal_path_reports_zero_not_the_final_regression() -> None:
    # the statin case: every plausible graph has statin -> LDL <-> CVD, no directed path
    none = ClassEffects("class", 4, True, 0.8, (
        MemberEffect("no_path", 4, "statin -> LDL; LDL <-> CVD", None, None, 0.0, (0.0, 0.0)),))
    v = _decide(class_effects=none,
                estimates=[EstimatorResult("regression", -0.17, (-0.2, -0.07), ())])
    assert v.effect == 0.0 and v.interval == (0.0, 0.0)


def test_a_structural_zero_is_flagged_and_never_headlined_as_an_estimate() -> None:
    # the napkin case: the data compelled Y -> X, so X is an ancestor of Y in no graph
    none = ClassEffects("class", 1, True, 0.8, (
        MemberEffect("no_path", 1, "Z2 -> X; Y -> X", None, None, 0.0, (0.0, 0.0)),))
    v = _decide(class_effects=none, estimates=[])
    assert v.status == "check"
    assert any("not an ancestor" in f for f in v.flags)
    assert "structural zero" in v.summary and "(95% interval 0 to 0)" not in v.summary


def test_weak_contradictions_share_one_flag_and_strong_ones_keep_their_own() -> None:
    weak = [_against(f"A{i} -> B{i}", 0.2, f"B{i} -> A{i}") for i in range(5)]
    strong = _against("C -> D", 0.7, "D -> C")
    v = _decide(conflicts=[*weak, strong, _against("E -> F", 0.9, "F -> E", moves=False)])
    assert v.status == "check"
    summary = [f for f in v.flags if "weak LLM contradiction" in f]
    assert len(summary) == 1 and all(f"A{i} -> B{i}" in summary[0] for i in range(5))
    assert any(f.startswith("the LLM's C -> D (probability 0.70)") for f in v.flags)
    assert len(v.flags) == 2


def test_override_rows_round_trip_their_own_explanation_and_flag() -> None:
    text = "the data alone compel A -> B; with the LLM's prior the class has B -> A"
    obj = {"a": "A", "b": "B", "kind": "override", "llm_edge": "B -> A",
           "llm_confidence": 0.8, "data_edge": "A -> B", "p_value": None, "sepset": [],
           "final_edge": "B -> A", "explanation": text, "moves_answer": True}
    row = Disagreement.from_json(obj)
    assert row.explanation == text and row.to_json() == obj
    assert list(row.to_json()) == list(obj)  # the file's keys and their order are kept
    v = _decide(conflicts=[row])
    assert v.flags == (f"the LLM's prior overrode a data mark: {text} (the answer depends on "
                       "it)",)


def test_a_row_of_unknown_kind_names_it() -> None:
    with pytest.raises(ValueError, match="'flipped'"):
        Disagreement.from_json({"a": "A", "b": "B", "kind": "flipped"})
