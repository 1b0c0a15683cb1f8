"""The one CSV reader: BOM, duplicate names, non-regular files, CSV line numbers."""

from __future__ import annotations

import os
import threading
import time

import pytest

from rung.data import DataError, read_csv, read_table


def test_bom_is_stripped_and_lines_count_blank_and_multiline_rows(tmp_path) -> None:
    p = tmp_path / "d.csv"
    p.write_text('\ufeffX,"my Y"\n1,2\n\n3,"a\nb"\n4,5\n', encoding="utf-8")
    t = read_table(p)
    assert t.columns == ["X", "my Y"]
    assert t.lines.tolist() == [2, 4, 6]  # the quoted field spans lines 4-5


def test_duplicate_after_bom_is_named(tmp_path) -> None:
    p = tmp_path / "d.csv"
    p.write_text("\ufeffX,Y, X\n1,2,3\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"duplicate column names \['X'\]") as info:
        read_table(p)
    assert info.value.column == "X"
    # a BOM inside the header (a file concatenated from two exports) is stripped too
    p.write_text("X,\ufeffX\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"\['X'\]"):
        read_table(p)


def test_fifo_is_refused_without_blocking(tmp_path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    caught: list[BaseException] = []

    def run() -> None:
        try:
            read_table(fifo)
        except BaseException as exc:
            caught.append(exc)

    t0 = time.monotonic()
    th = threading.Thread(target=run, daemon=True)
    th.start()
    th.join(timeout=5)
    if th.is_alive():  # unblock the reader so the test process can end
        with open(fifo, "w") as fh:
            fh.write("")
        pytest.fail("read_table blocked on a FIFO")
    assert time.monotonic() - t0 < 5
    assert isinstance(caught[0], DataError) and "not a regular file" in str(caught[0])


def test_bad_files_are_named(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_table(tmp_path / "none.csv")
    with pytest.raises(DataError, match="is a directory"):
        read_table(tmp_path)
    empty = tmp_path / "e.csv"
    empty.write_text("")
    with pytest.raises(DataError, match="empty"):
        read_table(empty)
    ragged = tmp_path / "r.csv"
    ragged.write_text("X,Y\n1,2\n3\n")
    with pytest.raises(DataError, match="line 3 has 1 fields") as info:
        read_table(ragged)
    assert info.value.line == 3
    latin = tmp_path / "l.csv"
    latin.write_bytes("X,Y\n1,\xe9\n".encode("latin-1"))
    with pytest.raises(DataError, match="not UTF-8"):
        read_table(latin)
    blank = tmp_path / "b.csv"
    blank.write_text("X,,Y\n1,2,3\n")
    with pytest.raises(DataError, match="column 2 of the header has no name"):
        read_table(blank)


def test_read_csv_converts_numbers_and_keeps_text(tmp_path) -> None:
    p = tmp_path / "d.csv"
    p.write_text("X,S,Y\n1,a,\n2,b,3.5\n")
    df = read_csv(p)
    assert df["X"].tolist() == [1, 2]
    assert df["S"].tolist() == ["a", "b"]
    assert df["Y"].isna().tolist() == [True, False]
