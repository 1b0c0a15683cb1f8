"""fuse(): the co-pilot's data step with the workflow's own directed beliefs (LLMEdge)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from rung.discover.fuse import FusionResult, beliefs_from_directed, fuse
from rung.discover.prior_search import EdgeBelief, prior_search
from rung.workflow.disagreements import LLMEdge


def _asia(n: int) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy.sampling import BayesianModelSampling
        from pgmpy.utils import get_example_model

        m = get_example_model("asia")
        raw = BayesianModelSampling(m).forward_sample(size=n, seed=1, show_progress=False)
    return pd.DataFrame({v: raw[v].map({s: i for i, s in enumerate(
        m.get_cpds(v).state_names[v])}) for v in sorted(raw.columns)}).astype(int)


def test_directed_beliefs_merge_per_pair_and_are_checked() -> None:
    got = beliefs_from_directed([LLMEdge("b", "a", 0.7), LLMEdge("a", "b", 0.5),
                                 LLMEdge("c", "d", 0.2), LLMEdge("c", "d", 0.4)])
    ab, cd = got
    assert (ab.a, ab.b) == ("a", "b")
    assert ab.p_ab == pytest.approx(0.5 / 1.2) and ab.p_ba == pytest.approx(0.7 / 1.2)
    assert cd.p_ab == pytest.approx(0.4) and cd.p_none == pytest.approx(0.6)
    given = EdgeBelief("x", "y", 0.2, 0.3, 0.5)
    assert beliefs_from_directed([given]) == [given]
    with pytest.raises(ValueError, match=r"confidence 1\.5"):
        beliefs_from_directed([LLMEdge("a", "b", 1.5)])


def test_fuse_is_prior_search_twice_with_the_workflow_beliefs() -> None:
    df = _asia(800)
    llm = [LLMEdge("smoke", "lung", 0.85), LLMEdge("lung", "smoke", 0.05),
           LLMEdge("tub", "either", 0.8)]
    res = fuse(df, llm, treatment="lung")
    alone = prior_search(df, weight=0.0, focus=["lung"])
    fused = prior_search(df, beliefs_from_directed(llm), focus=["lung"])
    assert res.data == alone and res.fused == fused
    assert res.fused_classes[0] == fused.mpdag and len(res.fused_classes) == 1 + len(
        fused.plausible)
    assert FusionResult.from_json(res.to_json()) == res
