"""Fixtures of the language-model tests: isolated settings, the tiny embedded model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rung.lm.backends.llamacpp import LlamaCppBackend
from rung.lm.base import Message
from rung.lm.models import default_model_path, is_verified, tiny_model_path
from rung.lm.settings import load_settings

QUESTION = [
    Message("system", "You are a careful scientist."),
    Message("user", "Does smoking cause lung cancer? Answer yes or no."),
]


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own cache file and no user config file."""
    cache = tmp_path / "lm.sqlite"
    monkeypatch.setenv("RUNG_LM_CACHE", str(cache))
    monkeypatch.setenv("RUNG_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("RUNG_LM", raising=False)
    return cache


@pytest.fixture
def question() -> list[Message]:
    """A system + user prompt with a yes/no answer."""
    return list(QUESTION)


@pytest.fixture(scope="session")
def tiny() -> Iterator[LlamaCppBackend]:
    """SmolLM2-135M on one thread: the plumbing model."""
    backend = LlamaCppBackend(tiny_model_path(), n_threads=1, n_seq_max=8)
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def default_model() -> Path:
    """The assembled Qwen2.5-Coder-1.5B (skip when `rung lm setup` has not run)."""
    path = default_model_path(load_settings().model_dir)
    if not is_verified(path):
        pytest.skip(f"default model not set up at {path}: run `rung lm setup`")
    return path
