"""Probabilities of causation: PN, PS and PNS, bounded or identified from data.

For a binary treatment X (x: treated, x': not) and outcome Y (y: outcome occurred),
following Tian & Pearl (2000), "Probabilities of causation: bounds and identification",
*Annals of Mathematics and Artificial Intelligence* 28, 287-313 (also Pearl 2009, *Causality*,
2nd ed., §9.2-9.3):

* PN  = P(y'_{x'} | x, y), the probability of necessity;
* PS  = P(y_x | x', y'), the probability of sufficiency;
* PNS = P(y_x, y'_{x'}), the probability of necessity and sufficiency.

The bounds are sharp (Tian & Pearl 2000, Theorems 1-4): from observational data P(x, y)
alone, from experimental data P(y_x), P(y_{x'}) alone, and from both. Under monotonicity
(no unit is harmed: y_{x'} implies y_x) with both kinds of data, or with observational data
and exogeneity (no confounding, so P(y_x) = P(y|x)), they are point values (Theorem 5,
Theorem 3); the result states each assumption it used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CausationBounds",
    "ExperimentalData",
    "Interval",
    "ObservationalData",
    "probabilities_of_causation",
]

_TOL = 1e-9


def _check_probability(value: float, name: str) -> float:
    if not (isinstance(value, int | float) and math.isfinite(value)) or not 0 <= value <= 1:
        raise ValueError(f"{name} = {value!r} is not a probability; give a number in [0, 1]")
    return float(value)


@dataclass(frozen=True)
class ObservationalData:
    """The observed joint distribution of treatment and outcome (the four cells sum to 1)."""

    p_x_y: float  #: P(x, y)
    p_x_ny: float  #: P(x, y')
    p_nx_y: float  #: P(x', y)
    p_nx_ny: float  #: P(x', y')

    def __post_init__(self) -> None:
        cells = (("P(x, y)", self.p_x_y), ("P(x, y')", self.p_x_ny),
                 ("P(x', y)", self.p_nx_y), ("P(x', y')", self.p_nx_ny))
        for name, value in cells:
            _check_probability(value, name)
        total = sum(v for _, v in cells)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"the observational cells sum to {total:g}, not 1; give the joint "
                             "distribution P(x,y), P(x,y'), P(x',y), P(x',y')")

    @classmethod
    def from_counts(cls, x_y: int, x_ny: int, nx_y: int, nx_ny: int) -> ObservationalData:
        """From the four counts of a 2x2 table (treated/untreated by outcome/no outcome)."""
        n = x_y + x_ny + nx_y + nx_ny
        if min(x_y, x_ny, nx_y, nx_ny) < 0 or n <= 0:
            raise ValueError("the counts must be non-negative with a positive total")
        return cls(x_y / n, x_ny / n, nx_y / n, nx_ny / n)

    @property
    def p_y(self) -> float:
        return self.p_x_y + self.p_nx_y

    def to_json(self) -> dict[str, float]:
        return {"p_x_y": self.p_x_y, "p_x_ny": self.p_x_ny, "p_nx_y": self.p_nx_y,
                "p_nx_ny": self.p_nx_ny}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ObservationalData:
        return cls(float(data["p_x_y"]), float(data["p_x_ny"]), float(data["p_nx_y"]),
                   float(data["p_nx_ny"]))


@dataclass(frozen=True)
class ExperimentalData:
    """Outcome rates under the two interventions: P(y_x) = P(y | do(x)), P(y_{x'})."""

    p_y_do_x: float
    p_y_do_nx: float

    def __post_init__(self) -> None:
        _check_probability(self.p_y_do_x, "P(y_x)")
        _check_probability(self.p_y_do_nx, "P(y_x')")

    def to_json(self) -> dict[str, float]:
        return {"p_y_do_x": self.p_y_do_x, "p_y_do_nx": self.p_y_do_nx}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExperimentalData:
        return cls(float(data["p_y_do_x"]), float(data["p_y_do_nx"]))


@dataclass(frozen=True)
class Interval:
    """A closed interval ``[lower, upper]`` of a probability; a point when they are equal."""

    lower: float
    upper: float

    @property
    def is_point(self) -> bool:
        return self.upper - self.lower <= _TOL

    def contains(self, value: float, tol: float = 1e-9) -> bool:
        return self.lower - tol <= value <= self.upper + tol

    def to_json(self) -> dict[str, float]:
        return {"lower": self.lower, "upper": self.upper}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Interval:
        return cls(float(data["lower"]), float(data["upper"]))


def _interval(lower: float, upper: float) -> Interval:
    lo, hi = min(max(lower, 0.0), 1.0), min(max(upper, 0.0), 1.0)
    if lo > hi + 1e-6:
        raise ValueError(f"the data are inconsistent: the lower bound {lo:g} exceeds the upper "
                         f"bound {hi:g}; check that both data sets describe one population")
    return Interval(min(lo, hi), hi)


@dataclass(frozen=True)
class CausationBounds:
    """PN, PS and PNS as intervals (``None`` where undefined: conditioning on probability 0).

    ``assumptions`` states every assumption used beyond the data; ``sources`` the data used.
    """

    pn: Interval | None
    ps: Interval | None
    pns: Interval
    sources: tuple[str, ...]
    assumptions: tuple[str, ...]

    @property
    def identified(self) -> bool:
        """Whether every defined quantity is a point value."""
        return all(i is None or i.is_point for i in (self.pn, self.ps, self.pns))

    def to_json(self) -> dict[str, Any]:
        def one(i: Interval | None) -> dict[str, float] | None:
            return None if i is None else i.to_json()

        return {"pn": one(self.pn), "ps": one(self.ps), "pns": one(self.pns),
                "sources": list(self.sources), "assumptions": list(self.assumptions),
                "identified": self.identified}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CausationBounds:
        def one(d: dict[str, Any] | None) -> Interval | None:
            return None if d is None else Interval.from_json(d)

        pns = one(data["pns"])
        if pns is None:
            raise ValueError("'pns' is missing; give {'lower': ..., 'upper': ...}")
        return cls(one(data["pn"]), one(data["ps"]), pns, tuple(data["sources"]),
                   tuple(data["assumptions"]))


_MONOTONE = "monotonicity: no unit is harmed by the treatment (y_{x'} implies y_x)"
_EXOGENOUS = "exogeneity: no confounding of X and Y, so P(y_x) = P(y|x) and P(y_{x'}) = P(y|x')"


def _observational_only(obs: ObservationalData) -> tuple[Interval | None, Interval | None,
                                                          Interval]:
    """Tian & Pearl (2000), Theorem 1 with no experimental information: PN, PS in [0, 1]."""
    pn = Interval(0.0, 1.0) if obs.p_x_y > 0 else None
    ps = Interval(0.0, 1.0) if obs.p_nx_ny > 0 else None
    return pn, ps, _interval(0.0, obs.p_x_y + obs.p_nx_ny)


def _experimental_only(exp: ExperimentalData, monotonic: bool) -> tuple[
        Interval | None, Interval | None, Interval]:
    """Tian & Pearl (2000), Theorem 2 (PNS); PN and PS are free unless a response type is
    impossible, because nothing ties the treated units to a response type."""
    yx, ynx = exp.p_y_do_x, exp.p_y_do_nx
    if monotonic:
        pns = _interval(yx - ynx, yx - ynx)
        pns_max, always_max, never_max = yx - ynx, ynx, 1 - yx
    else:
        pns = _interval(max(0.0, yx - ynx), min(yx, 1 - ynx))
        pns_max, always_max, never_max = pns.upper, min(yx, ynx), min(1 - yx, 1 - ynx)
    pn = ps = None
    if yx > 0:
        pn = Interval(0.0 if always_max > _TOL else 1.0, 1.0 if pns_max > _TOL else 0.0)
    if ynx < 1:
        ps = Interval(0.0 if never_max > _TOL else 1.0, 1.0 if pns_max > _TOL else 0.0)
    return pn, ps, pns


def _combined(obs: ObservationalData, exp: ExperimentalData) -> tuple[
        Interval | None, Interval | None, Interval]:
    """Tian & Pearl (2000), Theorem 4: sharp bounds from both kinds of data."""
    yx, ynx, py = exp.p_y_do_x, exp.p_y_do_nx, obs.p_y
    pns = _interval(max(0.0, yx - ynx, py - ynx, yx - py),
                    min(yx, 1 - ynx, obs.p_x_y + obs.p_nx_ny,
                        yx - ynx + obs.p_x_ny + obs.p_nx_y))
    pn = ps = None
    if obs.p_x_y > 0:
        pn = _interval(max(0.0, (py - ynx) / obs.p_x_y),
                       min(1.0, ((1 - ynx) - obs.p_nx_ny) / obs.p_x_y))
    if obs.p_nx_ny > 0:
        ps = _interval(max(0.0, (yx - py) / obs.p_nx_ny),
                       min(1.0, (yx - obs.p_x_y) / obs.p_nx_ny))
    return pn, ps, pns


def _monotone_point(obs: ObservationalData, exp: ExperimentalData) -> tuple[
        Interval | None, Interval | None, Interval]:
    """Tian & Pearl (2000), Theorem 5: point values under monotonicity."""
    yx, ynx, py = exp.p_y_do_x, exp.p_y_do_nx, obs.p_y
    pns = _interval(yx - ynx, yx - ynx)
    pn = _interval(*(2 * ((py - ynx) / obs.p_x_y,))) if obs.p_x_y > 0 else None
    ps = _interval(*(2 * ((yx - py) / obs.p_nx_ny,))) if obs.p_nx_ny > 0 else None
    return pn, ps, pns


def _check_consistent(obs: ObservationalData, exp: ExperimentalData) -> None:
    """Tian & Pearl (2000), eq. (30)-(31): P(x,y) <= P(y_x) <= 1 - P(x,y'), and so for x'."""
    checks = ((obs.p_x_y, exp.p_y_do_x, 1 - obs.p_x_ny, "P(x,y) <= P(y_x) <= 1 - P(x,y')"),
              (obs.p_nx_y, exp.p_y_do_nx, 1 - obs.p_nx_ny,
               "P(x',y) <= P(y_x') <= 1 - P(x',y')"))
    for lo, value, hi, rule in checks:
        if not lo - 1e-9 <= value <= hi + 1e-9:
            raise ValueError(f"the experimental and observational data contradict each other "
                             f"({rule} fails: {lo:g}, {value:g}, {hi:g}); they cannot come "
                             "from one population, so check both data sets")


def probabilities_of_causation(observational: ObservationalData | None = None,
                               experimental: ExperimentalData | None = None, *,
                               monotonic: bool = False,
                               exogenous: bool = False) -> CausationBounds:
    """Sharp bounds (or point values) of PN, PS and PNS (Tian & Pearl 2000).

    Parameters
    ----------
    observational : ObservationalData, optional
        The observed joint distribution P(X, Y).
    experimental : ExperimentalData, optional
        P(y_x) and P(y_{x'}) from a randomised experiment.
    monotonic : bool
        Assume monotonicity (no prevention: y_{x'} implies y_x). With both data sets the
        three quantities are then point values; the data must not contradict it.
    exogenous : bool
        Assume no confounding, so that the observational data stand in for the experiment
        (needs ``observational`` and no ``experimental``).

    Returns
    -------
    CausationBounds
        Intervals for PN, PS, PNS (``None`` where undefined), the data sources and the
        assumptions used.

    Raises
    ------
    ValueError
        No data, inconsistent data, or data that contradict monotonicity.

    Examples
    --------
    Tian & Pearl's (2000) example (Pearl 2009, §9.3.4): a drug trial with death rates 16/1000
    (drug) and 14/1000 (none), and observational rates 2/1000 (drug) and 28/1000 (none):

    >>> obs = ObservationalData.from_counts(2, 998, 28, 972)
    >>> exp = ExperimentalData(p_y_do_x=0.016, p_y_do_nx=0.014)
    >>> b = probabilities_of_causation(obs, exp)
    >>> round(b.pn.lower, 9), round(b.pn.upper, 9)
    (1.0, 1.0)
    """
    if exogenous:
        if observational is None or experimental is not None:
            raise ValueError("exogenous=True replaces the experiment by observational data: "
                             "give observational data and no experimental data")
        experimental = _from_exogeneity(observational)
    if experimental is not None and monotonic and \
            experimental.p_y_do_x < experimental.p_y_do_nx - 1e-9:
        raise ValueError(f"the data contradict monotonicity: P(y_x) = {experimental.p_y_do_x:g}"
                         f" < P(y_x') = {experimental.p_y_do_nx:g}; drop monotonic=True")
    sources = tuple(name for name, d in (("observational", observational),
                                         ("experimental", experimental)) if d is not None)
    assumptions = ((_EXOGENOUS,) if exogenous else ()) + ((_MONOTONE,) if monotonic else ())
    if observational is None and experimental is not None:
        return CausationBounds(*_experimental_only(experimental, monotonic),
                               sources=sources, assumptions=assumptions)
    if observational is None:
        raise ValueError("no data: give observational data, experimental data, or both")
    if experimental is None:
        return CausationBounds(*_observational_only(observational), sources=sources,
                               assumptions=assumptions)
    _check_consistent(observational, experimental)
    general = _combined(observational, experimental)
    if not monotonic:
        return CausationBounds(*general, sources=sources, assumptions=assumptions)
    point = _monotone_point(observational, experimental)
    for name, p, g in zip(("PN", "PS", "PNS"), point, general, strict=True):
        if p is not None and g is not None and not g.contains(p.lower, 1e-6):
            raise ValueError(f"the data contradict monotonicity: its {name} = {p.lower:g} lies "
                             f"outside the sharp bounds [{g.lower:g}, {g.upper:g}]; drop "
                             "monotonic=True")
    return CausationBounds(*point, sources=sources, assumptions=assumptions)


def _from_exogeneity(obs: ObservationalData) -> ExperimentalData:
    px, pnx = obs.p_x_y + obs.p_x_ny, obs.p_nx_y + obs.p_nx_ny
    if px == 0 or pnx == 0:
        raise ValueError("exogeneity needs both treated and untreated units: P(x) and P(x') "
                         "must be positive")
    return ExperimentalData(obs.p_x_y / px, obs.p_nx_y / pnx)
