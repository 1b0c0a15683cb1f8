"""``rung scm``: structural-model files: actual causes and counterfactuals.

MODEL is a TOML structural-model file (see docs/scm.md). ``actual-cause --json`` prints
``{"is_cause", "definition", "witness", "responsibility", "cause", "effect", ...}``;
``counterfactual --json`` prints the query and its value or probability.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from rung.cli._common import JsonOpt, UnanswerableQuery, cli_errors, print_json
from rung.scm import (
    ActualCauseResult,
    Definition,
    SearchLimitExceeded,
    StructuralModel,
    counterfactual_probability,
    counterfactual_value,
    is_actual_cause,
    load_model,
    parse_query,
    parse_setting,
    parse_term,
)
from rung.scm.actual import DEFAULT_MAX_EVALUATIONS

__all__ = ["app"]

app = typer.Typer(no_args_is_help=True)

ModelArg = Annotated[Path, typer.Argument(help="A structural-model .toml file.")]

_NAMES = {Definition.MODIFIED: "the modified HP definition (Halpern 2015)",
          Definition.UPDATED: "the updated HP definition (Halpern & Pearl 2005)",
          Definition.ORIGINAL: "the original HP definition (Halpern & Pearl 2001)"}


def _setting_text(setting: tuple[tuple[str, int], ...]) -> str:
    return " ∧ ".join(f"{v}={x}" for v, x in setting) or "(nothing)"


def _echo_verdict(r: ActualCauseResult) -> None:
    cause, effect = _setting_text(r.cause), _setting_text(r.effect)
    verdict = "IS" if r.is_cause else "is NOT"
    typer.echo(f"{cause} {verdict} an actual cause of {effect} under {_NAMES[r.definition]}.")
    if not r.ac1:
        typer.echo("  AC1 fails: the cause or the effect did not happen in the actual context.")
    elif r.witness is not None:
        typer.echo(f"  AC2 witness: W = {_setting_text(r.witness.contingency)}, "
                   f"x' = {_setting_text(r.witness.alternative)}")
    else:
        typer.echo("  AC2 fails: no contingency W = w and alternative x' make the effect fail.")
    if r.smaller_cause is not None:
        typer.echo(f"  AC3 fails: the smaller {_setting_text(r.smaller_cause)} already "
                   "satisfies AC1 and AC2.")
    if not r.is_cause and r.responsibility > 0:
        typer.echo(f"  {cause} is part of a larger actual cause (a conjunction).")
    typer.echo(f"  degree of responsibility: {r.responsibility} "
               f"({float(r.responsibility):.4g}); {r.evaluations:,} model evaluations")


@app.command("actual-cause")
@cli_errors
def actual_cause(
    model: ModelArg,
    cause: Annotated[str, typer.Option("--cause", help="The candidate cause, e.g. 'X=1' or "
                                       "'L=1, MD=1'.")],
    effect: Annotated[str, typer.Option("--effect", help="The effect, e.g. 'Y=1'.")],
    definition: Annotated[Definition, typer.Option(
        "--definition", case_sensitive=False,
        help="The Halpern-Pearl definition.")] = Definition.MODIFIED,
    max_evaluations: Annotated[int, typer.Option(
        "--max-evaluations", min=1, help="Bound on the exhaustive search.")]
        = DEFAULT_MAX_EVALUATIONS,
    json: JsonOpt = False,
) -> None:
    """Is CAUSE an actual cause of EFFECT in the model's actual context (Halpern-Pearl)?"""
    m = load_model(model)
    try:
        r = is_actual_cause(m, _setting(cause, "--cause"), _setting(effect, "--effect"),
                            definition, max_evaluations=max_evaluations)
    except SearchLimitExceeded as exc:
        raise UnanswerableQuery(str(exc)) from None
    if json:
        print_json(r.to_json())
    else:
        _echo_verdict(r)


def _setting(text: str, option: str) -> tuple[tuple[str, int], ...]:
    try:
        return parse_setting(text)
    except ValueError as exc:
        raise ValueError(f"{option} {text!r}: {exc}") from None


@app.command("counterfactual")
@cli_errors
def counterfactual(
    model: ModelArg,
    query: Annotated[str, typer.Option("--query", help="'Y[X=0]' (the value in the actual "
                                       "context) or 'P(Y[X=1]=1 | X=0, Y=0)'.")],
    json: JsonOpt = False,
) -> None:
    """Answer a counterfactual query exactly in a fully specified structural model."""
    m = load_model(model)
    out = _answer(m, query)
    if json:
        print_json(out)
    elif out["kind"] == "value":
        typer.echo(f"{out['query']} = {out['value']} in the actual context "
                   f"({', '.join(f'{k}={v}' for k, v in out['context'].items())})")
    else:
        typer.echo(f"{out['query']} = {out['probability']:.6g} (exact, over "
                   f"{out['contexts']:,} contexts u)")


def _answer(m: StructuralModel, query: str) -> dict[str, Any]:
    text = query.strip()
    try:
        if text.startswith("P(") or text.startswith("P ("):
            return {"kind": "probability",
                    **counterfactual_probability(m, parse_query(text)).to_json()}
        term = parse_term(text)
    except ValueError as exc:
        raise ValueError(f"--query {query!r}: {exc}") from None
    return {"kind": "value", "query": term.to_text(), "latex": term.to_latex(),
            "query_json": term.to_json(), "value": counterfactual_value(m, term),
            "context": dict(m.context)}
