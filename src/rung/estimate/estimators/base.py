"""The scikit-learn-style base of every effect estimator.

Configure by keyword (each estimator's parameters are the fields of a keyword-only
dataclass, so that the shared ``contrast``, ``bootstrap``, ``alpha`` and ``seed`` are declared
once, here), validate and learn in :meth:`EffectEstimator.fit`, read learned state from
``name_`` attributes (``ate_``, ``ci_``, ``n_``, ``estimand_``,
``identification_``, ``data_``).

Every fit identifies the effect once (or takes the :class:`~rung.identify.Identification`
it is given), prepares the data once with :func:`rung.data.prepare` (text categories
encoded, incomplete rows dropped and counted) and always computes an interval: the
estimator's analytic one (influence function, 2SLS standard error) where it has one, else a
percentile bootstrap of :attr:`EffectEstimator.default_bootstrap` resamples
(:data:`DEFAULT_BOOTSTRAP`; 20 for the generative model, which refits per resample).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from rung.data import MissingPolicy, Prepared, Table, check_contrast_support, prepare
from rung.estimate.errors import EstimationError
from rung.estimate.estimators.intervals import bootstrap_estimates, percentile_interval
from rung.estimate.result import EffectEstimate
from rung.graph import CausalGraph

__all__ = ["DEFAULT_BOOTSTRAP", "EffectEstimator", "check_contrast"]

#: bootstrap resamples when an estimator has no analytic interval and none were asked for
DEFAULT_BOOTSTRAP = 100

#: the parameters every estimator shares (listed after its own in ``repr`` and ``get_params``)
_SHARED_PARAMS = ("contrast", "bootstrap", "alpha", "seed")


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


@dataclass(kw_only=True, eq=False, repr=False)
class EffectEstimator:
    """Base class: estimate E[Y | do(X=a)] - E[Y | do(X=b)] from data and a causal graph.

    Subclasses define ``method``, :meth:`_plan` (graph work, done once; returns the columns
    needed) and the data work, re-run on every bootstrap resample: :meth:`_means` (the levels
    E[Y | do(X=a)], E[Y | do(X=b)]; the contrast is their difference) where the estimator
    has levels, else :meth:`_estimate` (the contrast only). A subclass declares its own
    parameters as fields under ``@dataclass(kw_only=True, eq=False, repr=False)``.

    Parameters
    ----------
    contrast : (float, float)
        The treatment values ``(a, b)``; both must lie in the data's support.
    bootstrap : int or None
        Bootstrap resamples for a percentile interval. ``None`` (default): the analytic
        interval where the estimator has one, else :attr:`default_bootstrap` resamples.
        ``0``: the analytic interval or none (refuters use this).
    alpha : float
        One minus the interval's coverage.
    seed : int or None
        Seed of every random step (bootstrap, cross-fitting, simulation).
    """

    method: ClassVar[str] = ""
    #: resamples of the default interval when there is no analytic one
    default_bootstrap: ClassVar[int] = DEFAULT_BOOTSTRAP
    #: what the analytic interval is (empty: the estimator has none)
    analytic_interval: ClassVar[str] = ""

    contrast: tuple[float, float] = (1.0, 0.0)
    bootstrap: int | None = None
    alpha: float = 0.05
    seed: int | None = None

    # ------------------------------------------------------------------ params
    def get_params(self) -> dict[str, Any]:
        """The ``__init__`` parameters and their current values (the shared ones last)."""
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        names.sort(key=lambda p: p in _SHARED_PARAMS)  # stable: own parameters first
        return {p: getattr(self, p) for p in names}

    def clone(self, **overrides: Any) -> Self:
        """A fresh, unfitted estimator with the same parameters (``overrides`` replace some)."""
        params = self.get_params()
        params.update(overrides)
        return type(self)(**params)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    # ------------------------------------------------------------------ fitting
    def _check_params(self) -> tuple[float, float]:
        a, b = check_contrast(self.contrast)
        if not 0 < self.alpha < 1:
            raise EstimationError(f"alpha={self.alpha} must lie strictly between 0 and 1")
        if self.bootstrap is not None and int(self.bootstrap) < 0:
            raise EstimationError(f"bootstrap={self.bootstrap} must be 0 or a positive count")
        return a, b

    def fit(
        self,
        data: pd.DataFrame | Table,
        graph: CausalGraph,
        treatment: str,
        outcome: str,
        *,
        identification: Any = None,
        categorical: Iterable[str] = (),
        missing: MissingPolicy = "drop",
    ) -> Self:
        """Estimate the effect of ``treatment`` on ``outcome`` from ``data`` under ``graph``.

        ``identification`` (the :class:`~rung.identify.Identification` of this query) is
        used as given; without it the query is identified here, once. ``categorical``
        declares integer-coded category columns; ``missing`` is the missing-value policy
        of :func:`rung.data.prepare` (complete-case by default; the count is reported).
        """
        a, b = self._check_params()
        if treatment == outcome:
            raise EstimationError(f"treatment and outcome are both {treatment!r}; pick two nodes")
        graph.check_nodes({treatment, outcome})
        self.treatment_, self.outcome_, self.contrast_ = treatment, outcome, (a, b)
        self.graph_ = graph
        self.identification_ = _identification(identification, graph, treatment, outcome)
        self.estimand_: dict[str, Any] | None = None
        self.details_: dict[str, Any] = {}
        self.identified_ = True
        columns = self._plan(graph, treatment, outcome)
        self.data_: Prepared = prepare(data, columns, categorical=categorical, missing=missing)
        self.categorical_ = self.data_.categorical
        df = self.data_.frame
        check_contrast_support(df[treatment].to_numpy(), (a, b), treatment,
                               categorical=treatment in self.categorical_)
        self._check_data(df)
        self.n_ = len(df)
        self._boot_means: list[tuple[float, float]] = []
        means = self._means(df)
        self.means_: tuple[float, float] | None = (
            None if means is None else (float(means[0]), float(means[1])))
        self.ate_ = float(self._estimate(df) if means is None else means[0] - means[1])
        self.ci_ = self._interval(df)
        self.means_ci_ = self._level_intervals(df)
        return self

    def _statistic(self, df: pd.DataFrame) -> float:
        """The contrast on a resample; the levels are kept for their percentile intervals."""
        means = self._means(df)
        if means is None:
            return float(self._estimate(df))
        self._boot_means.append((float(means[0]), float(means[1])))
        return float(means[0] - means[1])

    def _level_intervals(self, df: pd.DataFrame) -> tuple[tuple[float, float] | None,
                                                          tuple[float, float] | None] | None:
        """Intervals of E[Y | do(X=a)] and E[Y | do(X=b)]: analytic where the contrast's
        is, else the percentile intervals of the bootstrap's levels (None: no levels)."""
        if self.means_ is None:
            return None
        if self.interval_ == self.analytic_interval and self.analytic_interval:
            return self._analytic_level_intervals(df)
        if len(self._boot_means) >= 2:
            arr = np.asarray(self._boot_means)
            return (percentile_interval(arr[:, 0], self.alpha),
                    percentile_interval(arr[:, 1], self.alpha))
        return None, None

    def _means(self, df: pd.DataFrame) -> tuple[float, float] | None:
        """(E[Y | do(X=a)], E[Y | do(X=b)]) where the estimator has levels, else None
        (then :meth:`_estimate` gives the contrast)."""
        return None

    def _analytic_level_intervals(self, df: pd.DataFrame
                                  ) -> tuple[tuple[float, float] | None,
                                             tuple[float, float] | None]:
        return None, None

    def _interval(self, df: pd.DataFrame) -> tuple[float, float] | None:
        n_boot = self.bootstrap
        if n_boot is None:
            analytic = self._analytic_interval(df)
            if analytic is not None:
                self.interval_ = self.analytic_interval
                return analytic
            n_boot = self.default_bootstrap
        if int(n_boot) > 0:
            boot = bootstrap_estimates(self._statistic, df, int(n_boot), self.seed)
            self.bootstrap_estimates_: np.ndarray = boot
            self.interval_ = f"percentile bootstrap ({len(boot)} of {int(n_boot)} resamples)"
            return percentile_interval(boot, self.alpha)
        ci = self._analytic_interval(df)
        self.interval_ = self.analytic_interval if ci is not None else "none"
        return ci

    def _analytic_interval(self, df: pd.DataFrame) -> tuple[float, float] | None:
        return None

    def _plan(self, graph: CausalGraph, treatment: str, outcome: str) -> list[str]:
        raise NotImplementedError

    def _check_data(self, df: pd.DataFrame) -> None:
        """Checks of the prepared columns (a constant adjustment column, ...)."""

    def _estimate(self, df: pd.DataFrame) -> float:
        means = self._means(df)
        if means is None:
            raise NotImplementedError
        return float(means[0] - means[1])

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
            means=self.means_,
            means_ci=self.means_ci_,
            estimand=self.estimand_,
            identified=self.identified_,
            details=dict(self.details_),
            interval=self.interval_,
            alpha=self.alpha,
            identification=self.identification_,
            data=self.data_,
        )


def _identification(given: Any, graph: CausalGraph, treatment: str, outcome: str) -> Any:
    """``given`` if it answers P(outcome | do(treatment)), else the query identified now."""
    from rung.identify import identify

    if given is None:
        return identify(graph, treatment, outcome)
    if given.treatment != {treatment} or given.outcome != {outcome} or given.given:
        raise EstimationError(
            f"the identification answers P({sorted(given.outcome)} | do({sorted(given.treatment)})"
            f"{', ' + str(sorted(given.given)) if given.given else ''}), not "
            f"P({outcome} | do({treatment})); pass the identification of this query")
    return given
