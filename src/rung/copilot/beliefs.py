"""Calibrated edge beliefs: what the LLM's answer about a pair is worth, as a probability.

An edge belief in ``x -> y`` starts from the pairwise ensemble's order-debiased probability
of the direction (every variant asked in both presentation orders), with the content-free
correction of Zhao, Wallace, Feng, Klein & Singh (2021, "Calibrate Before Use") applied to
each yes/no answer. That raw probability is then mapped by an :class:`EdgeCalibration`:
Platt scaling (Platt 1999, "Probabilistic outputs for support vector machines"; the
logistic fit of Niculescu-Mizil & Caruana 2005) on the logit of the raw probability, fitted
on held-out pairs with known truth, ``p_cal = sigmoid(slope * logit(p_raw) + intercept)``.
The slope is kept >= 0, so calibration never inverts the model's ranking: a model with no
signal gets slope 0 (every edge at the base rate), not an inverted answer.

Reliability is reported as the expected calibration error over 10 equal-width bins (Naeini,
Cooper & Hauskrecht 2015; Guo, Pleiss, Sun & Weinberger 2017), the Brier score and the log
loss, on the fitting pairs and on a held-out split, before and after the map.

The shipped calibrations (``edge_calibration_*.json`` in this package) say what they were
fitted on; :func:`default_edge_calibration` picks the one fitted for the model in use.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from scipy.optimize import minimize

from rung.copilot.display import frame, html_block, html_table
from rung.copilot.pairwise import ask_pairwise
from rung.copilot.results import PairwiseResult
from rung.discover.prior_search import EdgeBelief

if TYPE_CHECKING:
    import pandas as pd

    from rung.copilot.session import Copilot

__all__ = [
    "DEFAULT_BELIEF_VARIANTS",
    "CalibrationMethod",
    "CalibrationScores",
    "EdgeBelief",
    "EdgeCalibration",
    "EdgeSample",
    "LabelledPair",
    "ReliabilityBin",
    "ask_edge_beliefs",
    "beliefs_frame",
    "calibrate_edges",
    "calibrated_pair",
    "collect_edge_samples",
    "default_edge_calibration",
    "fit_edge_calibration",
    "resolve_edge_calibration",
    "shipped_edge_calibrations",
    "split_pairs",
]

DEFAULT_BELIEF_VARIANTS = 2
_EPS = 1e-6
_BINS = 10
_SHIPPED_PREFIX = "edge_calibration_"

PairLabel = Literal["A->B", "B->A", "none"]


class CalibrationMethod(StrEnum):
    """How raw edge probabilities are mapped: Platt scaling, or not at all."""

    PLATT = "platt"
    IDENTITY = "identity"


@dataclass(frozen=True)
class LabelledPair:
    """A pair with known truth: ``a -> b`` ("A->B"), ``b -> a`` ("B->A") or no edge."""

    id: str
    a: str
    b: str
    truth: PairLabel


@dataclass(frozen=True)
class EdgeSample:
    """One directed edge question with its raw probability and whether the edge is true."""

    source: str
    target: str
    p_raw: float
    truth: bool
    pair: str = ""


@dataclass(frozen=True)
class ReliabilityBin:
    """One bin of a reliability diagram: predictions in ``[lo, hi)``, their mean, and the
    share of them that were true."""

    lo: float
    hi: float
    n: int
    mean_p: float
    frequency: float


@dataclass(frozen=True)
class CalibrationScores:
    """Reliability of a set of probabilities against the truth."""

    n: int
    ece: float
    brier: float
    log_loss: float
    bins: tuple[ReliabilityBin, ...]

    @classmethod
    def of(cls, probabilities: Sequence[float], truths: Sequence[bool]) -> CalibrationScores:
        """ECE (10 equal-width bins), Brier score and log loss.

        Examples
        --------
        >>> s = CalibrationScores.of([0.9, 0.9, 0.1, 0.1], [True, False, False, False])
        >>> round(s.ece, 3), round(s.brier, 3)
        (0.25, 0.21)
        """
        if len(probabilities) != len(truths) or not truths:
            raise ValueError(f"need as many truths as probabilities, at least one (got "
                             f"{len(truths)} and {len(probabilities)})")
        n = len(truths)
        bins = []
        for i in range(_BINS):
            lo, hi = i / _BINS, (i + 1) / _BINS
            idx = [j for j, p in enumerate(probabilities)
                   if lo <= p < hi or (i == _BINS - 1 and p == 1.0)]
            if idx:
                mean = sum(probabilities[j] for j in idx) / len(idx)
                freq = sum(truths[j] for j in idx) / len(idx)
                bins.append(ReliabilityBin(lo, hi, len(idx), mean, freq))
        ece = sum(b.n / n * abs(b.mean_p - b.frequency) for b in bins)
        brier = sum((p - t) ** 2 for p, t in zip(probabilities, truths, strict=True)) / n
        loss = -sum(math.log(_clip(p) if t else 1 - _clip(p))
                    for p, t in zip(probabilities, truths, strict=True)) / n
        return cls(n, ece, brier, loss, tuple(bins))

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "ece": self.ece, "brier": self.brier, "log_loss": self.log_loss,
                "bins": [asdict(b) for b in self.bins]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CalibrationScores:
        bins = tuple(ReliabilityBin(**b) for b in data.get("bins", []))
        return cls(int(data["n"]), float(data["ece"]), float(data["brier"]),
                   float(data["log_loss"]), bins)


def _clip(p: float) -> float:
    return min(max(p, _EPS), 1 - _EPS)


def _logit(p: float) -> float:
    q = _clip(p)
    return math.log(q / (1 - q))


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


@dataclass(frozen=True)
class EdgeCalibration:
    """A fitted map from raw to calibrated edge probabilities, and how it was fitted.

    ``model``, ``variants`` and ``content_free`` are the settings the raw probabilities were
    asked with; the map is only valid for beliefs asked the same way. ``fitted_on`` says
    where the pairs came from; ``fit_pairs`` and ``heldout_pairs`` list their ids.
    """

    method: CalibrationMethod
    slope: float
    intercept: float
    model: str
    variants: int
    content_free: bool
    fitted_on: str
    n: int
    train_before: CalibrationScores
    train_after: CalibrationScores
    heldout_before: CalibrationScores | None = None
    heldout_after: CalibrationScores | None = None
    fit_pairs: tuple[str, ...] = ()
    heldout_pairs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("slope", "intercept"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"edge calibration {name}={value!r}: use a finite number")
        if self.slope < 0:
            raise ValueError(f"edge calibration slope={self.slope}: a negative slope inverts "
                             "the model's ranking; use a slope >= 0 (refit the calibration)")
        if isinstance(self.variants, bool) or self.variants < 2:
            raise ValueError(f"edge calibration variants={self.variants}: use K >= 2")

    def apply(self, p_raw: float) -> float:
        """The calibrated probability of a raw one.

        Examples
        --------
        >>> s = CalibrationScores.of([0.5], [True])
        >>> cal = EdgeCalibration(CalibrationMethod.PLATT, 1.0, math.log(3), "m", 2, True,
        ...                       "demo", 1, s, s)
        >>> round(cal.apply(0.5), 3)
        0.75
        """
        if not math.isfinite(p_raw) or not 0.0 <= p_raw <= 1.0:
            raise ValueError(f"raw edge probability {p_raw!r}: use a probability in [0, 1]")
        if self.method is CalibrationMethod.IDENTITY:
            return p_raw
        return _sigmoid(self.slope * _logit(p_raw) + self.intercept)

    def fits(self, model: str, variants: int, content_free: bool) -> bool:
        """Whether beliefs asked of ``model`` with these settings are what this map was
        fitted on (only then is applying it meaningful)."""
        return (self.model, self.variants, self.content_free) == (model, variants, content_free)

    def describe(self) -> str:
        """One line: the map, what it was fitted on, and its held-out reliability."""
        text = (f"{self.method} (slope {self.slope:.3f}, intercept {self.intercept:.3f}) "
                f"fitted on {self.fitted_on} ({self.n} directed edges; model {self.model}, "
                f"K={self.variants}, content-free={self.content_free})")
        if self.heldout_before and self.heldout_after:
            text += (f"; held-out ECE {self.heldout_before.ece:.3f} -> "
                     f"{self.heldout_after.ece:.3f} on {self.heldout_after.n} edges")
        return text

    def to_json(self) -> dict[str, Any]:
        def scores(s: CalibrationScores | None) -> dict[str, Any] | None:
            return s.to_json() if s else None

        return {
            "kind": "rung.copilot.EdgeCalibration",
            "method": str(self.method), "slope": self.slope, "intercept": self.intercept,
            "model": self.model, "variants": self.variants, "content_free": self.content_free,
            "fitted_on": self.fitted_on, "n": self.n,
            "train_before": scores(self.train_before), "train_after": scores(self.train_after),
            "heldout_before": scores(self.heldout_before),
            "heldout_after": scores(self.heldout_after),
            "fit_pairs": list(self.fit_pairs), "heldout_pairs": list(self.heldout_pairs),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EdgeCalibration:
        """Read :meth:`to_json` output; a ValueError names what is wrong."""
        if not isinstance(data, dict) or data.get("kind") != "rung.copilot.EdgeCalibration":
            raise ValueError("not a rung edge calibration (no kind 'rung.copilot.EdgeCalibration')"
                             "; give a file written by `rung ask calibrate`")
        try:
            method = CalibrationMethod(data["method"])
            held = [CalibrationScores.from_json(data[k]) if data.get(k) else None
                    for k in ("heldout_before", "heldout_after")]
            return cls(method, float(data["slope"]), float(data["intercept"]),
                       str(data["model"]), int(data["variants"]), bool(data["content_free"]),
                       str(data["fitted_on"]), int(data["n"]),
                       CalibrationScores.from_json(data["train_before"]),
                       CalibrationScores.from_json(data["train_after"]), held[0], held[1],
                       tuple(map(str, data.get("fit_pairs", ()))),
                       tuple(map(str, data.get("heldout_pairs", ()))))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"edge calibration is missing or has a malformed field ({exc}); "
                             "refit it with `rung ask calibrate`") from None

    def _repr_html_(self) -> str:
        rows = [{"split": name, **{k: getattr(s, k) for k in ("n", "ece", "brier", "log_loss")}}
                for name, s in (("fit, raw", self.train_before), ("fit, calibrated",
                                self.train_after), ("held-out, raw", self.heldout_before),
                                ("held-out, calibrated", self.heldout_after)) if s]
        return html_block("edge calibration", [self.describe()], [html_table(rows)])


def _platt(samples: Sequence[EdgeSample]) -> tuple[float, float]:
    """Platt's fit with his smoothed targets, slope constrained to >= 0."""
    pos = sum(s.truth for s in samples)
    neg = len(samples) - pos
    t_pos, t_neg = (pos + 1) / (pos + 2), 1 / (neg + 2)
    z = [_logit(s.p_raw) for s in samples]
    t = [t_pos if s.truth else t_neg for s in samples]

    def nll(w: Sequence[float]) -> tuple[float, list[float]]:
        loss, ga, gb = 0.0, 0.0, 0.0
        for zi, ti in zip(z, t, strict=True):
            q = min(max(_sigmoid(w[0] * zi + w[1]), 1e-15), 1 - 1e-15)
            loss -= ti * math.log(q) + (1 - ti) * math.log(1 - q)
            ga += (q - ti) * zi
            gb += q - ti
        return loss, [ga, gb]

    res = minimize(nll, [1.0, 0.0], jac=True, method="L-BFGS-B",
                   bounds=[(0.0, None), (None, None)])
    return float(res.x[0]), float(res.x[1])


def fit_edge_calibration(
    train: Sequence[EdgeSample],
    heldout: Sequence[EdgeSample] = (),
    *,
    model: str,
    variants: int,
    content_free: bool,
    fitted_on: str,
    method: CalibrationMethod = CalibrationMethod.PLATT,
) -> EdgeCalibration:
    """Fit the edge calibration on ``train`` and score it on ``heldout`` too.

    Examples
    --------
    >>> train = [EdgeSample("a", "b", p, t) for p, t in
    ...          [(0.9, True), (0.8, True), (0.7, False), (0.3, False), (0.2, False)]]
    >>> cal = fit_edge_calibration(train, model="m", variants=2, content_free=True,
    ...                            fitted_on="a demo")
    >>> cal.slope > 0, cal.train_after.log_loss < cal.train_before.log_loss
    (True, True)
    """
    for s in [*train, *heldout]:
        if not math.isfinite(s.p_raw) or not 0.0 <= s.p_raw <= 1.0:
            raise ValueError(f"edge {s.source} -> {s.target}: raw probability {s.p_raw!r} is "
                             "not in [0, 1]; the model answer is broken")
    if len({s.truth for s in train}) < 2:
        raise ValueError(f"the {len(train)} fitting edges are all "
                         f"{'true' if train and train[0].truth else 'false'}; give true and "
                         "false edges (both directions of known pairs)")
    slope, intercept = _platt(train) if method is CalibrationMethod.PLATT else (1.0, 0.0)
    draft = EdgeCalibration(method, slope, intercept, model, variants, content_free, fitted_on,
                            len(train), _scores(train), _scores(train))

    def mapped(samples: Sequence[EdgeSample]) -> CalibrationScores:
        return CalibrationScores.of([draft.apply(s.p_raw) for s in samples],
                                    [s.truth for s in samples])

    held = (_scores(heldout), mapped(heldout)) if heldout else (None, None)
    return EdgeCalibration(method, slope, intercept, model, variants, content_free, fitted_on,
                           len(train), _scores(train), mapped(train), held[0], held[1],
                           _ids(train), _ids(heldout))


def _ids(samples: Sequence[EdgeSample]) -> tuple[str, ...]:
    return tuple(sorted({s.pair for s in samples if s.pair}))


def _scores(samples: Sequence[EdgeSample]) -> CalibrationScores:
    return CalibrationScores.of([s.p_raw for s in samples], [s.truth for s in samples])


def shipped_edge_calibrations() -> Iterator[EdgeCalibration]:
    """The edge calibrations shipped with rung (``edge_calibration_*.json``)."""
    for entry in sorted(resources.files("rung.copilot").iterdir(), key=lambda e: e.name):
        if entry.name.startswith(_SHIPPED_PREFIX) and entry.name.endswith(".json"):
            yield EdgeCalibration.from_json(json.loads(entry.read_text(encoding="utf-8")))


def default_edge_calibration(model: str) -> EdgeCalibration | None:
    """The shipped calibration fitted for ``model`` (a backend's ``model_id``), or None."""
    return next((c for c in shipped_edge_calibrations() if c.model == model), None)


def resolve_edge_calibration(cp: Copilot, model: str) -> EdgeCalibration | None:
    """The session's edge calibration, else the shipped one fitted for ``model``."""
    return cp.edge_calibration or default_edge_calibration(model)


def calibrated_pair(
    result: PairwiseResult, calibration: EdgeCalibration | None
) -> tuple[float | None, float | None]:
    """Calibrated probabilities of ``a -> b`` and ``b -> a`` from a pairwise answer.

    Each direction is mapped on its own; if the two then exceed 1 together (a pair has at
    most one direct direction in a DAG) both are scaled down to sum to 1.
    """
    if calibration is None:
        return None, None
    ab = calibration.apply(result.probabilities["A->B"])
    ba = calibration.apply(result.probabilities["B->A"])
    total = ab + ba
    return (ab / total, ba / total) if total > 1.0 else (ab, ba)


def beliefs_frame(beliefs: Sequence[EdgeBelief]) -> pd.DataFrame:
    """One row per belief (its directed view: ``source`` -> ``target``)."""
    columns = ["source", "target", "p_raw", "p_calibrated", "p_reverse", "p_none", "decided",
               "calibration", "note"]
    return frame([b.to_json() for b in beliefs], columns)


def _mismatch(cal: EdgeCalibration, model: str) -> str:
    if cal.model != model:
        return (f"the calibration was fitted for model {cal.model!r}, not {model!r}; fit one "
                "for this model with `rung ask calibrate --model ...`")
    return ""


def ask_edge_beliefs(cp: Copilot, a: str, b: str) -> tuple[EdgeBelief, EdgeBelief]:
    """The belief about the pair, seen from ``a`` and from ``b`` (``EdgeBelief.reverse``),
    asked with the calibration's own settings. :class:`EdgeBelief` is the one belief type
    of rung (:mod:`rung.discover.prior_search`): its pair probabilities are the calibrated
    ones (raw when no calibration fits the model), so it goes into ``prior_search`` or
    ``rung.discover.fuse.fuse`` as it is."""
    model = cp.lm.model_id
    cal = resolve_edge_calibration(cp, model)
    k = cal.variants if cal else cp.k(DEFAULT_BELIEF_VARIANTS)
    r = ask_pairwise(cp, a, b, content_free=cal.content_free if cal else True, k=k)
    note = _mismatch(cal, r.model or model) if cal else (
        f"no edge calibration fits model {model!r}: p_calibrated is None; fit one with "
        "`rung ask calibrate`")
    if cal and cp.variants is not None and cp.variants != cal.variants:
        note = (note + "; " if note else "") + (
            f"asked with K={cal.variants} (the calibration's), not the session's {cp.variants}")
    p_ab, p_ba = calibrated_pair(r, cal)
    desc = cal.describe() if cal else ""
    raw = (r.probabilities["A->B"], r.probabilities["B->A"], r.probabilities.get("none", 0.0))
    if p_ab is None or p_ba is None:  # no calibration: the prior's probabilities are raw
        belief = EdgeBelief(a, b, *raw, raw=raw, calibrated=None, decided=r.decided,
                            calibration=desc, note=note)
    else:
        belief = EdgeBelief(a, b, p_ab, p_ba, max(0.0, 1.0 - p_ab - p_ba), raw=raw,
                            calibrated=(p_ab, p_ba), decided=r.decided, calibration=desc,
                            note=note)
    return belief, belief.reverse()


def collect_edge_samples(
    cp: Copilot,
    pairs: Sequence[LabelledPair],
    *,
    variants: int = DEFAULT_BELIEF_VARIANTS,
    content_free: bool = True,
    tick: Callable[[LabelledPair], None] | None = None,
) -> list[EdgeSample]:
    """Ask each labelled pair (both orders) and return its two directed edge samples."""
    samples: list[EdgeSample] = []
    for pair in pairs:
        r = ask_pairwise(cp, pair.a, pair.b, content_free=content_free, k=variants)
        samples.append(EdgeSample(pair.a, pair.b, r.probabilities["A->B"],
                                  pair.truth == "A->B", pair.id))
        samples.append(EdgeSample(pair.b, pair.a, r.probabilities["B->A"],
                                  pair.truth == "B->A", pair.id))
        if tick is not None:
            tick(pair)
    return samples


def split_pairs(
    pairs: Sequence[LabelledPair], n_fit: int, n_heldout: int, *, seed: int = 0
) -> tuple[list[LabelledPair], list[LabelledPair]]:
    """A seeded shuffle of ``pairs`` cut into a fitting set and a disjoint held-out set.

    Examples
    --------
    >>> ps = [LabelledPair(str(i), f"a{i}", f"b{i}", "A->B") for i in range(5)]
    >>> fit, held = split_pairs(ps, 3, 2)
    >>> len(fit), len(held), {p.id for p in fit} & {p.id for p in held}
    (3, 2, set())
    """
    if n_fit < 1 or n_heldout < 0:
        raise ValueError(f"n_fit={n_fit}, n_heldout={n_heldout}: fit on at least 1 pair and "
                         "hold out 0 or more")
    if n_fit + n_heldout > len(pairs):
        raise ValueError(f"{n_fit} + {n_heldout} pairs asked for, but only {len(pairs)} are "
                         "available; ask for fewer")
    order = list(pairs)
    random.Random(seed).shuffle(order)
    return order[:n_fit], order[n_fit:n_fit + n_heldout]


def calibrate_edges(
    cp: Copilot,
    fit_pairs: Sequence[LabelledPair],
    heldout_pairs: Sequence[LabelledPair] = (),
    *,
    fitted_on: str,
    variants: int = DEFAULT_BELIEF_VARIANTS,
    content_free: bool = True,
    tick: Callable[[LabelledPair], None] | None = None,
) -> EdgeCalibration:
    """Ask the session's model about labelled pairs and fit (and score) an edge calibration."""
    train = collect_edge_samples(cp, fit_pairs, variants=variants, content_free=content_free,
                                 tick=tick)
    held = collect_edge_samples(cp, heldout_pairs, variants=variants,
                                content_free=content_free, tick=tick)
    return fit_edge_calibration(train, held, model=cp.lm.model_id, variants=variants,
                                content_free=content_free, fitted_on=fitted_on)
