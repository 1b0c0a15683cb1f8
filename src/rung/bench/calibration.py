"""Calibration of answer probabilities: Brier score, expected calibration error, reliability.

Brier (1950), multi-class form: the mean over items of ``sum_k (p_k - [k is true])^2``
(0 is perfect; always answering uniformly over two options scores 0.5).
ECE (Naeini et al. 2015; Guo et al. 2017): bin items by confidence (the top probability) into
equal-width bins; ``sum_b n_b / n * |accuracy_b - mean confidence_b|``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["ReliabilityBin", "brier_score", "expected_calibration_error", "reliability_bins"]


def brier_score(probabilities: Sequence[Mapping[str, float]], truths: Sequence[str]) -> float:
    """Multi-class Brier score of answer distributions against the true answers.

    Examples
    --------
    >>> brier_score([{"Yes": 0.8, "No": 0.2}], ["Yes"])
    0.08
    """
    if len(probabilities) != len(truths) or not truths:
        raise ValueError(f"need matching, non-empty lists ({len(probabilities)} vs {len(truths)})")
    total = 0.0
    for probs, truth in zip(probabilities, truths, strict=True):
        keys = set(probs) | {truth}
        total += sum((probs.get(k, 0.0) - (1.0 if k == truth else 0.0)) ** 2 for k in keys)
    return round(total / len(truths), 12)


@dataclass(frozen=True)
class ReliabilityBin:
    """One confidence bin: its edges, size, mean confidence and accuracy."""

    low: float
    high: float
    count: int
    confidence: float
    accuracy: float


def reliability_bins(
    confidence: Sequence[float], correct: Sequence[bool], n_bins: int = 10
) -> list[ReliabilityBin]:
    """Non-empty equal-width confidence bins (the last bin includes 1.0)."""
    conf = np.asarray(confidence, dtype=float)
    hit = np.asarray(correct, dtype=float)
    if conf.shape != hit.shape:
        raise ValueError(f"confidence {conf.shape} and correct {hit.shape} must match")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1], right=False), 0, n_bins - 1)
    bins: list[ReliabilityBin] = []
    for b in range(n_bins):
        mask = which == b
        if mask.any():
            bins.append(ReliabilityBin(float(edges[b]), float(edges[b + 1]), int(mask.sum()),
                                       float(conf[mask].mean()), float(hit[mask].mean())))
    return bins


def expected_calibration_error(
    confidence: Sequence[float], correct: Sequence[bool], n_bins: int = 10
) -> float:
    """ECE over equal-width confidence bins.

    Examples
    --------
    >>> expected_calibration_error([0.9, 0.9], [True, False])
    0.4
    """
    bins = reliability_bins(confidence, correct, n_bins)
    n = sum(b.count for b in bins)
    if n == 0:
        raise ValueError("no answers to calibrate")
    return round(sum(b.count / n * abs(b.accuracy - b.confidence) for b in bins), 12)
