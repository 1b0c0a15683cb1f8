"""Refuters: re-run an estimator on deliberately changed data and check the change.

Every refuter really re-fits a fresh clone of the estimator (DoWhy's placebo refuter
returns the unchanged estimate for its front-door estimator; rung does not):

- ``placebo``: the treatment column is permuted -> the effect must vanish;
- ``random_common_cause``: an independent binary W -> X, W -> Y is added -> no change;
- ``subset``: a random fraction of rows -> no change (stability);
- ``dummy_outcome``: Y is replaced by a variable built from X's non-descendants (per the
  graph) -> the effect must vanish;
- ``graph``: the conditional independencies the graph implies are tested on the data
  (partial correlations, Bonferroni) -> none may be rejected. This is the refuter that
  catches a wrong graph; the others catch a broken estimator.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from rung.data import is_discrete, prepare
from rung.estimate.data import check_data
from rung.estimate.errors import EstimationError
from rung.estimate.estimators.base import EffectEstimator
from rung.graph import CausalGraph, implied_independencies

__all__ = ["REFUTERS", "RefutationResult", "RefutationWarning", "Refutations", "refute"]


class RefutationWarning(UserWarning):
    """A refuter rejected the estimate."""


@dataclass(frozen=True)
class RefutationResult:
    """What one refuter found. ``passed`` is False when the estimate is refuted."""

    refuter: str
    original: float
    new_effect: float
    expected: float
    tolerance: float
    passed: bool
    new_effects: tuple[float, ...] = ()
    message: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {"refuter": self.refuter, "original": self.original,
                "new_effect": self.new_effect, "expected": self.expected,
                "tolerance": self.tolerance, "passed": self.passed,
                "new_effects": list(self.new_effects), "message": self.message,
                **self.details}

    def to_frame(self) -> pd.DataFrame:
        """A one-row DataFrame: refuter, original, new_effect, expected, tolerance, passed,
        message."""
        return pd.DataFrame([{k: v for k, v in self.to_json().items()
                              if k in _FRAME_COLUMNS}], columns=list(_FRAME_COLUMNS))

    def _repr_html_(self) -> str:
        return _html_table([self])


_FRAME_COLUMNS = ("refuter", "original", "new_effect", "expected", "tolerance", "passed",
                  "message")


def _html_table(results: Iterable[RefutationResult]) -> str:
    head = "".join(f"<th>{c}</th>" for c in ("refuter", "passed", "new effect", "expected",
                                              "message"))
    body = "".join(
        f"<tr><td>{html.escape(r.refuter)}</td><td>{'pass' if r.passed else 'FAIL'}</td>"
        f"<td>{r.new_effect:.4g}</td><td>{r.expected:.4g}</td>"
        f"<td>{html.escape(r.message)}</td></tr>" for r in results)
    return f"<table class='rung-refutations'><tr>{head}</tr>{body}</table>"


class Refutations(list[RefutationResult]):
    """The results of :func:`refute` (a list) with a table view for notebooks."""

    def to_frame(self) -> pd.DataFrame:
        """One row per refuter."""
        return pd.concat([r.to_frame() for r in self], ignore_index=True) if self else \
            pd.DataFrame(columns=list(_FRAME_COLUMNS))

    def _repr_html_(self) -> str:
        return _html_table(self)


@dataclass
class _Problem:
    est: EffectEstimator
    data: pd.DataFrame
    graph: CausalGraph
    treatment: str
    outcome: str
    rng: np.random.Generator


def _refit(p: _Problem, data: pd.DataFrame, graph: CausalGraph, **overrides: Any) -> float:
    est = p.est.clone(bootstrap=0, seed=int(p.rng.integers(2**31)), **overrides)
    fitted = est.fit(data, graph, p.treatment, p.outcome,
                     categorical=getattr(p.est, "categorical_", ()))
    return float(fitted.ate_)


def _placebo(p: _Problem) -> tuple[float, float]:
    df = p.data.copy()
    df[p.treatment] = p.rng.permutation(df[p.treatment].to_numpy())
    return _refit(p, df, p.graph), 0.0


def _random_common_cause(p: _Problem) -> tuple[float, float]:
    name = "W_random"
    while name in p.graph.all_nodes or name in p.data.columns:
        name += "_"
    df = p.data.copy()
    df[name] = p.rng.integers(0, 2, size=len(df)).astype(float)
    g = CausalGraph(directed=[*p.graph.directed_edges, (name, p.treatment), (name, p.outcome)],
                    bidirected=p.graph.bidirected_edges, nodes=p.graph.all_nodes,
                    latent=p.graph.latent)
    # a user's adjustment set must now also block the added common cause
    user = getattr(p.est, "adjustment_set", None)
    extra = {} if user is None else {"adjustment_set": frozenset(user) | {name}}
    return _refit(p, df, g, **extra), float("nan")


def _subset(p: _Problem, fraction: float = 0.8) -> tuple[float, float]:
    idx = p.rng.choice(len(p.data), size=int(fraction * len(p.data)), replace=False)
    return _refit(p, p.data.iloc[np.sort(idx)].reset_index(drop=True), p.graph), float("nan")


def _dummy_outcome(p: _Problem) -> tuple[float, float]:
    df = p.data.copy()
    y = df[p.outcome].to_numpy()
    g = p.graph.projected()
    pre = [c for c in g.nodes if c not in g.descendants(p.treatment) and c in df.columns]
    if is_discrete(y) or not pre:
        df[p.outcome] = p.rng.permutation(y)
    else:
        d = np.column_stack([np.ones(len(df)), df[pre].to_numpy()])
        fit = d @ np.linalg.lstsq(d, y, rcond=None)[0]
        df[p.outcome] = fit + p.rng.permutation(y - fit)  # depends on X's non-descendants only
    return _refit(p, df, p.graph), 0.0


#: refuter name -> function returning (new effect, expected value; NaN = the original)
REFUTERS: dict[str, Callable[[_Problem], tuple[float, float]]] = {
    "placebo": _placebo,
    "random_common_cause": _random_common_cause,
    "subset": _subset,
    "dummy_outcome": _dummy_outcome,
}


def _partial_corr_pvalue(df: pd.DataFrame, a: str, b: str, z: Sequence[str]) -> float:
    n = len(df)
    d = np.column_stack([np.ones(n), df[list(z)].to_numpy()]) if z else np.ones((n, 1))

    def resid(c: str) -> np.ndarray:
        v = df[c].to_numpy()
        return np.asarray(v - d @ np.linalg.lstsq(d, v, rcond=None)[0])

    ra, rb = resid(a), resid(b)
    denom = np.sqrt((ra @ ra) * (rb @ rb))
    r = float(ra @ rb / denom) if denom > 0 else 0.0
    zstat = np.arctanh(np.clip(r, -0.999999, 0.999999)) * np.sqrt(max(n - len(z) - 3, 1))
    return float(2 * stats.norm.sf(abs(zstat)))


def _graph_refuter(p: _Problem, original: float, alpha: float) -> RefutationResult:
    tests = [t for t in implied_independencies(p.graph)
             if {t[0], t[1], *t[2]} <= set(p.data.columns)]
    df = check_data(p.data, sorted({c for a, b, z in tests for c in (a, b, *z)}))
    pvals = [(a, b, sorted(z), _partial_corr_pvalue(df, a, b, sorted(z))) for a, b, z in tests]
    cut = alpha / max(len(pvals), 1)
    bad = [f"{a} ⊥ {b} | {z} (p={pv:.2g})" for a, b, z, pv in pvals if pv < cut]
    msg = (f"all {len(pvals)} implied independencies hold" if not bad else
           f"the data contradict the graph: {'; '.join(bad)}")
    return RefutationResult("graph", original, float("nan"), float("nan"), cut, not bad,
                            message=msg, details={"rejected": bad, "tested": len(pvals)})


def refute(
    estimator: EffectEstimator,
    data: pd.DataFrame,
    graph: CausalGraph | None = None,
    treatment: str | None = None,
    outcome: str | None = None,
    *,
    refuters: Sequence[str] = ("placebo", "random_common_cause", "subset", "dummy_outcome",
                               "graph"),
    n_simulations: int = 5,
    rtol: float = 0.1,
    alpha: float = 0.01,
    seed: int | None = 0,
    strict: bool = False,
) -> Refutations:
    """Run ``refuters`` against ``estimator`` (fitted, or fitted here on ``data``).

    A refuter passes when the mean of its ``n_simulations`` re-estimates lies within
    ``t(0.995) · sd / sqrt(k) + rtol · |original|`` of the expected value (0 for placebo
    and dummy outcome, the original estimate otherwise). Failures emit a
    :class:`RefutationWarning`; with ``strict=True`` they raise :class:`EstimationError`.

    Examples
    --------
    >>> from rung.datasets import linear_backdoor
    >>> from rung.estimate import RegressionAdjustment
    >>> cs = linear_backdoor(n=1000)
    >>> res = refute(RegressionAdjustment(), cs.data, cs.graph, "X", "Y", n_simulations=3)
    >>> [r.passed for r in res]
    [True, True, True, True, True]
    """
    if not hasattr(estimator, "ate_"):
        if graph is None or treatment is None or outcome is None:
            raise EstimationError("pass graph, treatment and outcome, or a fitted estimator")
        # only the point estimate is refuted: no interval needed for this fit
        estimator = estimator.clone(bootstrap=0).fit(data, graph, treatment, outcome)
    unknown = sorted(set(refuters) - set(REFUTERS) - {"graph"})
    if unknown:
        raise EstimationError(f"unknown refuters {unknown}; choose from "
                              f"{[*sorted(REFUTERS), 'graph']}")
    graph_g = estimator.graph_
    used = [c for c in graph_g.projected().nodes if c in set(map(str, data.columns))]
    prepared = prepare(data, used, categorical=getattr(estimator, "categorical_", ())).frame
    p = _Problem(estimator, prepared, graph_g, estimator.treatment_, estimator.outcome_,
                 np.random.default_rng(seed))
    original = float(estimator.ate_)
    out = Refutations()
    for name in refuters:
        if name == "graph":
            out.append(_graph_refuter(p, original, alpha))
            continue
        runs = [REFUTERS[name](p) for _ in range(max(1, n_simulations))]
        effects = np.array([r[0] for r in runs])
        expected = original if np.isnan(runs[0][1]) else runs[0][1]
        k = len(effects)
        spread = float(stats.t.ppf(0.995, k - 1) * effects.std(ddof=1) / np.sqrt(k)) if k > 1 \
            else 0.0
        tol = spread + rtol * abs(original) + 1e-9
        mean = float(effects.mean())
        passed = abs(mean - expected) <= tol
        msg = (f"{name}: re-estimated {mean:.4g} vs expected {expected:.4g} "
               f"(tolerance {tol:.3g}) -> {'pass' if passed else 'FAIL'}")
        out.append(RefutationResult(name, original, mean, expected, tol, passed,
                                    tuple(float(e) for e in effects), msg))
    failed = [r for r in out if not r.passed]
    for r in failed:
        warnings.warn(f"refuted: {r.message}", RefutationWarning, stacklevel=2)
    if strict and failed:
        raise EstimationError("; ".join(r.message for r in failed))
    return out
