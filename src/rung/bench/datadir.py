"""Where rung finds benchmark data: an argument, ``RUNG_DATA``, or ``../shared/data``.

Text datasets are never copied into the project; they are read from a data directory.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

__all__ = ["DatasetMissingError", "candidate_dirs", "find_files"]

ENV_VAR = "RUNG_DATA"
_REPO_ROOT = Path(__file__).resolve().parents[3]


class DatasetMissingError(ValueError, FileNotFoundError):
    """A dataset's files are not in any searched data directory."""


def candidate_dirs(data_dir: str | Path | None = None) -> list[Path]:
    """The data directories searched, best first.

    An explicit ``data_dir`` is the only candidate when given; otherwise ``$RUNG_DATA``,
    then ``../shared/data`` from the working directory, then beside the repository.

    Examples
    --------
    >>> candidate_dirs("/tmp/mydata")
    [PosixPath('/tmp/mydata')]
    """
    if data_dir is not None:
        return [Path(data_dir).expanduser()]
    dirs: list[Path] = []
    env = os.environ.get(ENV_VAR)
    if env:
        dirs.append(Path(env).expanduser())
    dirs.append(Path.cwd() / ".." / "shared" / "data")
    dirs.append(_REPO_ROOT / ".." / "shared" / "data")
    unique: list[Path] = []
    for d in dirs:
        if d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


def find_files(
    dataset: str, relpaths: Sequence[str], data_dir: str | Path | None = None
) -> list[Path]:
    """Absolute paths of ``relpaths`` in the first data directory that holds all of them.

    Raises
    ------
    DatasetMissingError
        None of the candidate directories holds every file; the message names the files,
        the directories searched and how to point rung at the data.
    """
    searched = candidate_dirs(data_dir)
    for d in searched:
        paths = [d / rel for rel in relpaths]
        if all(p.is_file() for p in paths):
            return [p.resolve() for p in paths]
    where = ", ".join(str(d) for d in searched)
    files = ", ".join(relpaths)
    raise DatasetMissingError(
        f"dataset {dataset!r} not found: expected {files} under one of [{where}]; put the "
        f"files there, or set {ENV_VAR}=/path/to/data or pass --data-dir /path/to/data"
    )
