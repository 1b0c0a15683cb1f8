"""The effect of treatment on the treated (ETT) by adjustment, with a bootstrap interval.

``ETT = E[Y_a − Y_b | X = a]``: among the units that received ``X = a``, the mean change had
they received ``b`` instead. By consistency ``E[Y_a | X = a] = E[Y | X = a]``; for a set
``Z`` of non-descendants of ``X`` that blocks every back-door path (so ``Y_b ⊥ X | Z``),

    E[Y_b | X = a] = Σ_z E[Y | X = b, z] P(z | X = a)

(Shpitser & Pearl 2009, *Effects of treatment on the treated: identification and
generalization*, UAI, Section 3; Pearl 2009, *Causality*, eq. 11.46). The estimate is cross-
checked with ID* on ``P(Y[X=b]=1 | X=a)``: a conflict there means ETT is not identified by
any means; an identified ETT without such a set (e.g. the front-door graph) is named and
not estimated here.

Estimators: ``plugin`` (discrete ``Z``: cell means of the ``X = b`` arm weighted by the
treated's cell frequencies) and ``regression`` (a model of ``Y`` on ``Z`` in the ``X = b``
arm, least squares or logistic for a 0/1 outcome, averaged over the treated).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from rung.data import MissingPolicy, Table, check_contrast_support, design_matrix, is_discrete
from rung.data import prepare as prepare_data
from rung.estimate.errors import (
    EstimationError,
    InvalidSetError,
    NotIdentifiedError,
    UnsupportedModelError,
)
from rung.estimate.estimators.intervals import percentile_interval
from rung.graph import CausalGraph

__all__ = ["ETTEstimate", "ETTMethod", "estimate_ett"]

ETTMethod = Literal["auto", "plugin", "regression"]
Interval = tuple[float, float] | None


@dataclass(frozen=True)
class ETTEstimate:
    """``ett = treated_mean − counterfactual_mean`` with ``contrast = (a, b)``.

    ``treated_mean`` is ``E[Y | X = a]``, ``counterfactual_mean`` ``E[Y_b | X = a]``.
    """

    treatment: str
    outcome: str
    contrast: tuple[float, float]
    method: Literal["plugin", "regression"]
    adjustment: tuple[str, ...]
    ett: float
    ci: Interval
    treated_mean: float
    counterfactual_mean: float
    counterfactual_ci: Interval
    n: int
    n_treated: int
    alpha: float
    interval: str
    counterfactual_status: str
    estimand: str = field(default="")

    def summary(self) -> str:
        """One line: the effect, its interval and the adjustment set."""
        a, b = self.contrast
        band = "" if self.ci is None else f" [{self.ci[0]:.4g}, {self.ci[1]:.4g}]"
        z = ", ".join(self.adjustment) or "∅"
        return (f"ETT of {self.treatment}={a:g} vs {b:g} on {self.outcome} among "
                f"{self.treatment}={a:g}: {self.ett:.4g}{band} ({self.method}, adjusting for "
                f"{{{z}}}; {self.interval}; n={self.n}, {self.n_treated} treated)")

    def to_json(self) -> dict[str, Any]:
        """The estimate as JSON (``from_json`` inverts it)."""
        def ci(c: Interval) -> list[float] | None:
            return None if c is None else [c[0], c[1]]

        return {"treatment": self.treatment, "outcome": self.outcome,
                "contrast": list(self.contrast), "method": self.method,
                "adjustment": list(self.adjustment), "ett": self.ett, "ci": ci(self.ci),
                "treated_mean": self.treated_mean,
                "counterfactual_mean": self.counterfactual_mean,
                "counterfactual_ci": ci(self.counterfactual_ci), "n": self.n,
                "n_treated": self.n_treated, "alpha": self.alpha, "interval": self.interval,
                "counterfactual_status": self.counterfactual_status,
                "estimand": self.estimand}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ETTEstimate:
        """Invert :meth:`to_json`."""
        def ci(c: list[float] | None) -> Interval:
            return None if c is None else (float(c[0]), float(c[1]))

        return cls(data["treatment"], data["outcome"],
                   (float(data["contrast"][0]), float(data["contrast"][1])), data["method"],
                   tuple(data["adjustment"]), float(data["ett"]), ci(data["ci"]),
                   float(data["treated_mean"]), float(data["counterfactual_mean"]),
                   ci(data["counterfactual_ci"]), int(data["n"]), int(data["n_treated"]),
                   float(data["alpha"]), data["interval"], data["counterfactual_status"],
                   data["estimand"])


def _adjustment(graph: CausalGraph, x: str, y: str,
                given: Iterable[str] | None) -> tuple[frozenset[str], str]:
    """A back-door set (non-descendants of X) and the ID* verdict on the ETT."""
    from rung.identify import find_canonical_adjustment_set, identify_counterfactual
    from rung.identify.validate import InvalidSetError as _Invalid
    from rung.identify.validate import check_adjustment_set

    g = graph.projected()
    if x == y:
        raise EstimationError(f"treatment and outcome are both {x!r}; pick two nodes")
    g.check_nodes({x, y})
    cf = identify_counterfactual(g, f"P({y}[{x}=0]=1 | {x}=1)")
    if cf.status == "not_identifiable":
        raise NotIdentifiedError(x, y, f"the effect on the treated: {cf.reason}",
                                 advice="measure a confounder or add assumptions to the graph")
    de_x = g.descendants(x, include_self=False)
    if given is not None:
        z = frozenset(given)
        try:
            check_adjustment_set(g, x, y, z)
        except _Invalid as exc:
            raise InvalidSetError.of(exc) from None
        if z & de_x:
            raise EstimationError(
                f"adjustment set {sorted(z)} holds {sorted(z & de_x)[0]!r}, a descendant of "
                f"{x}; the effect on the treated needs a back-door set of non-descendants: "
                "drop it")
        return z, cf.status
    found = find_canonical_adjustment_set(g, x, y, exclude=de_x)
    if found is None:
        raise UnsupportedModelError(
            f"no back-door set identifies the effect of {x} on {y} among the treated "
            f"(ID* says {cf.status!r} for P({y}[{x}=0] | {x}=1)); rung estimates ETT by "
            "adjustment only: measure a confounder")
    return found, cf.status


def _logistic(features: np.ndarray, target: np.ndarray) -> LogisticRegression:
    if len(np.unique(target)) < 2:
        raise EstimationError("the outcome takes one value only in the comparison arm")
    return LogisticRegression(C=1e6, max_iter=2000).fit(features, target)


def _means(df: pd.DataFrame, x: str, y: str, z: tuple[str, ...], a: float, b: float,
           plugin: bool, y_binary: bool, categorical: frozenset[str]) -> tuple[float, float]:
    """(E[Y | X=a], E[Y_b | X=a]) on ``df``."""
    treated, control = df[df[x] == a], df[df[x] == b]
    if treated.empty or control.empty:
        raise EstimationError(f"no row has {x}={a if treated.empty else b:g}")
    obs = float(treated[y].mean())
    if not z:
        return obs, float(control[y].mean())
    if plugin:
        means = control.groupby(list(z))[y].mean()
        freq = treated.groupby(list(z)).size() / len(treated)
        gap = [k for k in freq.index if k not in means.index]
        if gap:
            raise EstimationError(
                f"treated units with {list(z)} = {gap[0]} have no comparison unit with "
                f"{x}={b:g} (positivity fails among the treated); use method='regression' "
                "or fewer covariates")
        return obs, float((freq * means.reindex(freq.index)).sum())
    zc = design_matrix(control, list(z), categorical)
    zt = design_matrix(treated, list(z), categorical)
    yc = control[y].to_numpy(float)
    if y_binary:
        return obs, float(_logistic(zc, yc).predict_proba(zt)[:, 1].mean())
    coef = np.linalg.lstsq(np.column_stack([np.ones(len(zc)), zc]), yc, rcond=None)[0]
    return obs, float((np.column_stack([np.ones(len(zt)), zt]) @ coef).mean())


def estimate_ett(
    data: pd.DataFrame | Table,
    graph: CausalGraph,
    treatment: str,
    outcome: str,
    *,
    contrast: tuple[float, float] = (1.0, 0.0),
    adjustment: Iterable[str] | None = None,
    method: ETTMethod = "auto",
    bootstrap: int = 200,
    alpha: float = 0.05,
    seed: int | None = None,
    categorical: Iterable[str] = (),
    missing: MissingPolicy = "drop",
) -> ETTEstimate:
    """Estimate ``E[Y_a − Y_b | X = a]`` for ``contrast = (a, b)`` by adjustment.

    ``adjustment`` is checked (back-door criterion, no descendant of X; the error names the
    open path) or found (the canonical set of non-descendants). ``method="auto"`` takes the
    plug-in when every adjustment column is discrete.

    Raises
    ------
    NotIdentifiedError
        ID* finds a conflict: the ETT is not identified by any means.
    UnsupportedModelError
        No back-door set exists (the ETT may still be identified otherwise; ID* is quoted).
    InvalidSetError
        The given set leaves a back-door path open.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> z = rng.integers(0, 2, 4000)
    >>> x = (rng.uniform(size=4000) < 0.2 + 0.6 * z).astype(int)
    >>> y = z + x * (1 + 2 * z) + rng.normal(size=4000)
    >>> df = pd.DataFrame({"Z": z, "X": x, "Y": y})
    >>> g = CausalGraph.from_edges("Z -> X -> Y; Z -> Y")
    >>> r = estimate_ett(df, g, "X", "Y", bootstrap=50, seed=0)
    >>> r.method, r.adjustment, r.ci[0] < 1 + 2 * 0.8 < r.ci[1]
    ('plugin', ('Z',), True)
    """
    if not 0 < alpha < 1:
        raise EstimationError(f"alpha={alpha} must lie strictly between 0 and 1")
    if int(bootstrap) < 0:
        raise EstimationError(f"bootstrap={bootstrap} must be 0 or a positive count")
    if method not in ("auto", "plugin", "regression"):
        raise EstimationError(f"method={method!r} is not an ETT method; use 'auto', 'plugin' "
                              "or 'regression'")
    zset, status = _adjustment(graph, treatment, outcome, adjustment)
    z = tuple(v for v in graph.projected().nodes if v in zset)
    prep = prepare_data(data, [treatment, outcome, *z], categorical=categorical,
                        missing=missing)
    df = prep.frame
    a, b = float(contrast[0]), float(contrast[1])
    if not is_discrete(df[treatment].to_numpy(float), categorical=treatment in prep.categorical):
        raise EstimationError(f"treatment {treatment!r} is continuous; the effect on the "
                              "treated needs a discrete treatment (units with X = a)")
    check_contrast_support(df[treatment].to_numpy(), (a, b), treatment, categorical=True)
    discrete = all(is_discrete(df[c].to_numpy(float), categorical=c in prep.categorical)
                   for c in z)
    if method == "plugin" and not discrete:
        raise EstimationError("method='plugin' needs discrete adjustment columns; use "
                              "method='regression'")
    plugin = method == "plugin" or (method == "auto" and discrete)
    y_binary = bool(set(np.unique(df[outcome].to_numpy(float)).tolist()) <= {0.0, 1.0})
    args = (treatment, outcome, z, a, b, plugin, y_binary, prep.categorical)
    obs, cf = _means(df, *args)
    ci: Interval = None
    cf_ci: Interval = None
    interval = "none"
    if int(bootstrap) > 0:
        boot = _bootstrap(df, args, int(bootstrap), seed)
        ci = percentile_interval(boot[:, 0] - boot[:, 1], alpha)
        cf_ci = percentile_interval(boot[:, 1], alpha)
        interval = f"percentile bootstrap ({len(boot)} of {int(bootstrap)} resamples)"
    zs = ",".join(z)
    estimand = (f"E[{outcome}|{treatment}={a:g}] − Σ_{{{zs.lower()}}} E[{outcome}|{treatment}="
                f"{b:g},{zs}] P({zs}|{treatment}={a:g})" if z else
                f"E[{outcome}|{treatment}={a:g}] − E[{outcome}|{treatment}={b:g}]")
    return ETTEstimate(treatment, outcome, (a, b), "plugin" if plugin else "regression", z,
                       obs - cf, ci, obs, cf, cf_ci, len(df), int((df[treatment] == a).sum()),
                       alpha, interval, status, estimand)


def _bootstrap(df: pd.DataFrame, args: tuple[Any, ...], n_boot: int,
               seed: int | None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out: list[tuple[float, float]] = []
    for _ in range(n_boot):
        sample = df.iloc[rng.integers(0, len(df), size=len(df))].reset_index(drop=True)
        try:
            out.append(_means(sample, *args))
        except (EstimationError, np.linalg.LinAlgError, ValueError):
            continue
    if len(out) < max(1, n_boot // 2):
        raise EstimationError(f"only {len(out)} of {n_boot} bootstrap resamples could be "
                              "estimated; use more data or method='regression'")
    return np.asarray(out)
