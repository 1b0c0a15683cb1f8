"""Two-stage least squares for instrumental variables (linear, constant effect).

An instrument Z (given W) affects X, is independent of the X–Y confounders and affects Y
only through X; then β = Cov(Z, Y | W) / Cov(Z, X | W) in a linear model (Wright 1928;
Angrist, Imbens & Rubin 1996).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rung.data import design_matrix
from rung.estimate._identification import checked, estimand_json, iv_advice
from rung.estimate.errors import EstimationError
from rung.estimate.estimators.base import EffectEstimator
from rung.estimate.estimators.intervals import normal_interval
from rung.graph import CausalGraph, is_m_separated

__all__ = ["TwoStageLeastSquares", "find_instrument"]


def find_instrument(graph: CausalGraph, treatment: str, outcome: str,
                    identification: Any = None) -> tuple[frozenset[str], frozenset[str]]:
    """An unconditional instrument Z for (treatment, outcome), found graphically.

    Z qualifies when it is not a descendant of X, is m-connected to X, and is m-separated
    from Y once the edges out of X are removed (Pearl 2009, §7.4.5). Returns
    ``(instruments, conditioning set)``; the conditioning set is empty. With no instrument
    the error is :class:`~rung.estimate.errors.NotIdentifiedError` when ``identification``
    says the effect is not identifiable (nothing can answer), else an
    :class:`EstimationError` naming the methods that estimate it.

    Examples
    --------
    >>> g = CausalGraph.from_edges("Z -> X -> Y; X <-> Y")
    >>> find_instrument(g, "X", "Y")
    (frozenset({'Z'}), frozenset())
    """
    g = graph.projected()
    cut = g.remove_outgoing(treatment)
    below = g.descendants(treatment)
    found = sorted(
        z for z in g.nodes
        if z not in below and z != outcome
        and not is_m_separated(g, z, treatment) and is_m_separated(cut, z, outcome)
    )
    if not found:
        from rung.estimate.errors import NotIdentifiedError
        from rung.estimate.methods import advice

        if identification is not None and not identification.identifiable:
            raise NotIdentifiedError(
                treatment, outcome, f"{identification.reason}, and no instrument exists",
                identification.hedge, advice=iv_advice(graph, treatment, outcome))
        how = advice(identification) if identification is not None else "use another method"
        raise EstimationError(
            f"no instrument for {treatment} -> {outcome} exists in this graph; {how}"
        )
    return frozenset(found[:1]), frozenset()


@dataclass(kw_only=True, eq=False, repr=False)
class TwoStageLeastSquares(EffectEstimator):
    """2SLS: regress X on [Z, W], then Y on [X̂, W]; the effect is (a - b) · β_X.

    Parameters
    ----------
    instruments : set of str or None
        Z; ``None`` asks :mod:`rung.identify` for an instrument.
    covariates : set of str or None
        W, the conditioning set of a conditional instrument (used only with ``instruments``).
    contrast, bootstrap, alpha, seed
        See :class:`~rung.estimate.estimators.base.EffectEstimator`; without bootstrap the
        interval uses
        the homoskedastic 2SLS standard error.

    Examples
    --------
    >>> from rung.datasets import linear_iv
    >>> cs = linear_iv(n=2000)
    >>> est = TwoStageLeastSquares(instruments={"Z"}).fit(cs.data, cs.graph, "X", "Y")
    >>> abs(est.ate_ - 2.0) < 0.2
    True
    """

    method = "iv"
    analytic_interval = "2SLS standard error (homoskedastic)"

    instruments: frozenset[str] | list[str] | None = None
    covariates: frozenset[str] | list[str] | None = None

    def _plan(self, graph: CausalGraph, treatment: str, outcome: str) -> list[str]:
        from rung.identify.validate import check_instruments

        if self.instruments is None:
            z, w = find_instrument(graph, treatment, outcome, self.identification_)
        else:
            user_z = frozenset(self.instruments)
            user_w = frozenset(self.covariates or ())
            z, w = checked(lambda: check_instruments(graph, treatment, outcome, user_z, user_w))
            self.details_["instruments_source"] = "user (checked: conditional IV criterion)"
        self.instruments_, self.covariates_ = tuple(sorted(z)), tuple(sorted(w))
        self.details_.update(instruments=list(self.instruments_), covariates=list(self.covariates_))
        ident = self.identification_
        self.estimand_ = estimand_json(ident) if ident.identifiable else None
        self.details_["assumption"] = (
            "linear, constant effect: instrumental variables identify the effect only "
            "parametrically (not by do-calculus)"
        )
        return [treatment, outcome, *self.instruments_, *self.covariates_]

    def _fit_2sls(self, df: pd.DataFrame) -> tuple[float, float]:
        """(β_X, its standard error)."""
        n = len(df)
        ones = np.ones((n, 1))
        w = design_matrix(df, list(self.covariates_), self.categorical_)
        zs = design_matrix(df, list(self.instruments_), self.categorical_)
        z1 = np.hstack([ones, zs, w])  # (n, 1+|Z|+|W|) categorical columns one-hot
        x = df[self.treatment_].to_numpy()
        y = df[self.outcome_].to_numpy()
        x_hat = z1 @ np.linalg.lstsq(z1, x, rcond=None)[0]  # (n,) first stage
        if np.var(x_hat) < 1e-12 * max(np.var(x), 1e-300):
            raise EstimationError(
                f"instruments {list(self.instruments_)} do not predict {self.treatment_} "
                "(weak or irrelevant instrument)"
            )
        d_hat = np.hstack([ones, x_hat[:, None], w])
        coef = np.linalg.lstsq(d_hat, y, rcond=None)[0]
        resid = y - np.hstack([ones, x[:, None], w]) @ coef  # structural residuals
        sigma2 = float(resid @ resid) / max(n - d_hat.shape[1], 1)
        cov = sigma2 * np.linalg.pinv(d_hat.T @ d_hat)
        return float(coef[1]), float(np.sqrt(cov[1, 1]))

    def _estimate(self, df: pd.DataFrame) -> float:
        a, b = self.contrast_
        return (a - b) * self._fit_2sls(df)[0]

    def _analytic_interval(self, df: pd.DataFrame) -> tuple[float, float]:
        a, b = self.contrast_
        beta, se = self._fit_2sls(df)
        return normal_interval((a - b) * beta, abs(a - b) * se, self.alpha)
