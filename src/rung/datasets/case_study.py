"""The :class:`CaseStudy` record: data drawn from a known SCM, its graph and true effect."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from rung.graph import CausalGraph

__all__ = ["CaseStudy"]


@dataclass(frozen=True)
class CaseStudy:
    """A simulated causal problem whose answer is known.

    Attributes
    ----------
    name : str
        Short identifier, e.g. ``"linear_frontdoor"``.
    data : pandas.DataFrame
        Observed variables only (latent confounders are not included).
    graph : CausalGraph
        The true causal graph over the observed variables (latents as ``<->``).
    treatment, outcome : str
        The query's variables.
    contrast : (float, float)
        ``(a, b)`` of the true effect E[Y | do(X=a)] - E[Y | do(X=b)].
    true_effect : float
        The exact value of that contrast under the generating SCM.
    tolerance : float
        How close a consistent estimator should come at the default sample size
        (about three standard errors).
    description : str
        The generating mechanism in words.
    true_mean : callable or None
        ``s -> E[Y | do(X=s)]`` when it has a closed form.
    """

    name: str
    data: pd.DataFrame
    graph: CausalGraph
    treatment: str
    outcome: str
    contrast: tuple[float, float]
    true_effect: float
    tolerance: float
    description: str
    true_mean: Callable[[float], float] | None = None
