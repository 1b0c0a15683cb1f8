"""Counterfactuals (rung 3) by abduction, action and prediction (Pearl 2009, §7.1).

For a linear-Gaussian SCM the three steps are exact. Write every observed node as a linear
function of the exogenous vector η = (U, ε) ~ N(0, I): V = c + F η (factual world) and
V* = c' + F' η (world mutilated by do). Abduction conditions η on the evidence (Gaussian
conditioning), action swaps F for F', prediction pushes the posterior of η through F'.
Both worlds share η: this is the twin network (Balke & Pearl 1994).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rung.estimate.errors import EstimationError
from rung.estimate.programs.linear_gaussian import LinearGaussianSCM
from rung.estimate.programs.mixed import MixedSCM
from rung.estimate.programs.mixed_counterfactual import (
    SampledCounterfactual,
    sampled_counterfactual,
)

__all__ = ["Counterfactual", "counterfactual"]


@dataclass(frozen=True)
class Counterfactual:
    """The Gaussian distribution of the observed nodes in the counterfactual world.

    Attributes
    ----------
    mean : pandas.Series
        Counterfactual means by node.
    cov : pandas.DataFrame
        Counterfactual covariance (zero for nodes the evidence pins down).
    evidence, intervention : dict
        What was seen, and what was done.
    """

    mean: pd.Series
    cov: pd.DataFrame
    evidence: dict[str, float]
    intervention: dict[str, float]

    @property
    def sd(self) -> pd.Series:
        """Counterfactual standard deviations."""
        return pd.Series(np.sqrt(np.clip(np.diag(self.cov.to_numpy()), 0, None)),
                         index=self.mean.index)

    def samples(self, num_samples: int, seed: int | None = 0) -> pd.DataFrame:
        """Draws from the counterfactual distribution."""
        rng = np.random.default_rng(seed)
        draws = rng.multivariate_normal(self.mean.to_numpy(), self.cov.to_numpy(),
                                        size=num_samples, method="eigh")
        return pd.DataFrame(draws, columns=self.mean.index)


def _exogenous_map(scm: LinearGaussianSCM, intervention: Mapping[str, float]
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(c, F) with V = c + F η under do(intervention); η = (U, ε)."""
    order = scm.structure_.order
    c0, b, lam, sd = scm.matrices()
    b, lam, c0 = b.copy(), lam.copy(), c0.copy()
    noise = np.diag(sd)
    for node, value in intervention.items():
        i = order.index(node)
        b[i, :], lam[i, :], noise[i, :], c0[i] = 0.0, 0.0, 0.0, float(value)  # mutilate row i
    a = np.linalg.inv(np.eye(len(order)) - b)  # (p, p) total effects
    return a @ c0, a @ np.hstack([lam, noise])  # (p,), (p, L + p)


def counterfactual(
    scm: LinearGaussianSCM | MixedSCM,
    evidence: Mapping[str, float],
    intervention: Mapping[str, float],
    *,
    num_samples: int = 20_000,
    seed: int | None = 0,
) -> Counterfactual | SampledCounterfactual:
    """The distribution of every node had ``intervention`` been done, given ``evidence`` seen.

    Exact (Gaussian) for a :class:`LinearGaussianSCM`; for a :class:`MixedSCM`, importance
    sampling with ``num_samples`` draws (:func:`sampled_counterfactual`).

    Examples
    --------
    Y = 2 X + e; we saw X = 1, Y = 3 (so e = 1); had X been 0, Y would have been 1:

    >>> from rung.graph import CausalGraph
    >>> g = CausalGraph.from_edges("X -> Y")
    >>> scm = LinearGaussianSCM.from_parameters(
    ...     g, weights={("X", "Y"): 2.0}, scales={"X": 1.0, "Y": 1.0})
    >>> cf = counterfactual(scm, {"X": 1.0, "Y": 3.0}, {"X": 0.0})
    >>> round(float(cf.mean["Y"]), 6), round(float(cf.sd["Y"]), 6)
    (1.0, 0.0)
    """
    order = list(scm.structure_.order)
    bad = sorted((set(evidence) | set(intervention)) - set(order))
    if bad:
        raise EstimationError(f"nodes {bad} are not observed nodes of the model {order}")
    if isinstance(scm, MixedSCM):
        return sampled_counterfactual(scm, evidence, intervention, num_samples, seed)
    if not isinstance(scm, LinearGaussianSCM):
        raise EstimationError(f"counterfactuals need a LinearGaussianSCM or MixedSCM, got "
                              f"{type(scm).__name__}; fit one with fit_generative_model")
    c, f = _exogenous_map(scm, {})
    c_cf, f_cf = _exogenous_map(scm, intervention)
    rows = [order.index(k) for k in evidence]
    e = np.array([float(v) for v in evidence.values()])
    k = f.shape[1]
    # abduction: η | F_E η = e - c_E  (prior N(0, I))
    f_e = f[rows]
    gram = np.linalg.pinv(f_e @ f_e.T)
    post_mean = f_e.T @ gram @ (e - c[rows]) if rows else np.zeros(k)
    post_cov = np.eye(k) - (f_e.T @ gram @ f_e if rows else 0.0)
    # action + prediction: V* = c' + F' η
    mean = c_cf + f_cf @ post_mean
    cov = f_cf @ post_cov @ f_cf.T
    return Counterfactual(
        mean=pd.Series(mean, index=order),
        cov=pd.DataFrame(cov, index=order, columns=order),
        evidence={k2: float(v) for k2, v in evidence.items()},
        intervention={k2: float(v) for k2, v in intervention.items()},
    )
