"""Temperature calibration against its closed-form optimum."""

from __future__ import annotations

import math

import pytest

from rung.copilot import TemperatureCalibration


def test_fit_matches_closed_form(tmp_path):
    # always 0.99 for "Yes"; truth "Yes" 80% of the time: the NLL optimum maps .99 to .8,
    # i.e. (99)^(1/T) = 4  ->  T = ln 99 / ln 4
    probs = [{"Yes": 0.99, "No": 0.01}] * 10
    truth = ["Yes"] * 8 + ["No"] * 2
    cal = TemperatureCalibration().fit(probs, truth)
    assert cal.temperature_ == pytest.approx(math.log(99) / math.log(4), rel=1e-4)
    assert cal.transform(probs[0])["Yes"] == pytest.approx(0.8, abs=1e-4)
    assert cal.nll_after_ < cal.nll_before_
    path = tmp_path / "cal.json"
    cal.save(path)
    again = TemperatureCalibration.load(path)
    assert again.temperature_ == pytest.approx(cal.temperature_)
    assert again.transform({"a": 0.3, "b": 0.7}) == pytest.approx(
        cal.transform({"a": 0.3, "b": 0.7})
    )


def test_calibration_applied_in_pairwise(scripted):
    from rung.copilot import pairwise

    cal = TemperatureCalibration().fit([{"A->B": 0.5, "B->A": 0.25, "none": 0.25}], ["A->B"])
    r = pairwise(
        "x",
        "y",
        backend=scripted(lambda p, o: 0.5),
        variants=2,
        calibration=cal,
    )
    assert r.calibrated
    assert sum(r.probabilities.values()) == pytest.approx(1.0)


def test_errors(tmp_path):
    with pytest.raises(ValueError, match="not fitted"):
        TemperatureCalibration().transform({"a": 1.0})
    with pytest.raises(ValueError, match="not an answer option"):
        TemperatureCalibration().fit([{"a": 1.0}], ["b"])
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(ValueError, match="not a rung calibration"):
        TemperatureCalibration.load(tmp_path / "x.json")
