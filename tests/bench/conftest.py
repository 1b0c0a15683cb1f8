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
