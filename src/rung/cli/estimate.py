"""``rung estimate GRAPH --data FILE.csv --treatment X --outcome Y``: parsing only."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from rung.cli._common import (
    UnanswerableQuery,
    check_contrast_support,
    cli_errors,
    print_json,
    working,
)
from rung.graph.io import read_graph

__all__ = ["MIN_ROWS", "app"]

#: fewer rows than this cannot support an effect estimate (same floor as ``rung copilot``)
MIN_ROWS = 10

app = typer.Typer(no_args_is_help=True, context_settings={"allow_interspersed_args": True})


@app.callback(invoke_without_command=True)
@cli_errors
def estimate(
    graph: Annotated[str, typer.Argument(help="Graph file or inline edge string.")],
    data: Annotated[Path, typer.Option("--data", help="CSV file of observations.")],
    treatment: Annotated[str, typer.Option("--treatment", help="Treatment X.")],
    outcome: Annotated[str, typer.Option("--outcome", help="Outcome Y.")],
    method: Annotated[
        str | None,
        typer.Option("--method", help="generative|plugin|regression|ipw|aipw|frontdoor|iv "
                                      "(default: chosen by the identification)"),
    ] = None,
    contrast: Annotated[
        tuple[float, float], typer.Option("--contrast", help="A B: E[Y|do(X=A)]-E[Y|do(X=B)].")
    ] = (1.0, 0.0),
    model: Annotated[
        str | None,
        typer.Option("--model", help="Generative model: linear-gaussian|discrete|mixed "
                                     "(default: chosen from the column types)"),
    ] = None,
    bootstrap: Annotated[int, typer.Option("--bootstrap", help="Bootstrap resamples.")] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Estimate the average causal effect of TREATMENT on OUTCOME from data."""
    from rung.estimate import EstimationError, NotIdentifiedError, estimate_effect, read_csv

    if seed < 0:
        raise ValueError(f"--seed {seed} must be a non-negative integer")
    g = read_graph(graph)
    df = read_csv(data)
    extra: dict[str, Any] = {} if model is None else {"model": model}
    if model is not None and method not in (None, "generative"):
        raise EstimationError(f"--model {model} needs --method generative, not {method}")
    _check_data_supports(df, treatment, contrast)
    chosen = method or ("generative" if model else None)
    try:
        with working(f"estimating the effect of {treatment} on {outcome}"
                      + (f" ({bootstrap} bootstrap resamples)" if bootstrap else "")):
            res = estimate_effect(g, df, treatment, outcome, chosen, contrast=contrast,
                                  bootstrap=bootstrap, seed=seed, **extra)
    except NotIdentifiedError as exc:
        raise UnanswerableQuery(
            f"the effect of {exc.treatment} on {exc.outcome} is not identifiable "
            f"({exc.reason.removeprefix('not identifiable: ')}); "
            "add assumptions to the graph or measure a confounder (`rung identify` explains)"
        ) from None
    if as_json:
        print_json(res.to_json())
        return
    ci = "" if res.ci is None else f"  95% CI [{res.ci[0]:.4g}, {res.ci[1]:.4g}]"
    a, b = res.contrast
    typer.echo(f"{res.method}: E[{outcome}|do({treatment}={a:g})] - "
               f"E[{outcome}|do({treatment}={b:g})] = {res.ate:.4g}{ci}  (n={res.n})")


def _check_data_supports(df: Any, treatment: str, contrast: tuple[float, float]) -> None:
    """Refuse too few rows and a contrast outside the treatment's data (checked once the
    treatment column is numeric; other data errors are left to the estimator's messages)."""
    import pandas as pd

    if len(df) < MIN_ROWS:
        raise ValueError(f"the data has {len(df)} row(s); an effect estimate needs at least "
                         f"{MIN_ROWS}")
    if treatment not in df.columns:
        return
    x = pd.to_numeric(df[treatment], errors="coerce")
    if x.notna().all():
        check_contrast_support(x.to_numpy(dtype=float), contrast, treatment)

