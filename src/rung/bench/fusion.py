"""The fusion benchmark: data alone, an expert alone, and both, on pgmpy's bundled networks.

For each network (asia, sachs, child, insurance, alarm) data are sampled offline from its own
CPTs, and a treatment-outcome pair with a directed path is fixed with its *exact*
interventional effect (pgmpy's ``do`` and variable elimination). Sources:

- ``data``: BDeu hill-climbing (no prior), its CPDAG, and IDA over the class;
- ``expert``: a simulated expert that names the right one of ``A->B``, ``B->A`` and ``none``
  for every pair with probability ``p`` and a wrong one uniformly otherwise (the
  imperfect-expert protocol of Long, Piché, Zantedeschi, Schuster & Drouin 2023, asked about
  pairs instead of the class's edges); its graph (cycles broken) is used for adjustment;
- ``fusion``: :func:`rung.discover.prior_search.prior_search` with the expert's answers
  turned into calibrated probabilities, then IDA over the MPDAG.

Nothing about the analysed network is used to calibrate: the expert's accuracy and the edge
density (edges per node) are measured on the other networks, and the prior weight is fitted
there too (:func:`fit_weight`). Metrics: SHD, skeleton and directed F1, the effect's error,
and whether the reported interval or range covers the true effect.
"""

from __future__ import annotations

import math
import random
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import numpy as np
import pandas as pd

from rung.copilot.answer_likelihood import Answer, edge_density
from rung.discover.prior_search import (
    ORIENTATION_THRESHOLD,
    EdgeBelief,
    PriorSearchResult,
    prior_search,
)
from rung.discover.settled import SETTLED
from rung.discover.window import noise_note as _noise
from rung.estimate.estimators.ida import EffectSet, estimate_adjusted, ida
from rung.graph import CausalGraph, edge_precision_recall_f1, structural_hamming_distance
from rung.identify.equivalence_class import EquivalenceClass
from rung.workflow.effect_sets import beyond_data_flag, sets_beyond_data, unsettled_flag

__all__ = ["EXPERT_ACCURACIES", "FUSION_NETWORKS", "ORIENTATION_THRESHOLD", "Answer", "Expert",
           "FusionCell", "FusionQuery", "Source", "calibrated_beliefs", "choose_query",
           "class_edges", "data_alone", "data_record", "edge_density", "exact_effect",
           "expert_dag", "expert_record", "fit_weight", "held_out_calibration", "network_edges",
           "pair_truth", "run_cell", "sample_network", "simulated_answers"]

FUSION_NETWORKS = ("asia", "sachs", "child", "insurance", "alarm")
EXPERT_ACCURACIES = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
Source = Literal["data", "expert", "fusion"]
Expert = Literal["simulated", "embedded"]
_ANSWERS: tuple[Answer, ...] = ("A->B", "B->A", "none")


@cache
def _model(network: str) -> Any:
    if network not in FUSION_NETWORKS:
        raise ValueError(f"unknown network {network!r}; choose one of {FUSION_NETWORKS}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy.utils import get_example_model

        return get_example_model(network)


def network_edges(network: str) -> tuple[tuple[str, ...], frozenset[tuple[str, str]]]:
    """The network's variables (sorted) and true directed edges."""
    m = _model(network)
    return (tuple(sorted(str(v) for v in m.nodes())),
            frozenset((str(a), str(b)) for a, b in m.edges()))


@cache
def sample_network(network: str, n: int, seed: int) -> pd.DataFrame:
    """``n`` rows forward-sampled from the network's CPTs, as integer state codes (the CPD's
    state order), columns sorted by name.

    Examples
    --------
    >>> df = sample_network("asia", 50, 0)
    >>> df.shape, sorted(set(df["smoke"]))
    ((50, 8), [0, 1])
    """
    from pgmpy.sampling import BayesianModelSampling

    m = _model(network)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = BayesianModelSampling(m).forward_sample(size=n, seed=seed, show_progress=False)
    out = {}
    for v in sorted(str(c) for c in raw.columns):
        states = list(m.get_cpds(v).state_names[v])
        out[v] = raw[v].map({s: i for i, s in enumerate(states)}).astype(int)
    return pd.DataFrame(out)


def exact_effect(network: str, treatment: str, outcome: str, contrast: tuple[int, int],
                 outcome_value: int) -> float:
    """``P(Y=y | do(X=a)) - P(Y=y | do(X=b))`` by variable elimination on the mutilated
    network (pgmpy's ``do``: edges into X removed)."""
    from pgmpy.inference import VariableElimination

    m = _model(network)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        infer = VariableElimination(m.do([treatment]))
        states = m.get_cpds(treatment).state_names[treatment]
        probs = [float(infer.query([outcome], evidence={treatment: states[v]},
                                   show_progress=False).values[outcome_value])
                 for v in contrast]
    return probs[0] - probs[1]


@dataclass(frozen=True)
class FusionQuery:
    """The treatment-outcome pair of a network and its exact effect."""

    network: str
    treatment: str
    outcome: str
    contrast: tuple[int, int]
    outcome_value: int
    true_effect: float

    def to_json(self) -> dict[str, Any]:
        return {"network": self.network, "treatment": self.treatment, "outcome": self.outcome,
                "contrast": list(self.contrast), "outcome_value": self.outcome_value,
                "true_effect": self.true_effect}


@cache
def choose_query(network: str) -> FusionQuery:
    """The pair used for a network: among treatments with a parent (so adjustment matters)
    and outcomes two steps down a directed path, the largest exact
    ``P(Y=0 | do(X=0)) - P(Y=0 | do(X=1))`` in absolute value (ties by name)."""
    nodes, edges = network_edges(network)
    g = CausalGraph(directed=edges, nodes=nodes)
    best: tuple[float, str, str] | None = None
    for x in nodes:
        if not g.parents(x):
            continue
        grandchildren = {c2 for c in g.children(x) for c2 in g.children(c)} - g.children(x)
        for y in sorted(grandchildren):
            eff = exact_effect(network, x, y, (0, 1), 0)
            if best is None or abs(eff) > abs(best[0]) + 1e-12:
                best = (eff, x, y)
    if best is None:
        raise ValueError(f"network {network!r} has no treatment with a parent and a "
                         "grandchild")
    return FusionQuery(network, best[1], best[2], (0, 1), 0, best[0])


def pair_truth(a: str, b: str, edges: frozenset[tuple[str, str]]) -> Answer:
    """The right answer for the pair ``(a, b)``.

    Examples
    --------
    >>> pair_truth("A", "B", frozenset({("B", "A")}))
    'B->A'
    """
    return "A->B" if (a, b) in edges else "B->A" if (b, a) in edges else "none"


def simulated_answers(nodes: Sequence[str], edges: Iterable[tuple[str, str]], accuracy: float,
                      seed: int) -> dict[tuple[str, str], Answer]:
    """For every pair ``(a, b)`` (``a`` before ``b`` in ``nodes``), the right answer with
    probability ``accuracy``, else one of the two wrong ones uniformly.

    Examples
    --------
    >>> simulated_answers(["A", "B", "C"], [("A", "B")], 1.0, 0)
    {('A', 'B'): 'A->B', ('A', 'C'): 'none', ('B', 'C'): 'none'}
    """
    truth = frozenset(edges)
    rng = random.Random(f"{seed}-{accuracy}")
    out: dict[tuple[str, str], Answer] = {}
    for i, a in enumerate(nodes):
        for b in nodes[i + 1:]:
            right = pair_truth(a, b, truth)
            if rng.random() < accuracy:
                out[(a, b)] = right
            else:
                out[(a, b)] = rng.choice([o for o in _ANSWERS if o != right])
    return out


def calibrated_beliefs(answers: Mapping[tuple[str, str], Answer], accuracy: float,
                       edge_density: float) -> dict[tuple[str, str], EdgeBelief]:
    """Bayes: ``P(truth | answer)`` with prior ``P(a->b) = P(b->a) = ρ/2``, ``P(none) = 1-ρ``
    and the expert's held-out accuracy as the likelihood of the right answer.

    Examples
    --------
    >>> b = calibrated_beliefs({("A", "B"): "A->B"}, 0.9, 0.2)[("A", "B")]
    >>> round(b.p_ab, 3), round(b.oriented("A", "B"), 3)
    (0.667, 0.947)
    """
    prior = {"A->B": edge_density / 2, "B->A": edge_density / 2, "none": 1 - edge_density}
    out = {}
    for (a, b), ans in answers.items():
        post = {t: prior[t] * (accuracy if t == ans else (1 - accuracy) / 2) for t in _ANSWERS}
        out[(a, b)] = EdgeBelief(a, b, post["A->B"], post["B->A"], post["none"])
    return out


def expert_dag(nodes: Sequence[str], answers: Mapping[tuple[str, str], Answer]) -> CausalGraph:
    """The expert's graph; an edge that would close a cycle is dropped (pairs in order)."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(nodes)
    for (a, b), ans in sorted(answers.items()):
        if ans == "none":
            continue
        s, t = (a, b) if ans == "A->B" else (b, a)
        if not nx.has_path(g, t, s):
            g.add_edge(s, t)
    return CausalGraph(directed=list(g.edges()), nodes=nodes)


def held_out_calibration(network: str, accuracy: float, seed: int,
                         exclude: Iterable[str] = ()) -> tuple[float, float]:
    """The expert's accuracy and the edges per node, measured on the *other* networks (and
    not on ``exclude``)."""
    right = total = 0
    per_node = []
    skip = {network, *exclude}
    for other in FUSION_NETWORKS:
        if other in skip:
            continue
        nodes, edges = network_edges(other)
        answers = simulated_answers(nodes, edges, accuracy, seed + 1000)
        truth = simulated_answers(nodes, edges, 1.0, 0)
        right += sum(answers[k] == truth[k] for k in answers)
        total += len(answers)
        per_node.append(len(edges) / len(nodes))
    return right / total, float(np.mean(per_node))


def class_edges(cls: EquivalenceClass) -> list[tuple[str, str]]:
    """A class's edges as directed pairs; an undirected edge counts both ways (so against a
    DAG it costs one SHD unit, like a reversal)."""
    return [*cls.directed, *cls.undirected, *((b, a) for a, b in cls.undirected)]


def _graph_metrics(pred: Sequence[tuple[str, str]], nodes: Sequence[str],
                   truth: frozenset[tuple[str, str]]) -> dict[str, float]:
    true = sorted(truth)
    return {"shd": structural_hamming_distance(list(pred), true, nodes=nodes),
            "skeleton_f1": edge_precision_recall_f1(list(pred), true, oriented=False,
                                                    nodes=nodes).f1,
            "directed_f1": edge_precision_recall_f1(list(pred), true, nodes=nodes).f1}


@dataclass(frozen=True)
class FusionCell:
    """One run: a network, a sample size, a seed, a source and (not for data) an accuracy;
    ``expert="embedded"`` is the embedded LLM (:mod:`rung.bench.fusion_llm`, no accuracy)."""

    network: str
    n: int
    seed: int
    source: Source
    accuracy: float | None = None
    expert: Expert = "simulated"

    @property
    def key(self) -> str:
        if self.expert == "embedded" and self.source != "data":
            return f"{self.network}/n{self.n}/s{self.seed}/{self.source}/embedded"
        acc = "-" if self.accuracy is None else f"{self.accuracy:g}"
        return f"{self.network}/n{self.n}/s{self.seed}/{self.source}/p{acc}"


def _plausible_effects(res: PriorSearchResult, cls: EquivalenceClass, data: pd.DataFrame,
                       q: FusionQuery) -> tuple[EffectSet, list[tuple[Any, EffectSet]]]:
    """IDA on the best class ``cls`` and on every graph of the search's Occam window."""
    return _ida(cls, data, q), [(g, _ida(g.mpdag, data, q)) for g in res.plausible]


def _adjustments(res: PriorSearchResult, cls: EquivalenceClass, data: pd.DataFrame,
                 q: FusionQuery) -> list[tuple[str, ...]]:
    """Every possible adjustment set over the plausible graphs of a search."""
    best, others = _plausible_effects(res, cls, data, q)
    return [e.adjustment for es in (best, *(o for _, o in others)) for e in es.effects]


def _effect_record(res: PriorSearchResult, cls: EquivalenceClass, data: pd.DataFrame,
                   q: FusionQuery, allowed: Sequence[tuple[str, ...]] | None = None
                   ) -> dict[str, Any]:
    """The answer over the plausible graphs: the best class's possible effects and those of
    every graph in Occam's window. Status "ok" only when all of them give one and the same
    adjustment set and (with ``allowed``, the data-alone search's sets) none of them lies
    beyond what the data alone allow; the range spans every interval."""
    best, others = _plausible_effects(res, cls, data, q)
    sets = {e.adjustment for e in best.effects}
    loose = _unsettled(res, cls, data, q)
    effects = [*best.effects, *(e for _, o in others for e in o.effects),
               *(loose.effects if loose else ())]
    beyond = () if allowed is None else sets_beyond_data(allowed,
                                                         [e.adjustment for e in effects])
    bounded = best.bounded and all(o.bounded for _, o in others) and (
        loose is None or loose.bounded)
    rng = None if not bounded or not effects else (
        min(e.interval[0] for e in effects), max(e.interval[1] for e in effects))
    est = [e.estimate for e in effects]
    mid = None if not est else (min(est) + max(est)) / 2
    moved = [g for g, o in others if {e.adjustment for e in o.effects} != sets]
    wider = loose is not None and {e.adjustment for e in loose.effects} != sets
    ok = best.identified and not moved and bounded and not beyond and not wider
    flags = [*best.flags, *(f"hangs on {a} -> {b}: a graph without it is {g.margin:.1f} nats "
                             f"below the best{_noise(g)}" for g in moved for a, b in [g.denied]),
             *([beyond_data_flag(q.treatment, allowed or (), beyond)] if beyond else []),
             *([unsettled_flag(res.resting, res.support)] if wider else [])]
    return {"effect": mid, "range": None if rng is None else list(rng),
            "n_effects": len({e.adjustment for e in effects}),
            "identified": best.identified, "plausible_graphs": 1 + len(others),
            "moved_by": [list(g.denied) for g in moved], "flags": flags,
            "error": None if mid is None else abs(mid - q.true_effect),
            "covers": rng is not None and rng[0] <= q.true_effect <= rng[1],
            "status": "ok" if ok else "check"}


def _unsettled(res: PriorSearchResult, cls: EquivalenceClass, data: pd.DataFrame,
               q: FusionQuery) -> EffectSet | None:
    """IDA on the search's class without the belief orientations when the reported class
    ``cls`` rests on orientations at the treatment that are not settled
    (:mod:`rung.discover.settled`, as :class:`rung.discover.fuse.FusionResult` does)."""
    if res.support >= SETTLED or cls == res.cpdag:
        return None
    return _ida(res.cpdag, data, q)


def _ida(cls: EquivalenceClass, data: pd.DataFrame, q: FusionQuery) -> EffectSet:
    try:
        return ida(cls, data, q.treatment, q.outcome, contrast=(float(q.contrast[0]),
                   float(q.contrast[1])), model="discrete",
                   outcome_value=float(q.outcome_value))
    except ValueError as exc:  # e.g. too many undirected neighbours to enumerate
        return EffectSet(q.treatment, q.outcome, (float(q.contrast[0]), float(q.contrast[1])),
                         "local", "discrete", cls.kind, (), False, f"not bounded: {exc}")


def _expert_effect(dag: CausalGraph, data: pd.DataFrame, q: FusionQuery) -> dict[str, Any]:
    pa = sorted(dag.parents(q.treatment))
    frame = data.astype(float)
    frame[q.outcome] = (frame[q.outcome] == q.outcome_value).astype(float)
    eff = estimate_adjusted(frame, q.treatment, q.outcome, pa, "discrete",
                            (float(q.contrast[0]), float(q.contrast[1])))
    cover = eff.interval[0] <= q.true_effect <= eff.interval[1]
    return {"effect": eff.estimate, "range": list(eff.interval), "n_effects": 1,
            "identified": True, "error": abs(eff.estimate - q.true_effect), "covers": cover,
            "status": "ok"}


def run_cell(cell: FusionCell, weight: float = 1.0,
             orientation_threshold: float = ORIENTATION_THRESHOLD,
             exclude: Iterable[str] = ()) -> dict[str, Any]:
    """Run one cell of the simulated expert and return its ledger record (``key`` plus
    metrics); networks in ``exclude`` are kept out of the expert's calibration too."""
    start = time.perf_counter()
    nodes, truth = network_edges(cell.network)
    if cell.source == "data":
        rec = data_record(cell)
    else:
        if cell.accuracy is None:
            raise ValueError(f"cell {cell.key} needs an expert accuracy")
        answers = simulated_answers(nodes, truth, cell.accuracy, cell.seed)
        beliefs: dict[tuple[str, str], EdgeBelief] = {}
        if cell.source == "fusion":
            acc, per_node = held_out_calibration(cell.network, cell.accuracy, cell.seed,
                                                 exclude)
            beliefs = calibrated_beliefs(answers, acc, edge_density(nodes, per_node))
        rec = expert_record(cell, answers, beliefs, weight, orientation_threshold)
        if cell.source == "fusion":
            rec["held_out_accuracy"] = acc
    rec["seconds"] = time.perf_counter() - start
    return rec


def _base_record(cell: FusionCell) -> dict[str, Any]:
    return {"key": cell.key, "network": cell.network, "n": cell.n, "seed": cell.seed,
            "source": cell.source, "accuracy": cell.accuracy,
            "true_effect": choose_query(cell.network).true_effect}


@cache
def data_alone(network: str, n: int, seed: int) -> PriorSearchResult:
    """The data-only search of a cell (no prior, focused on the query's treatment); cached
    because the embedded expert's question plan reads it too."""
    q = choose_query(network)
    return prior_search(sample_network(network, n, seed), weight=0.0, focus=[q.treatment])


def data_record(cell: FusionCell) -> dict[str, Any]:
    """The ``data`` source's record: the data-alone CPDAG's metrics and IDA over it."""
    nodes, truth = network_edges(cell.network)
    res = data_alone(cell.network, cell.n, cell.seed)
    data = sample_network(cell.network, cell.n, cell.seed)
    return (_base_record(cell) | _graph_metrics(class_edges(res.cpdag), nodes, truth)
            | _effect_record(res, res.cpdag, data, choose_query(cell.network)))


def expert_record(cell: FusionCell, answers: Mapping[tuple[str, str], Answer],
                  beliefs: Mapping[tuple[str, str], EdgeBelief], weight: float = 1.0,
                  orientation_threshold: float = ORIENTATION_THRESHOLD) -> dict[str, Any]:
    """The ``expert`` or ``fusion`` record from an expert's answers (``expert``: its graph,
    cycles broken, and adjustment for the treatment's parents in it) and its calibrated
    beliefs (``fusion``: :func:`prior_search` with them, then IDA over the MPDAG). The same
    steps for the simulated and the embedded expert."""
    nodes, truth = network_edges(cell.network)
    q = choose_query(cell.network)
    data = sample_network(cell.network, cell.n, cell.seed)
    rec = _base_record(cell)
    if cell.source == "expert":
        dag = expert_dag(nodes, answers)
        raw = [(a, b) if v == "A->B" else (b, a) for (a, b), v in answers.items()
               if v != "none"]
        return rec | _graph_metrics(raw, nodes, truth) | _expert_effect(dag, data, q)
    if cell.source != "fusion":
        raise ValueError(f"cell {cell.key}: source {cell.source!r} has no expert; use "
                         "data_record for the data source")
    res = prior_search(data, dict(beliefs), weight=weight,
                       orientation_threshold=orientation_threshold, focus=[q.treatment])
    rec |= _graph_metrics(class_edges(res.mpdag), nodes, truth)
    rec["shd_dag"] = _graph_metrics(res.dag, nodes, truth)["shd"]
    rec["weight"] = weight
    rec["orientation_threshold"] = orientation_threshold
    rec["prior_nats_per_edge"] = res.strength.mean_abs_nats
    return rec | _effect_record(res, res.mpdag, data, q,
                                _data_adjustments(cell.network, cell.n, cell.seed))


@cache
def _data_adjustments(network: str, n: int, seed: int) -> tuple[tuple[str, ...], ...]:
    """The data-alone search's possible adjustment sets of a cell; cached, since every
    accuracy's fusion cell on the same data compares against them."""
    alone = data_alone(network, n, seed)
    return tuple(_adjustments(alone, alone.cpdag, sample_network(network, n, seed),
                              choose_query(network)))


def fit_weight(network: str, n: int, accuracies: Sequence[float],
               weights: Sequence[float] = (0.5, 1.0, 2.0, 4.0, 8.0), held_out: int = 1,
               seed: int = 0) -> tuple[float, dict[str, float]]:
    """The prior weight with the lowest mean fusion SHD on the ``held_out`` smallest *other*
    networks (one seed, the given accuracies); returns it with the mean SHD per weight.
    Ties go to the weight nearest the Bayes weight 1."""
    others = tuple(sorted((o for o in FUSION_NETWORKS if o != network),
                          key=lambda o: len(network_edges(o)[0]))[:held_out])
    return _fit_on(network, others, n, tuple(accuracies), tuple(weights), seed)


@cache
def _fit_on(network: str, others: tuple[str, ...], n: int, accuracies: tuple[float, ...],
            weights: tuple[float, ...], seed: int) -> tuple[float, dict[str, float]]:
    shd: dict[str, float] = {}
    for w in weights:
        runs = [run_cell(FusionCell(o, n, seed + 100, "fusion", p), weight=w,
                         exclude=(network,))["shd"]
                for o in others for p in accuracies]
        shd[f"{w:g}"] = float(np.mean(runs))
    best = min(weights, key=lambda w: (shd[f"{w:g}"], abs(math.log(w))))
    return best, shd
