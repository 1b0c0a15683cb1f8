"""The effect of treatment on the treated (rung.estimate.estimators.ett).

The truth is simulated from the structural model itself: the mean of ``Y_1 − Y_0`` (both
potential outcomes from the same noise) over the units whose treatment is 1, 400,000 draws.
Each model has an effect that varies with the confounder, so ETT differs from the ATE and
an estimator of the ATE would fail these tests.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from rung.estimate import InvalidSetError, NotIdentifiedError, UnsupportedModelError
from rung.estimate.errors import EstimationError
from rung.estimate.estimators.ett import ETTEstimate, estimate_ett
from rung.graph import CausalGraph

BACKDOOR = CausalGraph.from_edges("Z -> X -> Y; Z -> Y")
Outcome = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def sigmoid(v: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-v))


class Model:
    """Z -> X -> Y, Z -> Y with Z from ``draw_z``, P(X=1 | Z) = ``propensity``."""

    def __init__(self, draw_z: Callable[[np.random.Generator, int], np.ndarray],
                 propensity: Callable[[np.ndarray], np.ndarray], f_y: Outcome) -> None:
        self.draw_z, self.propensity, self.f_y = draw_z, propensity, f_y

    def _units(self, n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rng = np.random.default_rng(seed)
        z = self.draw_z(rng, n)
        x = (rng.uniform(size=n) < self.propensity(z)).astype(float)
        return z, x, rng.uniform(size=n)

    def sample(self, n: int, seed: int) -> pd.DataFrame:
        z, x, u = self._units(n, seed)
        return pd.DataFrame({"Z": z, "X": x, "Y": self.f_y(x, z, u)})

    def truth(self) -> tuple[float, float]:
        """(ETT, ATE) from the potential outcomes."""
        z, x, u = self._units(400_000, 999)
        diff = self.f_y(np.ones_like(x), z, u) - self.f_y(np.zeros_like(x), z, u)
        return float(diff[x == 1].mean()), float(diff.mean())


def gaussian(u: np.ndarray) -> np.ndarray:
    from scipy.stats import norm

    return np.asarray(norm.ppf(u))


BINARY_Z = Model(lambda rng, n: rng.integers(0, 2, n).astype(float),
                 lambda z: 0.2 + 0.6 * z,
                 lambda x, z, u: z + x * (1 + 2 * z) + gaussian(u))
CONTINUOUS_Z = Model(lambda rng, n: rng.normal(size=n),
                     lambda z: sigmoid(1.2 * z),
                     lambda x, z, u: z + x * (1 + z + z ** 2) + gaussian(u))
BINARY_Y = Model(lambda rng, n: rng.normal(size=n),
                 lambda z: sigmoid(1.5 * z),
                 lambda x, z, u: (u < sigmoid(-0.5 + z + x * (1 + 2 * z))).astype(float))


@pytest.mark.parametrize(("model", "method"), [(BINARY_Z, "plugin"),
                                               (CONTINUOUS_Z, "regression"),
                                               (BINARY_Y, "regression")])
def test_interval_covers_the_simulated_ett(model: Model, method: str) -> None:
    ett, ate = model.truth()
    assert abs(ett - ate) > 0.05  # ETT and ATE differ in each model
    r = estimate_ett(model.sample(4000, 1), BACKDOOR, "X", "Y", seed=2)
    assert r.method == method and r.adjustment == ("Z",)
    assert r.ci is not None and r.ci[0] <= ett <= r.ci[1], (ett, r.ci)
    assert not r.ci[0] <= ate <= r.ci[1]
    assert r.counterfactual_status == "identified"
    assert abs(r.treated_mean - r.counterfactual_mean - r.ett) < 1e-12


def test_no_confounding_needs_no_adjustment() -> None:
    g = CausalGraph.from_edges("X -> Y")
    df = pd.DataFrame({"X": np.r_[np.zeros(50), np.ones(50)], "Y": np.r_[np.zeros(50),
                                                                         np.full(50, 2.0)]})
    r = estimate_ett(df, g, "X", "Y", bootstrap=0)
    assert r.adjustment == () and r.ett == 2.0 and r.ci is None


def test_the_bow_is_not_identified() -> None:
    df = BINARY_Z.sample(200, 0)
    with pytest.raises(NotIdentifiedError, match="treated"):
        estimate_ett(df, CausalGraph.from_edges("X -> Y; X <-> Y; Z"), "X", "Y")


def test_front_door_ett_is_identified_but_not_by_adjustment() -> None:
    """Shpitser & Pearl 2009: ETT is identified in the front-door graph (ID* agrees), yet
    no back-door set exists; rung says so instead of adjusting for nothing."""
    df = BINARY_Z.sample(200, 0).rename(columns={"Z": "M"})
    with pytest.raises(UnsupportedModelError, match="'identified'"):
        estimate_ett(df, CausalGraph.from_edges("X -> M -> Y; X <-> Y"), "X", "Y")


def test_a_given_set_is_checked() -> None:
    df = BINARY_Z.sample(300, 0)
    with pytest.raises(InvalidSetError, match="X <- Z -> Y is open"):
        estimate_ett(df, BACKDOOR, "X", "Y", adjustment=[])
    g = CausalGraph.from_edges("Z -> X -> Y; Z -> Y; X -> D")
    df["D"] = df["X"]
    with pytest.raises(EstimationError, match="descendant of X"):
        estimate_ett(df, g, "X", "Y", adjustment=["Z", "D"])


def test_positivity_among_the_treated_is_checked() -> None:
    df = BINARY_Z.sample(500, 0)
    df = df[~((df["Z"] == 1) & (df["X"] == 0))]
    with pytest.raises(EstimationError, match="positivity fails among the treated"):
        estimate_ett(df, BACKDOOR, "X", "Y", bootstrap=0)


def test_json_round_trip() -> None:
    r = estimate_ett(BINARY_Z.sample(500, 3), BACKDOOR, "X", "Y", bootstrap=20, seed=0)
    assert ETTEstimate.from_json(r.to_json()) == r
    assert "ETT of X=1 vs 0 on Y" in r.summary()
