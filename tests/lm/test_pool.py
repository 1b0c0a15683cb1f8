"""The endpoint pool against two real llama_cpp.server processes on 127.0.0.1 (SmolLM2, one
thread each): one is killed mid-run and the run completes on the other, every answer
present exactly once; a pool of closed ports fails at once with a redacted message.

Generation is used for the kill test (about 2 s a prompt here); echo scoring on
llama_cpp.server sorts the vocabulary per prompt token (about 30 s a prompt on this loaded
machine), and is covered against the same server in tests/lm/test_openai.py."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import llama_cpp.server.app  # noqa: F401  (a missing server fails these tests, never skips)
import pytest

from rung.bench.ledger import Ledger
from rung.lm import get_backend
from rung.lm.backends.llamacpp import LlamaCppBackend
from rung.lm.backends.openai import OpenAIBackend, ScoringMode
from rung.lm.base import LMError, Message
from rung.lm.cache import CachedBackend
from rung.lm.chat import CHATML
from rung.lm.models import tiny_model_path
from rung.lm.pool import EndpointPool

pytestmark = pytest.mark.timeout(150)


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
    return proc, f"http://127.0.0.1:{port}/v1"


def _wait_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"llama_cpp.server at {url} did not start within 90 s")


@pytest.fixture
def two_servers() -> Iterator[list[tuple[subprocess.Popen[bytes], str]]]:
    servers = [_start_server(), _start_server()]  # both load at once
    try:
        for proc, url in servers:
            _wait_up(url, proc)
        yield servers
    finally:
        for proc, _ in servers:
            proc.kill()
            proc.wait(10)


def _prompt(i: int) -> list[Message]:
    return [Message("user", f"Name a colour. ({i})")]


def test_kill_one_endpoint_mid_run(
    two_servers: list[tuple[subprocess.Popen[bytes], str]], tmp_path: Path
) -> None:
    """16 prompts from 4 threads over a pool of 2 (one slot each); server A is SIGKILLed
    once it has answered 2. Every prompt is answered exactly once (the ledger holds 16
    lines, 16 keys), A is out of rotation, and the answers are the greedy answers of B."""
    (proc_a, url_a), (_, url_b) = two_servers
    pool = EndpointPool([url_a, url_b], "smollm2", concurrency=1, timeout=30, probe_after=30)
    ledger = Ledger(tmp_path / "answers.jsonl")
    lock = threading.Lock()

    def killer() -> None:
        while pool.stats()[0].ok < 2:
            time.sleep(0.02)
        proc_a.kill()

    def ask(i: int) -> None:
        text = pool.generate(_prompt(i), max_tokens=6)
        with lock:
            ledger.append({"key": f"q{i}", "answer": text})

    watcher = threading.Thread(target=killer, daemon=True)
    watcher.start()
    with ThreadPoolExecutor(4) as workers:
        list(workers.map(ask, range(16)))
    watcher.join(5)
    assert proc_a.poll() is not None  # A really died mid-run
    lines = (tmp_path / "answers.jsonl").read_text().splitlines()
    assert len(lines) == 16 and len(Ledger(tmp_path / "answers.jsonl")) == 16
    stats = pool.stats()
    assert not stats[0].alive and stats[1].alive
    assert stats[0].ok >= 2 and stats[0].ok + stats[1].ok == 16  # each answered once
    direct = OpenAIBackend(url_b, "smollm2")
    for i in (0, 7, 15):  # greedy: the pool's answer is the one server B gives directly
        assert ledger.get(f"q{i}") == {"key": f"q{i}", "answer": direct.generate(
            _prompt(i), max_tokens=6)}


def test_pool_through_get_backend_shares_the_cache(
    two_servers: list[tuple[subprocess.Popen[bytes], str]],
) -> None:
    """RUNG_LM-style spec -> a cached pool; the second ask is a cache hit whichever
    endpoint answered the first; stats count the one request."""
    urls = ",".join(url for _, url in two_servers)
    lm = get_backend(f"{urls}|smollm2")
    assert isinstance(lm, CachedBackend) and isinstance(lm.inner, EndpointPool)
    first = lm.generate(_prompt(99), max_tokens=4)
    assert lm.generate(_prompt(99), max_tokens=4) == first
    assert (lm.hits, lm.misses) == (1, 1)
    assert sum(s.ok for s in lm.inner.stats()) == 1
    assert lm.model_id == "smollm2@pool"


def test_pool_scores_exactly(two_servers: list[tuple[subprocess.Popen[bytes], str]]) -> None:
    """Echo scoring through the pool settles on ECHO for every endpoint and gives the
    embedded model's log-likelihoods (same weights and kernels as llama_cpp.server)."""
    pool = EndpointPool([url for _, url in two_servers], "smollm2", timeout=120)
    question = [Message("user", "Is ice cold? Answer yes or no.")]
    got = pool.score_options(question, ["yes", "no"])
    assert pool.model_id == "smollm2@pool"  # ECHO, not '#parse'
    assert all(m.backend.scoring_used is ScoringMode.ECHO for m in pool._members)
    local = LlamaCppBackend(tiny_model_path(), n_threads=1, n_seq_max=4, flash_attention=False)
    local.chat_template = CHATML  # the client's template, as sent to the server
    try:
        assert got == pytest.approx(local.score_options(question, ["yes", "no"]), abs=1e-4)
    finally:
        local.close()


def test_dead_pool_fails_fast_and_redacted() -> None:
    """Closed ports: LMError within seconds, naming each endpoint, never the password."""
    urls = [f"http://user:pw-pool-secret@127.0.0.1:{_free_port()}/v1",
            f"http://127.0.0.1:{_free_port()}/v1"]
    pool = EndpointPool(urls, "m", timeout=5)
    start = time.monotonic()
    with pytest.raises(LMError) as err:
        pool.generate([Message("user", "hi")])
    assert time.monotonic() - start < 10
    text = str(err.value)
    assert "pw-pool-secret" not in text and "pw-pool-secret" not in repr(pool)
    assert all(u.rpartition("@")[2] in text for u in urls) and "cannot reach" in text
