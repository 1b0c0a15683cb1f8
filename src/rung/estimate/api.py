"""One-call public API: :func:`estimate_effect`, :func:`interventional_distribution`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from rung.estimate._identification import identify_or_raise
from rung.estimate.adjustment import AIPW, IPW, RegressionAdjustment
from rung.estimate.base import EffectEstimator
from rung.estimate.data import check_data, is_discrete
from rung.estimate.errors import EstimationError
from rung.estimate.frontdoor import FrontDoor
from rung.estimate.generative import GenerativeEstimator, fit_generative_model
from rung.estimate.interventions import interventional_samples
from rung.estimate.iv import TwoStageLeastSquares
from rung.estimate.plugin import PluginEstimator
from rung.estimate.result import EffectEstimate
from rung.estimate.scm import latent_structure
from rung.graph import CausalGraph

__all__ = ["METHODS", "choose_method", "estimate_effect", "interventional_distribution"]

#: estimator name -> class (the CLI's ``--method`` values)
METHODS: Mapping[str, type[EffectEstimator]] = {
    "generative": GenerativeEstimator,
    "plugin": PluginEstimator,
    "regression": RegressionAdjustment,
    "ipw": IPW,
    "aipw": AIPW,
    "frontdoor": FrontDoor,
    "iv": TwoStageLeastSquares,
}


def choose_method(graph: CausalGraph, data: pd.DataFrame, treatment: str, outcome: str
                  ) -> type[EffectEstimator]:
    """The estimator matching how the effect is identified (refuses non-identified effects).

    back-door -> regression adjustment; front-door -> front-door; anything else (ID/IDC)
    -> plug-in for discrete data, the generative model otherwise.
    """
    res = identify_or_raise(graph, treatment, outcome)
    if res.method == "backdoor":
        return RegressionAdjustment
    if res.method == "frontdoor":
        return FrontDoor
    cols = [c for c in graph.projected().nodes if c in data.columns]
    if cols and all(is_discrete(pd.to_numeric(data[c], errors="coerce").to_numpy(), 20)
                    for c in cols):
        return PluginEstimator
    return GenerativeEstimator


def estimate_effect(
    graph: CausalGraph,
    data: pd.DataFrame,
    treatment: str,
    outcome: str,
    method: str | type[EffectEstimator] | EffectEstimator | None = None,
    *,
    contrast: tuple[float, float] = (1.0, 0.0),
    bootstrap: int = 0,
    alpha: float = 0.05,
    seed: int | None = None,
    **params: Any,
) -> EffectEstimate:
    """Estimate E[Y | do(X=a)] - E[Y | do(X=b)] with the named (or automatically chosen) method.

    Parameters
    ----------
    graph : CausalGraph
    data : pandas.DataFrame
    treatment, outcome : str
    method : str, estimator class, estimator instance or None
        A key of :data:`METHODS`; ``None`` chooses by :func:`choose_method`.
    contrast : (float, float)
        ``(a, b)``.
    bootstrap : int
        Bootstrap resamples for the interval (0: analytic interval where available).
    alpha : float
        One minus the interval's coverage.
    seed : int or None
    **params
        Extra estimator parameters (e.g. ``adjustment_set={"Z"}``, ``mediators={"M"}``).

    Raises
    ------
    NotIdentifiedError
        The effect is not identifiable (the message names the hedge).
    DataError
        Missing columns, non-numeric values or NaNs (the message names column and row).

    Examples
    --------
    >>> from rung.datasets import linear_backdoor
    >>> cs = linear_backdoor(n=2000)
    >>> res = estimate_effect(cs.graph, cs.data, "X", "Y", "aipw", seed=0)
    >>> res.method, abs(res.ate - 2.0) < 0.2
    ('aipw', True)
    """
    common: dict[str, Any] = {"contrast": contrast, "bootstrap": bootstrap, "alpha": alpha,
                              "seed": seed}
    if isinstance(method, EffectEstimator):
        est = method.clone(**params)
    else:
        if method is None:
            cls = choose_method(graph, data, treatment, outcome)
        elif isinstance(method, str):
            if method not in METHODS:
                raise EstimationError(
                    f"unknown method {method!r}; choose one of {sorted(METHODS)}"
                )
            cls = METHODS[method]
        else:
            cls = method
        est = cls(**common, **params)
    return est.fit(data, graph, treatment, outcome).result()


def interventional_distribution(
    graph: CausalGraph,
    data: pd.DataFrame,
    interventions: Mapping[str, float],
    *,
    outcome: str | None = None,
    num_samples: int = 10_000,
    seed: int | None = 0,
    allow_unidentified: bool = False,
    **model_params: Any,
) -> pd.DataFrame:
    """Samples of every observed node under ``do(interventions)`` from a fitted generative model.

    With ``outcome`` given, the effect of the intervened nodes on it must be identifiable
    (else :class:`~rung.estimate.errors.NotIdentifiedError`, unless
    ``allow_unidentified=True``).

    Examples
    --------
    >>> from rung.datasets import linear_frontdoor
    >>> cs = linear_frontdoor(n=2000)
    >>> df = interventional_distribution(cs.graph, cs.data, {"X": 1.0}, outcome="Y")
    >>> bool(abs(df["Y"].mean() - 3.0) < 0.3)
    True
    """
    if outcome is not None and not allow_unidentified:
        for x in interventions:
            identify_or_raise(graph, x, outcome)
    df = check_data(data, latent_structure(graph).order)
    scm = fit_generative_model(graph, df, **model_params)
    return interventional_samples(scm, interventions, num_samples, seed)
