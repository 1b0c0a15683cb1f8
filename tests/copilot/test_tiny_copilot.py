"""The new co-pilot behaviour on a real model (SmolLM2-135M, `--model tiny`): the session,
the decision rule, graph reasons, custom templates, notebook display and the shipped edge
calibration, all on real scores."""

from __future__ import annotations

import json

import pytest

from rung.copilot import (
    DECISION_MARGIN,
    MIN_AGREEMENT,
    UNDECIDED,
    Copilot,
    PairwiseResult,
    default_edge_calibration,
    load_templates,
)

pytestmark = pytest.mark.llm


@pytest.fixture(scope="module")
def cp(tiny) -> Copilot:
    return Copilot(tiny, variants=2)


@pytest.fixture(scope="module")
def answer(cp) -> PairwiseResult:
    return cp.pairwise("altitude", "temperature")


def test_session_answer_follows_the_decision_rule(answer):
    probs = sorted(answer.probabilities.values(), reverse=True)
    should = probs[0] - probs[1] >= DECISION_MARGIN and answer.agreement >= MIN_AGREEMENT
    assert answer.decided == should
    assert answer.decision.label == (answer.answer if should else UNDECIDED)
    assert answer.decision.margin == pytest.approx(probs[0] - probs[1])
    json.dumps(answer.to_json(), allow_nan=False)  # real numbers, no NaN


def test_display_of_a_real_answer(answer):
    df = answer.to_frame()
    assert df["p"].tolist() == pytest.approx([v.p for v in answer.variants])
    assert "altitude (A) vs temperature (B)" in answer._repr_html_()


def test_graph_proposal_invariants_on_real_scores(cp):
    prop = cp.graph(["rain", "wet ground", "umbrella sales"])
    undecided = {frozenset((e.source, e.target)) for e in prop.undecided}
    assert all(e.decided for e in prop.edges)
    assert not undecided & {frozenset(e) for e in prop.graph.directed_edges}
    assert (prop.empty_reason is None) == bool(prop.edges)
    if prop.empty_reason:
        assert "--top-k" in prop.empty_reason
    assert len(prop.to_frame()) == 6


def test_custom_template_asked_at_default_k(tiny, tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text('[[template]]\nid = "mine"\nfamily = "pairwise"\n'
                    'text = "{preamble}Would changing {x} move {y}? {first} or {second}."\n')
    r = Copilot(tiny, templates=load_templates(mine)).pairwise("rain", "wet ground")
    assert len(r.variants) == 8 and r.variants[0].prompt_id == "mine"
    assert "Would changing rain move wet ground?" in r.variants[0].prompt


def test_shipped_calibration_gives_calibrated_beliefs(tiny, cp):
    cal = default_edge_calibration(tiny.model_id)
    assert cal is not None, f"no shipped edge calibration for {tiny.model_id}"
    forward, backward = cp.edge_beliefs("altitude", "temperature")
    assert forward.note == ""  # the calibration was fitted for this model, with K=2
    assert forward.p_calibrated is not None and backward.p_calibrated is not None
    assert 0.0 < forward.p_calibrated < 1.0
    assert forward.p_calibrated + backward.p_calibrated <= 1.0 + 1e-12
    assert forward.p_raw == pytest.approx(backward.p_reverse)
    assert "Tübingen" in forward.calibration
