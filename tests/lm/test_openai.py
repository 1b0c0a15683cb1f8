"""The OpenAI-compatible backend against real HTTP servers on 127.0.0.1: llama-cpp-python's
own server running SmolLM2, a server killed mid-run, a slow one and a rate-limiting one.

These tests run in every ``pytest -q`` run (no marker, no skip): llama-cpp-python[server]
is installed by ``make setup``, and a missing server is an error here, not a skip."""

from __future__ import annotations

import contextlib
import json
import logging
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
import llama_cpp.server.app  # noqa: F401  (a missing server fails these tests, never skips)
import pytest

from rung.lm import get_backend
from rung.lm.backends.hf import PLAIN_TEMPLATE as PLAIN
from rung.lm.backends.llamacpp import LlamaCppBackend
from rung.lm.backends.openai import OpenAIBackend, ScoringMode
from rung.lm.base import LMError, Message, normalize_scores
from rung.lm.cache import CachedBackend, ResponseCache
from rung.lm.chat import CHATML
from rung.lm.models import tiny_model_path

# a short prompt: the server's echo path sorts the whole vocabulary for every prompt token
Q = [Message("user", "Is ice cold? Answer yes or no.")]


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


def _chatml_tiny(flash_attention: bool | None) -> LlamaCppBackend:
    backend = LlamaCppBackend(tiny_model_path(), n_threads=1, n_seq_max=4,
                              flash_attention=flash_attention)
    backend.chat_template = CHATML  # the client's default template, as sent to the server
    return backend


@pytest.fixture(scope="module")
def tiny_pair() -> Iterator[tuple[LlamaCppBackend, LlamaCppBackend]]:
    """SmolLM2 embedded twice: as llama-cpp-python's ``Llama`` (and so its server) runs it,
    flash attention off, and with rung's default (llama.cpp chooses: on)."""
    pair = (_chatml_tiny(False), _chatml_tiny(None))
    yield pair
    for backend in pair:
        backend.close()


SHORT = Q
OPTIONS = ["yes", "no", "Yes."]


def test_echo_scores_match_the_embedded_model(
    server: str, tiny_pair: tuple[LlamaCppBackend, LlamaCppBackend]
) -> None:
    """The real llama_cpp.server 0.3.36: each option's own tokens are scored (not the 1/k
    of an off-by-one), and the probabilities are the embedded backend's."""
    no_flash, default = tiny_pair
    remote = OpenAIBackend(server, "smollm2", scoring=ScoringMode.ECHO)
    got = remote.score_options(SHORT, OPTIONS)
    probs = normalize_scores(got)
    assert max(abs(p - 1 / len(OPTIONS)) for p in probs) > 0.1  # not 1/k each
    # same model, tokens and kernels: equal up to the server's float32 log-probabilities
    assert got == pytest.approx(no_flash.score_options(SHORT, OPTIONS), abs=1e-4)
    # against rung's default kernels (flash attention on): 0.1-0.2 nat and up to 0.03 in
    # probability measured on such prompts; twice that is allowed
    assert got == pytest.approx(default.score_options(SHORT, OPTIONS), abs=0.4)
    assert probs == pytest.approx(normalize_scores(default.score_options(SHORT, OPTIONS)),
                                  abs=0.06)


def test_misaligned_server_listing_is_refused(
    server: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A prompt that does not start with SmolLM2's BOS token (<|im_start|>) makes the real
    server list prompt tokens only with shifted log-probabilities, and report
    completion_tokens: 1 (the Qwen2.5 case, on the fast model). The old reading subtracted
    1 and gave every option the same score; now ECHO refuses, AUTO falls back aloud."""
    strict = OpenAIBackend(server, "smollm2", scoring=ScoringMode.ECHO, chat_template=PLAIN)
    with pytest.raises(LMError, match="without the generated one"):
        strict.score_options(SHORT, OPTIONS[:2])
    auto = OpenAIBackend(server, "smollm2", chat_template=PLAIN)
    with caplog.at_level(logging.WARNING, logger="rung.lm"):
        scores = auto.score_options(SHORT, OPTIONS[:2])
    assert auto.scoring_used is ScoringMode.PARSE and auto.model_id.endswith("#parse")
    assert "APPROXIMATE" in caplog.text
    assert scores[0] != scores[1]


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
