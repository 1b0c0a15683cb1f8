"""Scores with uncertainty: (weighted) accuracy, paired gaps and AUC, each with a 95% CI.

Accuracies are proportions, so they get closed-form intervals rather than a bootstrap (which
gives the empty interval [1, 1] for 12 of 12 correct):

* :func:`wilson_proportion`: the Wilson (1927) score interval; for a weighted accuracy the
  same interval at Kish's (1965) effective sample size ``(sum w)^2 / sum w^2``;
* :func:`paired_gap`: the difference of two proportions on the same items, by Tango's
  (1998) asymptotic score interval for paired data (Fagerland, Lydersen & Laake 2014
  recommend it);
* :func:`unpaired_gap`: the difference of two proportions on different items, by
  Newcombe's (1998) hybrid score interval (his method 10), built from the two Wilson
  intervals.

The AUC of graph tasks keeps a percentile bootstrap (:func:`bootstrap_auc`).

The weighted accuracy follows Mooij et al. (2016) and Kiciman et al. (2023): each Tübingen
pair counts with its ``pairmeta.txt`` weight, ``sum(w * correct) / sum(w)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["Estimate", "IntervalMethod", "accuracy", "bootstrap_auc", "bootstrap_gap",
           "bootstrap_mean", "paired_gap", "rank_auc", "unpaired_gap", "weighted_accuracy",
           "wilson_interval", "wilson_proportion"]

IntervalMethod = Literal["wilson", "wilson-kish", "tango-paired", "newcombe",
                         "percentile-bootstrap"]


@dataclass(frozen=True)
class Estimate:
    """A point value with a confidence interval, and how that interval was computed."""

    value: float
    low: float
    high: float
    n: int
    method: IntervalMethod = "percentile-bootstrap"

    def to_json(self) -> dict[str, float | int | str]:
        return {"value": self.value, "low": self.low, "high": self.high, "n": self.n,
                "method": self.method}

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


def _z(level: float) -> float:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level={level}: give a confidence level between 0 and 1, e.g. 0.95")
    return NormalDist().inv_cdf(1 - (1 - level) / 2)


def wilson_interval(successes: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """The Wilson (1927) score interval for ``successes`` out of ``n`` (``n`` may be an
    effective, non-integer size).

    Examples
    --------
    >>> low, high = wilson_interval(12, 12)
    >>> round(low, 4), high
    (0.7575, 1.0)
    >>> [round(v, 4) for v in wilson_interval(0, 10)]
    [0.0, 0.2775]
    """
    if n <= 0:
        raise ValueError(f"n={n}: a proportion of no answers has no interval; check --limit")
    if not 0 <= successes <= n:
        raise ValueError(f"successes={successes} must lie between 0 and n={n}")
    z = _z(level)
    p, z2 = successes / n, z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low, high = max(0.0, centre - half), min(1.0, centre + half)
    if successes == 0:  # exact ends (floating point would leave 1e-17)
        low = 0.0
    if successes == n:
        high = 1.0
    return low, high


def wilson_proportion(correct: ArrayLike, weights: ArrayLike | None = None, *,
                      level: float = 0.95) -> Estimate:
    """A (weighted) share of correct answers with its Wilson score interval.

    With ``weights`` the point value is ``sum(w * correct) / sum(w)`` and the interval is
    Wilson's at Kish's effective sample size ``(sum w)^2 / sum w^2`` (equal weights give the
    plain interval). ``n`` in the result is the number of answers.

    Examples
    --------
    >>> print(wilson_proportion([1] * 12))
    1.000 [0.758, 1.000]
    >>> wilson_proportion([1, 0, 1], [2.0, 1.0, 1.0]).method
    'wilson-kish'
    """
    v, w = _as_arrays(correct, weights)
    if v.size == 0:
        raise ValueError("accuracy of no answers is undefined; check --limit and the probes")
    if np.any((v != 0) & (v != 1)):
        raise ValueError("correct must hold only 0/1 (or True/False) values")
    total = float(w.sum())
    if total <= 0:
        raise ValueError("weights sum to zero; weighted accuracy is undefined")
    p = float((v * w).sum() / total)
    n_eff = total * total / float((w * w).sum())
    low, high = wilson_interval(p * n_eff, n_eff, level)
    return Estimate(p, low, high, int(v.size), "wilson" if weights is None else "wilson-kish")


def _tango_statistic(n12: float, n21: float, n: float, delta: float) -> float:
    """Tango's (1998) score statistic for ``delta = p12 - p21`` (``p̃21`` is the MLE of
    the discordant cell under that constraint, in closed form)."""
    w = -n12 - n21 + (2 * n - n12 + n21) * delta
    p21 = (math.sqrt(max(w * w + 8 * n * n21 * delta * (1 - delta), 0.0)) - w) / (4 * n)
    var = n * (2 * p21 + delta * (1 - delta))
    diff = n12 - n21 - n * delta
    if var <= 0:
        return 0.0 if diff == 0 else math.copysign(math.inf, diff)
    return diff / math.sqrt(var)


def _solve(f: Callable[[float], float], lo: float, hi: float) -> float:
    """The root of a decreasing ``f`` on [lo, hi] by bisection (an end if there is none)."""
    if f(lo) <= 0:
        return lo
    if f(hi) >= 0:
        return hi
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) > 0 else (lo, mid)
    return (lo + hi) / 2


def paired_gap(base: ArrayLike, probe: ArrayLike, *, level: float = 0.95) -> Estimate:
    """``mean(base) - mean(probe)`` over paired 0/1 answers, with Tango's (1998) asymptotic
    score interval for the difference of paired proportions (recommended by Fagerland,
    Lydersen & Laake 2014). Only the discordant pairs move the gap; with none at all, the
    interval is ``±z²/(n + z²)``, not the empty [0, 0] of a bootstrap.

    Examples
    --------
    >>> print(paired_gap([1] * 12, [1] * 12))
    0.000 [-0.242, 0.242]
    >>> paired_gap([1, 1, 0, 1], [0, 1, 0, 0]).value
    0.5
    """
    b, _ = _as_arrays(base, None)
    q, _ = _as_arrays(probe, None)
    if b.shape != q.shape or b.size == 0:
        raise ValueError(f"base ({b.size}) and probe ({q.size}) answers must pair up, and "
                         "there must be some")
    if np.any((b != 0) & (b != 1)) or np.any((q != 0) & (q != 1)):
        raise ValueError("paired answers must be 0/1 (or True/False) values")
    n = float(b.size)
    n12 = float(np.sum((b == 1) & (q == 0)))  # base right, probe wrong: the gap grows
    n21 = float(np.sum((b == 0) & (q == 1)))
    d = (n12 - n21) / n
    z, eps = _z(level), 1e-12
    low = _solve(lambda t: _tango_statistic(n12, n21, n, t) - z, -1 + eps, d)
    high = _solve(lambda t: _tango_statistic(n12, n21, n, t) + z, d, 1 - eps)
    return Estimate(d, max(-1.0, low), min(1.0, high), int(n), "tango-paired")


def unpaired_gap(first: ArrayLike, second: ArrayLike, *, level: float = 0.95) -> Estimate:
    """``mean(first) - mean(second)`` of 0/1 answers on two different sets of items, with
    Newcombe's (1998) hybrid score interval (method 10): the gap's distance to each end is
    the root of the two Wilson intervals' squared half-widths on that side.

    Examples
    --------
    Newcombe's own example, 56/70 against 48/80 (his Table II gives 0.0524 to 0.3339):

    >>> print(unpaired_gap([1] * 56 + [0] * 14, [1] * 48 + [0] * 32))
    0.200 [0.052, 0.334]
    >>> unpaired_gap([1, 1], [1, 1]).value
    0.0
    """
    a, _ = _as_arrays(first, None)
    b, _ = _as_arrays(second, None)
    if a.size == 0 or b.size == 0:
        raise ValueError(f"two groups of answers are needed; got {a.size} and {b.size}")
    if np.any((a != 0) & (a != 1)) or np.any((b != 0) & (b != 1)):
        raise ValueError("unpaired answers must be 0/1 (or True/False) values")
    p1, p2 = float(a.mean()), float(b.mean())
    l1, u1 = wilson_interval(float(a.sum()), float(a.size), level)
    l2, u2 = wilson_interval(float(b.sum()), float(b.size), level)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Estimate(d, max(-1.0, low), min(1.0, high), int(a.size + b.size), "newcombe")


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

    For accuracies use :func:`wilson_proportion`: the bootstrap of 0/1 answers that are all
    equal is the empty interval.

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
