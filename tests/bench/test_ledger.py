"""The JSONL ledger: durable appends, torn last lines, corrupt files."""

from __future__ import annotations

from pathlib import Path

import pytest

from rung.bench.ledger import Ledger, LedgerError


def test_append_and_reload(tmp_path: Path) -> None:
    path = tmp_path / "run" / "answers.jsonl"
    led = Ledger(path)
    led.append({"key": "base/a", "correct": True})
    led.append({"key": "order/a", "correct": False})
    again = Ledger(path)
    assert len(again) == 2 and again.get("order/a") == {"key": "order/a", "correct": False}


def test_torn_last_line_is_cut(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    path.write_text('{"key": "base/a", "correct": true}\n{"key": "base/b", "corr')
    led = Ledger(path)
    assert list(led) == [{"key": "base/a", "correct": True}]
    led.append({"key": "base/b", "correct": False})
    assert Ledger(path).get("base/b") == {"key": "base/b", "correct": False}
    assert path.read_text().count("\n") == 2


def test_corrupt_middle_line_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    path.write_text('{"key": "a"}\nnot json\n{"key": "b"}\n')
    with pytest.raises(LedgerError, match=r"answers\.jsonl:2"):
        Ledger(path)


def test_record_needs_a_key(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="without a 'key'"):
        Ledger(tmp_path / "x.jsonl").append({"answer": "A->B"})
