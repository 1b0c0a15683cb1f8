"""The short terminal summary of a co-pilot run (rich)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from rung.report.html import estimates_heading

if TYPE_CHECKING:  # the type only: the workflow imports this module, never the reverse
    from rung.workflow.artifacts import RunResult
    from rung.workflow.effect_sets import EffectSets
    from rung.workflow.verdict import Verdict

__all__ = ["print_summary"]


def _ci(ci: Any) -> str:
    return "–" if not ci else f"[{ci[0]:.3g}, {ci[1]:.3g}]"


def _print_verdict(con: Console, verdict: Verdict | None) -> None:
    """The verdict first: status, effect or range, and every flag."""
    if verdict is None:
        return
    ok = verdict.status == "ok"
    word = "[bold green]OK[/bold green]" if ok else "[bold yellow]CHECK[/bold yellow]"
    con.print(f"{word} {escape(verdict.summary)}")
    for flag in verdict.flags:
        con.print(f"  [yellow]![/yellow] {escape(str(flag))}")


def _print_effect_sets(con: Console, sets: EffectSets | None) -> None:
    """The fused data step's two ranges, when it ran."""
    if sets is None:
        return
    for label, es, classes in (("data alone", sets.data_alone, sets.data_classes),
                               ("data + LLM", sets.fused, sets.fused_classes)):
        con.print(f"{label}: range {_ci(es.range)} over {classes} plausible "
                  f"class(es), {len(es.effects)} adjustment set(s)")
    if sets.moved:
        for m in sets.moved_by:
            con.print(f"  moved by {escape(m)}")


def print_summary(result: RunResult, out_dir: str, console: Console | None = None) -> None:
    """Print the verdict, the query, graphs' scores, identification, estimates and where
    the report is (``result``: the typed ``result.json``,
    :class:`rung.workflow.artifacts.RunResult`)."""
    con = console or Console(stderr=True)
    con.rule(f"[bold]{escape(result.treatment)} → {escape(result.outcome)}")
    _print_verdict(con, result.verdict)
    _print_effect_sets(con, result.effect_sets)
    fg = result.final_graph
    n_dis = len(result.disagreements)
    data = result.data
    con.print(f"data transform: {data.get('transform', 'none')}")
    for note in data.get("preparation") or []:
        con.print(f"data: {escape(str(note))}")
    llm = result.llm
    if llm.get("pairs_asked") is not None:
        con.print(f"LLM asked about {llm['pairs_asked']} of {llm.get('pairs_total')} pairs "
                  f"({llm.get('calls')} scored prompts); its graph: {llm.get('edge_rule', '')}")
    con.print(f"final graph: {fg['source']}; {n_dis} LLM/data disagreement(s) to review")
    cmp = result.comparison
    if cmp:
        t = Table(title=f"graphs vs {cmp['reference']}", show_edge=False)
        for col in ("graph", "SHD", "skeleton F1", "directed F1"):
            t.add_column(col)
        for name, c in cmp.items():
            if isinstance(c, dict):
                t.add_row(name, str(c["shd"]), f"{c['skeleton_f1']:.2f}",
                          f"{c['directed_f1']:.2f}")
        con.print(t)
    ident = result.identification
    if ident.get("identifiable"):
        con.print(f"identified by {ident.get('method')}: {escape(str(ident.get('text', '')))}")
    else:
        con.print(f"[red]not identifiable[/red]: {escape(str(ident.get('reason', '')))}")
    if result.estimates:
        con.print(f"[bold]{escape(estimates_heading(result))}[/bold]")
        t = Table(show_edge=False)
        for col in ("estimator", "effect", "95% interval"):
            t.add_column(col)
        for e in result.estimates:
            t.add_row(escape(str(e["method"])), f"{e['ate']:.4g}", _ci(e.get("ci")))
        con.print(t)
    if result.estimates_note:
        con.print(escape(result.estimates_note))
    for err in result.estimate_errors:
        con.print(f"[yellow]{escape(err)}[/yellow]")
    con.print(escape(f"report: {out_dir}/report.html   machine-readable: {out_dir}/result.json"))
