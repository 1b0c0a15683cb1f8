"""Scoring and reports from hand-written ledgers, checked against hand-computed values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rung.bench.ledger import Ledger
from rung.bench.registry import load_benchmark
from rung.bench.report import write_report
from rung.bench.scoring import score_run


def _rec(probe: str, item: str, answer: str, truth: str, p: float, **kw: Any) -> dict[str, Any]:
    other = "B->A" if answer == "A->B" else "A->B"
    return {"key": f"{probe}/{item}", "probe": probe, "item": item, "answer": answer,
            "truth": truth, "correct": answer == truth, "probabilities": {answer: p, other: 1 - p},
            "calls": 4, "seconds": 0.5, **kw}


def _tuebingen_records() -> list[dict[str, Any]]:
    bias = {"prompts": 4, "first_option_share_raw": 0.75, "order_flip_rate": 0.5}
    return [
        # base: pair0001 (w .166) right, pair0012 (w .5) right, pair0047 (w 1.0) wrong
        _rec("base", "pair0001", "A->B", "A->B", 0.9, position_bias=bias),
        _rec("base", "pair0012", "A->B", "A->B", 0.7, position_bias=bias),
        _rec("base", "pair0047", "A->B", "B->A", 0.6, position_bias=bias),
        # order: the swapped pair0001 is wrong, the others unchanged
        _rec("order", "pair0001", "A->B", "B->A", 0.8),
        _rec("order", "pair0012", "B->A", "B->A", 0.7),
        _rec("order", "pair0047", "B->A", "A->B", 0.6),
        _rec("nonsense", "pair0001", "A->B", "A->B", 0.95),
        _rec("nonsense", "pair0012", "B->A", "A->B", 0.55),
    ]


def test_scores_by_hand(data_dir: Path) -> None:
    bench = load_benchmark("tuebingen", data_dir)
    s = score_run(bench, _tuebingen_records(), "test-model")
    base, order, nonsense = s.probes
    assert base.accuracy.value == pytest.approx(2 / 3)
    assert base.weighted is not None
    assert base.weighted.value == pytest.approx((0.166 + 0.5) / (0.166 + 0.5 + 1.0))
    assert order.accuracy.value == pytest.approx(1 / 3)
    assert order.gap is not None and order.gap.value == pytest.approx(1 / 3)
    assert nonsense.accuracy.value == 0.5 and nonsense.extra["confident_share"] == 0.5
    assert s.position_bias["first_option_share_raw"] == 0.75
    assert s.baselines["always_first_causes_second"] == pytest.approx(2 / 3)
    # Brier: (0.01+0.01) + (0.09+0.09) + (0.36+0.36) = 0.92 over 3 items
    assert s.calibration["brier"] == pytest.approx(0.92 / 3)
    assert s.cost == {"model_calls": 32.0, "model_seconds": 4.0, "questions": 8.0}


def test_position_bias_no_preference_share_counts_options() -> None:
    """With k options shown, a model without position preference picks the first 1/k of
    the time; the report compares the observed share with that, not with 50 %."""
    from rung.bench.items import Benchmark, CounterfactualItem, JudgmentItem
    from rung.bench.notes import honesty_notes

    items = (CounterfactualItem("c4", "p", "q", ("a", "b", "c", "d"), "a"),
             CounterfactualItem("c3", "p", "q", ("a", "b", "c"), "a"),
             JudgmentItem("j", "story", "q?", "Yes"))
    bench = Benchmark("toy", items)
    bias = {"prompts": 2, "first_option_share_raw": 0.0, "order_flip_rate": 0.0}
    recs = [{"key": f"base/{i}", "probe": "base", "item": i, "answer": "a", "truth": "a",
             "correct": True, "probabilities": {"a": 1.0}, "position_bias": bias}
            for i in ("c4", "c3", "j")]
    s = score_run(bench, recs)
    assert s.position_bias["no_preference_share"] == pytest.approx((1 / 4 + 1 / 3 + 1 / 2) / 3)
    assert s.position_bias["first_option_share_raw"] == 0.0
    assert any("(36% = no preference)" in n and "strong" in n for n in honesty_notes(s))


def test_graph_scores_for_asia() -> None:
    bench = load_benchmark("asia-graph")
    recs = []
    for item in bench.items:  # answer every pair exactly right, except one missed edge
        answer = "none" if item.truth == "none" else item.truth  # type: ignore[union-attr]
        if (item.a, item.b) in {("smoke", "lung"), ("lung", "smoke")}:  # type: ignore[union-attr]
            answer = "none"
        recs.append({"key": f"base/{item.id}", "probe": "base", "item": item.id,
                     "answer": answer, "truth": item.truth,  # type: ignore[union-attr]
                     "correct": answer == item.truth,  # type: ignore[union-attr]
                     "probabilities": {answer: 1.0}})
    g = score_run(bench, recs).graph
    assert g is not None
    assert g["shd"] == 1 and g["recall"] == pytest.approx(7 / 8) and g["precision"] == 1.0
    assert g["normalized_hamming"] == pytest.approx(1 / 64)
    assert g["empty_graph_normalized_hamming"] == pytest.approx(8 / 64)  # 8 asia edges


def test_write_report(tmp_path: Path, data_dir: Path) -> None:
    led = Ledger(tmp_path / "answers.jsonl")
    for rec in _tuebingen_records():
        led.append(rec)
    (tmp_path / "run.json").write_text(json.dumps(
        {"benchmark": "tuebingen", "model_id": "test-model", "data_dir": str(data_dir)}))
    files = write_report(tmp_path)
    md = files.markdown.read_text()
    assert "| base | 3 | 0.667" in md and "gpt-4 (single A/B prompt)" in md
    assert "Near chance" in md  # 3 items: the CI reaches down to the baselines
    assert "Position bias: strong" in md and "75%" in md
    page = files.html.read_text()
    assert page.count("<svg") == 2  # figures inline: nothing is fetched from elsewhere
    assert "src=" not in page and "<link" not in page and 'href="http' not in page
    assert json.loads(files.scores_json.read_text())["probes"][0]["probe"] == "base"


def test_report_needs_a_run_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a benchmark run folder"):
        write_report(tmp_path)
