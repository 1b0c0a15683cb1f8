"""Metrics against hand-computed values, and properties of the bootstrap."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.bench.calibration import (
    brier_score,
    expected_calibration_error,
    reliability_bins,
)
from rung.bench.metrics import (
    accuracy,
    bootstrap_auc,
    bootstrap_gap,
    bootstrap_mean,
    rank_auc,
    weighted_accuracy,
)


def test_weighted_accuracy_by_hand() -> None:
    # pairs weighted 0.166, 0.166, 0.5, 1.0; the last two right: (0.5 + 1) / 1.832
    assert weighted_accuracy([0, 0, 1, 1], [0.166, 0.166, 0.5, 1.0]) == pytest.approx(
        1.5 / 1.832)
    assert accuracy([1, 0, 0, 0]) == 0.25


def test_weighted_accuracy_rejects_bad_weights() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        weighted_accuracy([1, 0], [1.0, -1.0])
    with pytest.raises(ValueError, match="sum to zero"):
        weighted_accuracy([1, 0], [0.0, 0.0])


def test_bootstrap_mean_matches_point_and_is_reproducible() -> None:
    values = [1, 0, 1, 1, 0, 1, 1, 1, 0, 1]
    a, b = bootstrap_mean(values, seed=3), bootstrap_mean(values, seed=3)
    assert a == b and a.value == 0.7 and a.n == 10
    # the binomial standard error is 0.145; a 95 % interval spans roughly +- 0.28
    assert 0.35 < a.low < 0.5 and 0.9 <= a.high <= 1.0


def test_bootstrap_gap_is_paired() -> None:
    base = [1, 1, 1, 1, 0, 0]
    probe = [1, 1, 1, 1, 0, 0]
    gap = bootstrap_gap(base, probe)
    assert (gap.value, gap.low, gap.high) == (0.0, 0.0, 0.0)  # identical answers: no spread


def test_brier_by_hand() -> None:
    probs = [{"A->B": 0.9, "B->A": 0.1}, {"A->B": 0.5, "B->A": 0.5}]
    # item 1: 0.1^2 + 0.1^2 = 0.02; item 2: 0.25 + 0.25 = 0.5; mean 0.26
    assert brier_score(probs, ["A->B", "B->A"]) == pytest.approx(0.26)
    # a label missing from the distribution counts as probability 0
    assert brier_score([{"Yes": 1.0}], ["No"]) == 2.0


def test_ece_by_hand() -> None:
    conf = [0.55, 0.58, 0.95, 0.92]
    hit = [True, False, True, True]
    # bin [0.5, 0.6): conf 0.565, acc 0.5 -> 0.065; bin [0.9, 1]: conf 0.935, acc 1 -> 0.065
    assert expected_calibration_error(conf, hit) == pytest.approx(0.065)
    bins = reliability_bins(conf, hit)
    assert [(b.count, b.accuracy) for b in bins] == [(2, 0.5), (2, 1.0)]
    assert reliability_bins([1.0], [True])[-1].high == 1.0  # 1.0 lands in the last bin


@settings(max_examples=40, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=40))
def test_bootstrap_interval_contains_point(values: list[bool]) -> None:
    est = bootstrap_mean([float(v) for v in values], n_boot=300)
    assert est.low - 1e-12 <= est.value <= est.high + 1e-12
    assert 0.0 <= est.low <= est.high <= 1.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=1, max_size=50))
def test_ece_is_bounded(pairs: list[tuple[float, bool]]) -> None:
    ece = expected_calibration_error([c for c, _ in pairs], [h for _, h in pairs])
    assert 0.0 <= ece <= 1.0 and not math.isnan(ece)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]), st.booleans()),
                min_size=2, max_size=30))
def test_rank_auc_matches_sklearn(rows: list[tuple[float, bool]]) -> None:
    from sklearn.metrics import roc_auc_score

    scores, labels = [r[0] for r in rows], [r[1] for r in rows]
    auc = rank_auc(scores, labels)
    if all(labels) or not any(labels):
        assert auc is None
    else:
        assert auc == pytest.approx(roc_auc_score(labels, scores))


def test_bootstrap_auc_interval_contains_point() -> None:
    scores = [0.9, 0.7, 0.6, 0.4, 0.65, 0.3, 0.2, 0.1]
    labels = [True, True, False, True, False, False, True, False]
    est = bootstrap_auc(scores, labels)
    assert est is not None and est.n == 8
    assert est.low <= est.value <= est.high
    assert est.value == pytest.approx(11 / 16)  # 4 + 4 + 2 + 1 ordered pairs
