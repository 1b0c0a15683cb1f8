"""The two cases where rung 0.1 stated a confidently wrong effect, through the real workflow
steps: neither may end in status "ok" with an interval that misses the truth.

- ``linear_backdoor`` (Z -> X -> Y, Z -> Y; true effect 2.0): the data leave the triangle
  unoriented, and LLM orientations of probability 0.12-0.31 made the confounder Z a
  collider (3.54, "The estimators agree").
- statin/age (true ATE -2.0): the final graph held ``statin -> age`` from a data arrowhead
  the LLM contradicted, so age left the adjustment set (-1.56 [-1.68, -1.44]) while the
  graph refuter failed with p = 4e-23 at the bottom of the report.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import torch

from rung.lm import Backend
from rung.workflow import (
    CopilotConfig,
    DataConfig,
    EstimateConfig,
    LLMConfig,
    ReportConfig,
    ReviewConfig,
    get_example,
    run_copilot,
)
from tests.workflow.cases import (
    STATIN_EDGES,
    STATIN_TRUE_ATE,
    believing_backend,
    statin_data,
)

torch.set_num_threads(1)


def _covers(iv: Any, truth: float) -> bool:
    return iv is not None and iv[0] <= truth <= iv[1]


def _assert_honest(result: dict[str, Any], truth: float) -> None:
    v = result["verdict"]
    assert set(v) >= {"status", "effect", "interval", "range", "flags"}
    assert v["status"] in ("ok", "check")
    if v["status"] == "ok":
        assert _covers(v["interval"], truth), v
        assert not v["flags"]
    else:
        assert v["flags"], v
    if v["range"] is not None:
        assert v["effect"] is None and v["interval"] is None and v["status"] == "check"
    failed = [r for r in result["refuters"] if not r["passed"]]
    if failed:
        assert v["status"] == "check"
        assert "The estimators agree" not in result["estimates_note"]
    conflicts = [r for r in result["disagreements"]
                 if r["kind"] in ("orientation", "confounding", "override")]
    for r in conflicts:  # every conflict with a data mark that moves the answer is a flag
        assert "moves_answer" in r
        if r["moves_answer"]:
            assert any(str(r["data_edge"]) in f for f in v["flags"]), (r, v["flags"])
    sets = result.get("effect_sets")
    if sets is not None:  # the fused path: both answers, the verdict's range the fused one
        assert set(sets) >= {"data_alone", "fused", "moved", "moved_by"}
        if v["range"] is not None:
            assert v["range"] == pytest.approx(sets["fused"]["range"])
    assert result["headline"] == v["summary"]


def _backdoor(tmp: Path, backend: Backend | None, model: str | None) -> dict[str, Any]:
    ex = get_example("linear_backdoor")
    cfg = CopilotConfig(
        treatment=ex.treatment, outcome=ex.outcome, data=DataConfig(source="linear_backdoor"),
        llm=LLMConfig(model=model),
        review=ReviewConfig(reference_edges=ex.reference_edges,
                            reference_name=ex.reference_name),
        estimate=EstimateConfig(contrast=ex.contrast, bootstrap=10, generative_samples=100),
        report=ReportConfig(true_effect=ex.true_effect))
    return run_copilot(ex.data, cfg, tmp, backend=backend, show_progress=False).to_json()


def test_linear_backdoor_low_confidence_collider_gives_a_range(tmp_path: Path) -> None:
    # the LLM's weak beliefs that made Z a collider: X -> Z, Y -> Z at 0.12-0.31
    backend = believing_backend({("X", "Z"): 0.31, ("Y", "Z"): 0.2, ("X", "Y"): 0.12},
                                default=0.05)
    res = _backdoor(tmp_path, backend, None)
    _assert_honest(res, 2.0)
    v = res["verdict"]
    assert v["status"] == "check" and v["range"] is not None and v["effect"] is None
    assert _covers(v["range"], 2.0)
    assert any("did not compel" in f for f in v["flags"])
    # the data leave the triangle open: local IDA's four parent sets of X ({}, {Z}, {Y},
    # {Z, Y}), each an effect; the LLM's weak beliefs (uncalibrated, below 0.8) orient nothing
    fx = res["class_effects"]
    assert fx["members"] == 4 and fx["source"] == "class"
    assert res["discovery"]["method"] == "hc"
    assert res["effect_sets"]["fused"]["range"] == pytest.approx(v["range"])
    assert (tmp_path / "report.html").read_text().index("CHECK") < \
        (tmp_path / "report.html").read_text().index("Graphs: LLM, data, final")


@pytest.mark.llm
def test_linear_backdoor_with_the_tiny_model(tmp_path: Path) -> None:
    _assert_honest(_backdoor(tmp_path, None, "tiny"), 2.0)


def _statin_config() -> CopilotConfig:
    return CopilotConfig(
        treatment="statin", outcome="CVD", data=DataConfig(source="simulated statin"),
        review=ReviewConfig(reference_edges=STATIN_EDGES),
        estimate=EstimateConfig(contrast=(1.0, 0.0), bootstrap=10, generative_samples=100),
        report=ReportConfig(true_effect=STATIN_TRUE_ATE))


# The statin data are mixed (binary statin, sex, smoking): discovery runs KCI and the
# generative estimator fits binary mechanisms, minutes of CPU per run.
@pytest.fixture(scope="module")
def statin_discovered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """A run directory holding the statin data's checked input and discovery (KCI on mixed
    data is the slow step): each LLM below resumes from it at the LLM step."""
    out = tmp_path_factory.mktemp("statin")
    data = statin_data()
    run_copilot(data, _statin_config(), out, backend=believing_backend({}),
                show_progress=False)
    return out, data


def check_statin_run(tmp_path: Path, beliefs: dict,
                     statin_discovered: tuple[Path, pd.DataFrame]) -> None:
    """One LLM's beliefs, resumed from the shared discovery: the verdict must be honest.
    (The LLM cases are split over two test files so that two workers share them.)"""
    done, data = statin_discovered
    out = tmp_path / "run"
    shutil.copytree(done, out)
    for step in ("llm", "review", "identify", "estimate", "verdict", "report"):
        (out / ".steps" / f"{step}.json").unlink()  # a new LLM: redo from the LLM step
    res = run_copilot(data, _statin_config(), out, backend=believing_backend(beliefs),
                      show_progress=False).to_json()
    assert res["timings_s"]["data"]["reused"] and not res["timings_s"]["llm"]["reused"]
    _assert_honest(res, STATIN_TRUE_ATE)


@pytest.mark.slow
@pytest.mark.parametrize("beliefs", [
    pytest.param({e: 0.92 for e in STATIN_EDGES}, id="llm-right-and-sure"),
    pytest.param({("statin", "age"): 0.9, ("age", "statin"): 0.02}, id="llm-wrong-and-sure"),
])
def test_statin_age_never_confidently_wrong(tmp_path: Path, beliefs: dict,
                                            statin_discovered: tuple[Path, pd.DataFrame]
                                            ) -> None:
    check_statin_run(tmp_path, beliefs, statin_discovered)
