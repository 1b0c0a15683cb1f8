"""``run_benchmark``: ask every (probe, item) question once, appending answers to a ledger.

The ledger (``answers.jsonl`` in the output folder) is fsync'd after each answer; a run
killed at any point and started again with the same folder skips everything already
answered. ``run.json`` records the configuration so that a resumed run cannot silently mix
models or variant counts; it is replaced atomically. One process at a time runs in a folder:
a second ``run_benchmark`` on a folder in use stops at once with
:class:`~rung.bench.runlock.RunLockedError`, naming the process that holds it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from rung.bench.files import read_json_file, write_text_atomic
from rung.bench.items import LADDER_MODES, BenchItem, Benchmark, LadderMode, LadderQuestion
from rung.bench.ledger import Ledger
from rung.bench.memorisation import ask_memorisation
from rung.bench.probes import make_probe, parse_probes
from rung.bench.registry import GENERATED, load_benchmark
from rung.bench.runlock import hold_run_dir
from rung.bench.tasks import ask_item, truth_of
from rung.lm.base import Backend
from rung.lm.redaction import redact

__all__ = ["RunConfig", "RunSummary", "plan_questions", "run_benchmark"]

LEDGER = "answers.jsonl"
CONFIG = "run.json"


@dataclass(frozen=True)
class RunConfig:
    """What to run: benchmark name, model spec, variants per question, item limit, probes;
    for a generated benchmark (``ladder``) also the number of items ``n``, the ``seed`` and
    the answering ``mode`` (``direct``, ``cot`` or ``recipe``).

    ``stratified`` (the ladder only, ``--stratified K``) asks
    :func:`rung.bench.ladder.stratified`'s subset of the generated items: the first K per
    rung x name type, by index order, with the full run's ids and prompts, so its answers
    pair with any other mode's on the same items. ``run.json`` records it (None when not
    given; a resume does not compare it), and the report scores what the ledger holds.

    Examples
    --------
    >>> ids = [q.id for q in RunConfig("ladder", n=90, seed=0, stratified=1).load().items]
    >>> len(ids), ids[:3]
    (9, ['ladder-s0-0000', 'ladder-s0-0001', 'ladder-s0-0004'])
    """

    benchmark: str
    model: str | None = None
    variants: int | None = None
    limit: int | None = None
    probes: tuple[str, ...] = field(default_factory=lambda: parse_probes("all"))
    data_dir: str | None = None
    n: int | None = None
    seed: int | None = None
    mode: LadderMode | None = None
    stratified: int | None = None

    def __post_init__(self) -> None:
        if self.limit is not None and self.limit < 1:
            raise ValueError(f"limit={self.limit}: give a positive number of items")
        if self.variants is not None and self.variants < 2:
            raise ValueError(f"variants={self.variants}: use at least 2 (both orders)")
        if self.n is not None and self.n < 1:
            raise ValueError(f"n={self.n}: generate at least 1 item")
        if self.mode is not None and self.mode not in LADDER_MODES:
            raise ValueError(f"mode={self.mode!r}: choose one of {', '.join(LADDER_MODES)}")
        if self.stratified is not None and (self.benchmark != "ladder" or self.stratified < 1):
            raise ValueError(f"--stratified {self.stratified}: give a positive number of "
                             f"items per stratum, for the ladder only (not {self.benchmark!r})")
        given = [k for k in ("n", "seed", "mode") if getattr(self, k) is not None]
        if given and self.benchmark not in GENERATED:
            raise ValueError(f"{', '.join(given)} apply to generated benchmarks "
                             f"({', '.join(sorted(GENERATED))}) only, not {self.benchmark!r}; "
                             "leave them out")

    def load(self) -> Benchmark:
        """The benchmark this configuration asks (generated with ``n``/``seed``/``mode``;
        with ``stratified``, its stratified subset in the generated order)."""
        if self.benchmark not in GENERATED:
            return load_benchmark(self.benchmark, self.data_dir)
        bench = load_benchmark(self.benchmark, self.data_dir, n=self.n, seed=self.seed,
                               mode=self.mode)
        if self.stratified is None:
            return bench
        from rung.bench.ladder import stratified

        by_id = {q.id: q for q in bench.items if isinstance(q, LadderQuestion)}
        kept = stratified([q.item for q in by_id.values()], self.stratified)
        return replace(bench, items=tuple(by_id[i.id] for i in kept))


@dataclass(frozen=True)
class RunSummary:
    """What a call to :func:`run_benchmark` did."""

    out: Path
    total: int
    resumed: int
    asked: int
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {"out": str(self.out), "total": self.total, "resumed": self.resumed,
                "asked": self.asked, "seconds": self.seconds}


@dataclass(frozen=True)
class Question:
    """One ledger entry to fill: a probe applied to an item (or a memorisation row)."""

    key: str
    probe: str
    item_id: str
    item: BenchItem | None = None
    memo: tuple[str, str] | None = None


def plan_questions(bench: Benchmark, config: RunConfig) -> Iterator[Question]:
    """Questions in ask order: per item, the base question then each probe (interleaved, so
    a partial run has paired answers); memorisation rows last."""
    item_probes = ["base", *[p for p in config.probes if p != "memorisation"]]
    probes = [make_probe(p) for p in item_probes]
    for index, item in enumerate(bench.items[: config.limit]):
        if isinstance(item, LadderQuestion):  # its names are its probe (commonsense, anti,
            yield Question(f"base/{item.id}", "base", item.id, item)  # nonsense)
            continue
        for probe in probes:
            perturbed = probe.apply(bench, item, index)
            if perturbed is not None:
                yield Question(f"{probe.name}/{item.id}", probe.name, item.id, perturbed)
    if "memorisation" in config.probes:
        for i, row in enumerate(bench.memo_rows[: config.limit]):
            yield Question(f"memorisation/{i}", "memorisation", f"row{i}", memo=row)


def _check_config(out: Path, config: RunConfig, model_id: str) -> None:
    path = out / CONFIG
    fixed: dict[str, Any] = {"benchmark": config.benchmark, "model_id": model_id,
                             "variants": config.variants}
    if config.benchmark in GENERATED:  # other seeds or modes are other items and answers
        fixed.update(seed=config.seed or 0, mode=config.mode or "direct")
    if path.exists():
        old = read_json_file(path, "the record of a benchmark run")
        if not isinstance(old, dict):
            raise ValueError(f"{str(path)!r} holds {type(old).__name__}, not the record of a "
                             "benchmark run; restore or remove it")
        for key, value in fixed.items():
            if old.get(key) != value:
                raise ValueError(
                    f"{out} holds a run with {key}={old.get(key)!r}, not {value!r}; "
                    "resume with the same settings or choose another --out"
                )
    record = {**asdict(config), **fixed, "probes": list(config.probes)}
    if config.model is not None:  # a model URL may carry a key: never stored in clear
        record["model"] = redact(config.model)
    write_text_atomic(path, json.dumps(record, indent=2) + "\n")


def _ask(question: Question, backend: Backend, variants: int | None) -> dict[str, Any]:
    start = time.perf_counter()
    if question.memo is not None:
        rec = ask_memorisation(backend, *question.memo)
    else:
        assert question.item is not None  # planned with an item
        rec = ask_item(question.item, backend, variants)
        rec["truth"] = truth_of(question.item)
        rec["correct"] = _is_correct(rec["answer"], rec["truth"])
    rec.update(key=question.key, probe=question.probe, item=question.item_id,
               seconds=round(time.perf_counter() - start, 4), time=time.time())
    return rec


def _is_correct(answer: str, truth: str) -> bool:
    if truth == "both":  # a 2-cycle: either direction is half of it, "none" misses it
        return answer in ("A->B", "B->A")
    return answer == truth


def _progress() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())


def run_benchmark(
    config: RunConfig, out: str | Path, *, backend: Backend | None = None,
    progress: bool = True,
) -> RunSummary:
    """Run (or resume) ``config`` into the folder ``out``.

    Parameters
    ----------
    config : RunConfig
        What to run.
    out : path
        Output folder holding ``run.json`` and the ``answers.jsonl`` ledger.
    backend : Backend, optional
        A ready backend; default ``rung.lm.get_backend(config.model)``.
    progress : bool
        Show a rich progress bar with ETA (on stderr).

    Raises
    ------
    RunLockedError
        Another process is running in ``out`` (checked before the model is loaded).
    """
    out = Path(out)
    bench = config.load()
    with hold_run_dir(out):
        if backend is None:
            from rung.lm import get_backend

            backend = get_backend(config.model)
        _check_config(out, config, backend.model_id)
        return _run_locked(bench, config, out, backend, progress)


def _run_locked(bench: Benchmark, config: RunConfig, out: Path, backend: Backend,
                progress: bool) -> RunSummary:
    ledger = Ledger(out / LEDGER)
    questions = list(plan_questions(bench, config))
    todo = [q for q in questions if q.key not in ledger]
    start = time.perf_counter()
    bar: Progress | _NoProgress = _progress() if progress else _NoProgress()
    with bar:
        task = bar.add_task(config.benchmark, total=len(questions),
                            completed=len(questions) - len(todo))
        for q in todo:
            ledger.append(_ask(q, backend, config.variants))
            bar.advance(task)
    return RunSummary(out, len(questions), len(questions) - len(todo), len(todo),
                      round(time.perf_counter() - start, 3))


class _NoProgress:
    """The progress-bar interface, silent."""

    def __enter__(self) -> _NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, description: str, total: int, completed: int) -> TaskID:
        return TaskID(0)

    def advance(self, task: TaskID) -> None:
        return None
