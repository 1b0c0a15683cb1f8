"""The IGF/EGF signalling graph of Mohammad-Taheri et al. (2022), CS3 (R2, PI3K version):
identified by the front-door set {Ras} (not by ID), and estimated on simulated counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit

from rung.data import is_discrete
from rung.estimate import estimate_effect
from rung.graph import CausalGraph
from rung.identify import find_frontdoor_sets, identify

EDGES = [("EGF", "SOS"), ("EGF", "PI3K"), ("IGF", "SOS"), ("IGF", "PI3K"), ("SOS", "Ras"),
         ("Ras", "PI3K"), ("PI3K", "AKT"), ("AKT", "Raf"), ("Ras", "Raf"), ("Raf", "Mek"),
         ("Mek", "Erk")]
IGF_GRAPH = CausalGraph(directed=EDGES, latent=["EGF", "IGF"])


def test_igf_is_identified_by_the_frontdoor_set_ras() -> None:
    assert frozenset({"Ras"}) in find_frontdoor_sets(IGF_GRAPH, "SOS", "Erk")
    res = identify(IGF_GRAPH, "SOS", "Erk")
    assert res.method == "frontdoor" and res.mediators == frozenset({"Ras"})
    assert res.estimand.to_text() == "Σ_Ras P(Ras|SOS) Σ_SOS' P(Erk|Ras,SOS') P(SOS')"


def _simulate(n: int, seed: int, sos: float | None = None) -> pd.DataFrame:
    """Hill-like saturation 100·sigmoid(.) of the parents, rounded to molecule counts."""
    rng = np.random.default_rng(seed)
    egf, igf = rng.normal(size=n), rng.normal(size=n)

    def node(eta: np.ndarray, sd: float) -> np.ndarray:
        return np.round(100 * expit(eta) + sd * rng.normal(size=n))

    v: dict[str, np.ndarray] = {}
    v["SOS"] = node(-0.2 + 0.3 * egf + 0.3 * igf, 5.0) if sos is None else np.full(n, sos)
    v["Ras"] = node(-2.0 + 0.045 * v["SOS"], 4.0)
    v["PI3K"] = node(-1.0 + 0.02 * v["Ras"] + 0.4 * egf + 0.4 * igf, 4.0)
    v["AKT"] = node(-1.5 + 0.03 * v["PI3K"], 4.0)
    v["Raf"] = node(-0.5 + 0.03 * v["Ras"] - 0.02 * v["AKT"], 4.0)
    v["Mek"] = node(-1.5 + 0.05 * v["Raf"], 4.0)
    v["Erk"] = node(-1.0 + 0.05 * v["Mek"], 2.0)
    return pd.DataFrame(v)


def test_frontdoor_estimate_on_simulated_counts() -> None:
    df = _simulate(3000, 0)
    assert not any(is_discrete(df[c].to_numpy()) for c in df)  # counts are numbers
    a, b = float(np.percentile(df["SOS"], 80)), float(np.percentile(df["SOS"], 20))
    truth = _simulate(200_000, 1, a)["Erk"].mean() - _simulate(200_000, 1, b)["Erk"].mean()
    res = estimate_effect(IGF_GRAPH, df, "SOS", "Erk", contrast=(a, b), seed=0)
    assert res.method == "frontdoor" and res.details["mediators"] == ["Ras"]
    assert res.ci is not None and res.ci[0] < truth < res.ci[1]  # truth 3.93, estimate 4.10
    assert abs(res.ate - truth) < 0.1 * truth
