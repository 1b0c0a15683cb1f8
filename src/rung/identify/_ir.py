"""Compact estimand IR: variable sets are int bitmasks; constructors simplify as they build.

The ID algorithm builds estimands in this form (cheap set algebra on ints) and the public
:mod:`rung.identify.expr` tree is produced from it on demand.

Simplifications (each an identity of observational probabilities of one joint):

* ``Σ_W P(A|B) = P(A\\W | B)`` when ``W ⊆ A`` (drop a sum that marginalises a term);
* ``Σ_W Π f = Π_{f ∌ W} f · Σ_W Π_{f ∋ W} f`` and a variable met in one factor only is
  summed inside that factor (so chains ``Σ_a P(a|b)P(b)`` vanish to 1);
* ``P(A|B,C) P(B|C) = P(A,B|C)`` (merge marginals, the product rule);
* ``Π f · g / Π f · h = g / h`` and ``P(A,B|C) / P(B|C) = P(A|B,C)`` (cancel).
"""

from __future__ import annotations

__all__ = ["ONE", "Frac", "Marg", "Node", "Prod", "Term", "frac", "marg", "prod", "term"]


class Node:
    """Base of IR nodes; ``free`` is the bitmask of free variables."""

    __slots__ = ("_hash", "free")
    free: int
    _hash: int

    def __hash__(self) -> int:
        return self._hash

    def _parts(self) -> tuple[object, ...]:
        """What equality compares, beside the type and the hash."""
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Node) or type(other) is not type(self):
            return False
        return self._hash == other._hash and self._parts() == other._parts()


class Term(Node):
    """``P(vars | given)`` of the observational joint."""

    __slots__ = ("given", "vars")

    def __init__(self, vars: int, given: int) -> None:
        self.vars = vars
        self.given = given
        self.free = vars | given
        self._hash = hash(("P", vars, given))

    def _parts(self) -> tuple[object, ...]:
        return self.vars, self.given


class Marg(Node):
    """``Σ_over body``: binds ``over`` inside ``body``."""

    __slots__ = ("body", "over")

    def __init__(self, over: int, body: Node) -> None:
        self.over = over
        self.body = body
        self.free = body.free & ~over
        self._hash = hash(("S", over, body._hash))

    def _parts(self) -> tuple[object, ...]:
        return self.over, self.body


class Prod(Node):
    """Product of factors; the empty product is the constant 1."""

    __slots__ = ("factors",)

    def __init__(self, factors: tuple[Node, ...]) -> None:
        self.factors = factors
        free = 0
        for f in factors:
            free |= f.free
        self.free = free
        self._hash = hash(("X", frozenset(f._hash for f in factors), len(factors)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Prod) or self._hash != other._hash:
            return False
        return _same_multiset(self.factors, other.factors)


class Frac(Node):
    """``num / den``."""

    __slots__ = ("den", "num")

    def __init__(self, num: Node, den: Node) -> None:
        self.num = num
        self.den = den
        self.free = num.free | den.free
        self._hash = hash(("F", num._hash, den._hash))

    def _parts(self) -> tuple[object, ...]:
        return self.num, self.den


ONE = Prod(())


def _same_multiset(a: tuple[Node, ...], b: tuple[Node, ...]) -> bool:
    if len(a) != len(b):
        return False
    rest = list(b)
    for f in a:
        for i, g in enumerate(rest):
            if f == g:
                del rest[i]
                break
        else:
            return False
    return True


def term(vars: int, given: int = 0) -> Node:
    """``P(vars | given)``; the constant 1 when ``vars`` is empty."""
    return Term(vars, given & ~vars) if vars else ONE


def _factors(node: Node) -> list[Node]:
    return list(node.factors) if isinstance(node, Prod) else [node]


# ---------------------------------------------------------------------- products
def _merge_terms(terms: list[Term]) -> list[Term]:
    """Apply the product rule ``P(A|B,C) P(B|C) = P(A,B|C)`` until no pair merges."""
    alive: dict[int, Term] = dict(enumerate(terms))
    by_joint: dict[int, set[int]] = {}
    for i, t in alive.items():
        by_joint.setdefault(t.free, set()).add(i)
    work = list(alive)
    nxt = len(terms)
    while work:
        i = work.pop()
        t1 = alive.get(i)
        if t1 is None or not t1.given:
            continue
        cands = by_joint.get(t1.given)
        if not cands:
            continue
        j = next(iter(cands))
        t2 = alive.pop(j)
        del alive[i]
        cands.discard(j)
        by_joint[t1.free].discard(i)
        merged = Term(t1.vars | t2.vars, t2.given)
        alive[nxt] = merged
        by_joint.setdefault(merged.free, set()).add(nxt)
        work.append(nxt)
        # terms conditioning on exactly merged's joint may now merge with it
        work.extend(k for k, t in alive.items() if t.given == merged.free and k != nxt)
        nxt += 1
    return list(alive.values())


def prod(factors: list[Node] | tuple[Node, ...]) -> Node:
    """Product with nested products flattened, ones dropped and marginals merged."""
    terms: list[Term] = []
    others: list[Node] = []
    for f in factors:
        for g in _factors(f):
            if isinstance(g, Term):
                terms.append(g)
            else:
                others.append(g)
    if len(terms) > 1:
        terms = _merge_terms(terms)
    out: list[Node] = [*terms, *others]
    if len(out) == 1:
        return out[0]
    return Prod(tuple(out))


# ---------------------------------------------------------------------- sums
def marg(over: int, body: Node) -> Node:
    """``Σ_over body``, simplified."""
    over &= body.free
    if not over:
        return body
    if isinstance(body, Term):
        if over & body.given:
            return Marg(over, body)
        return term(body.vars & ~over, body.given)
    if isinstance(body, Marg):
        return marg(over | body.over, body.body)
    if isinstance(body, Prod):
        return _marg_prod(over, list(body.factors))
    return Marg(over, body)


def _drop_trailing(over: int, factors: list[Node]) -> tuple[int, list[Node]]:
    """One reverse sweep: marginalise each term whose head variables occur nowhere else."""
    n = len(factors)
    prefix = [0] * (n + 1)
    for i, f in enumerate(factors):
        prefix[i + 1] = prefix[i] | f.free
    later = 0
    kept: list[Node] = []
    for i in range(n - 1, -1, -1):
        f = factors[i]
        if isinstance(f, Term):
            own = f.vars & over & ~(prefix[i] | later)
            if own:
                f = term(f.vars & ~own, f.given)
                over &= ~own
        if f is not ONE:
            kept.append(f)
            later |= f.free
    kept.reverse()
    return over, kept


def _push_exclusive(over: int, factors: list[Node]) -> tuple[int, list[Node], bool]:
    """Sum each variable that occurs in one factor only inside that factor."""
    once = twice = 0
    for f in factors:
        m = f.free & over
        twice |= once & m
        once |= m
    exclusive = once & ~twice
    if not exclusive:
        return over, factors, False
    out: list[Node] = []
    for f in factors:
        own = f.free & exclusive
        if own:
            f = marg(own, f)
        if f is not ONE:
            out.extend(_factors(f))
    return over & ~exclusive, out, True


def _marg_prod(over: int, factors: list[Node]) -> Node:
    changed = True
    while changed and over:
        over, factors = _drop_trailing(over, factors)
        over, factors, changed = _push_exclusive(over, factors)
        if changed:
            factors = _factors(prod(factors))
        over &= _free(factors)
    outside = [f for f in factors if not f.free & over]
    inside = [f for f in factors if f.free & over]
    if not inside:
        return prod(outside)
    return prod([*outside, Marg(over, prod(inside))])


def _free(factors: list[Node]) -> int:
    m = 0
    for f in factors:
        m |= f.free
    return m


# ---------------------------------------------------------------------- fractions
def frac(num: Node, den: Node) -> Node:
    """``num / den`` with common factors cancelled and ``P(A,B|C)/P(B|C)`` conditioned."""
    if den is ONE:
        return num
    if isinstance(num, Marg) and not den.free & num.over:
        inner = frac(num.body, den)  # (Σ_o b) / d = Σ_o (b / d) when d does not mention o
        if not isinstance(inner, Frac):
            return marg(num.over, inner)
    nums = _factors(num)
    dens: list[Node] = []
    for d in _factors(den):
        for i, n in enumerate(nums):
            if n == d:
                del nums[i]
                break
        else:
            dens.append(d)
    left: list[Node] = []
    for d in dens:
        if isinstance(d, Term):
            for i, n in enumerate(nums):
                if isinstance(n, Term) and n.given == d.given and d.vars & ~n.vars == 0:
                    nums[i] = term(n.vars & ~d.vars, n.given | d.vars)
                    break
            else:
                left.append(d)
        else:
            left.append(d)
    top = prod(nums) if nums else ONE
    if not left:
        return top
    return Frac(top, prod(left))
