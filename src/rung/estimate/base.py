"""The scikit-learn-style base of every effect estimator.

Configure in ``__init__``, validate and learn in :meth:`EffectEstimator.fit`, read learned
state from ``name_`` attributes (``ate_``, ``ci_``, ``n_``, ``estimand_``).
"""

from __future__ import annotations

import inspect
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from rung.estimate.data import check_data
from rung.estimate.errors import EstimationError
from rung.estimate.intervals import bootstrap_estimates, percentile_interval
from rung.estimate.result import EffectEstimate
from rung.graph import CausalGraph

__all__ = ["EffectEstimator", "check_contrast"]


def check_contrast(contrast: Any) -> tuple[float, float]:
    """Validate ``contrast`` as two numbers ``(a, b)``.

    Examples
    --------
    >>> check_contrast((1, 0))
    (1.0, 0.0)
    """
    try:
        a, b = contrast
        return float(a), float(b)
    except (TypeError, ValueError):
        raise EstimationError(
            f"contrast={contrast!r} must be two numbers (a, b) for E[Y|do(X=a)] - E[Y|do(X=b)]"
        ) from None


class EffectEstimator:
    """Base class: estimate E[Y | do(X=a)] - E[Y | do(X=b)] from data and a causal graph.

    Subclasses define ``method``, :meth:`_plan` (graph work, done once; returns the columns
    needed) and :meth:`_estimate` (data work, re-run on every bootstrap resample).

    Parameters
    ----------
    contrast : (float, float)
        The treatment values ``(a, b)``.
    bootstrap : int
        Number of bootstrap resamples for the percentile interval (0: analytic interval where
        the estimator has one, else none).
    alpha : float
        One minus the interval's coverage.
    seed : int or None
        Seed of every random step (bootstrap, cross-fitting, simulation).
    """

    method: ClassVar[str] = ""

    def __init__(
        self,
        *,
        contrast: tuple[float, float] = (1.0, 0.0),
        bootstrap: int = 0,
        alpha: float = 0.05,
        seed: int | None = None,
    ) -> None:
        self.contrast = contrast
        self.bootstrap = bootstrap
        self.alpha = alpha
        self.seed = seed

    # ------------------------------------------------------------------ params
    def get_params(self) -> dict[str, Any]:
        """The ``__init__`` parameters and their current values."""
        sig = inspect.signature(type(self).__init__)
        return {p: getattr(self, p) for p in sig.parameters if p != "self"}

    def clone(self, **overrides: Any) -> Self:
        """A fresh, unfitted estimator with the same parameters (``overrides`` replace some)."""
        params = self.get_params()
        params.update(overrides)
        return type(self)(**params)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    # ------------------------------------------------------------------ fitting
    def fit(self, data: pd.DataFrame, graph: CausalGraph, treatment: str, outcome: str) -> Self:
        """Estimate the effect of ``treatment`` on ``outcome`` from ``data`` under ``graph``."""
        a, b = check_contrast(self.contrast)
        if not 0 < self.alpha < 1:
            raise EstimationError(f"alpha={self.alpha} must lie strictly between 0 and 1")
        if int(self.bootstrap) < 0:
            raise EstimationError(f"bootstrap={self.bootstrap} must be 0 or a positive count")
        if treatment == outcome:
            raise EstimationError(f"treatment and outcome are both {treatment!r}; pick two nodes")
        graph.check_nodes({treatment, outcome})
        self.treatment_, self.outcome_, self.contrast_ = treatment, outcome, (a, b)
        self.graph_ = graph
        self.estimand_: dict[str, Any] | None = None
        self.details_: dict[str, Any] = {}
        self.identified_ = True
        columns = self._plan(graph, treatment, outcome)
        df = check_data(data, columns)
        self.n_ = len(df)
        self.ate_ = float(self._estimate(df))
        self.ci_ = self._interval(df)
        return self

    def _interval(self, df: pd.DataFrame) -> tuple[float, float] | None:
        if int(self.bootstrap) > 0:
            boot = bootstrap_estimates(self._estimate, df, int(self.bootstrap), self.seed)
            self.bootstrap_estimates_: np.ndarray = boot
            return percentile_interval(boot, self.alpha)
        return self._analytic_interval(df)

    def _analytic_interval(self, df: pd.DataFrame) -> tuple[float, float] | None:
        return None

    def _plan(self, graph: CausalGraph, treatment: str, outcome: str) -> list[str]:
        raise NotImplementedError

    def _estimate(self, df: pd.DataFrame) -> float:
        raise NotImplementedError

    # ------------------------------------------------------------------ results
    def result(self) -> EffectEstimate:
        """The fitted estimate as an :class:`EffectEstimate`."""
        if not hasattr(self, "ate_"):
            raise EstimationError(f"{type(self).__name__} is not fitted; call fit() first")
        return EffectEstimate(
            method=self.method,
            ate=self.ate_,
            ci=self.ci_,
            n=self.n_,
            treatment=self.treatment_,
            outcome=self.outcome_,
            contrast=self.contrast_,
            estimand=self.estimand_,
            identified=self.identified_,
            details=dict(self.details_),
        )
