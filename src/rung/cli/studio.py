"""``rung studio [DATA.csv | --example NAME | RUN_DIR]``: the co-pilot review in a browser,
served on 127.0.0.1 with a per-session token in the URL."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import typer

from rung.cli._common import (
    OutcomeOpt,
    TreatmentOpt,
    check_model_spec,
    check_output_dir,
    cli_errors,
)

__all__ = ["app"]

app = typer.Typer(context_settings={"allow_interspersed_args": True})


def _session_dir(source: Path | None, example: str | None, out: Path | None,
                 treatment: str | None, outcome: str | None, model: str | None) -> Path:
    """The run directory the session lives in: ``source`` when it is one, else a new one
    (``--out``) started from the CSV or the example."""
    from rung.studio.rundir import new_session

    if (source is None) == (example is None):
        raise ValueError("give one of DATA.csv, RUN_DIR or --example NAME (e.g. --example "
                         "sachs)")
    if source is not None and source.is_dir():
        if out is not None:
            raise ValueError("--out is for a new session; RUN_DIR is the session already")
        return source
    if source is not None and not source.is_file():
        raise ValueError(f"{str(source)!r} is neither a CSV file nor a run directory")
    run_dir = out or Path("rung-output")
    check_output_dir(run_dir, "--out")
    new_session(run_dir, source, example, treatment=treatment, outcome=outcome, model=model)
    return run_dir


@app.callback(invoke_without_command=True)
@cli_errors
def studio(
    source: Annotated[Path | None, typer.Argument(
        help="A CSV of numeric columns, or a run directory of `rung copilot --out`.")] = None,
    example: Annotated[str | None, typer.Option(
        help="Embedded example instead of DATA (e.g. sachs).")] = None,
    out: Annotated[Path | None, typer.Option(
        help="Run directory of a new session (default rung-output; re-use it to resume).")
    ] = None,
    treatment: TreatmentOpt = None,
    outcome: OutcomeOpt = None,
    model: Annotated[str | None, typer.Option(
        help="LM backend spec for 'ask the LLM' (default: embedded).")] = None,
    port: Annotated[int, typer.Option(
        help="Port on 127.0.0.1 (default: a free one).", min=0, max=65535)] = 0,
    no_browser: Annotated[bool, typer.Option(
        "--no-browser", help="Print the URL only; do not open a browser.")] = False,
) -> None:
    """Open the co-pilot review in a browser: the LLM's, the data's and the current graph,
    the disagreement table, live identification, testable implications and the estimate."""
    import webbrowser

    from rung.studio import StudioContext, StudioSession
    from rung.studio.assets import vis_network_dir
    from rung.studio.server import bind, serve, url_of

    check_model_spec(model)
    vis_network_dir()  # fail early, naming the package, when the graph component is missing
    run_dir = _session_dir(source, example, out, treatment, outcome, model)
    ctx = StudioContext(session=StudioSession(run_dir))
    sock = bind(port)
    url = url_of(sock, ctx)
    typer.echo(f"rung studio: session {run_dir} at {url}  (Ctrl-C stops it)", err=True)
    if not no_browser:
        webbrowser.open(url)
    with contextlib.suppress(KeyboardInterrupt):
        serve(ctx, sock)
