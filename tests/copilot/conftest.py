"""Fixtures for the co-pilot tests.

``scripted`` builds rung's ScriptedBackend (a test double from the LM layer) with a rule that
maps each prompt to programmed probabilities: the one legitimate use of a fake model here is
checking the ensemble arithmetic exactly. Real-model tests use the tiny embedded model.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from rung.lm.backends.scripted import ScriptedBackend
from rung.lm.base import Backend, Message

ProbRule = Callable[[str, str], float | None]


def make_scripted(rule: ProbRule, texts: dict[str, str] | None = None) -> ScriptedBackend:
    """A scripted backend whose option log-likelihood is ``log(rule(prompt, option))``."""

    def score(messages: Sequence[Message], prefix: str, option: str) -> float | None:
        p = rule(messages[-1].content, option)
        return None if p is None else math.log(p)

    return ScriptedBackend(rule=score, texts=texts or {})


@pytest.fixture
def scripted() -> Callable[..., ScriptedBackend]:
    return make_scripted


@pytest.fixture(scope="session")
def tiny() -> Backend:
    """SmolLM2-135M via llama.cpp, uncached (real outputs, fast)."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed")
    from rung.lm import get_backend
    from rung.lm.base import LMError

    try:
        return get_backend("tiny", cache=False, n_threads=1)
    except LMError as exc:
        pytest.skip(f"tiny model unavailable: {exc}")


@pytest.fixture(scope="session")
def default_model() -> Backend:
    """The 1.5B default model, if `rung lm setup` has assembled it."""
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed")
    from rung.lm import get_backend
    from rung.lm.base import LMError

    try:
        return get_backend("embedded", cache=False, n_threads=2)
    except LMError as exc:
        pytest.skip(f"default model not set up (run `rung lm setup`): {exc}")


@pytest.fixture
def sachs_dir() -> Path:
    here = Path(__file__).resolve()
    for up in here.parents:
        cand = up / "shared" / "data" / "sachs"
        if cand.is_dir():
            return cand
    pytest.skip("../shared/data/sachs not found")
