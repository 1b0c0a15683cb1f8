"""Writing a run folder's files so that a kill never leaves one half-written.

``run.json``, ``scores.json`` and the reports are each written to a temporary file in the
same folder, flushed to disk and renamed over the old file (:func:`os.replace` is atomic), so
a reader sees the old content or the new, never a torn file. Files get the usual mode
(0o666 filtered by the user's umask).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from rung.bench.datafiles import UnreadableJSON, load_json

__all__ = ["read_json_file", "write_text_atomic"]


def write_text_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) atomically.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "run.json"
    >>> write_text_atomic(p, "{}\\n")
    >>> p.read_text(), [q.name for q in p.parent.iterdir()]
    ('{}\\n', ['run.json'])
    """
    tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_json_file(path: Path, what: str) -> Any:
    """The JSON in ``path``; a file that is not valid UTF-8 JSON raises ValueError naming
    ``path``, ``what`` it should be, the position of the fault and the fix.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "run.json"
    >>> _ = p.write_text('{"benchmark": ')
    >>> read_json_file(p, "a benchmark run record")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: .../run.json' is not valid JSON (Expecting value at line 1, column 15)...
    """
    try:
        return load_json(path)
    except UnreadableJSON as exc:
        raise ValueError(f"{exc}; it should be {what}: restore or remove it") from None
