"""The ``rung`` console command: one typer sub-app per group; parsing only."""

from __future__ import annotations

import importlib
import os

import typer

__all__ = ["app", "main"]

# group name -> (module, help); each module defines a typer app named ``app``.
_GROUPS: dict[str, tuple[str, str]] = {
    "graph": ("rung.cli.graph", "Read, query and draw causal graphs."),
    "identify": ("rung.cli.identify", "Identify a causal effect by do-calculus."),
    "estimate": ("rung.cli.estimate", "Estimate a causal effect from data."),
    "lm": ("rung.cli.lm", "Language-model backends, settings and cache."),
    "ask": ("rung.cli.ask", "Ask the LLM co-pilot causal questions (multi-prompt ensemble)."),
    "bench": ("rung.cli.bench", "Run and report benchmarks with honesty probes."),
    "data": ("rung.cli.data", "List the datasets rung can find."),
    "abstraction": ("rung.cli.abstraction", "Causal abstraction of neural networks."),
    "copilot": ("rung.cli.copilot", "The co-pilot workflow: CSV to report."),
}

app = typer.Typer(
    name="rung",
    help="rung: climb Pearl's ladder with proofs behind every effect.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """rung: climb Pearl's ladder with proofs behind every effect."""


@app.command("version")
def version() -> None:
    """Print rung's version."""
    from rung import __version__

    typer.echo(__version__)


def _register() -> None:
    for name, (module, help_text) in _GROUPS.items():
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                continue  # group not built yet
            raise
        sub = mod.app
        if isinstance(sub, typer.Typer):
            app.add_typer(sub, name=name, help=help_text)


def main() -> None:
    """Entry point of the ``rung`` command."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    _register()
    app()
