"""Step 8: gather every step's typed artifact into ``result.json``, draw the pictures, and
render the HTML (the runner writes both).

The pictures colour each edge by whether the other source agrees:

- LLM graph: black = the data keep this adjacency, red = the data separate the pair;
- data graph: black = the LLM proposes this pair, orange = the LLM does not;
- final graph: black = LLM and data agree, blue = taken from the data only, orange =
  from the data, oriented against or without the LLM, purple = from the analyst's graph.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pandas as pd

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
from rung.workflow.artifacts import (
    Assessment,
    DataGraph,
    Estimates,
    IdentifiedEffect,
    InputSummary,
    LLMGraph,
    Review,
    RunResult,
)
from rung.workflow.choose import __doc__ as RULE_DOC
from rung.workflow.config import CopilotConfig
from rung.workflow.effect_sets import EffectSets
from rung.workflow.fused import __doc__ as FUSED_DOC
from rung.workflow.interventional import gformula_samples
from rung.workflow.verdict import EstimatorResult, estimators_agree

__all__ = ["CAVEATS", "REPORT_FILES", "Artifacts", "build_result", "caveats_for",
           "render_report"]

#: the files a finished run lists in ``result.json``
REPORT_FILES = ("report.html", "result.json", "llm_graph.dot", "data_graph.dot",
                "final_graph.dot", "disagreements.csv")

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
    """Every earlier step's typed output, as the runner produced or read it."""

    input: InputSummary
    llm: LLMGraph
    data: DataGraph
    review: Review
    identified: IdentifiedEffect
    estimates: Estimates
    assessment: Assessment


def random_baseline(art: Artifacts, reference: Sequence[tuple[str, str]] | None
                    ) -> dict[str, Any] | None:
    """Expected directed precision of the LLM's ``k`` edges drawn at random (pair and
    direction) among the pairs it was asked about, against the reference graph."""
    if not reference:
        return None
    nodes = list(art.input.columns)
    qs = [(q["a"], q["b"]) for q in art.llm.questions] or [
        (a, b) for i, a in enumerate(nodes) for b in nodes[i + 1:]]
    directions = set(map(tuple, reference))
    hits = [((a, b) in directions) + ((b, a) in directions) for a, b in qs]
    return {"k": len(art.llm.edges), "pairs": len(qs),
            "directed_precision": sum(hits) / (2 * len(qs)) if qs else 0.0}


def estimates_note(estimates: Sequence[Mapping[str, Any]], transform: str = "none",
                   refuters: Sequence[Mapping[str, Any]] = ()) -> str:
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
                      "#222222" if art.data.result.adjacent(e.source, e.target)
                      else "#c0392b")
            for e in art.llm.edges]


def _data_edges_drawn(art: Artifacts) -> list[DrawnEdge]:
    pairs = {frozenset((e.source, e.target)) for e in art.llm.edges}
    return [DrawnEdge(e.source, e.target, e.kind,
                      "#222222" if frozenset((e.source, e.target)) in pairs else "#d35400")
            for e in art.data.result.edges]


def _final_edges_drawn(art: Artifacts, source: str) -> list[DrawnEdge]:
    llm = {(e.source, e.target) for e in art.llm.edges}
    llm_pairs = {frozenset(p) for p in llm}
    g = art.review.graph
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
    nodes = list(art.input.columns)
    pos = shared_layout(nodes, art.review.graph)
    hl = {cfg.treatment: "#fde3a7", cfg.outcome: "#c8e6c9"}
    src = art.review.source
    return {
        "llm": graph_picture(nodes, _llm_edges_drawn(art), title="LLM's graph",
                             highlight=hl, legend={"#222222": "data agree",
                                                   "#c0392b": "data separate"},
                             positions=pos),
        "data": graph_picture(nodes, _data_edges_drawn(art),
                              title=f"data's graph ({art.data.result.method.upper()})",
                              highlight=hl,
                              legend={"#222222": "LLM has pair", "#d35400": "LLM silent"},
                              positions=pos),
        "final": graph_picture(nodes, _final_edges_drawn(art, src),
                               title=f"final graph ({src})", highlight=hl,
                               legend=_FINAL_COLOURS, positions=pos),
    }


def _interventional(data: pd.DataFrame, cfg: CopilotConfig, art: Artifacts
                    ) -> tuple[str | None, str]:
    """(the plot of Y under do(X=a) and do(X=b), or None; the note that says how)."""
    ident = art.identified.identification
    generated = art.estimates.interventional_samples
    if generated:
        note = "Simulated from the generative (Pyro) model fitted to the data, mutilated by do()."
        return interventional_plot({k: list(v) for k, v in generated.items()},
                                   outcome=cfg.outcome), note
    if not ident.identifiable or ident.method != "backdoor":
        return None, ""
    a, b = art.estimates.contrast
    samples = gformula_samples(data, cfg.treatment, cfg.outcome,
                               sorted(ident.adjustment_set or []), [a, b], seed=cfg.seed)
    note = ("Back-door g-formula: each row's covariates pushed through a linear model of the "
            "outcome on treatment, adjustment set and their products, plus a resampled "
            "residual.")
    return interventional_plot({f"do({cfg.treatment}={v:.4g})": s for v, s in samples.items()},
                               outcome=cfg.outcome), note


def _rule_text(art: Artifacts) -> str:
    """How the final graph was chosen, in words: the fused path's or the rule's."""
    from rung.workflow.fused_steps import FusedReview

    if isinstance(art.review, FusedReview):  # its third paragraph says how
        return " ".join((FUSED_DOC or "").split("\n\n")[2].split())
    return " ".join((RULE_DOC or "").split("\n\n")[1].split())


def _search_caveat(art: Artifacts) -> list[str]:
    if art.data.result.method != "hc":
        return []
    return ["The data's graph comes from a greedy score-based search (pgmpy's hill climbing "
            f"on the {art.data.result.settings.get('score', 'score')}, focused on the "
            "treatment, with Occam's window): it assumes causal sufficiency and acyclicity, "
            "and a greedy climb can stop at a local optimum (e.g. a collider reached as a "
            "complete triangle), which leaves more marks open and widens the range; the "
            "per-pair p-values in the tables are Fisher z / G² tests, not the search's "
            "evidence."]


def _effect_sets(art: Artifacts) -> EffectSets | None:
    """The fused data step's two effect sets, when it ran."""
    from rung.workflow.fused_steps import FusedAssessment

    a = art.assessment
    return a.effect_sets if isinstance(a, FusedAssessment) else None


def build_result(config: CopilotConfig, art: Artifacts, timings: Mapping[str, Any]
                 ) -> RunResult:
    """The typed ``result.json`` from the typed outputs of the earlier steps."""
    from rung import __version__

    cfg = config
    est = art.estimates
    found = art.data.to_json()
    verdict = art.assessment.verdict
    data = {**art.input.to_json(), "source": cfg.data.source}
    data.pop("config", None)
    return RunResult(
        title=cfg.report.title, rung_version=__version__,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        treatment=cfg.treatment, outcome=cfg.outcome, contrast=est.contrast, data=data,
        llm={**art.llm.proposal,
             "random_baseline": random_baseline(art, cfg.review.reference_edges)},
        discovery={k: found[k] for k in ("method", "why", "edges", "uncertain_edges",
                                         "settings")},
        final_graph={**art.review.to_json(), "rule": _rule_text(art)},
        identification=art.identified.to_json(), verdict=verdict,
        comparison=art.review.comparison,
        disagreements=tuple(r.to_json() for r in art.review.disagreements),
        estimates=est.estimates, estimate_errors=est.errors, refuters=est.refuters,
        implications=est.implications, class_effects=art.assessment.class_effects,
        caveats=tuple(_search_caveat(art) + caveats_for(art.data.result.settings.get("ci_test"),
                                                        cfg.report.notes)),
        timings_s=dict(timings), headline=verdict.summary,
        estimates_note=estimates_note(est.estimates, cfg.data.transform, est.refuters),
        files=REPORT_FILES, effect_sets=_effect_sets(art))


def render_report(data: pd.DataFrame, config: CopilotConfig, art: Artifacts,
                  timings: Mapping[str, Any]) -> tuple[RunResult, str]:
    """(the typed ``result.json``, the HTML report)."""
    result = build_result(config, art, timings)
    graphs = _pictures(art, config)
    tree = (result.identification.get("estimand") or {}).get("tree")
    dist, note = _interventional(data, config, art)
    result = replace(result, interventional_note=note)
    a, b = art.estimates.contrast
    x, y = config.treatment, config.outcome
    members = art.assessment.class_effects.estimated
    estimates = [dict(e) for e in result.estimates]
    html = render_html(
        result, graph_svgs=graphs,
        estimand_svg=latex_to_svg(estimand_mathtext(tree)) if tree else None,
        effect_svg=effect_plot(estimates, truth=config.report.true_effect,
                               label=f"E[{y} | do({x}={a:.4g})] − E[{y} | do({x}={b:.4g})]",
                               members=members)
        if estimates or members else None,
        interventional_svg=dist,
    )
    return result, html
