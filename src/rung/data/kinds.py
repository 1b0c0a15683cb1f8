"""The one column-kind rule of rung (:func:`is_discrete`, :func:`column_kind`).

A column is **discrete** (its values are levels: enumerated by the plug-in and front-door
estimators, one-hot or softmax in models, a contrast value must occur in the data) when

1. it is declared ``categorical=`` (text columns are declared by :func:`rung.data.prepare`,
   which encodes them), or
2. it is *binary*: integer-valued with at most two distinct values (0/1, 1/2, -1/1), or
3. it looks like *codes*: integer-valued, at most :data:`MAX_DISCRETE_VALUES` distinct
   values, all of them in ``0..MAX_DISCRETE_VALUES`` (0/1/2, Likert 1..7, 0..10 counts).

Every other numeric column is **continuous**, whatever its number of distinct values: an
integer count such as 38..55 molecules is a number (ordered, a contrast inside its
observed range is allowed), never a set of categories. Declare ``categorical=`` to treat
such a column as levels.

Every estimator, model choice and contrast check asks :func:`is_discrete` or
:func:`column_kind`, so a column has one kind everywhere.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

__all__ = ["MAX_DISCRETE_VALUES", "ColumnKind", "column_kind", "is_discrete"]

#: undeclared integer columns with at most this many distinct values, all in
#: ``0..MAX_DISCRETE_VALUES``, are discrete (codes); larger or shifted integers are numbers
MAX_DISCRETE_VALUES = 20

ColumnKind = Literal["binary", "categorical", "continuous"]


def is_discrete(values: object, max_values: int = MAX_DISCRETE_VALUES, *,
                categorical: bool = False) -> bool:
    """True when ``values`` are levels under the rule of :mod:`rung.data.kinds`: declared
    ``categorical``, binary integers, or integer codes (at most ``max_values`` distinct
    values, all in ``0..max_values``).

    Examples
    --------
    >>> is_discrete(np.array([0.0, 1.0, 1.0])), is_discrete(np.array([0.5, 1.0]))
    (True, False)
    >>> is_discrete(np.arange(15.0)), is_discrete(np.arange(21.0))
    (True, False)

    Integer counts away from 0 are numbers, even with few distinct values:

    >>> is_discrete(np.array([41.0, 44, 46, 46, 49, 52])), is_discrete(np.array([-1.0, 1]))
    (False, True)
    >>> is_discrete(np.array([41.0, 44, 46]), categorical=True)
    True
    """
    if categorical:
        return True
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if not np.all(v == np.round(v)):
        return False
    seen = np.unique(v)
    if len(seen) <= 2:
        return True
    return bool(len(seen) <= max_values and seen[0] >= 0 and seen[-1] <= max_values)


def column_kind(values: object, max_values: int = MAX_DISCRETE_VALUES, *,
                categorical: bool = False) -> ColumnKind:
    """``"binary"``, ``"categorical"`` or ``"continuous"`` for a numeric column.

    Examples
    --------
    >>> column_kind(np.array([0.0, 1.0])), column_kind(np.array([0.5, 2.0]))
    ('binary', 'continuous')
    >>> column_kind(np.array([0.0, 1.0, 2.0])), column_kind(np.array([40.0, 45, 51]))
    ('categorical', 'continuous')
    """
    if not is_discrete(values, max_values, categorical=categorical):
        return "continuous"
    return "binary" if len(np.unique(np.asarray(values, dtype=float))) <= 2 else "categorical"
