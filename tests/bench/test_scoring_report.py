"""Scoring and reports from hand-written ledgers, checked against hand-computed values."""

from __future__ import annotations

import json
import subprocess
import sys
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


def _judgments(n: int, right: int, truth: str = "Yes") -> tuple[Any, list[dict[str, Any]]]:
    from rung.bench.items import Benchmark, JudgmentItem

    bench = Benchmark("toy", tuple(JudgmentItem(f"j{i:02d}", "story", "q?", truth)
                                   for i in range(n)))
    other = "No" if truth == "Yes" else "Yes"
    recs = [{"key": f"base/j{i:02d}", "probe": "base", "item": f"j{i:02d}",
             "answer": truth if i < right else other, "truth": truth, "correct": i < right,
             "probabilities": {truth: 0.9 if i < right else 0.1,
                               other: 0.1 if i < right else 0.9}}
            for i in range(n)]
    return bench, recs


def test_twelve_of_twelve_is_above_chance_with_an_honest_interval() -> None:
    from rung.bench.report import markdown_report

    bench, recs = _judgments(12, 12)
    md = markdown_report(score_run(bench, recs))
    assert "| base | 12 | 1.000 [0.758, 1.000] |" in md  # lower end below 0.8
    assert "Near chance" not in md and "**Above chance.**" in md
    # every item says "Yes": the majority class scores 1.000 too, and the report says so
    assert "not clear of the majority-class baseline (1.000" in md
    assert "cannot be beaten" in md


@pytest.mark.parametrize(("right", "headline"), [
    (7, "**Near chance.**"),  # 7/12: [0.320, 0.806] contains 0.5
    (0, "**Below chance.**"),  # 0/12: [0, 0.242]
    (11, "**Above chance.**"),  # 11/12: [0.646, 0.985]
])
def test_headline_follows_the_interval(right: int, headline: str) -> None:
    from rung.bench.metrics import wilson_proportion
    from rung.bench.notes import honesty_notes

    bench, recs = _judgments(12, right)
    s = score_run(bench, recs)
    acc = s.probes[0].accuracy
    assert acc == wilson_proportion([True] * right + [False] * (12 - right))
    note = honesty_notes(s)[0]
    chance = s.baselines["chance"]
    assert note.startswith(headline), note
    assert (headline == "**Near chance.**") == (acc.low <= chance <= acc.high)
    assert str(acc) in note  # the words sit beside the numbers they describe


def test_gap_of_identical_answers_is_not_certain(data_dir: Path) -> None:
    bench = load_benchmark("tuebingen", data_dir)
    recs = [r for r in _tuebingen_records() if r["probe"] == "base"]
    recs += [dict(r, key=f"rename/{r['item']}", probe="rename") for r in recs]
    gap = score_run(bench, recs).probes[1].gap
    assert gap is not None and gap.value == 0.0 and gap.low < 0 < gap.high


@pytest.mark.skipif(not (Path(sys.executable).parent / "rung").is_file(),
                    reason="the rung console script is not installed")
def test_cli_report_of_twelve_correct(tmp_path: Path, data_dir: Path) -> None:
    bench = load_benchmark("tuebingen", data_dir)
    led = Ledger(tmp_path / "answers.jsonl")
    for item in bench.items[:12]:
        truth = item.truth  # type: ignore[union-attr]
        led.append(_rec("base", item.id, truth, truth, 0.8))
    (tmp_path / "run.json").write_text(json.dumps(
        {"benchmark": "tuebingen", "model_id": "m", "data_dir": str(data_dir)}))
    done = subprocess.run([str(Path(sys.executable).parent / "rung"), "bench", "report",
                           str(tmp_path), "--json"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    acc = json.loads(done.stdout)["probes"][0]["accuracy"]
    assert acc["value"] == 1.0 and acc["low"] < 0.8 and acc["method"] == "wilson"
    md = (tmp_path / "report.md").read_text()
    assert "Near chance" not in md and "1.000 [0.758, 1.000]" in md


def test_report_of_a_damaged_run_json_names_it(tmp_path: Path) -> None:
    (tmp_path / "run.json").write_text('{"benchmark": "tuebingen",')
    with pytest.raises(ValueError, match=r"run\.json' is not valid JSON \(.* line 1, column"):
        write_report(tmp_path)
    (tmp_path / "run.json").write_text("[]")
    with pytest.raises(ValueError, match=r"run\.json' does not name its benchmark"):
        write_report(tmp_path)
