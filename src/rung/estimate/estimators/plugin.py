"""The plug-in estimator: evaluate the identified estimand on empirical frequencies.

For discrete data, E[Y | do(X=x)] = Σ_y y · Q(y, x), where Q is the estimand that
:func:`rung.identify.identify` returns (back-door, front-door, ID or IDC) evaluated on the
joint table of the data (:class:`rung.identify.JointDistribution`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rung.data import MAX_DISCRETE_VALUES, is_discrete
from rung.estimate._identification import estimand_json, require_identified
from rung.estimate.data import check_treatment_values
from rung.estimate.errors import EstimationError
from rung.estimate.estimators.base import EffectEstimator
from rung.graph import CausalGraph

__all__ = ["PluginEstimator"]


@dataclass(kw_only=True, eq=False, repr=False)
class PluginEstimator(EffectEstimator):
    """Plug-in evaluation of the do-calculus estimand on discrete data.

    Parameters
    ----------
    max_categories : int
        Columns with more distinct integer values are rejected as not discrete (default
        :data:`rung.data.MAX_DISCRETE_VALUES`; declared categorical columns always pass).
    contrast, bootstrap, alpha, seed
        See :class:`~rung.estimate.estimators.base.EffectEstimator`.

    Examples
    --------
    >>> from rung.datasets import napkin
    >>> cs = napkin(n=20000, seed=1)
    >>> est = PluginEstimator().fit(cs.data, cs.graph, "X", "Y")
    >>> abs(est.ate_ - cs.true_effect) < 0.05
    True
    """

    method = "plugin"

    max_categories: int = MAX_DISCRETE_VALUES

    def _plan(self, graph: CausalGraph, treatment: str, outcome: str) -> list[str]:
        res = self.identification_
        require_identified(res, graph, treatment, outcome)
        self.expr_ = res.estimand
        self.estimand_ = estimand_json(res)
        self.details_["identification"] = res.method
        self.columns_ = list(graph.projected().nodes)
        return self.columns_

    def _means(self, df: pd.DataFrame) -> tuple[float, float]:
        from rung.identify import JointDistribution, evaluate

        for c in self.columns_:
            if not is_discrete(df[c].to_numpy(), self.max_categories,
                               categorical=c in self.categorical_):
                raise EstimationError(
                    f"column {c!r} is not discrete (integers, at most {self.max_categories} "
                    "values); the plug-in estimator needs discrete data: use 'generative' or a "
                    "regression-based method"
                )
        joint = JointDistribution.from_dataframe(df, self.columns_)
        y_states = joint.states[joint.variables.index(self.outcome_)]
        check_treatment_values(df[self.treatment_].to_numpy(), self.contrast_)
        means = []
        for x in self.contrast_:
            probs = [evaluate(self.expr_, joint, {self.treatment_: x, self.outcome_: y})
                     for y in y_states]
            if any(np.isnan(p) for p in probs):
                raise EstimationError(
                    f"the estimand divides by an empty cell at {self.treatment_}={x} "
                    "(positivity fails in this sample); use more data"
                )
            means.append(float(np.dot(np.asarray(y_states, dtype=float), probs)))
        return means[0], means[1]
