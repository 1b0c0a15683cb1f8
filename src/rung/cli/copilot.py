"""``rung copilot [DATA.csv]``: the co-pilot workflow from a CSV (or an embedded example) to an
HTML report, resumable in ``--out``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from rung.cli._common import (
    check_contrast_support,
    check_model_spec,
    check_output_dir,
    cli_errors,
    print_json,
    read_text_file,
)

__all__ = ["app"]

# options may follow DATA.csv (click groups stop option parsing at the first argument)
app = typer.Typer(context_settings={"allow_interspersed_args": True})


def _summary_json(result: dict[str, object], out: Path) -> dict[str, object]:
    keys = ("verdict", "query", "headline", "identification", "estimates", "comparison")
    return {**{k: result.get(k) for k in keys},
            "disagreements": len(result.get("disagreements") or []),  # type: ignore[arg-type]
            "report": str(out / "report.html"), "result": str(out / "result.json")}


def _check_contrast(x: Any, contrast: tuple[float, float], name: str,
                    transform: str | None) -> None:
    """The contrast is on the analysed (possibly log) scale; check it against that data."""
    import numpy as np

    if transform == "log":
        if not np.all(x > 0):
            return  # the transform itself reports the non-positive values
        x = np.log(x)
    check_contrast_support(x, contrast, name)


def _graph_roles(graph_text: str, treatment: str | None, outcome: str | None
                 ) -> tuple[str, str]:
    """Treatment and outcome from the analyst graph's ``[exposure]``/``[outcome]`` tags
    where no flag names them (the flags win)."""
    from rung.graph import CausalGraph
    from rung.identify.roles import resolve_roles

    roles = resolve_roles(CausalGraph.parse(graph_text), [treatment] if treatment else [],
                          [outcome] if outcome else [])
    if len(roles.treatment) != 1 or len(roles.outcome) != 1:
        raise ValueError(f"the --graph file tags {list(roles.treatment)} as [exposure] and "
                         f"{list(roles.outcome)} as [outcome]; the co-pilot takes one of "
                         "each: pass --treatment and --outcome")
    for name, source in ((roles.treatment[0], roles.treatment_from),
                         (roles.outcome[0], roles.outcome_from)):
        if source == "graph":
            typer.echo(f"note: {name} from the --graph file's tag", err=True)
    return roles.treatment[0], roles.outcome[0]


@app.callback(invoke_without_command=True)
@cli_errors
def copilot(
    data: Annotated[Path | None, typer.Argument(help="CSV of numeric columns.")] = None,
    treatment: Annotated[str | None, typer.Option("--treatment", "-t")] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", "-y")] = None,
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
    discovery: Annotated[str, typer.Option(help="auto (PC, FCI on conflicts), pc, fci, ges.")
                         ] = "auto",
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
    from rung.workflow import CopilotConfig, get_example, read_descriptions
    from rung.workflow.inputs import load_data_csv
    from rung.workflow.run import run_copilot

    if (data is None) == (example is None):
        raise ValueError("give either a DATA.csv argument or --example NAME (e.g. --example sachs)")
    check_output_dir(out, "--out")
    if seed < 0:
        raise ValueError(f"--seed {seed} must be a non-negative integer")
    check_model_spec(model)
    true_effect: float | None = None
    notes: tuple[str, ...] = ()
    data_notes: tuple[str, ...] = ()
    if example is not None:
        ex = get_example(example)
        df, desc, source = ex.data, dict(ex.descriptions), f"example {ex.name}"
        treatment, outcome = treatment or ex.treatment, outcome or ex.outcome
        ref, ref_name, title = ex.reference_edges, ex.reference_name, ex.title
        contrast = contrast or ex.contrast
        transform = ex.transform if transform is None else transform
        notes = ex.notes
        if ex.true_effect is not None and contrast == ex.contrast and transform == ex.transform:
            true_effect = ex.true_effect
    elif data is not None:
        loaded = load_data_csv(data)
        df, desc, source, data_notes = loaded.frame, {}, str(data), loaded.notes
        ref, ref_name, title = None, "reference", f"rung co-pilot: {data.name}"
    graph_text = None if graph is None else read_text_file(graph, "--graph file")
    if (treatment is None or outcome is None) and graph_text is not None:
        treatment, outcome = _graph_roles(graph_text, treatment, outcome)
    if treatment is None or outcome is None:
        raise ValueError("--treatment and --outcome are required with a DATA.csv (or tag "
                         "them [exposure] and [outcome] in the --graph file)")
    if descriptions is not None:
        desc = read_descriptions(descriptions, list(df.columns))
    if contrast is not None and treatment in df.columns:
        _check_contrast(df[treatment].to_numpy(dtype=float), contrast, treatment, transform)
    more: dict[str, Any] = {} if orientation_threshold is None else {
        "orientation_threshold": orientation_threshold}
    config = CopilotConfig(
        treatment=treatment, outcome=outcome, descriptions=desc or None, model=model,
        transform="none" if transform is None else transform, strategy=strategy,  # type: ignore[arg-type]
        llm_pairs=llm_pairs, llm_extra_pairs=llm_extra_pairs,  # type: ignore[arg-type]
        llm_top_k=llm_top_k, llm_threshold=llm_threshold, discovery=discovery,  # type: ignore[arg-type]
        alpha=alpha, use_knowledge=use_knowledge, contrast=contrast, bootstrap=bootstrap,
        seed=seed, reference_edges=ref, reference_name=ref_name, analyst_graph=graph_text,
        title=title, source=source, true_effect=true_effect, notes=notes,
        data_notes=data_notes, **more,
    )
    result = run_copilot(df, config, out, show_progress=not (quiet or as_json))
    if as_json:
        print_json(_summary_json(result, out))
    else:
        print_summary(result, str(out))
