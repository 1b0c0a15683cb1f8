"""``rung data``: which benchmark datasets rung can find, and where."""

from __future__ import annotations

import typer

from rung.cli._common import DataDir, JsonOpt, cli_errors, print_json

__all__ = ["app"]

app = typer.Typer(no_args_is_help=True)


@app.callback()
def _group() -> None:
    """List the datasets rung can find."""


@app.command("list")
@cli_errors
def list_cmd(
    data_dir: DataDir = None,
    as_json: JsonOpt = False,
) -> None:
    """Show every benchmark dataset: found, missing or damaged; item count; location.

    A damaged dataset is marked DAMAGED with the file and the fault; the others are listed
    as usual and the command exits 0.
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from rung.bench.registry import list_datasets

    if data_dir is not None and not data_dir.is_dir():
        raise ValueError(f"--data-dir {str(data_dir)!r} is not a folder; give the folder that "
                         "holds the datasets (or set RUNG_DATA)")
    rows = list_datasets(data_dir)
    if as_json:
        print_json([r.to_json() for r in rows])
        return
    table = Table("name", "found", "items", "where / how to add", "description")
    shown = {"found": "yes", "missing": "NO", "damaged": "DAMAGED"}
    for r in rows:
        table.add_row(r.name, shown[r.status], str(r.items), Text(r.location),
                      Text(r.description))
    Console(width=200).print(table)
