"""How far an answer rests on belief orientations: the joint probability of the marks at the
treatment that the beliefs, not the data, decided.

Local IDA's answer depends only on the treatment's possible parent sets, so only the marks
at the treatment matter (Maathuis, Kalisch & Bühlmann 2009). A mark the data leave open
(undirected in the searched CPDAG) that the MPDAG directs was decided by a belief: directly,
when the belief oriented that very edge, or through Meek's rules from beliefs elsewhere.
Each such orientation is right with its calibrated probability ``P(direction | edge)``, so
the answer that uses all of them is right (as far as they go) with at most their product,
treating the beliefs as independent, as the structure prior does. A mark decided through
Meek's rules is given the weakest oriented belief's probability, the least that one of
its sources can be wrong with.

A 95% interval on a graph that is right with probability 0.82 is not a 95% statement. When
the support falls below :data:`SETTLED` (0.95, the interval's own level), the answer is not
settled by the beliefs: :class:`rung.discover.fuse.FusionResult` then counts the searched
class without the belief orientations among the plausible classes, so the range spans both
and the verdict says which orientations it rested on.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

from rung.identify.equivalence_class import EquivalenceClass

__all__ = ["SETTLED", "decided_marks", "orientation_support"]

#: the joint belief probability from which belief-decided marks count as settled
SETTLED = 0.95


def decided_marks(cpdag: EquivalenceClass, mpdag: EquivalenceClass, focus: Iterable[str]
                  ) -> tuple[tuple[str, str], ...]:
    """The edges at a ``focus`` node that ``cpdag`` leaves open and ``mpdag`` directs.

    Examples
    --------
    >>> open_ = EquivalenceClass("ABX", undirected=(("A", "X"), ("B", "X")))
    >>> shut = EquivalenceClass("ABX", directed=(("A", "X"),), undirected=(("B", "X"),))
    >>> decided_marks(open_, shut, ["X"])
    (('A', 'X'),)
    """
    nodes = set(focus)
    return tuple(sorted(e for e in mpdag.directed if nodes & set(e)
                        and (e in cpdag.undirected or e[::-1] in cpdag.undirected)))


def orientation_support(cpdag: EquivalenceClass, mpdag: EquivalenceClass,
                        oriented: Sequence[tuple[str, str]],
                        strength: Callable[[str, str], float], focus: Iterable[str]
                        ) -> tuple[float, tuple[str, ...]]:
    """The product of the probabilities of the belief-decided marks at ``focus`` (1 when
    there are none), and one line per mark: ``"A -> X (P = 0.82)"``, ``"(Meek)"`` when it
    was implied, not oriented directly. ``strength(s, t)`` is the belief's probability of
    ``s -> t`` given an edge, ``oriented`` the edges the beliefs oriented.

    Examples
    --------
    >>> open_ = EquivalenceClass("ABX", undirected=(("A", "X"), ("B", "X")))
    >>> shut = EquivalenceClass("ABX", directed=(("A", "X"), ("X", "B")))
    >>> p, lines = orientation_support(open_, shut, [("A", "X")], lambda s, t: 0.9, ["X"])
    >>> round(p, 2), lines
    (0.81, ('A -> X (P = 0.90)', 'X -> B (P = 0.90, Meek)'))
    """
    weakest = min((strength(s, t) for s, t in oriented), default=1.0)
    probs, lines = [], []
    for s, t in decided_marks(cpdag, mpdag, focus):
        direct = (s, t) in oriented
        p = strength(s, t) if direct else weakest
        probs.append(p)
        lines.append(f"{s} -> {t} (P = {p:.2f}{'' if direct else ', Meek'})")
    return float(math.prod(probs)), tuple(lines)
