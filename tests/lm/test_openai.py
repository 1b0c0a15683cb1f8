"""The OpenAI-compatible backend against real HTTP servers on 127.0.0.1: llama-cpp-python's
own server running SmolLM2, a server killed mid-run, a slow one and a rate-limiting one."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from rung.lm import get_backend
from rung.lm.backends.llamacpp import LlamaCppBackend
from rung.lm.backends.openai import OpenAIBackend, ScoringMode
from rung.lm.base import LMError, Message, normalize_scores
from rung.lm.cache import CachedBackend, ResponseCache
from rung.lm.models import tiny_model_path

pytest.importorskip("llama_cpp.server.app", reason="needs llama-cpp-python[server]")
Q = [Message("user", "Does smoking cause lung cancer? Answer yes or no.")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(tiny_model_path())]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--n_threads", "1"]
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("llama_cpp.server did not start within 60 s")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    proc, url = _start_server()
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.mark.slow
def test_echo_scores_match_the_embedded_model(server: str, tiny: LlamaCppBackend) -> None:
    template = tiny.chat_template  # the served model's own template, rendered client-side
    remote = OpenAIBackend(server, "smollm2", scoring=ScoringMode.ECHO, chat_template=template)
    options = ["yes", "no", "Yes."]
    got = remote.score_options(Q, options)
    local = tiny.score_options(Q, options)
    # same tokens; the server's llama.cpp context (sizes, batch) differs from ours, which
    # moves SmolLM2-Q4 log-probs by up to ~0.2 per token: close, not bit-identical
    assert got == pytest.approx(local, abs=0.5)
    assert all(s < 0 for s in got)


@pytest.mark.slow
def test_score_many_concurrent_and_generate(server: str) -> None:
    remote = OpenAIBackend(server, "smollm2", concurrency=3)
    one = remote.score_options(Q, ["yes", "no"])
    many = remote.score_many([(Q, ["yes", "no"], "")] * 2)
    assert all(m == pytest.approx(one, abs=1e-3) for m in many)
    text = remote.generate(Q, max_tokens=8)
    assert isinstance(text, str) and text
    assert "," not in remote.generate(Q, max_tokens=8, stop=[","])


def test_parse_mode_names_an_option(server: str) -> None:
    remote = OpenAIBackend(server, "smollm2", scoring=ScoringMode.PARSE)
    probs = normalize_scores(remote.score_options(Q, ["yes", "no"]))
    assert sum(probs) == pytest.approx(1.0) and max(probs) > 0


def test_get_backend_url_spec(server: str) -> None:
    lm = get_backend(f"{server}|smollm2", cache=False)
    assert isinstance(lm, OpenAIBackend) and lm.model == "smollm2"


@pytest.mark.slow
def test_server_killed_mid_run(tmp_path: Path) -> None:
    proc, url = _start_server()
    lm = CachedBackend(OpenAIBackend(url, "smollm2", max_retries=1, backoff=0.05),
                       ResponseCache(tmp_path / "c.sqlite"))
    asked = [[Message("user", f"Is {n} a prime number?")] for n in (2, 3, 4)]
    answers = [lm.score_options(q, ["yes", "no"]) for q in asked[:2]]
    proc.kill()
    proc.wait(10)
    with pytest.raises(LMError, match=r"cannot reach the LM server .*RUNG_LM"):
        lm.score_options(asked[2], ["yes", "no"])
    assert [lm.score_options(q, ["yes", "no"]) for q in asked[:2]] == answers  # cached
    assert lm.cache.count() == 2


class _Handler(BaseHTTPRequestHandler):
    delay = 0.0
    fail_first = 0
    seen: list[int]

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append(1)
        time.sleep(self.delay)
        if len(self.seen) <= self.fail_first:
            self.send_response(429)
            self.send_header("Retry-After", "0")
            self.end_headers()
            return
        body = json.dumps({"choices": [{"text": "fine", "message": {"content": "fine"}}],
                           "usage": {"completion_tokens": 1}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError):  # the client gave up (timeout test)
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _tiny_server(delay: float, fail_first: int) -> tuple[ThreadingHTTPServer, str, list[int]]:
    seen: list[int] = []
    handler = type("H", (_Handler,), {"delay": delay, "fail_first": fail_first, "seen": seen})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/v1", seen


def test_slow_server_times_out() -> None:
    httpd, url, seen = _tiny_server(delay=3.0, fail_first=0)
    try:
        lm = OpenAIBackend(url, "m", timeout=0.3, max_retries=1, backoff=0.05)
        start = time.monotonic()
        with pytest.raises(LMError, match=r"timeout=0\.3 s .*RUNG_LM_TIMEOUT"):
            lm.generate(Q, max_tokens=4)
        assert time.monotonic() - start < 2.5 and len(seen) == 2
    finally:
        httpd.shutdown()


def test_rate_limit_is_retried_with_backoff() -> None:
    httpd, url, seen = _tiny_server(delay=0.0, fail_first=2)
    try:
        lm = OpenAIBackend(url, "m", max_retries=3, backoff=0.05)
        assert lm.generate(Q, max_tokens=4) == "fine"
        assert len(seen) == 3
        seen.clear()
        strict = OpenAIBackend(url, "m", max_retries=1, backoff=0.01)
        with pytest.raises(LMError, match="after 2 attempts: HTTP 429"):
            strict.generate(Q, max_tokens=4)
    finally:
        httpd.shutdown()


def test_api_key_never_in_identity_or_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-123")
    lm = OpenAIBackend("http://127.0.0.1:9/v1", "gpt-x")
    assert "sk-secret" not in repr(lm) + lm.name + lm.model_id
