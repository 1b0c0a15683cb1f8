"""Validate tabular data before estimation: columns present, numeric, no NaN.

Every error names the column and, where it applies, the first bad row (0-based data row, so
row 0 is the first line after a CSV header).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from rung.estimate.errors import DataError, EstimationError

__all__ = ["check_data", "check_treatment_values", "is_discrete", "read_csv"]


def read_csv(path: str | Path) -> pd.DataFrame:
    """Read a CSV file into a DataFrame, turning parser failures into :class:`DataError`.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> _ = open(p, "w").write("X,Y\\n1,2\\n")
    >>> read_csv(p).shape
    (1, 2)
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"data file {str(p)!r} does not exist; pass an existing CSV path")
    if p.is_dir():
        raise DataError(f"data file {str(p)!r} is a directory; pass a CSV file")
    try:
        df = pd.read_csv(p)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        msg = " ".join(str(exc).split())
        raise DataError(f"cannot read {str(p)!r} as CSV ({msg}); fix the file format") from None
    _check_header(p)
    return df


def _check_header(path: Path) -> None:
    """Refuse duplicate column names (pandas would silently rename the second ``Y`` ``Y.1``)."""
    with path.open(newline="", encoding="utf-8") as f:
        header = [h.strip() for h in next(csv.reader(f), [])]
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise DataError(f"{str(path)!r} has duplicate column names {dupes}; give every column "
                        "a unique name", column=dupes[0])


def check_data(data: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Return the ``columns`` of ``data`` as a float DataFrame, or raise :class:`DataError`.

    Parameters
    ----------
    data : pandas.DataFrame
        The observations, one row per unit.
    columns : iterable of str
        The variables the estimator needs.

    Raises
    ------
    DataError
        A column is missing, holds a non-numeric value, or holds a NaN/inf (the message names
        the column and row), or the data has no rows.

    Examples
    --------
    >>> check_data(pd.DataFrame({"X": [0, 1], "Y": [1.5, 2.0]}), ["X", "Y"]).dtypes.tolist()
    [dtype('float64'), dtype('float64')]
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    cols = list(dict.fromkeys(columns))
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise DataError(
            f"columns {missing} are missing from the data (columns present: "
            f"{[str(c) for c in data.columns]}); rename the columns or the graph nodes",
            column=missing[0],
        )
    if len(data) == 0:
        raise DataError("the data has no rows; pass at least one observation")
    out = {}
    for c in cols:
        out[c] = _numeric_column(data[c], c)
    return pd.DataFrame(out, index=pd.RangeIndex(len(data)))


def _numeric_column(series: pd.Series, name: str) -> np.ndarray:
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    raw_na = series.isna().to_numpy()
    bad_text = np.isnan(values) & ~raw_na
    if bad_text.any():
        row = int(np.flatnonzero(bad_text)[0])
        raise DataError(
            f"column {name!r} has a non-numeric value {series.iloc[row]!r} at row {row}; "
            "encode it as a number",
            column=name,
            row=row,
        )
    not_finite = ~np.isfinite(values)
    if not_finite.any():
        row = int(np.flatnonzero(not_finite)[0])
        raise DataError(
            f"column {name!r} has a missing or infinite value at row {row}; "
            "drop or impute those rows first",
            column=name,
            row=row,
        )
    return np.asarray(values, dtype=float)


def is_discrete(values: np.ndarray, max_categories: int = 10) -> bool:
    """True when ``values`` are integers taking at most ``max_categories`` distinct values.

    Examples
    --------
    >>> is_discrete(np.array([0.0, 1.0, 1.0])), is_discrete(np.array([0.5, 1.0]))
    (True, False)
    """
    v = np.asarray(values, dtype=float)
    return bool(np.all(v == np.round(v)) and len(np.unique(v)) <= max_categories)


def check_treatment_values(x: np.ndarray, values: Iterable[float]) -> None:
    """Raise :class:`EstimationError` unless every contrast value occurs in ``x``.

    Examples
    --------
    >>> check_treatment_values(np.array([0.0, 1.0]), (1.0, 0.0))
    """
    for v in values:
        if not np.any(x == v):
            seen = np.unique(x)
            shown = ", ".join(f"{s:g}" for s in seen[:10]) + (", ..." if len(seen) > 10 else "")
            fix = ("this estimator needs a discrete treatment: use method 'regression' or "
                   "'generative'" if len(seen) > 20 else
                   "choose a contrast among the observed values")
            raise EstimationError(
                f"treatment value {v:g} never occurs in the data ({len(seen)} values seen: "
                f"{shown}); {fix}"
            )
