"""The one module of the studio that reads and writes the run directory.

A studio session is a ``rung copilot`` run directory: the studio reads the files the
workflow writes (``input.json``, ``data_graph.json``, ``llm_graph.json``,
``final_graph.json``, ``verdict.json``, ...), writes the analyst's current graph to
``final_graph.dot`` (the file ``rung copilot --graph DIR/final_graph.dot`` reads back), and
keeps its decision log in ``studio_session.json``. A new session is started with the
workflow's own first steps (input check and discovery), so ``rung copilot --out DIR`` and
``rung studio DIR`` continue each other's work.
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
from rung.workflow.disagreements import LLMEdge
from rung.workflow.graph_files import graph_from_json, graph_to_dot, read_analyst_graph
from rung.workflow.inputs import check_data, load_data_csv
from rung.workflow.store import ArtifactError, atomic_write_text
from rung.workflow.transform import apply_transform

__all__ = [
    "GRAPH_FILE",
    "SESSION_FILE",
    "RunInputs",
    "load_inputs",
    "new_session",
    "read_results",
    "read_session_file",
    "start_run_dir",
    "write_current_graph",
]

SESSION_FILE = "studio_session.json"
GRAPH_FILE = "final_graph.dot"
_RESULT_FILES = ("verdict.json", "estimates.json", "identification.json",
                 "class_effects.json")


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


def _llm(store: RunStore) -> tuple[CausalGraph | None, tuple[LLMEdge, ...],
                                   tuple[LLMEdge, ...], Mapping[str, Any]]:
    if not store.path("llm_graph.json").exists():
        return None, (), (), {}
    obj = store.read_json("llm_graph.json")

    def edges(key: str) -> tuple[LLMEdge, ...]:
        return tuple(LLMEdge(e["source"], e["target"], float(e["confidence"]), e.get("votes"))
                     for e in obj.get(key, []))

    return (graph_from_json(obj["graph"]), edges("edges"), edges("candidates"),
            dict(obj.get("proposal") or {}))


def _final(store: RunStore, data_graph: DiscoveryResult, llm: tuple[LLMEdge, ...],
           prefs: tuple[LLMEdge, ...], columns: list[str]
           ) -> tuple[CausalGraph, tuple[Mapping[str, Any], ...], str]:
    """The current graph: ``final_graph.dot`` (the analyst's latest), else the workflow's
    rule applied to what the run holds."""
    from rung.workflow import choose_final_graph

    decisions: tuple[Mapping[str, Any], ...] = ()
    source = "rule"
    if store.path("final_graph.json").exists():
        obj = store.read_json("final_graph.json")
        decisions, source = tuple(obj.get("decisions") or ()), str(obj.get("source", "rule"))
    if store.path(GRAPH_FILE).exists():
        text = store.path(GRAPH_FILE).read_text(encoding="utf-8")
        return read_analyst_graph(text, columns), decisions, source
    graph, why = choose_final_graph(data_graph, list(llm), preferences=list(prefs))
    return graph, tuple(d.to_json() for d in why), "rule"


def load_inputs(run_dir: Path) -> RunInputs:
    """Read a run directory made by ``rung copilot`` or by the studio.

    Raises
    ------
    InputError
        The folder is no run directory (no ``input.json``), or its data are gone.
    ArtifactError
        A file of the run cannot be read (the message names it).
    """
    store = RunStore(run_dir)
    if not store.path("input.json").exists():
        raise InputError(f"{run_dir} holds no input.json: it is not a rung copilot run "
                         "directory; pass a CSV or --example NAME instead")
    info = store.read_json("input.json")
    config = CopilotConfig.from_json(info.get("config") or {})
    raw, notes = _raw_data(config)
    data = _analysed(raw, config)
    data_graph = DiscoveryResult.from_json(store.read_json("data_graph.json"))
    llm_graph, llm, prefs, proposal = _llm(store)
    final, decisions, source = _final(store, data_graph, llm, prefs, list(data.columns))
    return RunInputs(run_dir=run_dir, config=config, raw=raw, data=data,
                     data_graph=data_graph, llm_graph=llm_graph, llm_edges=llm,
                     llm_candidates=prefs, llm_proposal=proposal, final_graph=final,
                     final_decisions=decisions, final_source=source,
                     preparation=tuple(info.get("preparation") or notes))


def write_current_graph(run_dir: Path, graph: CausalGraph, session: Mapping[str, Any],
                        text: str | None = None) -> str:
    """Write the current graph (``text``: its DOT, when already made) to
    ``final_graph.dot`` and the session log; return the DOT text."""
    text = graph_to_dot(graph, "final") if text is None else text
    atomic_write_text(run_dir / GRAPH_FILE, text)
    body = json.dumps({**session, "graph_text": text}, indent=2, default=str)
    atomic_write_text(run_dir / SESSION_FILE, body + "\n")
    return text


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
    """The verdict, estimates and identification of the run's last estimate, if any."""
    store = RunStore(run_dir)
    out: dict[str, Any] = {}
    for name in _RESULT_FILES:
        if store.path(name).exists():
            try:
                out[name.removesuffix(".json")] = store.read_json(name)
            except ArtifactError as exc:
                out.setdefault("errors", []).append(str(exc))
    return out
