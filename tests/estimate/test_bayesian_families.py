"""Built-in families of BayesianSCM: each distribution's mean against its link's closed form,
the data-scaled default priors, overrides, and the quadrature likelihood against exact
enumeration (no sampler: fast)."""

from __future__ import annotations

import math

import pyro.distributions as dist
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit

from rung.estimate.programs._bayes_likelihood import gauss_hermite_grid, quadrature_loglik
from rung.estimate.programs.families import (
    FAMILIES,
    NodeScale,
    Priors,
    default_priors,
    family_distribution,
)
from rung.estimate.programs.scm import latent_structure
from rung.graph import CausalGraph


def _t(v: float) -> torch.Tensor:
    return torch.tensor(v, dtype=torch.float64)


@given(b0=st.floats(-2, 2), w=st.floats(-1, 1), x=st.floats(-2, 2))
@settings(max_examples=15, deadline=None)
def test_family_means_follow_their_links(b0: float, w: float, x: float) -> None:
    eta = b0 + w * x
    theta = {"b0": _t(b0), "w[X]": _t(w), "sigma": _t(0.5), "shape": _t(2.0),
             "conc": _t(3.0), "vmax": _t(100.0)}
    want = {"gaussian": eta, "logistic": expit(eta), "poisson": math.exp(eta),
            "negbinomial": math.exp(eta), "gamma": math.exp(eta), "sigmoid": 100 * expit(eta)}
    for fam in FAMILIES:
        d = family_distribution(fam, theta, {"X": _t(x)}, ("X",), ())
        assert float(d.mean) == pytest.approx(want[fam], rel=1e-6, abs=1e-9), fam


def test_default_priors_are_scaled_to_the_data_and_overrides_win() -> None:
    scale = NodeScale(mean=10.0, sd=4.0, max=20.0, parent_sd={"X": 2.0})
    pri = default_priors("gaussian", "Y", ("X",), ("U",), frozenset({"U"}), scale,
                         Priors(overrides={"Y:sigma": 0.3}))
    assert float(pri["b0"].loc) == 10.0 and float(pri["b0"].scale) == 10.0  # 2.5 s_y
    assert float(pri["w[X]"].scale) == 5.0  # 2.5 s_y / s_x
    assert isinstance(pri["lam[U]"], dist.HalfNormal)  # first child fixes the sign
    assert pri["sigma"] == 0.3


def test_quadrature_likelihood_matches_exact_enumeration_for_a_gaussian_latent() -> None:
    # Y = U + e, U ~ N(0,1), e ~ N(0, 0.5): marginally Y ~ N(0, sqrt(1.25))
    s = latent_structure(CausalGraph(directed=[("U", "Y")], latent=["U"]))
    theta = {"b0": _t(0.0), "lam[U]": _t(1.0), "sigma": _t(0.5)}
    y = torch.tensor([[-1.0, 0.3, 2.0]], dtype=torch.float64)
    ll = quadrature_loglik(s, lambda n, v: family_distribution("gaussian", theta, v, (),
                                                               ("U",)),
                           {"Y": y}, *gauss_hermite_grid(1, 30))
    exact = dist.Normal(0.0, math.sqrt(1.25)).log_prob(y).sum()
    assert float(ll) == pytest.approx(float(exact), rel=1e-5)


def test_flat_posterior_equals_pyros_own_potential_on_the_unconstrained_space() -> None:
    # the hand-vectorised priors and Jacobians against Pyro's initialize_model potential
    import pyro
    from pyro.infer.mcmc.util import initialize_model

    from rung.estimate.programs._bayes_potential import FlatPosterior

    priors = {"Y": {"b0": dist.Normal(_t(0.3), _t(2.0)), "sigma": dist.HalfNormal(_t(1.5)),
                    "k": dist.LogNormal(_t(0.1), _t(0.7)), "r": dist.Gamma(_t(2.0), _t(3.0)),
                    "fixed": 4.0}}
    y = torch.tensor([0.2, -1.0, 1.4], dtype=torch.float64)

    def loglik(full: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        b0, sigma, k, r = (full[post.position[f"Y:{n}"]] for n in ("b0", "sigma", "k", "r"))
        fixed = full[post.position["Y:fixed"]]
        out: torch.Tensor = dist.Normal(b0 * k + r, sigma * fixed).log_prob(y).sum()
        return out

    post = FlatPosterior(priors, loglik)

    def model() -> None:
        v = {n: pyro.sample(n, p) for n, p in priors["Y"].items() if n != "fixed"}
        pyro.sample("y", dist.Normal(v["b0"] * v["k"] + v["r"], v["sigma"] * 4.0)
                    .expand([3]).to_event(1),
                    obs=y)

    _, potential, _, _ = initialize_model(model)
    gen = torch.Generator().manual_seed(0)
    for _ in range(3):
        z = torch.randn(4, generator=gen, dtype=torch.float64)
        want = potential({n: z[i] for i, n in enumerate(("b0", "sigma", "k", "r"))})
        assert float(post.potential({"z": z})) == pytest.approx(float(want), rel=1e-9)


def test_vectorised_likelihoods_equal_the_node_by_node_reference() -> None:
    # LinearLayout (gathered B, Λ; grouped families) against quadrature_loglik and
    # gaussian_loglik evaluated node by node on the same parameters
    from rung.estimate.programs._bayes_likelihood import LinearLayout, gaussian_loglik

    g = CausalGraph.from_edges("A -> X -> M -> Y; A -> Y; X <-> Y; A <-> M")
    s = latent_structure(g)
    fams = {"A": "gaussian", "X": "logistic", "M": "sigmoid", "Y": "poisson"}
    gen = torch.Generator().manual_seed(1)
    names = {n: ["b0", *(f"w[{p}]" for p in s.parents[n]),
                 *(f"lam[{u}]" for u in s.latents_of(n))]
             + (["sigma"] if fams[n] in ("gaussian", "sigmoid") else [])
             + (["vmax"] if fams[n] == "sigmoid" else []) for n in s.order}
    keys = [f"{n}:{k}" for n in s.order for k in names[n]]
    full = 0.3 * torch.randn(len(keys), generator=gen, dtype=torch.float64)
    for i, k in enumerate(keys):
        if k.endswith(("sigma", "vmax")):
            full[i] = full[i].abs() + 0.5
    position = {k: i for i, k in enumerate(keys)}
    theta = {n: {k: full[position[f"{n}:{k}"]] for k in names[n]} for n in s.order}

    def node_dist(n: str, th: object, v: object) -> object:
        return family_distribution(fams[n], th, v, s.parents[n], s.latents_of(n))  # type: ignore[arg-type]

    lay = LinearLayout(s, fams, position, node_dist)  # type: ignore[arg-type]
    x = torch.stack([torch.randn(30, generator=gen, dtype=torch.float64),
                     torch.randint(0, 2, (30,), generator=gen).to(torch.float64),
                     torch.rand(30, generator=gen, dtype=torch.float64),
                     torch.randint(0, 5, (30,), generator=gen).to(torch.float64)], 1)
    data = {n: x[:, i].reshape(1, -1) for i, n in enumerate(s.order)}
    grid = gauss_hermite_grid(2, 5)
    ref = quadrature_loglik(s, lambda n, v: node_dist(n, theta[n], v), data, *grid)
    assert float(lay.quadrature_loglik(full, x, *grid)) == pytest.approx(float(ref), rel=1e-10)
    gfam = dict.fromkeys(s.order, "gaussian")
    gnames = {n: [k for k in names[n] if k != "vmax"] + ([] if "sigma" in names[n] else
                                                         ["sigma"]) for n in s.order}
    gkeys = [f"{n}:{k}" for n in s.order for k in gnames[n]]
    gfull = torch.rand(len(gkeys), generator=gen, dtype=torch.float64) + 0.2
    gpos = {k: i for i, k in enumerate(gkeys)}
    glay = LinearLayout(s, gfam, gpos, node_dist)  # type: ignore[arg-type]
    mean, cov = x.mean(0), torch.cov(x.T, correction=0)
    want = gaussian_loglik(s, lambda n: {k: gfull[gpos[f"{n}:{k}"]] for k in gnames[n]},
                           mean, cov, 30)
    assert float(glay.gaussian_loglik(gfull, mean, cov, 30)) == pytest.approx(float(want),
                                                                            rel=1e-10)
