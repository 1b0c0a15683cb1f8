"""ID* and IDC*: identification of counterfactual queries from experiments.

Reference
---------
Shpitser, I. & Pearl, J. (2008). Complete identification methods for the causal
hierarchy. JMLR 9, 1941-1979: Figure 8 (ID*, lines 1-9) and Figure 9 (IDC*, lines 1-6);
first in Shpitser & Pearl (2007), UAI, "What counterfactuals can be tested".

The result is a :class:`~rung.identify.cf_estimand.CfExpr` over interventional terms
``P_x(s)`` (:class:`~rung.identify.cf_estimand.Do`); :func:`reduce_terms` then asks
rung's ID algorithm for each term, so that the estimand is over ``P(v)`` where ID succeeds.

Two readings of the paper are made explicit here (each checked on random SCMs in
``tests/identify/test_cf_verify.py``):

* line 6 gives each node ``v`` of a district ``S`` the subscript of *its own parents* in
  ``G'`` (their fixed, observed or summed values). This is Tian's c-component
  factorisation of the counterfactual graph's model, ``Q[S] = P(∧_v v_{pa(v)})``, and by
  exclusion equals the paper's ``s_{v(G') \\ s}`` wherever that is well defined;
* line 8 compares, for each node, the values fixed among its ancestors in ``G'`` (its
  effective subscript, as in cfid) with the values of ``S`` and with one another; line 9
  drops from ``x`` the variables of ``S`` (composition: the event already fixes them).

Values are compared syntactically: a summation symbol differs from every constant.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

from rung.graph import CausalGraph
from rung.identify.cf_estimand import (
    ONE_CF,
    ZERO_CF,
    At,
    CfAdd,
    CfExpr,
    CfFraction,
    CfProduct,
    CfSum,
    Do,
    Sym,
    Val,
    cf_product,
    cf_sum,
)
from rung.identify.cf_graph import Atom, CfNode, CounterfactualGraph, Fixed, make_cg
from rung.identify.hedge import Hedge

__all__ = ["CfFail", "CfUndefined", "Symbols", "TermHedge", "id_star", "idc_star", "reduce_terms"]


class CfFail(Exception):
    """ID* line 8: the district ``district`` holds a conflict (a value in a subscript and a
    different value of the same variable in the district's events or subscripts)."""

    def __init__(self, district: tuple[CfNode, ...],
                 conflicts: tuple[tuple[str, Val, Val], ...]) -> None:
        super().__init__("conflict in a district of the counterfactual graph")
        self.district = district
        self.conflicts = conflicts


class CfUndefined(Exception):
    """IDC* line 1: the conditioning event has probability 0."""


class Symbols:
    """Fresh summation symbols (``w``, ``w'``, ... one per summed node), and the known
    domain sizes that let line 6 write a sum out value by value."""

    def __init__(self, domains: Mapping[str, int] | None = None) -> None:
        self.taken: set[str] = set()
        self.domains: Mapping[str, int] = domains or {}

    def fresh(self, variable: str) -> Sym:
        name = variable.lower()
        while name in self.taken:
            name += "'"
        self.taken.add(name)
        return Sym(name, variable)


def id_star(graph: CausalGraph, gamma: tuple[Atom, ...], names: Symbols | None = None
            ) -> CfExpr:
    """``P(γ)`` over interventional terms; raises :class:`CfFail` (line 8).

    Examples
    --------
    >>> g = CausalGraph.from_edges("X -> Y")
    >>> id_star(g, (Atom("Y", frozenset({("X", 1)}), 1),)).to_text()
    'P_{X=1}(Y=1)'
    """
    names = names or Symbols()
    if not gamma:
        return _line1()
    factual = _factual(gamma)
    if factual is not None:
        return factual
    if _line2(gamma):
        return ZERO_CF
    reduced = _line3(gamma)
    if reduced != gamma:
        return id_star(graph, reduced, names)
    cg = _line4(graph, gamma)
    if cg is None:
        return _line5()
    districts = cg.districts()
    if len(districts) > 1:
        return _line6(graph, cg, districts, names)
    s = districts[0]  # line 7: G' has a single district
    _line8(cg, s)
    return _line9(cg, s)


def _factual(gamma: tuple[Atom, ...]) -> CfExpr | None:
    """Not a line of the paper: a conjunction of factual events with one value per variable
    is the observational ``P(γ)`` (lines 4-9 would give the same value, longer)."""
    if any(a.world for a in gamma):
        return None
    values = {a.variable: a.value for a in gamma}
    if len(values) < len({(a.variable, a.value) for a in gamma}):
        return None  # one variable, two values: line 5 answers 0
    return Do((), tuple(sorted(values.items())))


def _line1() -> CfExpr:
    """Line 1: γ = ∅ (the empty conjunction): return 1."""
    return ONE_CF


def _line2(gamma: tuple[Atom, ...]) -> bool:
    """Line 2: some ``x_{x'}`` with ``x ≠ x'`` (violates effectiveness): P(γ) = 0."""
    return any((own := a.own_value()) is not None and own != a.value for a in gamma)


def _line3(gamma: tuple[Atom, ...]) -> tuple[Atom, ...]:
    """Line 3: drop the tautologies ``x_x`` (``x`` fixed to its own value)."""
    return tuple(a for a in gamma if a.own_value() is None)


def _line4(graph: CausalGraph, gamma: tuple[Atom, ...]) -> CounterfactualGraph | None:
    """Line 4: ``(G', γ') = make-cg(G, γ)``; None stands for INCONSISTENT."""
    return make_cg(graph, gamma)


def _line5() -> CfExpr:
    """Line 5: γ' is inconsistent (one node, two values): return 0."""
    return ZERO_CF


def _value(cg: CounterfactualGraph, n: CfNode | Fixed, syms: Mapping[CfNode, Val]) -> Val:
    if isinstance(n, Fixed):
        return n.value
    return cg.event[n] if n in cg.event else syms[n]


def _line6(graph: CausalGraph, cg: CounterfactualGraph, districts: list[tuple[CfNode, ...]],
           names: Symbols) -> CfExpr:
    """Line 6: ``Σ_{v(G') \\ γ'} Π_i ID*(G, s^i_{v(G') \\ s^i})``: one term per district,
    each node intervened on its parents in ``G'`` at their values (summed when free).

    When the symbolic sum fails and the domains of the summed variables are known, the
    sum is written out value by value (a conflict of a symbol with a constant may vanish
    for every actual value)."""
    free = [n for n in cg.nodes if n not in cg.event]
    syms = {n: names.fresh(n.variable) for n in free}
    try:
        return cf_sum(tuple(syms[n] for n in free), _product(graph, cg, districts, syms, names))
    except CfFail:
        if not free or any(n.variable not in names.domains for n in free):
            raise
    terms = []
    for vals in itertools.product(*[range(names.domains[n.variable]) for n in free]):
        term = _product(graph, cg, districts, dict(zip(free, vals, strict=True)), names)
        if term != ZERO_CF:
            terms.append(term)
    if not terms:
        return ZERO_CF
    return terms[0] if len(terms) == 1 else CfAdd(tuple(terms))


def _product(graph: CausalGraph, cg: CounterfactualGraph, districts: list[tuple[CfNode, ...]],
             syms: Mapping[CfNode, Val], names: Symbols) -> CfExpr:
    terms = []
    for s in districts:
        atoms = tuple(
            Atom(n.variable, frozenset((p, _value(cg, q, syms)) for p, q in cg.parents[n]),
                 _value(cg, n, syms)) for n in s)
        terms.append(id_star(graph, atoms, names))
    return cf_product(terms)


def _subscripts(cg: CounterfactualGraph, s: tuple[CfNode, ...]) -> set[tuple[str, Val]]:
    out: set[tuple[str, Val]] = set()
    for n in s:
        out |= cg.fixed_ancestors(n)
    return out


def _line8(cg: CounterfactualGraph, s: tuple[CfNode, ...]) -> None:
    """Line 8: FAIL when ``x ∈ sub(S)`` and ``x' ∈ ev(S)`` with ``x ≠ x'`` (values of the
    district's nodes, summed nodes by their own symbol, and the subscripts themselves)."""
    sub = _subscripts(cg, s)
    free = Symbols()
    ev = sub | {(n.variable, cg.event[n] if n in cg.event else free.fresh("?" + n.variable))
                for n in s}
    conflicts = tuple(sorted(
        ((v, a, b) for v, a in sub for w, b in ev if v == w and a != b),
        key=lambda t: (t[0], str(t[1]), str(t[2]))))
    if conflicts:
        raise CfFail(s, conflicts)


def _line9(cg: CounterfactualGraph, s: tuple[CfNode, ...]) -> CfExpr:
    """Line 9: ``P_x(var(S))`` with ``x = ∪ sub(S)``, less the variables of ``S`` (whose
    subscript values equal their event values after line 8); summed nodes are marginal."""
    own = {n.variable for n in s}
    do = tuple(sorted((v, a) for v, a in _subscripts(cg, s) if v not in own))
    outcome = tuple(sorted((n.variable, cg.event[n]) for n in s if n in cg.event))
    if not outcome:
        return ONE_CF
    return Do(do, outcome)


# ---------------------------------------------------------------------- IDC*
def idc_star(graph: CausalGraph, gamma: tuple[Atom, ...], delta: tuple[Atom, ...],
             names: Symbols | None = None) -> CfExpr:
    """``P(γ | δ)`` (IDC*); raises :class:`CfFail` or :class:`CfUndefined`.

    Examples
    --------
    >>> g = CausalGraph.from_edges("Z -> X -> Y; Z -> Y")
    >>> ett = idc_star(g, (Atom("Y", frozenset({("X", 1)}), 1),), (Atom("X", frozenset(), 0),))
    >>> ett.to_text()
    '[Σ_{z} P(Z=z) P_{Z=z}(X=0) P_{X=1,Z=z}(Y=1)] / [P(X=0)]'
    """
    names = names or Symbols()
    if not delta:
        return id_star(graph, gamma, names)
    _idc_line1(graph, delta, names)
    cg = make_cg(graph, gamma + delta, merge_on=delta)  # line 2
    if cg is None or _line2(gamma + delta):
        return ZERO_CF  # line 3: γ' ∧ δ' inconsistent
    g2, d2 = _relabel(cg, gamma), _relabel(cg, delta)
    moved = _idc_line4(cg, g2, d2)
    if moved is not None:
        return idc_star(graph, moved[0], moved[1], names)
    return _idc_line5_6(graph, g2 + d2, delta, names)


def _idc_line1(graph: CausalGraph, delta: tuple[Atom, ...], names: Symbols) -> None:
    """Line 1: if ``ID*(G, δ) = 0``, the query is UNDEFINED."""
    try:
        if id_star(graph, delta, Symbols(names.domains)) == ZERO_CF:
            raise CfUndefined(", ".join(a.to_text() for a in delta))
    except CfFail:
        pass


def _relabel(cg: CounterfactualGraph, atoms: tuple[Atom, ...]) -> tuple[Atom, ...]:
    out: list[Atom] = []
    for a in atoms:
        n = cg.node_of[a]
        if isinstance(n, CfNode):
            b = Atom(n.variable, n.world, a.value)
            if b not in out:
                out.append(b)
    return tuple(out)


def _idc_line4(cg: CounterfactualGraph, gamma: tuple[Atom, ...], delta: tuple[Atom, ...]
               ) -> tuple[tuple[Atom, ...], tuple[Atom, ...]] | None:
    """Line 4: some ``y_x ∈ δ'`` with ``(Y_x ⊥ γ' | δ' \\ y_x)`` in ``G'`` without the edges
    out of ``y_x``: return ``IDC*(G, γ'_{y}, δ' \\ {y_x})``.

    Conditioning on the rest of ``δ'`` makes the step do-calculus rule 2 in the model of
    ``G'``; it is taken only when no other node of ``δ'`` descends from ``y_x``, and ``y`` is
    added to the subscripts of the nodes of ``γ'`` that descend from ``y_x``.
    """
    for d in delta:
        rest = [b.node for b in delta if b != d]
        below = _descendants(cg, d.node)
        if any(r in below for r in rest):
            continue
        if _m_connected(cg, d.node, {a.node for a in gamma}, set(rest)):
            continue
        new_gamma = tuple(
            Atom(a.variable, a.world | {(d.variable, d.value)}, a.value) if a.node in below
            else a for a in gamma)
        return new_gamma, tuple(b for b in delta if b != d)
    return None


def _idc_line5_6(graph: CausalGraph, joint_event: tuple[Atom, ...], delta: tuple[Atom, ...],
                 names: Symbols) -> CfExpr:
    """Lines 5-6: ``P' = ID*(G, γ' ∧ δ')``; return ``P' / P(δ)``, ``P(δ)`` by ID* on ``δ``
    itself (a relabelled ``δ'`` may hold merges that only ``γ ∧ δ`` justifies)."""
    joint = id_star(graph, joint_event, names)
    if joint == ZERO_CF:
        return ZERO_CF
    return CfFraction(joint, id_star(graph, delta, names))


def _descendants(cg: CounterfactualGraph, n: CfNode) -> set[CfNode]:
    out = {n}
    changed = True
    while changed:
        changed = False
        for m in cg.nodes:
            if m not in out and any(p in out for _, p in cg.parents[m]):
                out.add(m)
                changed = True
    return out


def _m_connected(cg: CounterfactualGraph, a: CfNode, bs: set[CfNode], zs: set[CfNode]
                 ) -> bool:
    """m-connection of ``a`` and ``bs`` given ``zs`` in ``G'`` without the edges out of ``a``
    (fixed nodes have neither latents nor random parents, so they are left out)."""
    nbrs: dict[CfNode, list[tuple[CfNode, bool, bool]]] = {n: [] for n in cg.nodes}
    for c in cg.nodes:
        for _, p in cg.parents[c]:
            if isinstance(p, CfNode) and p != a and p in nbrs:
                nbrs[p].append((c, False, True))  # p -> c: tail at p, head at c
                nbrs[c].append((p, True, False))
    for i, u in enumerate(cg.nodes):
        for v in cg.nodes[i + 1:]:
            if cg.confounded(u, v):
                nbrs[u].append((v, True, True))
                nbrs[v].append((u, True, True))
    anc_z = cg.ancestors(set(zs)) if zs else set()
    seen: set[tuple[CfNode, bool]] = set()
    stack: list[tuple[CfNode, bool]] = [(a, False)]
    while stack:
        node, head_in = stack.pop()
        if (node, head_in) in seen:
            continue
        seen.add((node, head_in))
        if node in bs and node != a:
            return True
        for nxt, head_here, head_there in nbrs[node]:
            collider = head_in and head_here
            if node == a or (collider and node in anc_z) or (not collider and node not in zs):
                stack.append((nxt, head_there))
    return False


# ---------------------------------------------------------------------- reduction by ID
@dataclass(frozen=True)
class TermHedge:
    """An interventional term ``P_x(s)`` of ID*'s result that ID cannot identify."""

    term: Do
    hedge: Hedge


def reduce_terms(graph: CausalGraph, e: CfExpr) -> tuple[CfExpr, list[TermHedge]]:
    """Replace each :class:`Do` term by its ID estimand over ``P(v)`` bound to its values;
    terms that ID cannot identify stay, with their hedge."""
    from rung.identify.api import identify
    from rung.identify.expr import P

    failed: list[TermHedge] = []

    def walk(node: CfExpr) -> CfExpr:
        if isinstance(node, Do):
            binding = tuple(sorted(node.do + node.outcome))
            ys = [v for v, _ in node.outcome]
            if not node.do:
                return At(P(ys), binding)
            res = identify(graph, [v for v, _ in node.do], ys)
            if res.estimand is None:
                failed.append(TermHedge(node, res.hedge or Hedge(frozenset(), frozenset())))
                return node
            return At(res.estimand, binding)
        if isinstance(node, CfSum):
            return CfSum(node.over, walk(node.expr))
        if isinstance(node, CfProduct):
            return CfProduct(tuple(walk(f) for f in node.factors))
        if isinstance(node, CfAdd):
            return CfAdd(tuple(walk(t) for t in node.terms))
        if isinstance(node, CfFraction):
            return CfFraction(walk(node.numerator), walk(node.denominator))
        return node

    return walk(e), failed
