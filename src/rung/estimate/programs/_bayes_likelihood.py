"""Latent-marginal log-likelihoods for :class:`~rung.estimate.programs.bayesian.BayesianSCM`.

- **analytic**: every node linear-Gaussian, so V ~ N(μ, Σ) with μ = A c, Σ = A (Λ Λᵀ +
  diag σ²) Aᵀ, A = (I - B)⁻¹; the log-likelihood uses the sample mean and covariance only.
- **quadrature**: each row's latents U ~ N(0, I_L) are integrated on a product Gauss–Hermite
  grid (Q points per latent): log p(v_i) = log Σ_z w_z Π_n p(v_in | pa, u_z).

:class:`LinearLayout` evaluates both from one parameter vector: the intercepts, the weight
matrix B and the loadings Λ are gathered with precomputed indices, and the linear predictors
of all nodes on all grid points and rows are one (Z, N, P) tensor, so a gradient costs a few
dozen tensor operations whatever the number of parameters. Gaussian, logistic and sigmoid
nodes are scored as column groups; other families and user mechanisms node by node.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyro.distributions as dist
import torch
from numpy.polynomial.hermite_e import hermegauss

from rung.estimate.programs.scm import LatentStructure

__all__ = ["LinearLayout", "gauss_hermite_grid", "gaussian_loglik", "quadrature_loglik"]

NodeTheta = Callable[[str], Mapping[str, torch.Tensor]]


def gauss_hermite_grid(n_latents: int, q: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Product Gauss–Hermite grid for N(0, I_L): points (Z, L) and log weights (Z,).

    >>> pts, logw = gauss_hermite_grid(2, 5)
    >>> tuple(pts.shape), round(float(logw.exp().sum()), 6)
    ((25, 2), 1.0)
    """
    if n_latents == 0:
        return torch.zeros(1, 0, dtype=torch.float64), torch.zeros(1, dtype=torch.float64)
    x, w = hermegauss(q)  # weight function exp(-x²/2)
    w = w / w.sum()
    mesh = np.stack(np.meshgrid(*([x] * n_latents), indexing="ij"), -1).reshape(-1, n_latents)
    logw = np.log(np.stack(np.meshgrid(*([w] * n_latents), indexing="ij"), -1)
                  .reshape(-1, n_latents)).sum(-1)
    return torch.as_tensor(mesh), torch.as_tensor(logw)


def gaussian_loglik(s: LatentStructure, theta: NodeTheta, mean: torch.Tensor,
                    cov: torch.Tensor, n_rows: int) -> torch.Tensor:
    """Exact log-likelihood of n rows with sample ``mean`` and (biased) ``cov`` under the
    linear-Gaussian SCM whose node parameters ``theta(node)`` returns."""
    p, idx = len(s.order), {n: i for i, n in enumerate(s.order)}
    lat = {u: j for j, u in enumerate(s.latents)}
    f64 = torch.float64
    th = {n: theta(n) for n in s.order}
    edges = [(idx[n], idx[q], th[n][f"w[{q}]"]) for n in s.order for q in s.parents[n]]
    loads = [(idx[n], lat[u], th[n][f"lam[{u}]"]) for n in s.order for u in s.latents_of(n)]
    cvec = torch.stack([torch.as_tensor(th[n]["b0"], dtype=f64) for n in s.order])
    sdv = torch.stack([torch.as_tensor(th[n]["sigma"], dtype=f64) for n in s.order])
    b = torch.zeros((p, p), dtype=f64)
    if edges:
        rows, cols, vals = zip(*edges, strict=True)
        b = b.index_put((torch.tensor(rows), torch.tensor(cols)),
                        torch.stack([torch.as_tensor(v, dtype=f64) for v in vals]))
    a = torch.linalg.inv(torch.eye(p, dtype=f64) - b)
    omega = torch.diag(sdv**2)
    if loads:
        rows, cols, vals = zip(*loads, strict=True)
        lam = torch.zeros((p, len(lat)), dtype=f64).index_put(
            (torch.tensor(rows), torch.tensor(cols)),
            torch.stack([torch.as_tensor(v, dtype=f64) for v in vals]))
        omega = omega + lam @ lam.T
    sigma = a @ omega @ a.T
    mu = a @ cvec
    d = (mean - mu).reshape(-1, 1)
    chol = torch.linalg.cholesky(sigma)
    logdet = 2 * torch.log(torch.diagonal(chol)).sum()
    scatter = cov + d @ d.T
    trace = torch.cholesky_solve(scatter, chol).diagonal().sum()
    out: torch.Tensor = -0.5 * n_rows * (p * np.log(2 * np.pi) + logdet + trace)
    return out


def quadrature_loglik(s: LatentStructure, node_dist: Callable[[str, Mapping[str, Any]], Any],
                      data: Mapping[str, torch.Tensor], grid: torch.Tensor,
                      logw: torch.Tensor) -> torch.Tensor:
    """Σ_i log Σ_z w_z Π_n p(v_in | parents, u_z); ``data`` values have shape (1, N)."""
    inputs: dict[str, Any] = dict(data)
    for j, u in enumerate(s.latents):
        inputs[u] = grid[:, j].reshape(-1, 1)  # (Z, 1)
    lp = logw.reshape(-1, 1)
    for n in s.order:
        lp = lp + node_dist(n, inputs).log_prob(data[n])
    out: torch.Tensor = torch.logsumexp(lp, 0).sum()
    return out


_VECTOR = ("gaussian", "logistic", "sigmoid")
_NORMAL: Any = dist.Normal


def _gather_matrix(shape: tuple[int, int], cells: list[tuple[int, int, int]]
                   ) -> tuple[torch.Tensor, torch.Tensor]:
    flat = torch.tensor([r * shape[1] + c for r, c, _ in cells], dtype=torch.long)
    return flat, torch.tensor([k for _, _, k in cells], dtype=torch.long)


@dataclass(frozen=True)
class _Index:
    """Where each node's parameters sit in the full parameter vector."""

    b0: torch.Tensor              # (P,) positions (node rows without one point at 0)
    has_b0: torch.Tensor          # (P,) bool
    w_cells: torch.Tensor         # flat (row * P + col) cells of B
    w_pos: torch.Tensor
    lam_cells: torch.Tensor       # flat (row * L + col) cells of Λ
    lam_pos: torch.Tensor
    extra: dict[str, torch.Tensor]  # "sigma"/"vmax" -> (P,) positions, 0 where unused


class LinearLayout:
    """The linear predictors η = b0 + B v + Λ u of every built-in-family node, gathered from
    the full parameter vector (``position``: site key -> index).

    ``families`` maps each node to its family or ``"user"``; ``node_dist(node, theta,
    inputs)`` scores the nodes that are not a vectorised family (gaussian, logistic,
    sigmoid).
    """

    def __init__(self, s: LatentStructure, families: Mapping[str, str],
                 position: Mapping[str, int],
                 node_dist: Callable[[str, Mapping[str, Any], Mapping[str, Any]], Any]
                 ) -> None:
        self.s, self.families, self.node_dist = s, dict(families), node_dist
        self.position = dict(position)
        order, lat = s.order, list(s.latents)
        p, nl = len(order), len(lat)
        col = {n: i for i, n in enumerate(order)}
        built = [n for n in order if families[n] != "user"]
        pos = self.position.__getitem__
        w = [(col[n], col[q], pos(f"{n}:w[{q}]")) for n in built for q in s.parents[n]]
        lm = [(col[n], lat.index(u), pos(f"{n}:lam[{u}]")) for n in built
              for u in s.latents_of(n)]
        wc, wp = _gather_matrix((p, p), w)
        lc, lp = _gather_matrix((p, max(nl, 1)), lm)

        def at(name: str) -> torch.Tensor:
            return torch.tensor([self.position.get(f"{n}:{name}", 0) for n in order],
                                dtype=torch.long)

        self.index = _Index(b0=at("b0"), has_b0=torch.tensor(
            [families[n] != "user" for n in order]), w_cells=wc, w_pos=wp, lam_cells=lc,
            lam_pos=lp, extra={"sigma": at("sigma"), "vmax": at("vmax")})
        self.groups = {f: torch.tensor([col[n] for n in order if families[n] == f],
                                       dtype=torch.long) for f in _VECTOR}
        self.others = tuple(n for n in order if families[n] not in _VECTOR)
        self._params = {n: tuple((k.split(":", 1)[1], i) for k, i in self.position.items()
                                 if k.split(":", 1)[0] == n) for n in self.others}
        self.p, self.nl = p, nl

    def matrices(self, full: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(b0 (P,), B (P, P) with B[node, parent], Λ (P, L)) from ``full``."""
        ix = self.index
        b0 = torch.where(ix.has_b0, full[ix.b0], torch.zeros((), dtype=full.dtype))
        b = full.new_zeros(self.p * self.p).index_put((ix.w_cells,), full[ix.w_pos])
        lam = full.new_zeros(self.p * max(self.nl, 1)).index_put((ix.lam_cells,),
                                                                 full[ix.lam_pos])
        return b0, b.reshape(self.p, self.p), lam.reshape(self.p, max(self.nl, 1))

    def gaussian_loglik(self, full: torch.Tensor, mean: torch.Tensor, cov: torch.Tensor,
                        n_rows: int) -> torch.Tensor:
        """:func:`gaussian_loglik` from the full parameter vector (every node gaussian)."""
        b0, b, lam = self.matrices(full)
        sd = full[self.index.extra["sigma"]]
        a = torch.linalg.inv(torch.eye(self.p, dtype=full.dtype) - b)
        omega = torch.diag(sd**2) + (lam @ lam.T if self.nl else 0.0)
        sigma = a @ omega @ a.T
        d = (mean - a @ b0).reshape(-1, 1)
        chol = torch.linalg.cholesky(sigma)
        logdet = 2 * torch.log(torch.diagonal(chol)).sum()
        trace = torch.cholesky_solve(cov + d @ d.T, chol).diagonal().sum()
        out: torch.Tensor = -0.5 * n_rows * (self.p * np.log(2 * np.pi) + logdet + trace)
        return out

    def quadrature_loglik(self, full: torch.Tensor, x: torch.Tensor, grid: torch.Tensor,
                          logw: torch.Tensor, counts: torch.Tensor | None = None
                          ) -> torch.Tensor:
        """:func:`quadrature_loglik` from the full parameter vector; ``x`` is (N, P), each
        row counted ``counts`` times (repeated rows scored once: binary data have few).
        ``grid`` is (Z, L) with ``logw`` (Z,), or per row (Z, N, L) with ``logw`` (Z, N)
        (the adaptive grid of :mod:`rung.estimate.programs._bayes_adaptive`)."""
        lp = (logw.reshape(-1, 1) if logw.dim() == 1 else logw) + self.joint_logp(full, x, grid)
        row = torch.logsumexp(lp, 0)
        out: torch.Tensor = row.sum() if counts is None else (counts * row).sum()
        return out

    def joint_logp(self, full: torch.Tensor, x: torch.Tensor, grid: torch.Tensor
                   ) -> torch.Tensor:
        """log p(v_i | u_z) summed over nodes, shape (Z, N): every row's data given the
        latents at each grid point (``grid`` (Z, L) shared, or (Z, N, L) per row)."""
        b0, b, lam = self.matrices(full)
        eta = (b0 + x @ b.T).unsqueeze(0)  # (1, N, P)
        if self.nl:
            eta = eta + (grid @ lam.T if grid.dim() == 3 else (grid @ lam.T).unsqueeze(1))
        lp = self._grouped(full, eta, x)
        for n in self.others:
            lp = lp + self._other(n, full, x, grid)
        return lp

    def _grouped(self, full: torch.Tensor, eta: torch.Tensor, x: torch.Tensor
                 ) -> torch.Tensor:
        out = torch.zeros(eta.shape[:2], dtype=full.dtype)
        ex = self.index.extra
        g = self.groups["gaussian"]
        if g.numel():
            out = out + _NORMAL(eta[..., g], full[ex["sigma"][g]]).log_prob(
                x[:, g]).sum(-1)
        g = self.groups["logistic"]
        if g.numel():
            e = eta[..., g]
            out = out + (x[:, g] * e - torch.nn.functional.softplus(e)).sum(-1)
        g = self.groups["sigmoid"]
        if g.numel():
            mu = full[ex["vmax"][g]] * torch.sigmoid(eta[..., g])
            out = out + _NORMAL(mu, full[ex["sigma"][g]]).log_prob(x[:, g]).sum(-1)
        return out

    def _other(self, node: str, full: torch.Tensor, x: torch.Tensor,
               grid: torch.Tensor) -> torch.Tensor:
        """log p of one node by its own distribution, shape (Z, N)."""
        s, col = self.s, {n: i for i, n in enumerate(self.s.order)}
        inputs: dict[str, Any] = {q: x[:, col[q]].reshape(1, -1) for q in s.parents[node]}
        for j, u in enumerate(s.latents):
            inputs[u] = grid[..., j] if grid.dim() == 3 else grid[:, j].reshape(-1, 1)
        theta = {name: full[i] for name, i in self._params[node]}
        lp: torch.Tensor = self.node_dist(node, theta, inputs).log_prob(
            x[:, col[node]].reshape(1, -1))
        return lp
