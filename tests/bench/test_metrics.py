"""Metrics against hand-computed values and scipy, and properties of the intervals."""

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
    paired_gap,
    rank_auc,
    unpaired_gap,
    weighted_accuracy,
    wilson_interval,
    wilson_proportion,
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


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_matches_scipy(kn: tuple[int, int]) -> None:
    from scipy.stats import binomtest

    k, n = kn
    ref = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    est = wilson_proportion([1.0] * k + [0.0] * (n - k))
    assert est.value == pytest.approx(k / n) and est.method == "wilson"
    assert est.low == pytest.approx(ref.low, abs=1e-9)
    assert est.high == pytest.approx(ref.high, abs=1e-9)


def test_twelve_of_twelve_is_not_certain() -> None:
    est = wilson_proportion([True] * 12)
    assert est.value == 1.0 and est.high == 1.0 and est.low < 0.8
    assert str(est) == "1.000 [0.758, 1.000]"
    assert est.to_json()["method"] == "wilson"
    boot = bootstrap_mean([1.0] * 12)
    assert boot.low == 1.0  # what the bootstrap said: the reason for the closed form


def test_weighted_wilson_uses_kish_effective_size() -> None:
    hits = [1, 0, 1, 1, 0, 1, 1, 1]
    plain = wilson_proportion(hits)
    same = wilson_proportion(hits, [0.25] * 8)  # equal weights: n_eff = n
    assert (same.low, same.high) == pytest.approx((plain.low, plain.high))
    w = [4.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]  # n_eff = 11^2 / 23 = 5.26
    est = wilson_proportion(hits, w)
    n_eff = 11**2 / 23
    assert est.value == pytest.approx(9 / 11) and est.method == "wilson-kish"
    assert (est.low, est.high) == pytest.approx(wilson_interval(9 / 11 * n_eff, n_eff))
    assert est.high - est.low > plain.high - plain.low  # fewer effective items, wider
    with pytest.raises(ValueError, match="only 0/1"):
        wilson_proportion([0.5, 1.0])


def test_paired_gap_of_identical_answers_has_width() -> None:
    z2 = 1.959963984540054**2
    for n, right in ((12, 12), (12, 6), (60, 30)):
        answers = [1] * right + [0] * (n - right)
        gap = paired_gap(answers, answers)
        assert gap.value == 0.0 and gap.method == "tango-paired"
        # no discordant pair: the score interval is +-z^2/(n+z^2) (solve T = +-z by hand)
        assert (gap.low, gap.high) == pytest.approx((-z2 / (n + z2), z2 / (n + z2)))


def _tango_by_numerical_mle(n12: int, n21: int, n: int) -> tuple[float, float]:
    """Tango's interval from its definition: the score statistic with the constrained
    multinomial MLE found numerically, inverted with brentq (an independent reference)."""
    from scipy.optimize import brentq, minimize_scalar

    rest = n - n12 - n21

    def stat(delta: float) -> float:
        lo, hi = max(0.0, -delta) + 1e-12, (1 - delta) / 2 - 1e-12

        def nll(p21: float) -> float:
            p12 = p21 + delta
            return -(n12 * math.log(max(p12, 1e-300)) + n21 * math.log(max(p21, 1e-300))
                     + rest * math.log(max(1 - p12 - p21, 1e-300)))

        p21 = minimize_scalar(nll, bounds=(lo, hi), method="bounded",
                              options={"xatol": 1e-13}).x if hi > lo else lo
        return (n12 - n21 - n * delta) / math.sqrt(n * (2 * p21 + delta * (1 - delta)))

    z, d = 1.959963984540054, (n12 - n21) / n
    low = brentq(lambda t: stat(t) - z, -1 + 1e-9, d) if stat(-1 + 1e-9) > z else -1.0
    high = brentq(lambda t: stat(t) + z, d, 1 - 1e-9) if stat(1 - 1e-9) < -z else 1.0
    return low, high


@settings(max_examples=40, deadline=None)
@given(st.integers(5, 80).flatmap(lambda n: st.tuples(
    st.integers(0, n), st.integers(0, n), st.just(n))).filter(lambda t: t[0] + t[1] <= t[2]))
def test_paired_gap_matches_the_score_test_inverted_numerically(
        cells: tuple[int, int, int]) -> None:
    n12, n21, n = cells
    base = [1] * n12 + [0] * n21 + [1] * (n - n12 - n21)
    probe = [0] * n12 + [1] * n21 + [1] * (n - n12 - n21)
    gap = paired_gap(base, probe)
    assert gap.value == pytest.approx((n12 - n21) / n)
    ref = _tango_by_numerical_mle(n12, n21, n)
    assert (gap.low, gap.high) == pytest.approx(ref, abs=2e-5)


def test_paired_gap_coverage_by_simulation() -> None:
    """Correlated pairs (base right 70 %, probe right 55 %, both right 50 %): the 95 %
    interval must cover the true gap 0.15 in about 95 % of 2,000 simulated runs."""
    import numpy as np

    rng = np.random.default_rng(0)
    cells = np.array([0.50, 0.20, 0.05, 0.25])  # (1,1), (1,0), (0,1), (0,0)
    base_of, probe_of = np.array([1, 1, 0, 0]), np.array([1, 0, 1, 0])
    hits = 0
    for _ in range(2000):
        kind = rng.choice(4, size=60, p=cells)
        g = paired_gap(base_of[kind], probe_of[kind])
        assert g.low <= g.value <= g.high
        hits += g.low <= 0.15 <= g.high
    assert 0.93 <= hits / 2000 <= 0.975


def test_paired_gap_reproduces_the_published_tango_interval() -> None:
    """Fagerland, Lydersen & Laake (2014), airway hyper-responsiveness before/after
    (Bentur et al. 2009): n11 = 1, n12 = 1, n21 = 7, n22 = 12; Tango's score interval for
    the difference is -0.286 (-0.517 to -0.026)."""
    base = [1] + [1] + [0] * 7 + [0] * 12
    probe = [1] + [0] + [1] * 7 + [0] * 12
    gap = paired_gap(base, probe)
    assert (round(gap.value, 3), round(gap.low, 3), round(gap.high, 3)) == (-0.286, -0.517,
                                                                             -0.026)


@pytest.mark.parametrize(("a", "n", "b", "m", "low", "high"), [
    (56, 70, 48, 80, 0.0524, 0.3339),  # Newcombe (1998), Table II, method 10
    (9, 10, 3, 10, 0.1705, 0.8090),
    (5, 56, 0, 29, -0.0381, 0.1926),
    (0, 10, 0, 20, -0.1611, 0.2775),
    (10, 10, 0, 20, 0.6791, 1.0),
])
def test_unpaired_gap_matches_newcombes_table(a: int, n: int, b: int, m: int, low: float,
                                              high: float) -> None:
    est = unpaired_gap([1] * a + [0] * (n - a), [1] * b + [0] * (m - b))
    assert est.value == pytest.approx(a / n - b / m)
    assert (est.low, est.high) == pytest.approx((low, high), abs=1e-4)
    assert est.method == "newcombe" and est.n == n + m


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 1), min_size=1, max_size=40),
       st.lists(st.integers(0, 1), min_size=1, max_size=40))
def test_unpaired_gap_holds_its_point_and_flips_with_the_order(a: list[int], b: list[int]
                                                               ) -> None:
    est, back = unpaired_gap(a, b), unpaired_gap(b, a)
    assert -1.0 <= est.low <= est.value <= est.high <= 1.0
    assert (back.low, back.high) == pytest.approx((-est.high, -est.low))


def test_unpaired_gap_names_bad_input() -> None:
    with pytest.raises(ValueError, match="two groups"):
        unpaired_gap([], [1])
    with pytest.raises(ValueError, match="0/1"):
        unpaired_gap([2], [1])
