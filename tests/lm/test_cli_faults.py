"""`rung lm` / `rung ask` as real subprocesses against faulty servers and bad settings: exit
codes per the README (1 backend failure, 2 bad input), one line, no traceback, no NaN, and a
canary key that appears in nothing rung prints or stores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.lm.fake_server import Mode, fake_server

RUNG = Path(sys.executable).parent / "rung"
KEY = "sk-CANARY-key-7f3a9c"
PASSWORD = "CANARY-pw-51d2"
ASK = ["lm", "ask", "Does smoking cause lung cancer?", "--choices", "yes,no"]


def _rung(
    args: list[str], tmp: Path, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "RUNG_LM_CACHE": str(tmp / "lm.sqlite"),
            "RUNG_CONFIG": str(tmp / "none.toml"), "OPENAI_API_KEY": KEY, **env}
    if "RUNG_LM" not in env:
        full.pop("RUNG_LM", None)
    return subprocess.run([str(RUNG), *args], capture_output=True, text=True, env=full,
                          timeout=timeout, check=False)


def _one_line_error(proc: subprocess.CompletedProcess[str], code: int) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    return lines[0]


def _no_canary(text: str | bytes) -> None:
    data = text.encode() if isinstance(text, str) else text
    for secret in (KEY, PASSWORD):
        assert secret.encode() not in data, f"{secret} leaked"


def test_canary_key_is_in_nothing_printed_or_stored(tmp_path: Path) -> None:
    with fake_server(Mode.OPENAI, userinfo=f"alice:{PASSWORD}@") as srv:
        spec = f"{srv.url}|m"
        runs = [
            _rung([*ASK, "--model", spec, "--json"], tmp_path),
            _rung(["lm", "ask", "Say hi.", "--model", spec, "--json"], tmp_path),
            _rung(["lm", "info", "--model", spec, "--json"], tmp_path),
            _rung(["lm", "info", "--json"], tmp_path, RUNG_LM=spec),
            _rung(["ask", "pairwise", "altitude", "temperature", "--model", spec, "--json"],
                  tmp_path),
        ]
        for proc in runs:
            assert proc.returncode == 0, proc.stderr
        with fake_server(Mode.ECHO_HEADERS_500, userinfo=f"alice:{PASSWORD}@") as bad:
            failed = _rung([*ASK, "--model", f"{bad.url}|m"], tmp_path, RUNG_LM_TIMEOUT="5")
    line = _one_line_error(failed, 1)
    assert "headers" in line and "***" in line  # the echoed request is shown, masked
    assert json.loads(runs[2].stdout)["spec"].startswith("http://***@127.0.0.1:")
    assert json.loads(runs[4].stdout)["model"].startswith("m@http://***@127.0.0.1:")
    for proc in [*runs, failed]:
        _no_canary(proc.stdout + proc.stderr)
    stored = sorted(tmp_path.glob("lm.sqlite*"))
    assert stored and sum(p.stat().st_size for p in stored) > 0
    for path in stored:
        _no_canary(path.read_bytes())


@pytest.mark.parametrize("mode", [Mode.NAN, Mode.POSITIVE])
def test_impossible_logprobs_exit_1_and_never_reach_json(mode: Mode, tmp_path: Path) -> None:
    with fake_server(mode) as srv:
        lm = _rung([*ASK, "--model", f"{srv.url}|m", "--json"], tmp_path)
        pair = _rung(["ask", "pairwise", "rain", "wet ground", "--model", f"{srv.url}|m",
                      "--json"], tmp_path)
    for proc in (lm, pair):
        assert "log-likelihood" in _one_line_error(proc, 1)
        assert "NaN" not in proc.stdout and "nan" not in proc.stdout


@pytest.mark.parametrize(
    ("mode", "words"),
    [(Mode.EMPTY_CHOICES, "without choices"), (Mode.NULL_CHOICES, "without choices"),
     (Mode.NOT_JSON, "not JSON")],
)
def test_malformed_server_answers_exit_1(mode: Mode, words: str, tmp_path: Path) -> None:
    with fake_server(mode) as srv:
        for args in (ASK, ["lm", "ask", "Say hi."]):
            assert words in _one_line_error(_rung([*args, "--model", f"{srv.url}|m"],
                                                  tmp_path), 1)


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("http://127.0.0.1:99999999/v1|m", "port 99999999, outside 1..65535"),
        ("http://127.0.0.1:8x/v1|m", "malformed"),
        ("http://[::1/v1|m", "malformed"),
        ("http:///v1|m", "names no host"),
        ("http://exa mple.com/v1|m", "spaces or control characters"),
    ],
)
def test_malformed_model_urls_exit_2(spec: str, words: str, tmp_path: Path) -> None:
    for proc in (_rung([*ASK, "--model", spec], tmp_path),
                 _rung(ASK, tmp_path, RUNG_LM=spec)):
        line = _one_line_error(proc, 2)
        assert words in line and "http://HOST:PORT/v1" in line


def test_malformed_openai_base_url_exit_2(tmp_path: Path) -> None:
    proc = _rung([*ASK, "--model", "openai:gpt-4o"], tmp_path,
                 OPENAI_BASE_URL="https://api.example.com:77777777/v1")
    assert "OPENAI_BASE_URL" in _one_line_error(proc, 2)


def test_unusable_cache_file_exit_2(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(b"this is not a database, just bytes" * 200)
    with fake_server(Mode.OPENAI) as srv:
        for cache, words in ((folder, "is a folder"), (corrupt, "not a usable")):
            for args in ([*ASK, "--model", f"{srv.url}|m"], ["lm", "info"]):
                line = _one_line_error(_rung(args, tmp_path, RUNG_LM_CACHE=str(cache)), 2)
                assert f"RUNG_LM_CACHE='{cache}'" in line and words in line


def test_trickling_server_is_bounded_by_the_timeout(tmp_path: Path) -> None:
    with fake_server(Mode.TRICKLE) as srv:
        start = time.monotonic()
        proc = _rung([*ASK, "--model", f"{srv.url}|m"], tmp_path, timeout=60,
                     RUNG_LM_TIMEOUT="2")
        elapsed = time.monotonic() - start
    assert "timeout=2 s" in _one_line_error(proc, 1)
    budget = 3 * 2 + 0.5 * 3 * 1.1 + 1  # 3 attempts of 2 s + back-off + slack (docs/lm.md)
    assert 2 < elapsed < budget + 10  # + interpreter start-up on a loaded machine


def test_overlong_prompt_exit_2_before_model_work(tmp_path: Path) -> None:
    question = " ".join(["cause"] * 20_000)
    start = time.monotonic()
    proc = _rung(["lm", "ask", question, "--choices", "yes,no", "--model", "tiny"], tmp_path)
    elapsed = time.monotonic() - start
    line = _one_line_error(proc, 2)
    assert "tokens long" in line and "4096-token context" in line
    assert elapsed < 25  # before: 28-35 s of decoding, then exit 1
