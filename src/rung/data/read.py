"""The one CSV reader: :func:`read_table` keeps every row's CSV line number.

It refuses, with the file, the column and the line: a missing path, a directory, a FIFO or
any other non-regular file (at once, without opening it, so it never blocks), text that is
not UTF-8, a duplicate or blank column name (after stripping a byte-order mark and spaces)
and a row with the wrong number of fields. Values stay text; :func:`rung.data.prepare`
types them.
"""

from __future__ import annotations

import csv
import os
import stat
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rung.data.errors import DataError

__all__ = ["MISSING_TOKENS", "Table", "as_table", "read_csv", "read_table"]

_BOM = "\ufeff"

#: text read as a missing value (compared lower-case, after stripping spaces)
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none"})


@dataclass(frozen=True, eq=False)
class Table:
    """Raw observations with where each row came from.

    Attributes
    ----------
    frame : pandas.DataFrame
        The values as read (text for a CSV; any dtype for an in-memory frame).
    lines : numpy.ndarray
        The CSV line number of each row (header = line 1).
    source : str
        The file path, or ``"data"`` for an in-memory frame.
    """

    frame: pd.DataFrame
    lines: np.ndarray
    source: str = "data"

    @property
    def columns(self) -> list[str]:
        """The column names."""
        return [str(c) for c in self.frame.columns]


def as_table(data: pd.DataFrame | Table) -> Table:
    """``data`` as a :class:`Table` (a DataFrame's rows get the lines of its CSV form).

    Examples
    --------
    >>> as_table(pd.DataFrame({"X": [1, 2]})).lines.tolist()
    [2, 3]
    """
    if isinstance(data, Table):
        return data
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"data must be a pandas DataFrame, got {type(data).__name__}; "
                        "wrap it in pd.DataFrame(...)")
    names = [str(c) for c in data.columns]
    dupes = sorted(n for n, k in Counter(names).items() if k > 1)
    if dupes:
        raise DataError(f"the data has duplicate column names {dupes}; give every column a "
                        "unique name", column=dupes[0])
    return Table(data, np.arange(len(data)) + 2)


def _check_path(p: Path) -> None:
    try:
        mode = os.stat(p).st_mode
    except FileNotFoundError:
        raise FileNotFoundError(f"data file {str(p)!r} does not exist; pass an existing CSV "
                                "path") from None
    if stat.S_ISDIR(mode):
        raise DataError(f"data file {str(p)!r} is a directory; pass a CSV file")
    if not stat.S_ISREG(mode):
        raise DataError(f"data file {str(p)!r} is not a regular file (a pipe, socket or "
                        "device); save the data to a CSV file and pass its path")


def _header(names: list[str], p: Path) -> list[str]:
    header = [h.replace(_BOM, "").strip() for h in names]
    dupes = sorted(n for n, k in Counter(header).items() if k > 1)
    if dupes:
        raise DataError(f"{str(p)!r} has duplicate column names {dupes} (after removing "
                        "byte-order marks and spaces); give every column a unique name",
                        column=dupes[0], line=1)
    if "" in header:
        raise DataError(f"{str(p)!r}: column {header.index('') + 1} of the header has no "
                        "name; name every column", line=1)
    return header


def read_table(path: str | Path) -> Table:
    """Read a CSV file (UTF-8, optional byte-order mark) into a :class:`Table` of text.

    Blank lines are skipped; quoted fields may span lines (the line numbers stay right).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> _ = open(p, "w", encoding="utf-8").write("\\ufeffX,my Y\\n1,2\\n\\n3,4\\n")
    >>> t = read_table(p)
    >>> t.columns, t.lines.tolist()
    (['X', 'my Y'], [2, 4])
    """
    p = Path(path)
    _check_path(p)
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        with p.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            first = next(reader, None)
            if first is None:
                raise DataError(f"cannot read {str(p)!r} as CSV (the file is empty); give a "
                                "header row and data rows")
            header = _header(first, p)
            start = reader.line_num + 1
            for row in reader:
                if not row or (all(not f.strip() for f in row) and len(row) <= 1):
                    start = reader.line_num + 1
                    continue
                if len(row) != len(header):
                    raise DataError(f"{str(p)!r} line {start} has {len(row)} fields where the "
                                    f"header has {len(header)}; fix that line", line=start)
                rows.append(row)
                lines.append(start)
                start = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise DataError(f"cannot read {str(p)!r} as CSV: not UTF-8 text ({exc.reason} at byte "
                        f"{exc.start}); save it as UTF-8") from None
    except csv.Error as exc:
        raise DataError(f"cannot read {str(p)!r} as CSV ({exc}); fix the file format") from None
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    return Table(frame, np.asarray(lines, dtype=int), str(p))


def read_csv(path: str | Path) -> pd.DataFrame:
    """The values of :func:`read_table` as a DataFrame (numbers converted, text kept).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> _ = open(p, "w").write("X,Y\\n1,a\\n")
    >>> read_csv(p).to_dict("records")
    [{'X': 1, 'Y': 'a'}]
    """
    frame = read_table(path).frame
    out = {}
    for c in frame.columns:
        text = frame[c].str.strip()
        blank = text.str.lower().isin(MISSING_TOKENS)
        num = pd.to_numeric(text.where(~blank), errors="coerce")
        out[c] = num if (num.notna() | blank).all() else frame[c]
    return pd.DataFrame(out)
