"""The fusion benchmark's pieces on asia (small n): exact effects, the simulated expert, its
calibration, one cell per source, and a resumable run."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rung.bench.fusion import (
    ORIENTATION_THRESHOLD,
    FusionCell,
    calibrated_beliefs,
    choose_query,
    exact_effect,
    expert_dag,
    network_edges,
    run_cell,
    sample_network,
    simulated_answers,
)
from rung.bench.fusion_run import format_fusion_report, plan_cells, run_fusion_benchmark
from rung.bench.ledger import Ledger
from rung.graph import CausalGraph


def test_exact_effect_matches_the_back_door_formula_on_the_unmutilated_network() -> None:
    """Independent reference: Σ_s P(xray=0 | lung=a, smoke=s) P(smoke=s) by plain VE."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy.inference import VariableElimination
        from pgmpy.utils import get_example_model

        m = get_example_model("asia")
        ve = VariableElimination(m)
        lung, smoke = m.get_cpds("lung").state_names["lung"], \
            m.get_cpds("smoke").state_names["smoke"]
        p_smoke = ve.query(["smoke"], show_progress=False).values

        def do(a: int) -> float:
            return float(sum(ve.query(["xray"], evidence={"lung": lung[a], "smoke": smoke[s]},
                                      show_progress=False).values[0] * p_smoke[s]
                             for s in range(2)))

    assert exact_effect("asia", "lung", "xray", (0, 1), 0) == pytest.approx(do(0) - do(1))
    q = choose_query("asia")
    nodes, edges = network_edges("asia")
    g = CausalGraph(directed=edges, nodes=nodes)
    assert q.outcome in g.descendants(q.treatment) and g.parents(q.treatment)


def test_simulated_expert_is_right_at_the_stated_rate_and_calibration_is_bayes() -> None:
    nodes, edges = network_edges("alarm")
    truth = simulated_answers(nodes, edges, 1.0, 0)
    answers = simulated_answers(nodes, edges, 0.8, 3)
    rate = np.mean([answers[k] == truth[k] for k in truth])
    assert abs(rate - 0.8) < 0.05  # 666 pairs
    wrong = [answers[k] for k in truth if answers[k] != truth[k] and truth[k] == "none"]
    assert {"A->B", "B->A"} == set(wrong)
    bel = calibrated_beliefs({("A", "B"): "none"}, 0.8, 0.1)[("A", "B")]
    joint = {"A->B": 0.05 * 0.1, "B->A": 0.05 * 0.1, "none": 0.9 * 0.8}
    assert bel.p_none == pytest.approx(joint["none"] / sum(joint.values()))


def test_expert_dag_breaks_cycles() -> None:
    answers = {("A", "B"): "A->B", ("B", "C"): "A->B", ("A", "C"): "B->A"}  # A->B->C->A
    g = expert_dag(["A", "B", "C"], answers)  # type: ignore[arg-type]
    assert len(g.directed_edges) == 2


@pytest.mark.parametrize(("source", "accuracy"), [("data", None), ("expert", 0.9),
                                                   ("fusion", 0.9)])
def test_one_cell_per_source(source: str, accuracy: float | None) -> None:
    rec = run_cell(FusionCell("asia", 400, 0, source, accuracy))  # type: ignore[arg-type]
    assert rec["key"] == f"asia/n400/s0/{source}/p{'-' if accuracy is None else '0.9'}"
    assert isinstance(rec["shd"], int) and 0 <= rec["directed_f1"] <= 1
    assert isinstance(rec["covers"], bool) and rec["status"] in ("ok", "check")
    assert sample_network("asia", 400, 0).shape == (400, 8)
    if source == "fusion":
        assert rec["orientation_threshold"] == ORIENTATION_THRESHOLD


def test_the_benchmark_orients_at_the_workflows_threshold() -> None:
    import inspect

    from rung.discover.fuse import fuse
    from rung.discover.prior_search import prior_search
    from rung.workflow.members import ORIENTATION_THRESHOLD as SHIPPED

    for f in (prior_search, fuse):  # one threshold: the library's defaults are the shipped one
        assert inspect.signature(f).parameters["orientation_threshold"].default == SHIPPED
    assert ORIENTATION_THRESHOLD == SHIPPED
    rng = np.random.default_rng(0)
    a = rng.integers(0, 2, 2000)
    df = pd.DataFrame({"A": a, "B": (a ^ (rng.random(2000) < 0.2)).astype(int)})
    # the p = 0.8 expert says A -> B: calibrated, P(A -> B | an edge) = 0.8 / 0.9 = 0.889
    bel = calibrated_beliefs({("A", "B"): "A->B"}, 0.8, 0.3)
    assert bel[("A", "B")].oriented("A", "B") == pytest.approx(8 / 9)
    at = {t: prior_search(df, dict(bel), orientation_threshold=t).mpdag
          for t in (ORIENTATION_THRESHOLD, 0.9)}
    assert at[ORIENTATION_THRESHOLD].directed == (("A", "B"),)
    assert at[0.9].directed == () and at[0.9].undirected == (("A", "B"),)


def test_run_resumes_from_the_ledger(tmp_path: Path) -> None:
    cells = plan_cells(["asia"], [300], [0], [0.95])
    first = run_fusion_benchmark(tmp_path, cells, fit_prior_weight=False, progress=False)
    lines = (tmp_path / "cells.jsonl").read_text().splitlines()
    again = run_fusion_benchmark(tmp_path, cells, fit_prior_weight=False, progress=False)
    assert len(first) == len(again) == 3 and (tmp_path / "cells.jsonl").read_text() \
        .splitlines() == lines
    assert len(Ledger(tmp_path / "cells.jsonl", writable=False)) == 3
    report = format_fusion_report(again)
    assert "| asia | 300 | fusion | 0.95 |" in report and "coverage, data" in report


def test_rerun_of_the_misses_reports_before_and_after(tmp_path: Path) -> None:
    from rung.bench.fusion_run import format_rerun, missed_cells

    cells = plan_cells(["asia"], [200], [0], [0.9])
    before = run_fusion_benchmark(tmp_path / "a", cells, fit_prior_weight=False, progress=False)
    fake = [dict(r, covers=False) if r["source"] != "expert" else r for r in before]
    again = missed_cells(fake)
    assert [c.key for c in again] == ["asia/n200/s0/data/p-", "asia/n200/s0/fusion/p0.9"]
    after = run_fusion_benchmark(tmp_path / "b", again, fit_prior_weight=False,
                                 progress=False)
    lines = format_rerun(fake, after).splitlines()
    assert len(lines) == 2 and all(" -> " in line and "truth 0.920" in line for line in lines)
    assert [r["range"] for r in after] == [r["range"] for r in before if r["source"] != "expert"]
