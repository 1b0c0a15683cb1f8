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


def test_read_only_ledger_leaves_a_live_writers_line_alone(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    text = '{"key": "base/a", "correct": true}\n{"key": "base/b", "corr'
    path.write_text(text)
    led = Ledger(path, writable=False)  # what `rung bench report` opens beside a live run
    assert list(led) == [{"key": "base/a", "correct": True}]
    assert path.read_text() == text  # not truncated: the writer may be mid-line
    with pytest.raises(LedgerError, match="reading only"):
        led.append({"key": "base/c"})
    assert len(Ledger(tmp_path / "missing.jsonl", writable=False)) == 0
    assert not (tmp_path / "missing.jsonl").exists()


def test_a_line_that_is_not_a_record_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    path.write_text('{"key": "a"}\n[1, 2]\n')
    with pytest.raises(LedgerError, match=r"answers\.jsonl:2 is not an answer record"):
        Ledger(path)
    path.write_text('{"key": "a"}\n{"answer": "A->B"}\n')
    with pytest.raises(LedgerError, match=r"answers\.jsonl:2 is not an answer record"):
        Ledger(path)
