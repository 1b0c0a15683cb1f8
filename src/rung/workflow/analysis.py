"""Steps 5 to 7: identify P(Y | do(X)) on the final graph, estimate and refute, then the
effect over every plausible graph and the verdict.

Estimators run side by side on the identified estimand:

- the generative estimator (a Pyro structural causal model fitted to the data, then
  intervened on), for every identifiable query;
- a classic estimator matched to the identification method: regression adjustment (and
  AIPW) for a back-door set, the front-door estimator for a front-door set.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from rung.workflow.steps import RunContext, final_graph

__all__ = ["default_contrast", "run_estimate", "run_identify", "run_verdict"]


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


def contrast_of(ctx: RunContext) -> tuple[float, float]:
    c = ctx.config.contrast
    return (float(c[0]), float(c[1])) if c else default_contrast(ctx.data[ctx.config.treatment])


def run_identify(ctx: RunContext) -> list[str]:
    from rung.identify import identify

    cfg = ctx.config
    g = final_graph(ctx.store)
    res = identify(g, cfg.treatment, cfg.outcome)
    obj: dict[str, Any] = dict(res.to_json())
    est = obj.get("estimand") or {}
    obj["text"] = est.get("text", "")
    obj["latex"] = est.get("latex", "")
    ctx.store.write_json("identification.json", obj)
    return ["identification.json"]


def _classic(method: str | None, contrast: tuple[float, float], cfg: Any, binary: bool
             ) -> list[Any]:
    """Classic estimators for the identification method (AIPW needs a 0/1 treatment)."""
    from rung.estimate.estimators.adjustment import AIPW, RegressionAdjustment
    from rung.estimate.estimators.frontdoor import FrontDoor

    kw = {"contrast": contrast, "bootstrap": cfg.bootstrap, "seed": cfg.seed}
    if method == "backdoor":
        aipw = [AIPW(contrast=contrast, seed=cfg.seed)] if binary else []
        return [RegressionAdjustment(**kw), *aipw]
    if method == "frontdoor":
        return [FrontDoor(**kw)]
    return []


def _generative(contrast: tuple[float, float], cfg: Any) -> list[Any]:
    from rung.estimate.programs.generative import GenerativeEstimator

    return [GenerativeEstimator(contrast=contrast, num_samples=cfg.generative_samples,
                                bootstrap=min(cfg.bootstrap, 20), seed=cfg.seed)]


def _do_samples(est: Any, ctx: RunContext, contrast: tuple[float, float]) -> dict[str, Any]:
    """Outcome samples under do(X=a) and do(X=b) from the fitted generative model."""
    from rung.estimate.programs.interventions import interventional_samples

    cfg = ctx.config
    out: dict[str, Any] = {}
    for v in contrast:
        df = interventional_samples(est.model_, {cfg.treatment: v}, num_samples=2000,
                                    seed=cfg.seed)
        out[f"do({cfg.treatment}={v:.4g})"] = [round(float(x), 6) for x in df[cfg.outcome]]
    return out


def _refute(fitted: list[Any], ctx: RunContext) -> list[dict[str, Any]]:
    """Refuters (placebo, random common cause, subset, dummy outcome, graph) against the
    first classic estimator, or the generative one when it is the only estimator."""
    import warnings

    from rung.estimate.checks.refute import refute

    if not fitted:
        return []
    est = fitted[1] if len(fitted) > 1 else fitted[0]
    sims = 5 if len(fitted) > 1 else 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # failures are reported in the table, not as warnings
        results = refute(est, ctx.data, n_simulations=sims, seed=ctx.config.seed)
    return [{**r.to_json(), "estimator": est.method} for r in results]


def run_estimate(ctx: RunContext) -> list[str]:
    cfg = ctx.config
    ident = ctx.store.read_json("identification.json")
    contrast = contrast_of(ctx)
    estimates: list[dict[str, Any]] = []
    errors: list[str] = []
    samples: dict[str, Any] = {}
    fitted: list[Any] = []
    if ident.get("identifiable"):
        g = final_graph(ctx.store)
        binary = set(np.unique(ctx.data[cfg.treatment])) <= {0.0, 1.0}
        classic = _classic(ident.get("method"), contrast, cfg, binary)
        for est in [*_generative(contrast, cfg), *classic]:
            try:
                estimates.append(est.fit(ctx.data, g, cfg.treatment, cfg.outcome)
                                 .result().to_json())
                fitted.append(est)
            except ValueError as exc:
                errors.append(f"{type(est).__name__}: {' '.join(str(exc).split())}")
                continue
            if hasattr(est, "model_") and not samples:
                samples = _do_samples(est, ctx, contrast)
    else:
        errors.append("the effect is not identifiable on the final graph: no estimate")
    try:
        refuters = _refute(fitted, ctx)
    except ValueError as exc:
        refuters = []
        errors.append(f"refuters: {' '.join(str(exc).split())}")
    ctx.store.write_json("estimates.json", {
        "contrast": list(contrast), "estimates": estimates, "errors": errors,
        "refuters": refuters, "interventional_samples": samples,
        "implications": _implications(ctx, errors)})
    return ["estimates.json"]


#: at most this many implied independencies are tested on the data (the report says so)
MAX_IMPLICATION_TESTS = 60


def _implications(ctx: RunContext, errors: list[str]) -> dict[str, Any] | None:
    """The final graph's implied independencies, each tested on the data (dagitty's local
    tests, with the test matched to the column types: :mod:`rung.discover.local_tests`)."""
    from rung.discover.local_tests import test_implications

    try:
        tests = test_implications(final_graph(ctx.store), ctx.data, seed=ctx.config.seed,
                                  max_tests=MAX_IMPLICATION_TESTS)
    except ValueError as exc:
        errors.append(f"implied-independence tests: {' '.join(str(exc).split())}")
        return None
    return tests.to_json()


def _members(ctx: RunContext) -> Any:
    """The plausible graphs: the analyst's graph alone, or the data's class as narrowed by
    the LLM's beliefs that reach the threshold."""
    from rung.discover import DiscoveryResult
    from rung.workflow.members import find_plausible_graphs
    from rung.workflow.steps import load_llm_edges

    cfg = ctx.config
    if cfg.analyst_graph is not None:
        return [final_graph(ctx.store)]
    data = DiscoveryResult.from_json(ctx.store.read_json("data_graph.json"))
    beliefs = [*load_llm_edges(ctx.store, "candidates"), *load_llm_edges(ctx.store)]
    return find_plausible_graphs(data, beliefs, threshold=cfg.orientation_threshold,
                                 limit=cfg.class_limit)


def run_verdict(ctx: RunContext) -> list[str]:
    """Estimate the effect in every plausible graph, then decide the verdict."""
    from rung.workflow.class_effects import estimate_over_class
    from rung.workflow.verdict import EstimatorResult, RefuterOutcome, decide_verdict

    cfg, s = ctx.config, ctx.store
    ident = s.read_json("identification.json")
    est = s.read_json("estimates.json")
    fx = estimate_over_class(ctx.data, _members(ctx), cfg.treatment, cfg.outcome,
                             contrast=(float(est["contrast"][0]), float(est["contrast"][1])),
                             bootstrap=min(max(cfg.bootstrap, 20), 50), seed=cfg.seed)
    conflicts = [] if cfg.analyst_graph is not None else [
        r for r in s.read_json("disagreements.json")
        if r["kind"] in ("orientation", "confounding")]
    verdict = decide_verdict(
        identified=bool(ident.get("identifiable")), reason=str(ident.get("reason", "")),
        estimates=[EstimatorResult.from_json(e) for e in est["estimates"]],
        errors=est["errors"],
        refuters=[RefuterOutcome.from_json(r) for r in est.get("refuters", [])],
        conflicts=conflicts, class_effects=fx)
    s.write_json("class_effects.json", fx.to_json())
    s.write_json("verdict.json", verdict.to_json())
    return ["class_effects.json", "verdict.json"]
