"""Steps 5 to 7: identify P(Y | do(X)) on the final graph once, estimate and refute with
the methods :func:`rung.estimate.methods_for` matches to that identification, then the
effect over every plausible graph and the verdict. Each step is a plain function from
typed artifacts (:mod:`rung.workflow.artifacts`) to one.

Estimators run side by side on the identified estimand: the generative estimator (a Pyro
structural causal model fitted to the data, then intervened on) for every identifiable
query, and the classic estimators the one table offers for the identification
(:data:`WORKFLOW_METHODS`: regression adjustment and AIPW for a back-door set, the
front-door estimator for a front-door set).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from rung.estimate import Method, fit_estimator, methods_for
from rung.workflow.artifacts import (
    Assessment,
    DataGraph,
    Estimates,
    IdentifiedEffect,
    LLMGraph,
    Review,
)
from rung.workflow.config import CopilotConfig, EstimateConfig
from rung.workflow.store import json_safe

__all__ = ["WORKFLOW_METHODS", "assess", "default_contrast", "estimate_effects",
           "identify_effect", "workflow_methods"]

#: the methods the workflow runs, in this order, where ``methods_for`` offers them
WORKFLOW_METHODS: tuple[Method, ...] = (Method.GENERATIVE, Method.REGRESSION, Method.AIPW,
                                        Method.FRONTDOOR)


def default_contrast(values: pd.Series) -> tuple[float, float]:
    """(a, b) of the effect: two different, well-supported treatment values
    (:func:`rung.data.default_contrast`: (1, 0) for a 0/1 treatment, the two extreme
    well-populated levels of a discrete one, else the 75th and 25th percentiles, moved
    apart when one value fills more than half the rows).

    Examples
    --------
    >>> default_contrast(pd.Series([0.0, 1.0, 1.0]))
    (1.0, 0.0)
    >>> default_contrast(pd.Series(range(101)))
    (75.0, 25.0)
    >>> default_contrast(pd.Series([1.0] * 80 + [2.0] * 20))  # once collapsed to (1, 1)
    (2.0, 1.0)
    """
    from rung.data import default_contrast as choose

    return choose(values.to_numpy(dtype=float), str(values.name or "treatment"))


def contrast_of(data: pd.DataFrame, cfg: CopilotConfig) -> tuple[float, float]:
    c = cfg.estimate.contrast
    return (float(c[0]), float(c[1])) if c else default_contrast(data[cfg.treatment])


def identify_effect(config: CopilotConfig, review: Review) -> IdentifiedEffect:
    """P(outcome | do(treatment)) identified once on the final graph."""
    from rung.identify import identify

    return IdentifiedEffect(identify(review.graph, config.treatment, config.outcome))


def workflow_methods(identified: IdentifiedEffect, review: Review, data: pd.DataFrame,
                     categorical: Sequence[str] = ()) -> list[Method]:
    """The methods run: :data:`WORKFLOW_METHODS` that :func:`rung.estimate.methods_for`
    offers for this identification and these data (weighting needs a discrete treatment).

    Examples
    --------
    >>> from rung.datasets import linear_frontdoor
    >>> from rung.identify import identify
    >>> cs = linear_frontdoor(n=200)
    >>> ident = IdentifiedEffect(identify(cs.graph, cs.treatment, cs.outcome))
    >>> rev = Review("analyst", cs.graph, (), None)
    >>> [m.value for m in workflow_methods(ident, rev, cs.data)]
    ['generative', 'frontdoor']
    """
    offered = methods_for(identified.identification, review.graph, data, categorical)
    return [m for m in WORKFLOW_METHODS if m in offered]


def _settings(method: Method, cfg: EstimateConfig) -> dict[str, Any]:
    """Per-method settings: the generative model's samples and a short bootstrap; AIPW's
    analytic interval; ``cfg.bootstrap`` resamples for the others."""
    if method is Method.GENERATIVE:
        return {"bootstrap": min(cfg.bootstrap, 20), "num_samples": cfg.generative_samples}
    if method is Method.AIPW:
        return {"bootstrap": None}
    return {"bootstrap": cfg.bootstrap}


def _do_samples(est: Any, cfg: CopilotConfig, contrast: tuple[float, float]
                ) -> dict[str, list[float]]:
    """Outcome samples under do(X=a) and do(X=b) from the fitted generative model."""
    from rung.estimate import interventional_samples

    out: dict[str, list[float]] = {}
    for v in contrast:
        df = interventional_samples(est.model_, {cfg.treatment: v}, num_samples=2000,
                                    seed=cfg.seed)
        out[f"do({cfg.treatment}={v:.4g})"] = [round(float(x), 6) for x in df[cfg.outcome]]
    return out


def _refute(fitted: list[Any], data: pd.DataFrame, seed: int) -> list[dict[str, Any]]:
    """Refuters (placebo, random common cause, subset, dummy outcome, graph) against the
    first classic estimator, or the generative one when it is the only estimator."""
    import warnings

    from rung.estimate import refute

    if not fitted:
        return []
    est = fitted[1] if len(fitted) > 1 else fitted[0]
    sims = 5 if len(fitted) > 1 else 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # failures are reported in the table, not as warnings
        results = refute(est, data, n_simulations=sims, seed=seed)
    return [{**r.to_json(), "estimator": est.method} for r in results]


def _fit_all(data: pd.DataFrame, cfg: CopilotConfig, review: Review,
             identified: IdentifiedEffect, contrast: tuple[float, float]
             ) -> tuple[list[Any], list[dict[str, Any]], list[str], dict[str, list[float]]]:
    """(fitted estimators, their results, errors, do-samples) of every workflow method."""
    fitted: list[Any] = []
    results: list[dict[str, Any]] = []
    errors: list[str] = []
    samples: dict[str, list[float]] = {}
    categorical = cfg.data.categorical
    for m in workflow_methods(identified, review, data, categorical):
        try:
            est = fit_estimator(identified.identification, data, m, graph=review.graph,
                                contrast=contrast, seed=cfg.seed, categorical=categorical,
                                **_settings(m, cfg.estimate))
        except ValueError as exc:
            errors.append(f"{_class_name(m)}: {' '.join(str(exc).split())}")
            continue
        results.append(est.result().to_json())
        fitted.append(est)
        if m is Method.GENERATIVE and not samples:
            samples = _do_samples(est, cfg, contrast)
    return fitted, results, errors, samples


def _class_name(m: Method) -> str:
    from rung.estimate import ESTIMATOR_OF

    return ESTIMATOR_OF[m].__name__


def estimate_effects(data: pd.DataFrame, config: CopilotConfig, review: Review,
                     identified: IdentifiedEffect) -> Estimates:
    """Every workflow method's estimate on the final graph, the refuters, samples under
    do(), and the final graph's implied independencies tested on the data."""
    contrast = contrast_of(data, config)
    fitted: list[Any] = []
    results: list[dict[str, Any]] = []
    errors: list[str] = []
    samples: dict[str, list[float]] = {}
    if identified.identifiable:
        fitted, results, errors, samples = _fit_all(data, config, review, identified, contrast)
    else:
        errors.append("the effect is not identifiable on the final graph: no estimate")
    try:
        refuters = _refute(fitted, data, config.seed)
    except ValueError as exc:
        refuters = []
        errors.append(f"refuters: {' '.join(str(exc).split())}")
    implications = _implications(review, data, config.seed, errors)
    # JSON-safe (NaN -> None) now, so a fresh run and a resumed one report the same values
    return Estimates(contrast, tuple(json_safe(results)), tuple(errors),
                     tuple(json_safe(refuters)), samples, json_safe(implications))


#: at most this many implied independencies are tested on the data (the report says so)
MAX_IMPLICATION_TESTS = 60


def _implications(review: Review, data: pd.DataFrame, seed: int, errors: list[str]
                  ) -> dict[str, Any] | None:
    """The final graph's implied independencies, each tested on the data (dagitty's local
    tests, with the test matched to the column types: :mod:`rung.discover.local_tests`)."""
    from rung.discover.local_tests import test_implications

    try:
        tests = test_implications(review.graph, data, seed=seed,
                                  max_tests=MAX_IMPLICATION_TESTS)
    except ValueError as exc:
        errors.append(f"implied-independence tests: {' '.join(str(exc).split())}")
        return None
    return tests.to_json()


def _members(cfg: CopilotConfig, data_graph: DataGraph, llm: LLMGraph, review: Review) -> Any:
    """The plausible graphs: the analyst's graph alone, or the data's class as narrowed by
    the LLM's beliefs that reach the threshold."""
    from rung.workflow.members import find_plausible_graphs

    if cfg.review.analyst_graph is not None:
        return [review.graph]
    return find_plausible_graphs(data_graph.result, list(llm.beliefs),
                                 threshold=cfg.review.orientation_threshold,
                                 limit=cfg.review.class_limit)


def assess(data: pd.DataFrame, config: CopilotConfig, data_graph: DataGraph, llm: LLMGraph,
           review: Review, identified: IdentifiedEffect, estimates: Estimates) -> Assessment:
    """Estimate the effect in every plausible graph, then decide the verdict.

    On the fused path the plausible graphs are the fused search's classes (the best MPDAG
    and every class in Occam's window) and the assessment also holds the data-alone
    effect set (:func:`rung.workflow.fused_steps.assess_fused`)."""
    from rung.workflow.class_effects import estimate_over_class
    from rung.workflow.fused_steps import (
        FusedAssessment,
        FusedReview,
        assess_fused,
    )
    from rung.workflow.verdict import decide_verdict

    cfg = config
    if isinstance(review, FusedReview) and review.fusion is not None:
        return assess_fused(data, review, identified, estimates, cfg.treatment, cfg.outcome,
                            cfg.review.orientation_threshold)
    fx = estimate_over_class(data, _members(cfg, data_graph, llm, review), cfg.treatment,
                             cfg.outcome, contrast=estimates.contrast,
                             bootstrap=min(max(cfg.estimate.bootstrap, 20), 50), seed=cfg.seed)
    verdict = decide_verdict(
        identified=identified.identifiable, reason=str(identified.identification.reason),
        estimates=estimates.results, errors=list(estimates.errors),
        refuters=estimates.refuter_outcomes, conflicts=review.conflicts, class_effects=fx)
    return FusedAssessment(fx, verdict, None)
