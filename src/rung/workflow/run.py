"""Run the co-pilot workflow step by step, saving each step's output as it completes.

Each step is a plain function from typed artifacts to one (:mod:`rung.workflow.steps`,
:mod:`rung.workflow.analysis`, :mod:`rung.workflow.assemble`); this runner alone owns the
fingerprints, the caching, resuming and every file of the run directory: it writes each
artifact's ``files()`` and reads a finished step's artifact back with ``from_files``.

Re-running with the same output directory resumes at the first unfinished step: a step is
skipped when its completion record carries the same fingerprint, which chains the data, the
settings that step depends on and the fingerprints of all earlier steps. Changing a setting
(e.g. passing ``--graph``) therefore re-runs that step and everything after it, and nothing
before it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from rich.console import Console
from rich.markup import escape

from rung.lm import Backend
from rung.workflow.analysis import assess, estimate_effects, identify_effect
from rung.workflow.artifacts import (
    Estimates,
    InputSummary,
    LLMGraph,
    Reader,
    RunResult,
)
from rung.workflow.assemble import Artifacts, render_report
from rung.workflow.config import CopilotConfig
from rung.workflow.fused import FUSION_WEIGHT, MAX_UNCAPPED
from rung.workflow.fused_steps import load_assessment, load_data_graph, load_review
from rung.workflow.graph_files import read_analyst_graph
from rung.workflow.inputs import check_data, check_query, data_fingerprint
from rung.workflow.steps import ask_llm, discover_graph, review_graphs, summarize_input
from rung.workflow.store import ArtifactError, RunStore, fingerprint
from rung.workflow.transform import apply_transform

__all__ = ["STEP_NAMES", "Step", "run_copilot", "run_steps", "steps_for"]


@dataclass
class _Run:
    """One run's inputs and the artifacts produced (or read back) so far, by step name."""

    config: CopilotConfig
    data: pd.DataFrame
    backend: Backend | None
    progress: bool
    done: dict[str, Any] = field(default_factory=dict)

    def lm(self) -> Backend:
        if self.backend is None:
            from rung.lm import get_backend

            self.backend = get_backend(self.config.llm.model)
        return self.backend


@dataclass(frozen=True)
class Step:
    """One resumable step: ``run`` computes its artifact from the earlier ones, ``load``
    reads it back from the run directory; ``params`` returns the settings that, when
    changed, make the step (and all later ones) run again."""

    name: str
    title: str
    run: Callable[[_Run], Any]
    load: Callable[[_Run, Reader], Any]
    params: Callable[[CopilotConfig], dict[str, Any]]


def _p_llm(c: CopilotConfig) -> dict[str, Any]:
    m = c.llm
    return {"model": m.model, "strategy": m.strategy, "threshold": m.threshold,
            "top_k": m.top_k, "pairs": "all" if c.asks_all_pairs else "skeleton",
            "extra": m.extra_pairs, "variants": m.variants,
            "descriptions": dict(m.descriptions or {}), "version": 2}


def _p_data(c: CopilotConfig) -> dict[str, Any]:
    d = c.discovery
    knowledge = {"at": d.knowledge_at} if d.use_knowledge else None
    out: dict[str, Any] = {"discovery": d.method, "alpha": d.alpha, "knowledge": knowledge,
                           "version": 2}
    if d.method == "auto":  # the fused path: the search focuses on the treatment
        out |= {"version": 3, "treatment": c.treatment, "uncapped": MAX_UNCAPPED,
                "categorical": sorted(c.data.categorical)}
    return out


def _p_review(c: CopilotConfig) -> dict[str, Any]:
    r = c.review
    return {"graph": r.analyst_graph, "reference": r.reference_edges, "rule": 5,
            "threshold": r.orientation_threshold, "weight": FUSION_WEIGHT,
            "outcome": c.outcome}


def _p_query(c: CopilotConfig) -> dict[str, Any]:
    return {"treatment": c.treatment, "outcome": c.outcome}


def _p_estimate(c: CopilotConfig) -> dict[str, Any]:
    e = c.estimate
    out: dict[str, Any] = {"contrast": e.contrast, "bootstrap": e.bootstrap, "seed": c.seed,
                           "samples": e.generative_samples}
    if c.data.categorical:
        out["categorical"] = sorted(c.data.categorical)
    return out


def _p_verdict(c: CopilotConfig) -> dict[str, Any]:
    return {"threshold": c.review.orientation_threshold, "limit": c.review.class_limit,
            "version": 2}


def _p_input(c: CopilotConfig) -> dict[str, Any]:
    return {"transform": c.data.transform, "preparation": list(c.data.preparation)}


def _identify(r: _Run) -> Any:
    return identify_effect(r.config, r.done["review"])


_INPUT = Step("input", "check the data", lambda r: summarize_input(r.data, r.config),
              lambda r, read: InputSummary.from_files(read), _p_input)
_LLM = Step("llm", "LLM judges the pairs",
            lambda r: ask_llm(r.data, r.config, r.lm(), r.done.get("data"),
                              progress=r.progress),
            lambda r, read: LLMGraph.from_files(read), _p_llm)
_DATA = Step("data", "discover a graph from the data",
             lambda r: discover_graph(r.data, r.config, r.done.get("llm")),
             lambda r, read: load_data_graph(read), _p_data)
_LATER = (
    Step("review", "disagreements and the final graph",
         lambda r: review_graphs(r.data, r.config, r.done["llm"], r.done["data"]),
         lambda r, read: load_review(read), _p_review),
    # identification is pure and takes milliseconds: a resumed run recomputes the typed
    # Identification from the final graph (identification.json is its record)
    Step("identify", "identify P(Y | do(X))", _identify, lambda r, read: _identify(r),
         _p_query),
    Step("estimate", "estimate the effect",
         lambda r: estimate_effects(r.data, r.config, r.done["review"], r.done["identify"]),
         lambda r, read: Estimates.from_files(read), _p_estimate),
    Step("verdict", "the effect over every plausible graph, and the verdict",
         lambda r: assess(r.data, r.config, r.done["data"], r.done["llm"], r.done["review"],
                          r.done["identify"], r.done["estimate"]),
         lambda r, read: load_assessment(read), _p_verdict),
)
STEPS: tuple[Step, ...] = (_INPUT, _DATA, _LLM, *_LATER)
STEP_NAMES = (*(s.name for s in STEPS), "report")


def steps_for(config: CopilotConfig) -> tuple[Step, ...]:
    """The steps in run order: data before the LLM (which then asks only about the pairs
    that matter), unless the LLM must ask every pair first (``use_knowledge`` or
    ``llm_pairs="all"``)."""
    if config.asks_all_pairs:
        return (_INPUT, _LLM, _DATA, *_LATER)
    return STEPS


def _keys(config: CopilotConfig, data_key: str, backend_id: str | None = None
          ) -> dict[str, str]:
    """Each step's fingerprint: the data, the step's settings, every earlier step's key, and
    (for the LLM step) which backend answers, so another model never reuses old answers."""
    keys: dict[str, str] = {}
    prev = fingerprint({"data": data_key, "version": 1})
    for step in steps_for(config):
        params = step.params(config)
        if step.name == "llm" and backend_id is not None:
            params = {**params, "backend": backend_id}
        prev = fingerprint({"step": step.name, "prev": prev, "params": params})
        keys[step.name] = prev
    rep = config.report
    keys["report"] = fingerprint({"step": "report", "prev": prev, "title": rep.title,
                                  "source": config.data.source, "truth": rep.true_effect,
                                  "notes": list(rep.notes)})
    return keys


def _validate(data: pd.DataFrame, config: CopilotConfig) -> pd.DataFrame:
    data = check_data(data, source=config.data.source)  # the config checked itself
    data = apply_transform(data, config.data.transform)
    check_query(list(data.columns), config.treatment, config.outcome)
    if config.review.analyst_graph is not None:
        read_analyst_graph(config.review.analyst_graph, list(data.columns),
                           query=(config.treatment, config.outcome))
    return data


def _step_runner(console: Console, total: int) -> Callable[[int, str, str, bool, float], None]:
    def show(k: int, name: str, title: str, cached: bool, seconds: float) -> None:
        status = "[dim]done earlier, reused[/dim]" if cached else f"done in {seconds:.1f} s"
        console.print(f"[bold cyan][{k}/{total}][/bold cyan] {title}: {status}")

    return show


def _run_until(data: pd.DataFrame, config: CopilotConfig, store: RunStore,
               backend: Backend | None, con: Console, show_progress: bool,
               until: str | None) -> tuple[_Run, dict[str, str], dict[str, Any]]:
    """Run (or read back) the steps in order, stopping after ``until`` (None: all of them
    before the report); (the run, the fingerprints, the timings)."""
    if backend is None and config.llm.model is not None:
        from rung.lm import get_backend

        backend = get_backend(config.llm.model)
    run = _Run(config, data, backend, show_progress)
    keys = _keys(config, data_fingerprint(data),
                 None if backend is None else str(getattr(backend, "model_id", "")))
    show = _step_runner(con, len(STEP_NAMES))
    timings: dict[str, Any] = {}
    for k, step in enumerate(steps_for(config), start=1):
        done = store.is_done(step.name, keys[step.name])
        for msg in store.rebuilt:
            con.print(f"[yellow]{escape(msg)}[/yellow]")
        store.rebuilt.clear()
        if show_progress and not done:
            con.print(f"[bold cyan][{k}/{len(STEP_NAMES)}][/bold cyan] {step.title} ...")
        seconds, reused = _run_step(run, store, step, keys[step.name], done)
        timings[step.name] = {"seconds": round(seconds, 3), "reused": reused}
        show(k, step.name, step.title, reused, seconds)
        if step.name == until:
            break
    return run, keys, timings


def run_steps(data: pd.DataFrame, config: CopilotConfig, out_dir: str | os.PathLike[str],
              *, until: str, backend: Backend | None = None, console: Console | None = None,
              show_progress: bool = False) -> dict[str, Any]:
    """Run (or resume) the workflow up to and including step ``until`` (one of
    :data:`STEP_NAMES` but ``"report"``), as :func:`run_copilot` would; return the
    artifacts by step name. A later :func:`run_copilot` in ``out_dir`` reuses them.

    Raises
    ------
    ValueError
        ``until`` is not a step name.
    """
    names = [s.name for s in steps_for(config)]
    if until not in names:
        raise ValueError(f"until={until!r} is not a step; choose one of {names}")
    data = _validate(data, config)
    run, _, _ = _run_until(data, config, RunStore(out_dir), backend,
                           console or Console(stderr=True), show_progress, until)
    return dict(run.done)


def run_copilot(
    data: pd.DataFrame,
    config: CopilotConfig,
    out_dir: str | os.PathLike[str],
    *,
    backend: Backend | None = None,
    console: Console | None = None,
    show_progress: bool = True,
) -> RunResult:
    """Run (or resume) the whole workflow; return the typed ``result.json`` it wrote
    (``.to_json()`` is the file's content).

    Parameters
    ----------
    data : DataFrame
        Numeric columns (checked before anything is written).
    config : CopilotConfig
        The query and settings.
    out_dir : path
        Where every step's output goes; re-using it resumes.
    backend : Backend, optional
        The language model (default: ``rung.lm.get_backend(config.llm.model)``).
    console : rich Console, optional
        Where progress goes (default: stderr).
    """
    data = _validate(data, config)
    con = console or Console(stderr=True)
    store = RunStore(out_dir)
    run, keys, timings = _run_until(data, config, store, backend, con, show_progress, None)
    t0 = time.perf_counter()
    d = run.done
    art = Artifacts(d["input"], d["llm"], d["data"], d["review"], d["identify"],
                    d["estimate"], d["verdict"])
    result, html = render_report(data, config, art, timings)
    store.write_json("result.json", result.to_json())
    store.write_text("report.html", html)
    store.mark_done("report", keys["report"], ["result.json", "report.html"],
                    {"seconds": time.perf_counter() - t0})
    _step_runner(con, len(STEP_NAMES))(len(STEP_NAMES), "report", "write the report", False,
                                       time.perf_counter() - t0)
    return result


def _save(store: RunStore, artifact: Any) -> list[str]:
    """Write every file of ``artifact`` (JSON objects as JSON, strings as text)."""
    names = []
    for name, content in artifact.files().items():
        if isinstance(content, str):
            store.write_text(name, content)
        else:
            store.write_json(name, content)
        names.append(name)
    return names


def _run_step(run: _Run, store: RunStore, step: Step, key: str, done: bool
              ) -> tuple[float, bool]:
    """Run one step, or read its artifact back when it is done (a file that no longer
    parses as its artifact makes it run again); (seconds it took, whether reused)."""
    if done:
        try:
            run.done[step.name] = step.load(run, store.read)
            return store.recorded_seconds(step.name), True
        except (ArtifactError, KeyError, TypeError, ValueError):
            pass
    store.forget(step.name)
    t0 = time.perf_counter()
    artifact = step.run(run)
    seconds = time.perf_counter() - t0
    outputs = _save(store, artifact) if hasattr(artifact, "files") else []
    run.done[step.name] = artifact
    store.mark_done(step.name, key, outputs, {"seconds": seconds})
    return seconds, False
