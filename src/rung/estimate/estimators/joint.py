"""Joint interventions: E[Y | do(X1=a1, ..., Xk=ak)] - E[Y | do(X1=b1, ..., Xk=bk)].

The joint query P(y | do(x1, ..., xk)) is identified as a whole by :func:`rung.identify.identify`
(which takes several treatments); when it is identifiable, the generative model fitted to the
observational data, mutilated by the joint ``do`` and simulated, estimates it (Mohammad-Taheri
et al. 2022). The interval is a percentile bootstrap of refits (warm-started).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rung.data import (
    MissingPolicy,
    Prepared,
    Table,
    check_contrast_support,
    default_contrast,
    prepare,
)
from rung.estimate._identification import estimand_json, not_identified_reason
from rung.estimate.errors import EstimationError, NotIdentifiedError
from rung.estimate.estimators.intervals import percentile_interval
from rung.estimate.programs.generative import fit_generative_model
from rung.estimate.programs.interventions import interventional_samples
from rung.estimate.programs.scm import SCMProgram, latent_structure
from rung.graph import CausalGraph

__all__ = ["JointEffectEstimate", "estimate_joint"]

Interval = tuple[float, float]


@dataclass(frozen=True)
class JointEffectEstimate:
    """E[Y | do(X=a)] - E[Y | do(X=b)] for a vector of treatments X = (X1, ..., Xk).

    Examples
    --------
    >>> e = JointEffectEstimate(("X1", "X2"), "Y", (1.0, 1.0), (0.0, 0.0), 3.0, (2.5, 3.5),
    ...                         (3.0, 0.0), (None, None), 100)
    >>> JointEffectEstimate.from_json(e.to_json()) == e
    True
    """

    treatments: tuple[str, ...]
    outcome: str
    values_a: tuple[float, ...]
    values_b: tuple[float, ...]
    ate: float
    ci: Interval | None
    means: tuple[float, float]
    means_ci: tuple[Interval | None, Interval | None]
    n: int
    method: str = "generative"
    identified: bool = True
    estimand: dict[str, Any] | None = None
    interval: str = ""
    alpha: float = 0.05
    details: dict[str, Any] = field(default_factory=dict)
    identification: Any = field(default=None, compare=False, repr=False)
    data: Prepared | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        """``treatments``, ``values_a``, ``values_b``, ``ate``, ``ci``, ``mean_a``, ...."""
        def iv(c: Interval | None) -> list[float] | None:
            return None if c is None else [float(c[0]), float(c[1])]

        out: dict[str, Any] = {
            "method": self.method, "treatments": list(self.treatments), "outcome": self.outcome,
            "values_a": list(self.values_a), "values_b": list(self.values_b),
            "ate": float(self.ate), "ci": iv(self.ci), "mean_a": float(self.means[0]),
            "mean_b": float(self.means[1]), "mean_a_ci": iv(self.means_ci[0]),
            "mean_b_ci": iv(self.means_ci[1]), "n": int(self.n), "identified": self.identified,
            "estimand": self.estimand, "interval": self.interval, "alpha": self.alpha,
        }
        if self.data is not None:
            out.update(self.data.to_json())
        if not self.identified:
            out["label"] = "simulation of a NON-identified effect: not an estimate"
        out.update(self.details)
        return out

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> JointEffectEstimate:
        """Rebuild from :meth:`to_json` (the data report stays in ``details``)."""
        def iv(c: Any) -> Interval | None:
            return None if c is None else (float(c[0]), float(c[1]))

        core = {"method", "treatments", "outcome", "values_a", "values_b", "ate", "ci", "mean_a",
                "mean_b", "mean_a_ci", "mean_b_ci", "n", "identified", "estimand", "interval",
                "alpha", "label"}
        return cls(
            treatments=tuple(obj["treatments"]), outcome=str(obj["outcome"]),
            values_a=tuple(float(v) for v in obj["values_a"]),
            values_b=tuple(float(v) for v in obj["values_b"]), ate=float(obj["ate"]),
            ci=iv(obj.get("ci")), means=(float(obj["mean_a"]), float(obj["mean_b"])),
            means_ci=(iv(obj.get("mean_a_ci")), iv(obj.get("mean_b_ci"))), n=int(obj["n"]),
            method=str(obj.get("method", "generative")),
            identified=bool(obj.get("identified", True)), estimand=obj.get("estimand"),
            interval=str(obj.get("interval", "")), alpha=float(obj.get("alpha", 0.05)),
            details={k: v for k, v in obj.items() if k not in core},
        )

    def summary(self) -> list[str]:
        """The effect with its interval, then the two levels."""
        def arm(vals: tuple[float, ...]) -> str:
            sets = ", ".join(f"{x}={v:g}" for x, v in zip(self.treatments, vals, strict=True))
            return f"E[{self.outcome}|do({sets})]"

        ci = "" if self.ci is None else f"  CI [{self.ci[0]:.4g}, {self.ci[1]:.4g}]"
        lines = [f"{self.method}: {arm(self.values_a)} - {arm(self.values_b)} = "
                 f"{self.ate:.4g}{ci}  (n={self.n})"]
        lines += [f"  {arm(v)} = {m:.4g}" for v, m in
                  ((self.values_a, self.means[0]), (self.values_b, self.means[1]))]
        if not self.identified:
            lines.append("  NOT IDENTIFIED: a labelled simulation, not an estimate")
        return lines


def _values(frame: pd.DataFrame, xs: Sequence[str], contrast: Any,
            categorical: Collection[str]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """``(a, b)`` per treatment: as given (checked), else (1, 0) where supported, else the
    default contrast of :func:`rung.data.default_contrast`."""
    if contrast is not None:
        va, vb = (tuple(float(v) for v in arm) for arm in contrast)
        if len(va) != len(xs) or len(vb) != len(xs):
            raise EstimationError(f"contrast={contrast!r} needs two sequences of {len(xs)} "
                                  f"values, one per treatment {list(xs)}")
    else:
        pairs = []
        for x in xs:
            col, cat = frame[x].to_numpy(), x in categorical
            try:
                check_contrast_support(col, (1.0, 0.0), x, categorical=cat)
                pairs.append((1.0, 0.0))
            except ValueError:
                pairs.append(default_contrast(col, x, categorical=cat))
        va, vb = tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)
    for x, a, b in zip(xs, va, vb, strict=True):
        if a != b:
            check_contrast_support(frame[x].to_numpy(), (a, b), x, categorical=x in categorical)
    if va == vb:
        raise EstimationError(f"contrast: the two joint values {list(va)} are equal, so the "
                              "effect is 0 by definition; pass two different settings")
    return va, vb


def _levels(scm: SCMProgram, xs: Sequence[str], y: str, arms: Sequence[tuple[float, ...]],
            num_samples: int, seed: int) -> tuple[float, float]:
    """E[y | do(xs = arm)] for the two arms (common random numbers)."""
    ya, yb = (float(interventional_samples(scm, dict(zip(xs, arm, strict=True)), num_samples,
                                           seed)[y].mean()) for arm in arms)
    return ya, yb


def estimate_joint(
    identification: Any,
    data: pd.DataFrame | Table,
    *,
    graph: CausalGraph,
    treatments: Sequence[str] | None = None,
    contrast: tuple[Sequence[float], Sequence[float]] | None = None,
    bootstrap: int | None = None,
    alpha: float = 0.05,
    seed: int | None = None,
    categorical: Collection[str] = (),
    missing: MissingPolicy = "drop",
    model: Any = None,
    model_params: Mapping[str, Any] | None = None,
    num_samples: int = 20_000,
    allow_unidentified: bool = False,
) -> JointEffectEstimate:
    """Estimate the joint effect that ``identification`` (of P(Y | do(X1, ..., Xk))) identified,
    with the generative model: E[Y | do(X=a)] - E[Y | do(X=b)] and both levels.

    ``treatments`` orders the values of ``contrast = ((a1, ..., ak), (b1, ..., bk))``
    (default: sorted names); ``bootstrap`` refits (default 20) give the percentile intervals.

    Examples
    --------
    >>> from rung.identify import identify
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=3000); x1 = z + rng.normal(size=3000); x2 = x1 + rng.normal(size=3000)
    >>> df = pd.DataFrame({"Z": z, "X1": x1, "X2": x2,
    ...                    "Y": x1 + 2 * x2 + z + rng.normal(size=3000)})
    >>> g = CausalGraph.from_edges("Z -> X1 -> X2 -> Y; X1 -> Y; Z -> Y")
    >>> res = estimate_joint(identify(g, {"X1", "X2"}, "Y"), df, graph=g, bootstrap=0)
    >>> abs(res.ate - 3.0) < 0.1, res.treatments
    (True, ('X1', 'X2'))
    """
    xs = tuple(treatments) if treatments is not None else tuple(sorted(identification.treatment))
    (y,) = sorted(identification.outcome)
    if set(xs) != set(identification.treatment) or len(set(xs)) != len(xs):
        raise EstimationError(f"treatments={list(xs)} must name the identification's "
                              f"treatments {sorted(identification.treatment)} once each")
    identified = bool(identification.identifiable)
    details: dict[str, Any] = {"identification": str(identification.method or "none")}
    if not identified:
        reason, full = not_identified_reason(identification)
        if not allow_unidentified:
            raise NotIdentifiedError(", ".join(xs), y, full.removeprefix("not identifiable: "),
                                     getattr(identification, "hedge", None))
        details["warning"] = f"NOT IDENTIFIED ({reason}); one model's simulation, not an estimate"
    prepared = prepare(data, latent_structure(graph).order, categorical=categorical,
                       missing=missing)
    df = prepared.frame
    arms = _values(df, xs, contrast, prepared.categorical)
    s = 0 if seed is None else seed
    params = dict(model_params or {})
    scm = fit_generative_model(graph, df, model, **params)
    means = _levels(scm, xs, y, arms, num_samples, s)
    details["model"] = type(scm).__name__
    boot = _bootstrap(graph, df, scm, model, params, (xs, y, arms, num_samples, s),
                      20 if bootstrap is None else int(bootstrap))
    cis: tuple[Interval | None, Interval | None, Interval | None] = (None, None, None)
    interval = "none"
    if len(boot):
        cis = tuple(percentile_interval(c, alpha)  # type: ignore[assignment]
                    for c in (boot[:, 0] - boot[:, 1], boot[:, 0], boot[:, 1]))
        interval = f"percentile bootstrap ({len(boot)} of {bootstrap or 20} resamples)"
    return JointEffectEstimate(
        treatments=xs, outcome=y, values_a=arms[0], values_b=arms[1],
        ate=means[0] - means[1], ci=cis[0], means=means, means_ci=(cis[1], cis[2]),
        n=len(df), identified=identified,
        estimand=estimand_json(identification) if identified else None, interval=interval,
        alpha=alpha, details=details, identification=identification, data=prepared)


def _bootstrap(graph: CausalGraph, df: pd.DataFrame, scm: SCMProgram, model: Any,
               params: Mapping[str, Any], query: tuple[Any, ...], n_boot: int) -> np.ndarray:
    """(resamples, 2) levels of warm-started refits on row resamples."""
    xs, y, arms, num_samples, s = query
    rng = np.random.default_rng(s)
    out = []
    for _ in range(n_boot):
        sample = df.iloc[rng.integers(0, len(df), len(df))].reset_index(drop=True)
        try:
            refit = fit_generative_model(graph, sample, model, init=scm, **params)
            out.append(_levels(refit, xs, y, arms, num_samples, s))
        except EstimationError:
            continue
    if n_boot and len(out) < max(1, n_boot // 2):
        raise EstimationError(f"only {len(out)} of {n_boot} bootstrap refits succeeded; use "
                              "more data or a simpler model")
    return np.asarray(out, dtype=float).reshape(-1, 2)
