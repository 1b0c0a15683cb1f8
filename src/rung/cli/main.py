"""The ``rung`` console command: one typer sub-app per group; parsing only."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence

import typer
from click import exceptions as _cx  # typer < 0.21 (pinned) builds on click itself

__all__ = ["app", "main", "run", "usage_error_line"]

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
    "studio": ("rung.cli.studio", "Review the co-pilot graph in a browser: edit edges, watch "
               "identification and the estimate follow."),
    "scm": ("rung.cli.scm",
            "Structural-model files: actual causes (Halpern-Pearl) and counterfactuals."),
}

app = typer.Typer(
    name="rung",
    help="rung: climb Pearl's ladder with proofs behind every effect.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _print_version(value: bool) -> None:
    if value:
        from rung import __version__

        typer.echo(f"rung {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", "-V", callback=_print_version, is_eager=True,
        help="Print rung's version and exit.",
    ),
) -> None:
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
        names = {g.name for g in app.registered_groups} | {c.name for c in app.registered_commands}
        if name in names:
            continue  # already registered (tests call this more than once)
        if isinstance(sub, typer.Typer):
            _add_group(sub, name, help_text)


def _add_group(sub: typer.Typer, name: str, help_text: str) -> None:
    """Register ``sub`` under ``name``: as a plain command when it has no subcommands (so its
    usage line shows no ``COMMAND [ARGS]...``), else as a group."""
    callback = sub.registered_callback
    if sub.registered_commands or sub.registered_groups or callback is None \
            or callback.callback is None:
        app.add_typer(sub, name=name, help=help_text)
        return
    app.command(name, help=help_text, context_settings=sub.info.context_settings,
                no_args_is_help=bool(sub.info.no_args_is_help))(callback.callback)


def usage_error_line(exc: _cx.UsageError) -> str:
    """One line for a command-line usage error: the message and where to find help.

    Examples
    --------
    >>> usage_error_line(_cx.UsageError("Missing option '--data'."))
    "error: missing option '--data'"
    """
    message = " ".join(exc.format_message().split()).rstrip(".").replace("Value error, ", "")
    message = message[:1].lower() + message[1:]
    ctx = exc.ctx
    hint = f"; see '{ctx.command_path} --help'" if ctx is not None else ""
    return f"error: {message}{hint}"


def run(argv: Sequence[str] | None = None) -> int:
    """Run ``rung`` with ``argv`` (default: the process arguments); return the exit status.

    Usage errors (a missing option, an unknown choice, a value of the wrong type) print one
    line on stderr and return 2, like every other bad input.
    """
    _register()
    command = typer.main.get_command(app)
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = command.main(args=args, prog_name="rung", standalone_mode=False)
    except _cx.NoArgsIsHelpError as exc:
        return int(exc.exit_code)  # the help text is already printed
    except _cx.UsageError as exc:
        typer.echo(usage_error_line(exc), err=True)
        return int(exc.exit_code)
    except _cx.ClickException as exc:
        typer.echo(f"error: {' '.join(exc.format_message().split())}", err=True)
        return int(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 130
    return code if isinstance(code, int) else 0


def main() -> None:
    """Entry point of the ``rung`` command (see :func:`run`)."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    sys.exit(run())
