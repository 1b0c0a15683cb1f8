"""The front-door estimator (Pearl 1995; Causality 2009, thm 3.3.4).

P(y | do(x)) = Σ_m P(m | x) Σ_x' P(y | m, x') P(x'), for a mediator set M that intercepts
every directed path X -> Y, has no unblocked back-door path from X, and whose back-door
paths to Y are blocked by X.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rung.data import is_discrete
from rung.estimate._identification import checked, estimand_json, require_identified
from rung.estimate.data import check_treatment_values
from rung.estimate.errors import EstimationError
from rung.estimate.estimators.base import EffectEstimator
from rung.graph import CausalGraph

__all__ = ["FrontDoor", "find_mediators"]


def find_mediators(graph: CausalGraph, treatment: str, outcome: str,
                   identification: Any = None) -> frozenset[str]:
    """The smallest front-door set for (treatment, outcome) found by :mod:`rung.identify`.

    Raises :class:`~rung.estimate.errors.NotIdentifiedError` when the effect is not
    identifiable, and :class:`EstimationError` naming only the methods that estimate it
    when it is identified some other way.
    """
    from rung.estimate.methods import advice
    from rung.identify import find_frontdoor_sets, identify

    ident = identification if identification is not None else identify(graph, treatment,
                                                                         outcome)
    require_identified(ident, graph, treatment, outcome)
    if ident.method == "frontdoor" and ident.mediators is not None:
        return frozenset(ident.mediators)
    sets = [frozenset(s) for s in find_frontdoor_sets(graph, treatment, outcome)]
    if not sets:
        raise EstimationError(
            f"no front-door set exists for {treatment} -> {outcome} in this graph; "
            + advice(ident)
        )
    return min(sets, key=lambda s: (len(s), sorted(s)))


@dataclass(kw_only=True, eq=False, repr=False)
class FrontDoor(EffectEstimator):
    """Front-door adjustment through mediators M.

    With discrete X and M (:func:`rung.data.is_discrete`, the one rule: integers with at
    most 20 values, or declared categorical) the formula is evaluated on empirical
    frequencies; otherwise it
    uses the linear two-stage form: E[Y | do(x)] - E[Y | do(x')] = (x - x') Σ_k a_k b_k,
    where a_k is the slope of E[M_k | X] and b_k the coefficient of M_k in E[Y | M, X].

    Parameters
    ----------
    mediators : set of str or None
        M; ``None`` asks :mod:`rung.identify` for the smallest front-door set.
    contrast, bootstrap, alpha, seed
        See :class:`~rung.estimate.estimators.base.EffectEstimator`.

    Examples
    --------
    >>> from rung.datasets import linear_frontdoor
    >>> cs = linear_frontdoor(n=2000, seed=0)
    >>> est = FrontDoor(mediators={"M"}).fit(cs.data, cs.graph, "X", "Y")
    >>> abs(est.ate_ - 3.0) < 0.15
    True
    """

    method = "frontdoor"

    mediators: frozenset[str] | list[str] | None = None

    def _plan(self, graph: CausalGraph, treatment: str, outcome: str) -> list[str]:
        from rung.identify.validate import check_frontdoor_set

        if self.mediators is None:
            m = find_mediators(graph, treatment, outcome, self.identification_)
        else:
            user = frozenset(self.mediators)
            m = checked(lambda: check_frontdoor_set(graph, treatment, outcome, user))
            self.details_["mediators_source"] = "user (checked: front-door criterion)"
        self.mediators_ = tuple(sorted(m))
        self.details_["mediators"] = list(self.mediators_)
        ident = self.identification_
        self.estimand_ = estimand_json(ident) if ident.identifiable else None
        return [treatment, *self.mediators_, outcome]

    def _means(self, df: pd.DataFrame) -> tuple[float, float]:
        cols = [self.treatment_, *self.mediators_]
        if all(is_discrete(df[c].to_numpy(), categorical=c in self.categorical_)
               for c in cols):
            self.details_["form"] = "discrete"
            return _discrete_frontdoor(df, self.treatment_, list(self.mediators_),
                                       self.outcome_, self.contrast_)
        self.details_["form"] = "linear"
        return _linear_frontdoor(df, self.treatment_, list(self.mediators_), self.outcome_,
                                 self.contrast_)


def _ols(design: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares coefficients of y on [1, design]; index 0 is the intercept."""
    d = np.column_stack([np.ones(len(y)), design])
    coef, *_ = np.linalg.lstsq(d, y, rcond=None)
    return np.asarray(coef)


def _linear_frontdoor(df: pd.DataFrame, x: str, ms: list[str], y: str,
                      contrast: tuple[float, float]) -> tuple[float, float]:
    """The front-door formula with linear regressions, at each contrast value:
    Σ_m P(m | x) Σ_x' E[Y | m, x'] P(x') = c + bᵀ(a₀ + a₁ x) + b_x E[X]."""
    xv = df[x].to_numpy()
    am = np.array([_ols(xv[:, None], df[m].to_numpy()) for m in ms])  # (k, 2) M_k ~ X
    coef = _ols(df[[*ms, x]].to_numpy(), df[y].to_numpy())  # Y ~ M + X
    b, bx = coef[1 : 1 + len(ms)], coef[1 + len(ms)]
    level = [float(coef[0] + np.dot(b, am[:, 0] + am[:, 1] * v) + bx * float(np.mean(xv)))
             for v in contrast]
    return level[0], level[1]


def _discrete_frontdoor(df: pd.DataFrame, x: str, ms: list[str], y: str,
                        contrast: tuple[float, float]) -> tuple[float, float]:
    check_treatment_values(df[x].to_numpy(), contrast)
    p_x = df[x].value_counts(normalize=True)
    ey = df.groupby([*ms, x])[y].mean()  # E[Y | m, x']
    means = []
    for v in contrast:
        arm = df[df[x] == v]
        p_m = arm.groupby(ms).size() / len(arm)  # P(m | x)
        total = 0.0
        for m_key, pm in p_m.items():
            key: tuple[Any, ...] = m_key if isinstance(m_key, tuple) else (m_key,)
            inner = 0.0
            for xv, px in p_x.items():
                cell = (*key, xv)
                if cell not in ey.index:
                    raise EstimationError(
                        f"no rows with {dict(zip([*ms, x], cell, strict=True))}: the front-door "
                        "formula needs every (m, x) cell observed (positivity)"
                    )
                inner += float(ey.loc[cell]) * float(px)
            total += float(pm) * inner
        means.append(total)
    return means[0], means[1]
