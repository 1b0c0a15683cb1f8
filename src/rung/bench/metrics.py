"""Scores with uncertainty: (weighted) accuracy, percentile-bootstrap CIs, paired gaps.

The weighted accuracy follows Mooij et al. (2016) and Kiciman et al. (2023): each Tübingen
pair counts with its ``pairmeta.txt`` weight, ``sum(w * correct) / sum(w)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["Estimate", "accuracy", "bootstrap_auc", "bootstrap_gap", "bootstrap_mean",
           "rank_auc", "weighted_accuracy"]


@dataclass(frozen=True)
class Estimate:
    """A point value with a (percentile bootstrap) confidence interval."""

    value: float
    low: float
    high: float
    n: int

    def to_json(self) -> dict[str, float | int]:
        return {"value": self.value, "low": self.low, "high": self.high, "n": self.n}

    def __str__(self) -> str:
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}]"


def _as_arrays(
    values: ArrayLike, weights: ArrayLike | None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    v = np.asarray(values, dtype=float)
    w = np.ones_like(v) if weights is None else np.asarray(weights, dtype=float)
    if v.shape != w.shape or v.ndim != 1:
        raise ValueError(f"values {v.shape} and weights {w.shape} must be 1-d and match")
    if np.any(w < 0):
        raise ValueError("weights must be non-negative")
    return v, w


def accuracy(correct: Sequence[bool] | ArrayLike) -> float:
    """Share of correct answers.

    Examples
    --------
    >>> accuracy([True, False, True, True])
    0.75
    """
    v = np.asarray(correct, dtype=float)
    if v.size == 0:
        raise ValueError("accuracy of no answers is undefined; check --limit and the probes")
    return float(v.mean())


def weighted_accuracy(correct: ArrayLike, weights: ArrayLike) -> float:
    """``sum(w * correct) / sum(w)``: the Tübingen weighted accuracy.

    Examples
    --------
    >>> weighted_accuracy([1, 0, 1], [0.5, 0.25, 0.25])
    0.75
    """
    v, w = _as_arrays(correct, weights)
    if w.sum() <= 0:
        raise ValueError("weights sum to zero; weighted accuracy is undefined")
    return float((v * w).sum() / w.sum())


def _resample_means(
    v: NDArray[np.float64], w: NDArray[np.float64], n_boot: int, rng: np.random.Generator
) -> NDArray[np.float64]:
    idx = rng.integers(0, v.size, size=(n_boot, v.size))  # (n_boot, n)
    ws = w[idx]
    tot = ws.sum(axis=1)
    return np.where(tot > 0, (v[idx] * ws).sum(axis=1) / np.where(tot > 0, tot, 1), np.nan)


def bootstrap_mean(
    values: ArrayLike, weights: ArrayLike | None = None, *, n_boot: int = 2000,
    level: float = 0.95, seed: int = 0,
) -> Estimate:
    """(Weighted) mean with a percentile bootstrap CI over items.

    Examples
    --------
    >>> est = bootstrap_mean([1, 1, 1, 1])
    >>> (est.value, est.low, est.high)
    (1.0, 1.0, 1.0)
    """
    v, w = _as_arrays(values, weights)
    if v.size == 0:
        raise ValueError("no values to bootstrap; check --limit and the probes")
    point = float((v * w).sum() / w.sum()) if w.sum() > 0 else float("nan")
    means = _resample_means(v, w, n_boot, np.random.default_rng(seed))
    alpha = (1 - level) / 2
    lo, hi = np.nanquantile(means, [alpha, 1 - alpha])
    return Estimate(point, float(lo), float(hi), int(v.size))


def bootstrap_gap(
    base: ArrayLike, probe: ArrayLike, weights: ArrayLike | None = None, *,
    n_boot: int = 2000, level: float = 0.95, seed: int = 0,
) -> Estimate:
    """``mean(base) - mean(probe)`` over paired items, with a paired bootstrap CI.

    Examples
    --------
    >>> bootstrap_gap([1, 1, 0, 1], [0, 1, 0, 0]).value
    0.5
    """
    b, w = _as_arrays(base, weights)
    p, _ = _as_arrays(probe, weights)
    return bootstrap_mean(b - p, w, n_boot=n_boot, level=level, seed=seed)


def rank_auc(scores: ArrayLike, labels: Sequence[bool] | ArrayLike) -> float | None:
    """Area under the ROC curve: the probability that a random positive scores above a
    random negative (ties count one half); None when either class is empty.

    Used for graph tasks to ask whether P(edge) ranks true edges above non-edges even when
    no pair crosses the decision threshold.

    Examples
    --------
    >>> rank_auc([0.9, 0.4, 0.4, 0.1], [True, True, False, False])
    0.875
    >>> rank_auc([0.5, 0.5], [True, True]) is None
    True
    """
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=bool)
    pos, neg = s[y], s[~y]
    if pos.size == 0 or neg.size == 0:
        return None
    above = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(above / (pos.size * neg.size))


def bootstrap_auc(
    scores: ArrayLike, labels: Sequence[bool] | ArrayLike, *,
    n_boot: int = 2000, level: float = 0.95, seed: int = 0,
) -> Estimate | None:
    """:func:`rank_auc` with a percentile-bootstrap CI over items (resamples lacking one of
    the classes are skipped); None when either class is empty.

    Examples
    --------
    >>> est = bootstrap_auc([0.9, 0.8, 0.3, 0.2], [True, True, False, False])
    >>> est.value, est.low, est.high
    (1.0, 1.0, 1.0)
    """
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=bool)
    point = rank_auc(s, y)
    if point is None:
        return None
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, s.size, size=(n_boot, s.size))  # (n_boot, n) resampled items
    aucs = [a for row in idx if (a := rank_auc(s[row], y[row])) is not None]
    alpha = (1 - level) / 2
    lo, hi = np.quantile(aucs, [alpha, 1 - alpha])
    return Estimate(point, float(lo), float(hi), int(s.size))
