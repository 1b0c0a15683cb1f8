"""Plumbing on real models: the answers are real model outputs (tiny SmolLM2-135M), and one
short check on the 1.5B default when `rung lm setup` has been run."""

from __future__ import annotations

import pytest

from rung.copilot import judgment, pairwise, propose_graph

pytestmark = pytest.mark.llm


def test_tiny_pairwise_real_scores(tiny):
    r = pairwise("altitude", "temperature", backend=tiny, variants=2)
    assert r.calls == 4
    assert r.model.endswith(".gguf")
    assert sum(r.probabilities.values()) == pytest.approx(1.0)
    scored = [s for v in r.variants for s in v.scored]
    assert len(scored) == 4
    # a real model gives unequal, non-degenerate probabilities to Yes/No
    assert all(0.0 < p < 1.0 and abs(p - 0.5) > 1e-6 for s in scored for p in s.probabilities)
    # re-asking gives identical numbers (greedy scoring is deterministic)
    again = pairwise("altitude", "temperature", backend=tiny, variants=2)
    assert again.probabilities == pytest.approx(r.probabilities, abs=1e-6)
    js = r.to_json()
    assert js["position_bias"]["prompts"] == 4


def test_tiny_judgment_and_bfs_graph(tiny):
    r = judgment(
        "Tom pressed the switch and the light went on.",
        "Did Tom cause the light to go on?",
        backend=tiny,
        variants=2,
    )
    assert r.answer in ("Yes", "No") and r.calls == 2
    prop = propose_graph(
        ["rain", "wet ground", "umbrella sales"], strategy="bfs", backend=tiny, progress=False
    )
    assert prop.calls == 2 * 4  # roots + one query per node, both listing orders
    assert set(prop.graph.nodes) == {"rain", "wet ground", "umbrella sales"}
    assert all(0 < e.confidence <= 1 for e in prop.edges)


@pytest.mark.slow
def test_default_model_orders_an_easy_pair(default_model):
    # the 1.5B default ranked 12/12 easy pairs right with per-direction yes/no
    r = pairwise("temperature", "altitude", backend=default_model, variants=2)
    assert r.probabilities["B->A"] > r.probabilities["A->B"]


@pytest.mark.slow
def test_default_model_tie_is_undecided(default_model):
    # issue 15: the 1.5B default gave "A->B" 0.383 against "none" 0.380 here (K = 8)
    r = pairwise("altitude", "temperature", backend=default_model)
    assert abs(r.probabilities["A->B"] - r.probabilities["none"]) < 0.05
    assert r.decision.label == "undecided" and "margin" in r.decision.reason
