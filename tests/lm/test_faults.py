"""The OpenAI-compatible backend against a misbehaving server of the tests' own on 127.0.0.1:
trickling, stalling, NaN, empty answers, refusals and a server that echoes credentials."""

from __future__ import annotations

import logging
import math
import time

import pytest

from rung.lm.backends.openai import OpenAIBackend, ScoringMode
from rung.lm.base import LMError, Message, PromptTooLongError
from tests.lm.fake_server import TOKEN_LOGPROB, Mode, fake_server

Q = [Message("user", "Does smoking cause lung cancer? Answer yes or no.")]
OPTIONS = ["yes", "no"]


def test_echo_reads_the_option_tokens_not_the_reported_count() -> None:
    with fake_server(Mode.OPENAI) as srv:
        lm = OpenAIBackend(srv.url, "m", scoring=ScoringMode.ECHO)
        scores = lm.score_options(Q, OPTIONS)
    assert scores == pytest.approx([TOKEN_LOGPROB * 3, TOKEN_LOGPROB * 2])


def test_prompt_only_listing_is_refused_never_scored() -> None:
    """llama-cpp-python's listing without the generated token (completion_tokens: 1) has
    shifted log-probabilities: no answer is made of it."""
    with fake_server(Mode.LLAMA_CPP) as srv:
        lm = OpenAIBackend(srv.url, "m", scoring=ScoringMode.ECHO)
        with pytest.raises(LMError, match="without the generated one"):
            lm.score_options(Q, OPTIONS)


def test_trickling_server_fails_within_the_whole_call_budget() -> None:
    with fake_server(Mode.TRICKLE) as srv:
        lm = OpenAIBackend(srv.url, "m", timeout=1.0, max_retries=1, backoff=0.05)
        start = time.monotonic()
        with pytest.raises(LMError, match=r"timeout=1 s .*RUNG_LM_TIMEOUT"):
            lm.score_options(Q, OPTIONS)
        elapsed = time.monotonic() - start
    assert lm.call_budget == pytest.approx(2 * 1.0 + 0.05 * 1.1 + 1.0)
    assert 1.9 < elapsed < lm.call_budget + 1.5
    assert len({(r["path"], r["body"]["prompt"]) for r in srv.seen}) == 2  # both options
    assert len(srv.seen) <= 4  # each option: 1 attempt + 1 retry, no more


def test_stall_fails_the_call_and_never_switches_method() -> None:
    with fake_server(Mode.STALL_FIRST, stall=2.0, stall_count=2) as srv:
        lm = OpenAIBackend(srv.url, "m", timeout=0.5, max_retries=0)
        assert lm.scoring_used is None  # AUTO, undecided
        with pytest.raises(LMError, match="RUNG_LM_TIMEOUT"):
            lm.score_options(Q, OPTIONS)
        assert lm.scoring_used is None and "#parse" not in lm.model_id
        time.sleep(2.0)  # the stalled handlers finish
        scores = lm.score_options(Q, OPTIONS)  # the server recovered: exact echo scoring
    assert scores == pytest.approx([TOKEN_LOGPROB * 3, TOKEN_LOGPROB * 2])
    assert lm.scoring_used is ScoringMode.ECHO
    assert all(r["path"].endswith("/completions") and r["body"]["echo"] for r in srv.seen)


def test_refused_echo_falls_back_aloud(caplog: pytest.LogCaptureFixture) -> None:
    with fake_server(Mode.NO_ECHO) as srv:
        lm = OpenAIBackend(srv.url, "m")
        exact_id = lm.model_id
        with caplog.at_level(logging.WARNING, logger="rung.lm"):
            scores = lm.score_options(Q, OPTIONS)
    assert scores[0] == pytest.approx(-0.2) and scores[1] == -math.inf
    assert lm.scoring_used is ScoringMode.PARSE
    assert lm.model_id == exact_id + "#parse"  # the answer's model records the method
    assert "APPROXIMATE" in caplog.text and "cannot score by echo" in caplog.text


def test_explicit_echo_never_falls_back() -> None:
    with fake_server(Mode.NO_ECHO) as srv:
        lm = OpenAIBackend(srv.url, "m", scoring=ScoringMode.ECHO)
        with pytest.raises(LMError, match="refused the request"):
            lm.score_options(Q, OPTIONS)


@pytest.mark.parametrize("mode", [Mode.NAN, Mode.POSITIVE])
def test_impossible_logprobs_are_a_backend_error(mode: Mode) -> None:
    with fake_server(mode) as srv:
        lm = OpenAIBackend(srv.url, "m")
        with pytest.raises(LMError, match=r"log-likelihood (nan|[0-9.]+) for option"):
            lm.score_options(Q, OPTIONS)


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        (Mode.EMPTY_CHOICES, r"answered without choices \(choices=\[\]\)"),
        (Mode.NULL_CHOICES, r"answered without choices \(choices=None\)"),
        (Mode.NOT_JSON, r"not JSON .*<html>hello</html>"),
    ],
)
def test_malformed_answers_are_one_clear_backend_error(mode: Mode, message: str) -> None:
    with fake_server(mode) as srv:
        for scoring in (ScoringMode.ECHO, ScoringMode.PARSE):
            lm = OpenAIBackend(srv.url, "m", scoring=scoring)
            with pytest.raises(LMError, match=message):
                lm.score_options(Q, OPTIONS)
            with pytest.raises(LMError, match=message):
                lm.generate(Q, max_tokens=4)


def test_context_overflow_reported_by_a_server_is_bad_input() -> None:
    with fake_server(Mode.CONTEXT) as srv:
        lm = OpenAIBackend(srv.url, "m")
        with pytest.raises(PromptTooLongError, match="exceed context window of 2048"):
            lm.score_options(Q, OPTIONS)


@pytest.mark.parametrize("mode", [Mode.ECHO_HEADERS_500, Mode.ECHO_HEADERS_401])
def test_errors_echoing_the_request_leak_no_credentials(
    mode: Mode, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, password = "sk-canary-KEY-4242", "canary-PW-9191"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    with fake_server(mode, userinfo=f"alice:{password}@") as srv:
        lm = OpenAIBackend(srv.url, "m", max_retries=0)
        with pytest.raises(LMError) as info:
            lm.score_options(Q, OPTIONS)
    text = str(info.value) + repr(info.value) + repr(lm) + lm.model_id + lm.base_url
    assert "headers" in text and "***" in text  # the echoed body is shown, masked
    assert key not in text and password not in text
