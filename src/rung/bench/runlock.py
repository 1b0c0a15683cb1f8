"""One benchmark run per folder at a time: an exclusive ``fcntl`` lock on ``run.lock``.

Two ``rung bench run`` processes on the same ``--out`` would each ask every question and
append duplicate answers to one ledger. The first process takes an exclusive, non-blocking
``flock`` on ``<out>/run.lock`` and writes who it is (pid, host, start time, command) into
the file; a second process does not wait: it reads that record and stops with
:class:`RunLockedError` (exit 2 in the CLI) naming the holder. The kernel drops the lock
when its holder exits for any reason, SIGKILL included, so a killed run never leaves a stale
lock: the record left in the file is overwritten by the next run.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["LOCK", "RunLockedError", "hold_run_dir"]

LOCK = "run.lock"


class RunLockedError(ValueError):
    """Another live process holds the run folder."""


def _holder(text: str) -> str:
    """``pid 123 on host, started 2026-...`` from a lock record (or what is known)."""
    try:
        rec = json.loads(text)
        return (f"pid {int(rec['pid'])} on {rec.get('host', '?')}, started "
                f"{rec.get('started', '?')}")
    except (ValueError, KeyError, TypeError):
        return "a process that has not written its pid yet"


@contextmanager
def hold_run_dir(folder: Path) -> Iterator[Path]:
    """Hold the exclusive lock of run folder ``folder`` (created if missing) while inside.

    Raises
    ------
    RunLockedError
        Another process holds it; the message names that process and the way out.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> run = pathlib.Path(tempfile.mkdtemp())
    >>> with hold_run_dir(run) as lock:
    ...     lock.name, json.loads(lock.read_text())["pid"] == os.getpid()
    ('run.lock', True)
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            who = _holder(os.pread(fd, 4096, 0).decode("utf-8", "replace"))
            raise RunLockedError(
                f"--out {str(folder)!r} is in use by another `rung bench run` ({who}); wait "
                f"for it to finish (or stop it), or choose another --out") from None
        record = {"pid": os.getpid(), "host": socket.gethostname(),
                  "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "command": sys.argv}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(record) + "\n").encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the lock
