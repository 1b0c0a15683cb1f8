"""The complete ID algorithm of Shpitser & Pearl (2006), on bitmask node sets.

Reference
---------
Shpitser, I. & Pearl, J. (2006). Identification of joint interventional distributions in
recursive semi-Markovian causal models. AAAI, Figure 3 (function ID, lines 1-7).

``p`` is the current distribution as a compact IR expression over the current node set
``v`` (initially the observational joint ``P(V)``); ``π`` is one topological order of the
whole graph (the bit order of :class:`~rung.identify._bits.BitGraph`).
"""

from __future__ import annotations

from rung.identify._bits import BitGraph, bits
from rung.identify._ir import Node, Term, frac, marg, prod, term
from rung.identify.hedge import NotIdentifiable

__all__ = ["id_effect", "idc_effect"]


def id_effect(bg: BitGraph, y: int, x: int) -> Node:
    """IR estimand of ``P(y | do(x))``; raises :class:`NotIdentifiable` with a hedge."""
    v = bg.full
    return _id(bg, y, x, term(v), v)


def _id(bg: BitGraph, y: int, x: int, p: Node, v: int) -> Node:
    if not x:
        return _line1(y, p, v)
    anc = bg.ancestors(y, v)
    if anc != v:
        return _line2(bg, y, x, p, v, anc)
    w = _line3_w(bg, y, x, v)
    if w:
        return _id(bg, y, x | w, p, v)
    parts = bg.districts(v & ~x)
    if len(parts) > 1:
        return _line4(bg, y, x, p, v, parts)
    s = parts[0]
    whole = bg.districts(v)
    if len(whole) == 1:
        raise NotIdentifiable(v, s)  # line 5: G and S form a hedge
    if s in whole:
        return _line6(bg, y, p, v, s)
    return _line7(bg, y, x, p, v, s, next(d for d in whole if d & s))


def _line1(y: int, p: Node, v: int) -> Node:
    """Line 1: no intervention left, return Σ_{v \\ y} P(v)."""
    return marg(v & ~y, p)


def _line2(bg: BitGraph, y: int, x: int, p: Node, v: int, anc: int) -> Node:
    """Line 2: drop non-ancestors of y: ID(y, x ∩ An(y), Σ_{V \\ An(y)} P, G_{An(y)})."""
    return _id(bg, y, x & anc, marg(v & ~anc, p), anc)


def _line3_w(bg: BitGraph, y: int, x: int, v: int) -> int:
    """Line 3: W = (V \\ X) \\ An(Y) in G with edges into X removed; intervene on W too."""
    return v & ~x & ~bg.ancestors_cut(y, v, x)


def _line4(bg: BitGraph, y: int, x: int, p: Node, v: int, parts: list[int]) -> Node:
    """Line 4: C(G \\ X) = {S_1..S_k}: Σ_{v \\ (y ∪ x)} Π_i ID(s_i, v \\ s_i, P, G)."""
    factors = [_id(bg, s, v & ~s, p, v) for s in parts]
    return marg(v & ~(y | x), prod(factors))


def _conditional(p: Node, v: int, i: int) -> Node:
    """P(v_i | v_π^(i-1)) under ``p`` (a distribution over ``v``)."""
    bit = 1 << i
    cond = v & (bit - 1)
    if isinstance(p, Term) and p.vars == v:
        return term(bit, cond | p.given)
    return frac(marg(v & ~(bit | cond), p), marg(v & ~cond, p))


def _line6(bg: BitGraph, y: int, p: Node, v: int, s: int) -> Node:
    """Line 6: S is a district of G: Σ_{s \\ y} Π_{V_i ∈ S} P(v_i | v_π^(i-1))."""
    return marg(s & ~y, prod([_conditional(p, v, i) for i in bits(s)]))


def _line7(bg: BitGraph, y: int, x: int, p: Node, v: int, s: int, s2: int) -> Node:
    """Line 7: S ⊂ S' ∈ C(G): ID(y, x ∩ S', Π_{V_i ∈ S'} P(V_i | V_π^(i-1) ∩ S',
    v_π^(i-1) \\ S'), G_{S'}); the product is over S' with outside values held fixed."""
    p2 = prod([_conditional(p, v, i) for i in bits(s2)])
    return _id(bg, y, x & s2, p2, s2)


def idc_effect(bg: BitGraph, y: int, x: int, z: int) -> Node:
    """IR estimand of ``P(y | do(x), z)`` by IDC (Shpitser & Pearl 2006b, Figure 2)."""
    for i in bits(z):
        zb = 1 << i
        # line 1: (Y ⊥ Z | X, Z \ {Z}) in G with edges into X and out of Z removed
        if not bg.m_connected(y, zb, x | (z & ~zb), cut_in=x, cut_out=zb):
            return idc_effect(bg, y, x | zb, z & ~zb)
    # line 2: P' = ID(y ∪ z, x); return P' / Σ_y P'
    joint = id_effect(bg, y | z, x)
    return frac(joint, marg(y, joint))
