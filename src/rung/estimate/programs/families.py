"""Node mechanisms of a Bayesian SCM: built-in families and their default priors.

A mechanism maps the values of a node's inputs (observed parents and latents) and its
parameters θ to the node's distribution. Each family declares its parameters with priors
scaled to the data, as rstanarm's ``autoscale`` does (Gelman et al. 2008, "A weakly
informative default prior distribution for logistic and other regression models"):

=========== ================================================ =============================
family      distribution                                     parameters
=========== ================================================ =============================
gaussian    Normal(b0 + Σ w·pa + Σ λ·U, σ)                   b0, w[p], lam[U], sigma
logistic    Bernoulli(logit = b0 + Σ w·pa + Σ λ·U)           b0, w[p], lam[U]
poisson     Poisson(exp(η)), η = b0 + Σ w·pa + Σ λ·U         b0, w[p], lam[U]
negbinomial NegativeBinomial(mean exp(η), concentration r)   b0, w[p], lam[U], conc
gamma       Gamma(shape k, mean exp(η))                      b0, w[p], lam[U], shape
sigmoid     Normal(vmax · σ(η), sigma): saturating kinetics  b0, w[p], lam[U], vmax, sigma
=========== ================================================ =============================

Default priors (``Priors``): b0 ~ Normal(centre, intercept·s), w[p] ~ Normal(0, weight·s /
s_p), lam[U] ~ Normal(0, loading·s) (HalfNormal for a latent's first child, which fixes the
latent's sign), sigma ~ HalfNormal(noise·s_y), where s is s_y for the gaussian family and 1
on the link scale otherwise, and s_p is the parent's standard deviation. A site named in
``Priors.overrides`` takes the distribution (or, given a number, the fixed value) there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pyro.distributions as dist
import torch

__all__ = ["FAMILIES", "Family", "NodeScale", "Priors", "linear_predictor", "site_name"]

Family = Literal["gaussian", "logistic", "poisson", "negbinomial", "gamma", "sigmoid"]
#: the built-in families
FAMILIES: tuple[Family, ...] = ("gaussian", "logistic", "poisson", "negbinomial", "gamma",
                                 "sigmoid")


@dataclass(frozen=True)
class Priors:
    """Scales of the default priors (multiples of the data's scale) and per-site overrides.

    Attributes
    ----------
    intercept, weight, loading, noise : float
        Prior standard deviations in units of the outcome's (or link's) scale; see the
        module docstring.
    overrides : dict
        Site name (``"Y:w[X]"``, see :func:`site_name`) -> a Pyro distribution, or a number
        to fix the parameter (e.g. a known noise scale).

    Examples
    --------
    >>> Priors(weight=1.0).weight
    1.0
    """

    intercept: float = 2.5
    weight: float = 2.5
    loading: float = 1.0
    noise: float = 1.0
    overrides: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NodeScale:
    """The data summaries that scale a node's priors: its mean, sd and max, and its parents'
    standard deviations."""

    mean: float
    sd: float
    max: float
    parent_sd: Mapping[str, float]


def site_name(node: str, param: str) -> str:
    """The Pyro sample-site name of a node's parameter.

    >>> site_name("Y", "w[X]")
    'Y:w[X]'
    """
    return f"{node}:{param}"


def _f64(v: float) -> torch.Tensor:
    return torch.as_tensor(float(v), dtype=torch.float64)


def default_priors(family: Family, node: str, parents: tuple[str, ...],
                   latents: tuple[str, ...], first_child_of: frozenset[str],
                   scale: NodeScale, priors: Priors) -> dict[str, Any]:
    """Parameter name -> prior of one node's mechanism (overrides applied)."""
    link_sd = scale.sd if family in ("gaussian",) else 1.0
    centre = {"gaussian": scale.mean, "logistic": 0.0, "sigmoid": 0.0,
              "poisson": float(torch.log(_f64(max(scale.mean, 1e-3)))),
              "negbinomial": float(torch.log(_f64(max(scale.mean, 1e-3)))),
              "gamma": float(torch.log(_f64(max(scale.mean, 1e-6))))}[family]
    out: dict[str, Any] = {"b0": dist.Normal(_f64(centre), _f64(priors.intercept * link_sd))}
    for p in parents:
        sd = priors.weight * link_sd / max(scale.parent_sd.get(p, 1.0), 1e-9)
        out[f"w[{p}]"] = dist.Normal(_f64(0.0), _f64(sd))
    for u in latents:
        lsd = _f64(priors.loading * link_sd)
        out[f"lam[{u}]"] = dist.HalfNormal(lsd) if u in first_child_of else dist.Normal(
            _f64(0.0), lsd)
    if family in ("gaussian", "sigmoid"):
        out["sigma"] = dist.HalfNormal(_f64(priors.noise * scale.sd))
    if family == "sigmoid":
        out["vmax"] = dist.HalfNormal(_f64(2.0 * max(abs(scale.max), 1e-6)))
    if family == "negbinomial":
        out["conc"] = dist.LogNormal(_f64(0.0), _f64(1.5))  # type: ignore[no-untyped-call]
    if family == "gamma":
        out["shape"] = dist.LogNormal(_f64(0.0), _f64(1.5))  # type: ignore[no-untyped-call]
    for name in list(out):
        key = site_name(node, name)
        if key in priors.overrides:
            out[name] = priors.overrides[key]
    return out


def linear_predictor(theta: Mapping[str, torch.Tensor], inputs: Mapping[str, torch.Tensor],
                     parents: tuple[str, ...], latents: tuple[str, ...]) -> torch.Tensor:
    """b0 + Σ w[p]·p + Σ lam[U]·U, broadcasting parameters against values."""
    eta = theta["b0"]
    for p in parents:
        eta = eta + theta[f"w[{p}]"] * inputs[p]
    for u in latents:
        eta = eta + theta[f"lam[{u}]"] * inputs[u]
    return eta


def family_distribution(family: Family, theta: Mapping[str, torch.Tensor],
                        inputs: Mapping[str, torch.Tensor], parents: tuple[str, ...],
                        latents: tuple[str, ...]) -> Any:
    """The node's distribution under a built-in family."""
    eta = linear_predictor(theta, inputs, parents, latents)
    if family == "gaussian":
        return dist.Normal(eta, theta["sigma"])
    if family == "logistic":
        return dist.Bernoulli(logits=eta)
    if family == "poisson":
        return dist.Poisson(torch.exp(eta.clamp(max=30.0)))  # type: ignore[no-untyped-call]
    if family == "negbinomial":
        r = theta["conc"]
        return dist.NegativeBinomial(total_count=r, logits=eta.clamp(max=30.0) - torch.log(r))
    if family == "gamma":
        k = theta["shape"]
        return dist.Gamma(k, k / torch.exp(eta.clamp(-30.0, 30.0)))
    return dist.Normal(theta["vmax"] * torch.sigmoid(eta), theta["sigma"])
