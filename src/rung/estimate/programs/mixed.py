"""A generative SCM for mixed data (continuous, binary, categorical columns) with Gaussian
latents, written as a Pyro program and fitted by gradient ascent on a likelihood bound.

Each observed node has the mechanism of :mod:`rung.estimate.programs._mechanisms`; each bidirected
edge ``A <-> B`` (or explicit latent) is a latent U ~ N(0, 1) feeding its children. Two fits:

- **marginalised** (default while the grid is small): each latent is integrated out per row
  by Gauss–Hermite quadrature (Q nodes per latent, Q^L grid points), so the objective is the
  marginal log-likelihood itself, deterministic on full batches. This is exact enumeration of
  a Q-point discretisation of N(0, 1) — the ELBO with the exact posterior over the grid.
- **SVI**: Pyro's ``Trace_ELBO`` with a mean-field Normal guide over every row's latents
  (what ``AutoNormal`` builds), for models with too many latents for a grid.

Continuous columns are standardised internally; ``to_site``/``from_site`` convert values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import pandas as pd
import pyro
import pyro.distributions as dist
import torch
from numpy.polynomial.hermite_e import hermegauss
from pyro.infer import Trace_ELBO

from rung.data import MAX_DISCRETE_VALUES, column_kind
from rung.estimate.data import check_data
from rung.estimate.errors import EstimationError
from rung.estimate.programs._fitting import optimise
from rung.estimate.programs._mechanisms import Mechanisms, NodeSpec
from rung.estimate.programs.scm import SCMProgram, latent_structure
from rung.graph import CausalGraph

__all__ = ["MixedConfig", "MixedSCM", "column_kind"]

_GRID_LIMIT = 4096  # most quadrature points per row
_CELLS_PER_STEP = 2_000_000  # grid points x rows evaluated per gradient step


@dataclass(frozen=True)
class MixedConfig:
    """Settings of :class:`MixedSCM`.

    Attributes
    ----------
    hidden : int
        Hidden units of a small tanh network added to each continuous node's linear mean
        (0: linear-Gaussian).
    max_categories : int
        Integer columns with at most this many values are discrete (2: binary).
    quadrature_points : int
        Gauss–Hermite nodes per latent for the marginalised fit (fewer when L is large).
    marginalise : bool or None
        True: quadrature; False: SVI with a per-row Normal guide; None: quadrature when the
        grid has at most 4,096 points.
    max_steps, lr, window, rtol
        Adam steps, learning rate, and the convergence window / relative tolerance (SVI
        uses a window four times longer, as its ELBO estimate is noisy).
    progress : bool or None
        Show a progress bar (None: when stderr is a terminal).
    """

    hidden: int = 0
    max_categories: int = MAX_DISCRETE_VALUES
    quadrature_points: int = 20
    marginalise: bool | None = None
    max_steps: int = 3000
    lr: float = 0.05
    window: int = 50
    rtol: float = 1e-4
    progress: bool | None = None


class MixedSCM(SCMProgram):
    """SCM with logistic / softmax / (neural) linear-Gaussian mechanisms and Gaussian latents.

    Parameters
    ----------
    graph : CausalGraph
    config : MixedConfig or None
    seed : int or None
        Seed of every random step of the fit: the initial latent loadings, the network's
        initial weights (``hidden > 0``), minibatches and SVI's draws (torch's global random
        state is neither used nor changed), so two fits with one seed are identical.

    Attributes
    ----------
    kinds_ : dict            node -> "continuous" | "binary" | "categorical"
    categories_ : dict       discrete node -> sorted observed values
    loc_, scale_ : dict      continuous node -> standardisation
    net_ : Mechanisms        the fitted mechanisms (torch module)
    marginalised_ : bool     True for the quadrature fit, False for SVI
    elbo_history_ : list     objective per step (ELBO per row)
    n_steps_ : int
    converged_ : bool

    Examples
    --------
    >>> from rung.datasets import mixed_frontdoor
    >>> cs = mixed_frontdoor(n=1000)
    >>> scm = MixedSCM(cs.graph, config=MixedConfig(max_steps=300)).fit(cs.data)
    >>> scm.kinds_["X"], scm.marginalised_
    ('binary', True)
    """

    def __init__(self, graph: CausalGraph, *, config: MixedConfig | None = None,
                 seed: int | None = 0) -> None:
        self.graph = graph
        self.config = config
        self.seed = seed

    # ------------------------------------------------------------------ data encoding
    def _describe(self, df: pd.DataFrame) -> None:
        cfg = self.config or MixedConfig()
        s = self.structure_
        self.kinds_ = {n: column_kind(df[n].to_numpy(), cfg.max_categories) for n in s.order}
        self.categories_ = {n: np.unique(df[n].to_numpy()) for n in s.order
                            if self.kinds_[n] != "continuous"}
        cont = [n for n in s.order if self.kinds_[n] == "continuous"]
        self.loc_ = {n: float(df[n].mean()) for n in cont}
        self.scale_ = {n: float(df[n].std()) or 1.0 for n in cont}

    def _encode(self, df: pd.DataFrame) -> dict[str, torch.Tensor]:
        out: dict[str, torch.Tensor] = {}
        for n in self.structure_.order:
            v = df[n].to_numpy()
            if self.kinds_[n] == "continuous":
                out[n] = torch.as_tensor((v - self.loc_[n]) / self.scale_[n], dtype=torch.float32)
            else:
                codes = np.searchsorted(self.categories_[n], v)
                out[n] = torch.as_tensor(codes, dtype=torch.float32)
        return out

    def _specs(self) -> dict[str, NodeSpec]:
        s = self.structure_
        return {n: NodeSpec(self.kinds_[n], s.parents[n], s.latents_of(n),
                            len(self.categories_.get(n, ()))) for n in s.order}

    # ------------------------------------------------------------------ fitting
    def fit(self, data: pd.DataFrame, *, init: MixedSCM | None = None) -> Self:
        """Fit the mechanisms; ``init`` warm-starts from a fitted model of the same graph.

        Every draw comes from ``seed``; torch's global random state is restored after."""
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0 if self.seed is None else self.seed)
            return self._fit(data, init)

    def _fit(self, data: pd.DataFrame, init: MixedSCM | None) -> Self:
        cfg = self.config or MixedConfig()
        self.structure_ = latent_structure(self.graph)
        df = check_data(data, self.structure_.order)
        self._describe(df)
        self.net_ = Mechanisms(self._specs(), cfg.hidden, self.seed)
        if init is not None and init._specs() == self._specs():
            self.net_.load_state_dict(init.net_.state_dict())
        obs = self._encode(df)
        n_lat = len(self.structure_.latents)
        q = _points_per_latent(n_lat, cfg.quadrature_points)
        marg = cfg.marginalise if cfg.marginalise is not None else q > 0
        if marg and q == 0:
            raise EstimationError(f"{n_lat} latents are too many to integrate on a grid; "
                                  "use MixedConfig(marginalise=False) for SVI")
        step = self._quadrature_step(obs, max(q, 2)) if marg else self._svi_step(obs)
        label = "quadrature fit" if marg else "SVI fit"
        window = cfg.window if marg else 4 * cfg.window  # the SVI objective is noisy
        trace = optimise(step, cfg.max_steps, window, cfg.rtol, cfg.progress, label)
        self.marginalised_ = bool(marg)
        self.elbo_history_, self.n_steps_ = trace.history, trace.n_steps
        self.converged_ = trace.converged
        return self

    def _quadrature_step(self, obs: dict[str, torch.Tensor], q: int) -> Callable[[], float]:
        lat_names = list(self.structure_.latents)
        grid, logw = _gauss_hermite_grid(len(lat_names), q)  # (Z, L), (Z,)
        lat = {u: grid[:, j].reshape(-1, 1) for j, u in enumerate(lat_names)}  # (Z, 1)
        n_rows = len(next(iter(obs.values())))
        opt = torch.optim.Adam(self.net_.parameters(), lr=(self.config or MixedConfig()).lr)
        gen = torch.Generator().manual_seed(0 if self.seed is None else self.seed)
        size = min(n_rows, max(256, _CELLS_PER_STEP // len(grid)))  # rows per step
        full = size == n_rows

        def step() -> float:
            idx = None if full else torch.randint(0, n_rows, (size,), generator=gen)
            vals = obs if idx is None else {k: v[idx] for k, v in obs.items()}
            lp = logw.reshape(-1, 1)  # (Z, 1) -> (Z, B) after the loop
            for n in self.structure_.order:
                lp = lp + self.node_dist(n, vals, lat).log_prob(self._as_value(n, vals[n]))
            loss = -torch.logsumexp(lp, 0).mean()  # per-row marginal NLL
            opt.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            opt.step()
            return -float(loss.detach())

        return step

    def _svi_step(self, obs: dict[str, torch.Tensor]) -> Callable[[], float]:
        n_rows = len(next(iter(obs.values())))
        lat = list(self.structure_.latents)
        loc = torch.zeros(len(lat), n_rows, requires_grad=True)  # q(U_l,i) = N(loc, sd)
        raw_sd = torch.full((len(lat), n_rows), -1.0, requires_grad=True)
        params = [*self.net_.parameters(), loc, raw_sd]
        opt = torch.optim.Adam(params, lr=(self.config or MixedConfig()).lr)
        elbo = Trace_ELBO()  # type: ignore[no-untyped-call]

        def guide(obs: dict[str, torch.Tensor]) -> None:
            with pyro.plate("units", n_rows):
                for j, u in enumerate(lat):
                    sd = torch.nn.functional.softplus(raw_sd[j]) + 1e-4
                    pyro.sample(u, dist.Normal(loc[j], sd))

        def step() -> float:
            loss = elbo.differentiable_loss(  # type: ignore[no-untyped-call]
                self._program, guide, obs) / n_rows
            opt.zero_grad()
            loss.backward()
            opt.step()
            return -float(loss.detach())

        return step

    # ------------------------------------------------------------------ the program
    def node_dist(self, node: str, values: dict[str, torch.Tensor],
                  latents: dict[str, torch.Tensor]) -> Any:
        """The conditional distribution of ``node`` given parents and latents (model scale)."""
        eta, scale = self.net_.params_of(node, values, latents)
        kind = self.kinds_[node]
        if kind == "continuous" and scale is not None:
            return dist.Normal(eta, scale)
        if kind == "binary":
            return dist.Bernoulli(logits=eta)
        return dist.Categorical(logits=eta)

    def _as_value(self, node: str, v: torch.Tensor) -> torch.Tensor:
        return v.long() if self.kinds_[node] == "categorical" else v

    def _program(self, obs: dict[str, torch.Tensor] | None = None,
                 num_samples: int | None = None) -> dict[str, torch.Tensor]:
        s = self.structure_
        size = num_samples if obs is None else len(next(iter(obs.values())))
        out: dict[str, torch.Tensor] = {}
        with pyro.plate("units", size):
            for u in s.latents:
                out[u] = pyro.sample(u, dist.Normal(torch.zeros(()), torch.ones(())))
            for n in s.order:
                value = None if obs is None else self._as_value(n, obs[n])
                out[n] = pyro.sample(n, self.node_dist(n, out, out), obs=value)
        return out

    def model(self, num_samples: int) -> dict[str, torch.Tensor]:
        """The Pyro program: latents ~ N(0, 1), then each node given parents and latents."""
        return self._program(None, num_samples)

    def to_site(self, node: str, value: float) -> torch.Tensor:
        """The model-scale value of ``node = value`` (standardised value or category code)."""
        if self.kinds_[node] == "continuous":
            return torch.as_tensor((float(value) - self.loc_[node]) / self.scale_[node])
        cats = self.categories_[node]
        hit = np.flatnonzero(cats == float(value))
        if not len(hit):
            raise EstimationError(f"{node}={value} was never observed (values: "
                                  f"{cats.tolist()}); intervene on an observed value")
        code = torch.as_tensor(int(hit[0]))
        return code if self.kinds_[node] == "categorical" else code.float()

    def from_site(self, node: str, site: torch.Tensor) -> np.ndarray:
        """Data-scale values of model-scale samples."""
        v = site.detach().cpu().numpy()
        if self.kinds_[node] == "continuous":
            return np.asarray(v * self.scale_[node] + self.loc_[node], dtype=float)
        return np.asarray(self.categories_[node][v.astype(int)], dtype=float)


def _points_per_latent(n_latents: int, wanted: int) -> int:
    """Quadrature nodes per latent so the grid stays within the limit (0: too many)."""
    if n_latents == 0:
        return 1
    q = min(wanted, int(np.floor(_GRID_LIMIT ** (1 / n_latents) + 1e-9)))
    return q if q >= 5 else 0


def _gauss_hermite_grid(n_latents: int, q: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Product Gauss–Hermite grid for N(0, I_L): points (Z, L) and log weights (Z,)."""
    x, w = hermegauss(q)  # weight function exp(-x²/2)
    w = w / w.sum()
    if n_latents == 0:
        return torch.zeros(1, 0), torch.zeros(1)
    mesh = np.stack(np.meshgrid(*([x] * n_latents), indexing="ij"), -1).reshape(-1, n_latents)
    logw = np.log(np.stack(np.meshgrid(*([w] * n_latents), indexing="ij"), -1)
                  .reshape(-1, n_latents)).sum(-1)
    return (torch.as_tensor(mesh, dtype=torch.float32),
            torch.as_tensor(logw, dtype=torch.float32))
