"""Temperature calibration of ensemble probabilities (Guo et al. 2017, "On Calibration of
Modern Neural Networks"), fitted on a labelled set, stored as JSON and reused.

A calibrated distribution is ``p_i^(1/T) / sum_j p_j^(1/T)``: ``T > 1`` softens an
over-confident model, ``T < 1`` sharpens an under-confident one; the argmax never changes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from scipy.optimize import minimize_scalar

__all__ = ["TEMPERATURE_RANGE", "TemperatureCalibration", "check_temperature",
           "content_free_correction"]

_FLOOR = 1e-12
#: The temperatures a fit searches; a loaded or given temperature need only be finite and > 0.
TEMPERATURE_RANGE = (0.05, 20.0)


def check_temperature(value: object, source: str = "calibration") -> float:
    """``value`` as a valid temperature (a finite number > 0), or a ValueError naming it.

    A temperature <= 0 would invert or break the probabilities while the answer stayed the
    same, so it is refused rather than applied.

    Examples
    --------
    >>> check_temperature(1.5)
    1.5
    >>> check_temperature(-2.0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: calibration temperature -2.0 is invalid: use a finite number > 0 (T > 1 ...
    """
    try:
        t = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        t = math.nan
    if isinstance(value, bool) or not math.isfinite(t) or t <= 0.0:
        lo, hi = TEMPERATURE_RANGE
        raise ValueError(
            f"{source} temperature {value!r} is invalid: use a finite number > 0 "
            f"(T > 1 softens, T < 1 sharpens; fits search {lo:g}-{hi:g})"
        )
    return t


class TemperatureCalibration:
    """Fit one temperature by minimising the negative log-likelihood of the true labels.

    Parameters
    ----------
    bounds : (float, float)
        Search range for the temperature.

    Examples
    --------
    >>> probs = [{"Yes": 0.99, "No": 0.01}, {"Yes": 0.99, "No": 0.01},
    ...          {"Yes": 0.99, "No": 0.01}, {"Yes": 0.01, "No": 0.99}]
    >>> cal = TemperatureCalibration().fit(probs, ["Yes", "Yes", "No", "No"])
    >>> cal.temperature_ > 1.0  # over-confident: soften
    True
    """

    def __init__(self, bounds: tuple[float, float] = TEMPERATURE_RANGE) -> None:
        lo, hi = (check_temperature(b, "bounds") for b in bounds)
        if lo >= hi:
            raise ValueError(f"bounds={bounds}: give (low, high) with 0 < low < high")
        self.bounds = (lo, hi)

    @classmethod
    def with_temperature(cls, temperature: float) -> TemperatureCalibration:
        """A calibration with a given temperature (checked: finite and > 0)."""
        cal = cls()
        cal.temperature_ = check_temperature(temperature)
        cal.n_samples_ = 0
        cal.nll_before_ = cal.nll_after_ = math.nan
        return cal

    def fit(
        self, probabilities: Sequence[Mapping[str, float]], truth: Sequence[str]
    ) -> TemperatureCalibration:
        """Fit ``temperature_`` on aggregated probabilities and their true labels."""
        if len(probabilities) != len(truth) or not truth:
            raise ValueError(
                f"calibration needs as many labels as results (got {len(truth)} labels for "
                f"{len(probabilities)} results, at least one)"
            )
        for p, t in zip(probabilities, truth, strict=True):
            if t not in p:
                raise ValueError(f"true label {t!r} is not an answer option {sorted(p)}")
            bad = {k: v for k, v in p.items() if not (math.isfinite(v) and 0.0 <= v <= 1.0)}
            if bad:
                raise ValueError(f"probabilities {bad} are not in [0, 1]; fit on finite "
                                 "probabilities")
        lo, hi = self.bounds

        def nll(log_t: float) -> float:
            t = math.exp(log_t)
            return -sum(
                math.log(max(_scale(p, t)[y], _FLOOR))
                for p, y in zip(probabilities, truth, strict=True)
            )

        res = minimize_scalar(nll, bounds=(math.log(lo), math.log(hi)), method="bounded")
        self.temperature_ = float(math.exp(res.x))
        self.n_samples_ = len(truth)
        self.nll_before_ = nll(0.0) / len(truth)
        self.nll_after_ = float(res.fun) / len(truth)
        return self

    def transform(self, probabilities: Mapping[str, float]) -> dict[str, float]:
        """Apply the fitted temperature to one distribution."""
        if not hasattr(self, "temperature_"):
            raise ValueError("this calibration is not fitted; call fit(...) or load(path) first")
        return _scale(probabilities, self.temperature_)

    def save(self, path: str | Path) -> None:
        """Write the fitted temperature (and fit statistics) as JSON."""
        Path(path).write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")

    def to_json(self) -> dict[str, float | int | None]:
        """The fitted temperature and fit statistics (no NaN: unknown values are null)."""
        if not hasattr(self, "temperature_"):
            raise ValueError("this calibration is not fitted; call fit(...) before saving it")

        def finite(v: float) -> float | None:
            return v if math.isfinite(v) else None

        return {
            "temperature": self.temperature_,
            "n_samples": self.n_samples_,
            "nll_before": finite(self.nll_before_),
            "nll_after": finite(self.nll_after_),
        }

    @classmethod
    def from_json(cls, data: object, source: str = "calibration") -> TemperatureCalibration:
        """Read :meth:`to_json` output; the temperature must be finite and > 0."""
        if not isinstance(data, dict) or "temperature" not in data:
            raise ValueError(f"{source} is not a rung calibration (no 'temperature' key); "
                             "give a file saved by TemperatureCalibration")
        cal = cls.with_temperature(check_temperature(data["temperature"], source))
        cal.n_samples_ = int(data.get("n_samples") or 0)
        cal.nll_before_, cal.nll_after_ = (
            math.nan if data.get(k) is None else float(data[k]) for k in ("nll_before", "nll_after")
        )
        return cal

    @classmethod
    def load(cls, path: str | Path) -> TemperatureCalibration:
        """Read a calibration written by :meth:`save`."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls.from_json(data, f"calibration file {str(path)!r}")


def _scale(p: Mapping[str, float], t: float) -> dict[str, float]:
    t = check_temperature(t)
    logs = {k: math.log(max(v, _FLOOR)) / t for k, v in p.items()}
    top = max(logs.values())
    w = {k: math.exp(v - top) for k, v in logs.items()}
    s = sum(w.values())
    return {k: v / s for k, v in w.items()}


def content_free_correction(p_yes: float, p_base: float) -> float:
    """Contextual calibration of a yes/no probability (Zhao, Wallace, Feng, Klein & Singh
    2021, "Calibrate Before Use"): divide out the model's P(yes) on a content-free prompt.

    ``p_base`` is P(yes) for the same prompt with the content replaced by "N/A"; the
    corrected probability is ``(p/b) / (p/b + (1-p)/(1-b))``, so a model that says "No" to
    everything has its answers measured against its own habit.

    Examples
    --------
    >>> round(content_free_correction(0.3, 0.1), 3)
    0.794
    >>> content_free_correction(0.3, 0.3)
    0.5
    """
    b = min(max(p_base, _FLOOR), 1 - _FLOOR)
    yes, no = p_yes / b, (1 - p_yes) / (1 - b)
    return yes / (yes + no)
