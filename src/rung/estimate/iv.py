"""Two-stage least squares for instrumental variables (linear, constant effect).

An instrument Z (given W) affects X, is independent of the X–Y confounders and affects Y
only through X; then β = Cov(Z, Y | W) / Cov(Z, X | W) in a linear model (Wright 1928;
Angrist, Imbens & Rubin 1996).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rung.estimate._identification import try_estimand
from rung.estimate.base import EffectEstimator
from rung.estimate.errors import EstimationError
from rung.estimate.intervals import normal_interval
from rung.graph import CausalGraph, is_m_separated

__all__ = ["TwoStageLeastSquares", "find_instrument"]


def find_instrument(graph: CausalGraph, treatment: str, outcome: str
                    ) -> tuple[frozenset[str], frozenset[str]]:
    """An unconditional instrument Z for (treatment, outcome), found graphically.

    Z qualifies when it is not a descendant of X, is m-connected to X, and is m-separated
    from Y once the edges out of X are removed (Pearl 2009, §7.4.5). Returns
    ``(instruments, conditioning set)``; the conditioning set is empty.

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
        raise EstimationError(
            f"no instrument for {treatment} -> {outcome} exists in this graph; use another method"
        )
    return frozenset(found[:1]), frozenset()


class TwoStageLeastSquares(EffectEstimator):
    """2SLS: regress X on [Z, W], then Y on [X̂, W]; the effect is (a - b) · β_X.

    Parameters
    ----------
    instruments : set of str or None
        Z; ``None`` asks :mod:`rung.identify` for an instrument.
    covariates : set of str or None
        W, the conditioning set of a conditional instrument (used only with ``instruments``).
    contrast, bootstrap, alpha, seed
        See :class:`~rung.estimate.base.EffectEstimator`; without bootstrap the interval uses
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

    def __init__(
        self,
        *,
        instruments: frozenset[str] | list[str] | None = None,
        covariates: frozenset[str] | list[str] | None = None,
        contrast: tuple[float, float] = (1.0, 0.0),
        bootstrap: int = 0,
        alpha: float = 0.05,
        seed: int | None = None,
    ) -> None:
        super().__init__(contrast=contrast, bootstrap=bootstrap, alpha=alpha, seed=seed)
        self.instruments = instruments
        self.covariates = covariates

    def _plan(self, graph: CausalGraph, treatment: str, outcome: str) -> list[str]:
        if self.instruments is None:
            z, w = find_instrument(graph, treatment, outcome)
        else:
            z = graph.check_nodes(frozenset(self.instruments))
            w = graph.check_nodes(frozenset(self.covariates or ()))
        if not z or {treatment, outcome} & (z | w):
            raise EstimationError(
                f"instruments {sorted(z)} / covariates {sorted(w)} must be non-empty and "
                "exclude treatment and outcome"
            )
        self.instruments_, self.covariates_ = tuple(sorted(z)), tuple(sorted(w))
        self.details_.update(instruments=list(self.instruments_), covariates=list(self.covariates_))
        estimand = try_estimand(graph, treatment, outcome)
        self.estimand_ = estimand if estimand and estimand.get("identifiable") else None
        self.details_["assumption"] = (
            "linear, constant effect: instrumental variables identify the effect only "
            "parametrically (not by do-calculus)"
        )
        return [treatment, outcome, *self.instruments_, *self.covariates_]

    def _fit_2sls(self, df: pd.DataFrame) -> tuple[float, float]:
        """(β_X, its standard error)."""
        n = len(df)
        ones = np.ones((n, 1))
        w = df[list(self.covariates_)].to_numpy().reshape(n, -1)
        z1 = np.hstack([ones, df[list(self.instruments_)].to_numpy(), w])  # (n, 1+|Z|+|W|)
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
