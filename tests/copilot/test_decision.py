"""Undecided is an answer: ties, split variants, empty graphs, custom templates, NaN answers."""

from __future__ import annotations

import dataclasses
import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rung.copilot import (
    DECISION_MARGIN,
    MIN_AGREEMENT,
    UNDECIDED,
    TemperatureCalibration,
    VariantRecord,
    aggregate,
    decide,
    direction_probabilities,
    load_templates,
    pairwise,
    propose_graph,
)
from rung.lm.base import LMError

LABELS = ["A->B", "B->A", "none"]


def per_direction(q: dict[tuple[str, str], float]):
    """P(yes) to "Does x cause y?" by (x, y), the same in both answer orders."""

    def rule(prompt: str, option: str) -> float | None:
        m = re.search(r"Does (.+?) cause (.+?)\?", prompt)
        if not m or option not in ("Yes", "No"):
            return None
        p = q.get((m.group(1), m.group(2)), 0.1)
        return p if option == "Yes" else 1 - p

    return rule


def test_near_tie_is_undecided_exact(scripted):
    r = pairwise("a", "b", backend=scripted(per_direction({("a", "b"): 0.52, ("b", "a"): 0.2})),
                 variants=2)
    expected = direction_probabilities(0.52, 0.2)  # A->B .4643, none .4286
    assert r.probabilities == pytest.approx(expected)
    assert r.answer == "A->B" and r.agreement == 1.0
    assert not r.decided and r.decision.label == UNDECIDED
    assert r.decision.runner_up == "none"
    assert r.decision.margin == pytest.approx(expected["A->B"] - expected["none"])
    assert "margin 0.036 < 0.05" in r.decision.reason
    js = r.to_json()
    assert js["decision"] == "undecided" and js["decided"] is False and js["answer"] == "A->B"
    assert "undecided" in r.summary()


def test_clear_answer_is_decided(scripted):
    r = pairwise("a", "b", backend=scripted(per_direction({("a", "b"): 0.6, ("b", "a"): 0.2})),
                 variants=2)
    assert r.decided and r.decision.label == "A->B" and r.decision.reason == ""
    assert r.to_json()["decision"] == "A->B"


def test_decision_follows_the_reported_calibrated_probabilities(scripted):
    rule = per_direction({("a", "b"): 0.6, ("b", "a"): 0.2})
    hot = TemperatureCalibration.with_temperature(20.0)  # flattens towards uniform
    r = pairwise("a", "b", backend=scripted(rule), variants=2, calibration=hot)
    assert r.answer == "A->B" and not r.decided  # same argmax, margin now < 0.05


def test_split_variants_are_undecided():
    def rec(order: str, probs: dict[str, float]) -> VariantRecord:
        return VariantRecord("t", order, "p", False, "", probs, tuple(LABELS))

    strong = rec("forward", {"A->B": 0.98, "B->A": 0.01, "none": 0.01})
    weak = [rec("reverse", {"A->B": 0.30, "B->A": 0.40, "none": 0.30}) for _ in range(3)]
    agg = aggregate([strong, *weak], LABELS)
    assert agg.answer == "A->B" and agg.agreement == 0.25
    d = decide(agg.probabilities, LABELS, agg.agreement)
    assert not d.decided and "only 25% of the variants answer A->B" in d.reason


@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_decide_rule(p1, p2, agreement):
    probs = {"Yes": p1, "No": p2}
    d = decide(probs, ["Yes", "No"], agreement)
    assert d.decided == (abs(p1 - p2) >= DECISION_MARGIN and agreement >= MIN_AGREEMENT)
    assert d.label == (max(("Yes", "No"), key=lambda k: (probs[k], k == "Yes"))
                       if d.decided else UNDECIDED)
    assert d.margin == pytest.approx(abs(p1 - p2))


def test_nan_scores_are_a_backend_error_not_an_answer(scripted):
    with pytest.raises(LMError, match="NaN"):
        pairwise("a", "b", backend=scripted(lambda p, o: math.nan), variants=2)
    rec = VariantRecord("t", "forward", "p", False, "", {"Yes": math.nan, "No": 0.5},
                        ("Yes", "No"))
    with pytest.raises(LMError, match="non-finite"):
        aggregate([rec, rec], ["Yes", "No"])


VARS = ["a", "b", "c"]


def test_graph_keeps_undecided_pairs_out_and_lists_them(scripted):
    q = {("a", "b"): 0.52, ("b", "a"): 0.2, ("b", "c"): 0.9}
    prop = propose_graph(VARS, backend=scripted(per_direction(q)), progress=False,
                         threshold=0.4)
    # a -> b (.464 >= .4 and > none .429) would pass the threshold, but the pair is a tie
    assert set(prop.graph.directed_edges) == {("b", "c")}
    assert [(e.source, e.target) for e in prop.undecided] == [("a", "b")]
    assert prop.to_json()["undecided"][0]["decided"] is False
    top = propose_graph(VARS, backend=scripted(per_direction(q)), progress=False, top_k=2)
    assert {(e.source, e.target, e.decided) for e in top.edges} == {
        ("b", "c", True), ("a", "b", False)}


def test_empty_graph_says_why_and_which_flag_helps(scripted):
    prop = propose_graph(VARS, backend=scripted(per_direction({("a", "b"): 0.3})),
                         progress=False)
    assert prop.edges == [] and prop.to_json()["empty"] is True
    reason = prop.empty_reason or ""
    assert "threshold 0.5" in reason and "a -> b" in reason
    assert "--threshold" in reason and "--top-k" in reason
    assert "// empty:" in prop.to_dot()
    assert propose_graph(VARS, backend=scripted(per_direction({("a", "b"): 0.9})),
                         progress=False).empty_reason is None


def test_custom_template_is_asked_at_the_default_k(tmp_path, scripted):
    mine = tmp_path / "mine.toml"
    mine.write_text('[[template]]\nid = "mine"\nfamily = "pairwise"\nformat = "yesno"\n'
                    'text = "{preamble}Would changing {x} move {y}? {first} or {second}."\n')
    book = load_templates(mine)
    r = pairwise("a", "b", backend=scripted(lambda p, o: 0.5), templates=book)
    assert len(r.variants) == 8  # the default K
    assert r.variants[0].prompt_id == "mine"  # a user template is asked first
    assert "Would changing a move b?" in r.variants[0].prompt


def test_unasked_user_template_is_explained(tmp_path):
    from rung.copilot.variants import unasked_user_templates

    mine = tmp_path / "mine.toml"
    mine.write_text('[[template]]\nid = "off"\nfamily = "pairwise"\nenabled = false\n'
                    'text = "{preamble}{x} {y} {first} {second}"\n'
                    '[[template]]\nid = "t2"\nfamily = "pairwise"\n'
                    'text = "{preamble}{x}? {y}? {first} {second}"\n')
    book = load_templates(mine)
    notes = unasked_user_templates(book, "pairwise", ["does-cause"], k=2)
    assert notes == [
        "template 'off' (pairwise) was not asked: it is disabled (enabled = false)",
        "template 't2' (pairwise) was not asked: K=2 asks 1 wording(s) in both orders; "
        "raise --variants",
    ]
    only = dataclasses.replace(book, templates=tuple(t for t in book.templates if t.user))
    assert [t.id for t in only.select("pairwise")] == ["t2"]
