"""``rung bench``: run benchmarks with honesty probes (resumable) and report them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rung.cli._common import (
    DataDir,
    check_model_spec,
    check_output_dir,
    cli_errors,
    print_json,
)

if TYPE_CHECKING:
    from rung.bench.runner import RunSummary

__all__ = ["app"]

app = typer.Typer(no_args_is_help=True)

# Upper bounds checked before any work (exit 2 naming the value); the lower ones are the
# library's (RunConfig). No template book has near this many variants; no benchmark this
# many items.
MAX_VARIANTS = 1000
MAX_LIMIT = 1_000_000

ScoresJson = Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")]
_RUN_FOLDER_HELP = "Run folder (resumes if it exists)."


@app.command("run")
@cli_errors
def run(
    name: Annotated[str, typer.Argument(help="Benchmark name (see `rung data list`).")],
    model: Annotated[str | None, typer.Option(
        "--model", help="LM spec: embedded, tiny, http://...|model")] = None,
    variants: Annotated[int | None, typer.Option(
        "--variants", help="Prompt variants per question.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Only the first N items.")] = None,
    probes: Annotated[str, typer.Option(
        "--probes", help="all, none, or e.g. order,rename")] = "all",
    out: Annotated[Path | None, typer.Option("--out", help=_RUN_FOLDER_HELP)] = None,
    data_dir: DataDir = None,
    as_json: ScoresJson = False,
    report: Annotated[bool, typer.Option(
        "--report/--no-report", help="Write the report after.")] = True,
    n: Annotated[int | None, typer.Option(
        "--n", help="Generated benchmarks (ladder): items (500).")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", help="Generated benchmarks (ladder): seed (0).")] = None,
    mode: Annotated[str | None, typer.Option(
        "--mode", help="ladder: direct, cot or recipe (direct).")] = None,
    strata: Annotated[int | None, typer.Option(
        "--stratified", help="ladder: only the first K items of each rung x name type "
        "(same ids as the full run).")] = None,
    reuse_prefix: Annotated[bool, typer.Option(
        "--reuse-prefix", help="Local GGUF models: keep the KV cache of a shared prompt "
        "prefix, exactly (rung.bench.ladder_lm; its own model identity).")] = False,
) -> None:
    """Ask every question of benchmark NAME (and its probes), appending to a ledger.

    One run at a time per --out folder: a second run on a folder in use exits 2 at once,
    naming the process that holds it (pid, host, start time). The generated `ladder` takes
    --n, --seed and --mode (its default folder is rung-bench/ladder-MODE-sSEED).
    --stratified K asks only the first K items of each rung x name type stratum.
    --reuse-prefix decodes only what a prompt does not share with the previous one.
    """
    from rung.bench.items import parse_ladder_mode
    from rung.bench.probes import parse_probes
    from rung.bench.registry import GENERATED
    from rung.bench.runner import RunConfig, run_benchmark

    for option, value, high in (("--variants", variants, MAX_VARIANTS),
                                ("--limit", limit, MAX_LIMIT), ("--n", n, MAX_LIMIT),
                                ("--stratified", strata, MAX_LIMIT)):
        if value is not None and value > high:
            raise ValueError(f"{option} {value} is out of range; give at most {high:,}")
    chosen = None if mode is None else parse_ladder_mode(mode, "--mode")
    generated = name in GENERATED  # the ladder's name types are its probe
    config = RunConfig(name, check_model_spec(model), variants, limit,
                       parse_probes("none" if generated else probes),
                       str(data_dir) if data_dir else None, n, seed, chosen, strata)
    default = (f"{name}-{config.mode or 'direct'}-s{config.seed or 0}"
               if generated else name)
    folder = check_output_dir(out or Path("rung-bench") / default, "--out")
    backend = None
    if reuse_prefix:
        from rung.bench.ladder_lm import prefix_reuse_backend

        backend = prefix_reuse_backend(config.model)
    summary = run_benchmark(config, folder, backend=backend, progress=not as_json)
    if not report and not as_json:
        typer.echo(f"{summary.asked} asked, {summary.resumed} resumed -> {folder}")
        return
    _show_report(folder, data_dir, as_json, summary)


@app.command("report")
@cli_errors
def report(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by `rung bench run`.")],
    data_dir: DataDir = None,
    as_json: ScoresJson = False,
) -> None:
    """Write report.md, report.html and scores.json for RUN_DIR and print the table."""
    _show_report(run_dir, data_dir, as_json)


def _show_report(folder: Path, data_dir: Path | None, as_json: bool,
                 summary: RunSummary | None = None) -> None:
    """Write the reports of ``folder`` and print its table (or the JSON), after the run's
    summary when there is one."""
    from rung.bench.report import write_report

    files = write_report(folder, data_dir)
    scores = files.scores.to_json()
    if as_json:
        print_json(scores if summary is None else {"run": summary.to_json(), "scores": scores})
        return
    typer.echo(files.markdown.read_text())
    done = "" if summary is None else f"{summary.asked} asked, {summary.resumed} resumed; "
    typer.echo(f"{done}report: {files.html}")


@app.command("compare")
@cli_errors
def compare(
    first: Annotated[Path, typer.Argument(help="A `rung bench run ladder` folder.")],
    second: Annotated[Path, typer.Argument(help="Another one, in another --mode.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")
                       ] = False,
) -> None:
    """Compare two modes of the ladder benchmark on the items both answered: accuracy per
    rung and name type, the paired gap between the modes, and each mode's name gaps."""
    from rung.bench.ladder_compare import compare_ladder_runs, comparison_markdown

    cmp = compare_ladder_runs(first, second)
    if as_json:
        print_json(cmp.to_json())
        return
    typer.echo(comparison_markdown(cmp))


@app.command("fusion")
@cli_errors
def fusion(
    out: Annotated[Path, typer.Option("--out", help=_RUN_FOLDER_HELP)] = (
        Path("rung-bench") / "fusion"),
    network: Annotated[list[str] | None, typer.Option(
        "--network", help="pgmpy network (repeat); default: asia, sachs, child, "
        "insurance, alarm.")] = None,
    size: Annotated[list[int] | None, typer.Option(
        "--n", help="Sample size (repeat); default 1000, 5000.")] = None,
    seeds: Annotated[int, typer.Option("--seeds", help="Seeds per cell.")] = 5,
    accuracy: Annotated[list[float] | None, typer.Option(
        "--accuracy", help="Simulated expert's accuracy p (repeat); default 0.5 ... 0.95."
    )] = None,
) -> None:
    """Data only vs expert only vs fusion on pgmpy's networks: SHD, F1, effect error and
    coverage of the true interventional effect (resumable; see docs/fusion.md)."""
    from rung.bench.fusion import EXPERT_ACCURACIES, FUSION_NETWORKS
    from rung.bench.fusion_run import bench_fusion

    folder = check_output_dir(out, "--out")
    report = bench_fusion(folder, networks=network or FUSION_NETWORKS,
                          sizes=size or (1000, 5000), seeds=seeds,
                          accuracies=accuracy or EXPERT_ACCURACIES)
    typer.echo(report)


@app.command("sweep")
@cli_errors
def sweep(
    sweep_file: Annotated[Path, typer.Argument(
        help="Sweep file (TOML): models, benchmarks, K.")],
    out: Annotated[Path, typer.Option(
        "--out", help="Sweep folder (resumes if it exists).")] = Path("rung-sweep"),
    ray: Annotated[str | None, typer.Option(
        "--ray", help="Run on the Ray cluster at ADDRESS (HOST:PORT or auto; needs rung[ray])."
    )] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print sweep.json.")] = False,
) -> None:
    """Run models × benchmarks × K × probes as resumable tasks (locally, or on Ray with
    --ray) and write one side-by-side report, sweep.md (see docs/scale.md)."""
    import json

    from rung.bench.sweep import load_sweep, run_sweep

    plan = load_sweep(sweep_file)
    report_md = run_sweep(plan, check_output_dir(out, "--out"), ray_address=ray)
    if as_json:
        print_json(json.loads(report_md.with_suffix(".json").read_text()))
    else:
        typer.echo(report_md.read_text())
