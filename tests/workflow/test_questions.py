"""Which pairs the LLM is asked about, the LLM-graph rules, the transform and the step order."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.discover import DiscoveredEdge, DiscoveryResult, EdgeEvidence
from rung.lm.backends.scripted import ScriptedBackend
from rung.lm.base import Message
from rung.workflow import (
    CopilotConfig,
    DataConfig,
    DiscoveryConfig,
    InputError,
    LLMConfig,
)
from rung.workflow.questions import (
    PairQuestion,
    ask_pairs,
    edges_from_answers,
    expected_calls,
    select_pairs,
)
from rung.workflow.run import steps_for
from rung.workflow.transform import apply_transform

NODES = ["A", "B", "C", "D"]


def _data() -> DiscoveryResult:
    edges = [DiscoveredEdge("A", "C", "->"), DiscoveredEdge("C", "D", "--")]
    ev = {("A", "B"): EdgeEvidence(0.6, (), 1), ("A", "D"): EdgeEvidence(0.02, ("C",), 3),
          ("B", "C"): EdgeEvidence(0.3, (), 2), ("B", "D"): EdgeEvidence(0.011, ("C",), 3)}
    return DiscoveryResult("pc", tuple(NODES), edges, ev)


def test_select_pairs_skeleton_then_weakest_separations() -> None:
    qs = select_pairs(NODES, _data(), extra=2)
    assert [(q.a, q.b) for q in qs] == [("A", "C"), ("C", "D"), ("B", "D"), ("A", "D")]
    assert qs[0].reason.startswith("adjacent") and "p=0.011" in qs[2].reason
    assert len(select_pairs(NODES, _data(), extra=0)) == 2
    assert len(select_pairs(NODES, _data(), extra=99)) == 6  # capped at every pair
    assert len(select_pairs(NODES, None, extra=0)) == 6  # no data: every pair
    with pytest.raises(ValueError, match="extra pairs=-1"):
        select_pairs(NODES, _data(), extra=-1)


@settings(max_examples=30, deadline=None)
@given(st.sets(st.sampled_from(list(combinations(NODES, 2)))), st.integers(0, 6))
def test_select_pairs_asks_every_adjacency_and_no_pair_twice(
        adj: set[tuple[str, str]], extra: int) -> None:
    res = DiscoveryResult("pc", tuple(NODES), [DiscoveredEdge(a, b, "--") for a, b in adj])
    qs = select_pairs(NODES, res, extra)
    keys = [frozenset((q.a, q.b)) for q in qs]
    assert len(keys) == len(set(keys)) == len(adj) + min(extra, 6 - len(adj))
    assert {frozenset(p) for p in adj} <= set(keys)


def _scripted(truth: set[tuple[str, str]]) -> ScriptedBackend:
    """'Yes' (prob ~0.88) to "Does x cause y?" exactly when x -> y is in ``truth``."""
    def rule(messages: Sequence[Message], prefix: str, option: str) -> float:
        m = re.search(r"Does (\w+) cause (\w+)\?", messages[-1].content)
        assert m is not None
        yes = (m.group(1), m.group(2)) in truth
        return -0.125 if (option == "Yes") == yes else -2.125

    return ScriptedBackend(rule=rule)


def test_ask_pairs_both_orders_and_rules() -> None:
    qs = [PairQuestion(a, b, "test") for a, b in combinations(NODES, 2)]
    ans = ask_pairs(qs, backend=_scripted({("A", "B"), ("C", "B")}), variants=2,
                    progress=False)
    assert ans.calls == expected_calls(len(qs), 2) == 24
    pb = ans.position_bias_json()
    assert pb is not None and pb["questions"] == 12 and pb["order_flip_rate"] == 0.0
    top, _, rule = edges_from_answers(ans, NODES, top_k=None, threshold=None)
    assert len(top) == 4 and "k = the number of variables" in rule  # one per pair, k = n
    assert {(e.source, e.target) for e in top[:2]} == {("A", "B"), ("C", "B")}
    thr, _, rule = edges_from_answers(ans, NODES, top_k=None, threshold=0.5)
    assert {(e.source, e.target) for e in thr} == {("A", "B"), ("C", "B")}
    assert "threshold" in rule
    two, _, _ = edges_from_answers(ans, NODES, top_k=2, threshold=None)
    assert len(two) == 2


def test_log_transform_explicit_and_checked() -> None:
    d = pd.DataFrame({"x": [1.0, np.e ** 2], "y": [2.0, 3.0]})
    out = apply_transform(d, "log")
    assert out["x"].tolist() == pytest.approx([0.0, 2.0])
    assert apply_transform(d, "none") is d
    with pytest.raises(InputError, match=r"columns \['y'\] have minima \[0.0\]"):
        apply_transform(d.assign(y=[0.0, 1.0]), "log")


def test_config_rejects_bad_llm_settings() -> None:
    with pytest.raises(ValueError, match="not both"):
        LLMConfig(top_k=3, threshold=0.5)
    with pytest.raises(ValueError, match="transform='sqrt'"):
        DataConfig(transform="sqrt")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="llm_variants=1"):
        LLMConfig(variants=1)


def test_step_order_data_first_unless_llm_must_go_first() -> None:
    names = [s.name for s in steps_for(CopilotConfig("X", "Y"))]
    assert names[:3] == ["input", "data", "llm"]
    for cfg in (CopilotConfig("X", "Y", discovery=DiscoveryConfig(use_knowledge=True)),
                CopilotConfig("X", "Y", llm=LLMConfig(pairs="all"))):
        assert [s.name for s in steps_for(cfg)][:3] == ["input", "llm", "data"]


def test_rule_keeps_a_pag_arrowhead_against_the_llm() -> None:
    from rung.workflow import LLMEdge, choose_final_graph

    res = DiscoveryResult("fci", ("A", "B", "C"), [DiscoveredEdge("A", "B", "o->"),
                                                   DiscoveredEdge("B", "C", "o-o")])
    g, why = choose_final_graph(res, [LLMEdge("B", "A", 0.9), LLMEdge("C", "B", 0.8)])
    assert ("A", "B") in g.directed_edges and ("C", "B") in g.directed_edges
    assert "contradicts" in {d.edge: d.reason for d in why}["A -> B"]
    g2, _ = choose_final_graph(res, [LLMEdge("A", "B", 0.9)])
    assert ("A", "B") in g2.directed_edges
