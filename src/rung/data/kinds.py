"""The one discreteness rule of rung: integers with at most :data:`MAX_DISCRETE_VALUES`
distinct values are discrete (or any column declared categorical).

Every estimator, model choice and contrast check asks :func:`is_discrete` or
:func:`column_kind`, so a 15-valued column is discrete everywhere.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

__all__ = ["MAX_DISCRETE_VALUES", "ColumnKind", "column_kind", "is_discrete"]

#: integer columns with at most this many distinct values are discrete
MAX_DISCRETE_VALUES = 20

ColumnKind = Literal["binary", "categorical", "continuous"]


def is_discrete(values: object, max_values: int = MAX_DISCRETE_VALUES, *,
                categorical: bool = False) -> bool:
    """True when ``values`` are integers taking at most ``max_values`` distinct values, or
    when the column is declared ``categorical``.

    Examples
    --------
    >>> is_discrete(np.array([0.0, 1.0, 1.0])), is_discrete(np.array([0.5, 1.0]))
    (True, False)
    >>> is_discrete(np.arange(15.0)), is_discrete(np.arange(21.0))
    (True, False)
    """
    if categorical:
        return True
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    return bool(np.all(v == np.round(v)) and len(np.unique(v)) <= max_values)


def column_kind(values: object, max_values: int = MAX_DISCRETE_VALUES, *,
                categorical: bool = False) -> ColumnKind:
    """``"binary"``, ``"categorical"`` or ``"continuous"`` for a numeric column.

    Examples
    --------
    >>> column_kind(np.array([0.0, 1.0])), column_kind(np.array([0.5, 2.0]))
    ('binary', 'continuous')
    >>> column_kind(np.array([0.0, 1.0, 2.0]))
    'categorical'
    """
    if not is_discrete(values, max_values, categorical=categorical):
        return "continuous"
    return "binary" if len(np.unique(np.asarray(values, dtype=float))) <= 2 else "categorical"
