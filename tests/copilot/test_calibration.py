"""Temperature calibration against its closed-form optimum."""

from __future__ import annotations

import json
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


@pytest.mark.parametrize("bad", [-2.0, 0.0, math.nan, math.inf, "warm", True, None])
def test_invalid_temperatures_are_refused_naming_value_and_range(tmp_path, bad):
    path = tmp_path / "cal.json"
    path.write_text(json.dumps({"temperature": bad}))  # NaN and Infinity as JSON allows
    with pytest.raises(ValueError) as err:
        TemperatureCalibration.load(path)
    assert repr(bad) in str(err.value) and "finite number > 0" in str(err.value)
    assert "0.05-20" in str(err.value)
    with pytest.raises(ValueError, match="finite number > 0"):
        TemperatureCalibration.with_temperature(bad)  # type: ignore[arg-type]


def test_a_tampered_temperature_is_refused_at_use():
    cal = TemperatureCalibration.with_temperature(2.0)
    assert cal.transform({"a": 0.8, "b": 0.2})["a"] == pytest.approx(2 / 3)  # sqrt(4) : 1
    cal.temperature_ = -2.0  # would invert the probabilities, the answer kept
    with pytest.raises(ValueError, match=r"-2\.0"):
        cal.transform({"a": 0.8, "b": 0.2})


def test_json_never_holds_nan(tmp_path):
    cal = TemperatureCalibration.with_temperature(1.5)
    cal.save(tmp_path / "c.json")
    text = (tmp_path / "c.json").read_text()
    assert "NaN" not in text and json.loads(text)["nll_before"] is None
    assert TemperatureCalibration.load(tmp_path / "c.json").temperature_ == 1.5
    with pytest.raises(ValueError, match="bounds"):
        TemperatureCalibration(bounds=(0.0, 5.0))
