"""Covariate adjustment on an equivalence class: one set valid in every member.

The generalized adjustment criterion (GAC) of Perković, Textor, Kalisch & Maathuis (2018),
*Complete graphical characterization and construction of adjustment sets in Markov
equivalence classes of ancestral graphs*, JMLR 18(220). For a CPDAG (or MPDAG) or a PAG
``G``, ``Z`` satisfies the GAC relative to ``(X, Y)`` when

1. ``G`` is *adjustment amenable*: every proper possibly directed path from ``X`` to ``Y``
   starts with a visible edge out of ``X`` (in a CPDAG: a directed edge ``X -> D``);
2. ``Z`` holds no node of ``Forb(X, Y, G)``, the possible descendants of the nodes other
   than ``X`` on proper possibly causal paths from ``X`` to ``Y``;
3. ``Z`` blocks every proper definite-status non-causal path from ``X`` to ``Y``.

Then ``Z`` is a valid adjustment set in every DAG (MAG) of the class, and conversely. The
blocking condition is checked by a walk search in the proper back-door graph; in a CPDAG a
walk may not turn at ``p -> c -- n`` or ``p -- c <- n`` (such a triple is shielded and of no
definite status). For a PAG the search lets every circle mark be a tail or an arrowhead,
which over-approximates the open paths: a set it accepts is valid in every MAG, but it may
refuse a PAG in which a valid set exists (then the reason says so).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from rung.graph import NodeSet, as_node_set
from rung.identify.equivalence_class import ClassKind, EquivalenceClass

__all__ = [
    "ClassAdjustment",
    "find_class_adjustment_set",
    "forbidden_set",
    "is_adjustment_amenable",
    "is_class_adjustment_set",
    "possible_ancestors",
    "possible_descendants",
]


@dataclass(frozen=True)
class ClassAdjustment:
    """The answer of :func:`find_class_adjustment_set`.

    Attributes
    ----------
    adjustment : frozenset of str or None
        A set valid in every member of the class, or None.
    amenable : bool
        Whether the class is adjustment amenable relative to the query.
    reason : str
        Why no set exists (empty when one does).
    path : tuple of str
        The path the reason names, as alternating nodes and edge marks, e.g.
        ``("X", "--", "A", "->", "Y")``; empty when a set exists.
    """

    treatment: tuple[str, ...]
    outcome: tuple[str, ...]
    kind: ClassKind
    adjustment: frozenset[str] | None
    amenable: bool
    reason: str = ""
    path: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        """True when a set valid in every member was found."""
        return self.adjustment is not None

    @property
    def path_text(self) -> str:
        """The named path as text, e.g. ``'X -- A -> Y'``."""
        return " ".join(self.path)

    def to_json(self) -> dict[str, Any]:
        return {"treatment": list(self.treatment), "outcome": list(self.outcome),
                "kind": self.kind, "amenable": self.amenable, "reason": self.reason,
                "path": list(self.path),
                "adjustment": None if self.adjustment is None else sorted(self.adjustment)}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> ClassAdjustment:
        """Rebuild a result saved by :meth:`to_json`."""
        adj = obj.get("adjustment")
        return cls(tuple(obj["treatment"]), tuple(obj["outcome"]), obj["kind"],
                   None if adj is None else frozenset(adj), bool(obj["amenable"]),
                   str(obj.get("reason", "")), tuple(obj.get("path", ())))


def _check(cls: EquivalenceClass, treatment: NodeSet, outcome: NodeSet
           ) -> tuple[frozenset[str], frozenset[str]]:
    x, y = as_node_set(treatment), as_node_set(outcome)
    for v in x | y:
        cls.check_node(v)
    if not x or not y:
        raise ValueError("treatment and outcome must each name at least one node")
    if x & y:
        raise ValueError(f"{sorted(x & y)} in both treatment and outcome; make them disjoint")
    return x, y


def _step_out(cls: EquivalenceClass, v: str) -> list[str]:
    """Nodes ``w`` with a possibly directed edge ``v ~> w`` (no arrowhead at ``v``)."""
    return [w for w in cls.neighbors(v) if cls.mark(w, v) != ">"]


def _step_in(cls: EquivalenceClass, v: str) -> list[str]:
    """Nodes ``u`` with a possibly directed edge ``u ~> v`` (no arrowhead at ``u``)."""
    return [u for u in cls.neighbors(v) if cls.mark(v, u) != ">"]


def _reach(cls: EquivalenceClass, start: Iterable[str], forward: bool,
           avoid: frozenset[str] = frozenset()) -> dict[str, str | None]:
    """Breadth-first reach along possibly directed edges; node -> predecessor."""
    pred: dict[str, str | None] = {s: None for s in start if s not in avoid}
    queue = deque(pred)
    step = _step_out if forward else _step_in
    while queue:
        v = queue.popleft()
        for w in step(cls, v):
            if w not in pred and w not in avoid:
                pred[w] = v
                queue.append(w)
    return pred


def possible_descendants(cls: EquivalenceClass, nodes: NodeSet) -> frozenset[str]:
    """``PossDe(nodes)``: the nodes themselves and all ends of possibly directed paths.

    Examples
    --------
    >>> from rung.graph import CausalGraph
    >>> c = EquivalenceClass.from_dag(CausalGraph.from_edges("A -> B -> C"))
    >>> sorted(possible_descendants(c, "B"))
    ['A', 'B', 'C']
    """
    return frozenset(_reach(cls, as_node_set(nodes), True))


def possible_ancestors(cls: EquivalenceClass, nodes: NodeSet) -> frozenset[str]:
    """``PossAn(nodes)``: the nodes and every start of a possibly directed path into them."""
    return frozenset(_reach(cls, as_node_set(nodes), False))


def _visible(cls: EquivalenceClass, x: str, d: str) -> bool:
    """Is ``x -> d`` visible (Zhang 2008)? Always in a CPDAG; in a PAG, when some ``a`` not
    adjacent to ``d`` has ``a *-> x``, or a collider path into ``x`` through parents of d."""
    if cls.mark(x, d) != ">" or cls.mark(d, x) != "-":
        return False
    if cls.kind == "cpdag":
        return True
    seen, queue = {x}, deque([x])
    while queue:
        v = queue.popleft()
        for a in cls.neighbors(v):
            if cls.mark(a, v) != ">" or a in seen or a == d:
                continue
            if not cls.adjacent(a, d):
                return True
            if cls.mark(v, a) == ">" and cls.mark(a, v) == ">" and a in cls.parents(d):
                seen.add(a)
                queue.append(a)
    return False


def _edge_text(cls: EquivalenceClass, a: str, b: str) -> str:
    """The edge between ``a`` and ``b`` as written from ``a``: ``->``, ``--``, ``<->``, ..."""
    left = {"-": "-", ">": "<", "o": "o"}[cls.mark(b, a) or "-"]
    right = cls.mark(a, b) or "-"
    if left == "-":
        return "-" + right
    return left + "-" if right == "-" else f"{left}-{right}"


def _path(cls: EquivalenceClass, nodes: list[str]) -> tuple[str, ...]:
    out = nodes[:1]
    for a, b in pairwise(nodes):
        out += [_edge_text(cls, a, b), b]
    return tuple(out)


def _not_amenable_path(cls: EquivalenceClass, x: frozenset[str], y: frozenset[str]
                       ) -> tuple[str, ...] | None:
    """The shortest proper possibly directed path from X to Y whose first edge is not
    visible, or None."""
    found: list[list[str]] = []
    for s in sorted(x):
        for d in _step_out(cls, s):
            if d in x or _visible(cls, s, d):
                continue
            pred = _reach(cls, [d], True, avoid=x)
            hit = next((t for t in sorted(y) if t in pred), None)
            if hit is not None:
                chain: list[str] = [hit]
                while (p := pred[chain[-1]]) is not None:
                    chain.append(p)
                found.append([s, *reversed(chain)])
    return _path(cls, min(found, key=len)) if found else None


def is_adjustment_amenable(cls: EquivalenceClass, treatment: NodeSet, outcome: NodeSet
                           ) -> bool:
    """True when every proper possibly directed path from X to Y starts with a visible edge.

    Examples
    --------
    >>> from rung.graph import CausalGraph
    >>> c = EquivalenceClass.from_dag(CausalGraph.from_edges("X -> Y"))   # X -- Y
    >>> is_adjustment_amenable(c, "X", "Y")
    False
    """
    x, y = _check(cls, treatment, outcome)
    return _not_amenable_path(cls, x, y) is None


def _causal_nodes(cls: EquivalenceClass, x: frozenset[str], y: frozenset[str]
                  ) -> frozenset[str]:
    down = _reach(cls, [d for s in x for d in _step_out(cls, s)], True, avoid=x)
    up = _reach(cls, y, False, avoid=x)
    return frozenset(down) & frozenset(up)


def forbidden_set(cls: EquivalenceClass, treatment: NodeSet, outcome: NodeSet
                  ) -> frozenset[str]:
    """``Forb(X, Y, G)``: X and the possible descendants of the possibly causal nodes."""
    x, y = _check(cls, treatment, outcome)
    return possible_descendants(cls, _causal_nodes(cls, x, y)) | x


def _passes(cls: EquivalenceClass, p: str, c: str, n: str, z: frozenset[str]) -> bool:
    """May a walk arriving at ``c`` from ``p`` leave towards ``n``?"""
    m_in, m_out = cls.mark(p, c), cls.mark(n, c)
    coll_ok = m_in in (">", "o") and m_out in (">", "o") and c in z
    non_ok = (m_in in ("-", "o") or m_out in ("-", "o")) and c not in z
    if cls.kind == "cpdag" and m_in != m_out:
        und_in = m_in == "-" and cls.mark(c, p) == "-"
        und_out = m_out == "-" and cls.mark(c, n) == "-"
        if (m_in == ">" and und_out) or (und_in and m_out == ">"):
            return False  # p -> c -- n or p -- c <- n: no definite status
    return coll_ok or non_ok


def _open_walk(cls: EquivalenceClass, x: frozenset[str], y: frozenset[str],
               z: frozenset[str], cn: frozenset[str]) -> list[str] | None:
    """A walk from X to Y open given Z in the proper back-door graph, or None."""
    pred: dict[tuple[str, str], tuple[str, str] | None] = {}
    queue: deque[tuple[str, str]] = deque()
    for s in sorted(x):
        for n in cls.neighbors(s):
            removed = n in cn and _visible(cls, s, n)
            if not removed and n not in x and (s, n) not in pred:
                pred[(s, n)] = None
                queue.append((s, n))
    while queue:
        p, c = state = queue.popleft()
        if c in y:
            walk = [c]
            cur: tuple[str, str] | None = state
            while cur is not None:
                walk.append(cur[0])
                cur = pred[cur]
            return walk[::-1]
        for n in cls.neighbors(c):
            if n not in x and (c, n) not in pred and _passes(cls, p, c, n, z):
                pred[(c, n)] = state
                queue.append((c, n))
    return None


def is_class_adjustment_set(cls: EquivalenceClass, treatment: NodeSet, outcome: NodeSet,
                            adjustment: NodeSet) -> bool:
    """True when ``adjustment`` satisfies the GAC: valid in every member of the class.

    Examples
    --------
    >>> from rung.graph import CausalGraph
    >>> c = EquivalenceClass.from_dag(CausalGraph.from_edges("A -> X -> Y; B -> X; A -> Y"))
    >>> is_class_adjustment_set(c, "X", "Y", {"A"}), is_class_adjustment_set(c, "X", "Y", ())
    (True, False)
    """
    x, y = _check(cls, treatment, outcome)
    z = as_node_set(adjustment)
    for v in z:
        cls.check_node(v)
    if _not_amenable_path(cls, x, y) is not None:
        return False
    cn = _causal_nodes(cls, x, y)
    if z & (possible_descendants(cls, cn) | x | y):
        return False
    return _open_walk(cls, x, y, z, cn) is None


def find_class_adjustment_set(cls: EquivalenceClass, treatment: NodeSet, outcome: NodeSet
                              ) -> ClassAdjustment:
    """A set valid in every member of the class, or None with the reason.

    Tries the O-set ``pa(cn) \\ Forb`` first (the efficient set when it is valid; Henckel,
    Perković & Maathuis 2022), then the constructive set
    ``PossAn(X ∪ Y) \\ (X ∪ Y ∪ Forb)`` of Perković et al. (2018), which is valid whenever
    any set is.

    Examples
    --------
    >>> from rung.graph import CausalGraph
    >>> dag = CausalGraph.from_edges("A -> X -> Y; B -> X; A -> Y")
    >>> res = find_class_adjustment_set(EquivalenceClass.from_dag(dag), "X", "Y")
    >>> sorted(res.adjustment)
    ['A']
    >>> res = find_class_adjustment_set(EquivalenceClass.from_dag(
    ...     CausalGraph.from_edges("A -> X -> Y; A -> Y")), "X", "Y")
    >>> res.adjustment, res.path_text
    (None, 'X -- Y')
    """
    x, y = _check(cls, treatment, outcome)
    tx, ty = tuple(sorted(x)), tuple(sorted(y))
    bad = _not_amenable_path(cls, x, y)
    if bad is not None:
        return ClassAdjustment(tx, ty, cls.kind, None, False,
                               f"not amenable: the possibly directed path {' '.join(bad)} "
                               "starts with an edge whose direction the class leaves open, so "
                               "no set is valid in every member; orient that edge (knowledge "
                               "or an experiment) or report the range over the members (IDA)",
                               bad)
    cn = _causal_nodes(cls, x, y)
    forb = possible_descendants(cls, cn) | x
    o_set = frozenset(p for v in cn for p in cls.parents(v)) - forb - y
    canonical = possible_ancestors(cls, x | y) - forb - y
    for z in (o_set, canonical):
        if _open_walk(cls, x, y, z, cn) is None:
            return ClassAdjustment(tx, ty, cls.kind, z, True)
    walk = _open_walk(cls, x, y, canonical, cn) or []
    note = (" (the PAG check treats circle marks as either mark, so it may miss a set)"
            if cls.kind == "pag" else "")
    return ClassAdjustment(tx, ty, cls.kind, None, True,
                           f"no set blocks the non-causal path {' '.join(_path(cls, walk))} "
                           f"without a forbidden node{note}", _path(cls, walk))
