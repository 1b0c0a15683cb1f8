"""The posterior of a counterfactual query E[Y_x | v] of one fully observed unit v under a
:class:`~rung.estimate.programs.bayesian.BayesianSCM` with additive-noise nodes.

Pearl's three steps (Causality, 2nd ed., §7.1.1), for each posterior draw θ_s:

1. **Abduction**: the unit's latents U get their posterior given v on a Gauss–Hermite grid
   (weights w_z p(v | u_z; θ_s), normalised), and each node's noise is what its value leaves
   over its mechanism's mean: e_n = v_n - f_n(pa_n, u_z; θ_s).
2. **Action**: the treated nodes are set to x (``do``).
3. **Prediction**: the nodes downstream are recomputed in topological order as
   f_n(pa'_n, u_z; θ_s) + e_n; the others keep their values.

The draw's value is Σ_z w_z y'(z), and the draws give the posterior mean and credible
interval. A node downstream of the treatment must have additive noise (gaussian, sigmoid, or a
user mechanism that returns a Normal); otherwise its noise cannot be abducted from its value
and the query is refused. With latents, the abduction rests on how the model splits each
node's variance between the latent and its own noise, which the data do not identify (their
posterior is the prior's): such a result is labelled not identified.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pyro.distributions as dist
import torch

from rung.estimate.errors import EstimationError
from rung.estimate.programs._bayes_likelihood import gauss_hermite_grid

if TYPE_CHECKING:
    from rung.estimate.programs.bayesian import BayesianSCM

__all__ = ["counterfactual_draws"]

_ADDITIVE = ("gaussian", "sigmoid")


def _downstream(m: BayesianSCM, do: Mapping[str, float]) -> set[str]:
    s, out = m.structure_, set(do)
    for n in s.order:
        if set(s.parents[n]) & out:
            out.add(n)
    return out - set(do)


def _check(m: BayesianSCM, evidence: Mapping[str, float], do: Mapping[str, float]) -> None:
    s = m.structure_
    missing = sorted(set(s.order) - set(evidence))
    if missing:
        raise EstimationError(f"the counterfactual needs the unit's value of every observed "
                              f"node; missing {missing}; pass evidence for all of "
                              f"{list(s.order)}")
    for n in sorted(_downstream(m, do)):
        if m.families_[n] not in (*_ADDITIVE, "user"):
            raise EstimationError(
                f"node {n!r} is downstream of the treatment and has family "
                f"{m.families_[n]!r}, whose noise is not additive, so its noise cannot be "
                "abducted from the unit's value; declare it 'gaussian' or 'sigmoid', or ask "
                "an interventional query (interventional_mean)")


def counterfactual_draws(m: BayesianSCM, evidence: Mapping[str, float],
                         do: Mapping[str, float], outcome: str,
                         points: int = 0) -> np.ndarray:
    """E[outcome_do | evidence; θ_s] for every posterior draw, shape (chains, draws).

    ``points`` Gauss–Hermite points per latent (0: as many as keep the grid <= 4,096, at
    most 40).
    """
    _check(m, evidence, do)
    s = m.structure_
    n_lat = len(s.latents)
    q = points or (min(40, int(4096 ** (1 / n_lat) + 1e-9)) if n_lat else 1)
    grid, logw = gauss_hermite_grid(n_lat, q)
    theta = m._theta()  # (S, 1) per parameter
    f64 = torch.float64
    fact: dict[str, Any] = {n: torch.as_tensor(float(v), dtype=f64)
                            for n, v in evidence.items()}
    lat = {u: grid[:, j].reshape(1, -1) for j, u in enumerate(s.latents)}
    down = _downstream(m, do)
    with torch.no_grad():
        lw = logw.reshape(1, -1)
        noise: dict[str, torch.Tensor] = {}
        for n in s.order:
            d = m.node_dist(n, theta[n], {**fact, **lat})
            lw = lw + d.log_prob(fact[n])
            if n in down:
                if m.families_[n] == "user" and not isinstance(d, dist.Normal):
                    raise EstimationError(
                        f"the user mechanism of {n!r} returns {type(d).__name__}, not a "
                        "Normal, so its noise is not additive; return dist.Normal(mean, sd)")
                noise[n] = fact[n] - d.mean
        w = torch.softmax(lw, -1)  # (S, Z)
        new: dict[str, Any] = dict(lat)
        for n in s.order:
            if n in do:
                new[n] = torch.as_tensor(float(do[n]), dtype=f64)
            elif n in down:
                new[n] = m.node_dist(n, theta[n], new).mean + noise[n]
            else:
                new[n] = fact[n]
        y = torch.broadcast_to(torch.as_tensor(new[outcome]), w.shape)
        out = (w * y).sum(-1)
    return out.numpy().reshape(m.draw_shape_)
