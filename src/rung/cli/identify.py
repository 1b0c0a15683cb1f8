"""``rung identify``: identify a causal effect by do-calculus and list its adjustment sets."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

import typer

from rung.cli._common import cli_errors, print_json
from rung.graph.io import read_graph

if TYPE_CHECKING:
    from rung.identify.adjustment_report import AdjustmentReport, SetCheck
    from rung.identify.api import Identification
    from rung.identify.roles import QueryRoles

__all__ = ["app"]

app = typer.Typer(no_args_is_help=True, context_settings={"allow_interspersed_args": True})


class EffectKind(StrEnum):
    """Which effect the adjustment sets are for (dagitty's ``effect``)."""

    total = "total"
    direct = "direct"


def _fmt(names: frozenset[str] | None) -> str:
    return "none" if names is None else "{" + ", ".join(sorted(names)) + "}"


def _query_text(res: Identification) -> str:
    query = f"P({','.join(sorted(res.outcome))} | do({','.join(sorted(res.treatment))})"
    return query + (f", {','.join(sorted(res.given))})" if res.given else ")")


def _echo_identification(res: Identification) -> None:
    query = _query_text(res)
    if res.identifiable and res.estimand is not None:
        typer.echo(f"{query} is identifiable ({res.method})")
        typer.echo(f"  {query} = {res.estimand.to_text()}")
    else:
        typer.echo(f"{query} is NOT identifiable")
    typer.echo(f"  {res.reason}")


def _echo_report(rep: AdjustmentReport, res: Identification) -> None:
    x, y = ",".join(sorted(res.treatment)), ",".join(sorted(res.outcome))
    what = "direct effect (single-door criterion)" if rep.effect == "direct" else "total effect"
    cons = "".join([f", must include {_fmt(rep.include)}" if rep.include else "",
                    f", must exclude {_fmt(rep.exclude)}" if rep.exclude else ""])
    typer.echo(f"Adjustment sets for the {what} of {x} on {y}{cons}:")
    if rep.minimal_sets is not None:
        listed = "; ".join(_fmt(s) for s in rep.minimal_sets) or "none"
        typer.echo(f"  minimal: {listed}")
    if rep.effect == "total":
        typer.echo(f"  canonical: {_fmt(rep.canonical_set)}")
        opt = rep.optimal
        if opt is not None and opt.optimal and rep.optimal_set is None:
            typer.echo(f"  optimal: {_fmt(opt.o_set)} (does not meet the constraints)")
        elif opt is not None and opt.optimal:
            typer.echo(f"  optimal: {_fmt(opt.o_set)}")
        elif opt is not None and opt.o_set is not None:
            typer.echo(f"  optimal: none; {opt.reason} (the O-set {_fmt(opt.o_set)} is valid)")
        else:
            typer.echo("  optimal: none")
    if rep.note:
        typer.echo(f"  {rep.note}")


def _echo_adjusted(check: SetCheck, effect: EffectKind) -> None:
    if check.valid and effect is EffectKind.direct:
        typer.echo(f"The graph's [adjusted] set {_fmt(check.nodes)} is valid for the direct "
                   "effect.")
    elif check.valid:
        typer.echo(f"The graph's [adjusted] set {_fmt(check.nodes)} is valid and is used.")
    else:
        typer.echo(f"The graph's [adjusted] set {_fmt(check.nodes)} is NOT valid: "
                   f"{check.reason}; it is not used.")
        if check.completions:
            listed = "; ".join(_fmt(c) for c in check.completions)
            typer.echo(f"  minimal valid sets that contain it: {listed}")


def _json(res: Identification, roles: QueryRoles, rep: AdjustmentReport | None,
          check: SetCheck | None) -> dict[str, Any]:
    out = res.to_json()
    out["roles"] = roles.to_json()
    out["adjustment"] = None if rep is None else rep.to_json()
    used = check is not None and check.valid and rep is not None and rep.effect == "total"
    out["graph_adjusted"] = None if check is None else {**check.to_json(), "used": used}
    return out


def _counterfactual(g: Any, query: str, json: bool) -> None:
    """``rung identify --query``: ID*/IDC* (Shpitser & Pearl 2008) on a counterfactual."""
    from rung.identify.cf_api import identify_counterfactual

    res = identify_counterfactual(g, query)
    if json:
        print_json(res.to_json())
        return
    text = res.query.to_text()
    if res.identifiable and res.estimand is not None:
        typer.echo(f"{text} is identifiable ({res.status})")
        typer.echo(f"  {text} = {res.estimand.to_text()}")
    else:
        typer.echo(f"{text} is NOT identifiable from the observed distribution ({res.status})")
        if res.experimental_estimand is not None:
            typer.echo(f"  from experiments: {res.experimental_estimand.to_text()}")
    typer.echo(f"  {res.reason}")


@app.callback(invoke_without_command=True)
@cli_errors
def identify_command(
    graph: str = typer.Argument(..., help="Graph text (edges, dagitty, DOT) or a file path."),
    treatment: list[str] = typer.Option(
        [], "--treatment", "-x",
        help="Treatment (repeat); default: the nodes tagged exposure in the graph."),
    outcome: list[str] = typer.Option(
        [], "--outcome", "-y",
        help="Outcome (repeat); default: the nodes tagged outcome in the graph."),
    given: list[str] = typer.Option([], "--given", "-z", help="Conditioning variable (repeat)."),
    include: list[str] = typer.Option(
        [], "--include", help="Node every listed adjustment set must contain (repeat)."),
    exclude: list[str] = typer.Option(
        [], "--exclude", help="Node no listed adjustment set may contain (repeat)."),
    effect: EffectKind = typer.Option(
        EffectKind.total, "--effect", help="Adjustment sets for the total or direct effect."),
    query: str | None = typer.Option(
        None, "--query", "-q",
        help='A counterfactual query, e.g. "P(Y[X=1]=1 | X=0)" (ID*/IDC*); replaces -x/-y.'),
    json: bool = typer.Option(False, "--json", help="Print the JSON result."),
) -> None:
    """Identify P(outcome | do(treatment), given) and list every minimal adjustment set,
    the canonical and the optimal set; exit 0 whether or not identifiable."""
    if query is not None:
        if treatment or outcome or given or include or exclude:
            raise ValueError("--query states the whole counterfactual question: drop "
                             "--treatment, --outcome, --given, --include and --exclude")
        _counterfactual(read_graph(graph), query, json)
        return
    from rung.identify import identify
    from rung.identify.adjustment_report import adjustment_report, check_graph_adjusted
    from rung.identify.api import identify_with_adjustment
    from rung.identify.roles import graph_tagged, resolve_roles

    if given and (include or exclude or effect is EffectKind.direct):
        raise ValueError("--include, --exclude and --effect direct concern adjustment sets, "
                         "which are listed for P(outcome | do(treatment)) only: drop --given "
                         "or drop them")
    g = read_graph(graph)
    roles = resolve_roles(g, treatment, outcome)
    x, y = roles.treatment, roles.outcome
    res = identify(g, x, y, given)
    rep = check = None
    if not given:
        rep = adjustment_report(g, x, y, include=include, exclude=exclude, effect=effect.value)
        drawn = graph_tagged(g, "adjusted")
        if drawn:
            check = check_graph_adjusted(g, x, y, drawn, effect=effect.value)
            if check.valid and effect is EffectKind.total:
                res = identify_with_adjustment(g, x, y, drawn)
    if json:
        print_json(_json(res, roles, rep, check))
        return
    for note in roles.notes:
        typer.echo(f"note: {note}")
    if roles.treatment_from == "graph":
        typer.echo(f"note: treatment {', '.join(x)} from the graph's [exposure] tag")
    if roles.outcome_from == "graph":
        typer.echo(f"note: outcome {', '.join(y)} from the graph's [outcome] tag")
    _echo_identification(res)
    if check is not None:
        _echo_adjusted(check, effect)
    if rep is not None:
        _echo_report(rep, res)
