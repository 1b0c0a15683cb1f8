"""Run the co-pilot workflow step by step, saving each step's output as it completes.

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
from typing import Any

import pandas as pd
from rich.console import Console
from rich.markup import escape

from rung.lm import Backend
from rung.workflow.analysis import run_estimate, run_identify, run_verdict
from rung.workflow.assemble import run_report
from rung.workflow.config import CopilotConfig
from rung.workflow.graph_files import read_analyst_graph
from rung.workflow.inputs import check_data, check_query, data_fingerprint
from rung.workflow.steps import (
    RunContext,
    Step,
    run_data,
    run_input,
    run_llm,
    run_review,
)
from rung.workflow.store import RunStore, fingerprint
from rung.workflow.transform import apply_transform

__all__ = ["STEP_NAMES", "run_copilot", "steps_for"]


def _p_llm(c: CopilotConfig) -> dict[str, Any]:
    return {"model": c.model, "strategy": c.strategy, "threshold": c.llm_threshold,
            "top_k": c.llm_top_k, "pairs": "all" if c.asks_all_pairs else "skeleton",
            "extra": c.llm_extra_pairs, "variants": c.llm_variants,
            "descriptions": dict(c.descriptions or {}), "version": 2}


def _p_data(c: CopilotConfig) -> dict[str, Any]:
    knowledge = {"at": c.knowledge_at} if c.use_knowledge else None
    return {"discovery": c.discovery, "alpha": c.alpha, "knowledge": knowledge, "version": 2}


def _p_review(c: CopilotConfig) -> dict[str, Any]:
    return {"graph": c.analyst_graph, "reference": c.reference_edges, "rule": 3,
            "threshold": c.orientation_threshold}


def _p_query(c: CopilotConfig) -> dict[str, Any]:
    return {"treatment": c.treatment, "outcome": c.outcome}


def _p_estimate(c: CopilotConfig) -> dict[str, Any]:
    return {"contrast": c.contrast, "bootstrap": c.bootstrap, "seed": c.seed,
            "samples": c.generative_samples}


def _p_verdict(c: CopilotConfig) -> dict[str, Any]:
    return {"threshold": c.orientation_threshold, "limit": c.class_limit, "version": 1}


def _p_input(c: CopilotConfig) -> dict[str, Any]:
    return {"transform": c.transform, "preparation": list(c.data_notes)}


_INPUT = Step("input", "check the data", run_input, _p_input)
_LLM = Step("llm", "LLM judges the pairs", run_llm, _p_llm)
_DATA = Step("data", "discover a graph from the data", run_data, _p_data)
_LATER = (
    Step("review", "disagreements and the final graph", run_review, _p_review),
    Step("identify", "identify P(Y | do(X))", run_identify, _p_query),
    Step("estimate", "estimate the effect", run_estimate, _p_estimate),
    Step("verdict", "the effect over every plausible graph, and the verdict", run_verdict,
         _p_verdict),
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
    keys["report"] = fingerprint({"step": "report", "prev": prev, "title": config.title,
                                  "source": config.source, "truth": config.true_effect,
                                  "notes": list(config.notes)})
    return keys


def _validate(data: pd.DataFrame, config: CopilotConfig) -> pd.DataFrame:
    config.validate()
    data = check_data(data, source=config.source)
    data = apply_transform(data, config.transform)
    check_query(list(data.columns), config.treatment, config.outcome)
    if config.analyst_graph is not None:
        read_analyst_graph(config.analyst_graph, list(data.columns),
                           query=(config.treatment, config.outcome))
    return data


def _step_runner(console: Console, total: int) -> Callable[[int, str, str, bool, float], None]:
    def show(k: int, name: str, title: str, cached: bool, seconds: float) -> None:
        status = "[dim]done earlier, reused[/dim]" if cached else f"done in {seconds:.1f} s"
        console.print(f"[bold cyan][{k}/{total}][/bold cyan] {title}: {status}")

    return show


def run_copilot(
    data: pd.DataFrame,
    config: CopilotConfig,
    out_dir: str | os.PathLike[str],
    *,
    backend: Backend | None = None,
    console: Console | None = None,
    show_progress: bool = True,
) -> dict[str, Any]:
    """Run (or resume) the whole workflow; return the content of ``result.json``.

    Parameters
    ----------
    data : DataFrame
        Numeric columns (checked before anything is written).
    config : CopilotConfig
        The query and settings.
    out_dir : path
        Where every step's output goes; re-using it resumes.
    backend : Backend, optional
        The language model (default: ``rung.lm.get_backend(config.model)``).
    console : rich Console, optional
        Where progress goes (default: stderr).
    """
    data = _validate(data, config)
    con = console or Console(stderr=True)
    store = RunStore(out_dir)
    if backend is None and config.model is not None:
        from rung.lm import get_backend

        backend = get_backend(config.model)
    ctx = RunContext(store, config, data, backend, show_progress)
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
        seconds, reused = _run_step(ctx, step, keys[step.name], done)
        timings[step.name] = {"seconds": round(seconds, 3), "reused": reused}
        show(k, step.name, step.title, reused, seconds)
    t0 = time.perf_counter()
    outputs = run_report(ctx, timings)
    store.mark_done("report", keys["report"], outputs, {"seconds": time.perf_counter() - t0})
    show(len(STEP_NAMES), "report", "write the report", False, time.perf_counter() - t0)
    result: dict[str, Any] = store.read_json("result.json")
    return result


def _run_step(ctx: RunContext, step: Step, key: str, done: bool) -> tuple[float, bool]:
    """Run one step unless already done; (seconds it took, whether it was reused)."""
    store = ctx.store
    if done:
        meta = store.read_json(f".steps/{step.name}.json")
        return float(meta.get("seconds", 0.0)), True
    store.forget(step.name)
    t0 = time.perf_counter()
    outputs = step.run(ctx)
    seconds = time.perf_counter() - t0
    store.mark_done(step.name, key, outputs, {"seconds": seconds})
    return seconds, False
