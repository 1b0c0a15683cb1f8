"""The co-pilot's default data step: a score-based search, with every LLM belief as a prior.

What the data alone say and what they say with the LLM's calibrated beliefs as a soft prior
come from :func:`rung.discover.prior_search` (pgmpy's ``HillClimbSearch`` on BIC-Gauss or
BDeu plus ``weight`` × the beliefs' log-odds; a focused search and Occam's window on the
treatment's edges, :mod:`rung.discover.window`). The two searches run in two steps: the data
alone first (their skeleton chooses the LLM's questions), then, once the LLM has answered,
the fused search; together they are a :class:`rung.discover.FusionResult`, the same object
:func:`rung.discover.fuse` returns.

The final graph is one DAG of the fused MPDAG (the LLM's preferred direction on the edges the
class leaves open, Meek-closed, then a Dor–Tarsi extension); the answer is the effect set
over every plausible class (``ida_over``). Where the fused class drops or turns a mark the data
alone compelled, the review lists it (:func:`overridden_marks`): a data-compelled mark is never
overridden silently.

The search applies when every column is numeric and either all discrete (BDeu) or the
discrete ones binary (BIC-Gauss reads a 0/1 column as a number); a text category with more
than two levels among continuous columns has no score here, and the workflow falls back to
the constraint-based path (:func:`fusion_blocker` says why).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from rung.copilot.answer_likelihood import (
    AnswerLikelihood,
    edge_density,
    likelihood_beliefs,
    most_probable_answer,
)
from rung.discover import (
    DiscoveredEdge,
    DiscoveryResult,
    EdgeBelief,
    FusionResult,
    PriorSearchResult,
    collect_evidence,
)
from rung.discover.prior_search import orient_class
from rung.discover.settled import orientation_support
from rung.graph import CausalGraph
from rung.identify.equivalence_class import EquivalenceClass, OrientationConflict
from rung.workflow.disagreements import Disagreement, LLMEdge, most_confident_by_pair

if TYPE_CHECKING:
    from rung.copilot.beliefs import EdgeCalibration

__all__ = ["FUSION_WEIGHT", "FusionSettings", "beliefs_from_answers", "final_from_mpdag",
           "fusion_blocker", "orient_by_beliefs", "orientation_strength", "overridden_marks",
           "search", "search_as_discovery"]

FUSION_WEIGHT = 1.0
"""The prior's weight: 1 is the Bayes weight for calibrated beliefs (held-out fits on the
benchmark networks chose 1 to 2 for calibrated simulated experts, docs/fusion.md)."""


MAX_UNCAPPED = 8
"""Up to this many columns the search lets a node have any number of parents; above it at
most 4 (the search's cost grows with the parent sets: on the 11 Sachs proteins uncapped took
175 s against 20 s). The statin case needs 5: CVD has age, sex, smoking, LDL and statin."""


@dataclass(frozen=True)
class FusionSettings:
    """How the two searches run: prior ``weight``, ``orientation_threshold`` (a belief
    orients an open edge of the class from this probability given an edge) and the
    treatment the focused search and Occam's window look at."""

    treatment: str
    weight: float = FUSION_WEIGHT
    orientation_threshold: float = 0.8


def fusion_blocker(data: pd.DataFrame, categorical: Sequence[str] = ()) -> str | None:
    """Why the score-based search cannot score these data (None when it can).

    Examples
    --------
    >>> df = pd.DataFrame({"a": [0.1, 0.5, 0.9], "b": [0, 1, 2]})
    >>> fusion_blocker(df) is None
    True
    >>> fusion_blocker(df, categorical=["b"])[:30]
    'column b is a category with 3 '
    """
    from rung.data import is_discrete

    discrete = {c: is_discrete(data[c].to_numpy()) for c in data.columns}
    if all(discrete.values()):
        return None
    for c in categorical:
        levels = data[c].nunique()
        if c in data.columns and levels > 2:
            return (f"column {c} is a category with {levels} levels among continuous "
                    "columns: neither BDeu (all discrete) nor the Gaussian BIC scores it, so "
                    "the constraint-based path (PC, or FCI) ran instead")
    return None


_SAFE = re.compile(r"c\d+x")


def _safe_names(names: Sequence[str]) -> dict[str, str]:
    """Column -> formula-safe name (pgmpy's BIC-Gauss builds patsy formulas from names, and
    ``p44/42`` is not one); ``c1x`` is never a substring of ``c10x``."""
    return {n: f"c{i}x" for i, n in enumerate(names)}


def _rename(obj: Any, back: Mapping[str, str]) -> Any:
    if isinstance(obj, str):
        return _SAFE.sub(lambda m: back.get(m.group(0), m.group(0)), obj)
    if isinstance(obj, list | tuple):
        return [_rename(v, back) for v in obj]
    if isinstance(obj, dict):
        return {k: _rename(v, back) for k, v in obj.items()}
    return obj


def _renamed_beliefs(beliefs: Iterable[EdgeBelief], fwd: Mapping[str, str]
                     ) -> list[EdgeBelief]:
    return [EdgeBelief(fwd[b.a], fwd[b.b], b.p_ab, b.p_ba, b.p_none, b.raw, b.calibrated,
                       b.decided, b.calibration, b.note) for b in beliefs]


def search(data: pd.DataFrame, settings: FusionSettings,
           beliefs: Sequence[EdgeBelief] = ()) -> PriorSearchResult:
    """:func:`rung.discover.prior_search` focused on the treatment: the data alone when
    ``beliefs`` is empty (weight 0), else the data with the beliefs as a prior.

    Both searches climb from the empty graph only. Also starting the fused search from the
    data's optimum (``prior_search(start=...)``) keeps a higher total score, but on the
    fusion benchmark at n = 5,000 it cut the effect coverage from 92.0% to 82.7% and raised
    the confident misses from 2 to 10 (docs/fusion.md): the prior could no longer lead the
    climb out of the data's wrong basin."""
    from rung.discover.prior_search import prior_search

    names = [str(c) for c in data.columns]
    fwd = _safe_names(names)
    back = {v: k for k, v in fwd.items()}
    frame = data.rename(columns=fwd)
    weight = settings.weight if beliefs else 0.0
    # the search orients nothing itself (threshold 1: no clipped belief reaches it); the
    # classes are oriented below by orientation_strength's rule
    res = prior_search(frame, _renamed_beliefs(beliefs, fwd), weight=weight,
                       orientation_threshold=1.0, focus=[fwd[settings.treatment]],
                       max_indegree=None if len(names) <= MAX_UNCAPPED else 4)
    res = PriorSearchResult.from_json(_rename(res.to_json(), back))
    t = settings.orientation_threshold
    mpdag, oriented, notes = orient_by_beliefs(res.cpdag, beliefs, t)
    plausible = tuple(replace(g, mpdag=orient_by_beliefs(
        EquivalenceClass.from_dag(CausalGraph(directed=g.dag, nodes=res.nodes)), beliefs, t)[0])
        for g in res.plausible)
    by_pair = {frozenset((b.a, b.b)): b for b in beliefs}
    support, resting = orientation_support(
        res.cpdag, mpdag, oriented,
        lambda a, b: orientation_strength(by_pair[frozenset((a, b))], a, b),
        [settings.treatment])
    return replace(res, mpdag=mpdag, oriented=oriented, disagreements=notes,
                   orientation_threshold=t, plausible=plausible, support=support,
                   resting=resting)


def orientation_strength(belief: EdgeBelief, source: str, target: str) -> float:
    """How strongly a belief orients ``source -> target`` on an edge the data keep.

    A calibrated belief: ``P(source -> target | an edge)``, the Bayes answer once the data
    have the edge. An uncalibrated one: the unconditional ``P(source -> target)``, since
    its ``P(none)`` cannot be trusted to cancel (a raw 0.31 against 0.05 is 0.86 given an
    edge, and such beliefs once made a confounder a collider).

    Examples
    --------
    >>> raw = EdgeBelief("X", "Z", 0.31, 0.05, 0.64)
    >>> round(orientation_strength(raw, "X", "Z"), 2)
    0.31
    >>> cal = EdgeBelief("X", "Z", 0.31, 0.05, 0.64, calibrated=(0.31, 0.05))
    >>> round(orientation_strength(cal, "X", "Z"), 2)
    0.86
    """
    if belief.calibrated is None:
        return belief.prob(source, target)
    return belief.oriented(source, target)


def orient_by_beliefs(cpdag: EquivalenceClass, beliefs: Sequence[EdgeBelief],
                      threshold: float) -> tuple[EquivalenceClass, tuple[tuple[str, str], ...],
                                                 tuple[str, ...]]:
    """The MPDAG: each open edge oriented where a belief's :func:`orientation_strength`
    reaches ``threshold``, most confident first, Meek-closed; (MPDAG, oriented edges, notes
    on beliefs the class could not take). The one orienting step is
    :func:`rung.discover.prior_search.orient_class`."""
    by_pair = {frozenset((b.a, b.b)): b for b in beliefs}
    return orient_class(cpdag, by_pair, threshold, strength=orientation_strength,
                        compelled_by="the class compels", kept="the class's", p_note="")


def search_as_discovery(res: PriorSearchResult, data: pd.DataFrame) -> DiscoveryResult:
    """The data-alone CPDAG as a :class:`DiscoveryResult` (``method="hc"``), with the CI-test
    evidence for every pair that the question plan and the disagreement table read (Fisher z
    for a Gaussian BIC search, G² for BDeu: the test that matches the score)."""
    from rung.discover.citest import make_ci_test

    names = list(res.nodes)
    edges = [DiscoveredEdge(a, b, "->") for a, b in res.cpdag.directed]
    edges += [DiscoveredEdge(a, b, "--") for a, b in res.cpdag.undirected]
    test = "gsq" if res.data_score == "bdeu" else "fisherz"
    cit = make_ci_test(data[names], test)  # type: ignore[arg-type]
    evidence = collect_evidence(cit, names, [(e.source, e.target) for e in edges])
    score = "BDeu" if res.data_score == "bdeu" else "Gaussian BIC"
    return DiscoveryResult("hc", tuple(names), edges, evidence, {
        "ci_test": test, "score": score, "search": "pgmpy HillClimbSearch, focused on the "
        "treatment, Occam's window log 20", "plausible_classes": 1 + len(res.plausible),
        "score_value": res.score})


def beliefs_from_answers(candidates: Sequence[LLMEdge], model: str, *, calibrate: bool = True,
                         content_free: bool = False, likelihood: AnswerLikelihood | None = None,
                         nodes: Sequence[str] = ()) -> list[EdgeBelief]:
    """One :class:`EdgeBelief` per asked pair from the LLM's two scored directions.

    With a ``likelihood`` (:mod:`rung.copilot.answer_likelihood`: how this model's answers
    went on held-out networks with known truth, asked the same way), the belief is Bayes'
    rule on what the LLM *says* for the pair (its most probable of the two directions and
    ``none``), with the prior edge density of ``nodes`` from the held-out networks.

    Otherwise ``P(edge) = 1 - P(none)`` is the ensemble's own (order-debiased) probability;
    the share of each direction given an edge is calibrated by the shipped edge calibration
    fitted for ``model`` (Platt scaling on held-out Tübingen pairs,
    :mod:`rung.copilot.beliefs`; those pairs all have an edge, so it calibrates the
    direction, not the adjacency) when there is one and it was fitted on answers asked the
    same way (``content_free``: the workflow's questions are not content-free corrected, the
    shipped maps are), else the ensemble's raw share is used and the belief says so.

    Examples
    --------
    >>> [b] = beliefs_from_answers([LLMEdge("A", "B", 0.6), LLMEdge("B", "A", 0.2)], "none")
    >>> round(b.p_ab, 2), round(b.p_ba, 2), round(b.p_none, 2), b.calibration
    (0.6, 0.2, 0.2, 'none: raw direction share')
    >>> lik = AnswerLikelihood(0.2, 0.1, 0.05, 0.8, 100, 1.0, ("asia",))
    >>> [b] = beliefs_from_answers([LLMEdge("A", "B", 0.6), LLMEdge("B", "A", 0.2)], "none",
    ...                            likelihood=lik, nodes=["A", "B", "C"])
    >>> round(b.p_ab, 2), round(b.p_ba, 2), round(b.p_none, 2), b.calibration
    (0.57, 0.29, 0.14, 'held-out likelihood (asia)')
    """
    by_pair: dict[frozenset[str], dict[tuple[str, str], float]] = {}
    for e in candidates:
        by_pair.setdefault(frozenset((e.source, e.target)), {})[(e.source, e.target)] = \
            float(e.confidence)
    pairs = [(a, b, by_pair[k].get((a, b), 0.0), by_pair[k].get((b, a), 0.0))
             for k in sorted(by_pair, key=sorted) for a, b in [sorted(k)]]
    if likelihood is not None:
        return [_likelihood_belief(a, b, ab, ba, likelihood, nodes) for a, b, ab, ba in pairs]
    from rung.copilot.beliefs import default_edge_calibration

    cal = default_edge_calibration(model) if calibrate else None
    if cal is not None and cal.content_free != content_free:
        cal = None  # fitted on answers asked another way: it does not apply to these
    return [_share_belief(a, b, ab, ba, cal) for a, b, ab, ba in pairs]


def _likelihood_belief(a: str, b: str, ab: float, ba: float, lik: AnswerLikelihood,
                       nodes: Sequence[str]) -> EdgeBelief:
    none = max(1.0 - ab - ba, 0.0)
    said = most_probable_answer(ab, ba, none)
    belief = likelihood_beliefs({(a, b): said}, lik, edge_density(nodes, lik.edges_per_node))
    return replace(belief[(a, b)], raw=(ab, ba, none))


def _share_belief(a: str, b: str, ab: float, ba: float, cal: EdgeCalibration | None
                  ) -> EdgeBelief:
    edge = min(max(ab + ba, 0.0), 1.0)
    if cal is not None:
        cab, cba = cal.apply(min(ab, 1.0)), cal.apply(min(ba, 1.0))
        share = cab / (cab + cba) if cab + cba > 0 else 0.5
        how = f"direction calibrated ({cal.fitted_on})"
        calibrated: tuple[float, float] | None = (cab, cba)
    else:
        share = ab / (ab + ba) if ab + ba > 0 else 0.5
        how, calibrated = "none: raw direction share", None
    return EdgeBelief(a, b, edge * share, edge * (1 - share), 1.0 - edge,
                      raw=(ab, ba, max(1.0 - ab - ba, 0.0)), calibrated=calibrated,
                      calibration=how)


def final_from_mpdag(mpdag: EquivalenceClass, preferences: Sequence[LLMEdge],
                     threshold: float) -> tuple[CausalGraph, list[dict[str, str]]]:
    """One DAG of the fused MPDAG and the reason for each edge.

    Open edges take the LLM's preferred direction, most confident first, each Meek-closed
    (a direction that would create a cycle or a new v-structure is skipped); what is left is
    a Dor–Tarsi extension (the verdict covers the other members).

    Examples
    --------
    >>> cls = EquivalenceClass.from_dag(CausalGraph.from_edges("A -> B -> C"))
    >>> g, why = final_from_mpdag(cls, [LLMEdge("C", "B", 0.7)], 0.8)
    >>> sorted(g.directed_edges)
    [('B', 'A'), ('C', 'B')]
    """
    best = most_confident_by_pair(preferences)
    why = {e: "fused class: compelled by the data and the prior" for e in mpdag.directed}
    cls = mpdag
    for key, p in sorted(best.items(), key=lambda kv: -kv[1].confidence):
        if tuple(sorted(key)) not in cls.undirected:
            continue
        try:
            nxt = cls.orient([(p.source, p.target)])
        except OrientationConflict:
            continue
        note = ("" if p.confidence >= threshold else
                f", below the {threshold:g} threshold: one plausible choice")
        why[(p.source, p.target)] = f"LLM's preferred direction (P {p.confidence:.2f}{note})"
        for e in set(nxt.directed) - set(cls.directed) - {(p.source, p.target)}:
            why[e] = "Meek's rules after the LLM's preferred directions"
        cls = nxt
    dag = cls.consistent_extension()
    if dag is None:  # pragma: no cover - an MPDAG from a DAG is always extendable
        raise ValueError("the fused class has no consistent extension")
    decisions = [{"edge": f"{a} -> {b}",
                  "reason": why.get((a, b), "Dor–Tarsi extension: data and LLM silent")}
                 for a, b in dag.directed_edges]
    return dag, decisions


def _mark(cls: EquivalenceClass, a: str, b: str) -> str | None:
    if (a, b) in cls.directed:
        return f"{a} -> {b}"
    if (b, a) in cls.directed:
        return f"{b} -> {a}"
    if tuple(sorted((a, b))) in {tuple(sorted(e)) for e in cls.undirected}:
        return f"{a} -- {b}"
    return None


def overridden_marks(fusion: FusionResult, final: CausalGraph,
                     beliefs: Sequence[EdgeBelief]) -> list[Disagreement]:
    """Rows (kind ``override``) for each direction the data alone compel that the fused
    class turns, leaves open or drops: the prior overrode a data mark."""
    alone, fused = fusion.data.cpdag, fusion.fused.mpdag
    by_pair = {frozenset((b.a, b.b)): b for b in beliefs}
    rows: list[Disagreement] = []
    for a, b in alone.directed:
        now = _mark(fused, a, b)
        if now == f"{a} -> {b}":
            continue
        bel = by_pair.get(frozenset((a, b)))
        llm = None if bel is None else (f"{b} -> {a}" if bel.p_ba > bel.p_ab else f"{a} -> {b}")
        conf = None if bel is None else max(bel.oriented(b, a), bel.oriented(a, b))
        fin = (f"{a} -> {b}" if (a, b) in final.directed_edges else
               f"{b} -> {a}" if (b, a) in final.directed_edges else None)
        rows.append(Disagreement(a, b, "override", llm, conf, f"{a} -> {b}", None, (), fin,
                                 note=f"the data alone compel {a} -> {b}; with the LLM's "
                                 f"prior the class has {now or 'no edge'}"))
    return rows
