"""IDA: the multiset of possible causal effects over the members of an equivalence class.

Maathuis, Kalisch & Bühlmann (2009), *Estimating high-dimensional intervention effects from
observational data*, Annals of Statistics 37(6A). In every DAG of a CPDAG's class the effect
of ``X`` on ``Y`` is identified by adjusting for ``pa(X)``; the members' parent sets of
``X`` are its definite parents plus a subset ``S`` of its undirected neighbours.

- ``method="local"``: each ``S`` for which orienting ``S -> X`` and ``X -> (others)`` keeps a
  member of the class (no new v-structure, consistently extendable: Meek's rules and Dor &
  Tarsi 1992). On a CPDAG this is the local IDA of Maathuis et al.; on an MPDAG (a CPDAG
  with background knowledge) it is exact too.
- ``method="global"``: every member is enumerated, and each parent set counts its members.
- ``method="optimal"``: every member is enumerated and adjusted for its optimal set
  (Henckel, Perković & Maathuis 2022; optimal IDA of Witte, Henckel, Maathuis & Didelez
  2020): the same possible effects, estimated more efficiently.

Each possible effect is estimated with its interval: by ordinary least squares (linear
models) or by a stratified g-formula (discrete adjustment sets): for a binary outcome its
SE is the posterior SD of the cells (Dirichlet weights, Jeffreys' Beta per cell), which keeps
the coverage when strata are near-deterministic; otherwise the influence-function SE. For a
PAG (latent confounding possible) the effect is reported only when one set is valid in
every MAG of the class (:func:`find_class_adjustment_set`); otherwise the result says "not
bounded" with the reason, instead of guessing (LV-IDA, Malinsky & Spirtes 2017, is not
implemented).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import chain, combinations
from typing import Any, Literal

import numpy as np
import pandas as pd

from rung.data import check_data, is_discrete
from rung.estimate.estimators.intervals import normal_interval
from rung.identify import find_optimal_adjustment_set
from rung.identify.class_adjustment import find_class_adjustment_set
from rung.identify.equivalence_class import EquivalenceClass, OrientationConflict

__all__ = ["EffectModel", "EffectSet", "IDAMethod", "PossibleEffect", "estimate_adjusted",
           "ida", "ida_over", "possible_parent_sets"]

IDAMethod = Literal["local", "global", "optimal"]
EffectModel = Literal["auto", "linear", "discrete"]
MAX_SIBLINGS = 12
POSTERIOR_DRAWS = 4000
POSTERIOR_SEED = 0
_CELLS_PER_CHUNK = 1_000_000


@dataclass(frozen=True)
class PossibleEffect:
    """One possible effect: the adjustment set of some members, its estimate and interval.

    ``count`` is the number of members that give this set (1 for local IDA);
    ``unsupported`` the share of rows in adjustment strata where one treatment arm has no
    data (the interval then includes the bounds over those strata).
    """

    adjustment: tuple[str, ...]
    estimate: float
    interval: tuple[float, float]
    se: float
    count: int = 1
    unsupported: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"adjustment": list(self.adjustment), "estimate": self.estimate,
                "interval": list(self.interval), "se": self.se, "count": self.count,
                "unsupported": self.unsupported}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> PossibleEffect:
        lo, hi = obj["interval"]
        return cls(tuple(obj["adjustment"]), float(obj["estimate"]), (float(lo), float(hi)),
                   float(obj["se"]), int(obj.get("count", 1)), float(obj.get("unsupported", 0)))


@dataclass(frozen=True)
class EffectSet:
    """The possible effects of ``treatment`` on ``outcome`` over a class (from :func:`ida`).

    Attributes
    ----------
    effects : tuple of PossibleEffect
        One per distinct adjustment set (empty when ``bounded`` is False).
    bounded : bool
        False when the class does not bound the effect (a PAG without a valid set).
    reason : str
        Why the effect is not bounded, or a note on how it was bounded.
    class_adjustment : tuple of str or None
        A set valid in every member (the effect is then identified without orienting).
    """

    treatment: str
    outcome: str
    contrast: tuple[float, float]
    method: IDAMethod
    model: Literal["linear", "discrete"]
    kind: Literal["cpdag", "pag"]
    effects: tuple[PossibleEffect, ...]
    bounded: bool
    reason: str = ""
    class_adjustment: tuple[str, ...] | None = None
    alpha: float = 0.05

    @property
    def estimates(self) -> tuple[float, ...]:
        """The point estimates, one per possible effect."""
        return tuple(e.estimate for e in self.effects)

    @property
    def range(self) -> tuple[float, float] | None:
        """The span of every possible effect's interval (None when not bounded)."""
        if not self.bounded or not self.effects:
            return None
        return (min(e.interval[0] for e in self.effects),
                max(e.interval[1] for e in self.effects))

    @property
    def identified(self) -> bool:
        """True when one set is valid in every member, or every member agrees on the set."""
        return self.bounded and (self.class_adjustment is not None or len(self.effects) == 1)

    @property
    def flags(self) -> tuple[str, ...]:
        """Plain-language warnings a headline built on this set must carry.

        Examples
        --------
        >>> EffectSet("X", "Y", (1.0, 0.0), "local", "linear", "cpdag", (), False).flags
        ('not bounded over the class',)
        """
        if not self.bounded:
            return ("not bounded over the class",)
        out = []
        if not self.identified:
            out.append(f"{len(self.effects)} possible effects over the class: report the range")
        if any(e.interval == (0.0, 0.0) for e in self.effects):
            out.append("in some members the outcome causes the treatment: effect 0 by the "
                       "graph alone")
        gap = max((e.unsupported for e in self.effects), default=0.0)
        if gap > 0:
            out.append(f"positivity: {gap:.0%} of rows lie in strata without data on one arm; "
                       "the interval includes bounds there")
        r = self.range
        if r is not None and r[0] <= 0.0 <= r[1]:
            out.append("the range includes zero")
        return tuple(out)

    def covers(self, value: float) -> bool:
        """True when ``value`` lies in :attr:`range`."""
        r = self.range
        return r is not None and r[0] <= value <= r[1]

    def to_json(self) -> dict[str, Any]:
        return {"treatment": self.treatment, "outcome": self.outcome,
                "contrast": list(self.contrast), "method": self.method, "model": self.model,
                "kind": self.kind, "effects": [e.to_json() for e in self.effects],
                "bounded": self.bounded, "reason": self.reason, "alpha": self.alpha,
                "range": None if self.range is None else list(self.range),
                "flags": list(self.flags),
                "class_adjustment": (None if self.class_adjustment is None
                                     else list(self.class_adjustment))}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> EffectSet:
        """Rebuild an effect set saved by :meth:`to_json`."""
        ca = obj.get("class_adjustment")
        a, b = obj["contrast"]
        return cls(str(obj["treatment"]), str(obj["outcome"]), (float(a), float(b)),
                   obj["method"], obj["model"], obj["kind"],
                   tuple(PossibleEffect.from_json(e) for e in obj["effects"]),
                   bool(obj["bounded"]), str(obj.get("reason", "")),
                   None if ca is None else tuple(ca), float(obj.get("alpha", 0.05)))


def possible_parent_sets(cls: EquivalenceClass, x: str) -> list[frozenset[str]]:
    """The parent sets ``X`` has in the members of a CPDAG/MPDAG (local check).

    Examples
    --------
    >>> from rung.graph import CausalGraph
    >>> c = EquivalenceClass.from_dag(CausalGraph.from_edges("A -> X -> Y"))  # A -- X -- Y
    >>> sorted(sorted(s) for s in possible_parent_sets(c, "X"))
    [[], ['A'], ['Y']]
    """
    cls.check_node(x)
    sib = sorted(cls.siblings(x))
    if len(sib) > MAX_SIBLINGS:
        raise ValueError(f"{x!r} has {len(sib)} undirected neighbours (more than "
                         f"{MAX_SIBLINGS}); orient some edges first")
    parents = cls.parents(x)
    out = []
    for s in chain.from_iterable(combinations(sib, k) for k in range(len(sib) + 1)):
        orient = [(v, x) for v in s] + [(x, v) for v in sib if v not in s]
        try:
            cls.orient(orient)
        except OrientationConflict:
            continue
        out.append(parents | frozenset(s))
    return out


def _ols(y: np.ndarray, x: np.ndarray, z: np.ndarray) -> tuple[float, float]:
    """Coefficient of ``x`` in OLS of y on [1, x, z] and its standard error."""
    design = np.column_stack([np.ones_like(x), x, z])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    dof = max(len(y) - design.shape[1], 1)
    cov = np.linalg.pinv(design.T @ design) * float(resid @ resid) / dof
    return float(coef[1]), float(np.sqrt(max(cov[1, 1], 0.0)))


@dataclass(frozen=True)
class _Cells:
    """Per-stratum counts of the g-formula: rows, and rows and events in each arm."""

    size: np.ndarray
    n_a: np.ndarray
    events_a: np.ndarray
    mu_a: np.ndarray
    n_b: np.ndarray
    events_b: np.ndarray
    mu_b: np.ndarray


def _g_formula(y: np.ndarray, x: np.ndarray, z: np.ndarray, a: float, b: float
               ) -> tuple[float, float, tuple[float, float], float, _Cells]:
    """Stratified g-formula ``Σ_z P(z)(E[Y|a,z] - E[Y|b,z])``, its influence-function SE (the
    AIPW scores of the saturated model; Robins, Rotnitzky & Zhao 1994), the bounds of the
    effect, the share of rows in strata that lack an arm, and the cell counts.

    Cell means shrink towards the arm's mean with one pseudo-observation. A stratum without
    rows in an arm does not identify that arm's mean there: the bounds let it range over the
    outcome's observed ``[min, max]`` (Manski 1990), so positivity gaps widen the answer
    instead of hiding in the shrinkage.
    """
    n = len(y)
    strata = (np.unique(z, axis=0, return_inverse=True)[1].ravel() if z.shape[1]
              else np.zeros(n, dtype=int))
    k = int(strata.max()) + 1
    size = np.bincount(strata, minlength=k).astype(float)
    est, psi, lo, hi = 0.0, np.zeros(n), 0.0, 0.0
    gap = np.zeros(k, dtype=bool)
    arms: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for sign, v in ((1.0, a), (-1.0, b)):
        arm = x == v
        if not arm.any():
            raise ValueError(f"no row has treatment value {v}; choose a contrast the data hold")
        cnt = np.bincount(strata[arm], minlength=k).astype(float)
        tot = np.bincount(strata[arm], weights=y[arm], minlength=k)
        mu = (tot + float(y[arm].mean())) / (cnt + 1.0)
        arms.append((cnt, tot, mu))
        e = np.maximum(cnt / size, 1.0 / (size + 1.0))
        est += sign * float(size @ mu) / n
        psi += sign * (mu[strata] + arm * (y - mu[strata]) / e[strata])
        empty = cnt == 0
        gap |= empty
        low, high = np.where(empty, y.min(), mu), np.where(empty, y.max(), mu)
        lo += float(size @ (low if sign > 0 else high)) / n * sign
        hi += float(size @ (high if sign > 0 else low)) / n * sign
    cells = _Cells(size, *arms[0], *arms[1])
    return (est, float(np.std(psi, ddof=1) / np.sqrt(n)), (lo, hi),
            float(size[gap].sum() / n), cells)


def _posterior_sd(cells: _Cells, draws: int = POSTERIOR_DRAWS) -> float:
    """The posterior SD of the g-formula for a binary outcome.

    The stratum weights get the Bayesian bootstrap's Dirichlet posterior (Rubin 1981), each
    cell's event probability the Beta posterior under Jeffreys' prior ``Beta(1/2, 1/2)``,
    whose uncertainty stays honest near 0 and 1 (Brown, Cai & DasGupta 2001). The
    influence-function SE does not: a cell where every row has the event has zero sample
    variance, so strata that are all but deterministic (asia's ``either`` is an OR) add
    nothing to it and the Wald interval under-covers. Only the spread is taken from the
    posterior: Jeffreys' prior pulls small cells towards 1/2, which would shift the
    interval, so the interval stays centred on the estimate (and the Manski bounds). Cells
    without rows in an arm are held at their point value (the bounds cover them). Draws come
    from a fixed seed, so the SD is reproducible.
    """
    rng = np.random.default_rng(POSTERIOR_SEED)
    out = []
    chunk = max(1, min(draws, _CELLS_PER_CHUNK // len(cells.size)))
    for start in range(0, draws, chunk):
        m = min(chunk, draws - start)
        w = rng.dirichlet(cells.size, size=m)
        diff = np.zeros((m, len(cells.size)))
        for sign, cnt, ev, mu in ((1.0, cells.n_a, cells.events_a, cells.mu_a),
                                  (-1.0, cells.n_b, cells.events_b, cells.mu_b)):
            p = rng.beta(ev + 0.5, cnt - ev + 0.5, size=(m, len(cnt)))
            diff += sign * np.where(cnt == 0, mu, p)
        out.append(np.sum(w * diff, axis=1))
    return float(np.std(np.concatenate(out), ddof=1))


def estimate_adjusted(data: pd.DataFrame, x: str, y: str, adjustment: Iterable[str],
                      model: Literal["linear", "discrete"], contrast: tuple[float, float],
                      alpha: float = 0.05) -> PossibleEffect:
    """The effect of ``x`` on ``y`` adjusting for a set, with its interval: Wald (least
    squares; the g-formula's influence function), or for a binary outcome under the
    g-formula with the cells' posterior SD (:func:`_posterior_sd`).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=3000); x = z + rng.normal(size=3000)
    >>> df = pd.DataFrame({"Z": z, "X": x, "Y": 2 * x + z + rng.normal(size=3000)})
    >>> round(estimate_adjusted(df, "X", "Y", ["Z"], "linear", (1.0, 0.0)).estimate, 1)
    2.0
    """
    adj = tuple(sorted(adjustment))
    if y in adj:  # Y is a parent of X in these members: X does not cause Y there
        return PossibleEffect(adj, 0.0, (0.0, 0.0), 0.0)
    a, b = contrast
    xs, ys = data[x].to_numpy(float), data[y].to_numpy(float)
    zs = data[list(adj)].to_numpy(float).reshape(len(data), -1)
    if model == "linear":
        beta, se = _ols(ys, xs, zs)
        est, se = beta * (a - b), se * abs(a - b)
        return PossibleEffect(adj, est, normal_interval(est, se, alpha), se)
    est, se, (lo, hi), gap, cells = _g_formula(ys, xs, zs, a, b)
    binary = bool(np.isin(ys, (0.0, 1.0)).all())
    if binary:  # the cells' posterior spread; the effect lies in [-1, 1]
        se = _posterior_sd(cells)
    interval = (normal_interval(lo, se, alpha)[0], normal_interval(hi, se, alpha)[1])
    if binary:
        interval = (max(interval[0], -1.0), min(interval[1], 1.0))
    return PossibleEffect(adj, est, interval, se, unsupported=gap)


def _member_sets(cls: EquivalenceClass, x: str, y: str, method: IDAMethod, limit: int
                 ) -> list[tuple[frozenset[str], int]]:
    """Each member's parent set of X (global) or optimal set (optimal), with counts."""
    counts: Counter[frozenset[str]] = Counter()
    for dag in cls.members(limit):
        pa = frozenset(dag.parents(x))
        if method == "optimal" and y in dag.descendants(x, include_self=False):
            pa = find_optimal_adjustment_set(dag, x, y) or pa
        counts[pa] += 1
    return sorted(counts.items(), key=lambda kv: sorted(kv[0]))


def _choose_model(frame: pd.DataFrame, columns: Iterable[str], model: EffectModel
                  ) -> Literal["linear", "discrete"]:
    if model != "auto":
        return model
    return "discrete" if all(is_discrete(frame[c].to_numpy()) for c in columns) else "linear"


def ida(
    cls: EquivalenceClass,
    data: pd.DataFrame,
    treatment: str,
    outcome: str,
    *,
    contrast: tuple[float, float] = (1.0, 0.0),
    method: IDAMethod = "local",
    model: EffectModel = "auto",
    outcome_value: float | None = None,
    alpha: float = 0.05,
    max_members: int = 5000,
) -> EffectSet:
    """The possible effects of ``treatment`` on ``outcome`` over the members of ``cls``.

    Parameters
    ----------
    cls : EquivalenceClass
        A CPDAG/MPDAG or a PAG (e.g. ``EquivalenceClass.from_discovery(find_pc(df))``).
    data : DataFrame
        Numeric columns named by the class's nodes.
    contrast : (a, b)
        The effect is ``E[Y | do(X=a)] - E[Y | do(X=b)]`` (linear: ``β · (a - b)``).
    method : {"local", "global", "optimal"}
        See the module docstring; "global" and "optimal" enumerate the members.
    model : {"auto", "linear", "discrete"}
        Least squares, or the stratified g-formula; "auto" picks "discrete" when X and
        every adjustment variable are discrete.
    outcome_value : float, optional
        Estimate ``P(Y = outcome_value | do(X=a)) - P(Y = outcome_value | do(X=b))``.
    alpha : float
        1 - the confidence level of each interval.

    Examples
    --------
    >>> from rung.graph import CausalGraph
    >>> rng = np.random.default_rng(1)
    >>> a = rng.normal(size=4000); x = a + rng.normal(size=4000)
    >>> df = pd.DataFrame({"A": a, "X": x, "Y": 2 * x + 3 * a + rng.normal(size=4000)})
    >>> cls = EquivalenceClass.from_dag(CausalGraph.from_edges("A -> X -> Y; A -> Y"))
    >>> res = ida(cls, df, "X", "Y")     # A -- X -- Y -- A: every orientation is possible
    >>> [(e.adjustment, round(e.estimate, 1)) for e in res.effects]
    [((), 3.5), (('A',), 2.0), (('Y',), 0.0), (('A', 'Y'), 0.0)]
    >>> res.identified, res.covers(2.0)
    (False, True)
    """
    x, y = cls.check_node(treatment), cls.check_node(outcome)
    if x == y:
        raise ValueError(f"treatment and outcome are both {x!r}; name two different nodes")
    found = find_class_adjustment_set(cls, x, y)
    class_adj = None if found.adjustment is None else tuple(sorted(found.adjustment))
    if cls.kind == "pag" and found.adjustment is None:
        return EffectSet(x, y, contrast, method, "linear", cls.kind, (), False,
                         f"not bounded: {found.reason}", None, alpha)
    if cls.kind == "pag" and found.adjustment is not None:
        sets = [(found.adjustment, 1)]
    elif method == "local":
        sets = [(s, 1) for s in possible_parent_sets(cls, x)]
    else:
        sets = _member_sets(cls, x, y, method, max_members)
    used = sorted({x, y} | {v for s, _ in sets for v in s})
    frame = check_data(data, used)
    if outcome_value is not None:
        frame[y] = (frame[y] == float(outcome_value)).astype(float)
    chosen = _choose_model(frame, [v for v in used if v != y], model)
    effects = tuple(
        _with_count(estimate_adjusted(frame, x, y, s, chosen, contrast, alpha), c)
        for s, c in sets)
    note = ("one set is valid in every member" if class_adj is not None else
            f"{len(effects)} possible adjustment sets over the class")
    return EffectSet(x, y, contrast, method, chosen, cls.kind, effects, True, note, class_adj,
                     alpha)


def _with_count(effect: PossibleEffect, count: int) -> PossibleEffect:
    return PossibleEffect(effect.adjustment, effect.estimate, effect.interval, effect.se, count,
                          effect.unsupported)


def ida_over(classes: Sequence[EquivalenceClass], data: pd.DataFrame, treatment: str,
             outcome: str, **options: Any) -> EffectSet:
    """The possible effects over several plausible classes (e.g. the best one and those in
    Occam's window, :mod:`rung.discover.window`): :func:`ida` on each, one effect per
    distinct adjustment set. Identified only when every class gives the same single set;
    not bounded when any class is not.

    Examples
    --------
    >>> from rung.graph import CausalGraph
    >>> rng = np.random.default_rng(1)
    >>> a = rng.normal(size=3000); x = a + rng.normal(size=3000)
    >>> df = pd.DataFrame({"A": a, "X": x, "Y": 2 * x + 3 * a + rng.normal(size=3000)})
    >>> one = EquivalenceClass.from_dag(CausalGraph.from_edges("A -> X -> Y; A -> Y"))
    >>> best = one.orient([("A", "X"), ("X", "Y")])
    >>> other = one.orient([("X", "A"), ("X", "Y")])
    >>> ida_over([best], df, "X", "Y").identified, ida_over([best, other], df, "X", "Y").identified
    (True, False)
    """
    if not classes:
        raise ValueError("ida_over needs at least one class; pass the best class first")
    sets = [ida(c, data, treatment, outcome, **options) for c in classes]
    first = sets[0]
    if not all(s.bounded for s in sets):
        why = next(s.reason for s in sets if not s.bounded)
        return replace(first, effects=(), bounded=False, reason=why, class_adjustment=None)
    effects: dict[tuple[str, ...], PossibleEffect] = {}
    for s in sets:
        for e in s.effects:
            effects.setdefault(e.adjustment, e)
    common = {s.class_adjustment for s in sets}
    class_adj = first.class_adjustment if len(common) == 1 else None
    note = (f"{len(effects)} possible adjustment sets over {len(sets)} plausible classes"
            if len(sets) > 1 else first.reason)
    return replace(first, effects=tuple(effects.values()), reason=note,
                   class_adjustment=class_adj)
