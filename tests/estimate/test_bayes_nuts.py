"""How BayesianSCM sets NUTS up: the Laplace preconditioner is the inverse Hessian (exact on a
Gaussian posterior) and leaves the posterior unchanged; the adaptive quadrature matches a
fine grid where the plain one is hundreds of nats off; and on a badly scaled sigmoid model
whose latent a node pins, two chains agree on the query and, with the (opt-in) adaptive
quadrature, its interval covers the truth."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyro.distributions as dist
import torch
from scipy.special import expit

from rung.estimate.programs._bayes_adaptive import AdaptiveQuadrature
from rung.estimate.programs._bayes_likelihood import LinearLayout, gauss_hermite_grid
from rung.estimate.programs._bayes_nuts import laplace_factor, polish_map, run_chain
from rung.estimate.programs._bayes_potential import FlatPosterior
from rung.estimate.programs.bayesian import BayesianSCM
from rung.estimate.programs.families import Family
from rung.graph import CausalGraph


def _regression(n: int = 80) -> tuple[FlatPosterior, np.ndarray, np.ndarray]:
    """y = a + b x + N(0, 1) with N(0, 10²) priors: the posterior of (a, b) is Gaussian with
    precision XᵀX + I/100 and mean solving it; x on a 0–100 scale, as the case studies'."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 100, n)
    y = 1.0 + 0.03 * x + rng.normal(size=n)
    xt, yt = torch.as_tensor(x), torch.as_tensor(y)

    def loglik(full: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = dist.Normal(full[0] + full[1] * xt, 1.0).log_prob(yt).sum()  # type: ignore[no-untyped-call]
        return out

    f64 = torch.float64
    post = FlatPosterior({"Y": {"b0": dist.Normal(torch.tensor(0.0, dtype=f64), 10.0),
                                "w[X]": dist.Normal(torch.tensor(0.0, dtype=f64), 10.0)}},
                         loglik)
    design = np.column_stack([np.ones(n), x])
    prec = design.T @ design + np.eye(2) / 100
    return post, np.linalg.solve(prec, design.T @ y), np.linalg.inv(prec)


def test_the_factor_is_the_inverse_hessian_and_polish_reaches_the_mode() -> None:
    post, mean, cov = _regression()
    z = polish_map(post, post.map_init(post.initial(), steps=50))
    np.testing.assert_allclose(z.numpy(), mean, rtol=1e-4, atol=1e-6)
    factor = laplace_factor(post, z)
    assert factor is not None
    np.testing.assert_allclose((factor @ factor.T).numpy(), cov, rtol=1e-6)


def test_the_preconditioned_chain_samples_the_same_posterior() -> None:
    post, mean, cov = _regression()
    z = polish_map(post, post.map_init(post.initial(), steps=50))
    draws, div = run_chain(post, z, laplace_factor(post, z), num_samples=400, warmup=100,
                           seed=0, max_tree_depth=4, target_accept=0.8, full_mass=False)
    sd = np.sqrt(np.diag(cov))
    assert div == 0 and tuple(draws.shape) == (400, 2)
    assert np.all(np.abs(draws.numpy().mean(0) - mean) < 0.3 * sd)
    np.testing.assert_allclose(draws.numpy().std(0), sd, rtol=0.2)


def _sigmoid_latent(n: int, seed: int) -> pd.DataFrame:
    """A -> B -> C with A <-> C: sigmoid levels on 0–100, weights ~0.04 (COVID-19-like)."""
    rng = np.random.default_rng(seed)
    u = rng.normal(size=n)
    a = 100 * expit(-0.5 + 0.8 * u) + rng.normal(0, 3, n)
    b = 100 * expit(-3 + 0.05 * a) + rng.normal(0, 3, n)
    c = 100 * expit(-2 + 0.04 * b + 0.6 * u) + rng.normal(0, 3, n)
    return pd.DataFrame({"A": a, "B": b, "C": c})


_TRUE = {"A:b0": -0.5, "A:lam[U_A_C]": 0.8, "A:sigma": 3.0, "A:vmax": 100.0, "B:b0": -3.0,
         "B:w[A]": 0.05, "B:sigma": 3.0, "B:vmax": 100.0, "C:b0": -2.0, "C:w[B]": 0.04,
         "C:lam[U_A_C]": 0.6, "C:sigma": 3.0, "C:vmax": 100.0}
_GRAPH = CausalGraph.from_edges("A -> B -> C; A <-> C")


def _layout(graph: CausalGraph, df: pd.DataFrame, families: Mapping[str, Family],
            values: Mapping[str, float]) -> tuple[Any, Any, Any, torch.Tensor]:
    """A set-up model, its flat posterior, its layout and ``values`` as a θ vector."""
    m = BayesianSCM(graph, families=dict(families))
    m._setup(df)
    post = FlatPosterior(m._priors, lambda full, rows: full.sum())
    lay = LinearLayout(m.structure_, m.families_, post.position, m.node_dist)
    theta = torch.zeros(len(post.position), dtype=torch.float64)
    for key, i in post.position.items():
        theta[i] = values[key]
    return m, post, lay, theta


def test_adaptive_quadrature_matches_a_fine_grid_where_the_plain_one_fails() -> None:
    df = _sigmoid_latent(150, 1)
    m, post, lay, truth = _layout(_GRAPH, df, dict.fromkeys("ABC", "sigmoid"), _TRUE)
    other = truth.clone()
    other[post.position["C:sigma"]] = 2.0  # away from the anchor: the grid follows θ
    x = torch.tensor(df[list(m.structure_.order)].to_numpy())
    ones = torch.ones(len(x), dtype=torch.float64)
    for theta in (truth, other):
        fine = float(AdaptiveQuadrature(lay, x, ones, 20, truth)(theta, x).detach())
        five = float(AdaptiveQuadrature(lay, x, ones, 5, truth)(theta, x).detach())
        plain = float(lay.quadrature_loglik(theta, x, *gauss_hermite_grid(1, 5), ones))
        dense = float(lay.quadrature_loglik(theta, x, *gauss_hermite_grid(1, 150), ones))
        assert abs(five - fine) < 0.1
        assert abs(dense - fine) < 1.5  # 150 plain points: near, still not converged
        assert plain < fine - 100  # 5 plain points miss the rows' narrow posteriors


def test_two_chains_on_a_badly_scaled_latent_model_agree_and_cover_the_truth() -> None:
    # E[C | do(B = 40)] = E[100 σ(-2 + 1.6 + 0.6 U)] = 40.88 (10^6 draws of U); measured:
    # without preconditioning R-hat 1.08 (ESS 12), with 5 plain quadrature points 46.9
    # [44.0, 49.8]; with both fixes 40.5 [37.0, 43.6], R-hat 0.99
    fam: dict[str, Family] = dict.fromkeys("ABC", "sigmoid")
    m = BayesianSCM(_GRAPH, families=fam, num_samples=100, warmup=100, chains=2, seed=0,
                    quadrature_points=5, max_tree_depth=5, adaptive_quadrature=True).fit(
        _sigmoid_latent(150, 1))
    q = m.interventional_mean({"B": 40.0}, "C", num_units=300, allow_unconverged=True)
    assert m.preconditioned_ and m.adapted_
    assert m.quadrature_error_ > 1.0  # the plain grid's error at the MAP point, in nats
    assert q.rhat < 1.05 and q.ess > 50, q.summary()
    assert q.ci[0] <= 40.88 <= q.ci[1], q.summary()


# a MAP point of the COVID-19 projection (benchmarks/bayes_case_studies.py, replicate 4) and
# five of its rows whose AGTR1 lies far below the typical ~80: a Newton search from u = 0
# overshot on them (the curvature floored, four halvings not enough) and stayed at 0, and
# the rows' adaptive values came out hundreds of nats low (-86,355 against -2,282.8 in all)
_COVID = CausalGraph.from_edges("AGTR1 -> ADAM17 -> Sil6r -> cytok; ADAM17 -> cytok; "
                                "ADAM17 <-> Sil6r; AGTR1 <-> cytok")
_COVID_MAP = {"AGTR1:b0": 1.777, "AGTR1:lam[U_AGTR1_cytok]": 0.698, "AGTR1:sigma": 4.563,
              "AGTR1:vmax": 97.143, "ADAM17:b0": -1.833, "ADAM17:w[AGTR1]": 0.037,
              "ADAM17:lam[U_ADAM17_Sil6r]": 0.371, "ADAM17:sigma": 3.613,
              "ADAM17:vmax": 101.018, "Sil6r:b0": -1.528, "Sil6r:w[ADAM17]": 0.023,
              "Sil6r:lam[U_ADAM17_Sil6r]": 0.701, "Sil6r:sigma": 7.203, "Sil6r:vmax": 99.557,
              "cytok:b0": -0.934, "cytok:w[ADAM17]": -0.013, "cytok:w[Sil6r]": 0.023,
              "cytok:lam[U_AGTR1_cytok]": 0.059}


def test_adaptive_quadrature_holds_row_by_row_where_the_mode_search_overshoots() -> None:
    df = pd.DataFrame({"AGTR1": [38.46, 42.12, 47.24, 49.79, 50.62, 82.0],
                       "ADAM17": [45.02, 36.29, 37.24, 53.46, 45.78, 75.0],
                       "Sil6r": [43.47, 19.77, 22.97, 62.39, 22.02, 55.0],
                       "cytok": [0.0, 0.0, 0.0, 0.0, 0.0, 1.0]})
    fam: dict[str, Family] = {"AGTR1": "sigmoid", "ADAM17": "sigmoid", "Sil6r": "sigmoid"}
    m, _, lay, theta = _layout(_COVID, df, fam, _COVID_MAP)
    x = torch.tensor(df[list(m.structure_.order)].to_numpy())
    quad = AdaptiveQuadrature(lay, x, torch.ones(len(x)), 6, theta)
    with torch.no_grad():
        grid, logw = quad.grid(theta)
        adaptive = torch.logsumexp(logw + lay.joint_logp(theta, x, grid), 0)
        dense_grid, dense_w = gauss_hermite_grid(2, 64)
        dense = torch.logsumexp(dense_w.reshape(-1, 1) + lay.joint_logp(theta, x, dense_grid), 0)
    np.testing.assert_allclose(adaptive.numpy(), dense.numpy(), atol=0.05)
