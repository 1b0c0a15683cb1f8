"""The ladder's binary structural models: factors, joint tables and threshold worlds.

A ladder item's SCM is a list of :data:`Factor` (:class:`rung.scm.threshold.BinaryTable`,
``P(node=1 | parents)`` per parent setting) read as the threshold model ``V = 1`` iff
``U_V < P(V=1 | pa)``, each ``U_V`` uniform on [0, 1] and independent (the convention of
CLadder, Jin et al. 2023). Its counterfactuals are computed here by exact enumeration: each
``U_V`` ranges over the intervals between its factor's probabilities (one midpoint per
interval, weighted by the interval's length), and every world of a query shares the same u,
as in Pearl's twin networks. This enumeration is the generator's own; :mod:`rung.scm.threshold`
writes the same model as a structural-model file for :mod:`rung.scm`, and the tests compare
the two.

Examples
--------
>>> mech = (Factor("X", (), (0.5,)), Factor("Y", ("X",), (0.2, 0.7)))
>>> round(ett(mech), 6), round(necessity(mech), 6)
(0.5, 0.714286)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from rung.scm.threshold import BinaryTable, row_of

__all__ = ["Factor", "ett", "joint_of_factors", "natural_direct", "natural_indirect",
           "necessity", "world"]

Array = npt.NDArray[np.float64]


#: a ladder mechanism or stated factor: ``P(node=1 | parents)`` per parent setting, in
#: ``itertools.product`` order; the same type as :mod:`rung.scm`'s table
Factor = BinaryTable


def joint_of_factors(factors: Sequence[Factor], order: Sequence[str]) -> Array:
    """The joint table (one binary axis per ``order`` node) of a product of factors.

    Examples
    --------
    >>> t = joint_of_factors([Factor("A", (), (0.3,))], ["A"])
    >>> [round(float(v), 2) for v in t]
    [0.7, 0.3]
    """
    axis = {v: i for i, v in enumerate(order)}
    table = np.ones((2,) * len(order))
    for values in itertools.product((0, 1), repeat=len(order)):
        for f in factors:
            p = f.p_one[row_of([values[axis[v]] for v in f.parents])]
            table[values] *= p if values[axis[f.node]] else 1.0 - p
    return table


def world(mech: Sequence[Factor], us: Sequence[float],
          do: Mapping[str, int] | None = None) -> dict[str, int]:
    """Every node's value in the context ``us`` (one number per factor, in order) under
    ``do``; ``mech`` must be in a topological order."""
    fixed = do or {}
    val: dict[str, int] = {}
    for f, u in zip(mech, us, strict=True):
        val[f.node] = (fixed[f.node] if f.node in fixed
                       else int(u < f.p_one[row_of([val[p] for p in f.parents])]))
    return val


def _contexts(mech: Sequence[Factor]) -> Iterator[tuple[list[float], float]]:
    """Every cell of u: one midpoint per interval between a factor's probabilities."""
    cells = []
    for f in mech:
        cuts = sorted({0.0, 1.0, *f.p_one})
        cells.append([((a + b) / 2, b - a) for a, b in itertools.pairwise(cuts) if b > a])
    for state in itertools.product(*cells):
        yield [u for u, _ in state], float(np.prod([w for _, w in state]))


def _expect(mech: Sequence[Factor], value: Callable[[list[float]], float],
            given: Callable[[list[float]], bool] | None = None) -> float:
    """E[value(u) | given(u)] over the threshold model's contexts."""
    total = mass = 0.0
    for us, weight in _contexts(mech):
        if given is None or given(us):
            mass += weight
            total += weight * value(us)
    return total / mass


def ett(mech: Sequence[Factor], x: str = "X", y: str = "Y") -> float:
    """E[Y - Y_{x=0} | x=1], the effect of treatment on the treated."""
    return _expect(mech, lambda us: world(mech, us)[y] - world(mech, us, {x: 0})[y],
                   lambda us: world(mech, us)[x] == 1)


def necessity(mech: Sequence[Factor], x: str = "X", y: str = "Y") -> float:
    """P(Y_{x=0} = 0 | x=1, y=1), the probability of necessity (Pearl 1999)."""
    return _expect(mech, lambda us: float(world(mech, us, {x: 0})[y] == 0),
                   lambda us: world(mech, us)[x] == 1 and world(mech, us)[y] == 1)


def _cross(mech: Sequence[Factor], x: str, y: str, mediators: Sequence[str], x_y: int,
           x_m: int) -> float:
    """E[Y_{x=x_y, M=M_{x=x_m}}]: every mediator held at its value under do(x=x_m)."""
    def value(us: list[float]) -> float:
        held = world(mech, us, {x: x_m})
        return float(world(mech, us, {x: x_y, **{m: held[m] for m in mediators}})[y])
    return _expect(mech, value)


def natural_direct(mech: Sequence[Factor], mediators: Sequence[str], x: str = "X",
                   y: str = "Y") -> float:
    """NDE = E[Y_{x=1, M=M_{x=0}}] - E[Y_{x=0}] (Pearl 2001)."""
    return _cross(mech, x, y, mediators, 1, 0) - _cross(mech, x, y, mediators, 0, 0)


def natural_indirect(mech: Sequence[Factor], mediators: Sequence[str], x: str = "X",
                     y: str = "Y") -> float:
    """NIE = E[Y_{x=0, M=M_{x=1}}] - E[Y_{x=0}] (Pearl 2001)."""
    return _cross(mech, x, y, mediators, 0, 1) - _cross(mech, x, y, mediators, 0, 0)
