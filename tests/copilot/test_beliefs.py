"""Edge beliefs and their calibration: Platt's fit against scikit-learn's, ECE by hand,
JSON round trips, refusals, and the beliefs a session asks for."""

from __future__ import annotations

import itertools
import json
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.copilot import (
    CalibrationMethod,
    CalibrationScores,
    Copilot,
    EdgeCalibration,
    EdgeSample,
    LabelledPair,
    beliefs_frame,
    collect_edge_samples,
    default_edge_calibration,
    direction_probabilities,
    fit_edge_calibration,
)
from rung.copilot.beliefs import calibrate_edges, shipped_edge_calibrations, split_pairs

RAW = [0.9, 0.8, 0.75, 0.6, 0.55, 0.4, 0.35, 0.3, 0.2, 0.1, 0.7, 0.45]
TRUTH = [True, True, False, True, True, False, True, False, False, False, True, False]


def _samples(raw=RAW, truth=TRUTH) -> list[EdgeSample]:
    pairs = enumerate(zip(raw, truth, strict=True))
    return [EdgeSample("x", "y", p, t, str(i)) for i, (p, t) in pairs]


def _fit(train, heldout=()):
    return fit_edge_calibration(train, heldout, model="m", variants=2, content_free=True,
                                fitted_on="test pairs")


def test_platt_fit_matches_scikit_learn():
    sk = pytest.importorskip("sklearn.calibration")
    logit = np.log(np.array(RAW) / (1 - np.array(RAW)))
    a, b = sk._sigmoid_calibration(logit, np.array(TRUTH, dtype=float))
    cal = _fit(_samples())
    # scikit-learn's convention: p = 1 / (1 + exp(a f + b)); ours: sigmoid(slope f + intercept)
    assert cal.slope == pytest.approx(-a, abs=1e-4)
    assert cal.intercept == pytest.approx(-b, abs=1e-4)
    assert cal.apply(0.9) == pytest.approx(1 / (1 + math.exp(a * math.log(9) + b)), abs=1e-5)


def test_scores_by_hand():
    s = CalibrationScores.of([0.05, 0.15, 0.15, 0.95], [False, True, False, True])
    # bins [0, .1): mean .05, freq 0 ; [.1, .2): mean .15, freq .5 ; [.9, 1]: mean .95, freq 1
    assert [(b.n, b.mean_p, b.frequency) for b in s.bins] == [
        (1, 0.05, 0.0), (2, 0.15, 0.5), (1, 0.95, 1.0)]
    assert s.ece == pytest.approx(0.25 * 0.05 + 0.5 * 0.35 + 0.25 * 0.05)
    assert s.brier == pytest.approx((0.05**2 + 0.85**2 + 0.15**2 + 0.05**2) / 4)
    assert s.log_loss == pytest.approx(
        -(math.log(0.95) + math.log(0.15) + math.log(0.85) + math.log(0.95)) / 4)


def test_calibration_improves_an_overconfident_model():
    # says .99 or .01, right 70% of the time: Platt shrinks towards the truth rate
    raw = [0.99] * 10 + [0.01] * 10
    truth = [True] * 7 + [False] * 3 + [False] * 7 + [True] * 3
    cal = _fit(_samples(raw, truth), _samples(raw, truth))
    assert 0.0 < cal.slope < 1.0
    assert cal.train_after.log_loss < cal.train_before.log_loss
    assert cal.heldout_after is not None and cal.heldout_before is not None
    assert cal.heldout_after.ece < cal.heldout_before.ece
    # Platt's smoothed targets are 11/12 and 1/12 (10 true, 10 false edges): the .99 group
    # is mapped to (7 * 11/12 + 3 * 1/12) / 10 = 2/3, the .01 group to 1/3
    assert cal.apply(0.99) == pytest.approx(2 / 3, abs=1e-6)
    assert cal.apply(0.01) == pytest.approx(1 / 3, abs=1e-6)


def test_no_signal_gives_slope_zero_never_an_inversion():
    # higher raw probability goes with false edges: the slope stops at 0 (base rate)
    raw = [0.9, 0.8, 0.7, 0.3, 0.2, 0.1]
    truth = [False, False, False, True, True, True]
    cal = _fit(_samples(raw, truth))
    assert cal.slope == 0.0
    assert cal.apply(0.9) == pytest.approx(cal.apply(0.1))
    with pytest.raises(ValueError, match="negative slope"):
        EdgeCalibration(CalibrationMethod.PLATT, -1.0, 0.0, "m", 2, True, "x", 1,
                        cal.train_before, cal.train_after)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(0.01, 0.99), st.booleans()), min_size=4, max_size=30)
       .filter(lambda xs: len({t for _, t in xs}) == 2))
def test_fitted_map_is_monotone_and_round_trips(rows):
    cal = _fit(_samples([p for p, _ in rows], [t for _, t in rows]))
    grid = [cal.apply(p) for p in (0.05, 0.3, 0.5, 0.7, 0.95)]
    assert all(a <= b + 1e-12 for a, b in itertools.pairwise(grid))
    again = EdgeCalibration.from_json(json.loads(json.dumps(cal.to_json(), allow_nan=False)))
    assert again == cal


def test_refusals():
    with pytest.raises(ValueError, match="all true"):
        _fit(_samples([0.5, 0.6], [True, True]))
    with pytest.raises(ValueError, match="not in \\[0, 1\\]"):
        _fit(_samples([math.nan, 0.5], [True, False]))
    with pytest.raises(ValueError, match="not a rung edge calibration"):
        EdgeCalibration.from_json({"slope": 1})
    bad = _fit(_samples()).to_json()
    bad["slope"] = float("nan")
    with pytest.raises(ValueError, match="finite"):
        EdgeCalibration.from_json(bad)
    del bad["intercept"]
    with pytest.raises(ValueError, match="malformed field"):
        EdgeCalibration.from_json(bad)


def per_direction(q: dict[tuple[str, str], float]):
    def rule(prompt: str, option: str) -> float | None:
        m = re.search(r"Does (.+?) cause (.+?)\?", prompt)
        if m is None:  # the content-free prompt: "Does N/A cause N/A?" is not matched here
            return None
        p = q.get((m.group(1), m.group(2)), 0.5)
        return p if option == "Yes" else 1 - p

    return rule


def test_samples_and_beliefs_from_a_session(scripted):
    q = {("rain", "wet"): 0.9, ("wet", "rain"): 0.2, ("N/A", "N/A"): 0.5}
    cp = Copilot(scripted(per_direction(q)))
    pairs = [LabelledPair("p1", "rain", "wet", "A->B")]
    samples = collect_edge_samples(cp, pairs)
    p = direction_probabilities(0.9, 0.2)  # content-free base .5 changes nothing
    assert [(s.source, s.target, s.truth) for s in samples] == [
        ("rain", "wet", True), ("wet", "rain", False)]
    assert [s.p_raw for s in samples] == pytest.approx([p["A->B"], p["B->A"]])
    cal = _fit(_samples())
    forward, backward = cp.replace(edge_calibration=cal).edge_beliefs("rain", "wet")
    assert forward.p_raw == pytest.approx(p["A->B"]) and forward.p_reverse == backward.p_raw
    total = cal.apply(p["A->B"]) + cal.apply(p["B->A"])
    scale = 1 / total if total > 1 else 1.0
    assert forward.p_calibrated == pytest.approx(cal.apply(p["A->B"]) * scale)
    assert "fitted for model 'm'" in forward.note  # scripted model != the calibration's
    assert set(beliefs_frame([forward, backward]).columns) >= {"p_raw", "p_calibrated"}
    assert json.dumps(forward.to_json(), allow_nan=False)


def test_no_calibration_for_the_model_means_none_and_a_note(scripted):
    cp = Copilot(scripted(per_direction({})))
    forward, _ = cp.edge_beliefs("a", "b")
    assert forward.p_calibrated is None and "rung ask calibrate" in forward.note
    assert default_edge_calibration("no such model") is None


def test_calibrate_edges_fits_and_scores_held_out_pairs(scripted):
    q = {(f"c{i}", f"e{i}"): 0.8 for i in range(6)} | {(f"e{i}", f"c{i}"): 0.3 for i in range(6)}
    pairs = [LabelledPair(str(i), f"c{i}", f"e{i}", "A->B") for i in range(3)] + [
        LabelledPair(str(i), f"e{i}", f"c{i}", "B->A") for i in range(3, 6)]
    fit, held = split_pairs(pairs, 4, 2, seed=1)
    cal = calibrate_edges(Copilot(scripted(per_direction(q))), fit, held, fitted_on="six")
    assert cal.n == 8 and cal.heldout_after is not None and cal.heldout_after.n == 4
    assert cal.train_after.log_loss <= cal.train_before.log_loss
    assert cal.model == "scripted" and cal.content_free and cal.variants == 2
    assert cal.fit_pairs == tuple(sorted(p.id for p in fit))
    assert cal.heldout_pairs == tuple(sorted(p.id for p in held))
    with pytest.raises(ValueError, match="only 6 are available"):
        split_pairs(pairs, 5, 2)


def test_shipped_calibrations_state_their_provenance():
    shipped = list(shipped_edge_calibrations())
    assert {c.model for c in shipped} >= {"qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"}
    for cal in shipped:
        assert cal.fitted_on and cal.n == 2 * len(cal.fit_pairs) and cal.heldout_after
        assert not set(cal.fit_pairs) & set(cal.heldout_pairs)  # held out means unseen
        assert cal.heldout_after.n == 2 * len(cal.heldout_pairs)
        assert default_edge_calibration(cal.model) is not None
        assert "held-out ECE" in cal.describe()


def test_graph_edges_carry_calibrated_probabilities_only_when_the_map_fits(scripted):
    q = {("a", "b"): 0.9, ("b", "a"): 0.2}
    train = _samples()
    cal = fit_edge_calibration(train, model="scripted", variants=2, content_free=True,
                               fitted_on="test")
    cp = Copilot(scripted(per_direction(q)), edge_calibration=cal)
    prop = cp.graph(["a", "b"], content_free=True)
    p = direction_probabilities(0.9, 0.2)
    ab = next(e for e in prop.candidates if (e.source, e.target) == ("a", "b"))
    total = cal.apply(p["A->B"]) + cal.apply(p["B->A"])
    assert ab.calibrated == pytest.approx(cal.apply(p["A->B"]) / max(total, 1.0))
    assert prop.to_json()["edges"][0]["calibrated"] == pytest.approx(ab.calibrated)
    # asked without the content-free correction the map does not apply
    plain = cp.graph(["a", "b"])
    assert all(e.calibrated is None for e in plain.candidates)
