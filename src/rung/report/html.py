"""The self-contained HTML report: inline CSS and SVG, no scripts, no external resources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the type only: the workflow imports this module, never the reverse
    from rung.workflow.artifacts import RunResult
    from rung.workflow.effect_sets import EffectSets

__all__ = ["estimates_heading", "render_html"]

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d232a;
background:#fbfbfc;line-height:1.45}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:1.6em;margin:0 0 4px}h2{margin-top:34px;border-bottom:1px solid #d8dde3;
padding-bottom:4px;font-size:1.25em}
.sub{color:#5b6673}.verdict{background:#eef4fb;border-left:4px solid #1f5fa8;padding:10px 14px;
margin:16px 0;font-size:1.05em}
.graphs{display:flex;flex-wrap:wrap;gap:10px}.graphs figure{margin:0;flex:1 1 340px;
background:#fff;border:1px solid #e1e5ea;border-radius:6px;padding:6px}
figure svg{width:100%;height:auto}
.plot{background:#fff;border:1px solid #e1e5ea;border-radius:6px;padding:6px;max-width:760px}
.plot svg{width:100%;height:auto}
table{border-collapse:collapse;font-size:.9em;margin:8px 0;background:#fff}
th,td{border:1px solid #dde2e7;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f3f6}td.num{text-align:right;font-variant-numeric:tabular-nums}
.math{background:#fff;border:1px solid #e1e5ea;border-radius:6px;padding:10px;
display:inline-block}code,pre{background:#f0f3f6;padding:1px 4px;border-radius:3px;
font-size:.88em}pre{padding:8px;overflow-x:auto;white-space:pre-wrap}
.warn{color:#8a4b00}.ok{color:#1e7b34}.bad{color:#a61b1b}
ul.caveats li{margin-bottom:6px}
.verdict.check{background:#fdf1e6;border-left-color:#c25e00}
.verdict.ok{background:#eaf6ee;border-left-color:#1e7b34}
.status{font-weight:700;letter-spacing:.04em}ul.flags{margin:6px 0 0 0;padding-left:20px}
ul.flags li{margin-bottom:4px}
"""


def _e(v: Any) -> str:
    return escape(str(v))


def _num(v: Any, digits: int = 3) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.{digits}g}"
    return _e(v)


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric: set[int]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = []
    for r in rows:
        cells = "".join(
            f'<td class="num">{_num(c)}</td>' if k in numeric else f"<td>{_e(c)}</td>"
            for k, c in enumerate(r)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _ci(ci: Any) -> str:
    return "–" if not ci else f"[{ci[0]:.3g}, {ci[1]:.3g}]"


def _verdict(r: RunResult) -> str:
    """The verdict box: status, effect or range, and every flag, before anything else."""
    v = r.verdict
    if v is None:
        return f'<div class="verdict">{_e(r.headline or "no estimate")}</div>'
    status = "ok" if v.status == "ok" else "check"
    flags = "".join(f"<li>{_e(f)}</li>" for f in v.flags)
    word = "OK" if status == "ok" else "CHECK"
    return (f'<div class="verdict {status}"><span class="status">{word}</span> · '
            f"{_e(v.summary or r.headline or '')}"
            + (f'<ul class="flags">{flags}</ul>' if flags else "") + "</div>")


def _header(r: RunResult) -> str:
    x, y = _e(r.treatment), _e(r.outcome)
    d = r.data
    a, b = r.contrast
    return (
        f"<h1>{_e(r.title)}</h1>"
        + _verdict(r)
        + f'<p class="sub">Effect of <b>{x}</b> on <b>{y}</b>: '
        f"E[{y} | do({x}={a:.4g})] − "
        f"E[{y} | do({x}={b:.4g})] · data: {_e(d['source'])} "
        f"({d['rows']} rows × {len(d['columns'])} columns) · rung {_e(r.rung_version)}"
        f"</p><p>Data transform: <b>{_e(d.get('transform_note') or 'none')}</b></p>"
        + "".join(f"<p>Data: {_e(n)}</p>" for n in d.get("preparation") or [])
    )


def _class_effects(r: RunResult) -> str:
    """The effect in every plausible graph (the verdict's range comes from this table)."""
    fx = r.class_effects
    if fx is None:
        return ""
    if fx.source == "analyst":
        intro = "The analyst's graph (<code>--graph</code>) is the only plausible graph."
    else:
        intro = (f"The data's graph leaves some marks open; the {fx.members} graphs "
                 "that fit its marks (and the LLM's beliefs of probability at least "
                 f"{fx.threshold:g}) were each identified and estimated. "
                 + ("" if fx.complete else "The list stopped at its limit. "))
    rows = [[e.members, e.route, ", ".join(e.adjustment_set or []) or "∅"
             if e.route == "backdoor" else "–", e.effect, _ci(e.interval),
             e.example, e.note] for e in fx.effects]
    table = _table(["graphs", "route", "adjustment set", "effect", "95% interval",
                    "one such graph", "note"], rows, {0, 3})
    opened = [o for o in fx.orientations if len(o.options) > 1]
    marks = "".join(
        f"<li><code>{_e(o.source)} {_e(o.data_kind)} {_e(o.target)}</code>: "
        f"{_e(' / '.join(o.options))} ({_e(o.status)}"
        + (f"; LLM {_e(o.llm)} at {o.llm_confidence:.2f}"
           if o.llm and o.llm_confidence is not None else "")
        + ")</li>" for o in opened)
    return ("<h2>The effect over the plausible graphs</h2>"
            f"<p>{intro}</p>{table}"
            + (f"<details><summary>Open marks ({len(opened)})</summary><ul>{marks}</ul>"
               "</details>" if opened else ""))


def _effect_sets(sets: EffectSets | None) -> str:
    """The fused data step's two answers: the data alone, and the data with the LLM's
    beliefs as a prior; and the orientations at the treatment that moved the answer."""
    if sets is None:
        return ""
    sources = (("data alone", sets.data_alone, sets.data_classes),
               ("data + LLM", sets.fused, sets.fused_classes))
    rows: list[list[Any]] = []
    for name, es, classes in sources:
        rows += [[name, classes, ", ".join(e.adjustment) or "∅", e.estimate, _ci(e.interval)]
                 for e in es.effects]
        if not es.effects:
            rows.append([name, classes, "–", None, _e(es.reason)])
    table = _table(["source", "plausible classes", "adjustment set (pa of the treatment)",
                    "effect", "95% interval"], rows, {1, 3})
    spans = "".join(f"<li>{label}: range {_ci(es.range)}</li>" for label, es, _ in sources)
    moved = sets.moved_by
    if sets.moved and moved:
        why = ("<p>The LLM's prior moved the answer through these orientations at the "
               "treatment:</p><ul>" + "".join(f"<li>{_e(m)}</li>" for m in moved) + "</ul>")
    elif moved:
        why = ("<p>The prior changed these marks at the treatment, without changing the "
               "possible adjustment sets:</p><ul>"
               + "".join(f"<li>{_e(m)}</li>" for m in moved) + "</ul>")
    else:
        why = "<p>The LLM's prior did not change the marks at the treatment.</p>"
    return ("<h2>Data alone, and data + LLM</h2><p>Local IDA over every plausible class "
            "(the best and those in Occam's window) of the score-based search without a "
            "prior, and with every LLM belief as a soft prior; the verdict's range is the "
            f"second's.</p>{table}<ul>{spans}</ul>{why}")


def _llm(r: RunResult) -> str:
    """What the LLM was asked, how its graph was read from the answers, its position bias."""
    llm = r.llm
    out = "<h2>What the LLM was asked</h2>"
    asked = llm.get("pairs_asked")
    plan = _e(llm.get("plan", ""))
    if asked is not None:
        out += (f"<p>Model <code>{_e(llm.get('model', ''))}</code> was asked about "
                f"<b>{asked}</b> of the {llm.get('pairs_total')} pairs: {plan}. "
                f"Each pair: 'Does x cause y?' for both directions, {llm.get('variants')} "
                f"variants in both answer orders ({llm.get('calls')} scored prompts), "
                f"{'with' if llm.get('descriptions') else 'without'} variable descriptions. "
                "Pairs not asked carry no LLM opinion.</p>")
    else:
        out += f"<p>{plan} ({llm.get('calls')} model calls).</p>"
    if llm.get("edge_rule"):
        out += f"<p>LLM graph rule: {_e(llm['edge_rule'])}.</p>"
    base = llm.get("random_baseline")
    if base:
        out += (f"<p>Against the reference, {base['k']} directions drawn at random among the "
                f"asked pairs would reach directed precision {base['directed_precision']:.2f} "
                "on average: compare the LLM row of the table above with it.</p>")
    pb = llm.get("position_bias") or {}
    if pb.get("prompts"):
        out += ("<p>Position bias: the first-listed answer won "
                f"{_num(pb.get('first_option_share_raw'))} of single prompts; the answer "
                f"flipped with the order on {_num(pb.get('order_flip_rate'))} of questions "
                "(averaging both orders removes this bias).</p>")
    return out


def _graphs(r: RunResult, svgs: Mapping[str, str]) -> str:
    figs = "".join(f"<figure>{svg}</figure>" for svg in svgs.values())
    out = f"<h2>Graphs: LLM, data, final</h2><div class=\"graphs\">{figs}</div>"
    fg = r.final_graph
    out += (f"<p>Final graph chosen by: <b>{_e(fg['source'])}</b>. {_e(fg.get('rule', ''))}</p>")
    cmp = r.comparison
    if cmp:
        rows = [[name, c["shd"], c["skeleton_precision"], c["skeleton_recall"], c["skeleton_f1"],
                 c["directed_precision"], c["directed_recall"], c["directed_f1"], c["n_edges"]]
                for name, c in cmp.items() if isinstance(c, dict)]
        out += (f"<p>Against the {_e(cmp['reference'])} ({cmp['edges']} edges):</p>"
                + _table(["graph", "SHD", "skeleton P", "skeleton R", "skeleton F1",
                          "directed P", "directed R", "directed F1", "edges"], rows,
                         set(range(1, 9))))
    return out


def _disagreements(rows: Sequence[Mapping[str, Any]]) -> str:
    out = ("<h2>Disagreements between the LLM and the data</h2><p>Every pair on which the two "
           "graphs differ, for the analyst to review. Edit <code>final_graph.dot</code> and "
           "re-run with <code>--graph final_graph.dot</code> to continue from your graph.</p>")
    if not rows:
        return out + "<p>None: the LLM's and the data's graphs agree.</p>"
    body = [[r["kind"], r["llm_edge"] or "–", r["llm_confidence"], r["data_edge"] or "–",
             r["p_value"], ", ".join(r["sepset"]) or "∅", r["final_edge"] or "(none)",
             r["explanation"]] for r in rows]
    return out + _table(["kind", "LLM", "LLM conf.", "data", "CI p-value (max)", "sepset",
                         "final", "why flagged"], body, {2, 4})


def _identification(ident: Mapping[str, Any], estimand_svg: str | None) -> str:
    out = "<h2>Identification of P(Y | do(X))</h2>"
    if not ident.get("identifiable"):
        return out + (f'<p class="bad">Not identifiable on the final graph. '
                      f"{_e(ident.get('reason', ''))}</p><pre>{_e(ident.get('hedge', ''))}</pre>")
    out += f"<p>Method: <b>{_e(ident.get('method'))}</b>"
    if ident.get("adjustment_set") is not None:
        out += f"; adjustment set {{{_e(', '.join(ident['adjustment_set']))}}}"
    out += "</p>"
    if estimand_svg:
        out += f'<div class="math">{estimand_svg}</div>'
    out += f"<p>Estimand: <code>{_e(ident.get('text', ''))}</code></p>"
    out += f"<p>LaTeX: <code>{_e(ident.get('latex', ''))}</code></p>"
    return out


def estimates_heading(result: RunResult) -> str:
    """The title of the estimator table: the estimates are the chosen final graph's, one of
    the plausible graphs when the class holds several (the verdict's range spans them).

    Examples
    --------
    >>> from rung.workflow.artifacts import RunResult
    >>> r = RunResult("t", "0.1", "now", "X", "Y", (1.0, 0.0), {}, {}, {}, {}, {})
    >>> estimates_heading(r)
    'Estimates on the final graph'
    """
    fx = result.class_effects
    if fx is None or fx.members <= 1:
        return "Estimates on the final graph"
    n = f"{fx.members}" if fx.complete else f"more than {fx.members}"
    return f"Estimates on the chosen final graph (one of {n} plausible graphs; see the range above)"


def _estimates(r: RunResult, effect_svg: str | None, dist_svg: str | None) -> str:
    out = f"<h2>{_e(estimates_heading(r))}</h2>"
    if r.estimates:
        rows = [[e["method"], e["ate"], _ci(e.get("ci")), e.get("n"), e.get("note", "")]
                for e in r.estimates]
        out += _table(["estimator", "effect", "95% interval", "rows", "note"], rows, {1, 3})
    for err in r.estimate_errors:
        out += f'<p class="warn">{_e(err)}</p>'
    if r.estimates_note:
        out += f'<p class="warn">{_e(r.estimates_note)}</p>'
    if effect_svg:
        out += f'<div class="plot">{effect_svg}</div>'
    if dist_svg:
        note = _e(r.interventional_note)
        out += (f"<h3>Interventional distributions</h3><p>{note}</p>"
                f'<div class="plot">{dist_svg}</div>')
    return out


def _refuters(rows: Sequence[Mapping[str, Any]]) -> str:
    out = "<h2>Refutation tests</h2>"
    if not rows:
        return out + "<p>No refuter ran.</p>"
    body = [[x.get("refuter"), x.get("estimator", ""), x.get("original"), x.get("new_effect"),
             x.get("expected"), x.get("tolerance"), "pass" if x.get("passed") else "FAIL",
             x.get("message", "")] for x in rows]
    return out + _table(["refuter", "estimator", "original", "new effect", "expected",
                         "tolerance", "result", "message"], body, {2, 3, 4, 5})


def _implications(tests: Mapping[str, Any] | None) -> str:
    out = "<h2>The final graph's testable implications</h2>"
    if not tests:
        return out + "<p>Not tested.</p>"
    body = [[t["implication"], t["test"], t["p_value"], t["p_adjusted"],
             t["effect_name"] + ("" if t["effect"] is None else f" {t['effect']:.3g}"),
             "VIOLATED" if t["rejected"] else "consistent"] for t in tests["tests"]]
    return (out + f"<p>{_e(tests['summary'])}</p>"
            + _table(["implied independence", "test", "p", "p (Holm)", "effect size",
                      "verdict"], body, {2, 3}))


def _decisions(rows: Sequence[Mapping[str, Any]]) -> str:
    body = [[d["edge"], d["reason"]] for d in rows]
    return ("<details><summary>How each final edge was decided</summary>"
            + _table(["edge", "reason"], body, set()) + "</details>")


def render_html(
    result: RunResult,
    *,
    graph_svgs: Mapping[str, str],
    estimand_svg: str | None = None,
    effect_svg: str | None = None,
    interventional_svg: str | None = None,
) -> str:
    """The whole report as one HTML string (no scripts, no links to other files).

    ``result`` is the typed ``result.json``
    (:class:`rung.workflow.artifacts.RunResult`; ``RunResult.from_json`` reads the file),
    with the fused data step's two effect sets when it ran.
    """
    r = result
    caveats = "".join(f"<li>{_e(c)}</li>" for c in r.caveats)
    files = ", ".join(f"<code>{_e(f)}</code>" for f in r.files)
    parts = [
        _header(r),
        _graphs(r, graph_svgs),
        _llm(r),
        _decisions(r.final_graph.get("decisions", [])),
        _disagreements(r.disagreements),
        _identification(r.identification, estimand_svg),
        _estimates(r, effect_svg, interventional_svg),
        _effect_sets(r.effect_sets),
        _class_effects(r),
        _refuters(r.refuters),
        _implications(r.implications),
        f"<h2>Caveats</h2><ul class=\"caveats\">{caveats}</ul>",
        f"<h2>Files</h2><p>{files}</p>",
    ]
    title = _e(r.title or "rung report")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{title}</title><style>{_CSS}</style></head><body><main>"
        + "".join(parts) + "</main></body></html>\n"
    )
