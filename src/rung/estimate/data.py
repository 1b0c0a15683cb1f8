"""Data checks for estimation: a thin re-export of :mod:`rung.data` (the one reader, checker
and discreteness rule), plus the contrast check estimators run on a fitted arm.

Every error names the column and the CSV line (header = line 1).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from rung.data import check_data, is_discrete, read_csv
from rung.estimate.errors import EstimationError

__all__ = ["check_data", "check_treatment_values", "is_discrete", "read_csv"]


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
                   "'generative'" if not is_discrete(seen) else
                   "choose a contrast among the observed values")
            raise EstimationError(
                f"treatment value {v:g} never occurs in the data ({len(seen)} values seen: "
                f"{shown}); {fix}"
            )
