"""The treatment contrast ``(a, b)``: a default that never collapses, and the support check.

:func:`default_contrast` picks two different, well-supported values: for a discrete
treatment (:func:`rung.data.is_discrete`) the largest and smallest values held by at least
5 % of the rows (so 1 vs 0 for a 0/1 treatment, 2 vs 1 for one coded 1/2 whatever the
shares); for a continuous one the 75th and 25th percentiles, and when ties make them equal
(one value fills more than half the rows) that value against the median of the side of it
that holds more rows. :func:`check_contrast_support` refuses a zero-width contrast and a
value outside the data: for a discrete treatment a value it never takes, for a continuous
one a value outside [min, max].
"""

from __future__ import annotations

import numpy as np

from rung.data.errors import DataError
from rung.data.kinds import is_discrete

__all__ = ["MIN_SHARE", "check_contrast_support", "default_contrast"]

#: a value is well supported when at least this share of rows takes it
MIN_SHARE = 0.05


def _values(values: object, name: str) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    seen = np.unique(x)
    if len(seen) < 2:
        shown = "no values" if len(seen) == 0 else f"only the value {seen[0]:g}"
        raise DataError(f"treatment {name!r} takes {shown} in the data; an effect needs a "
                        "treatment that varies", column=name)
    return np.asarray(x, dtype=float)


def default_contrast(values: object, name: str = "treatment", *,
                     categorical: bool = False) -> tuple[float, float]:
    """``(a, b)`` for E[Y | do(X=a)] - E[Y | do(X=b)]: two different well-supported values.

    Examples
    --------
    >>> default_contrast([0, 1, 1, 0])
    (1.0, 0.0)
    >>> default_contrast([1] * 80 + [2] * 20)
    (2.0, 1.0)
    >>> default_contrast(list(range(101)))
    (75.0, 25.0)
    >>> default_contrast([0.0] * 80 + [0.5, 1.5, 2.5, 3.5] * 5)
    (2.0, 0.0)
    """
    x = _values(values, name)
    if is_discrete(x, categorical=categorical):
        seen, counts = np.unique(x, return_counts=True)
        good = seen[counts >= MIN_SHARE * len(x)]
        if len(good) < 2:
            good = seen[np.argsort(-counts, kind="stable")[:2]]
        return float(np.max(good)), float(np.min(good))
    hi, lo = float(np.percentile(x, 75)), float(np.percentile(x, 25))
    if hi > lo:
        return hi, lo
    above, below = x[x > lo], x[x < lo]
    if len(above) >= len(below):
        return float(np.median(above)), lo
    return lo, float(np.median(below))


def check_contrast_support(values: object, contrast: tuple[float, float], name: str, *,
                           categorical: bool = False) -> None:
    """Refuse a contrast the data cannot speak to (an extrapolated, silent answer).

    Examples
    --------
    >>> check_contrast_support([0, 1, 1, 0], (1.0, 0.0), "X")
    >>> check_contrast_support([0, 1, 1, 0], (5.0, 0.0), "X")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rung.data.errors.DataError: contrast 5 0: treatment 'X' never takes the value 5 in the ...
    """
    a, b = contrast
    if not (np.isfinite(a) and np.isfinite(b)):
        raise DataError(f"contrast {a:g} {b:g}: both treatment values must be finite numbers")
    if a == b:
        raise DataError(f"contrast {a:g} {b:g}: the two treatment values are equal, so the "
                        "effect is 0 by definition; pass two different values", column=name)
    x = _values(values, name)
    seen = np.unique(x)
    discrete = is_discrete(seen, categorical=categorical)
    for v in (a, b):
        if discrete and v not in seen:
            listed = ", ".join(f"{s:g}" for s in seen)
            raise DataError(f"contrast {a:g} {b:g}: treatment {name!r} never takes the value "
                            f"{v:g} in the data (its values: {listed}); pass a contrast with "
                            "values that occur", column=name)
        if not discrete and not seen[0] <= v <= seen[-1]:
            raise DataError(f"contrast {a:g} {b:g}: {v:g} lies outside the observed range of "
                            f"{name!r} [{seen[0]:.4g}, {seen[-1]:.4g}]; pass a contrast inside "
                            "it (extrapolating beyond the data is refused)", column=name)
