"""``rung copilot [DATA.csv]``: the co-pilot workflow from a CSV (or an embedded example) to an
HTML report, resumable in ``--out``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from rung.cli._common import (
    OutcomeOpt,
    TreatmentOpt,
    check_model_spec,
    check_output_dir,
    cli_errors,
    print_json,
    read_text_file,
)

if TYPE_CHECKING:
    from rung.workflow.config import DiscoveryChoice, LLMPairs, Strategy, Transform

__all__ = ["app"]

# options may follow DATA.csv (click groups stop option parsing at the first argument)
app = typer.Typer(context_settings={"allow_interspersed_args": True})


def _summary_json(result: dict[str, object], out: Path) -> dict[str, object]:
    keys = ("verdict", "query", "headline", "identification", "estimates", "comparison")
    return {**{k: result.get(k) for k in keys},
            "disagreements": len(result.get("disagreements") or []),  # type: ignore[arg-type]
            "report": str(out / "report.html"), "result": str(out / "result.json")}


@app.callback(invoke_without_command=True)
@cli_errors
def copilot(
    data: Annotated[Path | None, typer.Argument(help="CSV of numeric columns.")] = None,
    treatment: TreatmentOpt = None,
    outcome: OutcomeOpt = None,
    descriptions: Annotated[
        Path | None, typer.Option(help="YAML file 'column: description' for the LLM.")] = None,
    graph: Annotated[
        Path | None, typer.Option(help="Analyst-reviewed graph (DOT/dagitty) to continue from.")
    ] = None,
    model: Annotated[str | None, typer.Option(help="LM backend spec (default: embedded).")] = None,
    out: Annotated[Path, typer.Option(help="Output directory; re-use it to resume.")] = Path(
        "rung-output"),
    example: Annotated[
        str | None, typer.Option(help="Embedded example instead of DATA: sachs, linear_backdoor, "
                                 "nonlinear_backdoor, linear_frontdoor, signalling_pathway.")
    ] = None,
    strategy: Annotated[
        str, typer.Option(help="Co-pilot strategy: pairs, bfs, parents.")] = "pairs",
    discovery: Annotated[str, typer.Option(
        help="auto (score-based search, LLM beliefs as a prior), pc, fci, ges.")] = "auto",
    alpha: Annotated[float, typer.Option(help="CI-test significance level.")] = 0.01,
    transform: Annotated[
        str | None, typer.Option(help="none or log (natural log of every column; stated in "
                                 "the report). Default: none (the example's choice with "
                                 "--example; sachs uses log).")] = None,
    llm_pairs: Annotated[
        str, typer.Option(help="skeleton (ask the LLM about pairs adjacent in the data, plus "
                          "a few others) or all.")] = "skeleton",
    llm_extra_pairs: Annotated[
        int | None, typer.Option(help="Non-adjacent pairs also asked (default: half the "
                                 "number of variables).")] = None,
    llm_top_k: Annotated[
        int | None, typer.Option(help="The LLM's graph keeps its K most probable directions "
                                 "(default: the number of variables).")] = None,
    llm_threshold: Annotated[
        float | None, typer.Option(help="Instead of top-k: LLM confidence from which it "
                                   "proposes an edge.")] = None,
    use_knowledge: Annotated[
        bool, typer.Option(help="Pass the LLM's confident edges to discovery.")] = False,
    contrast: Annotated[
        tuple[float, float] | None, typer.Option(help="Treatment values A B of the effect.")
    ] = None,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap resamples for intervals "
                                           "(at least 10).")] = 100,
    orientation_threshold: Annotated[
        float | None, typer.Option(help="Probability from which an LLM direction counts as "
                                   "knowledge about an edge the data leave open (default "
                                   "0.8).")] = None,
    seed: Annotated[int, typer.Option()] = 0,
    quiet: Annotated[bool, typer.Option(help="No progress bars.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON summary on stdout instead of the "
                           "terminal summary.")] = False,
) -> None:
    """Run the co-pilot workflow: LLM graph + data graph -> disagreements -> final graph ->
    identification -> estimation -> report (DIR/report.html, DIR/result.json)."""
    from rung.report import print_summary
    from rung.workflow.config import DiscoveryConfig, EstimateConfig, LLMConfig, ReviewConfig
    from rung.workflow.request import prepare_run
    from rung.workflow.run import run_copilot

    check_output_dir(out, "--out")
    if seed < 0:
        raise ValueError(f"--seed {seed} must be a non-negative integer")
    review = ReviewConfig(analyst_graph=None if graph is None else
                          read_text_file(graph, "--graph file"))
    if orientation_threshold is not None:
        review = replace(review, orientation_threshold=orientation_threshold)
    # the sections refuse a choice outside their Literal type, naming it (exit 2)
    run = prepare_run(
        data, example, treatment=treatment, outcome=outcome, descriptions=descriptions,
        contrast=contrast, transform=cast("Transform | None", transform),
        llm=LLMConfig(model=check_model_spec(model), strategy=cast("Strategy", strategy),
                      pairs=cast("LLMPairs", llm_pairs), extra_pairs=llm_extra_pairs,
                      top_k=llm_top_k, threshold=llm_threshold),
        discovery=DiscoveryConfig(method=cast("DiscoveryChoice", discovery), alpha=alpha,
                                  use_knowledge=use_knowledge),
        review=review, estimate=EstimateConfig(bootstrap=bootstrap), seed=seed)
    for note in run.notes:
        typer.echo(note, err=True)
    result = run_copilot(run.data, run.config, out, show_progress=not (quiet or as_json))
    if as_json:
        print_json(_summary_json(result.to_json(), out))
    else:
        print_summary(result, str(out))
