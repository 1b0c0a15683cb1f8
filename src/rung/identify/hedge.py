"""Hedges: the proof that a causal effect is not identifiable (Shpitser & Pearl 2006).

A hedge for ``P(y | do(x))`` is a pair of R-rooted C-forests ``F' ⊂ F`` with ``F ∩ x ≠ ∅``
and ``F' ∩ x = ∅``, ``R ⊆ An(y)`` in ``G`` without edges into ``x``: two models agreeing on
the observational distribution yet disagreeing on the effect can be built on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["Hedge", "NotIdentifiable"]


@dataclass(frozen=True)
class Hedge:
    """A hedge ``(F, F')``: both single districts, ``F' ⊂ F``, ``F`` meets the treatment.

    Examples
    --------
    >>> h = Hedge(F=frozenset({"X", "Y"}), F_prime=frozenset({"Y"}))
    >>> h.to_json()
    {'F': ['X', 'Y'], 'F_prime': ['Y']}
    """

    F: frozenset[str]
    F_prime: frozenset[str]

    def to_json(self) -> dict[str, list[str]]:
        """``{"F": [...], "F_prime": [...]}`` with sorted names."""
        return {"F": sorted(self.F), "F_prime": sorted(self.F_prime)}

    @classmethod
    def from_json(cls, obj: Mapping[str, Iterable[str]]) -> Hedge:
        """Inverse of :meth:`to_json`.

        >>> Hedge.from_json({"F": ["X", "Y"], "F_prime": ["Y"]}).F_prime
        frozenset({'Y'})
        """
        return cls(F=frozenset(obj["F"]), F_prime=frozenset(obj["F_prime"]))


class NotIdentifiable(Exception):
    """Raised inside the ID algorithm (line 5) with bitmasks of the hedge's two forests."""

    def __init__(self, f: int, f_prime: int) -> None:
        super().__init__("hedge found")
        self.f = f
        self.f_prime = f_prime
