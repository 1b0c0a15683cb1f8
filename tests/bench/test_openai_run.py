"""A benchmark run against an OpenAI-compatible server (llama.cpp's, serving SmolLM2)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytest.importorskip("llama_cpp.server.app", reason="needs llama-cpp-python[server]")
pytestmark = [pytest.mark.slow, pytest.mark.llm]

RUNG = Path(sys.executable).parent / "rung"


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    from rung.lm.models import tiny_model_path

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(tiny_model_path()),
           "--host", "127.0.0.1", "--port", str(port), "--n_threads", "1"]
    proc = subprocess.Popen(cmd, env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("llama_cpp.server did not come up within 60 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def test_run_against_server(server_url: str, tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "run"
    cmd = [str(RUNG), "bench", "run", "tuebingen", "--model", f"{server_url}|smollm2",
           "--variants", "2", "--limit", "1", "--probes", "order,memorisation",
           "--out", str(out), "--json", "--data-dir", str(data_dir)]
    env = {**os.environ, "RUNG_LM_CACHE": str(tmp_path / "cache.sqlite")}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["run"]["asked"] == 3  # base, order, one memorisation row
    assert json.loads((out / "run.json").read_text())["model_id"] != ""
    recs = [json.loads(ln) for ln in (out / "answers.jsonl").read_text().splitlines()]
    assert {r["probe"] for r in recs} == {"base", "order", "memorisation"}
    assert all(r["answer"] in ("A->B", "B->A") for r in recs if r["probe"] != "memorisation")
