"""``rung ask``: the LLM co-pilot's questions from the command line (parsing only)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.table import Table

from rung.cli._common import (
    check_model_spec,
    check_output_file,
    cli_errors,
    print_json,
    read_text_file,
    working,
)
from rung.cli.ask_recipe import ScmOut, report_recipe

__all__ = ["app", "parse_describe", "read_text_arg"]

app = typer.Typer(no_args_is_help=True)

Model = Annotated[
    str | None, typer.Option("--model", "-m", help="Backend spec: embedded, tiny, openai:M, ...")
]
Variants = Annotated[
    int | None, typer.Option("--variants", "-k", help="Prompt variants K (even: both orders).")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print the full result as JSON.")]
Templates = Annotated[
    Path | None, typer.Option("--templates", help="Extra prompt-template TOML file.")
]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Bypass the response cache.")]
Calibration = Annotated[
    Path | None,
    typer.Option("--calibration", help="Temperature calibration JSON (TemperatureCalibration)."),
]
Recipe = Annotated[bool, typer.Option(
    "--recipe", help="Program-aided: the LLM states the formal model, rung derives the answer.")]
RecipeVariables = Annotated[str | None, typer.Option(
    "--variables", help="--recipe: the story's yes/no variables 'a,b,c' (else extracted).")]
Formal = Annotated[Path | None, typer.Option(
    "--formal", help="--recipe: a corrected formal-model JSON (skips the extraction).")]


def _print_json(obj: Any) -> None:
    """``print_json``, after checking that the result holds no NaN or infinity (it would be
    invalid JSON): such a number means the backend broke (exit 1)."""
    import json

    from rung.lm.base import LMError

    try:
        json.dumps(obj, allow_nan=False, default=str)
    except ValueError:
        raise LMError("the result holds a non-finite number (NaN or infinity): the model's "
                      "answer is broken; check the backend with `rung lm info`") from None
    print_json(obj)


def _note(text: str) -> None:
    typer.echo(f"note: {text}", err=True)


def parse_describe(text: str, names: dict[str, str]) -> dict[str, str]:
    """Parse ``"A=desc;B=desc"``; keys are variable names (or ``A``/``B`` for the pair)."""
    out: dict[str, str] = {}
    known = {*names, *names.values()}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        key, sep, value = part.partition("=")
        if not sep or not value.strip():
            raise ValueError(f"--describe entry {part!r}: write NAME=description")
        if names and key.strip() not in known:
            raise ValueError(f"--describe names {key.strip()!r}, which is not one of "
                             f"{sorted(known)}; describe the variables asked about")
        name = names.get(key.strip(), key.strip())
        out[name] = value.strip()
    return out


def read_text_arg(value: str) -> str:
    """The file's text if ``value`` names an existing file, else ``value`` itself."""
    if not value.strip() or len(value) >= 4096 or "\n" in value:
        return value
    path = Path(value)
    if path.is_dir():
        raise ValueError(f"{value!r} is a directory; give the text itself or a file holding it")
    return read_text_file(path, "text file") if path.is_file() else value


def _backend(model: str | None, no_cache: bool) -> Any:
    from rung.lm import get_backend

    return get_backend(check_model_spec(model), cache=not no_cache)


#: no template book has near this many variants (the same bound as ``rung bench run``)
MAX_VARIANTS = 1000


def _variants(k: int | None) -> int | None:
    """``--variants`` unless below 2 (the library would silently use its default for 0)."""
    if k is not None and k < 2:
        raise ValueError(f"--variants {k}: ask for at least 2 variants (both option orders)")
    if k is not None and k > MAX_VARIANTS:
        raise ValueError(f"--variants {k} is out of range; give at most {MAX_VARIANTS:,}")
    return k


def _templates(path: Path | None) -> Any:
    from rung.copilot import load_templates

    if path is None:
        return None
    read_text_file(path, "--templates file")
    return load_templates(path)


def _json_file(path: Path, option: str, fix: str) -> Any:
    """The JSON in the file given to ``option``; a file that is not JSON is refused (exit 2),
    naming the file, where the fault is, and ``fix``."""
    import json

    text = read_text_file(path, f"{option} file")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{option} file {str(path)!r} is not JSON ({exc.msg} at line "
                         f"{exc.lineno}); {fix}") from None


def _calibration(path: Path | None) -> Any:
    """The ``--calibration`` file, refused (exit 2) unless its temperature is finite and > 0."""
    from rung.copilot import TemperatureCalibration

    if path is None:
        return None
    data = _json_file(path, "--calibration", "give a file saved by TemperatureCalibration")
    return TemperatureCalibration.from_json(data, f"--calibration file {str(path)!r}:")


def _template_notes(book: Any, result: Any, family: str, k: int | None) -> None:
    """Say on stderr which templates of a ``--templates`` file were not asked, and why."""
    from rung.copilot.variants import unasked_user_templates

    if book is None:
        return
    asked = {v.prompt_id for v in result.variants}
    for text in unasked_user_templates(book, family, asked, k=k or len(result.variants)):
        _note(text)


def _check_names(items: list[str], what: str, exclude: tuple[str, ...] = ()) -> list[str]:
    """Refuse empty, repeated or excluded entries of a repeated option, and names holding
    control or invisible characters (rung's one name rule, :func:`check_node_name`)."""
    from rung.graph.names import check_node_name

    for item in items:
        if not item.strip():
            raise ValueError(f"{what} {item!r} is empty; give non-empty text")
        check_node_name(item)
        if item in exclude:
            raise ValueError(f"{what} {item!r} is X or Y itself; give other variables")
    repeated = sorted({i for i in items if items.count(i) > 1})
    if repeated:
        raise ValueError(f"{what} repeats {repeated}; give each once")
    return items


def _show(result: Any, title: str, as_json: bool = False) -> None:
    """Print ``result`` as JSON, or as a table of its variants with the aggregate answer."""
    if as_json:
        _print_json(result.to_json())
        return
    console = Console()
    table = Table(title=title)
    for col in ("prompt", "order", "persona", "answer", "p"):
        table.add_column(col)
    for v in result.variants:
        table.add_row(v.prompt_id, v.order, v.persona, v.answer, f"{v.p:.2f}")
    console.print(table)
    probs = ", ".join(f"{k}: {p:.3f}" for k, p in result.probabilities.items())
    if result.decided:
        typer.echo(f"answer {result.answer}  ({probs})")
    else:
        typer.echo(f"answer undecided  (best guess {result.answer}; {probs})")
        typer.echo(f"  why: {result.decision.reason}")
    pb = result.position_bias
    typer.echo(
        f"agreement {result.agreement:.2f} · entropy {result.entropy:.2f} bits · "
        f"{result.calls} model calls · first-option share raw {_share(pb.first_share_raw)} → "
        f"debiased {_share(pb.first_share_debiased)}"
    )


def _asked(ask: Callable[..., Any], args: tuple[Any, ...], model: str | None, no_cache: bool,
           variants: int | None, **options: Any) -> Any:
    """``ask(*args, backend=..., variants=..., **options)``: a co-pilot function asked
    through ``--model`` / ``--no-cache`` / ``--variants`` (checked), under a spinner."""
    with working("asking the model"):
        return ask(*args, backend=_backend(model, no_cache), variants=_variants(variants),
                   **options)


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


@app.command("pairwise")
@cli_errors
def pairwise_cmd(
    a: str,
    b: str,
    describe: Annotated[
        str | None, typer.Option("--describe", help='Descriptions "A=...;B=...".')
    ] = None,
    context: Annotated[str | None, typer.Option(help="Background text for every prompt.")] = None,
    variants: Variants = None,
    model: Model = None,
    templates: Templates = None,
    no_none: Annotated[bool, typer.Option("--no-none", help="Only the two directions.")] = False,
    common_cause: Annotated[
        bool, typer.Option("--common-cause", help='Add the answer "common cause".')
    ] = False,
    calibration: Calibration = None,
    as_json: AsJson = False,
    no_cache: NoCache = False,
) -> None:
    """Which way does causation run between A and B? (A->B, B->A, none, or undecided)."""
    from rung.copilot import pairwise
    from rung.graph.names import check_node_name

    for name in (a, b):  # empty or equal names: the library's own messages
        if name.strip():
            check_node_name(name)
    desc = parse_describe(describe, {"A": a, "B": b}) if describe else None
    book = _templates(templates)
    cal = _calibration(calibration)
    result = _asked(pairwise, (a, b), model, no_cache, variants, descriptions=desc,
                    context=context, allow_none=not no_none, common_cause=common_cause,
                    templates=book, calibration=cal)
    _template_notes(book, result, "pairwise", variants)
    _show(result, f"{a} (A) vs {b} (B)", as_json)


def _read_descriptions(path: Path | None) -> dict[str, str] | None:
    if path is None:
        return None
    try:
        data = yaml.safe_load(read_text_file(path, "--descriptions file"))
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise ValueError(f"--descriptions file {str(path)!r} is not valid YAML{line}; write "
                         "'variable: description' lines") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: write a YAML mapping 'variable: description'")
    return {str(k): str(v) for k, v in data.items()}


@app.command("graph")
@cli_errors
def graph_cmd(
    variables: Annotated[str | None, typer.Option(help='Comma-separated names "a,b,c".')] = None,
    descriptions: Annotated[
        Path | None, typer.Option(help="YAML file: variable -> description.")
    ] = None,
    strategy: Annotated[str, typer.Option(help="pairs, bfs or parents.")] = "pairs",
    threshold: Annotated[float, typer.Option(help="Minimum edge confidence.")] = 0.5,
    top_k: Annotated[
        int | None, typer.Option("--top-k", help="Keep the K most confident edges instead.")
    ] = None,
    content_free: Annotated[
        bool, typer.Option("--content-free", help="Contextual calibration (pairs).")
    ] = False,
    variants: Variants = None,
    model: Model = None,
    templates: Templates = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write DOT.")] = None,
    as_json: AsJson = False,
    no_cache: NoCache = False,
) -> None:
    """Propose a whole causal graph with a confidence on every edge."""
    from rung.copilot import propose_graph

    desc = _read_descriptions(descriptions)
    names = [v.strip() for v in variables.split(",")] if variables else list(desc or {})
    if not names:
        raise ValueError("give --variables 'a,b,c' or a --descriptions file")
    if top_k is not None and top_k < 1:
        raise ValueError(f"--top-k {top_k}: keep at least 1 edge (or leave it out and use "
                         "--threshold)")
    if output is not None:
        check_output_file(output, "--output")
    proposal = propose_graph(
        names,
        desc,
        strategy=strategy,
        backend=_backend(model, no_cache),
        variants=_variants(variants),
        threshold=threshold,
        templates=_templates(templates),
        progress=True,
        top_k=top_k,
        content_free=content_free,
    )
    if output:
        output.write_text(proposal.to_dot(), encoding="utf-8")
    _graph_notes(proposal, output)
    if as_json:
        _print_json(proposal.to_json())
    elif not output:
        for e in proposal.edges:
            flag = "" if e.decided else "  (undecided)"
            typer.echo(f"{e.source} -> {e.target}  {e.confidence:.2f}{flag}")
        typer.echo(f"{proposal.calls} model calls; {len(proposal.repairs)} cycle repairs")


def _graph_notes(proposal: Any, output: Path | None) -> None:
    """Say on stderr that a graph is empty (why, and which flag would help), and which
    pairs were undecided."""
    for e in proposal.undecided:
        _note(f"undecided: {e.source} / {e.target} (best {e.source} -> {e.target} at "
              f"{e.confidence:.2f}); not in the graph")
    if proposal.empty_reason:
        where = f"{output} holds an empty graph" if output else "the graph is empty"
        typer.echo(f"warning: {where}: {proposal.empty_reason}", err=True)


@app.command("judgment")
@cli_errors
def judgment_cmd(
    vignette: Annotated[str, typer.Argument(help="Story text, or a file holding it.")],
    question: Annotated[str, typer.Option(help="The causal question.")] = (
        "Did the event cause the outcome?"
    ),
    variants: Variants = None,
    model: Model = None,
    templates: Templates = None,
    calibration: Calibration = None,
    as_json: AsJson = False,
    no_cache: NoCache = False,
    recipe: Recipe = False,
    recipe_variables: RecipeVariables = None,
    formal: Formal = None,
    scm_out: ScmOut = None,
) -> None:
    """How would a typical person answer a causal question about a story? (Yes/No)

    With --recipe the LLM only formalises the story (variables, edges, query, numbers) and
    rung derives the quantity; the extracted model is shown for you to correct (--formal).
    """
    from rung.copilot import judgment

    if recipe or recipe_variables or formal or scm_out:
        _recipe(vignette, question, model, no_cache, recipe_variables, formal, as_json,
                scm_out)
        return
    book = _templates(templates)
    cal = _calibration(calibration)
    result = _asked(judgment, (read_text_arg(vignette), question), model, no_cache, variants,
                    templates=book, calibration=cal)
    _template_notes(book, result, "choice", variants)
    _show(result, question, as_json)


@app.command("actual-cause")
@cli_errors
def actual_cause_cmd(
    vignette: Annotated[str, typer.Argument(help="Story text, or a file holding it.")],
    event: Annotated[str, typer.Option(help="The candidate cause.")],
    kind: Annotated[str, typer.Option(help="necessary or sufficient.")] = "necessary",
    variants: Variants = None,
    model: Model = None,
    as_json: AsJson = False,
    no_cache: NoCache = False,
) -> None:
    """Is EVENT a necessary (or sufficient) cause of the story's outcome? (Yes/No)"""
    from rung.copilot import actual_cause

    result = _asked(actual_cause, (read_text_arg(vignette), event, kind), model, no_cache,
                    variants)
    _show(result, f"{kind} cause: {event}", as_json)


@app.command("counterfactual")
@cli_errors
def counterfactual_cmd(
    premise: Annotated[str, typer.Argument(help="The premise, or a file holding it.")],
    question: Annotated[str, typer.Option(help="The counterfactual question.")],
    option: Annotated[list[str], typer.Option("--option", help="An answer (repeat).")],
    variants: Variants = None,
    model: Model = None,
    as_json: AsJson = False,
    no_cache: NoCache = False,
    recipe: Recipe = False,
    recipe_variables: RecipeVariables = None,
    formal: Formal = None,
    scm_out: ScmOut = None,
) -> None:
    """Which option answers the counterfactual question? (CRASS style)

    With --recipe the LLM only formalises the premise (variables, edges, query, numbers)
    and rung derives the quantity (the options are not mapped to it); the extracted model
    is shown for you to correct (--formal).
    """
    from rung.copilot import counterfactual

    if recipe or recipe_variables or formal or scm_out:
        _check_names(option, "--option")
        _recipe(premise, question, model, no_cache, recipe_variables, formal, as_json,
                scm_out)
        return
    result = _asked(counterfactual, (read_text_arg(premise), question,
                                     _check_names(option, "--option")), model, no_cache, variants)
    _show(result, question, as_json)


def _recipe(story: str, question: str, model: str | None, no_cache: bool,
            variables: str | None, formal: Path | None, as_json: bool,
            scm_out: Path | None) -> None:
    """Extract (or read) the formal model, derive the answer, show both; exit 3 when rung
    cannot derive it (the model is still shown, for correction)."""
    from rung.bench.story_recipe import FormalModel, extract_model

    if formal is not None:
        data = _json_file(formal, "--formal", "save the model printed by --recipe --json")
        try:
            fm = FormalModel.from_json(data)
        except (KeyError, TypeError) as exc:
            what = f"no {exc}" if isinstance(exc, KeyError) else str(exc)
            raise ValueError(f"--formal file {str(formal)!r} is not a formal model ({what}); "
                             "save the model printed by --recipe --json") from None
    else:
        names = _check_names([v.strip() for v in variables.split(",")], "--variables"
                             ) if variables else None
        with working("formalising the story"):
            fm = extract_model(read_text_arg(story), question, _backend(model, no_cache),
                               names)
    report_recipe(fm, as_json, scm_out, _print_json)


def _role_cmd(role: str) -> Any:
    def command(
        x: str,
        y: str,
        candidate: Annotated[
            list[str] | None, typer.Option("--candidate", help="Candidate to score (repeat).")
        ] = None,
        variants: Variants = None,
        model: Model = None,
        as_json: AsJson = False,
        no_cache: NoCache = False,
    ) -> None:
        from rung.copilot import Copilot, Role

        chosen = _check_names(candidate, "--candidate", (x, y)) if candidate else None
        with working("asking the model"):
            cp = Copilot(_backend(model, no_cache), _variants(variants))
            result = cp.role(Role(role), x, y, chosen)
        if as_json:
            _print_json(result.to_json())
            return
        for c in result.candidates:
            mark = "*" if c.confidence >= result.threshold else " "
            typer.echo(f"{mark} {c.name}  {c.confidence:.2f}  ({c.votes}/{c.asked} yes)")
        typer.echo(f"{result.calls} model calls")

    command.__doc__ = f"Score (or propose) {role}s of X -> Y; * marks accepted ones."
    return cli_errors(command)


# the values of rung.copilot.Role, spelled here so that `rung --help` need not import the
# co-pilot (tests/copilot/test_cli.py checks the two agree)
ROLE_NAMES = ("confounder", "mediator", "instrument")
for _role in ROLE_NAMES:
    app.command(f"{_role}s")(_role_cmd(_role))


@app.command("belief")
@cli_errors
def belief_cmd(
    a: str,
    b: str,
    edge_calibration: Annotated[
        Path | None,
        typer.Option("--edge-calibration", help="EdgeCalibration JSON (default: the shipped "
                     "one fitted for the model)."),
    ] = None,
    model: Model = None,
    as_json: AsJson = False,
    no_cache: NoCache = False,
) -> None:
    """Calibrated beliefs in A -> B and B -> A (both orders, content-free corrected, mapped
    by the edge calibration)."""
    from rung.copilot import Copilot, EdgeCalibration

    cal = None if edge_calibration is None else EdgeCalibration.from_json(_json_file(
        edge_calibration, "--edge-calibration", "give a file written by `rung ask calibrate -o`"))
    with working("asking the model"):
        beliefs = Copilot(_backend(model, no_cache), edge_calibration=cal).edge_beliefs(a, b)
    if as_json:
        _print_json([x.to_json() for x in beliefs])
        return
    for x in beliefs:
        cal_text = "none" if x.p_calibrated is None else f"{x.p_calibrated:.3f}"
        flag = "" if x.decided else "  (pair undecided)"
        typer.echo(f"{x.source} -> {x.target}: calibrated {cal_text}, raw {x.p_raw:.3f}{flag}")
    typer.echo(f"calibration: {beliefs[0].calibration or 'none'}")
    if beliefs[0].note:
        _note(beliefs[0].note)


@app.command("calibrate")
@cli_errors
def calibrate_cmd(
    pairs: Annotated[int, typer.Option("--pairs", help="Tübingen pairs to fit on.")] = 40,
    heldout: Annotated[
        int, typer.Option("--heldout", help="Further pairs held out to score the fit.")
    ] = 20,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the pair shuffle.")] = 0,
    variants: Variants = None,
    no_content_free: Annotated[
        bool, typer.Option("--no-content-free", help="Skip the content-free correction.")
    ] = False,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Folder holding tuebingen/pairs.csv.")
    ] = None,
    model: Model = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the calibration JSON here.")
    ] = None,
    no_cache: NoCache = False,
) -> None:
    """Fit the edge-belief calibration (Platt) of a model on Tübingen pairs with known
    direction, and score it on held-out pairs (ECE, Brier, log loss)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from rung.bench.items import PairItem
    from rung.bench.loaders import load_tuebingen
    from rung.copilot import Copilot, LabelledPair
    from rung.copilot.beliefs import calibrate_edges, split_pairs

    k = _variants(variants) or 2
    if output is not None:
        check_output_file(output, "--output")
    bench = load_tuebingen(data_dir)
    labelled = [LabelledPair(i.id, i.a, i.b, i.truth) for i in bench.items
                if isinstance(i, PairItem) and i.truth in ("A->B", "B->A")]
    fit, held = split_pairs(labelled, pairs, heldout, seed=seed)
    fitted_on = (f"Tübingen cause-effect pairs (Mooij et al. 2016; names only, dataset "
                 f"order): {len(fit)} to fit, {len(held)} held out, seeded split (seed {seed})")
    cols = (TextColumn("calibrating: {task.description}"), BarColumn(),
            TextColumn("{task.completed}/{task.total} pairs"), TimeRemainingColumn())
    with Progress(*cols, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=len(fit) + len(held))
        cal = calibrate_edges(
            Copilot(_backend(model, no_cache)), fit, held, fitted_on=fitted_on, variants=k,
            content_free=not no_content_free,
            tick=lambda p: bar.update(task, advance=1, description=f"{p.a} / {p.b}"),
        )
    if output is not None:
        import json

        output.write_text(json.dumps(cal.to_json(), indent=2, allow_nan=False) + "\n",
                          encoding="utf-8")
        typer.echo(cal.describe())
    else:
        _print_json(cal.to_json())

