"""Confidence intervals: the nonparametric bootstrap (percentile) and normal intervals."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats

from rung.estimate.errors import EstimationError

__all__ = ["bootstrap_estimates", "normal_interval", "percentile_interval"]


def bootstrap_estimates(
    statistic: Callable[[pd.DataFrame], float],
    data: pd.DataFrame,
    n_resamples: int,
    seed: int | None = None,
) -> np.ndarray:
    """Re-run ``statistic`` on ``n_resamples`` row resamples (with replacement) of ``data``.

    Resamples on which the statistic fails (e.g. a treatment arm went empty) are dropped;
    if more than half fail, an :class:`EstimationError` is raised.

    Examples
    --------
    >>> df = pd.DataFrame({"y": np.arange(100.0)})
    >>> est = bootstrap_estimates(lambda d: float(d["y"].mean()), df, 50, seed=0)
    >>> est.shape, bool(40 < est.mean() < 60)
    ((50,), True)
    """
    if n_resamples < 1:
        raise EstimationError(f"n_resamples={n_resamples} must be at least 1")
    rng = np.random.default_rng(seed)
    n = len(data)
    out: list[float] = []
    for _ in range(n_resamples):
        idx = rng.integers(0, n, size=n)
        sample = data.iloc[idx].reset_index(drop=True)
        try:
            out.append(float(statistic(sample)))
        except (EstimationError, np.linalg.LinAlgError):
            continue
    if len(out) < max(1, n_resamples // 2):
        raise EstimationError(
            f"only {len(out)} of {n_resamples} bootstrap resamples could be estimated; "
            "use more data or a simpler estimator"
        )
    return np.asarray(out)


def percentile_interval(estimates: np.ndarray, alpha: float = 0.05) -> tuple[float, float]:
    """The percentile interval ``[q(alpha/2), q(1 - alpha/2)]`` of bootstrap ``estimates``.

    Examples
    --------
    >>> percentile_interval(np.arange(101.0), alpha=0.1)
    (5.0, 95.0)
    """
    lo, hi = np.quantile(estimates, [alpha / 2, 1 - alpha / 2])
    return float(lo), float(hi)


def normal_interval(estimate: float, se: float, alpha: float = 0.05) -> tuple[float, float]:
    """The Wald interval ``estimate ± z(1 - alpha/2) · se``.

    Examples
    --------
    >>> lo, hi = normal_interval(1.0, 0.5)
    >>> round(lo, 3), round(hi, 3)
    (0.02, 1.98)
    """
    z = float(stats.norm.ppf(1 - alpha / 2))
    return float(estimate - z * se), float(estimate + z * se)
