"""Score-based discovery with calibrated edge beliefs (e.g. an LLM's) as a soft prior.

The search maximises, over DAGs ``G``,

    score(G) = S_data(G; D) + weight · Σ_{a -> b in G} log[P(a -> b) / P(no edge {a, b})]
               + Σ_{a -> b in G, {a, b} unasked} log[ρ / 2 / (1 - ρ)],

with ``S_data`` BDeu (discrete data; Heckerman, Geiger & Chickering 1995) or the Gaussian
BIC (continuous data; Schwarz 1978), both already carrying an Occam penalty. The second term
is the log prior of the graph when each pair's belief ``(P(a -> b), P(b -> a), P(none))``
is independent (Heckerman et al. 1995, structure priors; Castelo & Siebes 2000), relative to
the empty graph; ``weight = 1`` is the Bayes weight for calibrated beliefs, and the weight is
fitted on held-out networks in :mod:`rung.bench.fusion`. The third is a sparsity prior with
edge probability ``ρ`` for pairs no one was asked about. The search is pgmpy's
``HillClimbSearch`` (add, delete, reverse with a tabu list) with this decomposable score as a
``StructureScore`` subclass, followed by iterated local search on the whole graph
(:mod:`rung.discover.perturb`), since one climb often stops at a reversed neighbourhood.

The result is the best DAG, its CPDAG (what the data and prior say up to equivalence), and an
MPDAG: the CPDAG with each undirected edge oriented when the belief, given that the pair is
adjacent, reaches ``orientation_threshold``. A belief against a data-compelled direction never
overrides it: it is listed in ``disagreements``.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from rung.data import is_discrete
from rung.discover.bdeu import BDeuCounts
from rung.discover.perturb import DEFAULT_ROUNDS, iterated_local_search
from rung.discover.settled import orientation_support
from rung.discover.window import DEFAULT_WINDOW, VUONG_Z, PlausibleGraph, Spread, focused_search
from rung.graph import CausalGraph
from rung.identify.equivalence_class import EquivalenceClass, OrientationConflict

__all__ = ["ORIENTATION_THRESHOLD", "TIE_BREAK", "DataScore", "EdgeBelief", "PriorSearchResult",
           "PriorStrength", "Strength", "as_beliefs", "orient_class", "prior_search", "tie_break"]

DataScore = Literal["auto", "bdeu", "bic-g"]
_EPS = 1e-6

ORIENTATION_THRESHOLD = 0.8
"""The calibrated ``P(direction | edge)`` from which a belief orients an open edge of the
class (:func:`orient_class`, :func:`prior_search`, :func:`rung.discover.fuse.fuse`, the
co-pilot workflow and the fusion benchmark all use this one value). 0.8 is also the level at
which ``--use-knowledge`` turns an LLM edge into background knowledge. On the Sachs pairs
the embedded model never reaches it, so by default its beliefs orient nothing there (they
still appear in the final graph and the disagreement table). Until 2026-12-02 the library
functions defaulted to 0.9 while the workflow used 0.8 (docs/fusion.md, "The orientation
threshold")."""


@dataclass(frozen=True)
class EdgeBelief:
    """A calibrated belief about the pair ``{a, b}``: ``P(a -> b)``, ``P(b -> a)``, ``P(none)``.

    The one belief type of rung: the prior of :func:`prior_search` and what
    ``rung.copilot``'s ``edge_beliefs`` returns (as the pair seen from each end, see
    :meth:`reverse`). The three probabilities are normalised and kept inside
    ``[1e-6, 1 - 1e-6]``. Where the LLM asked gives them, ``raw`` holds the uncalibrated
    ``(P(a->b), P(b->a), P(none))``, ``calibrated`` the calibrated ``(P(a->b), P(b->a))``
    (None when no calibration fits the model: ``p_ab``... are then the raw values),
    ``decided`` whether the ensemble decided, ``calibration`` and ``note`` how it was mapped.

    Examples
    --------
    >>> b = EdgeBelief("A", "B", 0.7, 0.1, 0.2)
    >>> round(b.log_odds("A", "B"), 3), round(b.oriented("B", "A"), 3)
    (1.253, 0.125)
    >>> r = b.reverse(); (r.source, r.target, round(r.p_ab, 3))
    ('B', 'A', 0.1)
    """

    a: str
    b: str
    p_ab: float
    p_ba: float
    p_none: float
    raw: tuple[float, float, float] | None = None
    calibrated: tuple[float, float] | None = None
    decided: bool = True
    calibration: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        probs = np.array([self.p_ab, self.p_ba, self.p_none], dtype=float)
        if not np.all(np.isfinite(probs)) or np.any(probs < 0) or probs.sum() <= 0:
            raise ValueError(f"belief about {self.a!r}, {self.b!r} has probabilities "
                             f"{probs.tolist()}; give three non-negative numbers")
        if self.a == self.b:
            raise ValueError(f"a belief needs two different variables, got {self.a!r} twice")
        if abs(probs.sum() - 1.0) > 1e-12 or np.any(probs < _EPS) or np.any(probs > 1 - _EPS):
            probs = np.clip(probs / probs.sum(), _EPS, 1 - _EPS)  # idempotent when normal
            probs /= probs.sum()
        for name, v in zip(("p_ab", "p_ba", "p_none"), probs, strict=True):
            object.__setattr__(self, name, float(v))

    @property
    def source(self) -> str:
        """``a``: the belief read as one about ``a -> b`` (the copilot's view)."""
        return self.a

    @property
    def target(self) -> str:
        return self.b

    @property
    def p_raw(self) -> float:
        """The uncalibrated ``P(a -> b)`` (``p_ab`` when no raw value was kept)."""
        return self.p_ab if self.raw is None else self.raw[0]

    @property
    def p_reverse(self) -> float:
        """The uncalibrated ``P(b -> a)``."""
        return self.p_ba if self.raw is None else self.raw[1]

    @property
    def p_calibrated(self) -> float | None:
        """The calibrated ``P(a -> b)``; None when no calibration fitted the model."""
        return None if self.calibrated is None else self.calibrated[0]

    def reverse(self) -> EdgeBelief:
        """The same belief seen from ``b``: ``(b, a, p_ba, p_ab, p_none)``."""
        raw = None if self.raw is None else (self.raw[1], self.raw[0], self.raw[2])
        cal = None if self.calibrated is None else (self.calibrated[1], self.calibrated[0])
        return EdgeBelief(self.b, self.a, self.p_ba, self.p_ab, self.p_none, raw, cal,
                          self.decided, self.calibration, self.note)

    def prob(self, source: str, target: str) -> float:
        """``P(source -> target)``."""
        return self.p_ab if (source, target) == (self.a, self.b) else self.p_ba

    def log_odds(self, source: str, target: str) -> float:
        """``log P(source -> target) / P(none)``: the prior's gain for that edge."""
        return math.log(self.prob(source, target) / self.p_none)

    def oriented(self, source: str, target: str) -> float:
        """``P(source -> target | the pair is adjacent)``."""
        return self.prob(source, target) / (self.p_ab + self.p_ba)

    def to_json(self) -> dict[str, Any]:
        """The pair (``a``, ``b``, ``p_ab``, ``p_ba``, ``p_none``) and the copilot's
        directed view (``source``, ``target``, ``p_raw``, ``p_calibrated``, ``p_reverse``,
        ``decided``, ``calibration``, ``note``)."""
        return {"a": self.a, "b": self.b, "p_ab": self.p_ab, "p_ba": self.p_ba,
                "p_none": self.p_none, "raw": None if self.raw is None else list(self.raw),
                "calibrated": None if self.calibrated is None else list(self.calibrated),
                "source": self.a, "target": self.b, "p_raw": self.p_raw,
                "p_calibrated": self.p_calibrated, "p_reverse": self.p_reverse,
                "decided": self.decided, "calibration": self.calibration, "note": self.note}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> EdgeBelief:
        """Read :meth:`to_json` output (or the copilot's older directed record)."""
        if "a" not in obj:  # the older directed record: no calibrated P(b -> a) in it
            old = (float(obj["p_raw"]), float(obj["p_reverse"]), float(obj["p_none"]))
            pc = obj.get("p_calibrated")
            return cls(str(obj["source"]), str(obj["target"]), *old, raw=old,
                       calibrated=None if pc is None else (float(pc), old[1]),
                       decided=bool(obj.get("decided", True)),
                       calibration=str(obj.get("calibration", "")),
                       note=str(obj.get("note", "")))
        raw, cal = obj.get("raw"), obj.get("calibrated")
        return cls(str(obj["a"]), str(obj["b"]), float(obj["p_ab"]), float(obj["p_ba"]),
                   float(obj["p_none"]),
                   None if raw is None else (float(raw[0]), float(raw[1]), float(raw[2])),
                   None if cal is None else (float(cal[0]), float(cal[1])),
                   bool(obj.get("decided", True)), str(obj.get("calibration", "")),
                   str(obj.get("note", "")))

    def to_frame(self) -> pd.DataFrame:
        """A one-row frame of the directed view."""
        row = self.to_json()
        return pd.DataFrame([{k: row[k] for k in _DIRECTED_COLUMNS}], columns=_DIRECTED_COLUMNS)


_DIRECTED_COLUMNS = ["source", "target", "p_raw", "p_calibrated", "p_reverse", "p_none",
                     "decided", "calibration", "note"]


BeliefInput = (Mapping[tuple[str, str], tuple[float, float, float] | EdgeBelief]
               | Iterable[EdgeBelief])


def as_beliefs(beliefs: BeliefInput, names: Iterable[str]) -> dict[frozenset[str], EdgeBelief]:
    """Beliefs keyed by the unordered pair; ``(a, b) -> (P(a->b), P(b->a), P(none))`` or
    :class:`EdgeBelief` values. A pair given twice or a name not in ``names`` is an error."""
    known = set(names)
    items = (beliefs.items() if isinstance(beliefs, Mapping)
             else [((e.a, e.b), e) for e in beliefs])
    out: dict[frozenset[str], EdgeBelief] = {}
    for (a, b), v in items:
        bel = v if isinstance(v, EdgeBelief) else EdgeBelief(a, b, *v)
        for n in (bel.a, bel.b):
            if n not in known:
                raise ValueError(f"belief names {n!r}, which is not a column of the data; "
                                 f"columns are {sorted(known)}")
        key = frozenset((bel.a, bel.b))
        if key in out:
            raise ValueError(f"two beliefs about the pair {sorted(key)}; give one per pair")
        out[key] = bel
    return out


@dataclass(frozen=True)
class PriorStrength:
    """How strong the prior is, in the data's units.

    ``mean_abs_nats`` is ``weight · mean |log-odds|`` over the believed pairs' edges (nats
    added to the score by one edge decision), ``bic_parameters`` the same expressed in BIC
    parameter penalties ``log(n) / 2``: the prior moves an edge only when the data's score
    difference for it is smaller than that many parameters' worth.
    """

    weight: float
    pairs: int
    mean_abs_nats: float
    max_abs_nats: float
    bic_parameters: float
    sparsity_nats: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> PriorStrength:
        return cls(float(obj["weight"]), int(obj["pairs"]), float(obj["mean_abs_nats"]),
                   float(obj["max_abs_nats"]), float(obj["bic_parameters"]),
                   float(obj["sparsity_nats"]))


@dataclass(frozen=True)
class PriorSearchResult:
    """What :func:`prior_search` found.

    Attributes
    ----------
    dag : tuple of (str, str)
        The highest-scoring DAG's edges.
    cpdag : EquivalenceClass
        Its Markov equivalence class.
    mpdag : EquivalenceClass
        The CPDAG with the confidently believed orientations added (Meek-closed).
    oriented : tuple of (str, str)
        Edges the beliefs oriented in the MPDAG.
    disagreements : tuple of str
        Confident beliefs the class could not take (against a compelled direction, or
        conflicting with other orientations), one line each.
    plausible : tuple of PlausibleGraph
        Graphs within Occam's window of the best one (searched without one of the focus
        nodes' edges); empty without ``focus``.
    support : float
        The joint probability of the marks at the focus nodes that the beliefs, not the
        data, decided (:func:`rung.discover.settled.orientation_support`; 1 when none).
    resting : tuple of str
        Those marks, one line each with its probability.
    """

    nodes: tuple[str, ...]
    dag: tuple[tuple[str, str], ...]
    cpdag: EquivalenceClass
    mpdag: EquivalenceClass
    oriented: tuple[tuple[str, str], ...]
    disagreements: tuple[str, ...]
    data_score: str
    score: float
    prior_score: float
    strength: PriorStrength
    orientation_threshold: float
    plausible: tuple[PlausibleGraph, ...] = ()
    support: float = 1.0
    resting: tuple[str, ...] = ()

    @property
    def graph(self) -> CausalGraph:
        """The best DAG as a :class:`CausalGraph`."""
        return CausalGraph(directed=self.dag, nodes=self.nodes)

    def to_json(self) -> dict[str, Any]:
        return {"nodes": list(self.nodes), "dag": [list(e) for e in self.dag],
                "cpdag": self.cpdag.to_json(), "mpdag": self.mpdag.to_json(),
                "oriented": [list(e) for e in self.oriented],
                "disagreements": list(self.disagreements), "data_score": self.data_score,
                "score": self.score, "prior_score": self.prior_score,
                "strength": self.strength.to_json(),
                "orientation_threshold": self.orientation_threshold,
                "plausible": [g.to_json() for g in self.plausible],
                "support": self.support, "resting": list(self.resting)}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> PriorSearchResult:
        """Rebuild a result saved by :meth:`to_json`."""
        return cls(tuple(obj["nodes"]), tuple((a, b) for a, b in obj["dag"]),
                   EquivalenceClass.from_json(obj["cpdag"]),
                   EquivalenceClass.from_json(obj["mpdag"]),
                   tuple((a, b) for a, b in obj["oriented"]), tuple(obj["disagreements"]),
                   str(obj["data_score"]), float(obj["score"]), float(obj["prior_score"]),
                   PriorStrength.from_json(obj["strength"]),
                   float(obj["orientation_threshold"]),
                   tuple(PlausibleGraph.from_json(g) for g in obj.get("plausible", ())),
                   float(obj.get("support", 1.0)), tuple(obj.get("resting", ())))


def _check_frame(data: pd.DataFrame) -> list[str]:
    names = [str(c) for c in data.columns]
    if len(names) < 2 or len(data) < 5:
        raise ValueError(f"prior_search needs at least 2 columns and 5 rows, got "
                         f"{len(names)} columns and {len(data)} rows")
    bad = [c for c in names if not np.issubdtype(data[c].dtype, np.number)
           or not np.all(np.isfinite(data[c].to_numpy(float)))]
    if bad:
        raise ValueError(f"columns {bad} are not numeric or hold missing values; encode and "
                         "impute them first (rung.data.prepare)")
    return names


def _pgmpy_estimators() -> Any:
    """pgmpy's estimators module (its 1.x deprecation notice silenced; the API is kept)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        import pgmpy.estimators as est
    return est


#: the largest tie-breaking term per node (nats): far below pgmpy's move threshold (1e-4)
TIE_BREAK = 1e-7


def tie_break(variable: str, parents: Iterable[str]) -> float:
    """A tiny, name-determined addition to a local score, so that moves of exactly equal
    score are chosen by the names, not by the order in which pgmpy iterates its sets (which
    depends on ``PYTHONHASHSEED``): the same data give the same graph in every process.

    Examples
    --------
    >>> tie_break("Y", ["X"]) == tie_break("Y", ["X"]) and 0 <= tie_break("Y", []) < TIE_BREAK
    True
    """
    key = f"{variable}|{','.join(sorted(parents))}".encode()
    return TIE_BREAK * int.from_bytes(hashlib.blake2b(key, digest_size=4).digest()) / 2**32


def _score_class() -> Any:
    """pgmpy's StructureScore with the belief prior added to a base score's local score."""
    StructureScore = _pgmpy_estimators().StructureScore

    class _BeliefPriorScore(StructureScore):  # type: ignore[misc,valid-type]
        def __init__(self, data: pd.DataFrame, base: Any, gains: dict[tuple[str, str], float],
                     default: float) -> None:
            super().__init__(data)
            self.base, self.gains, self.default = base, gains, default
            self.memo: dict[tuple[str, frozenset[str]], float] = {}

        def local_score(self, variable: str, parents: Iterable[str]) -> float:
            key = (variable, frozenset(parents))
            if key not in self.memo:  # kept across the searches of one prior_search call
                pa = sorted(key[1])
                prior = sum(self.gains.get((p, variable), self.default) for p in pa)
                self.memo[key] = (float(self.base.local_score(variable, pa)) + prior
                                  + tie_break(variable, pa))
            return self.memo[key]

    return _BeliefPriorScore


def _base_score(frame: pd.DataFrame, kind: Literal["bdeu", "bic-g"], ess: float) -> Any:
    """BDeu by NumPy counts (the value of pgmpy's ``BDeu``, :mod:`rung.discover.bdeu`), or
    pgmpy's Gaussian BIC."""
    if kind == "bdeu":
        return BDeuCounts(frame, equivalent_sample_size=ess)
    return _pgmpy_estimators().BICGauss(frame)


Strength = Callable[[EdgeBelief, str, str], float]


def _given_an_edge(belief: EdgeBelief, source: str, target: str) -> float:
    return belief.oriented(source, target)


def orient_class(cpdag: EquivalenceClass, beliefs: Mapping[frozenset[str], EdgeBelief],
                 threshold: float, *, strength: Strength = _given_an_edge,
                 compelled_by: str = "the data compel", kept: str = "the data's",
                 p_note: str = " given an edge"
                 ) -> tuple[EquivalenceClass, tuple[tuple[str, str], ...], tuple[str, ...]]:
    """Orient the open edges of ``cpdag`` where a belief's ``strength(belief, a, b)`` (by
    default P(a -> b | an edge)) reaches ``threshold``, most confident first, each closed
    under Meek's rules; (MPDAG, the oriented edges, notes on the beliefs it could not take).
    A compelled mark is never turned: a belief against it is noted."""
    notes: list[str] = []
    for a, b in cpdag.directed:
        bel = beliefs.get(frozenset((a, b)))
        if bel is not None and strength(bel, b, a) >= threshold:
            notes.append(f"{compelled_by} {a} -> {b}; the belief says {b} -> {a} "
                         f"(P = {strength(bel, b, a):.2f}{p_note}); kept {kept}")
    wanted = []
    for a, b in cpdag.undirected:
        bel = beliefs.get(frozenset((a, b)))
        if bel is None:
            continue
        s, t = (a, b) if bel.prob(a, b) >= bel.prob(b, a) else (b, a)
        if strength(bel, s, t) >= threshold:
            wanted.append((strength(bel, s, t), s, t))
    mpdag, done = cpdag, []
    for q, s, t in sorted(wanted, reverse=True):
        if (s, t) in mpdag.directed:
            done.append((s, t))
            continue
        try:
            mpdag = mpdag.orient([(s, t)])
        except OrientationConflict:
            notes.append(f"{s} -> {t} (P = {q:.2f}{p_note}) conflicts with more "
                         "confident orientations or closes a v-structure; left open")
            continue
        done.append((s, t))
    return mpdag, tuple(done), tuple(notes)


def _strength(gains: dict[tuple[str, str], float], weight: float, pairs: int, n: int,
              default: float) -> PriorStrength:
    vals = np.abs(np.array(list(gains.values()) or [0.0]))
    mean = float(vals.mean())
    return PriorStrength(weight, pairs, mean, float(vals.max()),
                         mean / (0.5 * math.log(max(n, 2))), default)


def prior_search(
    data: pd.DataFrame,
    beliefs: BeliefInput = (),
    *,
    weight: float = 1.0,
    edge_prior: float | None = None,
    score: DataScore = "auto",
    max_indegree: int | None = 4,
    orientation_threshold: float = ORIENTATION_THRESHOLD,
    equivalent_sample_size: float = 10.0,
    max_iter: int = 100_000,
    focus: Iterable[str] = (),
    window: float = DEFAULT_WINDOW,
    vuong_z: float | None = VUONG_Z,
    start: Iterable[tuple[str, str]] = (),
    restarts: int = DEFAULT_ROUNDS,
) -> PriorSearchResult:
    """Hill-climbing with BDeu/BIC plus ``weight`` × the beliefs' log-odds (see module).

    Parameters
    ----------
    data : DataFrame
        Numeric columns (discrete ones as integer codes), no missing values.
    beliefs : mapping or iterable
        ``(a, b) -> (P(a->b), P(b->a), P(none))`` or :class:`EdgeBelief` values, calibrated.
    weight : float
        Multiplies the log-odds (0 = data only; 1 = Bayes for calibrated beliefs).
    edge_prior : float, optional
        Edge probability ρ of pairs without a belief (sparsity prior); None adds nothing.
    score : {"auto", "bdeu", "bic-g"}
        "auto" is BDeu when every column is discrete, else the Gaussian BIC.
    orientation_threshold : float
        A belief orients an undirected CPDAG edge when ``P(direction | edge)`` reaches it.
    equivalent_sample_size : float
        BDeu's imaginary sample size (pgmpy's default 10; bnlearn uses 1).
    focus : iterable of str
        Nodes (e.g. the treatment) whose edges get the focused local search of
        :mod:`rung.discover.window`; the graphs it finds within ``window`` nats of the best
        are returned in ``plausible``.
    window : float
        Occam's window in nats (default ``log 20``).
    vuong_z : float or None
        Also keep a graph whose margin is below this many sampling SDs of the score
        difference (Vuong's test, :mod:`rung.discover.window`); None keeps the fixed window.
    start : iterable of (str, str)
        A second starting DAG (e.g. the data-alone optimum when the beliefs are added): the
        search climbs from the empty graph and from ``start`` and keeps the higher total, so
        adding a prior never ends in a graph that scores below ``start`` under that prior.
    restarts : int
        Rounds of iterated local search on the whole graph after the first climb
        (:mod:`rung.discover.perturb`: reverse a fifth of the edges, climb, keep the better;
        seeded, so deterministic); 0 keeps the plain hill-climbing optimum.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a = rng.integers(0, 2, 3000); b = (a ^ (rng.random(3000) < 0.1)).astype(int)
    >>> df = pd.DataFrame({"A": a, "B": b})
    >>> prior_search(df).cpdag.undirected          # the data cannot orient one edge
    (('A', 'B'),)
    >>> res = prior_search(df, {("A", "B"): (0.9, 0.05, 0.05)})
    >>> res.dag, res.mpdag.directed
    ((('A', 'B'),), (('A', 'B'),))
    """
    names = _check_frame(data)
    focus_nodes = _focus(focus, names)
    if weight < 0 or not 0.5 < orientation_threshold <= 1.0:
        raise ValueError(f"weight={weight} must be >= 0 and orientation_threshold="
                         f"{orientation_threshold} in (0.5, 1]")
    if edge_prior is not None and not 0.0 < edge_prior < 1.0:
        raise ValueError(f"edge_prior={edge_prior} must lie strictly between 0 and 1")
    discrete = all(is_discrete(data[c].to_numpy()) for c in names)
    kind: Literal["bdeu", "bic-g"] = ("bdeu" if discrete else "bic-g") if score == "auto" \
        else score
    frame = data[names].astype(int) if kind == "bdeu" else data[names].astype(float)
    bel = as_beliefs(beliefs, names)
    gains = {(s, t): weight * b.log_odds(s, t) for b in bel.values()
             for s, t in ((b.a, b.b), (b.b, b.a))}
    default = 0.0 if edge_prior is None else math.log(edge_prior / 2 / (1 - edge_prior))
    scorer = _score_class()(frame, _base_score(frame, kind, equivalent_sample_size), gains,
                            default)

    def total(edges: Iterable[tuple[str, str]]) -> float:
        parents: dict[str, list[str]] = {v: [] for v in names}
        for a, b in edges:
            parents[b].append(a)
        return float(sum(scorer.local_score(v, parents[v]) for v in names))

    def climb(start: frozenset[tuple[str, str]], forbidden: tuple[tuple[str, str], ...]
              ) -> frozenset[tuple[str, str]]:
        return _climb(frame, scorer, start, forbidden, max_indegree, max_iter)

    spread = None if vuong_z is None else _row_spread(frame, kind, equivalent_sample_size)
    first = max((climb(frozenset(g), ()) for g in _starts(start, names)), key=total)
    first = iterated_local_search(first, lambda g: climb(g, ()), total, rounds=restarts,
                                  focus=frozenset(focus_nodes))
    best, alts = focused_search(first, focus_nodes, climb, total,
                                window=window, spread=spread,
                                z=VUONG_Z if vuong_z is None else vuong_z)
    dag = tuple(sorted(best))
    cpdag = EquivalenceClass.from_dag(CausalGraph(directed=dag, nodes=names))
    mpdag, oriented, notes = orient_class(cpdag, bel, orientation_threshold)
    plausible = tuple(PlausibleGraph(
        edge, tuple(sorted(g)), orient_class(EquivalenceClass.from_dag(
            CausalGraph(directed=sorted(g), nodes=names)), bel, orientation_threshold)[0], m,
        0.0 if spread is None else spread(best, g))
        for edge, g, m in alts)
    support, resting = orientation_support(
        cpdag, mpdag, oriented, lambda a, b: _given_an_edge(bel[frozenset((a, b))], a, b),
        focus_nodes)
    return PriorSearchResult(tuple(names), dag, cpdag, mpdag, oriented, notes, kind,
                             total(dag), float(sum(gains.get(e, default) for e in dag)),
                             _strength(gains, weight, len(bel), len(frame), default),
                             orientation_threshold, plausible, support, resting)


def _row_spread(frame: pd.DataFrame, kind: Literal["bdeu", "bic-g"], ess: float) -> Spread:
    """The sampling SD of two graphs' score difference: ``sqrt(n) ·`` the SD over rows of
    the difference of their per-row log-likelihoods, summed over the families that differ
    (Vuong 1989). Per-row terms: BDeu's posterior-mean CPTs, or the Gaussian regression."""
    rows: dict[tuple[str, frozenset[str]], np.ndarray] = {}
    bdeu = BDeuCounts(frame, equivalent_sample_size=ess) if kind == "bdeu" else None

    def loglik(v: str, pa: frozenset[str]) -> np.ndarray:
        if (v, pa) not in rows:
            rows[(v, pa)] = (bdeu.row_log_likelihood(v, sorted(pa)) if bdeu is not None
                             else _gaussian_rows(frame, v, sorted(pa)))
        return rows[(v, pa)]

    def spread(g1: frozenset[tuple[str, str]], g2: frozenset[tuple[str, str]]) -> float:
        p1, p2 = _parent_sets(g1, frame.columns), _parent_sets(g2, frame.columns)
        diff = np.zeros(len(frame))
        for v in p1:
            if p1[v] != p2[v]:
                diff += loglik(v, p1[v]) - loglik(v, p2[v])
        return float(np.std(diff, ddof=1) * math.sqrt(len(frame)))

    return spread


def _parent_sets(edges: Iterable[tuple[str, str]], names: Iterable[Any]
                 ) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {str(v): set() for v in names}
    for a, b in edges:
        out[b].add(a)
    return {v: frozenset(p) for v, p in out.items()}


def _gaussian_rows(frame: pd.DataFrame, v: str, parents: list[str]) -> np.ndarray:
    """Each row's Gaussian log-density of ``v`` given its least-squares fit on ``parents``."""
    y = frame[v].to_numpy(float)
    design = np.column_stack([np.ones(len(y)), frame[parents].to_numpy(float)])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    var = max(float(resid @ resid) / len(y), 1e-12)
    out: np.ndarray = -0.5 * (np.log(2 * np.pi * var) + resid ** 2 / var)
    return out


def _focus(focus: Iterable[str], names: list[str]) -> tuple[str, ...]:
    out = tuple(str(f) for f in focus)
    bad = [f for f in out if f not in names]
    if bad:
        raise ValueError(f"focus names {bad}, not columns of the data; columns are "
                         f"{sorted(names)}")
    return out


def _starts(start: Iterable[tuple[str, str]], names: Sequence[str]
            ) -> list[frozenset[tuple[str, str]]]:
    """The empty graph, and ``start`` when one is given (its nodes checked)."""
    edges = frozenset((str(a), str(b)) for a, b in start)
    unknown = sorted({v for e in edges for v in e} - set(names))
    if unknown:
        raise ValueError(f"start has nodes {unknown} that are not columns of the data; "
                         f"start edges must join columns of {list(names)}")
    return [frozenset(), edges] if edges else [frozenset()]


def _climb(frame: pd.DataFrame, scorer: Any, start: frozenset[tuple[str, str]],
           forbidden: tuple[tuple[str, str], ...], max_indegree: int | None,
           max_iter: int) -> frozenset[tuple[str, str]]:
    """pgmpy's hill-climbing from ``start`` with ``forbidden`` edges kept out."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy.base import DAG
        from pgmpy.causal_discovery import ExpertKnowledge

        dag = DAG()
        dag.add_nodes_from(frame.columns)
        dag.add_edges_from(sorted(start))
        model = _pgmpy_estimators().HillClimbSearch(frame).estimate(
            scoring_method=scorer, start_dag=dag, max_indegree=max_indegree,
            max_iter=max_iter, show_progress=False,
            expert_knowledge=ExpertKnowledge(forbidden_edges=list(forbidden)))
    return frozenset((str(a), str(b)) for a, b in model.edges())
