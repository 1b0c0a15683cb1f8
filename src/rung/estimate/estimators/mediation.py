"""Natural direct and indirect effects by the mediation formula, with bootstrap intervals.

For a treatment contrast ``x = a`` against the reference ``x' = b``, rung estimates the four
nested-counterfactual levels ``ψ(t, r) = E[Y_{t, M_r}]`` by the mediation formula (Pearl
2001, *Direct and indirect effects*, Theorem 2)

    ψ(t, r) = Σ_w P(w) Σ_m E[Y | X=t, M=m, w] P(m | X=r, w),

with the covariates ``W`` of :func:`rung.identify.cf_mediation.identify_mediation`, and
reports (Pearl 2001, Definitions 6–7; VanderWeele 2013, *A three-way decomposition*)

* ``TE = ψ(a, a) − ψ(b, b)``, the total effect;
* ``NDE = ψ(a, b) − ψ(b, b)``, the (pure) natural direct effect;
* ``NIE = ψ(b, a) − ψ(b, b)``, the (pure) natural indirect effect, with X held at ``b``;
* ``interaction = TE − NDE − NIE``, the mediated interaction. It is 0 when the outcome
  has no treatment–mediator interaction on its scale (a linear model without ``X·M``);
  otherwise NDE + NIE ≠ TE, and ``TE = NDE + total_indirect`` with
  ``total_indirect = ψ(a, a) − ψ(a, b)``.

Two estimators of the same formula:

* ``plugin`` (treatment, mediator and covariates discrete): empirical cell frequencies and
  cell means of Y;
* ``regression`` (g-computation): the outcome by least squares on ``X, M, X·M, W`` (logistic
  regression for a 0/1 outcome), the mediator by logistic regression on ``X, W`` when it is
  discrete (multinomial beyond two values), else by least squares with its empirical
  residual distribution (25 quantiles) standing in for ``P(m | x, w)``.

Intervals are percentile bootstraps of all four levels together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from rung.data import MissingPolicy, Table, check_contrast_support, design_matrix, is_discrete
from rung.data import prepare as prepare_data
from rung.estimate.errors import EstimationError, NotIdentifiedError
from rung.estimate.estimators.intervals import percentile_interval
from rung.graph import CausalGraph
from rung.identify._query import QueryError
from rung.identify.cf_mediation import MediationIdentification, identify_mediation

__all__ = ["DEFAULT_MEDIATION_BOOTSTRAP", "MediationEstimate", "MediationMethod",
           "estimate_mediation"]

MediationMethod = Literal["auto", "plugin", "regression"]
Interval = tuple[float, float] | None
#: bootstrap resamples of the default interval
DEFAULT_MEDIATION_BOOTSTRAP = 200
#: residual quantiles that stand in for a continuous mediator's distribution
N_QUANTILES = 25


@dataclass(frozen=True)
class MediationEstimate:
    """NDE, NIE, TE and the mediated interaction, with intervals (see the module).

    ``levels`` are ``(ψ(a,a), ψ(a,b), ψ(b,a), ψ(b,b))`` with ``ψ(t, r) = E[Y_{t, M_r}]``
    and ``contrast = (a, b)``.
    """

    treatment: str
    mediator: str
    outcome: str
    contrast: tuple[float, float]
    method: Literal["plugin", "regression"]
    models: str
    levels: tuple[float, float, float, float]
    levels_ci: tuple[Interval, Interval, Interval, Interval]
    nde: float
    nie: float
    te: float
    interaction: float
    nde_ci: Interval
    nie_ci: Interval
    te_ci: Interval
    interaction_ci: Interval
    n: int
    alpha: float
    interval: str
    identification: MediationIdentification

    @property
    def total_indirect(self) -> float:
        """``TE − NDE = E[Y_{a, M_a}] − E[Y_{a, M_b}]`` (the total natural indirect effect)."""
        return self.te - self.nde

    @property
    def additive(self) -> bool:
        """True when NDE + NIE = TE is supported: the interaction's interval holds 0."""
        ci = self.interaction_ci
        if ci is None:
            return abs(self.interaction) < 1e-12
        return ci[0] <= 0.0 <= ci[1]

    def summary(self) -> str:
        """A short text report; the last line says whether NDE + NIE = TE."""
        a, b = self.contrast
        cov = 100 * (1 - self.alpha)

        def row(name: str, value: float, ci: Interval) -> str:
            band = "" if ci is None else f"  [{ci[0]:.4g}, {ci[1]:.4g}]"
            return f"  {name:<12}{value:>10.4g}{band}"

        lines = [f"mediation of {self.treatment} -> {self.outcome} by {self.mediator}, "
                 f"{self.treatment}={a:g} vs {b:g} ({self.method}; {self.interval}, "
                 f"{cov:g}% intervals; n={self.n})",
                 row("NDE", self.nde, self.nde_ci), row("NIE", self.nie, self.nie_ci),
                 row("TE", self.te, self.te_ci),
                 row("interaction", self.interaction, self.interaction_ci)]
        if self.additive:
            lines.append("  NDE + NIE = TE within the interval (no mediated interaction found)")
        else:
            lines.append(f"  NDE + NIE ≠ TE: the mediated interaction is "
                         f"{self.interaction:.4g}; TE = NDE + total indirect effect "
                         f"({self.total_indirect:.4g})")
        lines.append(f"  identification: {self.identification.reason}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The estimate as JSON (``from_json`` inverts it)."""
        def ci(c: Interval) -> list[float] | None:
            return None if c is None else [c[0], c[1]]

        return {"treatment": self.treatment, "mediator": self.mediator,
                "outcome": self.outcome, "contrast": list(self.contrast),
                "method": self.method, "models": self.models, "levels": list(self.levels),
                "levels_ci": [ci(c) for c in self.levels_ci], "nde": self.nde,
                "nie": self.nie, "te": self.te, "interaction": self.interaction,
                "total_indirect": self.total_indirect, "nde_ci": ci(self.nde_ci),
                "nie_ci": ci(self.nie_ci), "te_ci": ci(self.te_ci),
                "interaction_ci": ci(self.interaction_ci), "additive": self.additive,
                "n": self.n, "alpha": self.alpha, "interval": self.interval,
                "identification": self.identification.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MediationEstimate:
        """Invert :meth:`to_json`."""
        def ci(c: list[float] | None) -> Interval:
            return None if c is None else (float(c[0]), float(c[1]))

        lv = [float(v) for v in data["levels"]]
        lci = [ci(c) for c in data["levels_ci"]]
        return cls(data["treatment"], data["mediator"], data["outcome"],
                   (float(data["contrast"][0]), float(data["contrast"][1])), data["method"],
                   data["models"], (lv[0], lv[1], lv[2], lv[3]),
                   (lci[0], lci[1], lci[2], lci[3]), float(data["nde"]), float(data["nie"]),
                   float(data["te"]), float(data["interaction"]), ci(data["nde_ci"]),
                   ci(data["nie_ci"]), ci(data["te_ci"]), ci(data["interaction_ci"]),
                   int(data["n"]), float(data["alpha"]), data["interval"],
                   MediationIdentification.from_json(data["identification"]))


@dataclass(frozen=True)
class _Spec:
    """What the levels are computed from (fixed across bootstrap resamples)."""

    x: str
    m: str
    y: str
    w: tuple[str, ...]
    a: float
    b: float
    plugin: bool
    m_discrete: bool
    y_binary: bool
    interaction: bool
    categorical: frozenset[str]


def _effects(lv: np.ndarray) -> np.ndarray:
    """(NDE, NIE, TE, interaction) from levels (ψaa, ψab, ψba, ψbb), along the last axis."""
    aa, ab, ba, bb = lv[..., 0], lv[..., 1], lv[..., 2], lv[..., 3]
    return np.stack([ab - bb, ba - bb, aa - bb, aa - ab - ba + bb], axis=-1)


def _pairs(s: _Spec) -> tuple[tuple[float, float], ...]:
    return ((s.a, s.a), (s.a, s.b), (s.b, s.a), (s.b, s.b))


def _plugin_levels(df: pd.DataFrame, s: _Spec) -> np.ndarray:
    """The mediation formula with empirical cell frequencies and cell means."""
    x, y = df[s.x].to_numpy(float), df[s.y].to_numpy(float)
    w_rows = df[list(s.w)].to_numpy(float) if s.w else np.zeros((len(df), 0))
    w_cells, wi = np.unique(w_rows, axis=0, return_inverse=True)
    m_vals, mi = np.unique(df[s.m].to_numpy(float), return_inverse=True)
    nw, nm = len(w_cells), len(m_vals)
    cell = wi.ravel() * nm + mi

    def table(weights: np.ndarray) -> np.ndarray:
        return np.bincount(cell, weights=weights, minlength=nw * nm).reshape(nw, nm)

    p_w = np.bincount(wi.ravel(), minlength=nw) / len(df)
    out = np.zeros(4)
    for k, (t, r) in enumerate(_pairs(s)):
        ref = table((x == r).astype(float))
        tot = ref.sum(axis=1)
        if np.any(tot == 0):
            bad = w_cells[int(np.argmax(tot == 0))]
            raise EstimationError(
                f"no row has {s.x}={r:g} with {_cell(s.w, bad)}; the plug-in cannot estimate "
                "P(M | X, W) there: use method='regression' or fewer covariates")
        p_m = ref / tot[:, None]
        n_t, sum_y = table((x == t).astype(float)), table((x == t) * y)
        gap = (p_m > 0) & (n_t == 0)
        if np.any(gap):
            i, j = np.argwhere(gap)[0]
            raise EstimationError(
                f"no row has {s.x}={t:g}, {s.m}={m_vals[j]:g} with {_cell(s.w, w_cells[i])}; "
                "the plug-in cannot estimate E[Y | X, M, W] there: use method='regression' "
                "or fewer covariates")
        mu = np.divide(sum_y, n_t, out=np.zeros_like(sum_y), where=n_t > 0)
        out[k] = float(p_w @ (p_m * mu).sum(axis=1))
    return out


def _cell(w: tuple[str, ...], values: np.ndarray) -> str:
    if not w:
        return "no covariates"
    return ", ".join(f"{c}={v:g}" for c, v in zip(w, values, strict=True))


def _outcome_design(t: np.ndarray, m: np.ndarray, wm: np.ndarray, s: _Spec) -> np.ndarray:
    cols = [np.ones_like(t), t, m] + ([t * m] if s.interaction else [])
    return np.column_stack([*cols, wm]) if wm.shape[1] else np.column_stack(cols)


def _logistic(features: np.ndarray, target: np.ndarray) -> LogisticRegression:
    if len(np.unique(target)) < 2:
        raise EstimationError("a resample's outcome or mediator took one value only; use "
                              "more data")
    return LogisticRegression(C=1e6, max_iter=2000).fit(features, target)


MediatorDraws = Callable[[float], tuple[np.ndarray, np.ndarray]]


def _mediator_model(df: pd.DataFrame, wm: np.ndarray, s: _Spec) -> MediatorDraws:
    """Fit the mediator once; the result maps ``r`` to the values (n, k) of M and their
    probabilities (n, k) under X = r, per row's W."""
    x, m = df[s.x].to_numpy(float), df[s.m].to_numpy(float)
    n = len(df)

    def at(r: float) -> np.ndarray:
        return np.column_stack([np.full(n, r), wm])

    if s.m_discrete:
        model = _logistic(np.column_stack([x, wm]), m)
        classes = np.asarray(model.classes_, dtype=float)
        return lambda r: (np.broadcast_to(classes, (n, len(classes))),
                          model.predict_proba(at(r)))
    d = np.column_stack([np.ones(n), x, wm])
    coef = np.linalg.lstsq(d, m, rcond=None)[0]
    q = np.quantile(m - d @ coef, (np.arange(N_QUANTILES) + 0.5) / N_QUANTILES)
    probs = np.full((n, N_QUANTILES), 1 / N_QUANTILES)
    return lambda r: ((np.column_stack([np.ones(n), at(r)]) @ coef)[:, None] + q[None, :],
                      probs)


def _regression_levels(df: pd.DataFrame, s: _Spec) -> np.ndarray:
    """g-computation of the mediation formula (outcome and mediator models)."""
    wm = design_matrix(df, list(s.w), s.categorical)
    x, m, y = (df[c].to_numpy(float) for c in (s.x, s.m, s.y))
    d = _outcome_design(x, m, wm, s)
    if s.y_binary:
        model = _logistic(d[:, 1:], y)
    else:
        coef = np.linalg.lstsq(d, y, rcond=None)[0]
    draws = _mediator_model(df, wm, s)
    dist = {r: draws(r) for r in (s.a, s.b)}
    out = np.zeros(4)
    for k, (t, r) in enumerate(_pairs(s)):
        vals, probs = dist[r]
        n, q = vals.shape
        rows = np.repeat(np.arange(n), q)
        dt = _outcome_design(np.full(n * q, t), vals.ravel(), wm[rows], s)
        mu = model.predict_proba(dt[:, 1:])[:, 1] if s.y_binary else dt @ coef
        out[k] = float((mu.reshape(n, q) * probs).sum(axis=1).mean())
    return out


def _levels(df: pd.DataFrame, s: _Spec) -> np.ndarray:
    return _plugin_levels(df, s) if s.plugin else _regression_levels(df, s)


def _bootstrap(df: pd.DataFrame, s: _Spec, n_boot: int, seed: int | None) -> np.ndarray:
    """Levels on ``n_boot`` row resamples; failed resamples dropped (at most half)."""
    rng = np.random.default_rng(seed)
    out: list[np.ndarray] = []
    for _ in range(n_boot):
        sample = df.iloc[rng.integers(0, len(df), size=len(df))].reset_index(drop=True)
        try:
            out.append(_levels(sample, s))
        except (EstimationError, np.linalg.LinAlgError, ValueError):
            continue
    if len(out) < max(1, n_boot // 2):
        raise EstimationError(f"only {len(out)} of {n_boot} bootstrap resamples could be "
                              "estimated; use more data, fewer covariates or "
                              "method='regression'")
    return np.asarray(out)


def _identify(graph: CausalGraph, x: str, m: str, y: str,
              covariates: Iterable[str] | None) -> MediationIdentification:
    try:
        ident = identify_mediation(graph, x, m, y, covariates)
    except QueryError as exc:
        raise EstimationError(str(exc)) from None
    if not ident.identified:
        raise NotIdentifiedError(x, y, f"the natural effects via {m}: {ident.reason}",
                                 advice="measure the confounder named, or estimate the "
                                        "controlled direct effect instead")
    return ident


def _spec(df: pd.DataFrame, ident: MediationIdentification, contrast: tuple[float, float],
          method: MediationMethod, interaction: bool, categorical: frozenset[str]) -> _Spec:
    x, m, y = ident.treatment, ident.mediator, ident.outcome
    w = ident.covariates or ()
    discrete = {c: is_discrete(df[c].to_numpy(float), categorical=c in categorical)
                for c in (x, m, *w)}
    if method not in ("auto", "plugin", "regression"):
        raise EstimationError(f"method={method!r} is not a mediation method; use 'auto', "
                              "'plugin' or 'regression'")
    if method == "plugin" and not all(discrete.values()):
        cont = [c for c, d in discrete.items() if not d]
        raise EstimationError(f"method='plugin' needs discrete columns, but {cont} are "
                              "continuous; use method='regression'")
    y_vals = np.unique(df[y].to_numpy(float))
    return _Spec(x, m, y, w, contrast[0], contrast[1],
                 method == "plugin" or (method == "auto" and all(discrete.values())),
                 discrete[m], bool(set(y_vals.tolist()) <= {0.0, 1.0}), interaction,
                 categorical)


def _models(s: _Spec) -> str:
    if s.plugin:
        return "plug-in: cell frequencies P(m | x, w), P(w) and cell means E[Y | x, m, w]"
    xm = f", {s.x}·{s.m}" if s.interaction else ""
    w = "".join(f", {c}" for c in s.w)
    out = "logistic" if s.y_binary else "least squares"
    med = ("logistic" if s.m_discrete else
           f"least squares + {N_QUANTILES} empirical residual quantiles")
    return f"outcome: {out} on {s.x}, {s.m}{xm}{w}; mediator: {med} on {s.x}{w}"


def estimate_mediation(
    data: pd.DataFrame | Table,
    graph: CausalGraph,
    treatment: str,
    mediator: str,
    outcome: str,
    *,
    contrast: tuple[float, float] = (1.0, 0.0),
    covariates: Iterable[str] | None = None,
    method: MediationMethod = "auto",
    interaction: bool = True,
    bootstrap: int = DEFAULT_MEDIATION_BOOTSTRAP,
    alpha: float = 0.05,
    seed: int | None = None,
    categorical: Iterable[str] = (),
    missing: MissingPolicy = "drop",
) -> MediationEstimate:
    """Estimate NDE, NIE and TE of ``treatment`` on ``outcome`` through ``mediator``.

    ``contrast = (a, b)`` compares ``X = a`` with the reference ``X = b``; ``covariates``
    is the set ``W`` (checked; searched when ``None``); ``interaction=False`` drops the
    ``X·M`` term of the regression outcome model (then a linear outcome gives
    NDE + NIE = TE exactly); ``bootstrap`` resamples give the intervals (0: none).

    Raises
    ------
    NotIdentifiedError
        The natural effects are not identified (the reason names the recanting witness or
        the failed condition).
    EstimationError
        A bad argument, or data the chosen estimator cannot use (the message says which).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(0, 2, 2000)
    >>> m = 0.8 * x + rng.normal(size=2000)
    >>> y = 0.5 * x + m + rng.normal(size=2000)
    >>> df = pd.DataFrame({"X": x, "M": m, "Y": y})
    >>> g = CausalGraph.from_edges("X -> M -> Y; X -> Y")
    >>> r = estimate_mediation(df, g, "X", "M", "Y", bootstrap=50, seed=1)
    >>> r.nde_ci[0] < 0.5 < r.nde_ci[1], r.nie_ci[0] < 0.8 < r.nie_ci[1], r.additive
    (True, True, True)
    """
    if not 0 < alpha < 1:
        raise EstimationError(f"alpha={alpha} must lie strictly between 0 and 1")
    if int(bootstrap) < 0:
        raise EstimationError(f"bootstrap={bootstrap} must be 0 or a positive count")
    ident = _identify(graph, treatment, mediator, outcome, covariates)
    cols = [treatment, mediator, outcome, *(ident.covariates or ())]
    prepared = prepare_data(data, cols, categorical=categorical, missing=missing)
    df = prepared.frame
    a, b = float(contrast[0]), float(contrast[1])
    check_contrast_support(df[treatment].to_numpy(), (a, b), treatment,
                           categorical=treatment in prepared.categorical)
    s = _spec(df, ident, (a, b), method, interaction, prepared.categorical)
    lv = _levels(df, s)
    eff = _effects(lv)
    cis: list[Interval] = [None] * 8
    interval = "none"
    if int(bootstrap) > 0:
        boot = _bootstrap(df, s, int(bootstrap), seed)
        both = np.hstack([_effects(boot), boot])
        cis = [percentile_interval(both[:, k], alpha) for k in range(8)]
        interval = f"percentile bootstrap ({len(boot)} of {int(bootstrap)} resamples)"
    return MediationEstimate(
        treatment, mediator, outcome, (a, b), "plugin" if s.plugin else "regression",
        _models(s), (float(lv[0]), float(lv[1]), float(lv[2]), float(lv[3])),
        (cis[4], cis[5], cis[6], cis[7]), float(eff[0]), float(eff[1]), float(eff[2]),
        float(eff[3]), cis[0], cis[1], cis[2], cis[3], len(df), alpha, interval, ident)
