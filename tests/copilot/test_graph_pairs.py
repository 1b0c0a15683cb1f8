"""``propose_graph(pairs=...)``: only the chosen pairs are asked, scored as in the full plan."""

from __future__ import annotations

import pytest

from rung.copilot import propose_graph

from .test_graph import TRUE, VARS, truth_rule

CHOSEN = [("wet ground", "rain"), ("slipping", "wet ground"), ("rain", "slipping")]


def test_pairs_subset_asks_only_those_and_scores_identically(scripted):
    backend = scripted(truth_rule)
    prop = propose_graph(VARS, strategy="pairs", backend=backend, progress=False, pairs=CHOSEN)
    assert prop.calls == len(CHOSEN) * 4 == backend.calls  # 2 orders × 2 directions
    asked = {frozenset((e.source, e.target)) for e in prop.candidates}
    assert asked == {frozenset(p) for p in CHOSEN}
    assert len(prop.candidates) == 2 * len(CHOSEN)
    full = propose_graph(VARS, strategy="pairs", backend=scripted(truth_rule), progress=False)
    conf = {(e.source, e.target): e for e in full.candidates}
    for e in prop.candidates:  # same per-pair scores, whichever order the pair was given
        assert e.confidence == pytest.approx(conf[(e.source, e.target)].confidence, abs=1e-12)
        assert (e.votes, e.asked) == (conf[(e.source, e.target)].votes, 2)
    assert set(prop.graph.directed_edges) == {e for e in TRUE if frozenset(e) in asked}
    assert prop.position_bias is not None and prop.position_bias.to_json()["prompts"] == 12
    top = propose_graph(VARS, backend=scripted(truth_rule), progress=False, pairs=CHOSEN,
                        top_k=1)
    assert [(e.source, e.target) for e in top.edges] == [("rain", "wet ground")]  # tie: by name


@pytest.mark.parametrize(
    ("pairs", "kwargs", "match"),
    [
        ([("rain", "snow")], {}, r"pair \('rain', 'snow'\): \['snow'\] not among"),
        ([("rain", "rain")], {}, r"pair \('rain', 'rain'\) is a self-pair"),
        ([("rain", "slipping"), ("slipping", "rain")], {}, r"pair \('slipping', 'rain'\) is "
         "asked twice"),
        ([("rain", "slipping")], {"strategy": "bfs"}, "strategy='pairs' only"),
    ],
)
def test_bad_pairs(scripted, pairs, kwargs, match):
    with pytest.raises(ValueError, match=match):
        propose_graph(VARS, backend=scripted(truth_rule), progress=False, pairs=pairs, **kwargs)
