"""The one module of the studio that reads and writes the run directory.

A studio session is a ``rung copilot`` run directory: the studio reads the files the
workflow writes (``input.json``, ``data_graph.json``, ``llm_graph.json``,
``final_graph.json``, ``verdict.json``, ...) through their artifact types
(:mod:`rung.workflow.artifacts`: each file is read by the type that wrote it), writes the
analyst's current graph to ``final_graph.dot`` (the file ``rung copilot --graph
DIR/final_graph.dot`` reads back), and keeps its decision log in ``studio_session.json``.
A new session is started with the workflow's own first steps (input check and discovery),
so ``rung copilot --out DIR`` and ``rung studio DIR`` continue each other's work.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from rung.discover import DiscoveryResult
from rung.graph import CausalGraph
from rung.workflow import CopilotConfig, InputError, RunStore, get_example
from rung.workflow.artifacts import (
    Assessment,
    DataGraph,
    Estimates,
    IdentifiedEffect,
    InputSummary,
    LLMGraph,
    Review,
)
from rung.workflow.disagreements import LLMEdge
from rung.workflow.graph_files import graph_to_dot, read_analyst_graph
from rung.workflow.inputs import check_data, load_data_csv
from rung.workflow.store import ArtifactError, atomic_write_text
from rung.workflow.transform import apply_transform

__all__ = [
    "GRAPH_FILE",
    "SESSION_FILE",
    "RunInputs",
    "graph_file_changed",
    "load_inputs",
    "new_session",
    "read_results",
    "read_session_file",
    "start_run_dir",
    "write_current_graph",
]

SESSION_FILE = "studio_session.json"
GRAPH_FILE = "final_graph.dot"


@dataclass(frozen=True, eq=False)
class RunInputs:
    """What the workflow wrote to a run directory, read once when the session opens."""

    run_dir: Path
    config: CopilotConfig
    raw: pd.DataFrame
    data: pd.DataFrame
    data_graph: DiscoveryResult
    llm_graph: CausalGraph | None
    llm_edges: tuple[LLMEdge, ...]
    llm_candidates: tuple[LLMEdge, ...]
    llm_proposal: Mapping[str, Any]
    final_graph: CausalGraph
    final_decisions: tuple[Mapping[str, Any], ...]
    final_source: str
    preparation: tuple[str, ...]


def new_session(run_dir: Path, csv: Path | None = None, example: str | None = None, *,
                treatment: str | None = None, outcome: str | None = None,
                model: str | None = None) -> None:
    """Start a studio session in ``run_dir`` from a CSV or an embedded example, with the
    settings ``rung copilot`` resolves for them (:func:`rung.workflow.prepare_run`; the
    flags win over the example's query), then :func:`start_run_dir`.

    Raises
    ------
    ValueError
        Both or neither of ``csv`` and ``example``, no query for a CSV, or bad data (the
        message names the value and the fix).
    """
    from rung.workflow import LLMConfig, prepare_run

    run = prepare_run(csv, example, treatment=treatment, outcome=outcome,
                      llm=LLMConfig(model=model), title="rung studio")
    start_run_dir(run.data, run.config, run_dir)


def _raw_data(config: CopilotConfig) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The data the run was made from: the example, or the CSV its ``source`` names."""
    source = config.data.source
    if source.startswith("example "):
        return get_example(source.removeprefix("example ")).data, ()
    path = Path(source)
    if not path.is_file():
        raise InputError(f"the run's data file {source!r} is not there any more; "
                         "start the studio with the CSV instead of the run directory")
    loaded = load_data_csv(path)
    return loaded.frame, loaded.notes


def _analysed(raw: pd.DataFrame, config: CopilotConfig) -> pd.DataFrame:
    """The data as the workflow analyses it (checked, then transformed)."""
    return apply_transform(check_data(raw, source=config.data.source), config.data.transform)


def start_run_dir(raw: pd.DataFrame, config: CopilotConfig, run_dir: Path) -> None:
    """Run (or resume) the workflow's first steps, input check and discovery, into
    ``run_dir`` (:func:`rung.workflow.run.run_steps`, so a later ``rung copilot`` reuses
    them); the LLM step is left to the page's *ask the LLM* button."""
    from rich.console import Console

    from rung.workflow.run import run_steps

    run_steps(raw, config, run_dir, until="data", console=Console(stderr=True, quiet=True))


def _artifact(store: RunStore, kind: Any) -> Any:
    """The artifact ``kind`` (:mod:`rung.workflow.artifacts`) read with its own
    ``from_files``; a file that does not hold one is an :class:`ArtifactError` naming
    ``kind.FILE``, its main file."""
    try:
        return kind.from_files(store.read)
    except ArtifactError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ArtifactError(f"{store.path(kind.FILE)} does not hold the workflow's {kind.__name__} "
                            f"({type(exc).__name__}: {exc}); re-run `rung copilot` with the "
                            "same --out to rebuild it") from exc


def _final(store: RunStore, config: CopilotConfig, data_graph: DiscoveryResult,
           llm: LLMGraph | None, columns: list[str]
           ) -> tuple[CausalGraph, tuple[Mapping[str, Any], ...], str]:
    """The current graph: ``final_graph.dot`` (the analyst's latest), else the workflow's
    rule applied to what the run holds; with the review's decisions and source."""
    from rung.workflow import choose_final_graph

    decisions: tuple[Mapping[str, Any], ...] = ()
    source = "rule"
    if store.path(Review.FILE).exists():
        review: Review = _artifact(store, Review)
        decisions, source = review.decisions, review.source
    if store.path(GRAPH_FILE).exists():
        text = store.path(GRAPH_FILE).read_text(encoding="utf-8")
        return read_analyst_graph(text, columns), decisions, source
    edges = [] if llm is None else list(llm.edges)
    prefs = [] if llm is None else list(llm.candidates)
    graph, why = choose_final_graph(data_graph, edges, preferences=prefs,
                                    threshold=config.review.orientation_threshold)
    return graph, tuple(d.to_json() for d in why), "rule"


def load_inputs(run_dir: Path) -> RunInputs:
    """Read a run directory made by ``rung copilot`` or by the studio: every step's output
    through its artifact type (:mod:`rung.workflow.artifacts`), never key by key.

    Raises
    ------
    InputError
        The folder is no run directory (no ``input.json``), or its data are gone.
    ArtifactError
        A file of the run cannot be read (the message names it).
    """
    store = RunStore(run_dir)
    if not store.path(InputSummary.FILE).exists():
        raise InputError(f"{run_dir} holds no input.json: it is not a rung copilot run "
                         "directory; pass a CSV or --example NAME instead")
    info: InputSummary = _artifact(store, InputSummary)
    config = info.config
    raw, notes = _raw_data(config)
    data = _analysed(raw, config)
    found: DataGraph = _artifact(store, DataGraph)
    llm: LLMGraph | None = _artifact(store, LLMGraph) \
        if store.path(LLMGraph.FILE).exists() else None
    final, decisions, source = _final(store, config, found.result, llm, list(data.columns))
    return RunInputs(run_dir=run_dir, config=config, raw=raw, data=data,
                     data_graph=found.result, llm_graph=None if llm is None else llm.graph,
                     llm_edges=() if llm is None else llm.edges,
                     llm_candidates=() if llm is None else llm.candidates,
                     llm_proposal={} if llm is None else llm.proposal, final_graph=final,
                     final_decisions=decisions, final_source=source,
                     preparation=info.preparation or notes)


def write_current_graph(run_dir: Path, graph: CausalGraph, session: Mapping[str, Any],
                        text: str | None = None) -> str:
    """Write the current graph (``text``: its DOT, when already made) to
    ``final_graph.dot`` and the session log; return the DOT text."""
    text = graph_to_dot(graph, "final") if text is None else text
    atomic_write_text(run_dir / GRAPH_FILE, text)
    body = json.dumps({**session, "graph_text": text}, indent=2, default=str)
    atomic_write_text(run_dir / SESSION_FILE, body + "\n")
    return text


def graph_file_changed(run_dir: Path, session: Mapping[str, Any]) -> bool:
    """Whether ``final_graph.dot`` was edited outside the studio since the studio's last
    save (recorded in ``session``, the studio's log)."""
    path = run_dir / GRAPH_FILE
    if not session or not path.exists():
        return False
    return bool(session.get("graph_text") != path.read_text(encoding="utf-8"))


def read_session_file(run_dir: Path) -> dict[str, Any]:
    """The studio's log of a run directory (empty when the studio never opened it)."""
    path = run_dir / SESSION_FILE
    if not path.exists():
        return {}
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return obj if isinstance(obj, dict) else {}


def read_results(run_dir: Path) -> dict[str, Any]:
    """The verdict, estimates, identification and effects over the plausible graphs of the
    run's last estimate, if any (each read through its artifact type), and the errors of
    files that do not parse."""
    store = RunStore(run_dir)
    out: dict[str, Any] = {}
    kinds: dict[str, Any] = {"estimates": Estimates, "identification": IdentifiedEffect,
                             "assessment": Assessment}
    for key, kind in kinds.items():
        if not store.path(kind.FILE).exists():
            continue
        try:
            got = kind.from_files(store.read).to_json()
        except (ArtifactError, KeyError, TypeError, ValueError) as exc:
            out.setdefault("errors", []).append(
                str(exc) if isinstance(exc, ArtifactError) else f"{store.path(kind.FILE)}: {exc}")
            continue
        out.update(got if key == "assessment" else {key: got})
    return out
