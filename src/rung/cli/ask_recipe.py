"""``rung ask ... --recipe``: show the extracted formal model, what rung derives from it,
and (``--scm FILE``) write its threshold structural model for ``rung scm``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from rung.cli._common import UnanswerableQuery, check_output_file

__all__ = ["ScmOut", "report_recipe"]

ScmOut = Annotated[Path | None, typer.Option(
    "--scm", help="--recipe: also write the model's threshold structural model (a `rung scm` "
    "file).")]


def report_recipe(fm: Any, as_json: bool, scm_out: Path | None,
                  print_json: Any) -> None:
    """Derive the answer of the formal model ``fm``, show both (a table, or JSON through
    ``print_json``), write ``scm_out`` when asked; exit 3 when rung cannot derive it (the
    model is still shown, for correction)."""
    from rung.bench.story_recipe import derive

    result = derive(fm)
    written = _write_scm(fm, scm_out) if scm_out is not None else None
    if as_json:
        payload = result.to_json()
        if written is not None:
            payload["scm"] = {"file": str(scm_out), "queries": written}
        print_json({"recipe": payload})
    else:
        _show_formal(result)
        if written is not None:
            typer.echo(f"wrote the threshold structural model to {scm_out}; for example")
            for q in written:
                typer.echo(f"  rung scm counterfactual {scm_out} --query {q!r}")
    if not result.answered:
        raise UnanswerableQuery(f"rung cannot derive {result.quantity}: {result.reason}")


def _write_scm(fm: Any, path: Path) -> list[str]:
    """Write the file; the example queries it answers (in the file's variable names)."""
    from rung.bench.story_recipe import structural_tables
    from rung.scm.threshold import threshold_model_toml, variable_ids

    check_output_file(path, "--scm")
    try:
        tables = structural_tables(fm)
    except ValueError as exc:
        raise ValueError(f"--scm {str(path)!r}: no structural model to write: {exc}") from None
    path.write_text(threshold_model_toml(tables, name="rung ask --recipe"), encoding="utf-8")
    ids = variable_ids(tables)
    x, y = ids[fm.treatment], ids[fm.outcome]
    return [f"P({y}[{x}=0]=0 | {x}=1, {y}=1)", f"P({y}[{x}=1]=1 | {x}=0, {y}=0)"]


def _show_formal(result: Any) -> None:
    m = result.model
    table = Table(title="formal model (correct it, save as JSON, pass --formal FILE)")
    table.add_column("part")
    table.add_column("extracted")
    rows = [("variables", ", ".join(m.variables)),
            ("edges", ", ".join(f"{a} -> {b}" for a, b in m.edges) or "none"),
            ("unobserved common causes", ", ".join(f"{a} <-> {b}" for a, b in m.confounded)
             or "none"), ("query", m.query), ("treatment", m.treatment), ("outcome", m.outcome)]
    rows += [(lab, "not stated" if v is None else f"{v:.2f}") for lab, v in m.numbers]
    for part, text in rows:
        table.add_row(part, text)
    Console().print(table)
    if result.answered:
        sign = "positive" if result.value > 0 else "zero" if result.value == 0 else "negative"
        typer.echo(f"rung derives {result.quantity} = {result.value:+.3f} ({sign})")
    if result.bounds is not None:
        lo, hi = result.bounds
        typer.echo(f"without the threshold rule, the data allow the probability of necessity "
                   f"in [{lo:.3f}, {hi:.3f}] (Tian & Pearl 2000, from P(X, Y) and "
                   "P(y | do(x)))")
