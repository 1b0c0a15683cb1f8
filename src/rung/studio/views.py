"""What the page shows, computed by the library: every function here calls the function that
``rung copilot`` or ``rung identify`` calls, and only shapes its answer as JSON.

- identification: :func:`rung.identify.identify` and
  :func:`rung.identify.find_minimal_adjustment_sets` (dagitty's list of minimal sets);
- the estimand as a picture: the report's mathtext renderer (:mod:`rung.report`);
- the disagreement table: :func:`rung.workflow.find_disagreements`;
- testable implications: :func:`rung.discover.local_tests.test_implications`;
- the shared layout: the report's :func:`rung.report.graphs.shared_layout`.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from rung.discover import DiscoveryResult
from rung.graph import CausalGraph
from rung.studio.edits import Author, edge_key, edge_text
from rung.studio.rundir import RunInputs
from rung.workflow.disagreements import LLMEdge

__all__ = [
    "MAX_IMPLICATION_TESTS",
    "data_summary",
    "disagreement_rows",
    "edge_evidence",
    "estimand_picture",
    "graph_edges",
    "identification_view",
    "implications_view",
    "layout",
]

#: the same cap as the workflow's report (``rung.workflow.analysis``)
MAX_IMPLICATION_TESTS = 60
_BINS = 24


def identification_view(graph: CausalGraph, treatment: str, outcome: str) -> dict[str, Any]:
    """``identify`` and every minimal adjustment set, with the time they took (ms).

    Examples
    --------
    >>> v = identification_view(CausalGraph.from_edges("Z -> X -> Y; Z -> Y"), "X", "Y")
    >>> v["identification"]["method"], v["adjustment_sets"]
    ('backdoor', [['Z']])
    """
    from rung.identify import AdjustmentSearchError, find_minimal_adjustment_sets, identify

    t0 = time.perf_counter()
    res = identify(graph, treatment, outcome).to_json()
    try:
        sets: list[list[str]] | None = [
            sorted(s) for s in find_minimal_adjustment_sets(graph, treatment, outcome)]
        sets_note = ""
    except AdjustmentSearchError as exc:
        sets, sets_note = None, " ".join(str(exc).split())
    ms = (time.perf_counter() - t0) * 1000
    return {"identification": res, "adjustment_sets": sets, "adjustment_note": sets_note,
            "ms": round(ms, 2)}


def estimand_picture(identification: dict[str, Any]) -> str | None:
    """The estimand drawn as the report draws it (SVG, text as paths), as a data URI."""
    from rung.report.estimand import estimand_mathtext
    from rung.report.svg import latex_to_svg

    tree = (identification.get("estimand") or {}).get("tree")
    if not tree:
        return None
    svg = latex_to_svg(estimand_mathtext(tree))
    if svg is None:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def disagreement_rows(inputs: RunInputs, graph: CausalGraph) -> list[dict[str, Any]]:
    """The workflow's disagreement table for the current graph (``final_edge`` column)."""
    from rung.workflow import find_disagreements

    rows = find_disagreements(list(inputs.llm_edges), inputs.data_graph, graph,
                              preferences=list(inputs.llm_candidates))
    return [r.to_json() for r in rows]


def _best_llm(edges: Sequence[LLMEdge]) -> dict[str, LLMEdge]:
    out: dict[str, LLMEdge] = {}
    for e in edges:
        k = edge_key(e.source, e.target)
        if k not in out or e.confidence > out[k].confidence:
            out[k] = e
    return out


def _llm_json(e: LLMEdge | None) -> dict[str, Any] | None:
    if e is None:
        return None
    return {"edge": f"{e.source} -> {e.target}", "confidence": e.confidence, "votes": e.votes}


def _pairs(inputs: RunInputs, graph: CausalGraph) -> list[tuple[str, str]]:
    keys: dict[str, tuple[str, str]] = {}
    edges = [*graph.directed_edges, *graph.bidirected_edges,
             *((e.source, e.target) for e in inputs.data_graph.edges),
             *((e.source, e.target) for e in inputs.llm_edges)]
    for a, b in edges:
        keys.setdefault(edge_key(a, b), (a, b))
    return list(keys.values())


def edge_evidence(inputs: RunInputs, graph: CausalGraph, authors: dict[str, Author]
                  ) -> list[dict[str, Any]]:
    """Per pair with an edge in any of the three graphs: the LLM's probability and votes
    (its proposed edge, else its preferred scored direction), the data's edge, CI p-value
    and separating set, the current edge and who decided it."""
    proposed, scored = _best_llm(inputs.llm_edges), _best_llm(inputs.llm_candidates)
    out = []
    for a, b in _pairs(inputs, graph):
        k = edge_key(a, b)
        d = inputs.data_graph.edge_between(a, b)
        ev = inputs.data_graph.evidence_for(a, b)
        out.append({
            "a": a, "b": b, "key": k,
            "llm": _llm_json(proposed.get(k)), "llm_scored": _llm_json(scored.get(k)),
            "data_edge": None if d is None else str(d),
            "p_value": None if ev is None else ev.p_value,
            "sepset": [] if ev is None else list(ev.sepset),
            "tests": None if ev is None else ev.tests,
            "current": edge_text(graph, a, b),
            "author": authors.get(k) if edge_text(graph, a, b) else None,
        })
    return out


def graph_edges(graph: CausalGraph | None) -> list[dict[str, str]]:
    """Edges as ``{"from", "to", "kind"}`` for drawing (``kind`` ``->`` or ``<->``)."""
    if graph is None:
        return []
    return ([{"from": a, "to": b, "kind": "->"} for a, b in graph.directed_edges]
            + [{"from": a, "to": b, "kind": "<->"} for a, b in graph.bidirected_edges])


def data_graph_edges(result: DiscoveryResult) -> list[dict[str, str]]:
    """The data's CPDAG/PAG edges with their marks (``->``, ``--``, ``o->``, ``o-o``, ``<->``)."""
    return [{"from": e.source, "to": e.target, "kind": e.kind} for e in result.edges]


def layout(nodes: Sequence[str], graph: CausalGraph) -> dict[str, list[float]]:
    """The report's shared layered layout (causes above effects), in page pixels."""
    from rung.report.graphs import shared_layout

    pos = shared_layout(list(nodes), graph)
    return {n: [round(x * 330, 1), round(-y * 210, 1)] for n, (x, y) in pos.items()}


def _histogram(values: np.ndarray) -> dict[str, Any]:
    counts, edges = np.histogram(values, bins=_BINS)
    return {"counts": counts.tolist(), "lo": float(edges[0]), "hi": float(edges[-1])}


def data_summary(inputs: RunInputs) -> dict[str, Any]:
    """Columns of the analysed data: kind, missing values, mean, sd and a histogram."""
    from rung.data.kinds import column_kind

    raw, d = inputs.raw, inputs.data
    cols = []
    for c in d.columns:
        v = d[c].to_numpy(dtype=float)
        missing = int(raw[c].isna().sum()) if c in raw.columns else 0
        cols.append({"name": c, "kind": str(column_kind(v)), "missing": missing,
                     "mean": float(np.mean(v)), "sd": float(np.std(v, ddof=1)),
                     "min": float(np.min(v)), "max": float(np.max(v)), **_histogram(v)})
    return {"rows": len(d), "columns": cols, "transform": inputs.config.data.transform,
            "preparation": list(inputs.preparation)}


def implications_view(graph: CausalGraph, data: pd.DataFrame, seed: int) -> dict[str, Any]:
    """The graph's implied independencies tested on the data, as the workflow tests them."""
    from rung.discover.local_tests import test_implications

    t0 = time.perf_counter()
    try:
        tests = test_implications(graph, data, seed=seed, max_tests=MAX_IMPLICATION_TESTS)
    except ValueError as exc:
        return {"error": " ".join(str(exc).split()), "tests": []}
    out = tests.to_json()
    out["ms"] = round((time.perf_counter() - t0) * 1000, 1)
    return out
