"""The O-set and whether an optimal adjustment set exists, with or without latent variables.

A valid adjustment set ``Z*`` is *optimal* when its adjustment estimator has the smallest
asymptotic variance among all valid sets, for every distribution compatible with the graph.
Without latent variables the O-set ``pa(cn) \\ forb`` always is (Henckel, Perković &
Maathuis 2022). With latent variables an optimal set may not exist: in
``X -> Y; Z1 -> X; Z1 -> Z2; Z2 <-> Y`` the valid sets {}, {Z1} and {Z1, Z2} are not
ordered by efficiency (Smucler, Sapienza & Rotnitzky 2021, fig. 5).

References
----------
Runge (2021). Necessary and sufficient graphical conditions for optimal adjustment sets in
causal graphical models with hidden variables. NeurIPS 34. Definition 3 (the O-set, built
from parents, collider-path nodes and their parents) and Theorem 3 (the O-set is optimal
iff exactly one valid set exists or conditions I and II hold; otherwise no valid set is
optimal). The steps below follow the paper and its reference implementation in tigramite
(``CausalEffects.get_optimal_set`` / ``check_optimality``).
Henckel, Perković & Maathuis (2022). Graphical criteria for efficient total effect
estimation via adjustment in causal linear models. JRSS-B 84.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rung.graph import CausalGraph, NodeSet
from rung.identify._bits import BitGraph, bits, union
from rung.identify._query import bit_query
from rung.identify.adjustment import (
    canonical_mask,
    causal_nodes,
    count_valid_sets,
    forbidden_nodes,
    is_valid_mask,
)

__all__ = [
    "OptimalAdjustment",
    "find_o_set",
    "find_optimal_adjustment_set",
    "optimal_adjustment",
]

_MAX_PATHS = 20_000  # collider paths examined for condition I before giving up


@dataclass(frozen=True)
class _Query:
    """The masks every step needs: treatment, outcome, cn(X, Y) and forb(X, Y)."""

    bg: BitGraph
    x: int
    y: int
    cn: int
    forb: int

    @property
    def targets(self) -> int:
        """``Y ∪ M``: the outcome and the mediators (Runge's ``YM``)."""
        return self.cn | self.y


def _query(bg: BitGraph, x: int, y: int) -> _Query:
    cn = causal_nodes(bg, x, y)
    return _Query(bg, x, y, cn, forbidden_nodes(bg, x, cn))


def _o_parts(q: _Query, s: int) -> tuple[int, int, int] | None:
    """Runge (2021), Definition 3 relative to conditioning nodes ``s``: the parents
    ``P = pa(YM) \\ forb``, the collider-path nodes ``C`` and their parents; ``None`` when
    ``X`` is a spouse of ``YM ∪ C`` or a parent of ``C`` (then no valid set exists)."""
    bg, t = q.bg, q.targets
    vancs = bg.ancestors(q.x | q.y | s, bg.full) & ~q.forb
    p = union(bg.pa, t) & ~(q.forb | q.y)
    cond = p | vancs | s
    coll = rejected = 0
    linked = -1  # nodes m-connected to X given cond, computed on first need
    frontier = t
    while frontier:
        sp = union(bg.sp, frontier)
        if sp & q.x:
            return None
        new = sp & ~(coll | rejected | q.forb | t)
        if new & ~vancs and linked == -1:
            # every candidate lies in the district of YM among the non-forbidden nodes
            region = bg.district(t, (bg.full & ~q.forb) | t)
            linked = bg.m_reachable(q.x, cond, region & ~vancs)
        # a collider-path node is a valid ancestor, or independent of X given the rest
        frontier = new & (vancs | ~linked)
        rejected |= new & ~frontier
        coll |= frontier
    pc = union(bg.pa, coll)
    if pc & q.x:
        return None
    return p, coll, pc & ~(q.forb | q.y)


def _o_mask(q: _Query, s: int = 0) -> int | None:
    parts = _o_parts(q, s)
    return None if parts is None else parts[0] | parts[1] | parts[2] | s


def _collider_paths(q: _Query, start: int, inside: int) -> Any:
    """Node masks of the simple paths ``N <-> v1 <-> ... <-> vk <-> t`` (``t`` in ``YM``,
    every ``vi`` in ``inside``) from the node ``start``, path nodes without ``t``."""
    sp = q.bg.sp
    stack = [(start, start)]
    while stack:
        node_mask, path = stack.pop()
        nxt = sp[node_mask.bit_length() - 1] & ~path
        if nxt & q.targets:
            yield path
        for i in bits(nxt & inside):
            stack.append((1 << i, path | 1 << i))


def _condition_one(q: _Query, o: int, coll: int) -> tuple[bool | None, str]:
    """Condition I: no spouse ``N`` of ``YM ∪ C`` outside the O-set can join it, i.e. for
    every collider path from ``N`` into ``YM`` through the O-set, the O-set relative to
    the path's nodes is not a valid adjustment set."""
    bg = q.bg
    outside = union(bg.sp, q.targets | coll) & ~(q.forb | o | q.targets | coll)
    seen = 0
    for i in bits(outside):
        for path in _collider_paths(q, 1 << i, o):
            seen += 1
            if seen > _MAX_PATHS:
                return None, (f"more than {_MAX_PATHS} collider paths to check (Runge 2021, "
                              "Theorem 3, condition I)")
            alt = _o_mask(q, path)
            if alt is not None and is_valid_mask(bg, q.x, q.y, alt, q.cn, q.forb):
                name = bg.names[i]
                return False, (f"{name}, outside the O-set, joins a valid set with the "
                               f"collider path through {_fmt(bg, path)} (Runge 2021, Theorem 3, "
                               f"condition I fails at {name})")
    return True, ""


def _condition_two(q: _Query, o: int, p: int) -> tuple[bool, str]:
    """Condition II: every ``E`` in ``O \\ P`` dependent on ``X`` given the rest of the
    O-set reaches ``YM`` by a path ``E -> c`` or ``E <-> c`` followed by ``<->`` edges
    through O-set nodes that are valid ancestors."""
    bg = q.bg
    vancs = bg.ancestors(q.x | q.y, bg.full) & ~q.forb
    inside = o & vancs
    for i in bits(o & ~p):
        e = 1 << i
        if not bg.m_connected(q.x, e, o & ~e):
            continue
        reached = frontier = (bg.ch[i] | bg.sp[i]) & (inside | q.targets)
        while frontier and not reached & q.targets:
            frontier = union(bg.sp, frontier & inside) & (inside | q.targets) & ~reached
            reached |= frontier
        if not reached & q.targets:
            name = bg.names[i]
            return False, (f"{name} is in the O-set as a collider-path node or the parent of "
                           f"one, is dependent on the treatment given the rest of the O-set, "
                           f"and has no collider path into the outcome through it (Runge "
                           f"2021, Theorem 3, condition II fails at {name})")
    return True, ""


def _fmt(bg: BitGraph, mask: int) -> str:
    return "{" + ", ".join(sorted(bg.names_of(mask))) + "}"


def _optimality(q: _Query, parts: tuple[int, int, int]) -> tuple[bool, str]:
    """Runge (2021), Theorem 3: optimal iff exactly one valid set exists or I and II hold."""
    p, coll, pc = parts
    o = p | coll | pc
    if not any(q.bg.sp):
        return True, "optimal O-set pa(cn) \\ forb (Henckel, Perković & Maathuis 2022)"
    ok, why = _condition_one(q, o, coll)
    if ok:
        ok, why = _condition_two(q, o, p)
    if ok:
        return True, "optimal O-set (Runge 2021, Theorem 3: conditions I and II hold)"
    if count_valid_sets(q.bg, q.x, q.y, limit=2) == 1:
        return True, "the only valid adjustment set (Runge 2021, Theorem 3)"
    if ok is None:
        return False, f"whether an optimal adjustment set exists was not decided: {why}"
    return False, f"no optimal adjustment set exists: {why}"


@dataclass(frozen=True)
class OptimalAdjustment:
    """The O-set of a query and whether it is optimal.

    ``o_set`` is Runge's O-set: valid whenever any adjustment set is (None when none is).
    ``optimal`` says whether it is the optimal set; when False, no optimal set exists and
    ``reason`` says which condition of Runge (2021, Theorem 3) fails.
    """

    treatment: frozenset[str]
    outcome: frozenset[str]
    o_set: frozenset[str] | None
    optimal: bool
    reason: str

    @property
    def adjustment_set(self) -> frozenset[str] | None:
        """The optimal set, or None when no optimal (or no valid) set exists."""
        return self.o_set if self.optimal else None

    def to_json(self) -> dict[str, Any]:
        """JSON form: sorted name lists."""
        return {
            "treatment": sorted(self.treatment),
            "outcome": sorted(self.outcome),
            "o_set": None if self.o_set is None else sorted(self.o_set),
            "optimal": self.optimal,
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OptimalAdjustment:
        """Inverse of :meth:`to_json`."""
        o = data["o_set"]
        return cls(frozenset(data["treatment"]), frozenset(data["outcome"]),
                   None if o is None else frozenset(o), bool(data["optimal"]),
                   str(data["reason"]))


def _not_descendants(q: _Query) -> int:
    """Outcomes that do not descend from the treatment (no causal path into them)."""
    return q.y & ~q.cn


def _set_mask(q: _Query) -> int | None:
    """The O-set when valid; with an outcome that does not descend from the treatment (where
    the O-set theory does not apply) the canonical set; None when no valid set exists."""
    o = _o_mask(q)
    if o is not None and is_valid_mask(q.bg, q.x, q.y, o, q.cn, q.forb):
        return o
    if _not_descendants(q):
        z, ok = canonical_mask(q.bg, q.x, q.y)
        return z if ok else None
    return None


def o_set_and_optimality(bg: BitGraph, x: int, y: int) -> tuple[int | None, bool, str]:
    """Mask form of :func:`optimal_adjustment`: ``(o_set, optimal, reason)``."""
    q = _query(bg, x, y)
    z = _set_mask(q)
    if z is None:
        return None, False, "no valid adjustment set exists"
    off = _not_descendants(q)
    if off:
        return z, False, (f"optimality not decided: {_fmt(bg, off)} does not descend from the "
                          "treatment, and the O-set theory (Henckel et al. 2022; Runge 2021) "
                          "assumes a causal path to every outcome")
    parts = _o_parts(q, 0)
    if parts is None:  # unreachable: z is then the valid O-set
        return z, False, "optimality not decided"
    ok, why = _optimality(q, parts)
    return z, ok, why


def o_set_mask(bg: BitGraph, x: int, y: int) -> int | None:
    """Runge's O-set as a mask (the canonical set when an outcome does not descend from the
    treatment), or None when no valid adjustment set exists."""
    return _set_mask(_query(bg, x, y))


def optimal_adjustment(
    graph: CausalGraph, treatment: NodeSet, outcome: NodeSet
) -> OptimalAdjustment:
    """The O-set of ``(treatment, outcome)`` and whether an optimal adjustment set exists.

    Examples
    --------
    >>> g = CausalGraph.parse("dag { X -> Y; Z1 -> X; Z1 -> Z2; U -> Z2; U -> Y; U [latent] }")
    >>> res = optimal_adjustment(g, "X", "Y")
    >>> sorted(res.o_set), res.optimal, res.adjustment_set
    (['Z1', 'Z2'], False, None)
    >>> optimal_adjustment(CausalGraph.from_edges("Z -> X -> Y; Z -> Y"), "X", "Y").optimal
    True
    """
    bg, xs, ys, x, y = bit_query(graph, treatment, outcome)
    o, ok, why = o_set_and_optimality(bg, x, y)
    return OptimalAdjustment(xs, ys, None if o is None else bg.names_of(o), ok, why)


def find_optimal_adjustment_set(
    graph: CausalGraph, treatment: NodeSet, outcome: NodeSet
) -> frozenset[str] | None:
    """The optimal adjustment set (smallest asymptotic variance), or None when none exists.

    None means that no valid set exists or, with latent variables, that no valid set is
    optimal; :func:`optimal_adjustment` says which, and :func:`find_o_set` gives the O-set,
    a valid set whenever one exists.

    Examples
    --------
    >>> g = CausalGraph.from_edges("A -> X -> M -> Y; A -> Y; B -> M; C -> X")
    >>> sorted(find_optimal_adjustment_set(g, "X", "Y"))
    ['A', 'B']
    >>> m = CausalGraph.from_edges("X -> Y; Z1 -> X; Z1 -> Z2; Z2 <-> Y")
    >>> find_optimal_adjustment_set(m, "X", "Y") is None
    True
    """
    return optimal_adjustment(graph, treatment, outcome).adjustment_set


def find_o_set(
    graph: CausalGraph, treatment: NodeSet, outcome: NodeSet
) -> frozenset[str] | None:
    """Runge's O-set: a valid adjustment set whenever any exists (None otherwise).

    It is the optimal set when one exists (always in a DAG without latents).

    Examples
    --------
    >>> m = CausalGraph.from_edges("X -> Y; Z1 -> X; Z1 -> Z2; Z2 <-> Y")
    >>> sorted(find_o_set(m, "X", "Y"))
    ['Z1', 'Z2']
    """
    bg, _, _, x, y = bit_query(graph, treatment, outcome)
    o = o_set_mask(bg, x, y)
    return None if o is None else bg.names_of(o)
