"""Which node names are allowed: visible text, no control or invisible characters.

A name with a NUL byte, a zero-width space or a byte-order mark looks like another name (or
like nothing) on screen and in reports, so two different variables could read the same, or a
column could silently fail to match its node. Such names are refused with the character
named. Tabs and newlines are kept (a quoted name may span lines); ordinary spaces, including
non-breaking ones, are fine.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from rung.graph.errors import InvalidNameError

__all__ = ["check_distinct_names", "check_node_name", "describe_char"]

# General categories refused: control, format (zero-width, BOM, bidi controls),
# line/paragraph separators and lone surrogates (which cannot be written as UTF-8).
_REFUSED = {"Cc", "Cf", "Zl", "Zp", "Cs"}
_ALLOWED_CONTROLS = {"\t", "\n"}
_C0_NAMES = {0: "NULL", 0x7F: "DELETE", 0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE"}


def describe_char(ch: str) -> str:
    """``U+XXXX NAME (kind)`` for a refused character.

    Examples
    --------
    >>> describe_char("\\u200b")
    'U+200B ZERO WIDTH SPACE (an invisible character)'
    >>> describe_char("\\x00")
    'U+0000 NULL (a control character)'
    """
    code = ord(ch)
    name = unicodedata.name(ch, _C0_NAMES.get(code, ""))
    kind = "a control character" if unicodedata.category(ch) == "Cc" else "an invisible character"
    return f"U+{code:04X}{' ' + name if name else ''} ({kind})"


def check_node_name(name: str) -> None:
    """Raise :class:`InvalidNameError` unless ``name`` is a usable node name.

    Examples
    --------
    >>> check_node_name("p44/42")
    >>> check_node_name("a\\ufeffb")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rung.graph.errors.InvalidNameError: node name 'a\\ufeffb' contains U+FEFF ZERO WIDTH ...
    """
    if name.isprintable() and name.strip():
        return
    if not name.strip():
        raise InvalidNameError(name, "", 0, "")
    for i, ch in enumerate(name):
        if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in _REFUSED:
            raise InvalidNameError(name, ch, i, describe_char(ch))


def check_distinct_names(items: Iterable[str], what: str) -> list[str]:
    """``items`` stripped of surrounding spaces: at least two, none empty, none repeated.

    ``what`` names the list in the :class:`ValueError` (``"variable names"``).

    Examples
    --------
    >>> check_distinct_names([" rain", "wet "], "variable names")
    ['rain', 'wet']
    >>> check_distinct_names(["a", "b", "a"], "variable names")
    Traceback (most recent call last):
    ...
    ValueError: duplicate variable names ['a']; give each once
    """
    given = list(items)
    names = [str(v).strip() for v in given]
    if len(names) < 2 or any(not v for v in names):
        raise ValueError(f"need at least two non-empty {what}, got {given!r}")
    repeated = sorted({v for v in names if names.count(v) > 1})
    if repeated:
        raise ValueError(f"duplicate {what} {repeated}; give each once")
    return names
