"""The fast option of :class:`~rung.estimate.programs.bayesian.BayesianSCM`: stochastic
variational inference (Kingma & Welling 2014; Ranganath et al. 2014) with a structured
Gaussian guide over the flat unconstrained posterior of
:class:`~rung.estimate.programs._bayes_potential.FlatPosterior`.

The guide is Pyro's ``AutoMultivariateNormal`` (full-rank: the correlations a latent's
non-identified scale induces between loadings and noise scales are kept) or
``AutoLowRankMultivariateNormal`` (rank ``ceil(sqrt(dim))``, for many parameters). It starts
at the MAP point, is fitted by maximising the ELBO with Adam, and its draws stand in for the
posterior draws: the query's posterior predictive is computed from them exactly as from NUTS.
A variational posterior is an approximation (it tends to under-state the spread, Blei et al.
2017); its ELBO trace is kept so that a fit that did not settle is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pyro
import pyro.distributions as dist
import pyro.poutine as poutine
import torch
from pyro.distributions import constraints
from pyro.infer import SVI as _SVI
from pyro.infer import Trace_ELBO as _TraceELBO
from pyro.infer.autoguide import AutoLowRankMultivariateNormal as _LowRank
from pyro.infer.autoguide import AutoMultivariateNormal as _MVN
from pyro.infer.autoguide.initialization import init_to_value
from pyro.optim import ClippedAdam

from rung.estimate.programs._bayes_potential import FlatPosterior

__all__ = ["Guide", "SVIFit", "fit_svi"]

Guide = Literal["mvn", "lowrank"]
_IMPROPER: Any = dist.ImproperUniform
SVI: Any = _SVI
TRACE_ELBO: Any = _TraceELBO
MVN: Any = _MVN
LOWRANK: Any = _LowRank


@dataclass(frozen=True)
class SVIFit:
    """Guide draws of z (draws, size), the ELBO loss per step, and whether it settled: the
    mean loss of the last tenth of the steps within ``tol`` (relative, or 1 nat) of the tenth
    before it."""

    z: torch.Tensor
    losses: tuple[float, ...]
    settled: bool


def fit_svi(post: FlatPosterior, z0: torch.Tensor, *, guide: Guide = "mvn",
            steps: int = 1500, lr: float = 0.02, num_draws: int = 1000, seed: int = 0,
            tol: float = 0.01) -> SVIFit:
    """Fit the guide to ``post`` from ``z0`` and draw ``num_draws`` values of z.

    Examples
    --------
    >>> import pyro.distributions as dist
    >>> post = FlatPosterior({"Y": {"b0": dist.Normal(1.0, 0.5)}},
    ...                      lambda full, rows: torch.zeros((), dtype=torch.float64))
    >>> fit = fit_svi(post, post.initial(), steps=400, lr=0.05, num_draws=4000)
    >>> round(float(fit.z.mean()), 1), round(float(fit.z.std()), 1)
    (1.0, 0.5)
    """
    size = post.size

    def model() -> None:
        flat = _IMPROPER(constraints.real, (), (size,))
        z = pyro.sample("z", flat)
        pyro.factor("log_density", post.log_density(z))

    with poutine.seed(rng_seed=seed):
        pyro.clear_param_store()
        init = init_to_value(values={"z": z0.detach().clone()})
        g: Any = (MVN(model, init_loc_fn=init, init_scale=0.05)
                  if guide == "mvn" else LOWRANK(
                      model, init_loc_fn=init, init_scale=0.05,
                      rank=max(1, int(np.ceil(np.sqrt(size))))))
        svi = SVI(model, g, ClippedAdam({"lr": lr, "lrd": 0.1 ** (1 / steps)}),
                  TRACE_ELBO())
        losses = tuple(float(svi.step()) for _ in range(steps))
        with torch.no_grad():
            z = g.get_posterior().sample((num_draws,)).reshape(num_draws, size)
        pyro.clear_param_store()
    return SVIFit(z=z.to(torch.float64), losses=losses, settled=_settled(losses, tol))


def _settled(losses: tuple[float, ...], tol: float) -> bool:
    k = max(len(losses) // 10, 1)
    if len(losses) < 2 * k:
        return False
    last, before = float(np.mean(losses[-k:])), float(np.mean(losses[-2 * k:-k]))
    return bool(np.isfinite(last) and abs(last - before) <= max(tol * abs(before), 1.0))
