"""Shared CLI plumbing: one-line errors with distinct exit codes, JSON output, the checks
of file arguments that every command group needs, and the options several groups share
(:data:`JsonOpt`, :data:`DataDir`, :data:`TreatmentOpt`, :data:`OutcomeOpt`: one spelling
and help text each)."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer

from rung.data import check_contrast_support
from rung.lm.base import LMError

__all__ = [
    "EXIT_BACKEND",
    "EXIT_BAD_INPUT",
    "EXIT_UNANSWERABLE",
    "DataDir",
    "JsonOpt",
    "OutcomeOpt",
    "TreatmentOpt",
    "UnanswerableQuery",
    "check_contrast_support",
    "check_model_spec",
    "check_output_dir",
    "check_output_file",
    "cli_errors",
    "error_line",
    "print_json",
    "read_text_file",
    "working",
]

EXIT_BACKEND = 1
EXIT_BAD_INPUT = 2
EXIT_UNANSWERABLE = 3

#: ``--json``: print the command's result as JSON instead of text
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
#: ``--data-dir``: where the benchmark datasets are (else the setting ``RUNG_DATA``)
DataDir = Annotated[
    Path | None, typer.Option("--data-dir", help="Data directory (else RUNG_DATA).")
]
#: ``--treatment`` / ``-t`` and ``--outcome`` / ``-y`` of the co-pilot workflow and the studio
TreatmentOpt = Annotated[str | None, typer.Option("--treatment", "-t")]
OutcomeOpt = Annotated[str | None, typer.Option("--outcome", "-y")]

P = ParamSpec("P")
R = TypeVar("R")


class UnanswerableQuery(Exception):
    """A well-formed causal query that cannot be answered (e.g. not identifiable): exit 3."""


def error_line(exc: BaseException) -> str:
    """The one-line ``error: ...`` text for a user-input error ``exc``.

    Examples
    --------
    >>> error_line(KeyError("column 'Q' is missing"))
    "error: column 'Q' is missing"
    >>> error_line(IsADirectoryError(21, "Is a directory", "data"))
    "error: 'data' is a directory; give a file"
    """
    if isinstance(exc, KeyError) and exc.args:
        text = str(exc.args[0])
    elif isinstance(exc, UnicodeDecodeError):
        text = (f"a file is not UTF-8 text ({exc.reason} at byte {exc.start}); "
                "give a text file saved as UTF-8")
    elif isinstance(exc, OSError) and exc.filename is not None:
        text = _os_error_text(exc)
    else:
        text = str(exc) or type(exc).__name__
    return "error: " + " ".join(text.split())


def _os_error_text(exc: OSError) -> str:
    name = repr(str(exc.filename))
    if isinstance(exc, IsADirectoryError):
        return f"{name} is a directory; give a file"
    if isinstance(exc, NotADirectoryError):
        return f"{name}: a part of this path is a file, not a directory; fix the path"
    if isinstance(exc, FileNotFoundError):
        return f"{name} does not exist; check the path (and create its folder first)"
    if isinstance(exc, PermissionError):
        return f"permission denied for {name}; check the file's permissions"
    if isinstance(exc, FileExistsError):
        return f"{name} already exists and is in the way; remove it or choose another path"
    return f"{exc.strerror or type(exc).__name__}: {name}"


def cli_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn user-input errors into a one-line message on stderr and exit status 2 (3 for
    unanswerable queries, 1 for a language-model backend that fails) instead of a
    traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except UnanswerableQuery as exc:
            typer.echo(error_line(exc), err=True)
            raise typer.Exit(EXIT_UNANSWERABLE) from None
        except LMError as exc:
            typer.echo(error_line(exc), err=True)
            raise typer.Exit(EXIT_BACKEND) from None
        except (ValueError, KeyError, OSError) as exc:
            typer.echo(error_line(exc), err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None

    return wrapper


def print_json(obj: Any) -> None:
    """Print ``obj`` as indented JSON on stdout."""
    try:
        text = json.dumps(obj, indent=2, default=str, allow_nan=False)
    except ValueError as exc:  # NaN or infinity: invalid JSON, and never a silent answer
        raise ValueError("the result holds a NaN or infinite number, which JSON cannot carry "
                         "and rung does not report as an answer; rerun without --json to see "
                         "which value, and check the inputs that produced it") from exc
    sys.stdout.write(text + "\n")


def read_text_file(path: Path, what: str) -> str:
    """The UTF-8 text of ``path``; ``what`` (e.g. ``"--graph file"``) names it in errors.

    Examples
    --------
    >>> read_text_file(Path("/nonexistent.yaml"), "--descriptions file")
    Traceback (most recent call last):
    ...
    ValueError: --descriptions file '/nonexistent.yaml' does not exist; give an existing file
    """
    if path.is_dir():
        raise ValueError(f"{what} {str(path)!r} is a directory; give a file")
    if not path.is_file():
        raise ValueError(f"{what} {str(path)!r} does not exist; give an existing file")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{what} {str(path)!r} is not UTF-8 text ({exc.reason} at byte "
                         f"{exc.start}); give a text file") from None


def check_model_spec(model: str | None) -> str | None:
    """Check a ``--model`` spec before any work: it parses, and a model path it names exists.

    A missing model the user named is bad input (exit 2); a configured model that fails to
    load stays a backend failure (exit 1).

    Examples
    --------
    >>> check_model_spec("tiny")
    'tiny'
    >>> check_model_spec("gguf:/nonexistent.gguf")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: --model 'gguf:/nonexistent.gguf': GGUF file '/nonexistent.gguf' does not exist...
    """
    if model is None:
        return None
    from rung.lm.spec import BackendKind, parse_spec

    spec = parse_spec(model)
    path = Path(spec.model).expanduser()
    named_file = spec.kind is BackendKind.EMBEDDED and spec.model not in ("default", "tiny")
    if named_file and not path.is_file():
        raise ValueError(f"--model {model!r}: GGUF file {str(path)!r} does not exist; "
                         "give the path of an existing .gguf file")
    if named_file:
        with path.open("rb") as f:
            if f.read(4) != b"GGUF":
                raise ValueError(f"--model {model!r}: {str(path)!r} is not a GGUF model file "
                                 "(no GGUF header); give a .gguf file")
    if spec.kind is BackendKind.TRANSFORMERS and not path.is_dir():
        raise ValueError(f"--model {model!r}: {str(path)!r} is not a folder; give a local "
                         "Hugging Face checkpoint folder")
    return model


def check_output_dir(path: Path, option: str) -> Path:
    """``path`` unless it exists as something other than a directory (then ValueError).

    Examples
    --------
    >>> check_output_dir(Path("new-folder"), "--out")
    PosixPath('new-folder')
    """
    if path.exists() and not path.is_dir():
        raise ValueError(f"{option} {str(path)!r} is a file, not a folder; give a folder path "
                         "(it is created if missing)")
    return path


def check_output_file(path: Path, option: str) -> Path:
    """``path`` if it can be written: not a directory, and its folder exists.

    Examples
    --------
    >>> check_output_file(Path("graph.dot"), "--output")
    PosixPath('graph.dot')
    """
    if path.is_dir():
        raise ValueError(f"{option} {str(path)!r} is a directory; give a file name")
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise ValueError(f"{option} {str(path)!r}: {str(parent)!r} is a file, not a folder; "
                         "fix the path")
    if not parent.is_dir():
        raise ValueError(f"{option} {str(path)!r}: folder {str(parent)!r} does not exist; "
                         "create it first")
    return path


def working(message: str) -> Any:
    """A context manager showing a spinner and ``message`` on stderr while work runs (drawn
    on terminals only, so piped output and JSON stay clean)."""
    from rich.console import Console

    return Console(stderr=True).status(f"{message} …")
