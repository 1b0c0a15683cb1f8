"""(Conditional) instrumental variables (Pearl 2009, Causality §7.4.5; Brito & Pearl 2002).

``Z`` is an instrument for ``X -> Y`` given ``W`` when (i) ``W`` holds no descendant of
``X``, (ii) ``Z`` and ``Y`` are m-separated by ``W`` once the edges out of ``X`` are removed,
and (iii) ``Z`` and ``X`` are m-connected given ``W``. An instrument identifies the effect
only under extra assumptions (linearity, homogeneity, monotonicity), never
``P(y | do(x))`` itself; :func:`rung.identify.identify` therefore never answers ``"iv"``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rung.graph import CausalGraph
from rung.identify._bits import BitGraph, bits
from rung.identify._query import QueryError, bit_query

__all__ = ["Instrument", "find_instruments", "is_instrument"]


@dataclass(frozen=True)
class Instrument:
    """An instrument ``z`` for the effect, valid given ``conditioning``."""

    z: str
    conditioning: frozenset[str]


def _ok(bg: BitGraph, x: int, y: int, z: int, w: int) -> bool:
    if w & bg.descendants(x, bg.full) or z & (x | y | w):
        return False
    if bg.m_connected(z, y, w, cut_out=x):
        return False
    return bg.m_connected(z, x, w)


def _single(graph: CausalGraph, treatment: str, outcome: str) -> tuple[BitGraph, int, int]:
    bg, xs, ys, x, y = bit_query(graph, treatment, outcome)
    if len(xs) != 1 or len(ys) != 1:
        raise QueryError(f"instruments need one treatment and one outcome (got {sorted(xs)}, "
                         f"{sorted(ys)})")
    return bg, x, y


def is_instrument(
    graph: CausalGraph,
    treatment: str,
    outcome: str,
    z: str,
    conditioning: frozenset[str] = frozenset(),
) -> bool:
    """True when ``z`` is an instrument for ``treatment -> outcome`` given ``conditioning``.

    Examples
    --------
    >>> g = CausalGraph.from_edges("Z -> X -> Y; X <-> Y")
    >>> is_instrument(g, "X", "Y", "Z")
    True
    """
    bg, x, y = _single(graph, treatment, outcome)
    return _ok(bg, x, y, bg.mask([z]), bg.mask(conditioning))


def find_instruments(graph: CausalGraph, treatment: str, outcome: str) -> list[Instrument]:
    """Instruments for ``treatment -> outcome``: each node that is an instrument given no
    covariates, else given its non-descendant-of-X ancestors (the candidate set of
    Brito & Pearl), smallest conditioning first.

    Examples
    --------
    >>> g = CausalGraph.from_edges("Z -> X -> Y; X <-> Y; W -> Z; W -> Y")
    >>> [(i.z, sorted(i.conditioning)) for i in find_instruments(g, "X", "Y")]
    [('Z', ['W'])]
    """
    bg, x, y = _single(graph, treatment, outcome)
    de_x = bg.descendants(x, bg.full)
    out: list[Instrument] = []
    for i in bits(bg.full & ~(x | y | de_x)):
        z = 1 << i
        anc = bg.ancestors(z | x | y, bg.full) & ~(de_x | z | x | y)
        for w in (0, anc):
            if _ok(bg, x, y, z, w):
                out.append(Instrument(bg.names[i], bg.names_of(w)))
                break
    return out
