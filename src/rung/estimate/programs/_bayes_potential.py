"""The posterior of a :class:`~rung.estimate.programs.bayesian.BayesianSCM` as one flat,
vectorised potential U(z) = -log p(data, θ(z)) - log|J| over an unconstrained vector z.

Pyro's NUTS on the model's trace re-runs the program (one sample site per parameter) at every
leapfrog step, about 10 ms per gradient for the case studies' 15–30 parameters. Here the
priors are grouped by family and evaluated as a few vectorised log-densities, the parameters
are slices of one tensor, and the likelihood is the same latent-marginal one; NUTS then runs
on ``potential_fn`` (Hoffman & Gelman 2014, as Stan does on its unconstrained space).

Unconstraining (Stan reference manual, "Constraint transforms"): a real parameter is z itself;
a positive one is exp(z) with log-Jacobian z. A Normal prior is evaluated as one vector
Normal; a HalfNormal(s) on exp(z) as Normal(0, s) + log 2 + z; a LogNormal(m, s) on exp(z) is
exactly Normal(m, s) on z; any other prior (a user's) goes through
``torch.distributions.biject_to`` of its support, one site at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyro.distributions as dist
import torch
from torch.distributions import biject_to

__all__ = ["ROWS", "FlatPosterior", "ThetaFn"]

#: node -> parameter name -> value (a tensor, scalar or batched over draws)
Theta = dict[str, dict[str, torch.Tensor]]
#: (every parameter's value, free then fixed, as ``FlatPosterior.position`` orders them;
#:  the rows' latent values) -> log p(data | θ)
ThetaFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
_LOG2 = float(np.log(2.0))
#: the key of the rows' latent values in ``theta`` (no node has an empty name)
ROWS = ""
_NORMAL: Any = dist.Normal


@dataclass(frozen=True)
class _Block:
    """Sites sharing one vectorised prior: their positions in z, and the prior's arrays."""

    index: torch.Tensor
    loc: torch.Tensor
    scale: torch.Tensor


class FlatPosterior:
    """Unnormalised log posterior of every free parameter, over one unconstrained vector.

    Parameters
    ----------
    priors : dict
        node -> parameter name -> a Pyro distribution (a free parameter) or a number (fixed).
    loglik : callable
        ``(full, rows) -> log p(data | θ)`` (a scalar tensor); ``full`` holds every
        parameter (free, then fixed) at the positions of :attr:`position`.
    rows : int
        Extra standard-normal entries after the parameters (each row's latents, when they are
        sampled rather than integrated out), passed as ``rows`` and as ``theta[ROWS]["u"]``;
        not in ``keys``.

    Examples
    --------
    >>> import pyro.distributions as dist
    >>> post = FlatPosterior({"Y": {"b0": dist.Normal(0.0, 1.0),
    ...                             "sigma": dist.HalfNormal(1.0), "k": 2.0}},
    ...                      lambda full, rows: torch.zeros((), dtype=torch.float64))
    >>> post.keys, post.dim
    (('Y:b0', 'Y:sigma'), 2)
    >>> th = post.theta(post.constrain(torch.zeros(2, dtype=torch.float64)))
    >>> float(th["Y"]["sigma"]), float(th["Y"]["k"])
    (1.0, 2.0)
    """

    def __init__(self, priors: Mapping[str, Mapping[str, Any]], loglik: ThetaFn,
                 rows: int = 0) -> None:
        self.loglik = loglik
        self.rows = rows
        fixed: list[tuple[str, str, float]] = []
        self._free: list[tuple[str, str]] = []
        self._priors: list[Any] = []
        for node, pri in priors.items():
            for name, p in pri.items():
                if isinstance(p, int | float):
                    fixed.append((node, name, float(p)))
                else:
                    self._free.append((node, name))
                    self._priors.append(p)
        self.keys = tuple(f"{n}:{k}" for n, k in self._free)
        self.dim = len(self._free)
        self._names = [*self._free, *((n, k) for n, k, _ in fixed)]
        #: site key -> its position in the ``full`` parameter vector
        self.position = {f"{n}:{k}": i for i, (n, k) in enumerate(self._names)}
        self._fixed_values = torch.tensor([v for _, _, v in fixed], dtype=torch.float64)
        self._nodes = tuple(priors)
        self.size = self.dim + rows
        self._group()

    def _group(self) -> None:
        kinds: dict[str, list[tuple[int, float, float]]] = {"normal": [], "half": [],
                                                            "lognormal": []}
        self._other: list[tuple[int, Any, Any]] = []
        positive = []
        for i, p in enumerate(self._priors):
            scalar = tuple(p.batch_shape) == () and tuple(p.event_shape) == ()
            kind = {dist.Normal: "normal", dist.HalfNormal: "half",
                    dist.LogNormal: "lognormal"}.get(type(p)) if scalar else None
            if kind == "normal":
                kinds[kind].append((i, float(p.loc), float(p.scale)))
            elif kind == "half":
                kinds[kind].append((i, 0.0, float(p.scale)))
            elif kind == "lognormal":
                kinds[kind].append((i, float(p.loc), float(p.scale)))
            else:
                self._other.append((i, p, biject_to(p.support)))
            positive.append(kind in ("half", "lognormal"))
        self._blocks = {k: _Block(torch.tensor([r[0] for r in v], dtype=torch.long),
                                  torch.tensor([r[1] for r in v], dtype=torch.float64),
                                  torch.tensor([r[2] for r in v], dtype=torch.float64))
                        for k, v in kinds.items()}
        self._positive = torch.tensor(positive + [False] * self.rows, dtype=torch.bool)

    def constrain(self, z: torch.Tensor) -> torch.Tensor:
        """Parameter values from unconstrained ``z`` (shape (..., dim))."""
        v = torch.where(self._positive, torch.exp(z.clamp(max=50.0)), z)
        if self._other:
            v = v.clone()
            for i, _, t in self._other:
                v[..., i] = t(z[..., i])
        return v

    def unconstrain(self, v: torch.Tensor) -> torch.Tensor:
        """The inverse of :meth:`constrain`."""
        z = torch.where(self._positive, torch.log(v.clamp(min=1e-300)), v)
        for i, _, t in self._other:
            z[..., i] = t.inv(v[..., i])
        return z

    def full(self, v: torch.Tensor) -> torch.Tensor:
        """Every parameter's value (free ones from constrained ``v``, then the fixed ones)."""
        fixed = self._fixed_values.expand(*v.shape[:-1], -1)
        return torch.cat([v[..., :self.dim], fixed], -1)

    def theta(self, v: torch.Tensor) -> Theta:
        """node -> name -> value: slices of constrained ``v`` (last axis), fixed values."""
        full = self.full(v)
        out: Theta = {n: {} for n in self._nodes}
        for j, (node, name) in enumerate(self._names):
            out[node][name] = full[..., j]
        if self.rows:
            out[ROWS] = {"u": v[..., self.dim:]}
        return out

    def log_prior(self, z: torch.Tensor) -> torch.Tensor:
        """log p(θ(z)) + log|dθ/dz| for one vector ``z``."""
        lp = torch.zeros((), dtype=torch.float64)
        b = self._blocks["normal"]
        if b.index.numel():
            lp = lp + _NORMAL(b.loc, b.scale).log_prob(z[b.index]).sum()
        b = self._blocks["half"]
        if b.index.numel():
            zi = z[b.index]
            lp = lp + (_NORMAL(b.loc, b.scale).log_prob(torch.exp(zi.clamp(max=50.0)))
                       + _LOG2 + zi).sum()
        b = self._blocks["lognormal"]
        if b.index.numel():
            lp = lp + _NORMAL(b.loc, b.scale).log_prob(z[b.index]).sum()
        if self.rows:
            lp = lp - 0.5 * (z[self.dim:] ** 2).sum() - 0.5 * self.rows * float(np.log(2 * np.pi))
        for i, p, t in self._other:
            x = t(z[i])
            lp = lp + p.log_prob(x).sum() + t.log_abs_det_jacobian(z[i], x).sum()
        return lp

    def log_density(self, z: torch.Tensor) -> torch.Tensor:
        """log p(data, θ(z)) + log|J| (the negative potential)."""
        v = self.constrain(z)
        out: torch.Tensor = self.log_prior(z) + self.loglik(self.full(v), v[self.dim:])
        return out

    def potential(self, params: Mapping[str, torch.Tensor]) -> torch.Tensor:
        """NUTS's ``potential_fn``: ``-log_density(params["z"])``, +inf where not finite."""
        u = -self.log_density(params["z"])
        return torch.where(torch.isfinite(u), u, torch.full_like(u, float("inf")))

    def initial(self) -> torch.Tensor:
        """A starting z: each prior's centre (its location; a half-normal's scale)."""
        z = torch.zeros(self.size, dtype=torch.float64)
        for kind in ("normal", "lognormal"):
            b = self._blocks[kind]
            z[b.index] = b.loc
        b = self._blocks["half"]
        z[b.index] = torch.log(0.5 * b.scale)
        for i, p, t in self._other:
            try:
                z[i] = t.inv(torch.as_tensor(p.mean, dtype=torch.float64)).reshape(())
            except (NotImplementedError, RuntimeError, ValueError):
                z[i] = 0.0
        return z

    def map_init(self, z0: torch.Tensor, steps: int = 300, lr: float = 0.05) -> torch.Tensor:
        """A MAP point on the unconstrained scale (Adam from ``z0``), NUTS's starting value;
        ``z0`` is returned where the optimisation does not end at a finite density."""
        z = z0.clone().requires_grad_(True)
        opt = torch.optim.Adam([z], lr=lr)
        for _ in range(steps):
            opt.zero_grad()
            loss = -self.log_density(z)
            if not torch.isfinite(loss):
                return z0
            loss.backward()  # type: ignore[no-untyped-call]
            opt.step()
        out = z.detach()
        return out if bool(torch.isfinite(self.log_density(out))) else z0
