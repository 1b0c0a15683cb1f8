"""Training checkpoints that are safe to load and cannot be left half-written.

A checkpoint is a plain dictionary of tensors, numbers and lists (module and optimiser
``state_dict`` s and the loss history). It is written with :func:`torch.save` to a temporary
file in the same folder, flushed to disk (``fsync``) and moved into place with
:func:`os.replace`, so a run killed at any moment leaves either the previous checkpoint or
the new one, never a truncated file.

It is read with ``torch.load(weights_only=True)``: torch's restricted unpickler accepts
tensors and plain containers only, so a file whose pickle asks for any other object (for
example a ``__reduce__`` that calls ``os.system``) is refused before anything in it runs.
Anything that does not decode to the expected shape raises :class:`CheckpointError`, which
names the file and the fix; nothing is loaded silently from a file rung did not write.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import warnings
from pathlib import Path
from typing import Any

import torch

__all__ = ["CheckpointError", "load_checkpoint", "save_checkpoint"]

_KEYS = ("modules", "optimizer", "history")


class CheckpointError(ValueError):
    """A checkpoint file is corrupt, truncated, from another network, or unsafe to load."""


def save_checkpoint(path: Path, state: dict[str, Any]) -> None:
    """Write ``state`` to ``path`` atomically (temporary file, fsync, ``os.replace``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "run.pt"
    >>> save_checkpoint(p, {"modules": [], "optimizer": {}, "history": [0.5]})
    >>> load_checkpoint(p, n_modules=0)["history"]
    [0.5]
    >>> sorted(q.name for q in p.parent.iterdir())  # no temporary file is left behind
    ['run.pt']
    """
    path = Path(path)
    _remove_stale_temporaries(path)
    tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    # mode 0o666 filtered by the user's umask, as any tool writes files (mkstemp gives 0600)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            torch.save(state, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _remove_stale_temporaries(path: Path) -> None:
    """Delete temporary files of ``path`` left by processes killed while saving."""
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        pid = tmp.name[len(path.name) + 2:].split(".")[0]
        if pid.isdigit() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (a no-op where folders cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _refuse(path: Path, what: str) -> CheckpointError:
    return CheckpointError(
        f"checkpoint {str(path)!r} {what}; it is not a checkpoint as rung writes them "
        "(corrupt, truncated or tampered with): delete it to train from the start, or choose "
        "another --checkpoint-dir"
    )


_BOILERPLATE = ("Weights only load failed", "Please file an issue", "Check the documentation",
                "Re-running")


def _reason(exc: BaseException) -> str:
    """One short line saying why torch refused a file."""
    text = str(exc)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if "Weights only load failed" in text:
        detail = [ln.replace("WeightsUnpickler error:", "").strip() for ln in lines
                  if not ln.startswith(_BOILERPLATE)]
        detail = [d for d in detail if d]
        why = detail[0].rstrip(".") if detail else "an object that is not a tensor"
        return f"is refused by torch's safe (weights_only) loader: {why}; nothing in it was run"
    return f"cannot be read ({type(exc).__name__}: {lines[0][:160] if lines else 'empty'})"


def load_checkpoint(path: Path, *, n_modules: int) -> dict[str, Any]:
    """The checkpoint in ``path``, checked: a dict with ``modules`` (``n_modules`` state
    dicts), ``optimizer`` (a dict) and ``history`` (a list of numbers).

    Raises
    ------
    CheckpointError
        The file is not such a checkpoint, or its pickle asks for anything but tensors and
        plain containers (nothing in it is executed). The message names the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "bad.pt"
    >>> _ = p.write_bytes(b"not a checkpoint")
    >>> load_checkpoint(p, n_modules=1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rung.abstraction.checkpoints.CheckpointError: checkpoint '.../bad.pt' is refused ...
    """
    path = Path(path)
    try:
        with warnings.catch_warnings():  # e.g. "Detected pickle protocol 4": refused below
            warnings.simplefilter("ignore")
            state = torch.load(path, weights_only=True, map_location="cpu")
    except OSError:
        raise
    except Exception as exc:  # any decoding failure: the file is not a checkpoint of ours
        raise _refuse(path, _reason(exc)) from None
    if not isinstance(state, dict) or any(k not in state for k in _KEYS):
        raise _refuse(path, f"does not hold the keys {list(_KEYS)}")
    modules, history = state["modules"], state["history"]
    if not isinstance(modules, list) or len(modules) != n_modules:
        raise _refuse(path, f"holds {len(modules) if isinstance(modules, list) else 'no'} "
                            f"module states, not {n_modules}")
    if not isinstance(state["optimizer"], dict) or not isinstance(history, list) or any(
            not isinstance(h, float | int) for h in history):
        raise _refuse(path, "has an optimiser state or loss history of the wrong type")
    return state
