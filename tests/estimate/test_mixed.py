"""The mixed-data generative model: logistic / linear-Gaussian mechanisms with a latent
confounder, fitted by quadrature-marginalised gradient ascent or SVI; do, ATE and
counterfactuals checked against independent references."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from numpy.polynomial.hermite_e import hermegauss
from scipy.special import expit

from rung import datasets
from rung.estimate import (
    EstimationError,
    GenerativeEstimator,
    MixedConfig,
    MixedSCM,
    ate,
    choose_model,
    counterfactual,
    estimate_effect,
)

torch.set_num_threads(1)
FAST = MixedConfig(progress=False)


def _frontdoor_product(df) -> float:  # type: ignore[no-untyped-def]
    """Independent reference: linear front-door within strata of Z, b(M|X,Z) · b(Y|M,X,Z)."""
    one = np.ones(len(df))
    a = np.linalg.lstsq(np.column_stack([one, df.X, df.Z]), df.M, rcond=None)[0][1]
    b = np.linalg.lstsq(np.column_stack([one, df.M, df.X, df.Z]), df.Y, rcond=None)[0][1]
    return float(a * b)


@pytest.fixture(scope="module")
def case():  # type: ignore[no-untyped-def]
    return datasets.mixed_frontdoor(n=2000, seed=0)


@pytest.fixture(scope="module")
def fitted(case):  # type: ignore[no-untyped-def]
    return GenerativeEstimator(seed=0, bootstrap=0, model_params={"config": FAST}).fit(
        case.data, case.graph, "X", "Y")


def test_route_chosen_from_column_types(case) -> None:
    assert choose_model(case.graph, case.data) is MixedSCM
    cont = datasets.linear_frontdoor(n=100)
    assert choose_model(cont.graph, cont.data).__name__ == "LinearGaussianSCM"
    disc = datasets.napkin(n=100)
    assert choose_model(disc.graph, disc.data).__name__ == "DiscreteSCM"


def test_mixed_frontdoor_ate(case, fitted) -> None:
    est = fitted
    assert est.details_["model"] == "MixedSCM" and est.details_["converged"]
    scm = est.model_
    assert scm.kinds_ == {"Z": "binary", "X": "binary", "M": "continuous", "Y": "continuous"}
    assert scm.n_steps_ == len(scm.elbo_history_) and scm.marginalised_
    assert abs(est.ate_ - case.true_effect) < case.tolerance
    assert est.ate_ == pytest.approx(_frontdoor_product(case.data), abs=0.05)
    assert est.result().estimand is not None


def test_svi_route_agrees(case, fitted) -> None:
    """SVI with a per-row Normal guide: a smoke test of the route (it converges slowly, so
    only a loose agreement is asked after 600 steps)."""
    cfg = MixedConfig(marginalise=False, progress=False, max_steps=600)
    scm = MixedSCM(case.graph, config=cfg).fit(case.data)
    assert not scm.marginalised_ and scm.n_steps_ <= 600
    # the mean-field ELBO lower-bounds the (quadrature) marginal likelihood
    assert np.mean(scm.elbo_history_[-20:]) < fitted.model_.elbo_history_[-1] + 0.01
    assert np.mean(scm.elbo_history_[-20:]) > np.mean(scm.elbo_history_[:20])
    assert abs(ate(scm, "X", "Y") - case.true_effect) < 0.6


def test_counterfactual_full_evidence_is_deterministic(fitted) -> None:
    """Seeing everything, had X been 0: M* = m - b_XM, Y* = y - b_MY b_XM = y - ATE."""
    scm = fitted.model_
    effect = ate(scm, "X", "Y")  # linear mechanisms: the ATE is b_XM b_MY exactly
    cf = counterfactual(scm, {"Z": 0, "X": 1, "M": 2.5, "Y": 6.0}, {"X": 0})
    assert cf.mean["Y"] == pytest.approx(6.0 - effect, abs=2e-3)
    assert cf.sd["Y"] == pytest.approx(0.0, abs=1e-3)
    assert (cf.draws["X"] == 0).all() and (cf.draws["Z"] == 0).all()


def test_counterfactual_partial_evidence_against_quadrature(fitted) -> None:
    """Seeing Z=0, X=1 only: E[Y*] = E[Y | do(X=0), Z=0, U = E[U | Z=0, X=1]] (linear in U);
    the posterior mean of U is computed here by 1-D numerical integration."""
    scm = fitted.model_
    net = scm.net_.requires_grad_(False)
    t0 = float(net.table["n_X"][0, 0])  # logit of X at Z = 0 (CPT row), U = 0
    lx = float(net.loading["n_X"][0, 0])
    ly = float(net.loading["n_Y"][0, 0])
    u, w = hermegauss(80)
    post = w * expit(t0 + lx * u)
    eu = float(np.sum(u * post) / np.sum(post))
    with torch.no_grad():
        m0, _ = net.params_of("M", {"X": torch.tensor(0.0)}, {})
        y0, _ = net.params_of("Y", {"M": m0, "Z": torch.tensor(0.0)}, {"U_X_Y": torch.tensor(eu)})
    expected = float(y0) * scm.scale_["Y"] + scm.loc_["Y"]
    cf = counterfactual(scm, {"Z": 0, "X": 1}, {"X": 0}, num_samples=40_000, seed=1)
    assert cf.ess > 1000
    assert cf.mean["Y"] == pytest.approx(expected, abs=0.08)
    assert abs(ly) > 0.1  # the latent matters, so the check is not vacuous


def test_binary_outcome_and_categorical_parent() -> None:
    """Categorical C (3 values) -> binary T -> continuous Y, back-door through C."""
    rng = np.random.default_rng(3)
    n = 3000
    c = rng.integers(0, 3, n)
    t = rng.binomial(1, expit(-1 + c))
    y = 1.0 + 2.0 * t + 0.7 * c + rng.normal(size=n)
    import pandas as pd

    from rung.graph import CausalGraph

    df = pd.DataFrame({"C": c, "T": t, "Y": y})
    g = CausalGraph.from_edges("C -> T -> Y; C -> Y")
    res = estimate_effect(g, df, "T", "Y", "generative", seed=0, model_params={"config": FAST})
    assert res.details["model"] == "MixedSCM"
    assert res.ate == pytest.approx(2.0, abs=0.15)
    scm = GenerativeEstimator(bootstrap=0, model_params={"config": FAST}).fit(
        df, g, "T", "Y").model_
    assert scm.kinds_["C"] == "categorical"
    with pytest.raises(EstimationError, match="never observed"):
        scm.to_site("C", 7)


def test_neural_mean_option() -> None:
    cs = datasets.nonlinear_backdoor(n=2000, seed=1)
    cfg = MixedConfig(hidden=16, progress=False, lr=0.02, max_steps=2000)
    lin = GenerativeEstimator(seed=0, bootstrap=0, model_params={"config": FAST}).fit(
        cs.data, cs.graph, "X", "Y").model_
    mlp = GenerativeEstimator(seed=0, bootstrap=0, model_params={"config": cfg}).fit(
        cs.data, cs.graph, "X", "Y")
    assert mlp.model_.elbo_history_[-1] > lin.elbo_history_[-1] + 0.05  # fits better
    assert abs(mlp.ate_ - cs.true_effect) < 0.3


def test_neural_fit_is_reproducible_for_its_seed() -> None:
    """hidden > 0: the network starts from the estimator's seed, not torch's global state."""
    cs = datasets.nonlinear_backdoor(n=300, seed=2)
    cfg = MixedConfig(hidden=8, progress=False, max_steps=60)

    def fit(seed: int) -> MixedSCM:
        torch.manual_seed(int(np.random.default_rng(seed + 100).integers(1 << 30)))  # noise
        return MixedSCM(cs.graph, config=cfg, seed=seed).fit(cs.data)

    a, b, c = fit(3), fit(3), fit(4)
    sa, sb, sc = (m.net_.state_dict() for m in (a, b, c))
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert a.elbo_history_ == b.elbo_history_
    assert any(not torch.equal(sa[k], sc[k]) for k in sa if "mlp" in k)


def test_svi_fit_is_reproducible_for_its_seed() -> None:
    cs = datasets.mixed_frontdoor(n=200, seed=0)
    cfg = MixedConfig(progress=False, marginalise=False, max_steps=30)
    torch.manual_seed(1)
    a = MixedSCM(cs.graph, config=cfg, seed=5).fit(cs.data)
    state = torch.get_rng_state()
    b = MixedSCM(cs.graph, config=cfg, seed=5).fit(cs.data)
    assert torch.equal(state, torch.get_rng_state())  # the global state is left alone
    assert a.elbo_history_ == b.elbo_history_
