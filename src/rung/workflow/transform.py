"""Explicit transforms of the data before the analysis (``--transform``), never silent.

Measurements such as flow-cytometry intensities are positive and heavily right-skewed; a
log makes the Fisher-z CI tests and the linear models of the estimators far more
plausible. The transform is recorded in ``input.json`` and stated in the report, and every
effect is then on the transformed scale.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rung.workflow.inputs import InputError

__all__ = ["TRANSFORM_NOTES", "apply_transform"]

TRANSFORM_NOTES = {
    "none": "none: the analysis uses the values as given",
    "log": "log: natural log of every column; effects are differences of E[log outcome] "
           "between do(log treatment = a) and do(log treatment = b)",
}


def apply_transform(data: pd.DataFrame, kind: str) -> pd.DataFrame:
    """``data`` transformed by ``kind`` (``"none"`` or ``"log"``).

    Raises
    ------
    InputError
        ``"log"`` on a column with a value <= 0 (named, with its minimum), or an unknown kind.

    Examples
    --------
    >>> apply_transform(pd.DataFrame({"a": [1.0, np.e]}), "log")["a"].round(6).tolist()
    [0.0, 1.0]
    """
    if kind == "none":
        return data
    if kind != "log":
        raise InputError(f"transform {kind!r} is unknown; use 'none' or 'log'")
    bad = {c: float(data[c].min()) for c in data.columns if float(data[c].min()) <= 0.0}
    if bad:
        raise InputError(
            f"--transform log needs positive values; columns {sorted(bad)} have minima "
            f"{[bad[c] for c in sorted(bad)]}: shift them or use --transform none")
    return pd.DataFrame(np.log(data.to_numpy(dtype=float)), columns=data.columns,
                        index=data.index)
