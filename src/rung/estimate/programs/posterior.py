"""The posterior of a causal query and its convergence diagnostics.

A query's posterior draws (one E[Y | do(x)] per posterior draw of θ) are checked by the
split R-hat and the effective sample size of Pyro (Gelman et al., *Bayesian Data Analysis*,
3rd ed., §11.4–11.5) and by the number of divergent NUTS transitions. The latent parameters of
a model with latents are not identified (Mohammad-Taheri et al. 2022), so their chains may
disagree (a latent's scale, a rotation of several latents) while the identified query agrees;
the refusal therefore reads the query's draws, and the parameters' worst R-hat is reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import torch
from pyro.ops.stats import effective_sample_size, split_gelman_rubin

from rung.estimate.errors import EstimationError

__all__ = ["ConvergenceCriteria", "ConvergenceError", "PosteriorQuery", "query_diagnostics"]

Status = Literal["ok", "not_converged"]


class ConvergenceError(EstimationError):
    """The sampler's diagnostics fail the :class:`ConvergenceCriteria`; no query is reported."""


@dataclass(frozen=True)
class ConvergenceCriteria:
    """When a posterior query is reported: split R-hat at most ``max_rhat``, effective sample
    size at least ``min_ess``, divergent transitions at most ``max_divergent`` (a fraction of
    all draws).

    >>> ConvergenceCriteria().max_rhat
    1.05
    """

    max_rhat: float = 1.05
    min_ess: float = 100.0
    max_divergent: float = 0.01


@dataclass(frozen=True)
class PosteriorQuery:
    """E[outcome | do(treatments = values)] under the posterior: mean, sd, credible interval
    and the diagnostics behind it.

    Examples
    --------
    >>> q = PosteriorQuery(("X",), (1.0,), "Y", 2.0, 0.1, (1.8, 2.2), 0.05, 400, 1.0, 350.0,
    ...                    0, 1.0)
    >>> PosteriorQuery.from_json(q.to_json()) == q
    True
    """

    treatments: tuple[str, ...]
    values: tuple[float, ...]
    outcome: str
    mean: float
    sd: float
    ci: tuple[float, float]
    alpha: float
    n_draws: int
    rhat: float
    ess: float
    divergences: int
    param_rhat_max: float
    status: Status = "ok"
    reasons: tuple[str, ...] = ()
    identified: bool = True
    method: str = "bayesian-nuts"
    marginalisation: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def converged(self) -> bool:
        """The diagnostics pass the criteria."""
        return self.status == "ok"

    def to_json(self) -> dict[str, Any]:
        """Every field, the interval as a list; a ``label`` when not converged/identified."""
        out: dict[str, Any] = {
            "method": self.method, "treatments": list(self.treatments),
            "values": list(self.values), "outcome": self.outcome, "mean": self.mean,
            "sd": self.sd, "ci": [self.ci[0], self.ci[1]], "alpha": self.alpha,
            "n_draws": self.n_draws, "rhat": self.rhat, "ess": self.ess,
            "divergences": self.divergences, "param_rhat_max": self.param_rhat_max,
            "status": self.status, "reasons": list(self.reasons),
            "identified": self.identified, "marginalisation": self.marginalisation,
            "details": dict(self.details),
        }
        if not self.converged:
            out["label"] = "NOT CONVERGED: " + "; ".join(self.reasons)
        if not self.identified:
            out["label"] = "simulation of a NON-identified query: not an estimate"
        return out

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> PosteriorQuery:
        """Rebuild from :meth:`to_json`."""
        return cls(
            treatments=tuple(obj["treatments"]), values=tuple(float(v) for v in obj["values"]),
            outcome=str(obj["outcome"]), mean=float(obj["mean"]), sd=float(obj["sd"]),
            ci=(float(obj["ci"][0]), float(obj["ci"][1])), alpha=float(obj["alpha"]),
            n_draws=int(obj["n_draws"]), rhat=float(obj["rhat"]), ess=float(obj["ess"]),
            divergences=int(obj["divergences"]), param_rhat_max=float(obj["param_rhat_max"]),
            status=obj.get("status", "ok"), reasons=tuple(obj.get("reasons", ())),
            identified=bool(obj.get("identified", True)),
            method=str(obj.get("method", "bayesian-nuts")),
            marginalisation=str(obj.get("marginalisation", "")),
            details=dict(obj.get("details", {})),
        )

    def summary(self) -> str:
        """One line: the query, its posterior mean and credible interval, the diagnostics."""
        sets = ", ".join(f"{x}={v:g}" for x, v in zip(self.treatments, self.values, strict=True))
        level = round(100 * (1 - self.alpha))
        line = (f"E[{self.outcome} | do({sets})] = {self.mean:.4g}  {level}% CrI "
                f"[{self.ci[0]:.4g}, {self.ci[1]:.4g}]  (R-hat {self.rhat:.3f}, ESS "
                f"{self.ess:.0f}, {self.divergences} divergences)")
        return line if self.converged else line + "  NOT CONVERGED: " + "; ".join(self.reasons)


def query_diagnostics(draws: np.ndarray, divergences: int,
                      criteria: ConvergenceCriteria) -> tuple[float, float, tuple[str, ...]]:
    """(split R-hat, ESS, failed criteria) of a query's draws shaped (chains, draws)."""
    x = torch.as_tensor(draws, dtype=torch.float64)
    if float(x.std()) == 0.0:  # a constant query: the chains agree exactly
        rhat, ess = 1.0, float(x.numel())
    else:
        rhat = float(split_gelman_rubin(x, chain_dim=0, sample_dim=1))  # type: ignore[no-untyped-call]
        ess = float(effective_sample_size(x, chain_dim=0, sample_dim=1))  # type: ignore[no-untyped-call]
    reasons = []
    if not rhat <= criteria.max_rhat:
        reasons.append(f"R-hat {rhat:.3f} > {criteria.max_rhat}")
    if not ess >= criteria.min_ess:
        reasons.append(f"effective sample size {ess:.0f} < {criteria.min_ess:g}")
    if divergences > criteria.max_divergent * x.numel():
        reasons.append(f"{divergences} divergent transitions of {x.numel()} draws")
    return rhat, ess, tuple(reasons)
