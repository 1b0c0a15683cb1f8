"""The co-pilot workflow's steps. Each reads its inputs from the run directory (so a resumed run
and a fresh one see the same thing), writes its outputs atomically, and returns their names.

Order: input -> data -> llm -> review -> identify -> estimate -> report, so that the LLM
is asked only about the pairs that matter (:mod:`rung.workflow.questions`); with background
knowledge (``use_knowledge``) the LLM goes first and is asked about every pair (see
:mod:`rung.workflow.run`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
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
from rung.workflow.choose import choose_final_graph
from rung.workflow.compare import compare_edges
from rung.workflow.config import CopilotConfig
from rung.workflow.disagreements import LLMEdge, find_disagreements, llm_edges_from_proposal
from rung.workflow.graph_files import graph_from_json, graph_to_dot, graph_to_json
from rung.workflow.store import RunStore
from rung.workflow.transform import TRANSFORM_NOTES

__all__ = [
    "RunContext",
    "Step",
    "final_graph",
    "load_llm_edges",
    "run_data",
    "run_input",
    "run_llm",
    "run_review",
]


@dataclass
class RunContext:
    """What every step can see: the run directory, the settings, the data, a backend."""

    store: RunStore
    config: CopilotConfig
    data: pd.DataFrame
    backend: Backend | None = None
    show_progress: bool = True


@dataclass(frozen=True)
class Step:
    """One resumable step: ``run(ctx)`` writes outputs and returns their names; ``params``
    returns the settings that, when changed, make the step (and all later ones) run again."""

    name: str
    title: str
    run: Callable[[RunContext], list[str]]
    params: Callable[[CopilotConfig], dict[str, Any]]


# ---------------------------------------------------------------- 1. input
def run_input(ctx: RunContext) -> list[str]:
    d = ctx.data
    ctx.store.write_json("input.json", {
        "columns": list(d.columns),
        "rows": len(d),
        "summary": {c: {"mean": float(d[c].mean()), "sd": float(d[c].std()),
                        "min": float(d[c].min()), "max": float(d[c].max())} for c in d},
        "transform": ctx.config.transform,
        "transform_note": TRANSFORM_NOTES[ctx.config.transform],
        "preparation": list(ctx.config.data_notes),
        "config": ctx.config.to_json(),
    })
    return ["input.json"]


# ---------------------------------------------------------------- 2. llm
def _backend(ctx: RunContext) -> Backend:
    if ctx.backend is not None:
        return ctx.backend
    from rung.lm import get_backend

    return get_backend(ctx.config.model)


def _llm_generation(ctx: RunContext) -> dict[str, Any]:
    """All-pairs mode with a generation strategy ("bfs", "parents"): rung.copilot's plan."""
    from rung.copilot import propose_graph

    cfg = ctx.config
    prop = propose_graph(
        list(ctx.data.columns), dict(cfg.descriptions or {}) or None, strategy=cfg.strategy,
        backend=_backend(ctx), threshold=cfg.llm_threshold or 0.5, top_k=cfg.llm_top_k,
        variants=cfg.llm_variants, progress=ctx.show_progress)
    return {"proposal": {**prop.to_json(), "plan": f"whole-graph strategy {cfg.strategy!r}",
                         "pairs_asked": None},
            "edges": prop.edges, "candidates": prop.candidates, "graph": prop.graph,
            "questions": []}


def _llm_pairs(ctx: RunContext) -> dict[str, Any]:
    """Pairwise questions on the pairs :func:`select_pairs` chooses; edges by the rule."""
    from rung.workflow.questions import (
        ask_pairs,
        default_extra_pairs,
        edges_from_answers,
        select_pairs,
    )

    cfg, nodes = ctx.config, list(ctx.data.columns)
    data = None if cfg.asks_all_pairs else DiscoveryResult.from_json(
        ctx.store.read_json("data_graph.json"))
    extra = default_extra_pairs(len(nodes)) if cfg.llm_extra_pairs is None \
        else cfg.llm_extra_pairs
    questions = select_pairs(nodes, data, extra)
    answers = ask_pairs(questions, backend=_backend(ctx),
                        descriptions=dict(cfg.descriptions or {}) or None,
                        variants=cfg.llm_variants, progress=ctx.show_progress)
    edges, repairs, rule = edges_from_answers(answers, nodes, top_k=cfg.llm_top_k,
                                              threshold=cfg.llm_threshold)
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
        "variants": cfg.llm_variants, "edge_rule": rule,
        "descriptions": bool(cfg.descriptions),
    }
    return {"proposal": proposal, "edges": edges, "candidates": answers.candidates,
            "graph": graph, "questions": [q.to_json() for q in questions]}


def run_llm(ctx: RunContext) -> list[str]:
    cfg = ctx.config
    use_generation = cfg.asks_all_pairs and cfg.strategy != "pairs"
    res = _llm_generation(ctx) if use_generation else _llm_pairs(ctx)
    out = {"proposal": res["proposal"],
           "edges": [e.to_json() for e in llm_edges_from_proposal(res["edges"])],
           "candidates": [e.to_json() for e in llm_edges_from_proposal(res["candidates"])],
           "questions": res["questions"],
           "graph": graph_to_json(res["graph"])}
    ctx.store.write_json("llm_graph.json", out)
    ctx.store.write_text("llm_graph.dot", graph_to_dot(res["graph"], "llm"))
    return ["llm_graph.json", "llm_graph.dot"]


def load_llm_edges(store: RunStore, key: str = "edges") -> list[LLMEdge]:
    """The LLM's proposed edges (``key="candidates"``: every scored direction) saved by the
    ``llm`` step."""
    return [LLMEdge(e["source"], e["target"], float(e["confidence"]), e.get("votes"))
            for e in store.read_json("llm_graph.json").get(key, [])]


# ---------------------------------------------------------------- 3. data
def _discover(ctx: RunContext, knowledge: Knowledge | None) -> tuple[DiscoveryResult, str]:
    cfg, d = ctx.config, ctx.data
    if cfg.discovery == "ges":
        return find_ges(d), "GES (BIC score), as asked"
    if cfg.discovery == "fci":
        return find_fci(d, alpha=cfg.alpha, knowledge=knowledge), "FCI, as asked"
    pc = find_pc(d, alpha=cfg.alpha, knowledge=knowledge)
    if cfg.discovery == "auto" and has_orientation_conflicts(pc):
        why = "FCI: PC's colliders conflicted, a sign of latent confounding"
        return find_fci(d, alpha=cfg.alpha, knowledge=knowledge), why
    return pc, "PC" + (", as asked" if cfg.discovery == "pc" else ": no collider conflicts")


def run_data(ctx: RunContext) -> list[str]:
    cfg = ctx.config
    knowledge = None
    if cfg.use_knowledge:
        llm = load_llm_edges(ctx.store)
        knowledge = knowledge_from_confidences(
            [(e.source, e.target, e.confidence) for e in llm], required_at=cfg.knowledge_at)
    result, why = _discover(ctx, knowledge)
    obj = result.to_json()
    obj["why"] = why
    ctx.store.write_json("data_graph.json", obj)
    ctx.store.write_text("data_graph.dot", graph_to_dot(result.graph, "data"))
    return ["data_graph.json", "data_graph.dot"]


# ---------------------------------------------------------------- 4. review
def _rows_to_csv(rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    fields = ["kind", "a", "b", "llm_edge", "llm_confidence", "data_edge", "p_value",
              "sepset", "final_edge", "explanation"]
    w = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({**r, "sepset": " ".join(r["sepset"])})
    return buf.getvalue()


def _comparisons(ctx: RunContext, graphs: dict[str, tuple[CausalGraph, list[Any]]]
                 ) -> dict[str, Any] | None:
    ref = ctx.config.reference_edges
    if not ref:
        return None
    out: dict[str, Any] = {"reference": ctx.config.reference_name, "edges": len(ref)}
    for name, (g, undirected) in graphs.items():
        out[name] = compare_edges(g.directed_edges, ref,
                                  undirected=[*g.bidirected_edges, *undirected]).to_json()
    return out


def run_review(ctx: RunContext) -> list[str]:
    from rung.workflow.graph_files import read_analyst_graph

    llm = load_llm_edges(ctx.store)
    data = DiscoveryResult.from_json(ctx.store.read_json("data_graph.json"))
    prefs = load_llm_edges(ctx.store, "candidates")
    if ctx.config.analyst_graph is not None:
        final = read_analyst_graph(ctx.config.analyst_graph, list(ctx.data.columns))
        decisions = [{"edge": e, "reason": "analyst (--graph)"}
                     for e in final.to_edge_string().split("; ") if e]
        source = "analyst"
    else:
        final, why = choose_final_graph(data, llm, preferences=prefs,
                                        threshold=ctx.config.orientation_threshold)
        decisions = [d.to_json() for d in why]
        source = "rule"
    rows = [r.to_json() for r in find_disagreements(llm, data, final, preferences=prefs)]
    llm_graph = graph_from_json(ctx.store.read_json("llm_graph.json")["graph"])
    undirected = [(e.source, e.target) for e in data.uncertain_edges]
    cmp = _comparisons(ctx, {"llm": (llm_graph, []), "data": (data.graph, undirected),
                             "final": (final, [])})
    ctx.store.write_json("final_graph.json", {
        "source": source, "graph": graph_to_json(final), "decisions": decisions,
        "comparison": cmp,
    })
    ctx.store.write_text("final_graph.dot", graph_to_dot(final, "final"))
    ctx.store.write_json("disagreements.json", rows)
    ctx.store.write_text("disagreements.csv", _rows_to_csv(rows))
    return ["final_graph.json", "final_graph.dot", "disagreements.json", "disagreements.csv"]


def final_graph(store: RunStore) -> CausalGraph:
    """The graph chosen by the ``review`` step."""
    return graph_from_json(store.read_json("final_graph.json")["graph"])
