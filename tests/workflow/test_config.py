"""The co-pilot's nested settings: each section refuses its own bad values (naming the
setting and the fix), the ``Literal`` types are the one list of choices, and every config
survives its JSON record (``input.json`` -> ``config``), also the flat record of old runs."""

from __future__ import annotations

import json
import math
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.workflow.config import (
    CopilotConfig,
    DataConfig,
    DiscoveryChoice,
    DiscoveryConfig,
    EstimateConfig,
    LLMConfig,
    LLMPairs,
    ReportConfig,
    ReviewConfig,
    Strategy,
    Transform,
)

NAMES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
                max_size=8)
UNIT = st.floats(min_value=0.01, max_value=1.0)


@st.composite
def configs(draw: Any) -> CopilotConfig:
    """Any valid config, drawn section by section from the documented ranges."""
    top_k = draw(st.none() | st.integers(1, 50))
    llm = LLMConfig(
        model=draw(st.none() | st.sampled_from(["tiny", "scripted", "http://u:k@h:1/v1|m"])),
        descriptions=draw(st.none() | st.dictionaries(NAMES, NAMES, max_size=3)),
        strategy=draw(st.sampled_from(get_args(Strategy))),
        pairs=draw(st.sampled_from(get_args(LLMPairs))),
        extra_pairs=draw(st.none() | st.integers(0, 20)), variants=draw(st.integers(2, 6)),
        top_k=top_k, threshold=None if top_k is not None else draw(st.none() | UNIT))
    a = draw(st.floats(-1e6, 1e6))
    contrast = draw(st.none() | st.just((a, a + draw(st.floats(0.5, 10.0)))))
    ref = draw(st.none() | st.lists(st.tuples(NAMES, NAMES), max_size=4).map(tuple))
    return CopilotConfig(
        treatment=draw(NAMES), outcome=draw(NAMES), seed=draw(st.integers(0, 2**31)),
        data=DataConfig(source=draw(NAMES), transform=draw(st.sampled_from(get_args(Transform))),
                        categorical=tuple(draw(st.lists(NAMES, max_size=3))),
                        preparation=tuple(draw(st.lists(NAMES, max_size=2)))),
        llm=llm,
        discovery=DiscoveryConfig(method=draw(st.sampled_from(get_args(DiscoveryChoice))),
                                  alpha=draw(st.floats(0.001, 0.5)),
                                  use_knowledge=draw(st.booleans()),
                                  knowledge_at=draw(st.floats(0.0, 1.0))),
        review=ReviewConfig(analyst_graph=draw(st.none() | st.just("X -> Y")),
                            orientation_threshold=draw(UNIT),
                            class_limit=draw(st.integers(1, 1000)), reference_edges=ref,
                            reference_name=draw(NAMES)),
        estimate=EstimateConfig(contrast=contrast, bootstrap=draw(st.integers(10, 500)),
                                generative_samples=draw(st.integers(1, 2000))),
        report=ReportConfig(title=draw(NAMES), notes=tuple(draw(st.lists(NAMES, max_size=2))),
                            true_effect=draw(st.none() | st.floats(-10, 10))))


@settings(max_examples=60, deadline=None)
@given(configs())
def test_every_config_survives_its_json_record(cfg: CopilotConfig) -> None:
    text = json.dumps(cfg.to_json(), allow_nan=False)  # what input.json holds
    back = CopilotConfig.from_json(json.loads(text))
    if cfg.llm.model is not None and "@" in cfg.llm.model:  # the key is never recorded
        assert "k@" not in text and back.llm.model != cfg.llm.model
        back = CopilotConfig.from_json({**json.loads(text),
                                        "llm": {**json.loads(text)["llm"],
                                                "model": cfg.llm.model}})
    assert back == cfg


@pytest.mark.parametrize(("make", "message"), [
    (lambda: DataConfig(transform="sqrt"), "transform='sqrt'; choose one of ['none', 'log']"),
    (lambda: LLMConfig(strategy="walk"), "strategy='walk'; choose one of"),
    (lambda: LLMConfig(pairs="some"), "llm_pairs='some'; choose one of ['skeleton', 'all']"),
    (lambda: LLMConfig(top_k=0), "llm_top_k=0 keeps no LLM edge: give at least 1"),
    (lambda: LLMConfig(threshold=math.nan), "llm_threshold=nan must lie in (0, 1]"),
    (lambda: LLMConfig(top_k=2, threshold=0.5), "give either llm_top_k or llm_threshold"),
    (lambda: LLMConfig(extra_pairs=-1), "llm_extra_pairs=-1 must be a non-negative"),
    (lambda: LLMConfig(variants=1), "llm_variants=1: use at least 2"),
    (lambda: DiscoveryConfig(method="lingam"), "discovery='lingam'; choose one of"),
    (lambda: DiscoveryConfig(alpha=1.0), "alpha=1.0 must lie strictly between 0 and 1"),
    (lambda: DiscoveryConfig(knowledge_at=1.5), "knowledge_at=1.5 must lie in [0, 1]"),
    (lambda: ReviewConfig(orientation_threshold=0.0), "orientation_threshold=0.0 must lie"),
    (lambda: ReviewConfig(class_limit=0), "class_limit=0 must be at least 1"),
    (lambda: EstimateConfig(bootstrap=9), "bootstrap=9 must be >= 10"),
    (lambda: EstimateConfig(generative_samples=0), "generative_samples=0 >= 1"),
    (lambda: EstimateConfig(contrast=(1.0, math.inf)), "must be two finite numbers"),
    (lambda: EstimateConfig(contrast=(1.0, 1.0)), "give two different treatment values"),
    (lambda: ReportConfig(true_effect=math.nan), "true_effect=nan must be a finite number"),
    (lambda: CopilotConfig("X", "Y", seed=-1), "seed=-1 must be a non-negative integer"),
])
def test_each_section_refuses_its_bad_values_by_name(make: Any, message: str) -> None:
    with pytest.raises(ValueError) as info:
        make()
    assert message in str(info.value)


def test_the_literal_types_are_the_choices_each_section_accepts() -> None:
    for value in get_args(Transform):
        assert DataConfig(transform=value).transform == value
    for value in get_args(Strategy):
        assert LLMConfig(strategy=value).strategy == value
    for value in get_args(LLMPairs):
        assert LLMConfig(pairs=value).pairs == value
    for value in get_args(DiscoveryChoice):
        assert DiscoveryConfig(method=value).method == value


def test_a_section_in_the_wrong_place_is_named() -> None:
    with pytest.raises(TypeError, match=r"CopilotConfig\(llm=...\) takes a LLMConfig"):
        CopilotConfig("X", "Y", llm=DiscoveryConfig())  # type: ignore[arg-type]


def test_the_flat_record_of_old_runs_is_read_into_the_sections() -> None:
    old = {"treatment": "X", "outcome": "Y", "model": "tiny", "transform": "log",
           "strategy": "bfs", "llm_pairs": "all", "llm_extra_pairs": 3, "llm_variants": 4,
           "llm_top_k": 5, "llm_threshold": None, "discovery": "fci", "alpha": 0.05,
           "use_knowledge": True, "knowledge_at": 0.7, "contrast": [2, 1], "bootstrap": 30,
           "generative_samples": 40, "seed": 7, "reference_edges": [["X", "Y"]],
           "reference_name": "truth", "analyst_graph": "X -> Y", "title": "T",
           "source": "example sachs", "true_effect": 1.5, "notes": ["n"],
           "data_notes": ["dropped 2 rows"], "categorical": ["C"],
           "orientation_threshold": 0.9, "class_limit": 8, "extra": {}, "descriptions": {}}
    cfg = CopilotConfig.from_json(old)
    assert cfg == CopilotConfig(
        "X", "Y", seed=7,
        data=DataConfig(source="example sachs", transform="log", categorical=("C",),
                        preparation=("dropped 2 rows",)),
        llm=LLMConfig(model="tiny", strategy="bfs", pairs="all", extra_pairs=3, variants=4,
                      top_k=5),
        discovery=DiscoveryConfig(method="fci", alpha=0.05, use_knowledge=True,
                                  knowledge_at=0.7),
        review=ReviewConfig(analyst_graph="X -> Y", orientation_threshold=0.9, class_limit=8,
                            reference_edges=(("X", "Y"),), reference_name="truth"),
        estimate=EstimateConfig(contrast=(2.0, 1.0), bootstrap=30, generative_samples=40),
        report=ReportConfig(title="T", notes=("n",), true_effect=1.5))
    assert cfg.asks_all_pairs


def test_unknown_keys_of_a_newer_rung_are_ignored() -> None:
    rec = CopilotConfig("X", "Y").to_json()
    rec["llm"]["temperature"] = 0.3
    rec["future_section"] = {"a": 1}
    assert CopilotConfig.from_json(rec) == CopilotConfig("X", "Y")
