"""Steps 1 to 4 of the co-pilot workflow, each a plain function from typed inputs to a typed
artifact (:mod:`rung.workflow.artifacts`): input summary, the data's graph, the LLM's graph,
and the review (disagreements and the final graph). They read no file and write none: the
runner (:mod:`rung.workflow.run`) saves their outputs and reads them back on resume.

Order: input -> data -> llm -> review -> identify -> estimate -> verdict -> report, so that
the LLM is asked only about the pairs that matter (:mod:`rung.workflow.questions`); with
background knowledge (``use_knowledge``) the LLM goes first and is asked about every pair.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from rung.discover import (
    DiscoveryResult,
    Knowledge,
    find_fci,
    find_ges,
    find_pc,
    has_orientation_conflicts,
    knowledge_from_confidences,
)
from rung.graph import CausalGraph
from rung.lm import Backend
from rung.workflow.artifacts import DataGraph, InputSummary, LLMGraph, Review
from rung.workflow.choose import choose_final_graph
from rung.workflow.compare import compare_edges
from rung.workflow.config import CopilotConfig, DiscoveryConfig
from rung.workflow.disagreements import (
    LLMEdge,
    find_disagreements,
    llm_edges_from_proposal,
    mark_relevance,
)
from rung.workflow.fused import FusionSettings, fusion_blocker
from rung.workflow.fused_steps import (
    FusedReview,
    SearchedDataGraph,
    discover_by_search,
    review_fused,
)
from rung.workflow.transform import TRANSFORM_NOTES

__all__ = ["ask_llm", "discover_graph", "fusion_settings", "review_graphs", "summarize_input"]


# ---------------------------------------------------------------- 1. input
def summarize_input(data: pd.DataFrame, config: CopilotConfig) -> InputSummary:
    """The checked data's columns, size and per-column summary, with the settings."""
    d = data
    return InputSummary(
        columns=tuple(d.columns), rows=len(d),
        summary={c: {"mean": float(d[c].mean()), "sd": float(d[c].std()),
                     "min": float(d[c].min()), "max": float(d[c].max())} for c in d},
        transform=config.data.transform,
        transform_note=TRANSFORM_NOTES[config.data.transform],
        preparation=tuple(config.data.preparation), config=config)


# ---------------------------------------------------------------- 2. llm
def _llm_generation(nodes: list[str], cfg: CopilotConfig, backend: Backend, progress: bool
                    ) -> dict[str, Any]:
    """All-pairs mode with a generation strategy ("bfs", "parents"): rung.copilot's plan."""
    from rung.copilot import propose_graph

    llm = cfg.llm
    prop = propose_graph(
        nodes, dict(llm.descriptions or {}) or None, strategy=llm.strategy,
        backend=backend, threshold=llm.threshold or 0.5, top_k=llm.top_k,
        variants=llm.variants, progress=progress)
    return {"proposal": {**prop.to_json(), "plan": f"whole-graph strategy {llm.strategy!r}",
                         "pairs_asked": None},
            "edges": prop.edges, "candidates": prop.candidates, "graph": prop.graph,
            "questions": []}


def _llm_pairs(nodes: list[str], cfg: CopilotConfig, backend: Backend,
               data: DiscoveryResult | None, progress: bool) -> dict[str, Any]:
    """Pairwise questions on the pairs :func:`select_pairs` chooses; edges by the rule."""
    from rung.workflow.questions import (
        ask_pairs,
        default_extra_pairs,
        edges_from_answers,
        select_pairs,
    )

    llm = cfg.llm
    extra = default_extra_pairs(len(nodes)) if llm.extra_pairs is None else llm.extra_pairs
    questions = select_pairs(nodes, data, extra)
    answers = ask_pairs(questions, backend=backend,
                        descriptions=dict(llm.descriptions or {}) or None,
                        variants=llm.variants, progress=progress)
    edges, repairs, rule = edges_from_answers(answers, nodes, top_k=llm.top_k,
                                              threshold=llm.threshold)
    graph = CausalGraph(directed=[(e.source, e.target) for e in edges], nodes=nodes)
    n_adj = sum(q.reason.startswith("adjacent") for q in questions)
    plan = ("every pair" if data is None else
            f"the {n_adj} pairs adjacent in the data's skeleton plus {len(questions) - n_adj} "
            "non-adjacent pairs the data separated with the weakest evidence")
    proposal = {
        "strategy": "pairs", "model": answers.model, "nodes": nodes,
        "edges": [{"from": e.source, "to": e.target, "confidence": e.confidence,
                   "votes": e.votes, "asked": e.asked} for e in edges],
        "repairs": repairs, "calls": answers.calls,
        "position_bias": answers.position_bias_json(), "plan": plan,
        "pairs_asked": len(questions), "pairs_total": len(nodes) * (len(nodes) - 1) // 2,
        "variants": llm.variants, "edge_rule": rule,
        "descriptions": bool(llm.descriptions),
    }
    return {"proposal": proposal, "edges": edges, "candidates": answers.candidates,
            "graph": graph, "questions": [q.to_json() for q in questions]}


def ask_llm(data: pd.DataFrame, config: CopilotConfig, backend: Backend,
            data_graph: DataGraph | None = None, *, progress: bool = True) -> LLMGraph:
    """The LLM's graph: pairwise questions on the pairs that matter given ``data_graph``
    (every pair when it is None), or a whole-graph generation strategy."""
    nodes = list(data.columns)
    if config.asks_all_pairs and config.llm.strategy != "pairs":
        res = _llm_generation(nodes, config, backend, progress)
    else:
        found = None if data_graph is None else data_graph.result
        res = _llm_pairs(nodes, config, backend, found, progress)
    return LLMGraph(proposal=res["proposal"],
                    edges=tuple(llm_edges_from_proposal(res["edges"])),
                    candidates=tuple(llm_edges_from_proposal(res["candidates"])),
                    questions=tuple(res["questions"]), graph=res["graph"])


# ---------------------------------------------------------------- 3. data
def _discover(data: pd.DataFrame, cfg: DiscoveryConfig, knowledge: Knowledge | None
              ) -> tuple[DiscoveryResult, str]:
    """The one call site of discovery: (the class found, why this algorithm ran)."""
    if cfg.method == "ges":
        return find_ges(data), "GES (BIC score), as asked"
    if cfg.method == "fci":
        return find_fci(data, alpha=cfg.alpha, knowledge=knowledge), "FCI, as asked"
    pc = find_pc(data, alpha=cfg.alpha, knowledge=knowledge)
    if cfg.method == "auto" and has_orientation_conflicts(pc):
        why = "FCI: PC's colliders conflicted, a sign of latent confounding"
        return find_fci(data, alpha=cfg.alpha, knowledge=knowledge), why
    return pc, "PC" + (", as asked" if cfg.method == "pc" else ": no collider conflicts")


def fusion_settings(config: CopilotConfig) -> FusionSettings:
    """The fused searches' settings from the run's (the prior's weight is
    :data:`rung.workflow.fused.FUSION_WEIGHT`)."""
    return FusionSettings(config.treatment,
                          orientation_threshold=config.review.orientation_threshold)


def discover_graph(data: pd.DataFrame, config: CopilotConfig, llm: LLMGraph | None = None
                   ) -> DataGraph:
    """The data's equivalence class.

    ``method="auto"`` (the default): the score-based search of :mod:`rung.workflow.fused`
    (what the data alone say; the LLM's beliefs join as a prior at review), unless the data
    have no score there (:func:`rung.workflow.fused.fusion_blocker`), then PC (FCI when its
    colliders conflict). ``pc``, ``fci`` and ``ges`` run as asked; with ``use_knowledge``,
    the LLM's confident edges (from ``llm``) are their required edges, reverses forbidden."""
    blocker = fusion_blocker(data, config.data.categorical)
    if config.discovery.method == "auto" and blocker is None:
        return discover_by_search(data, fusion_settings(config))
    knowledge = None
    if config.discovery.use_knowledge and llm is not None:
        knowledge = knowledge_from_confidences(
            [(e.source, e.target, e.confidence) for e in llm.edges],
            required_at=config.discovery.knowledge_at)
    result, why = _discover(data, config.discovery, knowledge)
    if config.discovery.method == "auto" and blocker is not None:
        why = f"{why} ({blocker})"
    return DataGraph(result, why)


# ---------------------------------------------------------------- 4. review
def _comparisons(cfg: CopilotConfig, graphs: dict[str, tuple[CausalGraph, list[Any]]]
                 ) -> dict[str, Any] | None:
    ref = cfg.review.reference_edges
    if not ref:
        return None
    out: dict[str, Any] = {"reference": cfg.review.reference_name, "edges": len(ref)}
    for name, (g, undirected) in graphs.items():
        out[name] = compare_edges(g.directed_edges, ref,
                                  undirected=[*g.bidirected_edges, *undirected]).to_json()
    return out


def _final(data: pd.DataFrame, cfg: CopilotConfig, llm: LLMGraph, found: DiscoveryResult
           ) -> tuple[CausalGraph, list[dict[str, Any]], str]:
    """(final graph, its decisions, who chose it): the analyst's ``--graph`` or the rule."""
    from rung.workflow.graph_files import read_analyst_graph

    if cfg.review.analyst_graph is not None:
        final = read_analyst_graph(cfg.review.analyst_graph, list(data.columns))
        decisions = [{"edge": e, "reason": "analyst (--graph)"}
                     for e in final.to_edge_string().split("; ") if e]
        return final, decisions, "analyst"
    final, why = choose_final_graph(found, list(llm.edges), preferences=list(llm.candidates),
                                    threshold=cfg.review.orientation_threshold)
    return final, [d.to_json() for d in why], "rule"


def review_graphs(data: pd.DataFrame, config: CopilotConfig, llm: LLMGraph,
                  data_graph: DataGraph) -> Review:
    """The final graph, the disagreement table, and the three graphs' scores against the
    reference graph when one is known.

    On the fused path (a :class:`~rung.workflow.fused_steps.SearchedDataGraph`, no
    ``--graph``) the LLM's beliefs join the search as a prior and the final graph is a DAG
    of the fused MPDAG (:func:`rung.workflow.fused_steps.review_fused`)."""
    found = data_graph.result
    undirected = [(e.source, e.target) for e in found.uncertain_edges]
    if isinstance(data_graph, SearchedDataGraph) and config.review.analyst_graph is None:
        def scores(final: CausalGraph, fused: Any) -> dict[str, Any] | None:
            return _comparisons(config, {
                "llm": (llm.graph, []), "data": (found.graph, undirected),
                "final": (final, []),
                "fused_class": (CausalGraph(directed=fused.mpdag.directed, nodes=found.nodes),
                                list(fused.mpdag.undirected))})

        return review_fused(data, fusion_settings(config), llm, data_graph, config.outcome,
                            scores)
    final, decisions, source = _final(data, config, llm, found)
    edges: list[LLMEdge] = list(llm.edges)
    rows = find_disagreements(edges, found, final, preferences=list(llm.candidates))
    if source != "analyst":
        rows = mark_relevance(rows, final, config.treatment, config.outcome)
    cmp = _comparisons(config, {"llm": (llm.graph, []), "data": (found.graph, undirected),
                                "final": (final, [])})
    return FusedReview("analyst" if source == "analyst" else "rule", final, tuple(decisions),
                       cmp, tuple(rows), None)

