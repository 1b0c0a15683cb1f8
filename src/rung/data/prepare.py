"""The one checker: :func:`prepare` types the needed columns, encodes text categories and
applies the missing-value policy (complete-case by default), stating what it did.

- numbers stay numbers; ``bool`` becomes 0/1;
- a column of text only is categorical: its levels, sorted, get the codes 0, 1, 2, ...
  (the encoding is returned, and every result states it);
- a column mixing numbers and text is refused at the first text value (a typo is far more
  likely than a category named like a number);
- integer-coded categories are declared with ``categorical=[...]`` (they stay as coded but
  count as categorical: one-hot in outcome models, discrete everywhere);
- a missing value (empty, ``NA``, ``NaN``, ``null``, ``None``) drops its row
  (``missing="drop"``, complete-case analysis: valid when missingness does not depend on
  the values, MCAR) or is an error (``missing="error"``); infinities are always errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from rung.data.errors import DataError
from rung.data.read import MISSING_TOKENS, Table, as_table

__all__ = ["MISSING_TOKENS", "MissingPolicy", "Prepared", "check_data", "prepare"]

MissingPolicy = Literal["drop", "error"]


@dataclass(frozen=True, eq=False)
class Prepared:
    """Columns ready for estimation, and what was done to get them.

    Attributes
    ----------
    frame : pandas.DataFrame
        Float columns, complete rows only, index 0..n-1.
    lines : numpy.ndarray
        The CSV line of each kept row.
    encoding : mapping
        Text column -> {level: code} (integer-coded declared categories map to themselves).
    categorical : frozenset of str
        Columns that are categories (text, or declared): one-hot where a model needs it.
    dropped_rows : int
        Rows dropped for a missing value (complete-case).
    dropped_lines : tuple of int
        The CSV lines of the first dropped rows (at most 10).
    n_read : int
        Rows before dropping.
    source : str
    """

    frame: pd.DataFrame
    lines: np.ndarray
    encoding: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    categorical: frozenset[str] = frozenset()
    dropped_rows: int = 0
    dropped_lines: tuple[int, ...] = ()
    n_read: int = 0
    source: str = "data"

    def to_json(self) -> dict[str, Any]:
        """``encoding``, ``categorical``, ``dropped_rows``, ``missing`` and ``n_read``."""
        return {
            "encoding": {c: dict(m) for c, m in self.encoding.items()},
            "categorical": sorted(self.categorical),
            "dropped_rows": self.dropped_rows,
            "missing": "complete-case",
            "n_read": self.n_read,
        }

    def describe(self) -> list[str]:
        """One line per thing done to the data (empty when nothing was).

        Examples
        --------
        >>> p = prepare(pd.DataFrame({"s": ["b", "a", None]}), ["s"])
        >>> for line in p.describe():
        ...     print(line)
        dropped 1 of 3 rows with a missing value (complete-case; first at line 4)
        encoded 's' (text, categorical): a=0, b=1
        """
        out = []
        if self.dropped_rows:
            out.append(f"dropped {self.dropped_rows} of {self.n_read} rows with a missing "
                       f"value (complete-case; first at line {self.dropped_lines[0]})")
        for c, m in self.encoding.items():
            levels = ", ".join(f"{k}={v:g}" for k, v in m.items())
            what = "text" if any(k != f"{v:g}" for k, v in m.items()) else "integer codes"
            out.append(f"encoded {c!r} ({what}, categorical): {levels}")
        return out


def _is_missing(series: pd.Series) -> np.ndarray:
    na = series.isna().to_numpy()
    if series.dtype == object:
        text = series.astype(str).str.strip().str.lower()
        na = na | text.isin(MISSING_TOKENS).to_numpy()
    return np.asarray(na, dtype=bool)


def _column(series: pd.Series, name: str, lines: np.ndarray, declared: bool
            ) -> tuple[np.ndarray, dict[str, float] | None]:
    """(float values with NaN for missing, encoding or None)."""
    missing = _is_missing(series)
    if isinstance(series.dtype, pd.CategoricalDtype):
        cats = [str(c) for c in series.cat.categories]
        codes = series.cat.codes.to_numpy(dtype=float)
        return np.where(codes < 0, np.nan, codes), {c: float(i) for i, c in enumerate(cats)}
    if pd.api.types.is_bool_dtype(series):
        return (series.to_numpy(dtype=float, na_value=np.nan),
                {"False": 0.0, "True": 1.0} if declared else None)
    if pd.api.types.is_numeric_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
    else:
        text = series.astype(str).str.strip()
        values = pd.to_numeric(text.where(~missing), errors="coerce").to_numpy(dtype=float)
        is_text = np.isnan(values) & ~missing
        if is_text.any() and not is_text[~missing].all():
            i = int(np.flatnonzero(is_text)[0])
            raise DataError(
                f"column {name!r} mixes numbers and text: {text.iloc[i]!r} at line "
                f"{int(lines[i])} is not a number; fix that value (or make every value text "
                "to read the column as categories)", column=name, line=int(lines[i]))
        if is_text.any():
            levels = sorted(set(text[~missing]))
            enc = {lv: float(k) for k, lv in enumerate(levels)}
            coded = text.map(enc).to_numpy(dtype=float)
            return np.where(missing, np.nan, coded), enc
    values = np.where(missing, np.nan, values)
    bad = np.isinf(values)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"column {name!r} has an infinite value at line {int(lines[i])}; "
                        "replace or drop it", column=name, line=int(lines[i]))
    if declared:
        seen = np.unique(values[~np.isnan(values)])
        return values, {f"{v:g}": float(v) for v in seen}
    return values, None


def prepare(
    data: pd.DataFrame | Table,
    columns: Iterable[str],
    *,
    categorical: Iterable[str] = (),
    missing: MissingPolicy = "drop",
) -> Prepared:
    """Check and type ``columns`` of ``data``; encode text; drop incomplete rows.

    Raises
    ------
    DataError
        A missing column (the columns present are listed), a column mixing numbers and
        text, an infinity, a missing value with ``missing="error"``, or no complete row;
        every message names the column and the CSV line.

    Examples
    --------
    >>> df = pd.DataFrame({"smoking": ["never", "current", None, "never"], "y": [1, 2, 3, None]})
    >>> p = prepare(df, ["smoking", "y"])
    >>> p.frame.to_dict("list"), dict(p.encoding["smoking"]), p.dropped_rows
    ({'smoking': [1.0, 0.0], 'y': [1.0, 2.0]}, {'current': 0.0, 'never': 1.0}, 2)
    """
    table = as_table(data)
    frame = table.frame
    cols = list(dict.fromkeys(str(c) for c in columns))
    declared = frozenset(str(c) for c in categorical)
    present = set(table.columns)
    absent = [c for c in cols if c not in present]
    if absent:
        raise DataError(f"columns {absent} are missing from the data (columns present: "
                        f"{table.columns}); rename the columns or the graph nodes",
                        column=absent[0])
    if missing not in ("drop", "error"):
        raise DataError(f"missing={missing!r} must be 'drop' (complete-case) or 'error'")
    if len(frame) == 0:
        raise DataError(f"{table.source}: the data has no rows; pass at least one observation")
    values: dict[str, np.ndarray] = {}
    encoding: dict[str, dict[str, float]] = {}
    cat: set[str] = set()
    for c in cols:
        series = frame.loc[:, [str(x) == c for x in frame.columns]].iloc[:, 0]
        v, enc = _column(series, c, table.lines, c in declared)
        values[c] = v
        if enc is not None:
            encoding[c] = enc
            cat.add(c)
    return _complete_case(values, table, cols, encoding, frozenset(cat), missing)


def _complete_case(values: dict[str, np.ndarray], table: Table, cols: list[str],
                   encoding: dict[str, dict[str, float]], cat: frozenset[str],
                   missing: MissingPolicy) -> Prepared:
    n = len(table.frame)
    holes = np.zeros(n, dtype=bool)
    for v in values.values():
        holes |= np.isnan(v)
    if holes.any() and missing == "error":
        first = int(np.flatnonzero(holes)[0])
        c = next(c for c in cols if np.isnan(values[c][first]))
        line = int(table.lines[first])
        raise DataError(f"column {c!r} has a missing value at line {line} "
                        f"({int(holes.sum())} incomplete rows in all); drop or impute those "
                        "rows first (complete-case: missing='drop')", column=c, line=line)
    keep = ~holes
    if not keep.any():
        raise DataError(f"{table.source}: every row has a missing value in {cols}; no "
                        "complete row is left to estimate from")
    frame = pd.DataFrame({c: values[c][keep] for c in cols}, index=pd.RangeIndex(int(keep.sum())))
    return Prepared(frame=frame, lines=table.lines[keep], encoding=encoding, categorical=cat,
                    dropped_rows=int(holes.sum()),
                    dropped_lines=tuple(int(x) for x in table.lines[holes][:10]),
                    n_read=n, source=table.source)


def check_data(data: pd.DataFrame | Table, columns: Iterable[str], *,
               categorical: Iterable[str] = (), missing: MissingPolicy = "error"
               ) -> pd.DataFrame:
    """The float frame of :func:`prepare` (by default a missing value is an error here).

    Examples
    --------
    >>> check_data(pd.DataFrame({"X": [0, 1], "Y": [1.5, 2.0]}), ["X", "Y"]).dtypes.tolist()
    [dtype('float64'), dtype('float64')]
    """
    return prepare(data, columns, categorical=categorical, missing=missing).frame
