"""NUTS chains of a :class:`~rung.estimate.programs.bayesian.BayesianSCM`, preconditioned by
the Laplace approximation at the MAP point.

The case studies' parameters live on very different scales: a weight on a 0–100 molecule
level has a posterior sd near 0.001, an intercept near 0.1, a log noise scale near 0.05.
Started from the MAP point with a fixed jitter and an identity mass matrix, a chain is thrown
hundreds of posterior sds along the narrow directions, and the short warm-up's step-size and
mass-matrix adaptation may not bring it back: measured on the COVID-19 study (N = 200, 150
warm-up), one chain settled 500 nats below the other (ADAM17's noise sd 64 against 4, the
query 0.52 against 0.08), a stuck chain, not a second mode.

Here NUTS runs on ξ with z = ẑ + L ξ, where ẑ is the MAP point (Adam, then L-BFGS) and
L Lᵀ = H⁻¹ is the inverse Hessian of the potential there (its eigenvalues floored at 0.1, so
flat or non-identified directions get a wide, not infinite, scale). The map is affine with a
constant Jacobian, so the posterior is unchanged; in ξ the posterior is close to N(0, I),
the identity mass matrix that warm-up starts from is already well scaled, and each chain
starts from its own draw ξ₀ ~ N(0, I) (clipped to ±2), dispersed at the posterior's own
scale (as R-hat needs). It is the idea of Stan's and Pyro's mass-matrix adaptation, with
the matrix taken from the curvature at the mode instead of from the first warm-up window.
"""

from __future__ import annotations

from typing import Any

import pyro.poutine as poutine
import torch
from pyro.infer import MCMC, NUTS

from rung.estimate.programs._bayes_potential import FlatPosterior

__all__ = ["MAX_LAPLACE_SIZE", "laplace_factor", "polish_map", "run_chain"]

#: above this many unconstrained entries (the sampled-latents route: N·L row latents) the
#: Hessian is not formed and the chains run on z itself
MAX_LAPLACE_SIZE = 400
_MIN_CURVATURE = 0.1  # eigenvalues of H floored here: a direction's sd is at most 3.2


def polish_map(post: FlatPosterior, z0: torch.Tensor, iters: int = 50) -> torch.Tensor:
    """Refine a MAP estimate by L-BFGS (Adam's fixed step leaves the narrow directions
    rattling); ``z0`` is returned if the refined point is not better and finite."""
    z = z0.clone().requires_grad_(True)
    opt = torch.optim.LBFGS([z], max_iter=iters, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = -post.log_density(z)
        if torch.isfinite(loss):
            loss.backward()  # type: ignore[no-untyped-call]
        return loss

    try:
        opt.step(closure)  # type: ignore[no-untyped-call]
    except RuntimeError:
        return z0
    out = z.detach()
    new, old = post.log_density(out), post.log_density(z0)
    return out if bool(torch.isfinite(new)) and bool(new >= old) else z0


def laplace_factor(post: FlatPosterior, z: torch.Tensor) -> torch.Tensor | None:
    """L with L Lᵀ = H⁻¹, H the Hessian of the potential at ``z`` with its eigenvalues
    floored at 0.1; ``None`` when the vector is too long or the Hessian is not finite."""
    if z.numel() > MAX_LAPLACE_SIZE:
        return None
    hess: Any = torch.autograd.functional.hessian(  # type: ignore[no-untyped-call]
        lambda v: -post.log_density(v), z)
    h = 0.5 * (hess + hess.T)
    if not bool(torch.isfinite(h).all()):
        return None
    evals, evecs = torch.linalg.eigh(h)
    scale = evals.clamp(min=_MIN_CURVATURE).rsqrt()
    factor: torch.Tensor = evecs * scale  # columns: eigenvectors scaled by 1/sqrt(λ)
    return factor


def run_chain(post: FlatPosterior, centre: torch.Tensor, factor: torch.Tensor | None, *,
              num_samples: int, warmup: int, seed: int, max_tree_depth: int,
              target_accept: float, full_mass: bool) -> tuple[torch.Tensor, int]:
    """One NUTS chain on ξ (z = centre + factor ξ; z itself when ``factor`` is None),
    started from ξ₀ ~ N(0, I) clipped to ±2 (a 0.1 jitter of ``centre`` without a
    factor): draws of z, shape (num_samples, size), and the number of divergent
    transitions."""
    mat = factor if factor is not None else torch.eye(centre.numel(), dtype=centre.dtype)

    def potential(params: dict[str, torch.Tensor]) -> torch.Tensor:
        return post.potential({"z": centre + mat @ params["xi"]})

    with poutine.seed(rng_seed=seed):
        xi0 = torch.randn_like(centre)
        xi0 = xi0.clamp(-2.0, 2.0) if factor is not None else 0.1 * xi0
        nuts: Any = NUTS
        kernel = nuts(potential_fn=potential, max_tree_depth=max_tree_depth,
                      target_accept_prob=target_accept, full_mass=full_mass)
        mcmc: Any = MCMC
        run: Any = mcmc(kernel, num_samples=num_samples, warmup_steps=warmup,
                        initial_params={"xi": xi0}, disable_progbar=True)
        run.run()
    xi = run.get_samples()["xi"].detach().reshape(num_samples, -1)
    div = run.diagnostics()["divergences"]["chain 0"] if num_samples >= 4 else []
    return centre + xi @ mat.T, len(div)
