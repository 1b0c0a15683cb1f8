"""The result of an effect estimate: :class:`EffectEstimate` (what the CLI prints)."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["EffectEstimate"]


@dataclass(frozen=True)
class EffectEstimate:
    """An estimated average causal effect E[Y | do(X=a)] - E[Y | do(X=b)].

    Attributes
    ----------
    method : str
        The estimator's name (``"regression"``, ``"generative"``, ...).
    ate : float
        The point estimate of the contrast.
    ci : tuple of float or None
        The (1 - alpha) confidence interval (``None`` only when asked for none).
    n : int
        Rows of data used.
    treatment, outcome : str
        The variables.
    contrast : tuple of float
        ``(a, b)``.
    estimand : dict or None
        The identified estimand as JSON (the ``rung identify`` contract), when known.
    identified : bool
        False only for a labelled simulation of a non-identified effect.
    details : dict
        Estimator-specific extras (adjustment set, mediators, instruments, ...).
    interval : str
        How ``ci`` was computed (influence function, bootstrap with its count, ...).
    alpha : float
        One minus the interval's coverage.
    means : (float, float) or None
        The levels (E[Y | do(X=a)], E[Y | do(X=b)]) whose difference is ``ate`` (None where
        the estimator has only the contrast, e.g. 2SLS).
    means_ci : (interval or None, interval or None) or None
        Their intervals: analytic where the contrast's is, else the bootstrap percentiles.
    identification : Identification or None
        The :class:`~rung.identify.Identification` the estimate rests on.
    data : rung.data.Prepared or None
        What was done to the data: encoding of text columns, rows dropped (complete-case).

    Examples
    --------
    >>> e = EffectEstimate("regression", 2.0, (1.5, 2.5), 100, "X", "Y", (1.0, 0.0))
    >>> e.to_json()["ci"]
    [1.5, 2.5]
    >>> e.to_frame()[["method", "ate", "ci_low", "ci_high"]].values.tolist()
    [['regression', 2.0, 1.5, 2.5]]
    >>> e = EffectEstimate("plugin", 0.5, (0.2, 0.8), 100, "X", "Y", (1.0, 0.0), means=(1.5, 1.0))
    >>> e.to_json()["mean_a"], e.to_json()["mean_b_ci"], EffectEstimate.from_json(e.to_json()) == e
    (1.5, None, True)
    """

    method: str
    ate: float
    ci: tuple[float, float] | None
    n: int
    treatment: str
    outcome: str
    contrast: tuple[float, float]
    estimand: dict[str, Any] | None = None
    identified: bool = True
    details: dict[str, Any] = field(default_factory=dict)
    interval: str = ""
    alpha: float = 0.05
    means: tuple[float, float] | None = None
    means_ci: tuple[tuple[float, float] | None, tuple[float, float] | None] | None = None
    identification: Any = field(default=None, compare=False, repr=False)
    data: Any = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The CLI JSON contract: ``method``, ``ate``, ``ci``, ``n``, ``estimand`` and more
        (``interval``, ``alpha``, ``dropped_rows``, ``encoding``, ... added)."""
        out: dict[str, Any] = {
            "method": self.method,
            "ate": float(self.ate),
            "ci": None if self.ci is None else [float(self.ci[0]), float(self.ci[1])],
            "n": int(self.n),
            "estimand": self.estimand,
            "treatment": self.treatment,
            "outcome": self.outcome,
            "contrast": [float(self.contrast[0]), float(self.contrast[1])],
            "identified": self.identified,
            "interval": self.interval,
            "alpha": self.alpha,
            **self._levels_json(),
        }
        if self.data is not None:
            out.update(self.data.to_json())
        if not self.identified:
            out["label"] = "simulation of a NON-identified effect: not an estimate"
        out.update({k: _jsonable(v) for k, v in self.details.items()})
        return out

    def _levels_json(self) -> dict[str, Any]:
        """``mean_a``, ``mean_b`` (E[Y | do(X=a)], E[Y | do(X=b)]) and their intervals
        ``mean_a_ci``, ``mean_b_ci`` (null where unknown)."""
        means: tuple[float | None, float | None] = self.means or (None, None)
        cis = self.means_ci or (None, None)
        out: dict[str, Any] = {}
        for key, m, ci in (("mean_a", means[0], cis[0]), ("mean_b", means[1], cis[1])):
            out[key] = None if m is None else float(m)
            out[key + "_ci"] = None if ci is None else [float(ci[0]), float(ci[1])]
        return out

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> EffectEstimate:
        """Rebuild from :meth:`to_json` (the identification and data report stay as JSON in
        ``details``).

        Examples
        --------
        >>> e = EffectEstimate("iv", 1.0, (0.5, 1.5), 10, "X", "Y", (1.0, 0.0))
        >>> EffectEstimate.from_json(e.to_json()) == e
        True
        """
        core = {"method", "ate", "ci", "n", "treatment", "outcome", "contrast", "estimand",
                "identified", "interval", "alpha", "label", "mean_a", "mean_b", "mean_a_ci",
                "mean_b_ci"}
        ci = obj.get("ci")
        means = None if obj.get("mean_a") is None or obj.get("mean_b") is None else (
            float(obj["mean_a"]), float(obj["mean_b"]))
        level_ci = [None if obj.get(k) is None else (float(obj[k][0]), float(obj[k][1]))
                    for k in ("mean_a_ci", "mean_b_ci")]
        return cls(
            method=str(obj["method"]), ate=float(obj["ate"]),
            ci=None if ci is None else (float(ci[0]), float(ci[1])), n=int(obj["n"]),
            treatment=str(obj["treatment"]), outcome=str(obj["outcome"]),
            contrast=(float(obj["contrast"][0]), float(obj["contrast"][1])),
            estimand=obj.get("estimand"), identified=bool(obj.get("identified", True)),
            details={k: v for k, v in obj.items() if k not in core},
            interval=str(obj.get("interval", "")), alpha=float(obj.get("alpha", 0.05)),
            means=means,
            means_ci=None if level_ci == [None, None] else (level_ci[0], level_ci[1]),
        )

    def summary(self) -> list[str]:
        """The lines the CLI prints: the effect with its interval, the method and its set or
        estimand, and what was done to the data."""
        a, b = self.contrast
        x, y = self.treatment, self.outcome
        cov = f"{100 * (1 - self.alpha):g}%"
        ci = ("  (no interval)" if self.ci is None else
              f"  {cov} CI [{self.ci[0]:.4g}, {self.ci[1]:.4g}]")
        lines = [f"{self.method}: E[{y}|do({x}={a:g})] - E[{y}|do({x}={b:g})] = "
                 f"{self.ate:.4g}{ci}  (n={self.n})"]
        if self.means is not None:
            cis = self.means_ci or (None, None)
            levels = [f"E[{y}|do({x}={v:g})] = {m:.4g}" + (
                "" if c is None else f" [{c[0]:.4g}, {c[1]:.4g}]")
                for v, m, c in zip(self.contrast, self.means, cis, strict=True)]
            lines.append("  levels: " + "; ".join(levels))
        lines.append(f"  method: {self.method}; {self._how()}")
        if self.interval:
            lines.append(f"  interval: {self.interval}")
        if self.data is not None:
            lines += [f"  data: {d}" for d in self.data.describe()]
        if not self.identified:
            lines.append("  NOT IDENTIFIED: a labelled simulation, not an estimate")
        return lines

    def _how(self) -> str:
        d = self.details
        parts = []
        for key, label in (("adjustment_set", "adjustment set"), ("mediators", "mediators"),
                           ("instruments", "instruments")):
            if key in d:
                parts.append(f"{label} {{{', '.join(map(str, d[key]))}}}")
        text = (self.estimand or {}).get("estimand") or {}
        if isinstance(text, dict) and text.get("text"):
            parts.append(f"estimand {text['text']}")
        return "; ".join(parts) or "no estimand (see identification)"

    def to_frame(self) -> pd.DataFrame:
        """A one-row DataFrame: method, ate, ci_low, ci_high, n, treatment, outcome, a, b,
        identified, interval, dropped_rows, mean_a, mean_b."""
        lo, hi = self.ci if self.ci is not None else (float("nan"), float("nan"))
        return pd.DataFrame([{
            "method": self.method, "ate": float(self.ate), "ci_low": lo, "ci_high": hi,
            "n": int(self.n), "treatment": self.treatment, "outcome": self.outcome,
            "a": self.contrast[0], "b": self.contrast[1], "identified": self.identified,
            "interval": self.interval,
            "dropped_rows": 0 if self.data is None else int(self.data.dropped_rows),
            "mean_a": float("nan") if self.means is None else self.means[0],
            "mean_b": float("nan") if self.means is None else self.means[1],
        }])

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{html.escape(line.strip())}</td></tr>"
                       for line in self.summary())
        return f"<table class='rung-estimate'>{rows}</table>"


def _jsonable(v: Any) -> Any:
    if isinstance(v, frozenset | set):
        return sorted(v)
    if isinstance(v, tuple):
        return list(v)
    return v
