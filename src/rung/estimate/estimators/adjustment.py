"""Back-door estimators: regression adjustment (g-computation), IPW and cross-fitted AIPW.

All three adjust for a set Z that blocks every back-door path from X to Y (Pearl 2009,
Causality, thm 3.3.2): E[Y | do(X=x)] = E_Z[ E[Y | X=x, Z] ].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, LogisticRegression

from rung.data import DataError, design_matrix, indicators
from rung.estimate._identification import backdoor_set, checked, estimand_json
from rung.estimate.data import check_treatment_values
from rung.estimate.errors import EstimationError
from rung.estimate.estimators.base import EffectEstimator
from rung.estimate.estimators.intervals import normal_interval
from rung.graph import CausalGraph

__all__ = ["AIPW", "IPW", "RegressionAdjustment"]


@dataclass(kw_only=True, eq=False, repr=False)
class _BackdoorEstimator(EffectEstimator):
    """Shared planning: find (or take) the adjustment set and the estimand."""

    adjustment_set: frozenset[str] | list[str] | None = None

    def _plan(self, graph: CausalGraph, treatment: str, outcome: str) -> list[str]:
        from rung.identify.validate import check_adjustment_set

        ident = self.identification_
        if self.adjustment_set is None:
            z = backdoor_set(ident, graph, treatment, outcome)
        else:
            # a user's set is held to the criterion identification uses (refused with the
            # open path it leaves, or the forbidden node it holds)
            user = frozenset(self.adjustment_set)
            z = checked(lambda: check_adjustment_set(graph, treatment, outcome, user))
            self.details_["adjustment_set_source"] = "user (checked: generalised adjustment "\
                "criterion)"
        self.adjustment_set_ = tuple(sorted(z))
        self.details_["adjustment_set"] = list(self.adjustment_set_)
        self.estimand_ = estimand_json(ident) if ident.identifiable else None
        return [treatment, outcome, *self.adjustment_set_]

    def _check_data(self, df: pd.DataFrame) -> None:
        for c in self.adjustment_set_:
            v = df[c].to_numpy()
            if len(v) and np.all(v == v[0]):
                raise DataError(
                    f"adjustment column {c!r} is constant (every used row is {v[0]:g}), so "
                    "adjusting for it does nothing and the graph's confounding through it is "
                    "not removed; check the data or the column", column=c)

    def _arrays(self, df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(x, y, z) as arrays; z has shape (n, k), possibly (n, 0), categorical columns
        with more than two levels one-hot."""
        x = df[self.treatment_].to_numpy()
        y = df[self.outcome_].to_numpy()
        z = design_matrix(df, list(self.adjustment_set_), self.categorical_)
        return x, y, z


def _default_propensity_model() -> LogisticRegression:
    """Almost unpenalised logistic regression, the default model of P(X | Z)."""
    return LogisticRegression(C=1e6, max_iter=2000)


def _fit_predict(model: Any, z_train: np.ndarray, y_train: np.ndarray, z_test: np.ndarray
                 ) -> np.ndarray:
    """Fit a clone of ``model`` on (z_train, y_train); predict at z_test (mean if no Z)."""
    if z_train.shape[1] == 0:
        return np.full(len(z_test), float(np.mean(y_train)))
    if len(y_train) == 0:
        raise EstimationError("a treatment arm is empty in a training fold; use more data")
    fitted = clone(model).fit(z_train, y_train)
    return np.asarray(fitted.predict(z_test), dtype=float)


def _propensity(model: Any, z_train: np.ndarray, x_train: np.ndarray, z_test: np.ndarray,
                value: float, clip: float) -> np.ndarray:
    """P(X = value | Z) at z_test, clipped to [clip, 1 - clip]."""
    if z_train.shape[1] == 0:
        p = np.full(len(z_test), float(np.mean(x_train == value)))
    else:
        fitted = clone(model).fit(z_train, x_train)
        classes = list(fitted.classes_)
        if value not in classes:
            raise EstimationError(f"treatment value {value} missing in a training fold")
        p = fitted.predict_proba(z_test)[:, classes.index(value)]
    return np.asarray(np.clip(p, clip, 1 - clip), dtype=float)


@dataclass(kw_only=True, eq=False, repr=False)
class RegressionAdjustment(_BackdoorEstimator):
    """G-computation: fit E[Y | X, Z], average its predictions at X=a and X=b over the data.

    Parameters
    ----------
    adjustment_set : set of str or None
        Z; ``None`` asks :mod:`rung.identify` for the optimal back-door set.
    outcome_model : scikit-learn regressor or None
        Model of Y on [X, Z, X·Z]; default ordinary least squares.
    interactions : bool
        Add the X·Z products (lets the effect vary with Z).
    contrast, bootstrap, alpha, seed
        See :class:`~rung.estimate.estimators.base.EffectEstimator`.

    Examples
    --------
    >>> from rung.datasets import linear_backdoor
    >>> cs = linear_backdoor(n=2000, seed=0)
    >>> est = RegressionAdjustment(adjustment_set={"Z"}).fit(cs.data, cs.graph, "X", "Y")
    >>> abs(est.ate_ - cs.true_effect) < 0.1
    True
    """

    method = "regression"
    analytic_interval = "influence function (OLS sandwich)"

    outcome_model: Any = None
    interactions: bool = True

    def _treatment_part(self, x: np.ndarray) -> np.ndarray:
        """X as a column, or one indicator per level after the first for a categorical X."""
        if self.treatment_ in self.categorical_ and len(self.levels_) > 2:
            return indicators(x, self.levels_)
        return x[:, None]

    def _design(self, x: np.ndarray, z: np.ndarray) -> np.ndarray:
        xs = self._treatment_part(x)
        cols = [np.ones((len(x), 1)), xs, z]
        if self.interactions and z.shape[1]:
            cols += [xs[:, [j]] * z for j in range(xs.shape[1])]  # (n, k) products X·Z
        return np.hstack(cols)

    def _fit(self, df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                             np.ndarray, np.ndarray]:
        """(design, design at a, design at b, y, predictions at a, predictions at b)."""
        a, b = self.contrast_
        x, y, z = self._arrays(df)
        self.levels_ = np.unique(df[self.treatment_].to_numpy())
        if self.treatment_ in self.categorical_:
            check_treatment_values(self.levels_, (a, b))
        d, d_a, d_b = (self._design(v, z) for v in (x, np.full_like(x, a), np.full_like(x, b)))
        model = clone(self.outcome_model or LinearRegression(fit_intercept=False)).fit(d, y)
        pred_a = np.asarray(model.predict(d_a), dtype=float)
        pred_b = np.asarray(model.predict(d_b), dtype=float)
        return d, d_a, d_b, y, pred_a, pred_b

    def _means(self, df: pd.DataFrame) -> tuple[float, float]:
        *_, pred_a, pred_b = self._fit(df)
        return float(np.mean(pred_a)), float(np.mean(pred_b))

    def _psi(self, df: pd.DataFrame, which: int) -> tuple[float, np.ndarray]:
        """(estimate, influence-function scores) of the g-formula with the OLS outcome model
        for the contrast (``which=0``), E[Y | do(a)] (1) or E[Y | do(b)] (2):
        ψ_i = m_i - θ + gᵀ (DᵀD/n)⁻¹ D_i e_i with m_i the prediction of row i and g the mean
        of its design row (D(a, Z_i) - D(b, Z_i) for the contrast)."""
        d, d_a, d_b, y, pred_a, pred_b = self._fit(df)
        m, dm = ((pred_a - pred_b, d_a - d_b), (pred_a, d_a), (pred_b, d_b))[which]
        n = len(y)
        beta, *_ = np.linalg.lstsq(d, y, rcond=None)
        resid = y - d @ beta
        h = np.linalg.pinv(d.T @ d / n) @ dm.mean(axis=0)  # (p,)
        return float(m.mean()), m - m.mean() + (d @ h) * resid

    def _wald(self, df: pd.DataFrame, which: int) -> tuple[float, float]:
        est, psi = self._psi(df, which)
        return normal_interval(est, float(np.std(psi, ddof=1) / np.sqrt(len(psi))), self.alpha)

    def _analytic_interval(self, df: pd.DataFrame) -> tuple[float, float] | None:
        """Influence-function (sandwich) interval of the g-formula (OLS outcome model)."""
        if self.outcome_model is not None:
            return None
        return self._wald(df, 0)

    def _analytic_level_intervals(self, df: pd.DataFrame
                                  ) -> tuple[tuple[float, float] | None,
                                             tuple[float, float] | None]:
        if self.outcome_model is not None:
            return None, None
        return self._wald(df, 1), self._wald(df, 2)


@dataclass(kw_only=True, eq=False, repr=False)
class IPW(_BackdoorEstimator):
    """Inverse probability weighting (normalised, Hájek) for a discrete treatment.

    Parameters
    ----------
    adjustment_set : set of str or None
        Z; ``None`` asks :mod:`rung.identify` for the optimal back-door set.
    propensity_model : scikit-learn classifier or None
        Model of P(X | Z); default (almost unpenalised) logistic regression.
    clip : float
        Propensities are clipped to [clip, 1 - clip].
    contrast, bootstrap, alpha, seed
        See :class:`~rung.estimate.estimators.base.EffectEstimator`.
    """

    method = "ipw"

    propensity_model: Any = None
    clip: float = 1e-3

    def _means(self, df: pd.DataFrame) -> tuple[float, float]:
        a, b = self.contrast_
        x, y, z = self._arrays(df)
        check_treatment_values(x, (a, b))
        model = self.propensity_model or _default_propensity_model()
        means = []
        for v in (a, b):
            w = (x == v) / _propensity(model, z, x, z, v, self.clip)  # (n,) arm weights
            means.append(float(np.sum(w * y) / np.sum(w)))
        return means[0], means[1]


@dataclass(kw_only=True, eq=False, repr=False)
class AIPW(_BackdoorEstimator):
    """Augmented IPW (doubly robust) with K-fold cross-fitting and an influence-function CI.

    Robins, Rotnitzky & Zhao (1994); cross-fitting as in Chernozhukov et al. (2018). The
    estimate is consistent when either the outcome or the propensity model is right.

    Parameters
    ----------
    adjustment_set : set of str or None
        Z; ``None`` asks :mod:`rung.identify` for the optimal back-door set.
    outcome_model : scikit-learn regressor or None
        Per-arm model of E[Y | Z, X=x]; default least squares.
    propensity_model : scikit-learn classifier or None
        Model of P(X | Z); default logistic regression.
    n_folds : int
        Cross-fitting folds (1 disables cross-fitting).
    clip : float
        Propensities are clipped to [clip, 1 - clip].
    contrast, bootstrap, alpha, seed
        See :class:`~rung.estimate.estimators.base.EffectEstimator`; without bootstrap the
        interval is the Wald interval of the efficient influence function.
    """

    method = "aipw"
    analytic_interval = "influence function"

    outcome_model: Any = None
    propensity_model: Any = None
    n_folds: int = 2
    clip: float = 1e-3

    def _scores(self, df: pd.DataFrame) -> np.ndarray:
        """Per-row efficient influence-function scores ψ_i; their mean is the estimate."""
        psi = self._arm_scores(df)
        return np.asarray(psi[0] - psi[1])

    def _arm_scores(self, df: pd.DataFrame) -> np.ndarray:
        """(2, n) scores of E[Y | do(X=a)] and E[Y | do(X=b)]."""
        a, b = self.contrast_
        x, y, z = self._arrays(df)
        check_treatment_values(x, (a, b))
        out_model = self.outcome_model or LinearRegression()
        ps_model = self.propensity_model or _default_propensity_model()
        k = max(1, int(self.n_folds))
        folds = np.random.default_rng(self.seed).permutation(len(df)) % k
        psi = np.empty((2, len(df)))
        for f in range(k):
            test = folds == f
            train = ~test if k > 1 else test
            parts = []
            for v in (a, b):
                arm = train & (x == v)
                mu = _fit_predict(out_model, z[arm], y[arm], z[test])
                e = _propensity(ps_model, z[train], x[train], z[test], v, self.clip)
                parts.append(mu + (x[test] == v) * (y[test] - mu) / e)
            psi[0, test], psi[1, test] = parts
        return psi

    def _means(self, df: pd.DataFrame) -> tuple[float, float]:
        psi = self._arm_scores(df)
        return float(np.mean(psi[0])), float(np.mean(psi[1]))

    def _analytic_level_intervals(self, df: pd.DataFrame
                                  ) -> tuple[tuple[float, float] | None,
                                             tuple[float, float] | None]:
        psi = self._arm_scores(df)
        a, b = (normal_interval(float(np.mean(p)), float(np.std(p, ddof=1) / np.sqrt(len(p))),
                                self.alpha) for p in psi)
        return a, b

    def _analytic_interval(self, df: pd.DataFrame) -> tuple[float, float]:
        psi = self._scores(df)
        return normal_interval(float(np.mean(psi)), float(np.std(psi, ddof=1) / np.sqrt(len(psi))),
                               self.alpha)
