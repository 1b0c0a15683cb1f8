"""Long workflow runs (the estimate, asking the LLM) in a background thread.

One job runs at a time; edits and every other request go on while it runs. The job's
progress is the workflow's own step lines (``[k/8] title: done in s``), captured from its
console.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["JobRunner", "JobState"]

JobStatus = Literal["idle", "running", "done", "failed"]
_STEP = re.compile(r"\[(\d+)/(\d+)\]")


class _Lines:
    """A text sink that keeps whole lines (the rich console's file)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._part = ""
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            self._part += text
            *done, self._part = self._part.split("\n")
            self.lines.extend(line for line in done if line.strip())
        return len(text)

    def flush(self) -> None:
        return None

    def snapshot(self) -> list[str]:
        with self._lock:
            return list(self.lines)


@dataclass
class JobState:
    """What the page shows about the current or last job."""

    label: str = ""
    status: JobStatus = "idle"
    started: float | None = None
    finished: float | None = None
    error: str = ""
    graph_version: int | None = None
    sink: _Lines = field(default_factory=_Lines)

    def to_json(self) -> dict[str, Any]:
        lines = self.sink.snapshot()
        done = total = 0
        for line in lines:
            m = _STEP.search(line)
            if m:
                done, total = int(m.group(1)), int(m.group(2))
        end = self.finished or time.time()
        return {"label": self.label, "status": self.status, "lines": lines[-12:],
                "steps_done": done, "steps_total": total or 8, "error": self.error,
                "seconds": None if self.started is None else round(end - self.started, 1),
                "graph_version": self.graph_version}


class JobRunner:
    """Runs one job at a time in a daemon thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.state = JobState()
        self._thread: threading.Thread | None = None

    def start(self, label: str, graph_version: int,
              work: Callable[[Any], None]) -> JobState:
        """Start ``work(console_file)``; raise RuntimeError when a job is running."""
        with self._lock:
            if self.state.status == "running":
                raise RuntimeError(f"{self.state.label!r} is still running; wait for it to "
                                   "finish")
            state = JobState(label=label, status="running", started=time.time(),
                             graph_version=graph_version)
            self.state = state
            self._thread = threading.Thread(target=self._run, args=(state, work),
                                            name="rung-studio-job", daemon=True)
            self._thread.start()
            return state

    def _run(self, state: JobState, work: Callable[[Any], None]) -> None:
        try:
            work(state.sink)
        except Exception as exc:  # the page shows every failure; the server keeps running
            state.error = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
            state.status = "failed"
        else:
            state.status = "done"
        finally:
            state.finished = time.time()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the current job ends (tests and the benchmark)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
