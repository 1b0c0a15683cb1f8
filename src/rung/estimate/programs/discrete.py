"""A discrete SCM from a graph: one conditional probability table per node, one categorical
latent per ``<->``, fitted by exact EM (Dempster, Laird & Rubin 1977).

The E-step enumerates the joint latent states (K^L configurations) for each distinct data
row, so the likelihood is exact; without latents EM reduces to smoothed counting.
"""

from __future__ import annotations

from itertools import product
from typing import Self

import numpy as np
import pandas as pd
import pyro
import pyro.distributions as dist
import torch
from scipy.special import logsumexp

from rung.estimate.data import check_data, is_discrete
from rung.estimate.errors import EstimationError
from rung.estimate.programs.scm import LatentStructure, SCMProgram, latent_structure
from rung.graph import CausalGraph

__all__ = ["DiscreteSCM"]


class DiscreteSCM(SCMProgram):
    """Categorical SCM with categorical latents, fitted by EM with random restarts.

    Parameters
    ----------
    graph : CausalGraph
        The causal graph; its observed nodes must be discrete columns of the data.
    latent_states : int
        Number of states K of each latent.
    n_restarts : int
        EM runs from random starts; the best likelihood wins.
    max_iter : int
        EM iterations per run.
    tol : float
        Stop when the log-likelihood per row improves by less than this.
    smoothing : float
        Dirichlet pseudo-count added to every table cell (MAP-EM).
    seed : int or None
        Seed of the random starts.

    Attributes
    ----------
    categories_ : dict   node -> sorted observed values
    tables_ : dict       node -> array [parents..., latents..., node] of probabilities
    latent_probs_ : dict latent -> (K,) probabilities
    loglik_ : float      log-likelihood per row of the best run
    converged_ : bool

    Examples
    --------
    >>> from rung.datasets import napkin
    >>> cs = napkin(n=2000)
    >>> scm = DiscreteSCM(cs.graph, n_restarts=2).fit(cs.data)
    >>> scm.tables_["Y"].shape  # X, latent U_Y_Z2, Y
    (2, 2, 2)
    """

    def __init__(
        self,
        graph: CausalGraph,
        *,
        latent_states: int = 2,
        n_restarts: int = 4,
        max_iter: int = 500,
        tol: float = 1e-7,
        smoothing: float = 0.5,
        seed: int | None = 0,
    ) -> None:
        self.graph = graph
        self.latent_states = latent_states
        self.n_restarts = n_restarts
        self.max_iter = max_iter
        self.tol = tol
        self.smoothing = smoothing
        self.seed = seed

    def fit(self, data: pd.DataFrame, *, init: DiscreteSCM | None = None) -> Self:
        """Fit the tables by EM on the distinct rows of ``data``.

        ``init``, a model of the same graph fitted to data with the same categories, makes a
        single EM run start from its tables (no restarts): the bootstrap uses this, as every
        resample is close to the full data and stays in the same labelling of the latents.
        """
        s = latent_structure(self.graph)
        df = check_data(data, s.order)
        for n in s.order:
            if not is_discrete(df[n].to_numpy()):
                raise EstimationError(
                    f"column {n!r} is not discrete (integers, at most 20 values); use the "
                    "linear-Gaussian model or discretise it"
                )
        self.structure_ = s
        self.categories_ = {n: np.unique(df[n].to_numpy()) for n in s.order}
        codes = np.column_stack(
            [np.searchsorted(self.categories_[n], df[n].to_numpy()) for n in s.order]
        )
        rows, counts = np.unique(codes, axis=0, return_counts=True)
        rng = np.random.default_rng(self.seed)
        if init is not None and self._compatible(init):
            best = self._em(s, rows, counts, rng, start=(init.tables_, init.latent_probs_))
        else:
            runs = max(1, self.n_restarts) if s.latents else 1
            best = max((self._em(s, rows, counts, rng) for _ in range(runs)),
                       key=lambda r: r[0])
        self.loglik_, self.tables_, self.latent_probs_, self.converged_ = best
        return self

    tables_: dict[str, np.ndarray]
    latent_probs_: dict[str, np.ndarray]

    def _compatible(self, other: DiscreteSCM) -> bool:
        """Same structure, categories and latent states: ``other`` can seed EM."""
        return (getattr(other, "structure_", None) == self.structure_
                and other.latent_states == self.latent_states
                and all(np.array_equal(other.categories_[n], c)
                        for n, c in self.categories_.items()))

    # ------------------------------------------------------------------ EM
    def _shapes(self, s: LatentStructure) -> dict[str, tuple[int, ...]]:
        k = self.latent_states
        return {n: (*(len(self.categories_[p]) for p in s.parents[n]),
                    *(k for _ in s.latents_of(n)), len(self.categories_[n])) for n in s.order}

    def _em(self, s: LatentStructure, rows: np.ndarray, counts: np.ndarray,
            rng: np.random.Generator,
            start: tuple[dict[str, np.ndarray], dict[str, np.ndarray]] | None = None
            ) -> tuple[float, dict[str, np.ndarray], dict[str, np.ndarray], bool]:
        k, lat = self.latent_states, list(s.latents)
        if start is None:
            tables = {n: rng.dirichlet(np.ones(sh[-1]), size=sh[:-1]) for n, sh in
                      self._shapes(s).items()}
            pis = {u: rng.dirichlet(np.ones(k) * 5) for u in lat}
        else:
            tables = {n: t.copy() for n, t in start[0].items()}
            pis = {u: p.copy() for u, p in start[1].items()}
        combos = list(product(range(k), repeat=len(lat)))
        configs = np.array(combos, dtype=int).reshape(len(combos), len(lat))  # (Z, L)
        index = {n: self._cell_index(s, n, rows, configs) for n in s.order}
        total, prev, converged = float(counts.sum()), -np.inf, False
        for _ in range(self.max_iter):
            logp = np.zeros((len(rows), len(configs)))  # (R, Z) log p(row, z)
            for j, u in enumerate(lat):
                logp += np.log(pis[u])[configs[:, j]][None, :]
            for n in s.order:
                logp += np.log(tables[n][index[n]])
            norm = logsumexp(logp, axis=1, keepdims=True)
            ll = float((counts * norm[:, 0]).sum()) / total
            weight = counts[:, None] * np.exp(logp - norm)  # (R, Z) expected counts
            for n in s.order:
                acc = np.full(tables[n].shape, self.smoothing)
                np.add.at(acc, index[n], weight)
                tables[n] = acc / acc.sum(axis=-1, keepdims=True)
            for j, u in enumerate(lat):
                acc = np.bincount(configs[:, j], weights=weight.sum(axis=0), minlength=k) + 1.0
                pis[u] = acc / acc.sum()
            if ll - prev < self.tol:
                converged = True
                break
            prev = ll
        return ll, tables, pis, converged

    def _cell_index(self, s: LatentStructure, node: str, rows: np.ndarray,
                    configs: np.ndarray) -> tuple[np.ndarray, ...]:
        """Index arrays of shape (R, Z) selecting each (row, latent config)'s table cell."""
        col = {n: i for i, n in enumerate(s.order)}
        lat = list(s.latents)
        r, z = len(rows), len(configs)
        parts = [np.broadcast_to(rows[:, [col[p]]], (r, z)) for p in s.parents[node]]
        parts += [np.broadcast_to(configs[None, :, lat.index(u)], (r, z))
                  for u in s.latents_of(node)]
        parts.append(np.broadcast_to(rows[:, [col[node]]], (r, z)))
        return tuple(parts)

    # ------------------------------------------------------------------ the program
    def model(self, num_samples: int) -> dict[str, torch.Tensor]:
        """The Pyro program; node sites hold category codes (see :meth:`from_site`)."""
        s = self.structure_
        out: dict[str, torch.Tensor] = {}
        with pyro.plate("units", num_samples):
            for u in s.latents:
                out[u] = pyro.sample(u, dist.Categorical(torch.as_tensor(self.latent_probs_[u])))
            for n in s.order:
                table = torch.as_tensor(self.tables_[n])
                idx = tuple(out[p].long() for p in (*s.parents[n], *s.latents_of(n)))
                out[n] = pyro.sample(n, dist.Categorical(table[idx] if idx else table))
        return out

    def to_site(self, node: str, value: float) -> torch.Tensor:
        """The category code of ``node = value``."""
        cats = self.categories_[node]
        hit = np.flatnonzero(cats == float(value))
        if not len(hit):
            raise EstimationError(
                f"{node}={value} was never observed (values: {cats.tolist()}); intervene on "
                "an observed value"
            )
        return torch.as_tensor(int(hit[0]))

    def from_site(self, node: str, site: torch.Tensor) -> np.ndarray:
        """Category values of sampled codes."""
        codes = site.detach().cpu().numpy().astype(int)
        return np.asarray(self.categories_[node][codes], dtype=float)
