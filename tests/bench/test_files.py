"""Run-folder files: atomic replacement with the usual mode, and a damaged run.json named."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from rung.bench.files import read_json_file, write_text_atomic
from rung.bench.runner import RunConfig, _check_config


def test_atomic_write_replaces_and_uses_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    path.write_text("old")
    old_mask = os.umask(0o022)
    try:
        write_text_atomic(path, "new\n")
    finally:
        os.umask(old_mask)
    assert path.read_text() == "new\n" and [p.name for p in tmp_path.iterdir()] == ["run.json"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # not mkstemp's 0600


def test_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    path.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        write_text_atomic(path, "half \udcff")  # a lone surrogate cannot be encoded
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["report.md"]


@pytest.mark.parametrize(("content", "message"), [
    (b'{"benchmark": "tuebingen",', r"run\.json' is not valid JSON \(Expecting .* line 1"),
    (b"\xff\xfe{}", r"run\.json' is not UTF-8 text"),
    (b"[1, 2]", r"run\.json' holds list, not the record of a benchmark run"),
])
def test_damaged_run_json_is_named(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "run.json").write_bytes(content)
    with pytest.raises(ValueError, match=message):
        _check_config(tmp_path, RunConfig("tuebingen"), "model")


def test_read_json_file_reads_good_json(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    write_text_atomic(path, '{"a": [1, 2]}')
    assert read_json_file(path, "a test file") == {"a": [1, 2]}
