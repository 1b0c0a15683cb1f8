"""The whole co-pilot workflow on a simulated case study with known graph and effect, with the
tiny embedded model: resume, the analyst's --graph, coverage of the truth, and the report in
headless Chromium."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from rung.cli.main import _register, app
from rung.workflow import (
    STEP_NAMES,
    CopilotConfig,
    DataConfig,
    EstimateConfig,
    LLMConfig,
    ReportConfig,
    ReviewConfig,
    get_example,
    run_copilot,
)
from rung.workflow.artifacts import RunResult

pytestmark = pytest.mark.llm
torch.set_num_threads(1)


def _config(analyst_graph: str | None = None) -> CopilotConfig:
    ex = get_example("linear_backdoor")
    return CopilotConfig(
        treatment=ex.treatment, outcome=ex.outcome, data=DataConfig(source="linear_backdoor"),
        llm=LLMConfig(model="tiny"),
        review=ReviewConfig(analyst_graph=analyst_graph, reference_edges=ex.reference_edges,
                            reference_name=ex.reference_name),
        estimate=EstimateConfig(contrast=ex.contrast, bootstrap=40, generative_samples=400),
        report=ReportConfig(true_effect=ex.true_effect))


def _records(out: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text()) for p in (out / ".steps").glob("*.json")}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """First run by the rule, a resumed run, then the analyst's graph in the same DIR."""
    ex = get_example("linear_backdoor")
    out = tmp_path_factory.mktemp("copilot")
    first = run_copilot(ex.data, _config(), out, show_progress=False).to_json()
    rec1 = _records(out)
    again = run_copilot(ex.data, _config(), out, show_progress=False).to_json()
    rec2 = _records(out)
    typed = run_copilot(ex.data, _config(analyst_graph="Z -> X; X -> Y; Z -> Y"), out,
                        show_progress=False)
    analyst = typed.to_json()
    return {"out": out, "typed": typed, "first": first, "again": again, "analyst": analyst,
            "rec1": rec1, "rec2": rec2, "rec3": _records(out), "truth": ex.true_effect}


def test_every_step_saved(runs: dict[str, Any]) -> None:
    out = runs["out"]
    assert set(runs["rec1"]) == set(STEP_NAMES)
    for name in ("report.html", "result.json", "llm_graph.json", "data_graph.json",
                 "disagreements.csv", "final_graph.dot", "identification.json",
                 "estimates.json"):
        assert (out / name).stat().st_size > 0, name
    first = runs["first"]
    llm = first["llm"]
    assert llm["model"] and 0 < llm["pairs_asked"] <= llm["pairs_total"] == 3
    assert llm["calls"] == 4 * llm["pairs_asked"]  # 2 directions x 2 orders per pair
    assert "number of variables" in llm["edge_rule"] and len(llm["edges"]) <= 3
    assert first["data"]["transform"] == "none"
    assert first["discovery"]["method"] == "hc"  # the default: the score-based (fused) search
    assert first["identification"]["treatment"] == ["X"]


def test_the_returned_result_is_the_one_written(runs: dict[str, Any]) -> None:
    # run_copilot returns the typed result it wrote; nothing is read back from the file
    written = json.loads((runs["out"] / "result.json").read_text())
    assert written == json.loads(json.dumps(runs["typed"].to_json()))
    assert RunResult.from_json(written).verdict == runs["typed"].verdict


def test_rerun_resumes_without_redoing_steps(runs: dict[str, Any]) -> None:
    t = runs["again"]["timings_s"]
    assert all(t[s]["reused"] for s in STEP_NAMES if s != "report")
    assert all(runs["rec1"][s]["key"] == runs["rec2"][s]["key"] for s in STEP_NAMES)
    assert runs["again"]["estimates"] == runs["first"]["estimates"]


def test_analyst_graph_reuses_llm_and_data_steps(runs: dict[str, Any]) -> None:
    t = runs["analyst"]["timings_s"]
    assert t["llm"]["reused"] and t["data"]["reused"] and t["input"]["reused"]
    assert not t["review"]["reused"] and not t["estimate"]["reused"]
    assert runs["analyst"]["final_graph"]["source"] == "analyst"
    assert runs["analyst"]["comparison"]["final"]["shd"] == 0


def test_interval_covers_true_effect(runs: dict[str, Any]) -> None:
    res = runs["analyst"]
    assert res["identification"]["method"] == "backdoor"
    methods = {e["method"]: e for e in res["estimates"]}
    assert {"generative", "regression"} <= set(methods)
    for e in methods.values():
        lo, hi = e["ci"]
        assert lo <= runs["truth"] <= hi, e
    assert res["refuters"] and all(r["passed"] for r in res["refuters"]
                                   if r["refuter"] in ("placebo", "random_common_cause"))
    v = res["verdict"]  # the analyst vouches for the graph: one plausible graph
    assert res["class_effects"]["source"] == "analyst" and v["range"] is None
    if v["status"] == "ok":
        assert v["interval"][0] <= runs["truth"] <= v["interval"][1] and not v["flags"]
    else:
        assert v["flags"]


def test_rule_run_never_confidently_wrong(runs: dict[str, Any]) -> None:
    v = runs["first"]["verdict"]
    if v["status"] == "ok":
        assert v["interval"][0] <= runs["truth"] <= v["interval"][1]
    else:
        assert v["flags"]
    assert runs["first"]["headline"] == v["summary"]


def test_report_renders_in_chromium(runs: dict[str, Any], tmp_path: Path,
                                   screenshot: Callable[..., Any]) -> None:
    html = runs["out"] / "report.html"
    px, log = screenshot(html, tmp_path / "shot.png", tmp_path / "profile")
    assert "CONSOLE" not in log, [ln for ln in log.splitlines() if "CONSOLE" in ln]
    assert px.std() > 0.05  # not a blank page

    def count(rgb: tuple[int, int, int], tol: float = 6 / 255) -> int:
        return int(np.all(np.abs(px - np.array(rgb) / 255) < tol, axis=-1).sum())

    # graph pictures: treatment and outcome node fills, in each of the three graphs
    assert count((253, 227, 167)) > 3 * 150 and count((200, 230, 201)) > 3 * 150
    # effect plot: interval bars and point markers; interventional histograms
    assert count((31, 95, 168)) > 300 and count((11, 47, 87)) > 50


def test_cli_on_example_writes_report(tmp_path: Path) -> None:
    _register()
    out = tmp_path / "cli"
    res = CliRunner().invoke(app, ["copilot", "--example", "linear_backdoor", "--model", "tiny",
                                   "--graph", str(_dot(tmp_path)), "--bootstrap", "20",
                                   "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["report"].endswith("report.html") and (out / "report.html").exists()
    assert summary["estimates"][0]["ci"] is not None


def _dot(tmp_path: Path) -> Path:
    p = tmp_path / "edited.dot"
    p.write_text('digraph { "Z" -> "X"; "X" -> "Y"; "Z" -> "Y"; }\n')
    return p


def test_true_graph_passes_its_implication_tests(runs: dict[str, Any]) -> None:
    """The analyst's (true) graph: its implied independencies are tested on the data, in
    result.json and the report, and none is rejected."""
    tests = runs["analyst"]["implications"]
    assert tests is not None and tests["correction"] == "holm"
    assert tests["verdict"] in ("consistent", "nothing to test") and tests["n_violated"] == 0
