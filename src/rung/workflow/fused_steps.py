"""The fused path's step functions and their artifacts (subclasses of the workflow's, so the
runner, the report and the studio read them as the usual ones).

- data: :func:`discover_by_search` → :class:`SearchedDataGraph` (the data-alone search, and
  its CPDAG as the usual ``DiscoveryResult`` in ``data_graph.json``, with ``search``);
- review: :func:`review_fused` → :class:`FusedReview` (the fused search, the final graph
  from its MPDAG, the disagreement table with ``override`` rows; ``fusion.json``);
- verdict: :func:`assess_fused` → :class:`FusedAssessment` (the two effect sets,
  ``effect_sets.json``; the verdict's range over every plausible fused class).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from rung.copilot.answer_likelihood import AnswerLikelihood, shipped_answer_likelihood
from rung.discover import EdgeBelief, FusionResult, PriorSearchResult
from rung.workflow.artifacts import (
    Assessment,
    DataGraph,
    Estimates,
    IdentifiedEffect,
    LLMGraph,
    Reader,
    Review,
)
from rung.workflow.class_effects import ClassEffects
from rung.workflow.disagreements import Disagreement, find_disagreements, mark_relevance
from rung.workflow.effect_sets import EffectSets, class_effects_of, find_effect_sets
from rung.workflow.fused import (
    FusionSettings,
    beliefs_from_answers,
    final_from_mpdag,
    overridden_marks,
    search,
    search_as_discovery,
)
from rung.workflow.store import ArtifactError
from rung.workflow.verdict import Verdict, decide_verdict

__all__ = ["FusedAssessment", "FusedReview", "SearchedDataGraph", "answer_likelihood",
           "assess_fused", "discover_by_search", "load_assessment", "load_data_graph",
           "load_review", "review_fused"]


@dataclass(frozen=True)
class SearchedDataGraph(DataGraph):
    """The data step of the fused path: ``result`` is the data-alone CPDAG, ``search`` the
    whole search (the best DAG, its class, the plausible graphs)."""

    search: PriorSearchResult | None = None

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(),
                "search": None if self.search is None else self.search.to_json()}


def load_data_graph(read: Reader) -> DataGraph:
    """``data_graph.json`` read back: a :class:`SearchedDataGraph` when it holds a search."""
    obj = read(DataGraph.FILE)
    base = DataGraph.from_json(obj)
    if not obj.get("search"):
        return base
    return SearchedDataGraph(base.result, base.why, PriorSearchResult.from_json(obj["search"]))


@dataclass(frozen=True)
class FusedReview(Review):
    """The review of the fused path: ``fusion`` holds both searches (None on the other
    paths, which write ``fusion.json`` as ``{"fused": false}`` so none is read stale)."""

    fusion: FusionResult | None = None
    beliefs: tuple[EdgeBelief, ...] = ()

    FUSION_FILE: ClassVar[str] = "fusion.json"

    def files(self) -> dict[str, Any]:
        fusion = {"fused": False} if self.fusion is None else {
            **self.fusion.to_json(), "beliefs": [b.to_json() for b in self.beliefs]}
        return {**super().files(), self.FUSION_FILE: fusion}


def _fused_record(read: Reader, name: str) -> Mapping[str, Any] | None:
    """The fused path's record in ``name``; None when the file is absent (an older rung),
    empty, or the other paths' marker ``{"fused": False}`` (a fused record's own
    ``"fused"`` key is a dict)."""
    try:
        obj = read(name)
    except ArtifactError:
        return None
    return None if not obj or obj.get("fused") is False else obj


def load_review(read: Reader) -> Review:
    """The review read back, with its fusion when ``fusion.json`` holds one."""
    base = Review.from_files(read)
    obj = _fused_record(read, FusedReview.FUSION_FILE)
    if obj is None:
        return base
    return FusedReview(base.source, base.graph, base.decisions, base.comparison,
                       base.disagreements, FusionResult.from_json(obj),
                       tuple(EdgeBelief.from_json(b) for b in obj.get("beliefs", ())))


@dataclass(frozen=True)
class FusedAssessment(Assessment):
    """The verdict step, with the fused path's two effect sets (None on the other paths)."""

    effect_sets: EffectSets | None = None

    SETS_FILE: ClassVar[str] = "effect_sets.json"

    def files(self) -> dict[str, Any]:
        # always written, so that a later run of the other path never reads a stale one
        sets = {"fused": False} if self.effect_sets is None else self.effect_sets.to_json()
        return {**super().files(), self.SETS_FILE: sets}


def load_assessment(read: Reader) -> Assessment:
    """The assessment read back, with the effect sets when ``effect_sets.json`` exists."""
    base = Assessment.from_files(read)
    obj = _fused_record(read, FusedAssessment.SETS_FILE)
    if obj is None:
        return base
    return FusedAssessment(base.class_effects, base.verdict, EffectSets.from_json(obj))


def discover_by_search(data: pd.DataFrame, settings: FusionSettings) -> SearchedDataGraph:
    """What the data alone say: the score-based search without a prior."""
    alone = search(data, settings)
    found = search_as_discovery(alone, data)
    score = found.settings["score"]
    why = (f"score-based search ({score}, pgmpy HillClimbSearch, focused on "
           f"{settings.treatment}): the default; the LLM's beliefs enter as a prior at review")
    return SearchedDataGraph(found, why, alone)


def answer_likelihood(llm: LLMGraph) -> AnswerLikelihood | None:
    """The shipped likelihood of the model's answers when the questions were asked the way
    it was fitted (names only, the same number of prompt variants), else None."""
    if llm.proposal.get("descriptions"):
        return None  # the fit's networks have no descriptions: it does not apply
    return shipped_answer_likelihood(str(llm.proposal.get("model", "")),
                                     int(llm.proposal.get("variants", 0)))


def review_fused(data: pd.DataFrame, settings: FusionSettings, llm: LLMGraph,
                 data_graph: SearchedDataGraph, outcome: str,
                 comparisons: Any = None) -> FusedReview:
    """The fused search, its final graph and the disagreement table.

    ``comparisons`` maps ``{name: (graph, undirected edges)}`` to the reference scores
    (the caller's, so both paths score the graphs the same way)."""
    alone = data_graph.search
    if alone is None:
        raise ValueError("review_fused needs the data step of the fused path (a search)")
    beliefs = beliefs_from_answers(list(llm.candidates), str(llm.proposal.get("model", "")),
                                   likelihood=answer_likelihood(llm), nodes=list(data.columns))
    fused = search(data, settings, beliefs)
    fusion = FusionResult(alone, fused, settings.treatment)
    final, decisions = final_from_mpdag(fused.mpdag, list(llm.candidates),
                                        settings.orientation_threshold)
    found = data_graph.result
    rows = find_disagreements(list(llm.edges), found, final, preferences=list(llm.candidates))
    rows += overridden_marks(fusion, final, beliefs)
    rows = mark_relevance(rows, final, settings.treatment, outcome)
    cmp = None if comparisons is None else comparisons(final, fused)
    return FusedReview("rule", final, tuple(decisions), cmp, tuple(rows), fusion,
                       tuple(beliefs))


def assess_fused(data: pd.DataFrame, review: FusedReview, identified: IdentifiedEffect,
                 estimates: Estimates, treatment: str, outcome: str, threshold: float
                 ) -> FusedAssessment:
    """Both effect sets; the verdict's range spans every plausible class of the fused
    search (the best MPDAG and those in Occam's window)."""
    if review.fusion is None:
        raise ValueError("assess_fused needs the review of the fused path")
    es = find_effect_sets(review.fusion, data, treatment, outcome,
                          contrast=estimates.contrast)
    fx = class_effects_of(es.fused, review.fusion.fused.mpdag, threshold)
    verdict = verdict_for(identified, estimates, review.conflicts, fx, es.flags())
    return FusedAssessment(fx, verdict, es)


def verdict_for(identified: IdentifiedEffect, estimates: Estimates,
                conflicts: Sequence[Disagreement], fx: ClassEffects,
                prior_flags: Sequence[str] = ()) -> Verdict:
    """:func:`decide_verdict` on the run's typed results."""
    return decide_verdict(
        identified=identified.identifiable, reason=str(identified.identification.reason),
        estimates=estimates.results, errors=list(estimates.errors),
        refuters=estimates.refuter_outcomes, conflicts=conflicts, class_effects=fx,
        prior_flags=prior_flags)
