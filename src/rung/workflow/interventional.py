"""Interventional distributions P(Y | do(X=x)) for the report's plots.

The back-door g-formula (Robins 1986; Pearl 2009, eq. 3.19)
``P(y | do(x)) = Σ_z P(y | x, z) P(z)`` is sampled by pushing every row's covariates ``z_i``
through a linear model of Y on (X, Z, X·Z) at ``X = x`` and adding a resampled residual.
This assumes additive noise (the same assumption as the linear generative estimator).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["gformula_samples"]


def _design(x: np.ndarray, z: np.ndarray) -> np.ndarray:
    # (n, 1 + 1 + k + k): intercept, X, Z, X·Z
    return np.column_stack([np.ones_like(x), x, z, x[:, None] * z])


def gformula_samples(
    data: pd.DataFrame,
    treatment: str,
    outcome: str,
    adjustment: Sequence[str],
    values: Sequence[float],
    *,
    seed: int = 0,
) -> dict[float, np.ndarray]:
    """Samples of Y under ``do(treatment = v)`` for each ``v`` in ``values`` (one per row).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=4000); x = z + rng.normal(size=4000)
    >>> y = 2 * x + 3 * z + rng.normal(size=4000)
    >>> df = pd.DataFrame({"X": x, "Y": y, "Z": z})
    >>> s = gformula_samples(df, "X", "Y", ["Z"], [0.0, 1.0])
    >>> round(float(s[1.0].mean() - s[0.0].mean()), 1)
    2.0
    """
    missing = [c for c in (treatment, outcome, *adjustment) if c not in data.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in the data {list(data.columns)}")
    x = data[treatment].to_numpy(dtype=float)
    y = data[outcome].to_numpy(dtype=float)
    z = data[list(adjustment)].to_numpy(dtype=float).reshape(len(data), -1)
    coef, *_ = np.linalg.lstsq(_design(x, z), y, rcond=None)
    resid = y - _design(x, z) @ coef
    rng = np.random.default_rng(seed)
    out: dict[float, np.ndarray] = {}
    for v in values:
        xv = np.full_like(x, float(v))
        noise = rng.choice(resid, size=len(resid), replace=True)
        out[float(v)] = _design(xv, z) @ coef + noise
    return out
