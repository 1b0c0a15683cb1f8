"""``rung identify``: identify a causal effect by do-calculus (parsing only)."""

from __future__ import annotations

import importlib
from pathlib import Path

import typer

from rung.cli._common import cli_errors, print_json
from rung.graph import CausalGraph

__all__ = ["app"]

app = typer.Typer(no_args_is_help=True, context_settings={"allow_interspersed_args": True})


def _read_graph(text_or_path: str) -> CausalGraph:
    try:
        io = importlib.import_module("rung.graph.io")
    except ModuleNotFoundError:
        io = None
    if io is not None and hasattr(io, "read_graph"):
        graph: CausalGraph = io.read_graph(text_or_path)
        return graph
    path = Path(text_or_path)
    text = path.read_text() if "\n" not in text_or_path and path.is_file() else text_or_path
    return CausalGraph.from_edges(text)


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

    res = identify(_read_graph(graph), treatment, outcome, given)
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
