"""Read and check the workflow's inputs: the data CSV, the query and variable descriptions.

Every problem raises :class:`InputError` (a ``ValueError``) naming the file, the column and
what to do, before anything is written to the output directory.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "MIN_ROWS",
    "InputError",
    "LoadedData",
    "check_data",
    "check_query",
    "data_fingerprint",
    "load_data_csv",
    "read_data_csv",
    "read_descriptions",
]

MIN_ROWS = 10


class InputError(ValueError):
    """The user's data, query or descriptions cannot be used; the message says why."""


@dataclass(frozen=True, eq=False)
class LoadedData:
    """A data file read for the workflow: numeric columns, and what was done to get them
    (``notes``: dropped incomplete rows, encoded text categories; stated in the report)."""

    frame: pd.DataFrame
    notes: tuple[str, ...]
    source: str
    categorical: tuple[str, ...] = ()


def load_data_csv(path: str | Path) -> LoadedData:
    """Read a CSV with :mod:`rung.data` (the one reader and checker): text columns become
    categories (encoding stated), rows with a missing value are dropped (complete-case,
    count stated), and the result is checked as :func:`check_data` checks a frame.

    Raises
    ------
    InputError
        Missing or unreadable file, duplicate or blank column names, a column mixing
        numbers and text, an infinite value, fewer than ``MIN_ROWS`` complete rows, or a
        constant column; every message names the file, the column and the CSV line.
    """
    from rung.data import DataError, prepare, read_table

    try:
        table = read_table(path)
        prep = prepare(table, table.columns)
    except (DataError, OSError) as exc:
        msg = " ".join(str(exc).split())
        raise InputError(msg if str(path) in msg else f"{path}: {msg}") from None
    frame = check_data(prep.frame, source=str(path))
    return LoadedData(frame, tuple(prep.describe()), str(path), tuple(sorted(prep.categorical)))


def read_data_csv(path: str | Path) -> pd.DataFrame:
    """The numeric table of :func:`load_data_csv` (see there for the checks)."""
    return load_data_csv(path).frame


def check_data(data: pd.DataFrame, *, source: str = "data") -> pd.DataFrame:
    """Check an in-memory table: unique names, numeric, finite, at least ``MIN_ROWS`` rows."""
    names = [str(c) for c in data.columns]
    dupes = sorted(n for n, k in Counter(names).items() if k > 1)
    if dupes:
        raise InputError(f"{source}: duplicate column names {dupes}")
    if len(names) < 2:
        raise InputError(f"{source}: needs at least 2 columns, found {names}")
    if len(data) < MIN_ROWS:
        raise InputError(
            f"{source}: has {len(data)} data row(s); the workflow needs at least {MIN_ROWS}"
        )
    for col in data.columns:
        if not pd.api.types.is_numeric_dtype(data[col]):
            raise InputError(f"{source}: column {col!r} is not numeric")
        v = data[col].to_numpy(dtype=float)
        if not np.isfinite(v).all():
            raise InputError(f"{source}: column {col!r} has missing or infinite values")
        if np.ptp(v) == 0:
            raise InputError(f"{source}: column {col!r} is constant; drop it")
    out = data.astype(float).copy()
    out.columns = names
    return out


def check_query(columns: Sequence[str], treatment: str, outcome: str) -> None:
    """Raise InputError unless treatment and outcome are two different columns."""
    for role, name in (("treatment", treatment), ("outcome", outcome)):
        if name not in columns:
            raise InputError(
                f"{role} column {name!r} is not in the data; columns are {list(columns)}"
            )
    if treatment == outcome:
        raise InputError(f"treatment and outcome are both {treatment!r}; pick two columns")


def read_descriptions(path: str | Path, columns: Sequence[str]) -> dict[str, str]:
    """Read ``name: description`` pairs from a YAML file; every name must be a column."""
    import yaml

    p = Path(path)
    if not p.is_file():
        raise InputError(f"descriptions file {str(p)!r} does not exist (or is not a file)")
    try:
        obj = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "cannot parse"
        raise InputError(f"{p}: not valid YAML ({problem}{where}); write one "
                         "'column: description' per line") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start}); give a "
                         "YAML text file") from None
    if not isinstance(obj, Mapping):
        raise InputError(f"{p}: expected a mapping 'column: description'")
    unknown = sorted(str(k) for k in obj if str(k) not in columns)
    if unknown:
        raise InputError(f"{p}: describes {unknown}, which are not columns {list(columns)}")
    return {str(k): str(v) for k, v in obj.items()}


def data_fingerprint(data: pd.DataFrame) -> str:
    """A hash of the column names and values (to detect a changed input on resume)."""
    h = hashlib.sha256("\x1f".join(map(str, data.columns)).encode())
    h.update(np.ascontiguousarray(data.to_numpy(dtype=float)).tobytes())
    return h.hexdigest()[:16]
