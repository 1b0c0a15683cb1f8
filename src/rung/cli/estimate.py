"""``rung estimate GRAPH --data FILE.csv --treatment X --outcome Y``: parsing only."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from rung.cli._common import JsonOpt, UnanswerableQuery, cli_errors, print_json, working
from rung.graph.io import read_graph

__all__ = ["MAX_BOOTSTRAP", "MIN_ROWS", "app"]

#: fewer rows than this cannot support an effect estimate (same floor as ``rung copilot``)
MIN_ROWS = 10
#: more resamples than this would run for hours and add nothing to a 95% interval
MAX_BOOTSTRAP = 100_000

app = typer.Typer(no_args_is_help=True, context_settings={"allow_interspersed_args": True})


def _user_sets(adjust: list[str] | None, mediators: list[str] | None,
               instruments: list[str] | None) -> dict[str, Any]:
    """The sets named on the command line (an empty name, ``--adjust ""``, is the empty set)."""
    out: dict[str, Any] = {}
    for key, names in (("adjustment_set", adjust), ("mediators", mediators),
                       ("instruments", instruments)):
        if names is not None:
            out[key] = frozenset(n for n in names if n)
    return out


def _roles(g: Any, treatment: str | None, outcome: str | None) -> tuple[str, str, list[str]]:
    """One treatment and one outcome: the flags, else the graph's tags (a flag overrides)."""
    from rung.identify.roles import resolve_roles

    roles = resolve_roles(g, [treatment] if treatment else [], [outcome] if outcome else [])
    for role, names, flag in (("exposure", roles.treatment, "--treatment"),
                              ("outcome", roles.outcome, "--outcome")):
        if len(names) != 1:
            raise ValueError(f"the graph tags {list(names)} as [{role}]; rung estimate takes "
                             f"one: pass {flag} NAME")
    notes = list(roles.notes)
    if roles.treatment_from == "graph":
        notes.append(f"treatment {roles.treatment[0]} from the graph's [exposure] tag")
    if roles.outcome_from == "graph":
        notes.append(f"outcome {roles.outcome[0]} from the graph's [outcome] tag")
    return roles.treatment[0], roles.outcome[0], notes


def _graph_adjusted(g: Any, treatment: str, outcome: str, notes: list[str]) -> dict[str, Any]:
    """The graph's ``[adjusted]`` set as the adjustment set, only when it is valid."""
    from rung.identify.adjustment_report import check_graph_adjusted
    from rung.identify.roles import graph_tagged

    drawn = graph_tagged(g, "adjusted")
    if not drawn:
        return {}
    check = check_graph_adjusted(g, treatment, outcome, drawn)
    shown = "{" + ", ".join(sorted(check.nodes)) + "}"
    if not check.valid:
        notes.append(f"the graph's [adjusted] set {shown} is NOT valid: {check.reason}; "
                     "it is not used")
        return {}
    notes.append(f"the graph's [adjusted] set {shown} is valid and is used")
    return {"adjustment_set": check.nodes}


def _natural_effects(table: Any, g: Any, roles: tuple[str, list[str] | None, str],
                     contrast: tuple[float, float] | None, adjust: list[str] | None,
                     bootstrap: int | None, seed: int, categorical: list[str] | None,
                     as_json: bool) -> None:
    """``--natural-effects``: NDE, NIE and TE by the mediation formula, with intervals."""
    from rung.estimate import NotIdentifiedError, estimate_mediation

    treatment, mediators, outcome = roles
    if not mediators or len(mediators) != 1:
        raise ValueError(f"--natural-effects needs exactly one --mediator M, got {mediators or []}")
    try:
        with working(f"estimating the natural effects of {treatment} on {outcome}"):
            r = estimate_mediation(
                table, g, treatment, mediators[0], outcome, contrast=contrast or (1.0, 0.0),
                covariates=None if adjust is None else [a for a in adjust if a],
                bootstrap=bootstrap or 200, seed=seed, categorical=tuple(categorical or ()))
    except NotIdentifiedError as exc:
        raise UnanswerableQuery(str(exc)) from None
    if as_json:
        print_json(r.to_json())
    else:
        typer.echo(r.summary())


@app.callback(invoke_without_command=True)
@cli_errors
def estimate(
    graph: Annotated[str, typer.Argument(help="Graph file or inline edge string.")],
    data: Annotated[Path, typer.Option("--data", help="CSV file of observations.")],
    treatment: Annotated[
        str | None,
        typer.Option("--treatment", help="Treatment X (default: the graph's [exposure])."),
    ] = None,
    outcome: Annotated[
        str | None,
        typer.Option("--outcome", help="Outcome Y (default: the graph's [outcome])."),
    ] = None,
    method: Annotated[
        str | None,
        typer.Option("--method", help="generative|plugin|regression|ipw|aipw|frontdoor|iv "
                                      "(default: chosen by the identification)"),
    ] = None,
    contrast: Annotated[
        tuple[float, float] | None,
        typer.Option("--contrast", help="A B: E[Y|do(X=A)]-E[Y|do(X=B)] (default: 1 0 when "
                                        "the data hold both, else two well-supported values)."),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option("--model", help="Generative model: linear-gaussian|discrete|mixed "
                                     "(default: chosen from the column types)"),
    ] = None,
    categorical: Annotated[
        list[str] | None,
        typer.Option("--categorical", help="A column of integer-coded categories (repeat for "
                                           "more; text columns are categorical already)."),
    ] = None,
    adjust: Annotated[
        list[str] | None,
        typer.Option("--adjust", help="Adjust for this column (repeat; --adjust '' for none); "
                                      "checked by the adjustment criterion."),
    ] = None,
    mediators: Annotated[
        list[str] | None,
        typer.Option("--mediator", help="Front-door mediator (repeat); checked."),
    ] = None,
    instruments: Annotated[
        list[str] | None,
        typer.Option("--instrument", help="Instrument (repeat); checked."),
    ] = None,
    bootstrap: Annotated[
        int | None,
        typer.Option("--bootstrap", help="Bootstrap resamples (default: the analytic interval "
                                         "where there is one, else 100; 20 for generative)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    natural: Annotated[
        bool,
        typer.Option("--natural-effects", help="Natural direct and indirect effects (NDE, NIE; "
                                               "Pearl 2001) through the one --mediator."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Estimate the average causal effect of TREATMENT on OUTCOME from data."""
    from rung.data import read_table
    from rung.estimate import EstimationError, Method, NotIdentifiedError, estimate
    from rung.identify import identify

    if seed < 0:
        raise ValueError(f"--seed {seed} must be a non-negative integer")
    if bootstrap is not None and bootstrap < 1:
        raise ValueError(f"--bootstrap {bootstrap} must be a positive count of resamples")
    if bootstrap is not None and bootstrap > MAX_BOOTSTRAP:
        raise ValueError(f"--bootstrap {bootstrap} is more than {MAX_BOOTSTRAP:,} resamples, "
                         "which would run for hours; use 100 to 10,000")
    g = read_graph(graph)
    table = read_table(data)
    if len(table.frame) < MIN_ROWS:
        raise ValueError(f"the data has {len(table.frame)} row(s); an effect estimate needs at "
                         f"least {MIN_ROWS}")
    unknown = sorted(set(categorical or ()) - set(table.frame.columns))
    if unknown:
        raise ValueError(f"--categorical names {unknown}, which are not columns of the data "
                         f"(columns: {list(table.frame.columns)}); check the spelling")
    if model is not None and method not in (None, "generative"):
        raise EstimationError(f"--model {model} needs --method generative, not {method}")
    chosen = (Method.parse(method) if method is not None
              else Method.GENERATIVE if model is not None else None)
    extra: dict[str, Any] = {} if model is None else {"model": model}
    treatment, outcome, notes = _roles(g, treatment, outcome)
    if natural:
        _natural_effects(table, g, (treatment, mediators, outcome), contrast, adjust,
                         bootstrap, seed, categorical, as_json)
        return
    extra.update(_user_sets(adjust, mediators, instruments))
    if adjust is None and not mediators and not instruments:
        extra.update(_graph_adjusted(g, treatment, outcome, notes))
    ident = identify(g, treatment, outcome)
    try:
        with working(f"estimating the effect of {treatment} on {outcome}"):
            res = estimate(ident, table, chosen, graph=g, contrast=contrast,
                           bootstrap=bootstrap, seed=seed, categorical=tuple(categorical or ()),
                           **extra)
    except NotIdentifiedError as exc:
        raise UnanswerableQuery(
            f"the effect of {exc.treatment} on {exc.outcome} is not identifiable "
            f"({exc.reason.removeprefix('not identifiable: ')}); {exc.advice}"
        ) from None
    if as_json:
        print_json({**res.to_json(), "notes": notes})
        return
    for note in notes:
        typer.echo(f"note: {note}")
    for line in res.summary():
        typer.echo(line)
