"""Reading benchmark data files so that a damaged one is named, never half-read.

Every loader reads its CSV and JSON files through these functions. A file that cannot be
parsed, lacks a column or key, or holds a value of the wrong kind raises
:class:`DatasetCorruptError`, whose message names the file, the place (CSV line, JSON
example) and what is wrong, instead of an ``AttributeError`` from deep inside a loader or,
worse, a silently wrong truth label.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

__all__ = ["DatasetCorruptError", "UnreadableJSON", "corrupt", "load_json", "map_records",
           "map_rows", "read_json", "read_json_object", "read_table"]

T = TypeVar("T")

_ROW_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError)


class DatasetCorruptError(ValueError):
    """A dataset file exists but does not hold what its loader expects."""


def corrupt(path: Path, problem: str) -> DatasetCorruptError:
    """The error for a damaged file ``path``: what is wrong and how to fix it."""
    return DatasetCorruptError(f"dataset file {str(path)!r} is damaged: {problem}; restore "
                               "the original file (see ../shared/README.md)")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}" if exc.args else "a missing field"
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def read_table(path: Path, columns: Sequence[str], *, sep: str = ",",
               nrows: int | None = None) -> pd.DataFrame:
    """The CSV ``path`` as a DataFrame holding at least ``columns``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "data.csv"
    >>> _ = p.write_text("a,b\\n1,2\\n")
    >>> read_table(p, ["a", "c"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rung.bench.datafiles.DatasetCorruptError: ... lacks the column(s) ['c'] (it has ['a', 'b'])...
    """
    try:
        df = pd.read_csv(path, sep=sep, nrows=nrows)
    except UnicodeDecodeError as exc:
        raise corrupt(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise corrupt(path, f"not a readable CSV file ({_describe(exc)})") from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        shown = [str(c) for c in df.columns[:12]]
        raise corrupt(path, f"lacks the column(s) {missing} (it has {shown})")
    return df


def _record_lines(path: Path, sep: str) -> list[int]:
    """The line on which each data record of a CSV starts (quoted fields may span lines)."""
    starts: list[int] = []
    with path.open(newline="", encoding="utf-8", errors="replace") as fh:
        reader = csv.reader(fh, delimiter=sep)
        line = 1
        for _ in reader:
            starts.append(line)
            line = reader.line_num + 1
    return starts[1:]  # the header is not a data record


def map_rows(df: pd.DataFrame, path: Path, make: Callable[[Any], T], *,
             sep: str = ",") -> list[T]:
    """``[make(row) for row in df.itertuples(index=False)]``; a row ``make`` rejects (any
    ValueError, TypeError, KeyError, AttributeError, IndexError) is reported with its CSV
    line number."""
    out: list[T] = []
    for i, row in enumerate(df.itertuples(index=False)):
        try:
            out.append(make(row))
        except _ROW_ERRORS as exc:
            lines = _record_lines(path, sep)
            where = f"line {lines[i]}" if i < len(lines) else f"data row {i + 1}"
            raise corrupt(path, f"{where}: {_describe(exc)}") from None
    return out


class UnreadableJSON(ValueError):
    """A file that is not UTF-8 JSON; ``problem`` says why and where."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{str(path)!r} is {problem}")
        self.problem = problem


def load_json(path: Path) -> Any:
    """The JSON in ``path``, or :class:`UnreadableJSON` naming the fault and its position
    (the one JSON reader of :mod:`rung.bench`: data files and run records).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.json"
    >>> _ = p.write_bytes(b"[1, 2")
    >>> load_json(p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rung.bench.datafiles.UnreadableJSON: '...x.json' is not valid JSON (Expecting ',' ...
    """
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise UnreadableJSON(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise UnreadableJSON(
            path, f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None


def read_json(path: Path, key: str) -> list[Any]:
    """The list under ``key`` in the JSON object in ``path`` (see :func:`read_json_object`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "task.json"
    >>> _ = p.write_text('{"examples": [')
    >>> read_json(p, "examples")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rung.bench.datafiles.DatasetCorruptError: ... not valid JSON (Expecting value at line 1, ...
    """
    records: list[Any] = read_json_object(path, (key,))[key]
    return records


def read_json_object(path: Path, lists: Sequence[str]) -> dict[str, Any]:
    """The JSON object in ``path``, which must hold a list under each key in ``lists``."""
    try:
        data = load_json(path)
    except UnreadableJSON as exc:
        raise corrupt(path, exc.problem) from None
    if not isinstance(data, dict):
        raise corrupt(path, f"the top level is {type(data).__name__}, not an object")
    for key in lists:
        if not isinstance(data.get(key), list):
            raise corrupt(path, f"there is no list under the key {key!r}")
    return data


def map_records(records: Sequence[Any], path: Path, make: Callable[[int, Any], T],
                what: str = "example") -> list[T]:
    """``[make(i, rec) for i, rec in enumerate(records)]``; a record ``make`` rejects is
    reported as ``what`` number ``i`` (0-based, as in the file's list)."""
    out: list[T] = []
    for i, rec in enumerate(records):
        try:
            if not isinstance(rec, dict):
                raise TypeError(f"is {type(rec).__name__}, not an object")
            out.append(make(i, rec))
        except _ROW_ERRORS as exc:
            raise corrupt(path, f"{what} {i}: {_describe(exc)}") from None
    return out
