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

__all__ = ["TemperatureCalibration", "content_free_correction"]

_FLOOR = 1e-12


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

    def __init__(self, bounds: tuple[float, float] = (0.05, 20.0)) -> None:
        self.bounds = bounds

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
        if not hasattr(self, "temperature_"):
            raise ValueError("this calibration is not fitted; call fit(...) before save(path)")
        data = {
            "temperature": self.temperature_,
            "n_samples": self.n_samples_,
            "nll_before": self.nll_before_,
            "nll_after": self.nll_after_,
        }
        Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> TemperatureCalibration:
        """Read a calibration written by :meth:`save`."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if "temperature" not in data:
            raise ValueError(f"{path} is not a rung calibration file (no 'temperature' key)")
        cal = cls()
        cal.temperature_ = float(data["temperature"])
        cal.n_samples_ = int(data.get("n_samples", 0))
        cal.nll_before_ = float(data.get("nll_before", math.nan))
        cal.nll_after_ = float(data.get("nll_after", math.nan))
        return cal


def _scale(p: Mapping[str, float], t: float) -> dict[str, float]:
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
