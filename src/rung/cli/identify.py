"""``rung identify``: identify a causal effect by do-calculus (parsing only)."""

from __future__ import annotations

import typer

from rung.cli._common import cli_errors, print_json
from rung.graph.io import read_graph

__all__ = ["app"]

app = typer.Typer(no_args_is_help=True, context_settings={"allow_interspersed_args": True})


@app.callback(invoke_without_command=True)
@cli_errors
def identify_command(
    graph: str = typer.Argument(..., help="Graph text (edges, dagitty, DOT) or a file path."),
    treatment: list[str] = typer.Option(..., "--treatment", "-x", help="Treatment (repeat)."),
    outcome: list[str] = typer.Option(..., "--outcome", "-y", help="Outcome (repeat)."),
    given: list[str] = typer.Option([], "--given", "-z", help="Conditioning variable (repeat)."),
    json: bool = typer.Option(False, "--json", help="Print the JSON result."),
) -> None:
    """Identify P(outcome | do(treatment), given); exit 0 whether or not identifiable."""
    from rung.identify import identify

    res = identify(read_graph(graph), treatment, outcome, given)
    if json:
        print_json(res.to_json())
        return
    query = f"P({','.join(sorted(res.outcome))} | do({','.join(sorted(res.treatment))})"
    query += f", {','.join(sorted(res.given))})" if res.given else ")"
    if res.identifiable and res.estimand is not None:
        typer.echo(f"{query} is identifiable ({res.method})")
        typer.echo(f"  {query} = {res.estimand.to_text()}")
    else:
        typer.echo(f"{query} is NOT identifiable")
    typer.echo(f"  {res.reason}")
