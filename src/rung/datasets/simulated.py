"""Simulated case studies with known causal effects (each returns a :class:`CaseStudy`).

Every generator takes ``n`` (rows) and ``seed`` and is deterministic given both. Latent
confounders are drawn but not returned; the graph shows them as bidirected edges.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy.special import expit

from rung.datasets.case_study import CaseStudy
from rung.graph import CausalGraph

__all__ = [
    "linear_backdoor",
    "linear_frontdoor",
    "linear_iv",
    "mixed_frontdoor",
    "napkin",
    "nonlinear_backdoor",
    "signalling_pathway",
]


def _x_on_y(
    name: str,
    data: pd.DataFrame,
    edges: str,
    *,
    effect: float,
    tolerance: float,
    description: str,
    true_mean: Callable[[float], float] | None = None,
) -> CaseStudy:
    """A case study of the effect of do(X=1) against do(X=0) on Y."""
    return CaseStudy(
        name=name,
        data=data,
        graph=CausalGraph.from_edges(edges),
        treatment="X",
        outcome="Y",
        contrast=(1.0, 0.0),
        true_effect=effect,
        tolerance=tolerance,
        description=description,
        true_mean=true_mean,
    )


def linear_backdoor(n: int = 2000, seed: int = 0) -> CaseStudy:
    """Z -> X -> Y, Z -> Y with binary X: Y = 2 X + 1.5 Z + e; true ATE 2.0.

    Examples
    --------
    >>> cs = linear_backdoor(n=100, seed=1)
    >>> cs.data.columns.tolist(), cs.true_effect
    (['Z', 'X', 'Y'], 2.0)
    """
    rng = np.random.default_rng(seed)
    z = rng.normal(size=n)
    x = rng.binomial(1, expit(1.2 * z)).astype(float)
    y = 2.0 * x + 1.5 * z + rng.normal(size=n)
    return _x_on_y(
        "linear_backdoor",
        pd.DataFrame({"Z": z, "X": x, "Y": y}),
        "Z -> X -> Y; Z -> Y",
        effect=2.0,
        tolerance=0.2,
        description="Z ~ N(0,1); X ~ Bernoulli(sigmoid(1.2 Z)); Y = 2 X + 1.5 Z + N(0,1)",
        true_mean=lambda s: 2.0 * s,
    )


def linear_frontdoor(n: int = 2000, seed: int = 0) -> CaseStudy:
    """Pearl's front-door model with a latent U: X -> M -> Y, U -> X, U -> Y; true ACE 3.0.

    U ~ N(0,1); X = U + e; M = 1.5 X + e; Y = 2 M + 1.5 U + e (unit-variance noises), so
    E[Y | do(X=x)] = 3 x although the regression of Y on X is confounded.

    Examples
    --------
    >>> cs = linear_frontdoor(n=50)
    >>> cs.graph.to_edge_string(), cs.true_effect
    ('X -> M; M -> Y; X <-> Y', 3.0)
    """
    rng = np.random.default_rng(seed)
    u = rng.normal(size=n)
    x = u + rng.normal(size=n)
    m = 1.5 * x + rng.normal(size=n)
    y = 2.0 * m + 1.5 * u + rng.normal(size=n)
    return _x_on_y(
        "linear_frontdoor",
        pd.DataFrame({"X": x, "M": m, "Y": y}),
        "X -> M -> Y; X <-> Y",
        effect=3.0,
        tolerance=0.15 * np.sqrt(2000 / n),
        description="U ~ N(0,1) latent; X = U + e; M = 1.5 X + e; Y = 2 M + 1.5 U + e",
        true_mean=lambda s: 3.0 * s,
    )


def linear_iv(n: int = 2000, seed: int = 0) -> CaseStudy:
    """Instrument Z -> X -> Y with X, Y confounded by a latent U; true effect 2.0 per unit.

    Examples
    --------
    >>> linear_iv(n=10).graph.to_edge_string()
    'Z -> X; X -> Y; X <-> Y'
    """
    rng = np.random.default_rng(seed)
    u = rng.normal(size=n)
    z = rng.normal(size=n)
    x = 1.0 * z + u + rng.normal(size=n)
    y = 2.0 * x + 2.0 * u + rng.normal(size=n)
    return _x_on_y(
        "linear_iv",
        pd.DataFrame({"Z": z, "X": x, "Y": y}),
        "Z -> X -> Y; X <-> Y",
        effect=2.0,
        tolerance=0.2 * np.sqrt(2000 / n),
        description="U latent, Z ~ N(0,1); X = Z + U + e; Y = 2 X + 2 U + e",
        true_mean=lambda s: 2.0 * s,
    )


def nonlinear_backdoor(n: int = 4000, seed: int = 0) -> CaseStudy:
    """Two confounders with a nonlinear outcome and effect modification; true ATE 2.0.

    Z1, Z2 ~ N(0,1); X ~ Bernoulli(sigmoid(0.8 Z1 - 0.6 Z2));
    Y = 2 X + X Z1 + sin(2 Z1) + Z2² + 0.5 Z1 Z2 + N(0,1). The propensity is logistic-linear
    (IPW and AIPW are consistent) while a linear outcome model is misspecified.

    Examples
    --------
    >>> sorted(nonlinear_backdoor(n=10).graph.parents("Y"))
    ['X', 'Z1', 'Z2']
    """
    rng = np.random.default_rng(seed)
    z1, z2 = rng.normal(size=n), rng.normal(size=n)
    x = rng.binomial(1, expit(0.8 * z1 - 0.6 * z2)).astype(float)
    y = 2 * x + x * z1 + np.sin(2 * z1) + z2**2 + 0.5 * z1 * z2 + rng.normal(size=n)
    return _x_on_y(
        "nonlinear_backdoor",
        pd.DataFrame({"Z1": z1, "Z2": z2, "X": x, "Y": y}),
        "Z1 -> X; Z2 -> X; Z1 -> Y; Z2 -> Y; X -> Y",
        effect=2.0,
        tolerance=0.25 * np.sqrt(4000 / n),
        description="Z1, Z2 ~ N(0,1); logistic X; Y = 2X + X Z1 + sin(2 Z1) + Z2^2 + "
        "0.5 Z1 Z2 + e",
    )


def mixed_frontdoor(n: int = 2000, seed: int = 0) -> CaseStudy:
    """Mixed data: binary Z and X, continuous M and Y, a latent U confounding X and Y.

    Z ~ Bernoulli(0.4); U ~ N(0,1); X ~ Bernoulli(sigmoid(-0.5 + Z + 1.5 U));
    M = 0.5 + 2 X + N(0,1); Y = 1 + 1.5 M + Z + 2 U + N(0,1). X's effect runs through M only,
    so it is identified by a front-door formula within strata of Z: true ATE 2 × 1.5 = 3.0.

    Examples
    --------
    >>> cs = mixed_frontdoor(n=100)
    >>> sorted(cs.data["X"].unique().tolist()), cs.true_effect
    ([0.0, 1.0], 3.0)
    """
    rng = np.random.default_rng(seed)
    z = rng.binomial(1, 0.4, size=n).astype(float)
    u = rng.normal(size=n)
    x = rng.binomial(1, expit(-0.5 + z + 1.5 * u)).astype(float)
    m = 0.5 + 2.0 * x + rng.normal(size=n)
    y = 1.0 + 1.5 * m + z + 2.0 * u + rng.normal(size=n)
    return _x_on_y(
        "mixed_frontdoor",
        pd.DataFrame({"Z": z, "X": x, "M": m, "Y": y}),
        "Z -> X -> M -> Y; Z -> Y; X <-> Y",
        effect=3.0,
        tolerance=0.3 * np.sqrt(2000 / n),
        description="binary Z, X (logistic, latent U); M = 0.5 + 2X + e; "
        "Y = 1 + 1.5 M + Z + 2U + e",
        true_mean=lambda s: 1.0 + 1.5 * (0.5 + 2.0 * s) + 0.4,
    )


# napkin SCM parameters: U1 -> {Z2, X}, U2 -> {Z2, Y}, all binary
_NAPKIN_PU = (0.4, 0.6)


def _napkin_y_logit(x: np.ndarray | float, u2: np.ndarray | float) -> np.ndarray | float:
    return -1.0 + 1.5 * x + 2.0 * u2


def napkin(n: int = 5000, seed: int = 0) -> CaseStudy:
    """Pearl's napkin graph with binary variables: Z2 -> Z1 -> X -> Y, Z2 <-> X, Z2 <-> Y.

    P(y | do(x)) is identifiable (by the ID algorithm, not by back-door or front-door). The
    true effect is computed exactly by enumerating the latent U2.

    Examples
    --------
    >>> cs = napkin(n=100)
    >>> sorted(cs.data.columns), round(cs.true_effect, 4)
    (['X', 'Y', 'Z1', 'Z2'], 0.2573)
    """
    rng = np.random.default_rng(seed)
    u1 = rng.binomial(1, _NAPKIN_PU[0], size=n)
    u2 = rng.binomial(1, _NAPKIN_PU[1], size=n)
    z2 = rng.binomial(1, expit(-1.0 + 2.0 * u1 - 1.5 * u2))
    z1 = rng.binomial(1, expit(-0.5 + 2.0 * z2))
    x = rng.binomial(1, expit(-1.0 + 2.0 * z1 + 2.0 * u1 - 1.0))
    y = rng.binomial(1, expit(_napkin_y_logit(x, u2)))
    p2 = _NAPKIN_PU[1]

    def mean_y(s: float) -> float:
        return float(p2 * expit(_napkin_y_logit(s, 1)) + (1 - p2) * expit(_napkin_y_logit(s, 0)))

    df = pd.DataFrame({"Z2": z2, "Z1": z1, "X": x, "Y": y}).astype(float)
    return _x_on_y(
        "napkin",
        df,
        "Z2 -> Z1 -> X -> Y; Z2 <-> X; Z2 <-> Y",
        effect=mean_y(1.0) - mean_y(0.0),
        tolerance=0.06 * np.sqrt(5000 / n),
        description="binary; U1 -> Z2, X; U2 -> Z2, Y; logistic mechanisms",
        true_mean=mean_y,
    )


# signalling pathway: (cause, effect) -> coefficient of the linear-Gaussian SCM
_PATHWAY = {
    ("IGF", "SOS"): 0.6,
    ("EGF", "SOS"): 0.8,
    ("IGF", "PI3K"): 0.5,
    ("SOS", "Ras"): 0.9,
    ("Ras", "PI3K"): 0.4,
    ("PI3K", "AKT"): 0.8,
    ("Ras", "Raf"): 1.1,
    ("AKT", "Raf"): -0.5,
    ("Raf", "Mek"): 0.9,
    ("Mek", "Erk"): 1.2,
}
_PATHWAY_ORDER = ("IGF", "EGF", "SOS", "Ras", "PI3K", "AKT", "Raf", "Mek", "Erk")


def signalling_pathway(n: int = 3000, seed: int = 0) -> CaseStudy:
    """An IGF/EGF -> SOS -> Ras -> Raf -> Mek -> Erk pathway with a latent SOS–Erk confounder.

    In the spirit of Mohammad-Taheri et al. (2022): linear-Gaussian mechanisms (AKT
    inhibits Raf), a latent U acting on SOS and Erk, and the query E[Erk | do(SOS = s)],
    identifiable through Ras although the latent is never measured. The contrast is
    do(SOS=1) vs do(SOS=0); ``true_mean(s)`` gives E[Erk | do(SOS=s)].

    Examples
    --------
    >>> cs = signalling_pathway(n=10)
    >>> round(cs.true_effect, 4)
    0.9137
    """
    rng = np.random.default_rng(seed)
    u = rng.normal(size=n)
    vals: dict[str, np.ndarray] = {}
    for node in _PATHWAY_ORDER:
        v = 1.0 + 0.5 * rng.normal(size=n)
        for (a, b), w in _PATHWAY.items():
            if b == node:
                v = v + w * vals[a]
        if node in ("SOS", "Erk"):
            v = v + 0.8 * u
        vals[node] = v
    g = CausalGraph(directed=list(_PATHWAY), bidirected=[("SOS", "Erk")], nodes=_PATHWAY_ORDER)
    slope, base = _pathway_truth()
    return CaseStudy(
        name="signalling_pathway",
        data=pd.DataFrame(vals),
        graph=g,
        treatment="SOS",
        outcome="Erk",
        contrast=(1.0, 0.0),
        true_effect=slope,
        tolerance=0.08 * np.sqrt(3000 / n),
        description="linear-Gaussian kinase cascade, intercepts 1, noise sd 0.5, latent U "
        "(coefficient 0.8) into SOS and Erk",
        true_mean=lambda s: base + slope * s,
    )


def _pathway_truth() -> tuple[float, float]:
    """(slope, intercept) of E[Erk | do(SOS=s)] by propagating means in the mutilated SCM."""

    def mean_at(s: float) -> float:
        mu: dict[str, float] = {}
        for node in _PATHWAY_ORDER:
            m = s if node == "SOS" else 1.0 + sum(
                w * mu[a] for (a, b), w in _PATHWAY.items() if b == node
            )
            mu[node] = m
        return mu["Erk"]

    return mean_at(1.0) - mean_at(0.0), mean_at(0.0)
