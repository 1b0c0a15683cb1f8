"""An append-only JSONL ledger of answers: one line per answered question, fsync'd.

A run killed at any moment (even by SIGKILL) loses at most the line being written: on reopen
a torn last line is cut off, every complete line counts as done, and nothing done is asked
again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

__all__ = ["Ledger", "LedgerError"]


class LedgerError(ValueError):
    """The ledger file is corrupt beyond a torn last line, or a record lacks its key."""


class Ledger:
    """Records keyed by ``record["key"]``, persisted in a JSONL file.

    Parameters
    ----------
    path : Path
        The JSONL file (created with its folder if missing).
    writable : bool
        ``False`` opens it for reading only (``rung bench report`` beside a live run): the
        file is neither created nor repaired, and a torn last line is just not read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> led = Ledger(pathlib.Path(tempfile.mkdtemp()) / "answers.jsonl")
    >>> led.append({"key": "base/pair0001", "correct": True})
    >>> "base/pair0001" in led, len(led)
    (True, 1)
    """

    def __init__(self, path: Path, *, writable: bool = True) -> None:
        self.path = Path(path)
        self.writable = writable
        if writable:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._records: dict[str, dict[str, Any]] = {}
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            if self.writable:
                self.path.touch()
            return
        data = self.path.read_bytes()
        good_end = data.rfind(b"\n") + 1  # bytes after the last newline are a torn write
        lines = data[:good_end].splitlines()
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise LedgerError(
                    f"{self.path}:{number} is not valid JSON ({exc.msg}); fix or delete the line"
                ) from None
            if not isinstance(rec, dict) or "key" not in rec:
                raise LedgerError(f"{self.path}:{number} is not an answer record (no 'key'); "
                                  "fix or delete the line")
            self._records[str(rec["key"])] = rec
        if good_end < len(data) and self.writable:
            with self.path.open("r+b") as fh:
                fh.truncate(good_end)

    def append(self, record: Mapping[str, Any]) -> None:
        """Write one record durably (flush + fsync) and remember it."""
        if not self.writable:
            raise LedgerError(f"{self.path} was opened for reading only")
        if "key" not in record:
            raise LedgerError(f"record without a 'key': {sorted(record)}; add a unique key")
        line = json.dumps(dict(record), default=str, ensure_ascii=False) + "\n"
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
        self._records[str(record["key"])] = dict(record)

    def __contains__(self, key: object) -> bool:
        return key in self._records

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(list(self._records.values()))

    def get(self, key: str) -> dict[str, Any] | None:
        """The record stored under ``key`` (None if not answered yet)."""
        return self._records.get(key)
