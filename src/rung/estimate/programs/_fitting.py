"""The optimisation loop of :class:`~rung.estimate.programs.mixed.MixedSCM`: one gradient step at a
time, a rich progress bar, and a convergence check on the relative change of the objective.

Converged means: the mean objective over the last ``window`` steps differs from the mean over
the ``window`` steps before by less than ``rtol`` (relative to its magnitude, at least 1).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

__all__ = ["FitTrace", "has_converged", "optimise"]


@dataclass
class FitTrace:
    """What a fit did: the objective per step (ELBO per row), steps run, convergence."""

    history: list[float] = field(default_factory=list)
    converged: bool = False

    @property
    def n_steps(self) -> int:
        """Number of gradient steps taken."""
        return len(self.history)


def has_converged(history: list[float], window: int, rtol: float) -> bool:
    """True when two consecutive windows of ``history`` have relative mean change < ``rtol``.

    Examples
    --------
    >>> has_converged([1.0] * 20, window=10, rtol=1e-4)
    True
    >>> has_converged(list(range(20)), window=10, rtol=1e-4)
    False
    """
    if len(history) < 2 * window:
        return False
    last = float(np.mean(history[-window:]))
    prev = float(np.mean(history[-2 * window:-window]))
    return abs(last - prev) / max(abs(last), 1.0) < rtol


def optimise(
    step: Callable[[], float],
    max_steps: int,
    window: int,
    rtol: float,
    progress: bool | None,
    label: str,
) -> FitTrace:
    """Call ``step`` (one gradient step returning the ELBO per row) until convergence.

    ``progress=None`` shows the bar only when stderr is a terminal.
    """
    show = sys.stderr.isatty() if progress is None else progress
    trace = FitTrace()
    columns = (TextColumn("[bold]{task.description}"), BarColumn(),
               TextColumn("{task.completed}/{task.total}"),
               TextColumn("ELBO/row {task.fields[elbo]}"), TimeElapsedColumn())
    with Progress(*columns, disable=not show, transient=True) as bar:
        task = bar.add_task(label, total=max_steps, elbo="…")
        for i in range(max_steps):
            trace.history.append(step())
            if i % 10 == 0:
                bar.update(task, completed=i + 1, elbo=f"{trace.history[-1]:.4f}")
            if has_converged(trace.history, window, rtol):
                trace.converged = True
                break
    return trace
