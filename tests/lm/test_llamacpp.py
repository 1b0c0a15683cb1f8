"""The embedded backend on real GGUF models (SmolLM2 for plumbing, Qwen when set up)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rung.lm.backends.llamacpp import LlamaCppBackend
from rung.lm.base import LMError, Message, normalize_scores

QUESTION = [
    Message("system", "You are a careful scientist."),
    Message("user", "Does smoking cause lung cancer? Answer yes or no."),
]
WORDS = ["yes", "no", "Yes", " maybe", "Smoking causes cancer.", "not at all", "42", "é"]


def test_batched_equals_naive(tiny: LlamaCppBackend) -> None:
    options = ["yes", "no", "Yes, smoking causes lung cancer.", "No"]
    batched = tiny.score_options(QUESTION, options)
    naive = tiny.score_options_naive(QUESTION, options)
    assert batched == pytest.approx(naive, abs=1e-4)
    assert all(s < 0 for s in batched)


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    options=st.lists(st.sampled_from(WORDS), min_size=1, max_size=4, unique=True),
    prefix=st.sampled_from(["", "The answer is", "The answer is "]),
)
def test_batched_equals_naive_property(
    tiny: LlamaCppBackend, options: list[str], prefix: str
) -> None:
    batched = tiny.score_options(QUESTION, options, prefix=prefix)
    naive = tiny.score_options_naive(QUESTION, options, prefix=prefix)
    assert batched == pytest.approx(naive, abs=1e-4)


def test_naive_reference_does_not_depend_on_decode_shape(tiny: LlamaCppBackend) -> None:
    """On SmolLM2 llama.cpp's kernels are batch-shape invariant: one token per decode, seven
    per decode and one decode give the same scores (on Qwen they do not: docs/lm.md)."""
    options = ["Smoking causes cancer.", "not at all"]
    whole = tiny.score_options_naive(QUESTION, options)
    assert tiny.score_options_naive(QUESTION, options, step=1) == pytest.approx(whole, abs=1e-5)
    assert tiny.score_options_naive(QUESTION, options, step=7) == pytest.approx(whole, abs=1e-5)
    with pytest.raises(ValueError, match="step=0"):
        tiny.score_options_naive(QUESTION, options, step=0)


def test_option_score_is_chain_rule_of_greedy_tokens(tiny: LlamaCppBackend) -> None:
    """Independent check: the whole-option score equals the sum of one-token scores."""
    text = tiny.generate(QUESTION, max_tokens=3)
    whole = tiny.score_options(QUESTION, [text])[0]
    tokens = tiny.tokenize(tiny.render(QUESTION) + text)
    start = len(tiny.tokenize(tiny.render(QUESTION)))
    total = 0.0
    for k in range(start, len(tokens)):
        piece = tiny._piece(tokens[k])
        prefix_text = "".join(tiny._piece(t) for t in tokens[start:k])
        total += tiny.score_options(QUESTION, [piece], prefix=prefix_text)[0]
    assert whole == pytest.approx(total, abs=1e-3)
    # greedy tokens are the most likely, so each has log-prob > log(1/2) or is the argmax
    assert whole <= 0


def test_same_prompt_scores_alike_across_calls(tiny: LlamaCppBackend) -> None:
    first = tiny.score_options(QUESTION, ["yes", "no"])
    again = tiny.score_options(QUESTION, ["no", "yes"])
    assert again == pytest.approx(first[::-1], abs=1e-4)


def test_generate_stop_and_regex(tiny: LlamaCppBackend) -> None:
    free = tiny.generate(QUESTION, max_tokens=12)
    assert isinstance(free, str) and free
    stopped = tiny.generate(QUESTION, max_tokens=12, stop=[" "])
    assert " " not in stopped and free.startswith(stopped)
    number = tiny.generate(QUESTION, max_tokens=8, regex=r"[0-9]{2,4}")
    assert regex.fullmatch(r"[0-9]{2,4}", number)
    choice = tiny.generate(QUESTION, max_tokens=8, regex=r"(yes|no)\.")
    assert choice in ("yes.", "no.")
    with pytest.raises(LMError, match="max_tokens"):
        tiny.generate(QUESTION, max_tokens=2, regex=r"[a-z]{40}")
    with pytest.raises(ValueError, match="does not compile"):
        tiny.generate(QUESTION, regex="(")


def test_chat_template_from_the_model(tiny: LlamaCppBackend) -> None:
    text = tiny.render([Message("user", "Hi")], prefix="Well")
    assert text.endswith("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nWell")


def test_corrupt_model_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 100)
    with pytest.raises(LMError, match="rung lm setup"):
        LlamaCppBackend(bad, n_threads=1)


CAUSAL = [
    Message("system", "You are an expert in causal reasoning. Answer briefly."),
    Message("user", "Let A be altitude and B be temperature. Does A cause B? Think carefully."),
]
STATEMENTS = ["A causes B.", "B causes A.", "Neither causes the other.", "Both cause each other."]


@pytest.mark.llm
@pytest.mark.slow
def test_default_model_answers_a_scored_prompt(default_model: Path) -> None:
    qwen = LlamaCppBackend(default_model, n_threads=2, n_seq_max=4)
    try:
        forward = [Message("user", "Does smoking cause lung cancer? Answer yes or no.")]
        scores = qwen.score_options(forward, ["yes", "no"])
        assert normalize_scores(scores)[0] > 0.8
        assert math.isfinite(sum(scores))
        # the default (repacked) kernels round by batch shape: docs/lm.md, "Agreement"
        batched = qwen.score_options(CAUSAL, STATEMENTS)
        naive = qwen.score_options_naive(CAUSAL, STATEMENTS)
        assert batched == pytest.approx(naive, abs=1.0)  # measured up to 0.6 nat
        probs = zip(normalize_scores(batched), normalize_scores(naive), strict=True)
        assert max(abs(p - q) for p, q in probs) < 0.1  # measured up to 0.03
    finally:
        qwen.close()


@pytest.mark.llm
@pytest.mark.slow
def test_default_model_batched_equals_naive_with_plain_kernels(default_model: Path) -> None:
    """Multi-token options on Qwen, with llama.cpp's weight repacking off: the batched
    multi-sequence decode and one forward per option agree to float precision (measured
    9e-7), so the KV copies, positions and logits rows are right on this model too."""
    qwen = LlamaCppBackend(default_model, n_threads=2, n_seq_max=8, repack=False)
    try:
        naive = qwen.score_options_naive(CAUSAL, STATEMENTS)  # also clears the kept prompt
        batched = qwen.score_options(CAUSAL, STATEMENTS)
        assert batched == pytest.approx(naive, abs=1e-4)
        assert len({round(s, 3) for s in batched}) == len(STATEMENTS)
    finally:
        qwen.close()
