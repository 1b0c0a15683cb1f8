"""Natural direct and indirect effects (rung.estimate.estimators.mediation).

The truth is computed independently of the mediation formula: each model is a structural
causal model written as Python functions of its exogenous noise, and ``E[Y_{t, M_r}]`` is
the mean of ``f_Y(t, f_M(r, C, U_M), C, U_Y)`` over 400,000 draws of ``(C, U_M, U_Y)``: the
nested counterfactual simulated from the SCM itself (Pearl 2001, Definition 6).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from rung.estimate import NotIdentifiedError
from rung.estimate.errors import DataError, EstimationError
from rung.estimate.estimators.mediation import MediationEstimate, estimate_mediation
from rung.graph import CausalGraph

CONFOUNDED = CausalGraph.from_edges("C -> X; C -> M; C -> Y; X -> M -> Y; X -> Y")
Noise = dict[str, np.ndarray]


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


@dataclass(frozen=True)
class SCM:
    """C -> X, C -> M, C -> Y, X -> M -> Y, X -> Y with explicit noise."""

    f_c: Callable[[Noise], np.ndarray]
    f_x: Callable[[np.ndarray, Noise], np.ndarray]
    f_m: Callable[[np.ndarray, np.ndarray, Noise], np.ndarray]
    f_y: Callable[[np.ndarray, np.ndarray, np.ndarray, Noise], np.ndarray]

    @staticmethod
    def noise(n: int, rng: np.random.Generator) -> Noise:
        return {k: rng.normal(size=n) if k.startswith("N") else rng.uniform(size=n)
                for k in ("NC", "UC", "UX", "NM", "UM", "NY", "UY")}

    def sample(self, n: int, seed: int) -> pd.DataFrame:
        u = self.noise(n, np.random.default_rng(seed))
        c = self.f_c(u)
        x = self.f_x(c, u)
        m = self.f_m(x, c, u)
        return pd.DataFrame({"C": c, "X": x, "M": m, "Y": self.f_y(x, m, c, u)})

    def nested(self, t: float, r: float, n: int = 400_000) -> float:
        """E[Y_{t, M_r}] by simulating the nested counterfactual."""
        u = self.noise(n, np.random.default_rng(12345))
        c = self.f_c(u)
        m_r = self.f_m(np.full(n, r), c, u)
        return float(self.f_y(np.full(n, t), m_r, c, u).mean())

    def truth(self) -> dict[str, float]:
        aa, ab, ba, bb = (self.nested(t, r) for t, r in ((1, 1), (1, 0), (0, 1), (0, 0)))
        return {"nde": ab - bb, "nie": ba - bb, "te": aa - bb, "interaction": aa - ab - ba + bb}


def linear(gamma: float) -> SCM:
    """Linear-Gaussian mediation; ``gamma`` is the X·M interaction of the outcome."""
    return SCM(lambda u: u["NC"],
               lambda c, u: (u["UX"] < sigmoid(0.8 * c)).astype(float),
               lambda x, c, u: 0.5 + 0.8 * x + 0.5 * c + u["NM"],
               lambda x, m, c, u: 1 + 0.7 * x + 1.2 * m + gamma * x * m + 0.6 * c + u["NY"])


BINARY = SCM(lambda u: (u["UC"] < 0.4).astype(float),
             lambda c, u: (u["UX"] < 0.3 + 0.4 * c).astype(float),
             lambda x, c, u: (u["UM"] < sigmoid(-1 + 2 * x + 0.5 * c)).astype(float),
             lambda x, m, c, u: (u["UY"] < sigmoid(-1.5 + 0.5 * x + 1.0 * m + 1.5 * x * m
                                                   + 0.7 * c)).astype(float))

CONTINUOUS_M_BINARY_Y = SCM(lambda u: u["NC"],
                            lambda c, u: (u["UX"] < sigmoid(0.5 * c)).astype(float),
                            lambda x, c, u: 0.6 * x + 0.4 * c + u["NM"],
                            lambda x, m, c, u: (u["UY"] < sigmoid(-0.5 + 0.8 * x + 0.9 * m
                                                                  + 0.5 * c)).astype(float))


def covers(r: MediationEstimate, truth: dict[str, float], names: tuple[str, ...]) -> None:
    for name in names:
        ci = getattr(r, f"{name}_ci")
        assert ci is not None and ci[0] <= truth[name] <= ci[1], (name, truth[name], ci)


def test_linear_without_interaction_covers_and_sums() -> None:
    scm = linear(0.0)
    truth = scm.truth()
    assert abs(truth["nde"] - 0.7) < 0.01 and abs(truth["nie"] - 0.96) < 0.01
    r = estimate_mediation(scm.sample(3000, 1), CONFOUNDED, "X", "M", "Y", seed=2)
    assert r.method == "regression" and r.identification.covariates == ("C",)
    covers(r, truth, ("nde", "nie", "te", "interaction"))
    assert r.additive and abs(r.nde + r.nie - r.te) < 0.1
    assert "NDE + NIE = TE within the interval" in r.summary()
    exact = estimate_mediation(scm.sample(3000, 1), CONFOUNDED, "X", "M", "Y",
                               interaction=False, bootstrap=0)
    assert abs(exact.nde + exact.nie - exact.te) < 1e-9 and exact.nde_ci is None


def test_linear_with_interaction_does_not_sum_and_says_so() -> None:
    scm = linear(1.0)
    truth = scm.truth()
    assert abs(truth["interaction"] - 0.8) < 0.01  # gamma times the X -> M slope
    r = estimate_mediation(scm.sample(3000, 3), CONFOUNDED, "X", "M", "Y", seed=4)
    covers(r, truth, ("nde", "nie", "te", "interaction"))
    assert not r.additive and r.interaction_ci is not None and r.interaction_ci[0] > 0
    assert "NDE + NIE ≠ TE" in r.summary()
    assert abs(r.nde + r.total_indirect - r.te) < 1e-12


@pytest.mark.parametrize("method", ["plugin", "regression"])
def test_binary_nonlinear_model_covers_the_truth(method: str) -> None:
    truth = BINARY.truth()
    r = estimate_mediation(BINARY.sample(4000, 5), CONFOUNDED, "X", "M", "Y",
                           method=method, seed=6)  # type: ignore[arg-type]
    assert r.method == method
    covers(r, truth, ("nde", "nie", "te", "interaction"))
    assert truth["interaction"] > 0.03 and not r.additive  # NDE + NIE ≠ TE on this scale


def test_auto_takes_the_plugin_for_discrete_data() -> None:
    r = estimate_mediation(BINARY.sample(2000, 7), CONFOUNDED, "X", "M", "Y", bootstrap=0)
    assert r.method == "plugin" and r.models.startswith("plug-in")


def test_continuous_mediator_binary_outcome_covers_the_truth() -> None:
    scm = CONTINUOUS_M_BINARY_Y
    truth = scm.truth()
    r = estimate_mediation(scm.sample(4000, 8), CONFOUNDED, "X", "M", "Y", seed=9)
    assert "logistic" in r.models and "residual quantiles" in r.models
    covers(r, truth, ("nde", "nie", "te"))


def test_continuous_mediator_binary_outcome_is_unbiased() -> None:
    """One interval is one draw; over 8 samples the point estimates centre on the truth
    (within 4 standard errors of their mean)."""
    scm = CONTINUOUS_M_BINARY_Y
    truth = scm.truth()
    est = np.array([[r.nde, r.nie, r.te] for r in (
        estimate_mediation(scm.sample(2000, 100 + k), CONFOUNDED, "X", "M", "Y", bootstrap=0)
        for k in range(8))])
    se = est.std(axis=0, ddof=1) / np.sqrt(len(est))
    for j, name in enumerate(("nde", "nie", "te")):
        assert abs(est[:, j].mean() - truth[name]) < 4 * se[j], name


def test_exposure_induced_confounder_is_refused() -> None:
    g = CausalGraph.from_edges("X -> L -> M -> Y; L -> Y; X -> Y")
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(200, 4)), columns=["X", "L", "M", "Y"])
    with pytest.raises(NotIdentifiedError, match="recanting witness"):
        estimate_mediation(df, g, "X", "M", "Y")


def test_bad_arguments_name_the_fix() -> None:
    df = linear(0.0).sample(300, 0)
    with pytest.raises(EstimationError, match="method='regression'"):
        estimate_mediation(df, CONFOUNDED, "X", "M", "Y", method="plugin")
    with pytest.raises(EstimationError, match="nothing to mediate"):
        estimate_mediation(df, CausalGraph.from_edges("M -> X -> Y; C"), "X", "M", "Y")
    with pytest.raises(DataError, match="never takes the value 2"):
        estimate_mediation(df, CONFOUNDED, "X", "M", "Y", contrast=(2, 0))
    with pytest.raises(EstimationError, match="drop them"):
        estimate_mediation(df, CONFOUNDED, "X", "M", "Y", covariates=["M"])


def test_json_round_trip() -> None:
    r = estimate_mediation(BINARY.sample(1000, 1), CONFOUNDED, "X", "M", "Y", bootstrap=20,
                           seed=0)
    again = MediationEstimate.from_json(r.to_json())
    assert again == r and r.to_json()["additive"] == r.additive
