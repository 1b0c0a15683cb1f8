"""The studio's session state: the current graph, its decision log and a version counter.

Every edit runs under one lock and bumps the version, so two browser tabs never interleave
half-edits. A tab sends the version it last saw; when another tab wrote in between, the
edit is still applied (last write wins) and the answer says so, naming the version it was
applied on top of. The state is persisted to the run directory after each edit
(:mod:`rung.studio.rundir`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rung.graph import CausalGraph, GraphError
from rung.studio.edits import (
    Action,
    Author,
    Decision,
    EdgeState,
    edge_key,
    edge_text,
    initial_authors,
    set_edge,
    state_of,
)
from rung.studio.rundir import (
    RunInputs,
    graph_file_changed,
    load_inputs,
    read_session_file,
    write_current_graph,
)

__all__ = ["EditOutcome", "Snapshot", "StudioSession"]


@dataclass(frozen=True)
class Snapshot:
    """The session at one version (immutable: safe to read outside the lock)."""

    graph: CausalGraph
    version: int
    decisions: tuple[Decision, ...]
    authors: dict[str, Author]
    graph_text: str

    @property
    def edited(self) -> bool:
        """Whether the analyst changed the workflow's graph (an active decision exists)."""
        return any(not d.undone for d in self.decisions)


@dataclass(frozen=True)
class EditOutcome:
    """The snapshot after an edit, and a note for the tab (``""`` when none)."""

    snapshot: Snapshot
    note: str


class StudioSession:
    """One run directory opened in the studio.

    Parameters
    ----------
    run_dir : path
        A run directory written by ``rung copilot`` or started by the studio.
    """

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = Path(run_dir)
        self._lock = threading.Lock()
        self.inputs: RunInputs = load_inputs(self.run_dir)
        saved = read_session_file(self.run_dir)
        decisions = tuple(Decision.from_json(d) for d in saved.get("decisions", []))
        self.note = ""
        if graph_file_changed(self.run_dir, saved):
            self.note = ("final_graph.dot was changed outside the studio since its last "
                         "save; the studio shows that file's graph")
        self._base_authors = initial_authors(self.inputs.final_decisions)
        if self.inputs.final_source == "analyst" and not decisions:
            self._base_authors = {k: "analyst" for k in self._base_authors}
        self._snap = self._snapshot(self.inputs.final_graph, int(saved.get("version", 0)),
                                    decisions)

    # ------------------------------------------------------------ reading
    def snapshot(self) -> Snapshot:
        """The current state (a consistent copy)."""
        with self._lock:
            return self._snap

    def _snapshot(self, graph: CausalGraph, version: int,
                  decisions: tuple[Decision, ...]) -> Snapshot:
        authors = dict(self._base_authors)
        for d in decisions:
            if not d.undone:
                authors[edge_key(d.a, d.b)] = d.author
        from rung.workflow.graph_files import graph_to_dot

        return Snapshot(graph, version, decisions, authors, graph_to_dot(graph, "final"))

    # ------------------------------------------------------------ writing
    def _commit(self, graph: CausalGraph, decisions: tuple[Decision, ...]) -> Snapshot:
        snap = self._snapshot(graph, self._snap.version + 1, decisions)
        session = {"version": snap.version, "decisions": [d.to_json() for d in decisions]}
        write_current_graph(self.run_dir, graph, session, snap.graph_text)
        self._snap = snap
        return snap

    def _conflict(self, base_version: int | None) -> str:
        v = self._snap.version
        if base_version is None or base_version == v:
            return ""
        last = self._snap.decisions[-1].tab if self._snap.decisions else "another tab"
        return (f"the session changed since this tab's version {base_version} (now {v}, by "
                f"tab {last}); last write wins: your edit was applied on top of version {v}")

    def edit(self, a: str, b: str, state: EdgeState, action: Action, *, tab: str,
             base_version: int | None = None) -> EditOutcome:
        """Set the pair ``a``, ``b`` to ``state``; record the decision as the analyst's.

        Raises
        ------
        ValueError
            Unknown node or state, or the edit closes a directed cycle (named).
        """
        with self._lock:
            note = self._conflict(base_version)
            g = self._snap.graph
            try:
                new = set_edge(g, a, b, state)
            except GraphError as exc:
                raise ValueError(" ".join(str(exc).split())) from None
            d = Decision(a=a, b=b, action=action, before=edge_text(g, a, b),
                         after=edge_text(new, a, b), before_state=state_of(g, a, b),
                         author="analyst", version=self._snap.version + 1, tab=tab)
            return EditOutcome(self._commit(new, (*self._snap.decisions, d)), note)

    def undo(self, *, tab: str, base_version: int | None = None) -> EditOutcome:
        """Take back the latest active decision (from any tab).

        Raises
        ------
        ValueError
            Nothing to undo.
        """
        with self._lock:
            note = self._conflict(base_version)
            decisions = list(self._snap.decisions)
            active = [i for i, d in enumerate(decisions) if not d.undone]
            if not active:
                raise ValueError("nothing to undo: no analyst decision is recorded")
            i = active[-1]
            d = decisions[i]
            try:
                new = set_edge(self._snap.graph, d.a, d.b, d.before_state)
            except GraphError as exc:
                raise ValueError(f"cannot undo {d.after or 'the removal'}: "
                                 f"{' '.join(str(exc).split())}") from None
            decisions[i] = replace(d, undone=True)
            return EditOutcome(self._commit(new, tuple(decisions)), note)

    def reload(self, keep_analyst_graph: bool) -> None:
        """Re-read the run directory after a workflow run (new LLM graph, new results);
        the analyst's graph stays (and is written back) when ``keep_analyst_graph``."""
        with self._lock:
            current = self._snap
            self.inputs = load_inputs(self.run_dir)
            self._base_authors = initial_authors(self.inputs.final_decisions)
            if keep_analyst_graph:
                session = {"version": current.version,
                           "decisions": [d.to_json() for d in current.decisions]}
                write_current_graph(self.run_dir, current.graph, session)
                self._snap = self._snapshot(current.graph, current.version,
                                            current.decisions)
            else:
                self._snap = self._snapshot(self.inputs.final_graph, current.version + 1, ())

    def describe(self) -> dict[str, Any]:
        """Treatment, outcome and where the session lives (for the page's header)."""
        cfg = self.inputs.config
        return {"treatment": cfg.treatment, "outcome": cfg.outcome,
                "title": cfg.report.title, "source": cfg.data.source,
                "run_dir": self.run_dir.name, "transform": cfg.data.transform,
                "has_llm": self.inputs.llm_graph is not None,
                "note": self.note}
