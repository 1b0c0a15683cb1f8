"""Issue 21 for the co-pilot workflow: bad --graph files and numbers refused with exit 2
before any work, names as text, corrupt step files rebuilt, files with the user's umask,
strict JSON, and resume after SIGKILL at every step equal to an uninterrupted run."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import torch
from rich.console import Console
from typer.testing import CliRunner

from rung.cli.main import _register, app
from rung.workflow import CopilotConfig, EstimateConfig, run_copilot
from tests.workflow.cases import believing_backend

_register()
runner = CliRunner()
torch.set_num_threads(1)


def _csv(tmp_path: Path, columns: tuple[str, ...] = ("Z", "X", "Y"), n: int = 400) -> Path:
    rng = np.random.default_rng(0)
    z = rng.normal(size=n)
    x = z + rng.normal(size=n)
    y = 2 * x + z + rng.normal(size=n)
    p = tmp_path / "data.csv"
    pd.DataFrame(dict(zip(columns, (z, x, y), strict=True))).to_csv(p, index=False)
    return p


def _run(tmp_path: Path, *args: str) -> Any:
    out = tmp_path / "out"
    res = runner.invoke(app, ["copilot", str(_csv(tmp_path)), "-t", "X", "-y", "Y",
                              "--out", str(out), *args])
    return res, out


def test_graph_without_a_data_column_is_refused(tmp_path: Path) -> None:
    g = tmp_path / "g.dot"
    g.write_text("digraph { Z -> Y; }\n")  # no X: it used to become an isolated node
    res, out = _run(tmp_path, "--graph", str(g))
    assert res.exit_code == 2, res.output
    assert "leaves out the data columns ['X']" in " ".join(res.output.split())
    assert not out.exists()


def test_latent_treatment_in_graph_refused_before_any_work(tmp_path: Path) -> None:
    g = tmp_path / "g.txt"
    g.write_text("dag { X [latent]; Z -> X -> Y; Z -> Y }\n")
    t0 = time.perf_counter()
    res, out = _run(tmp_path, "--graph", str(g))
    assert res.exit_code == 2, res.output
    assert "treatment 'X' latent" in " ".join(res.output.split())
    assert not out.exists() and time.perf_counter() - t0 < 30


@pytest.mark.parametrize(("args", "needle"), [
    (["--llm-top-k", "0"], "llm_top_k=0"),
    (["--llm-top-k", "-3"], "llm_top_k=-3"),
    (["--bootstrap", "3"], "bootstrap=3"),
    (["--alpha", "1.5"], "alpha=1.5"),
    (["--alpha", "nan"], "alpha=nan"),
    (["--orientation-threshold", "0"], "orientation_threshold=0"),
    (["--orientation-threshold", "nan"], "orientation_threshold=nan"),
    (["--llm-threshold", "-1"], "llm_threshold=-1"),
    (["--llm-extra-pairs", "-1"], "llm_extra_pairs=-1"),
    (["--contrast", "1", "1"], "contrast 1 1: the two treatment values are equal"),
])
def test_bad_numbers_exit_2(tmp_path: Path, args: list[str], needle: str) -> None:
    res, out = _run(tmp_path, "--model", "scripted", *args)
    assert res.exit_code == 2, res.output
    assert needle in " ".join(res.output.split()) and "Traceback" not in res.output
    assert not out.exists()


def _config(treatment: str = "X") -> CopilotConfig:
    return CopilotConfig(treatment=treatment, outcome="Y", estimate=EstimateConfig(
        contrast=(1.0, 0.0), bootstrap=10, generative_samples=100))


def test_dollar_names_are_text_in_the_whole_run(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    z = rng.normal(size=300)
    x = z + rng.normal(size=300)
    df = pd.DataFrame({"$x^$": z, "$a$": x, "Y": 2 * x + z + rng.normal(size=300)})
    res = run_copilot(df, _config(treatment="$a$"), tmp_path / "o",
                      backend=believing_backend({}), show_progress=False)
    assert res.verdict is not None and res.verdict.status in ("ok", "check")
    html = (tmp_path / "o" / "report.html").read_text()
    assert "$x^$" in html
    graphs = html[html.index('<div class="graphs">'):html.index("Final graph chosen by")]
    assert graphs.count("<svg") == 3 and "Oblique" not in graphs  # names upright, as text


def test_corrupt_step_file_is_rebuilt_and_named(tmp_path: Path) -> None:
    df = pd.read_csv(_csv(tmp_path))
    out = tmp_path / "o"
    first = run_copilot(df, _config(), out, backend=believing_backend({}), show_progress=False)
    (out / "estimates.json").write_text('{"contrast": [1, 0], "estim')  # truncated
    buf = io.StringIO()
    again = run_copilot(df, _config(), out, backend=believing_backend({}),
                        console=Console(file=buf, width=200), show_progress=False)
    log = buf.getvalue()
    assert "estimates.json is corrupt" in log and "rebuilding step 'estimate'" in log
    assert again.estimates == first.estimates
    assert not again.timings_s["estimate"]["reused"]


def test_files_follow_the_umask_and_json_is_strict(tmp_path: Path) -> None:
    df = pd.read_csv(_csv(tmp_path))
    old = os.umask(0o027)
    try:
        run_copilot(df, _config(), tmp_path / "o", backend=believing_backend({}),
                    show_progress=False)
    finally:
        os.umask(old)
    for name in ("result.json", "report.html", "estimates.json", "final_graph.dot"):
        assert (tmp_path / "o" / name).stat().st_mode & 0o777 == 0o640, name

    def no_constants(c: str) -> None:
        raise AssertionError(f"non-standard JSON constant {c}")

    for p in (tmp_path / "o").glob("*.json"):
        json.loads(p.read_text(), parse_constant=no_constants)


# ------------------------------------------------------------- resume after SIGKILL
_STEPS = ("input", "data", "llm", "review", "identify", "estimate", "verdict")


def _cli(out: Path, data: Path) -> list[str]:
    return [sys.executable, "-c", "from rung.cli.main import main; main()", "copilot",
            str(data), "-t", "X", "-y", "Y",
            "--model", "scripted", "--bootstrap", "10", "--contrast", "1", "0", "--quiet",
            "--out", str(out)]


def _stable(out: Path) -> dict[str, Any]:
    res = json.loads((out / "result.json").read_text())
    res.pop("created")
    res.pop("timings_s")
    return res


def _env() -> dict[str, str]:
    return {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "random"}


@pytest.fixture(scope="module")
def whole_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The data and the result of one uninterrupted run in a subprocess."""
    tmp = tmp_path_factory.mktemp("whole")
    data = _csv(tmp)
    subprocess.run(_cli(tmp / "out", data), check=True, env=_env(), capture_output=True,
                   timeout=600)
    return data, _stable(tmp / "out")


@pytest.mark.slow
@pytest.mark.parametrize("after", [*_STEPS, "report"])
def test_resume_after_sigkill_equals_an_uninterrupted_run(
        tmp_path: Path, after: str, whole_run: tuple[Path, dict[str, Any]]) -> None:
    data, whole = whole_run
    out = tmp_path / "killed"
    proc = subprocess.Popen(_cli(out, data), env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    marker = out / ("result.json" if after == "report" else f".steps/{after}.json")
    deadline = time.monotonic() + 600
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = subprocess.run(_cli(out, data), env=_env(), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert _stable(out) == whole
