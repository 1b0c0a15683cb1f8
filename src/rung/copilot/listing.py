"""Reading variable names out of a model's free-text list answer."""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["match_names"]

_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)]|[a-z][.)])\s*", re.IGNORECASE)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[`\"'*_]", "", text).lower().split())


def match_names(text: str, names: Sequence[str]) -> list[str]:
    """The names from ``names`` mentioned in ``text``, in order of first mention.

    A line naming a variable exactly (ignoring case, bullets, quotes, a trailing period)
    counts; so does a longer line containing the name as a whole word. "none" yields nothing.

    Examples
    --------
    >>> match_names("1. PKA\\n2. `pmek`\\n- none of the others", ["pmek", "PKA", "praf"])
    ['PKA', 'pmek']
    """
    found: list[str] = []
    by_norm = {_norm(n): n for n in names}
    for raw in re.split(r"[\n,;]", text):
        line = _norm(_BULLET.sub("", raw)).rstrip(".:")
        if not line or line in {"none", "none."}:
            continue
        if line in by_norm:
            hits = [by_norm[line]]
        else:
            hits = [
                n
                for key, n in by_norm.items()
                if re.search(rf"(?<![\w/]){re.escape(key)}(?![\w/])", line)
            ]
        found += [h for h in hits if h not in found]
    return found
