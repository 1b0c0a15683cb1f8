"""Sweep tasks on a Ray cluster (``pip install rung[ray]``; Ray is imported only here, and
only when ``--ray`` is given).

Each pending task becomes one Ray task (one CPU) that calls :func:`rung.bench.sweep.run_task`
on a worker: the worker writes the task's answer ledger in the shared sweep folder as it
goes. Ray retries a task whose worker dies (``max_retries``, SIGKILL and lost nodes
included); the retry resumes from that ledger, so the answers already written are kept and
not asked again. The driver appends each finished task to ``sweep.jsonl`` as it arrives.
The workers need the sweep folder at the same path (one machine, or a shared file system)
and receive the driver's ``RUNG_*``/``OPENAI_*`` settings through Ray's ``runtime_env``
(``OPENAI_API_KEY`` included, when set: it is then stored by the Ray cluster).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rung.bench.ledger import Ledger
from rung.bench.sweep import Runner, SweepTask, run_task
from rung.lm.base import LMError
from rung.lm.redaction import redact

__all__ = ["RayMissingError", "ray_runner"]

_FORWARD = ("RUNG_", "OPENAI_", "OMP_NUM_THREADS")


class RayMissingError(ValueError):
    """``--ray`` was given but Ray is not installed."""


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise RayMissingError(
            "--ray needs Ray, which is not installed; install the extra with "
            "`pip install 'rung[ray]'`, or run the sweep locally (no --ray)") from None
    return ray


def _remote_task(task: dict[str, Any], out: str) -> dict[str, Any]:
    """The body of one Ray task (module level, so workers import it by name)."""
    return run_task(SweepTask.from_json(task), Path(out))


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith(_FORWARD)}


def _init(ray: Any, address: str) -> None:
    try:
        ray.init(address=address, runtime_env={"env_vars": _env()}, log_to_driver=False,
                 ignore_reinit_error=True)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ValueError(redact(
            f"cannot join the Ray cluster at --ray {address!r} ({exc}); start it with "
            "`ray start --head` or give its address (HOST:PORT or auto)")) from None


def ray_runner(address: str, *, max_retries: int = 3) -> Runner:
    """A sweep runner that sends each task to the Ray cluster at ``address``."""
    ray = _ray()

    def run(tasks: Sequence[SweepTask], out: Path, ledger: Ledger) -> None:
        # Ray prints worker deaths on stdout; stdout is the report's (and --json's)
        with contextlib.redirect_stdout(sys.stderr):
            _init(ray, address)
            remote = ray.remote(num_cpus=1, max_retries=max_retries)(_remote_task)
            try:
                pending = {remote.remote(t.to_json(), str(out.resolve())): t for t in tasks}
                _collect(ray, pending, ledger)
            finally:
                ray.shutdown()

    return run


def _collect(ray: Any, pending: dict[Any, SweepTask], ledger: Ledger) -> None:
    """Append each finished task to ``ledger`` as it arrives; the first failure is raised
    once every other task has finished (their work is kept)."""
    failures: list[str] = []
    while pending:
        done, _ = ray.wait(list(pending), num_returns=1)
        for ref in done:
            task = pending.pop(ref)
            try:
                ledger.append(ray.get(ref))
            except ray.exceptions.RayError as exc:
                failures.append(f"{task.key}: {redact(str(exc).splitlines()[-1])}")
    if failures:
        raise LMError(f"{len(failures)} sweep task(s) failed on Ray after retries: "
                      f"{'; '.join(failures)}; fix the cause and run the sweep again "
                      "(finished work is kept)")
