"""``rung abstraction``: causal abstraction of neural networks (IIA, IIT, DAS)."""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from pathlib import Path

import typer

from rung.cli._common import JsonOpt, check_output_dir, cli_errors, print_json

__all__ = ["app"]

app = typer.Typer(no_args_is_help=True)

# Bounds checked before any work (exit 2 naming the value): the usual 32-bit seed range (torch
# takes seeds below 2**64, so the data seeds, which add at most 30,002, stay valid), and
# sizes far beyond any built-in task.
MAX_SEED = 2**32 - 1
MAX_STEPS = 10_000_000
MAX_WIDTH = 4096


class TaskName(StrEnum):
    arithmetic = "arithmetic"
    equality = "equality"
    pvr = "pvr"


class Method(StrEnum):
    standard = "standard"
    iit = "iit"
    das = "das"
    boundless_das = "boundless-das"
    low_rank_das = "low-rank-das"


def _check_range(value: int | None, option: str, low: int, high: int) -> None:
    """Refuse a number outside [low, high] before any work, naming it (exit 2)."""
    if value is not None and not low <= value <= high:
        raise ValueError(f"{option} {value} is out of range; give a whole number from "
                         f"{low:,} to {high:,}")


@app.callback()
def _group() -> None:
    """Causal abstraction of neural networks."""


@app.command("run")
@cli_errors
def run(
    task: TaskName = typer.Argument(..., help="Built-in task."),
    method: Method = typer.Option(Method.standard, help="Training / alignment method."),
    layer: int = typer.Option(0, help="Hidden layer index (site layers.L)."),
    k: int | None = typer.Option(None, help="Neurons per variable, or DAS subspace size."),
    steps: int | None = typer.Option(None, help="Optimisation steps of the method."),
    seed: int = typer.Option(0, help="Random seed (0 to 2**32 - 1)."),
    checkpoint_dir: Path | None = typer.Option(
        None, help="Save progress here; rerunning the same command resumes."),
    as_json: JsonOpt = False,
) -> None:
    """Train a network on TASK, align its high-level variables and report IIA."""
    if k is not None and k < 1:
        raise ValueError(f"--k {k} must be at least 1")
    if steps is not None and steps < 0:
        raise ValueError(f"--steps {steps} must be non-negative")
    _check_range(seed, "--seed", 0, MAX_SEED)
    _check_range(steps, "--steps", 0, MAX_STEPS)
    _check_range(k, "--k", 1, MAX_WIDTH)
    if checkpoint_dir is not None:
        check_output_dir(checkpoint_dir, "--checkpoint-dir")
    import torch

    from rung.abstraction.run import run_task

    torch.set_num_threads(1)
    result = run_task(task.value, method.value, layer=layer, k=k, steps=steps, seed=seed,
                      progress=not as_json, checkpoint_dir=checkpoint_dir)
    out = dataclasses.asdict(result)
    if as_json:
        print_json(out)
        return
    typer.echo(f"{task.value} / {result.method}: task accuracy {result.task_accuracy:.3f} "
               f"({result.seconds:.1f} s)")
    for key, value in {**result.iia}.items():
        typer.echo(f"  IIA {key}: {value:.3f}")
    for key, value in result.localist_iia.items():
        typer.echo(f"  best localist IIA {key}: {value:.3f}")
