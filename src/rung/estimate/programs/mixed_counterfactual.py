"""Counterfactuals for :class:`~rung.estimate.programs.mixed.MixedSCM` by abduction, action and
prediction (Pearl 2009, §7.1), with importance sampling for the abduction.

Every node gets an exogenous noise so that its mechanism is a deterministic function:

- continuous: V = μ(pa, U) + σ ε, ε ~ N(0, 1);
- binary: V = 1[η(pa, U) + L > 0], L ~ Logistic(0, 1) (so P(V=1) = sigmoid(η));
- categorical: V = argmax_k(η_k(pa, U) + G_k), G_k ~ Gumbel(0, 1) (the Gumbel-max trick).

Abduction draws the latents U from their prior and, for each evidence node, its noise from
the exact conditional given the observed value (ε solved; L from a truncated logistic; G by
the top-down Gumbel construction of Maddison, Tarlow & Minka 2014), weighting each draw by
the likelihood of the evidence. Action replaces the intervened mechanisms by constants;
prediction re-runs every mechanism with the same noise (a twin network).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from rung.estimate.errors import EstimationError
from rung.estimate.programs.mixed import MixedSCM

__all__ = ["SampledCounterfactual", "sampled_counterfactual"]


@dataclass(frozen=True)
class SampledCounterfactual:
    """Weighted draws of the observed nodes in the counterfactual world.

    Attributes
    ----------
    draws : pandas.DataFrame
        One row per importance sample (data units).
    weights : numpy.ndarray
        Normalised importance weights of the rows.
    evidence, intervention : dict
    """

    draws: pd.DataFrame
    weights: np.ndarray
    evidence: dict[str, float]
    intervention: dict[str, float]

    @property
    def mean(self) -> pd.Series:
        """Counterfactual means by node."""
        return pd.Series(self.weights @ self.draws.to_numpy(), index=self.draws.columns)

    @property
    def sd(self) -> pd.Series:
        """Counterfactual standard deviations."""
        dev = self.draws.to_numpy() - self.mean.to_numpy()
        return pd.Series(np.sqrt(self.weights @ dev**2), index=self.draws.columns)

    @property
    def ess(self) -> float:
        """Effective sample size of the importance weights."""
        return float(1.0 / np.sum(self.weights**2))

    def samples(self, num_samples: int, seed: int | None = 0) -> pd.DataFrame:
        """Unweighted draws (resampled by weight)."""
        rng = np.random.default_rng(seed)
        idx = rng.choice(len(self.weights), size=num_samples, p=self.weights)
        return self.draws.iloc[idx].reset_index(drop=True)


def _mechanism(kind: str, eta: torch.Tensor, scale: torch.Tensor | None,
               noise: torch.Tensor) -> torch.Tensor:
    if kind == "continuous":
        assert scale is not None
        return eta + scale * noise
    if kind == "binary":
        return (eta + noise > 0).float()
    return torch.argmax(eta + noise, -1).float()


def _prior_noise(kind: str, shape: torch.Size, gen: torch.Generator) -> torch.Tensor:
    if kind == "continuous":
        return torch.randn(shape, generator=gen)
    v = torch.rand(shape, generator=gen).clamp(1e-7, 1 - 1e-7)
    return torch.logit(v) if kind == "binary" else -torch.log(-torch.log(v))


def _abduct(kind: str, eta: torch.Tensor, scale: torch.Tensor | None, x: torch.Tensor,
            gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """(noise drawn given the observed value x, log-likelihood of x) per sample."""
    if kind == "continuous":
        assert scale is not None
        loglik = torch.distributions.Normal(eta, scale).log_prob(x)  # type: ignore[no-untyped-call]
        return (x - eta) / scale, loglik
    if kind == "binary":
        cut = torch.sigmoid(-eta)  # P(L <= -η) = P(V = 0)
        v = torch.rand(eta.shape, generator=gen)
        v = cut + v * (1 - cut) if float(x) == 1.0 else v * cut  # truncated to V = x
        loglik = torch.log(1 - cut if float(x) == 1.0 else cut)
        return torch.logit(v.clamp(1e-7, 1 - 1e-7)), loglik
    k = int(x)
    log_z = torch.logsumexp(eta, -1)  # (S,)
    top = log_z - torch.log(-torch.log(torch.rand(log_z.shape, generator=gen)))  # max
    g = eta + _prior_noise("categorical", eta.shape, gen)  # (S, K) free Gumbels
    z = -torch.logaddexp(-top.unsqueeze(-1), -g)  # truncated below the max
    z[..., k] = top
    return z - eta, eta[..., k] - log_z


def sampled_counterfactual(
    scm: MixedSCM,
    evidence: Mapping[str, float],
    intervention: Mapping[str, float],
    num_samples: int = 20_000,
    seed: int | None = 0,
) -> SampledCounterfactual:
    """The counterfactual distribution of every node of a mixed SCM, by importance sampling.

    Raises :class:`EstimationError` when the evidence is too unlikely under the model
    (effective sample size below 50).
    """
    s = scm.structure_
    gen = torch.Generator().manual_seed(0 if seed is None else seed)
    ev = {k: scm.to_site(k, v).float() for k, v in evidence.items()}
    act = {k: scm.to_site(k, v).float() for k, v in intervention.items()}
    lat = {u: torch.randn(num_samples, generator=gen) for u in s.latents}  # (S,)
    fact: dict[str, torch.Tensor] = {}
    noise: dict[str, torch.Tensor] = {}
    logw = torch.zeros(num_samples)
    with torch.no_grad():
        for n in s.order:  # abduction, in the factual world
            kind = scm.kinds_[n]
            eta, scale = scm.net_.params_of(n, fact, lat)
            eta = eta.expand(num_samples, *((eta.shape[-1],) if kind == "categorical" else ()))
            if n in ev:
                noise[n], lw = _abduct(kind, eta, scale, ev[n], gen)
                logw = logw + lw
                fact[n] = ev[n].expand(num_samples)
            else:
                noise[n] = _prior_noise(kind, eta.shape, gen)
                fact[n] = _mechanism(kind, eta, scale, noise[n])
        world: dict[str, torch.Tensor] = {}
        for n in s.order:  # action + prediction, same noise
            if n in act:
                world[n] = act[n].expand(num_samples)
                continue
            eta, scale = scm.net_.params_of(n, world, lat)
            world[n] = _mechanism(scm.kinds_[n], eta, scale, noise[n])
    w = torch.softmax(logw, 0).numpy().astype(float)
    w = w / w.sum()
    ess = 1.0 / np.sum(w**2)
    if ess < 50:
        raise EstimationError(f"the evidence {dict(evidence)} is too unlikely under the model "
                              f"(effective sample size {ess:.0f}); raise num_samples")
    draws = pd.DataFrame({n: np.broadcast_to(scm.from_site(n, world[n]), (num_samples,))
                          for n in s.order})
    return SampledCounterfactual(draws, w, {k: float(v) for k, v in evidence.items()},
                                 {k: float(v) for k, v in intervention.items()})
