"""Step 7: gather every step's output into ``result.json``, draw the pictures, write the HTML.

The pictures colour each edge by whether the other source agrees:

- LLM graph: black = the data keep this adjacency, red = the data separate the pair;
- data graph: black = the LLM proposes this pair, orange = the LLM does not;
- final graph: black = LLM and data agree, blue = taken from the data only, orange =
  from the data, oriented against or without the LLM, purple = from the analyst's graph.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rung.discover import DiscoveryResult
from rung.graph import CausalGraph
from rung.report import (
    DrawnEdge,
    effect_plot,
    graph_picture,
    interventional_plot,
    latex_to_svg,
    render_html,
)
from rung.workflow.choose import __doc__ as RULE_DOC
from rung.workflow.interventional import gformula_samples
from rung.workflow.steps import RunContext, final_graph, load_llm_edges

__all__ = ["CAVEATS", "build_result", "run_report"]

CAVEATS = [
    "The LLM's graph comes from a small local model scored on yes/no statements in both "
    "variable orders; such models rank easy cause-effect pairs well and are near chance on "
    "the rest, and every model tested answered 'A' to all A/B-letter prompts (position "
    "bias). Treat its edges as hypotheses, not knowledge.",
    "The data's graph assumes causal sufficiency (PC, GES) or allows latent confounders (FCI), "
    "acyclicity, faithfulness, and the CI test's assumptions (Fisher z: linear-Gaussian).",
    "Where neither the data nor the LLM orient an edge, the final graph orients it by column "
    "order (marked 'arbitrary'); review those edges.",
    "Estimates are valid only if the final graph is right: review the disagreement table "
    "and re-run with --graph to estimate on your own graph.",
]

_SACHS_CAVEAT = ("Sachs et al.'s table pools cells from 14 conditions, several of them "
                 "interventions (activators and inhibitors), analysed here as one "
                 "observational sample; intensities are heavily right-skewed, so the example "
                 "analyses their logs (--transform log) and the effect is on the log scale. The "
                 "consensus graph has a feedback loop (plcg -> PIP2 -> PIP3 -> plcg) that no "
                 "DAG can hold, so no acyclic graph matches it exactly.")


def random_baseline(ctx: RunContext) -> dict[str, Any] | None:
    """Expected directed precision of the LLM's ``k`` edges drawn at random (pair and
    direction) among the pairs it was asked about, against the reference graph."""
    ref = ctx.config.reference_edges
    if not ref:
        return None
    llm = ctx.store.read_json("llm_graph.json")
    nodes = list(ctx.data.columns)
    qs = [(q["a"], q["b"]) for q in llm.get("questions", [])] or [
        (a, b) for i, a in enumerate(nodes) for b in nodes[i + 1:]]
    directions = set(map(tuple, ref))
    hits = [((a, b) in directions) + ((b, a) in directions) for a, b in qs]
    return {"k": len(llm.get("edges", [])), "pairs": len(qs),
            "directed_precision": sum(hits) / (2 * len(qs)) if qs else 0.0}


def estimates_note(estimates: list[dict[str, Any]], transform: str = "none") -> str:
    """Whether the estimators agree, and what a disagreement means."""
    ests = [e for e in estimates if e.get("ci")]
    if len(ests) < 2:
        return ""
    lo = max(e["ci"][0] for e in ests)
    hi = min(e["ci"][1] for e in ests)
    signs = {e["ate"] > 0 for e in ests}
    if lo <= hi and len(signs) == 1:
        return ("The estimators agree: their intervals overlap and their signs match. Both "
                "still rest on the final graph being right.")
    what = ("differ in sign" if len(signs) > 1 else
            "agree in sign but their intervals do not overlap")
    hint = " or skewed data (try --transform log)" if transform == "none" else ""
    return (f"The estimators {what}. The generative estimator fits a linear model of every "
            "variable on the final graph and pushes do(X) through all of it, so it depends on "
            "the whole graph; regression adjustment uses only the adjustment set. A gap "
            f"points to a wrong graph (edges among the other variables) or non-linear "
            f"relations{hint}: review the disagreements before trusting either.")


_FINAL_COLOURS = {"#222222": "LLM and data agree", "#1f5fa8": "data only",
                  "#d35400": "data, orientation differs", "#8e44ad": "analyst"}


def _llm_edges_drawn(ctx: RunContext, data: DiscoveryResult) -> list[DrawnEdge]:
    return [DrawnEdge(e.source, e.target, "->",
                      "#222222" if data.adjacent(e.source, e.target) else "#c0392b")
            for e in load_llm_edges(ctx.store)]


def _data_edges_drawn(ctx: RunContext, data: DiscoveryResult) -> list[DrawnEdge]:
    pairs = {frozenset((e.source, e.target)) for e in load_llm_edges(ctx.store)}
    return [DrawnEdge(e.source, e.target, e.kind,
                      "#222222" if frozenset((e.source, e.target)) in pairs else "#d35400")
            for e in data.edges]


def _final_edges_drawn(ctx: RunContext, g: CausalGraph, source: str) -> list[DrawnEdge]:
    llm = {(e.source, e.target) for e in load_llm_edges(ctx.store)}
    llm_pairs = {frozenset(p) for p in llm}
    out = []
    for a, b in g.directed_edges:
        if source == "analyst":
            colour = "#8e44ad"
        elif (a, b) in llm:
            colour = "#222222"
        elif frozenset((a, b)) in llm_pairs:
            colour = "#d35400"
        else:
            colour = "#1f5fa8"
        out.append(DrawnEdge(a, b, "->", colour))
    out += [DrawnEdge(a, b, "<->", "#8e44ad" if source == "analyst" else "#1f5fa8")
            for a, b in g.bidirected_edges]
    return out


def _pictures(ctx: RunContext, result: dict[str, Any]) -> dict[str, str]:
    cfg = ctx.config
    nodes = list(ctx.data.columns)
    data = DiscoveryResult.from_json(ctx.store.read_json("data_graph.json"))
    g = final_graph(ctx.store)
    hl = {cfg.treatment: "#fde3a7", cfg.outcome: "#c8e6c9"}
    src = result["final_graph"]["source"]
    return {
        "llm": graph_picture(nodes, _llm_edges_drawn(ctx, data), title="LLM's graph",
                             highlight=hl, legend={"#222222": "data agree",
                                                   "#c0392b": "data separate"}),
        "data": graph_picture(nodes, _data_edges_drawn(ctx, data),
                              title=f"data's graph ({data.method.upper()})", highlight=hl,
                              legend={"#222222": "LLM has pair", "#d35400": "LLM silent"}),
        "final": graph_picture(nodes, _final_edges_drawn(ctx, g, src),
                               title=f"final graph ({src})", highlight=hl,
                               legend=_FINAL_COLOURS),
    }


def _interventional(ctx: RunContext, result: dict[str, Any]) -> str | None:
    cfg = ctx.config
    ident = result["identification"]
    generated = ctx.store.read_json("estimates.json").get("interventional_samples")
    if generated:
        result["interventional_note"] = (
            "Simulated from the generative (Pyro) model fitted to the data, mutilated by do().")
        return interventional_plot(generated, outcome=cfg.outcome)
    if not ident.get("identifiable") or ident.get("method") != "backdoor":
        result["interventional_note"] = ""
        return None
    a, b = result["query"]["contrast"]
    samples = gformula_samples(ctx.data, cfg.treatment, cfg.outcome,
                               ident.get("adjustment_set") or [], [a, b], seed=cfg.seed)
    result["interventional_note"] = (
        "Back-door g-formula: each row's covariates pushed through a linear model of the "
        "outcome on treatment, adjustment set and their products, plus a resampled residual.")
    return interventional_plot({f"do({cfg.treatment}={v:.4g})": s for v, s in samples.items()},
                               outcome=cfg.outcome)


def _headline(result: dict[str, Any]) -> str:
    ests = result.get("estimates") or []
    if not ests:
        reason = result["identification"].get("reason", "")
        return f"No estimate: {reason}" if reason else "No estimate."
    parts = []
    for e in ests:
        ci = e.get("ci")
        ci_txt = f" (95% interval {ci[0]:.3g} to {ci[1]:.3g})" if ci else ""
        parts.append(f"{e['method']}: {e['ate']:.3g}{ci_txt}")
    return "Estimated effect — " + "; ".join(parts)


def build_result(ctx: RunContext, timings: dict[str, Any]) -> dict[str, Any]:
    """The content of ``result.json`` from the outputs of the earlier steps."""
    from rung import __version__

    s, cfg = ctx.store, ctx.config
    fg = s.read_json("final_graph.json")
    est = s.read_json("estimates.json")
    data_graph = s.read_json("data_graph.json")
    caveats = list(CAVEATS)
    if cfg.reference_name.lower().startswith("sachs"):
        caveats.append(_SACHS_CAVEAT)
    result: dict[str, Any] = {
        "rung_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "title": cfg.title,
        "query": {"treatment": cfg.treatment, "outcome": cfg.outcome,
                  "contrast": est["contrast"]},
        "data": {**s.read_json("input.json"), "source": cfg.extra.get("source", "data")},
        "llm": s.read_json("llm_graph.json")["proposal"],
        "discovery": {k: data_graph[k] for k in ("method", "why", "edges", "uncertain_edges",
                                                 "settings")},
        "final_graph": {**fg, "rule": " ".join((RULE_DOC or "").split("\n\n")[1].split())},
        "comparison": fg.get("comparison"),
        "disagreements": s.read_json("disagreements.json"),
        "identification": s.read_json("identification.json"),
        "estimates": est["estimates"],
        "estimate_errors": est["errors"],
        "refuters": est.get("refuters", []),
        "caveats": caveats,
        "timings_s": timings,
    }
    result["data"].pop("config", None)
    result["headline"] = _headline(result)
    result["llm"]["random_baseline"] = random_baseline(ctx)
    result["estimates_note"] = estimates_note(result["estimates"], cfg.transform)
    return result


def run_report(ctx: RunContext, timings: dict[str, Any]) -> list[str]:
    result = build_result(ctx, timings)
    graphs = _pictures(ctx, result)
    latex = result["identification"].get("latex")
    dist = _interventional(ctx, result)
    truth = ctx.config.extra.get("true_effect")
    result["files"] = ["report.html", "result.json", "llm_graph.dot", "data_graph.dot",
                       "final_graph.dot", "disagreements.csv"]
    html = render_html(
        result, graph_svgs=graphs,
        estimand_svg=latex_to_svg(latex) if latex else None,
        effect_svg=effect_plot(result["estimates"], truth=truth,
                               label=f"E[{ctx.config.outcome} | do(a)] − E[· | do(b)]")
        if result["estimates"] else None,
        interventional_svg=dist,
    )
    ctx.store.write_json("result.json", result)
    ctx.store.write_text("report.html", html)
    return ["result.json", "report.html"]
