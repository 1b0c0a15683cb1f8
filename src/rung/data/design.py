"""Design matrices: a categorical column with more than two levels becomes indicators.

Integer codes of a category are not numbers to fit a slope to; an outcome or propensity
model sees one 0/1 column per level after the first (the lowest code is the reference).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

__all__ = ["design_matrix", "indicators"]


def indicators(values: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """One 0/1 column per level after the first: shape ``(n, len(levels) - 1)``.

    Examples
    --------
    >>> indicators(np.array([0.0, 2.0, 1.0]), np.array([0.0, 1.0, 2.0])).tolist()
    [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0]]
    """
    v = np.asarray(values, dtype=float)
    return np.column_stack([v == lv for lv in levels[1:]]).astype(float).reshape(len(v), -1)


def design_matrix(df: pd.DataFrame, columns: Sequence[str],
                  categorical: Collection[str] = ()) -> np.ndarray:
    """The columns as a float matrix, categorical ones with more than two levels one-hot.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [0.0, 1.0, 2.0], "b": [0.5, 0.1, 0.2]})
    >>> design_matrix(df, ["a", "b"], {"a"}).shape
    (3, 3)
    """
    parts = []
    for c in columns:
        v = df[c].to_numpy(dtype=float)
        levels = np.unique(v)
        if c in categorical and len(levels) > 2:
            parts.append(indicators(v, levels))
        else:
            parts.append(v[:, None])
    return np.hstack(parts) if parts else np.zeros((len(df), 0))
