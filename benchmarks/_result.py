"""The one machine-readable summary line each speed script prints, and its parser.

A script prints one ``RESULT`` line per peer it is compared with::

    RESULT script=identify_vs_y0 peer=y0 peer_version=0.2.11 result="24-84x faster ..."

Fields are ``key=value`` pairs quoted as a POSIX shell would (:func:`shlex.quote`), so a
value may hold spaces. ``benchmarks/run_all.py`` collects these lines into the README table.
"""

from __future__ import annotations

import shlex
from importlib.metadata import PackageNotFoundError, version

__all__ = ["PREFIX", "faster", "faster_range", "parse_result_line", "peer_version", "print_result"]

PREFIX = "RESULT "


def peer_version(distribution: str) -> str:
    """The installed version of ``distribution``, or ``"not installed"``."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "not installed"


def faster(ratio: float) -> str:
    """``peer time / rung time`` in words that follow the number.

    >>> faster(3.26), faster(0.5)
    ('3.3x faster', '2.0x slower')
    """
    return f"{ratio:.1f}x faster" if ratio >= 1 else f"{1 / ratio:.1f}x slower"


def faster_range(ratios: list[float]) -> str:
    """The span of several ``peer time / rung time`` ratios in words.

    >>> faster_range([2.83, 3.04]), faster_range([66.4, 2032.3]), faster_range([0.5, 2.0])
    ('2.8-3.0x faster', '66-2032x faster', 'from 2.0x slower to 2.0x faster')
    """
    lo, hi = min(ratios), max(ratios)
    if lo >= 1:
        a, b = (f"{r:.0f}" if r >= 10 else f"{r:.1f}" for r in (lo, hi))
        return f"{a}-{b}x faster" if a != b else f"{a}x faster"
    if hi < 1:
        return f"{1 / hi:.1f}-{1 / lo:.1f}x slower"
    return f"from {faster(lo)} to {faster(hi)}"


def print_result(**fields: object) -> None:
    """Print one ``RESULT key=value ...`` line (values shell-quoted), flushed."""
    body = " ".join(f"{k}={shlex.quote(str(v))}" for k, v in fields.items())
    print(PREFIX + body, flush=True)


def parse_result_line(line: str) -> dict[str, str] | None:
    """The fields of a ``RESULT`` line, or ``None`` for any other line.

    >>> parse_result_line("RESULT script=a peer='y0 x' ratio=3.5")
    {'script': 'a', 'peer': 'y0 x', 'ratio': '3.5'}
    >>> parse_result_line("n  bi  queries") is None
    True
    """
    if not line.startswith(PREFIX):
        return None
    fields = {}
    for token in shlex.split(line[len(PREFIX):]):
        key, sep, value = token.partition("=")
        if not sep:
            raise ValueError(f"RESULT field {token!r} has no '=': print key=value pairs")
        fields[key] = value
    return fields
