"""Step 7: gather every step's output into ``result.json``, draw the pictures, write the HTML.

The pictures colour each edge by whether the other source agrees:

- LLM graph: black = the data keep this adjacency, red = the data separate the pair;
- data graph: black = the LLM proposes this pair, orange = the LLM does not;
- final graph: black = LLM and data agree, blue = taken from the data only, orange =
  from the data, oriented against or without the LLM, purple = from the analyst's graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rung.discover import DiscoveryResult
from rung.graph import CausalGraph
from rung.report import (
    DrawnEdge,
    effect_plot,
    estimand_mathtext,
    graph_picture,
    interventional_plot,
    latex_to_svg,
    render_html,
    shared_layout,
)
from rung.workflow.choose import __doc__ as RULE_DOC
from rung.workflow.class_effects import ClassEffects
from rung.workflow.config import CopilotConfig
from rung.workflow.disagreements import LLMEdge
from rung.workflow.graph_files import graph_from_json
from rung.workflow.interventional import gformula_samples
from rung.workflow.steps import RunContext
from rung.workflow.store import RunStore
from rung.workflow.verdict import EstimatorResult, Verdict, estimators_agree

__all__ = ["CAVEATS", "Artifacts", "build_result", "caveats_for", "run_report"]

CAVEATS = [
    "The LLM's graph comes from a small local model scored on yes/no statements in both "
    "variable orders; such models rank easy cause-effect pairs well and are near chance on "
    "the rest, and every model tested answered 'A' to all A/B-letter prompts (position "
    "bias). Treat its edges as hypotheses, not knowledge.",
    "The data's graph assumes causal sufficiency (PC, GES) or allows latent confounders (FCI), "
    "acyclicity, faithfulness, and {test}.",
    "Where neither the data nor the LLM orient an edge, the final graph orients it by column "
    "order (marked 'arbitrary'); review those edges.",
    "Estimates are valid only if the final graph is right: review the disagreement table "
    "and re-run with --graph to estimate on your own graph.",
]

_TEST_ASSUMPTIONS = {
    "fisherz": "the CI test's assumptions (Fisher z: linear-Gaussian relations)",
    "kci": "the CI test's assumptions (KCI, the kernel CI test: any smooth relation, but "
           "weak on small samples; here run on a subsample)",
    "gsq": "the CI test's assumptions (G-squared: discrete variables, enough rows per cell)",
    "chisq": "the CI test's assumptions (chi-squared: discrete variables, enough rows per "
             "cell)",
}


def caveats_for(ci_test: str | None, notes: Sequence[str] = ()) -> list[str]:
    """The report's caveats, naming the CI test that actually ran, plus the example's notes.

    Examples
    --------
    >>> "KCI" in caveats_for("kci")[1] and "Fisher" not in caveats_for("kci")[1]
    True
    """
    test = _TEST_ASSUMPTIONS.get(ci_test or "", "the score's assumptions (GES: BIC, "
                                 "linear-Gaussian)" if ci_test is None else
                                 f"the assumptions of the CI test {ci_test!r}")
    return [c.replace("{test}", test) for c in CAVEATS] + list(notes)


@dataclass(frozen=True)
class Artifacts:
    """Every earlier step's output, read once from the run directory for the report."""

    input: dict[str, Any]
    llm: dict[str, Any]
    llm_edges: tuple[LLMEdge, ...]
    data: DiscoveryResult
    data_json: dict[str, Any]
    final: dict[str, Any]
    final_graph: CausalGraph
    disagreements: list[dict[str, Any]]
    identification: dict[str, Any]
    estimates: dict[str, Any]
    class_effects: ClassEffects
    verdict: Verdict

    @classmethod
    def load(cls, store: RunStore) -> Artifacts:
        llm = store.read_json("llm_graph.json")
        data_json = store.read_json("data_graph.json")
        final = store.read_json("final_graph.json")
        return cls(
            input=store.read_json("input.json"), llm=llm,
            llm_edges=tuple(LLMEdge(e["source"], e["target"], float(e["confidence"]),
                                    e.get("votes")) for e in llm.get("edges", [])),
            data=DiscoveryResult.from_json(data_json), data_json=data_json, final=final,
            final_graph=graph_from_json(final["graph"]),
            disagreements=store.read_json("disagreements.json"),
            identification=store.read_json("identification.json"),
            estimates=store.read_json("estimates.json"),
            class_effects=ClassEffects.from_json(store.read_json("class_effects.json")),
            verdict=Verdict.from_json(store.read_json("verdict.json")))


def random_baseline(art: Artifacts, reference: Sequence[tuple[str, str]] | None
                    ) -> dict[str, Any] | None:
    """Expected directed precision of the LLM's ``k`` edges drawn at random (pair and
    direction) among the pairs it was asked about, against the reference graph."""
    if not reference:
        return None
    nodes = list(art.input["columns"])
    qs = [(q["a"], q["b"]) for q in art.llm.get("questions", [])] or [
        (a, b) for i, a in enumerate(nodes) for b in nodes[i + 1:]]
    directions = set(map(tuple, reference))
    hits = [((a, b) in directions) + ((b, a) in directions) for a, b in qs]
    return {"k": len(art.llm_edges), "pairs": len(qs),
            "directed_precision": sum(hits) / (2 * len(qs)) if qs else 0.0}


def estimates_note(estimates: list[dict[str, Any]], transform: str = "none",
                   refuters: Sequence[dict[str, Any]] = ()) -> str:
    """Whether the estimators agree (said only when the refuters pass too), and what a
    disagreement means.

    Examples
    --------
    >>> ests = [{"method": "a", "ate": 2.0, "ci": [1.8, 2.2]},
    ...         {"method": "b", "ate": 2.1, "ci": [1.9, 2.3]}]
    >>> estimates_note(ests).startswith("The estimators agree")
    True
    >>> estimates_note(ests, refuters=[{"refuter": "graph", "passed": False}])[:40]
    'The estimators overlap, but the refuters'
    """
    agree = estimators_agree([EstimatorResult.from_json(e) for e in estimates])
    if agree is None:
        return ""
    failed = [str(r.get("refuter")) for r in refuters if not r.get("passed")]
    if agree and not failed:
        return ("The estimators agree: their intervals overlap and their signs match, and "
                "every refuter passed. Both still rest on the final graph being right.")
    if agree:
        return (f"The estimators overlap, but the refuters {failed} failed: agreement between "
                "estimators on one graph says nothing when the data reject that graph.")
    ates = [e["ate"] for e in estimates if e.get("ci")]
    what = ("differ in sign" if min(ates) < 0 < max(ates) else
            "have intervals that do not overlap")
    hint = " or skewed data (try --transform log)" if transform == "none" else ""
    return (f"The estimators {what}. The generative estimator fits a linear model of every "
            "variable on the final graph and pushes do(X) through all of it, so it depends on "
            "the whole graph; regression adjustment uses only the adjustment set. A gap "
            f"points to a wrong graph (edges among the other variables) or non-linear "
            f"relations{hint}: review the disagreements before trusting either.")


_FINAL_COLOURS = {"#222222": "LLM and data agree", "#1f5fa8": "data only",
                  "#d35400": "data, orientation differs", "#8e44ad": "analyst"}


def _llm_edges_drawn(art: Artifacts) -> list[DrawnEdge]:
    return [DrawnEdge(e.source, e.target, "->",
                      "#222222" if art.data.adjacent(e.source, e.target) else "#c0392b")
            for e in art.llm_edges]


def _data_edges_drawn(art: Artifacts) -> list[DrawnEdge]:
    pairs = {frozenset((e.source, e.target)) for e in art.llm_edges}
    return [DrawnEdge(e.source, e.target, e.kind,
                      "#222222" if frozenset((e.source, e.target)) in pairs else "#d35400")
            for e in art.data.edges]


def _final_edges_drawn(art: Artifacts, source: str) -> list[DrawnEdge]:
    llm = {(e.source, e.target) for e in art.llm_edges}
    llm_pairs = {frozenset(p) for p in llm}
    g = art.final_graph
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


def _pictures(art: Artifacts, cfg: CopilotConfig) -> dict[str, str]:
    nodes = list(art.input["columns"])
    pos = shared_layout(nodes, art.final_graph)
    hl = {cfg.treatment: "#fde3a7", cfg.outcome: "#c8e6c9"}
    src = art.final["source"]
    return {
        "llm": graph_picture(nodes, _llm_edges_drawn(art), title="LLM's graph",
                             highlight=hl, legend={"#222222": "data agree",
                                                   "#c0392b": "data separate"},
                             positions=pos),
        "data": graph_picture(nodes, _data_edges_drawn(art),
                              title=f"data's graph ({art.data.method.upper()})", highlight=hl,
                              legend={"#222222": "LLM has pair", "#d35400": "LLM silent"},
                              positions=pos),
        "final": graph_picture(nodes, _final_edges_drawn(art, src),
                               title=f"final graph ({src})", highlight=hl,
                               legend=_FINAL_COLOURS, positions=pos),
    }


def _interventional(ctx: RunContext, art: Artifacts, result: dict[str, Any]) -> str | None:
    cfg = ctx.config
    ident = art.identification
    generated = art.estimates.get("interventional_samples")
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


def build_result(ctx: RunContext, timings: dict[str, Any],
                 art: Artifacts | None = None) -> dict[str, Any]:
    """The content of ``result.json`` from the outputs of the earlier steps."""
    from rung import __version__

    cfg = ctx.config
    art = art or Artifacts.load(ctx.store)
    est = art.estimates
    result: dict[str, Any] = {
        "verdict": art.verdict.to_json(),
        "rung_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "title": cfg.title,
        "query": {"treatment": cfg.treatment, "outcome": cfg.outcome,
                  "contrast": est["contrast"]},
        "data": {**art.input, "source": cfg.source},
        "llm": dict(art.llm["proposal"]),
        "discovery": {k: art.data_json[k] for k in ("method", "why", "edges",
                                                    "uncertain_edges", "settings")},
        "final_graph": {**art.final, "rule": " ".join((RULE_DOC or "").split("\n\n")[1].split())},
        "comparison": art.final.get("comparison"),
        "disagreements": art.disagreements,
        "identification": art.identification,
        "estimates": est["estimates"],
        "estimate_errors": est["errors"],
        "refuters": est.get("refuters", []),
        "implications": est.get("implications"),
        "class_effects": art.class_effects.to_json(),
        "caveats": caveats_for(art.data.settings.get("ci_test"), cfg.notes),
        "timings_s": timings,
    }
    result["data"].pop("config", None)
    result["headline"] = art.verdict.summary
    result["llm"]["random_baseline"] = random_baseline(art, cfg.reference_edges)
    result["estimates_note"] = estimates_note(result["estimates"], cfg.transform,
                                              result["refuters"])
    return result


def run_report(ctx: RunContext, timings: dict[str, Any]) -> list[str]:
    art = Artifacts.load(ctx.store)
    result = build_result(ctx, timings, art)
    graphs = _pictures(art, ctx.config)
    tree = (result["identification"].get("estimand") or {}).get("tree")
    dist = _interventional(ctx, art, result)
    a, b = result["query"]["contrast"]
    x, y = ctx.config.treatment, ctx.config.outcome
    result["files"] = ["report.html", "result.json", "llm_graph.dot", "data_graph.dot",
                       "final_graph.dot", "disagreements.csv"]
    html = render_html(
        result, graph_svgs=graphs,
        estimand_svg=latex_to_svg(estimand_mathtext(tree)) if tree else None,
        effect_svg=effect_plot(result["estimates"], truth=ctx.config.true_effect,
                               label=f"E[{y} | do({x}={a:.4g})] − E[{y} | do({x}={b:.4g})]",
                               members=art.class_effects.estimated)
        if result["estimates"] or art.class_effects.estimated else None,
        interventional_svg=dist,
    )
    ctx.store.write_json("result.json", result)
    ctx.store.write_text("report.html", html)
    return ["result.json", "report.html"]
