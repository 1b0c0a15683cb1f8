"""Latent-marginal log-likelihoods for :class:`~rung.estimate.programs.bayesian.BayesianSCM`.

- **analytic**: every node linear-Gaussian, so V ~ N(μ, Σ) with μ = A c, Σ = A (Λ Λᵀ +
  diag σ²) Aᵀ, A = (I - B)⁻¹; the log-likelihood uses the sample mean and covariance only.
- **quadrature**: each row's latents U ~ N(0, I_L) are integrated on a product Gauss–Hermite
  grid (Q points per latent): log p(v_i) = log Σ_z w_z Π_n p(v_in | pa, u_z).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import torch
from numpy.polynomial.hermite_e import hermegauss

from rung.estimate.programs.scm import LatentStructure

__all__ = ["gauss_hermite_grid", "gaussian_loglik", "quadrature_loglik"]

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
