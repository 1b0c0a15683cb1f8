"""Shared CLI plumbing: one-line errors with distinct exit codes, JSON output."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import typer

__all__ = ["EXIT_BAD_INPUT", "EXIT_UNANSWERABLE", "UnanswerableQuery", "cli_errors", "print_json"]

EXIT_BAD_INPUT = 2
EXIT_UNANSWERABLE = 3

P = ParamSpec("P")
R = TypeVar("R")


class UnanswerableQuery(Exception):
    """A well-formed causal query that cannot be answered (e.g. not identifiable): exit 3."""


def cli_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn user-input errors into a one-line message on stderr and exit status 2 (3 for
    unanswerable queries) instead of a traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except UnanswerableQuery as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_UNANSWERABLE) from None
        except (ValueError, KeyError, FileNotFoundError, IsADirectoryError, PermissionError) as exc:
            msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
            line = " ".join(str(msg).split())
            typer.echo(f"error: {line}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None

    return wrapper


def print_json(obj: Any) -> None:
    """Print ``obj`` as indented JSON on stdout."""
    sys.stdout.write(json.dumps(obj, indent=2, default=str) + "\n")
