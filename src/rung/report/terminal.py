"""The short terminal summary of a co-pilot run (rich)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:  # the type only: the workflow imports this module, never the reverse
    from rung.workflow.artifacts import RunResult
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


def _print_effect_sets(con: Console, out_dir: str) -> None:
    """The fused data step's two ranges (``effect_sets.json``), when it ran."""
    import json
    from pathlib import Path

    path = Path(out_dir) / "effect_sets.json"
    try:
        sets = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    for label, key in (("data alone", "data_alone"), ("data + LLM", "fused")):
        es = sets.get(key) or {}
        con.print(f"{label}: range {_ci(es.get('range'))} over {es.get('classes')} plausible "
                  f"class(es), {len(es.get('effects') or [])} adjustment set(s)")
    if sets.get("moved"):
        for m in sets.get("moved_by") or []:
            con.print(f"  moved by {escape(str(m))}")


def print_summary(result: RunResult, out_dir: str, console: Console | None = None) -> None:
    """Print the verdict, the query, graphs' scores, identification, estimates and where
    the report is (``result``: the typed ``result.json``,
    :class:`rung.workflow.artifacts.RunResult`)."""
    con = console or Console(stderr=True)
    con.rule(f"[bold]{escape(result.treatment)} → {escape(result.outcome)}")
    _print_verdict(con, result.verdict)
    _print_effect_sets(con, out_dir)
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
        t = Table(title="effect estimates", show_edge=False)
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
