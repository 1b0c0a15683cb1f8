"""``run_sweep``: models × benchmarks × K (variants) with a probe set, run as resumable
tasks, locally or on Ray (:mod:`rung.bench.sweep_ray`), and one side-by-side report.

A sweep file (TOML; top-level keys before the ``[models]`` table)::

    benchmarks = ["tuebingen", "crass_ai"]
    variants = [2, 8]            # K values; each at least 2
    probes = "order,rename"      # as `rung bench run --probes`; every task asks them all
    limit = 20                   # optional: first N items of each benchmark
    data_dir = "/data"           # optional (else RUNG_DATA ...)

    [models]                     # label = rung.lm spec (a pool: "http://a/v1,http://b/v1|m")
    smol = "tiny"
    qwen = "http://10.0.0.1:8000/v1,http://10.0.0.2:8000/v1|Qwen/Qwen2.5-7B-Instruct"

One **task** is one (model, benchmark, K): an ordinary benchmark run (:func:`run_benchmark`)
in ``OUT/<model>/<benchmark>/K<k>/``, whose fsync'd answer ledger makes it resumable
question by question. A finished task is appended to the sweep's own fsync'd ledger
``OUT/sweep.jsonl``. A killed worker or driver therefore loses at most the question in
flight, and a resumed sweep asks nothing already answered (the run lock keeps one process
per task folder). ``OUT/sweep.md`` and ``sweep.json`` compare the models side by side: the
base accuracy with its Wilson interval and each probe's paired gap with Tango's interval
(:mod:`rung.bench.scoring`).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rung.bench.files import write_text_atomic
from rung.bench.ledger import Ledger
from rung.bench.probes import parse_probes
from rung.bench.report import write_report
from rung.bench.runner import RunConfig, run_benchmark
from rung.lm.base import Backend
from rung.lm.redaction import redact

__all__ = ["SWEEP_LEDGER", "SweepPlan", "SweepTask", "load_sweep", "run_sweep", "run_task",
           "sweep_report"]

SWEEP_LEDGER = "sweep.jsonl"
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class SweepTask:
    """One (model, benchmark, K) run of a sweep."""

    model: str  # the label: a folder name
    spec: str  # the rung.lm spec (may hold a credential: never stored in clear)
    benchmark: str
    variants: int
    probes: tuple[str, ...]
    limit: int | None = None
    data_dir: str | None = None

    @property
    def key(self) -> str:
        """``model/benchmark/K<k>``: the ledger key and the task's folder under OUT."""
        return f"{self.model}/{self.benchmark}/K{self.variants}"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "probes": list(self.probes)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SweepTask:
        return cls(str(data["model"]), str(data["spec"]), str(data["benchmark"]),
                   int(data["variants"]), tuple(data["probes"]), data.get("limit"),
                   data.get("data_dir"))


@dataclass(frozen=True)
class SweepPlan:
    """What a sweep file asks: every model × benchmark × K, each with the probe set."""

    models: tuple[tuple[str, str], ...]
    benchmarks: tuple[str, ...]
    variants: tuple[int, ...]
    probes: tuple[str, ...]
    limit: int | None = None
    data_dir: str | None = None

    def tasks(self) -> list[SweepTask]:
        """Tasks in run order: per benchmark and K, every model (so a partial sweep
        already compares models)."""
        return [SweepTask(label, spec, bench, k, self.probes, self.limit, self.data_dir)
                for bench in self.benchmarks for k in self.variants
                for label, spec in self.models]


def _benchmarks(raw: Any, path: Path) -> tuple[str, ...]:
    from rung.bench.registry import BENCHMARKS, GENERATED

    if not isinstance(raw, list) or not raw or not all(isinstance(x, str) and x for x in raw):
        raise ValueError(f"{path}: benchmarks = {raw!r}; give a non-empty list of names, "
                         "e.g. benchmarks = [\"tuebingen\"]")
    known = [*BENCHMARKS, *sorted(GENERATED)]
    unknown = [b for b in raw if b not in known]
    if unknown:
        raise ValueError(f"{path}: unknown benchmarks {unknown}; use names from "
                         f"`rung data list`: {', '.join(known)}")
    return tuple(dict.fromkeys(raw))


def _models(raw: Any, path: Path) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, dict) or not raw:
        raise ValueError(f"{path}: no [models] table; add one, e.g. [models] then smol = \"tiny\"")
    out = []
    for label, spec in raw.items():
        if not _LABEL.match(label) or not isinstance(spec, str) or not spec.strip():
            raise ValueError(redact(f"{path}: model {label!r} = {spec!r}; a label of letters, "
                                    "digits, '_', '.', '-' set to a rung.lm spec string"))
        out.append((label, spec.strip()))
    return tuple(out)


def _variants(raw: Any, path: Path) -> tuple[int, ...]:
    if not isinstance(raw, list) or not raw or not all(
            isinstance(k, int) and not isinstance(k, bool) and 2 <= k <= 1000 for k in raw):
        raise ValueError(f"{path}: variants = {raw!r}; give a list of K values in 2..1000, "
                         "e.g. variants = [2, 8]")
    return tuple(dict.fromkeys(raw))


def load_sweep(path: str | Path) -> SweepPlan:
    """Read and check a sweep file (see the module docstring).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "s.toml"
    >>> _ = f.write_text('benchmarks = ["crass_ai"]\\nvariants = [2]\\nprobes = "order"\\n'
    ...                  '[models]\\nsmol = "tiny"\\n')
    >>> [t.key for t in load_sweep(f).tasks()]
    ['smol/crass_ai/K2']
    """
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read sweep file {str(file)!r} ({exc}); give a TOML "
                         "file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{file} is not valid TOML ({exc}); fix the line it names") from None
    unknown = sorted(set(data) - {"benchmarks", "variants", "probes", "limit", "data_dir",
                                  "models"})
    if unknown:
        raise ValueError(f"{file}: unknown keys {unknown}; use benchmarks, variants, probes, "
                         "limit, data_dir and a [models] table")
    limit = data.get("limit")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool)
                              or limit < 1):
        raise ValueError(f"{file}: limit = {limit!r}; give a positive number of items")
    probes = data.get("probes", "all")
    if not isinstance(probes, str):
        raise ValueError(f"{file}: probes = {probes!r}; give a string such as \"order,rename\"")
    data_dir = data.get("data_dir")
    return SweepPlan(_models(data.get("models"), file),
                     _benchmarks(data.get("benchmarks"), file),
                     _variants(data.get("variants", [2]), file), parse_probes(probes), limit,
                     None if data_dir is None else str(data_dir))


def run_task(task: SweepTask, out: Path, backend: Backend | None = None) -> dict[str, Any]:
    """Run (or resume) one task in ``out/<task.key>``; its ledger record (no credential)."""
    from rung.lm.pool import EndpointPool

    if backend is None:
        from rung.lm import get_backend

        backend = get_backend(task.spec)
    config = RunConfig(task.benchmark, task.spec, task.variants, task.limit, task.probes,
                       task.data_dir)
    summary = run_benchmark(config, out / task.key, backend=backend, progress=False)
    write_report(out / task.key, task.data_dir)
    record: dict[str, Any] = {**task.to_json(), "spec": redact(task.spec), "key": task.key,
                              "model_id": backend.model_id, **summary.to_json()}
    inner = getattr(backend, "inner", backend)
    if isinstance(inner, EndpointPool):
        record["endpoints"] = [s.to_json() for s in inner.stats()]
    return record


Runner = Callable[[Sequence[SweepTask], Path, Ledger], None]


def _run_local(tasks: Sequence[SweepTask], out: Path, ledger: Ledger) -> None:
    backends: dict[str, Backend] = {}  # one backend (and one pool) per model
    for task in tasks:
        if task.spec not in backends:
            from rung.lm import get_backend

            backends[task.spec] = get_backend(task.spec)
        ledger.append(run_task(task, out, backends[task.spec]))


def run_sweep(plan: SweepPlan, out: str | Path, *, ray_address: str | None = None) -> Path:
    """Run (or resume) every task of ``plan`` not yet in ``out/sweep.jsonl``, then write
    the combined report; returns the path of ``sweep.md``.

    Parameters
    ----------
    plan : SweepPlan
        From :func:`load_sweep`.
    out : path
        The sweep folder (shared by every worker: on a cluster, a shared file system).
    ray_address : str, optional
        Run the tasks on the Ray cluster at this address (``auto``, ``HOST:PORT``), one
        task per worker, retried on another worker when one dies.
    """
    folder = Path(out)
    ledger = Ledger(folder / SWEEP_LEDGER)
    todo = [t for t in plan.tasks() if t.key not in ledger]
    runner: Runner = _run_local
    if ray_address is not None:
        from rung.bench.sweep_ray import ray_runner

        runner = ray_runner(ray_address)
    if todo:
        runner(todo, folder, ledger)
    return sweep_report(plan, folder)


def _cell(value: Any) -> str:
    return "–" if value is None else str(value)


def _comparison(
    plan: SweepPlan, folder: Path, bench: str, k: int
) -> tuple[list[str], dict[str, Any]]:
    probes = ["base", *[p for p in plan.probes if p != "memorisation"]]
    head = "| model | model id | n | base accuracy [95% CI] | " + " | ".join(
        f"gap {p} [95% CI]" for p in probes[1:]) + " |"
    lines = [f"### {bench}, K = {k}", "", head, "|" + "---|" * (4 + len(probes) - 1)]
    rows = []
    for label, _spec in plan.models:
        path = folder / label / bench / f"K{k}" / "scores.json"
        if not path.is_file():
            lines.append(f"| {label} | (not run yet) |" + " |" * (2 + len(probes) - 1))
            continue
        scores = json.loads(path.read_text())
        by = {p["probe"]: p for p in scores["probes"]}
        base = by.get("base", {}).get("accuracy")
        gaps = [by.get(p, {}).get("gap") for p in probes[1:]]
        rows.append({"model": label, "model_id": scores["model_id"], "base": base,
                     "gaps": dict(zip(probes[1:], gaps, strict=True))})
        lines.append(f"| {label} | {scores['model_id']} | {_cell(base and base['n'])} | "
                     f"{_fmt(base)} | " + " | ".join(_fmt(g) for g in gaps) + " |")
    return [*lines, ""], {"benchmark": bench, "variants": k, "models": rows}


def _fmt(est: dict[str, Any] | None) -> str:
    if not est:
        return "–"
    return f"{est['value']:.3f} [{est['low']:.3f}, {est['high']:.3f}]"


def sweep_report(plan: SweepPlan, out: str | Path) -> Path:
    """Write ``sweep.md`` and ``sweep.json`` (models side by side per benchmark and K,
    from each task's ``scores.json``, plus each task's ledger record); the ``.md`` path."""
    folder = Path(out)
    ledger = Ledger(folder / SWEEP_LEDGER, writable=False)
    lines = ["# rung bench sweep", "", f"{len(ledger)} of {len(plan.tasks())} tasks done. "
             "Accuracy: Wilson 95% interval; gap = base − probe on the same items, Tango's "
             "paired 95% interval (a gap whose interval excludes 0 is a real drop).", ""]
    tables = []
    for bench in plan.benchmarks:
        for k in plan.variants:
            md, table = _comparison(plan, folder, bench, k)
            lines += md
            tables.append(table)
    lines += _endpoint_lines(ledger)
    write_text_atomic(folder / "sweep.md", "\n".join(lines) + "\n")
    doc = {"tasks": list(ledger), "comparisons": tables}
    write_text_atomic(folder / "sweep.json", json.dumps(doc, indent=2, default=str) + "\n")
    return folder / "sweep.md"


def _endpoint_lines(records: Iterable[dict[str, Any]]) -> list[str]:
    rows = [(r["key"], e) for r in records for e in r.get("endpoints", [])]
    if not rows:
        return []
    lines = ["### Endpoints (cumulative per worker process, at the end of each task)", "",
             "| task | endpoint | ok | failed | mean s | p95 s |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {key} | {e['url']} | {e['ok']} | {e['failed']} | {e['mean_s']:.3f} | "
              f"{e['p95_s']:.3f} |" for key, e in rows]
    return [*lines, ""]
