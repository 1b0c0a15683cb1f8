"""The result of an effect estimate: :class:`EffectEstimate` (what the CLI prints)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
        The (1 - alpha) confidence interval, or ``None`` when none was computed.
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

    Examples
    --------
    >>> e = EffectEstimate("regression", 2.0, (1.5, 2.5), 100, "X", "Y", (1.0, 0.0))
    >>> e.to_json()["ci"]
    [1.5, 2.5]
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

    def to_json(self) -> dict[str, Any]:
        """The CLI JSON contract: ``method``, ``ate``, ``ci``, ``n``, ``estimand`` and more."""
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
        }
        if not self.identified:
            out["label"] = "simulation of a NON-identified effect: not an estimate"
        out.update({k: _jsonable(v) for k, v in self.details.items()})
        return out


def _jsonable(v: Any) -> Any:
    if isinstance(v, frozenset | set):
        return sorted(v)
    if isinstance(v, tuple):
        return list(v)
    return v
