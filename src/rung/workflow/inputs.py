"""Read and check the workflow's inputs: the data CSV, the query and variable descriptions.

Every problem raises :class:`InputError` (a ``ValueError``) naming the file, the column and
what to do, before anything is written to the output directory.
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "MIN_ROWS",
    "InputError",
    "check_data",
    "check_query",
    "data_fingerprint",
    "read_data_csv",
    "read_descriptions",
]

MIN_ROWS = 10


class InputError(ValueError):
    """The user's data, query or descriptions cannot be used; the message says why."""


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        try:
            return next(csv.reader(fh))
        except StopIteration:
            raise InputError(f"{path}: the file is empty; expected a header row") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); "
                             "give a CSV file saved as UTF-8") from None


def read_data_csv(path: str | Path) -> pd.DataFrame:
    """Read a CSV of numeric columns, checking the header and every value.

    Raises
    ------
    InputError
        Missing file, empty file, duplicate or blank column names, non-numeric values,
        missing values, or fewer than ``MIN_ROWS`` rows.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"data file {str(p)!r} does not exist (or is not a file)")
    header = [h.strip() for h in _header(p)]
    dupes = sorted(n for n, k in Counter(header).items() if k > 1)
    if dupes:
        raise InputError(f"{p}: duplicate column names {dupes}; give every column a unique name")
    if any(not h for h in header):
        raise InputError(f"{p}: column {header.index('') + 1} has a blank name")
    try:
        raw = pd.read_csv(p, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: not a readable CSV ({' '.join(str(exc).split())})") from None
    raw.columns = header
    return check_data(_to_numeric(raw, p), source=str(p))


def _to_numeric(raw: pd.DataFrame, path: Path) -> pd.DataFrame:
    out = {}
    for col in raw.columns:
        text = raw[col].str.strip()
        blank = text.eq("") | text.str.lower().isin(["na", "nan", "null", "none"])
        if blank.any():
            row = int(np.flatnonzero(blank.to_numpy())[0]) + 2  # 1-based, after the header
            raise InputError(
                f"{path}: column {col!r} has {int(blank.sum())} missing value(s) (first at "
                f"line {row}); drop or impute them before running the workflow"
            )
        values = pd.to_numeric(text, errors="coerce")
        bad = values.isna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(
                f"{path}: column {col!r} has non-numeric value {text.iloc[row]!r} at line "
                f"{row + 2}; encode categories as integers"
            )
        out[col] = values.astype(float)
    return pd.DataFrame(out)


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
