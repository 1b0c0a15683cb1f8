"""Halpern–Pearl actual causation and the Chockler–Halpern degree of responsibility.

``X=x`` is an actual cause of ``φ`` (a conjunction ``Y=y, ...``) in a model M with context u
(Halpern 2016, *Actual Causality*, Definition 2.2.1) when

AC1  ``(M,u) ⊨ X=x ∧ φ``;

AC2  a witness exists: a set W of other endogenous variables, a setting w of W and a setting
     x' of X with, for the three definitions of :class:`Definition`,

     * ORIGINAL (Halpern & Pearl 2001/2005), AC2(a) ``[X←x', W←w]¬φ`` and AC2(b^o)
       ``[X←x, W←w, Z'←z*]φ`` for every subset Z' of Z = V − W (z* the actual values);
     * UPDATED (Halpern & Pearl 2005; Halpern 2016), AC2(a) and AC2(b^u)
       ``[X←x, W'←w, Z'←z*]φ`` for every subset W' of W and Z' of Z;
     * MODIFIED (Halpern 2015), AC2(a^m): w is W's actual value w* and ``[X←x', W←w*]¬φ``;

AC3  X is minimal: no strict subset of X satisfies AC1 and AC2.

The search is exhaustive (exponential in the number of variables), bounded by
``max_evaluations`` model evaluations; :class:`~rung.scm.errors.SearchLimitExceeded` says so
when the bound is hit. Two exact prunings keep it small: variables that are not ancestors of
φ cannot matter, and under MODIFIED freezing a non-descendant of X at its actual value changes
nothing. Witnesses are tried in order of the number of changed values, then of |W|.

The degree of responsibility (Chockler & Halpern 2004, Definition 3.1) of a cause X=x under
ORIGINAL/UPDATED is ``1/(k + |X|)``, k the least number of W variables whose witness value
differs from the actual value (``1/(k+1)`` for one variable), and 0 when X=x is not a cause.
Under MODIFIED, W never changes a value, and X=x's degree is ``1/|X*|`` for the smallest
cause X* = x* that has X=x among its conjuncts (Halpern 2016, §6.1), 0 when there is none.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction
from typing import Any

from rung.scm.errors import ModelError, SearchLimitExceeded
from rung.scm.model import StructuralModel

__all__ = [
    "DEFAULT_MAX_EVALUATIONS",
    "ActualCauseResult",
    "Definition",
    "Witness",
    "is_actual_cause",
]

DEFAULT_MAX_EVALUATIONS = 2_000_000
Setting = tuple[tuple[str, int], ...]


class Definition(Enum):
    """Which Halpern–Pearl definition of actual causation to apply."""

    ORIGINAL = "original"
    UPDATED = "updated"
    MODIFIED = "modified"


@dataclass(frozen=True)
class Witness:
    """The contingency ``W = w`` and the alternative ``x'`` of AC2(a)."""

    contingency: Setting
    alternative: Setting

    def changes(self, actual: dict[str, int]) -> int:
        """How many contingency values differ from the actual ones."""
        return sum(actual[v] != w for v, w in self.contingency)

    def to_json(self) -> dict[str, Any]:
        return {"contingency": dict(self.contingency), "alternative": dict(self.alternative)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Witness:
        return cls(tuple((str(k), int(v)) for k, v in data["contingency"].items()),
                   tuple((str(k), int(v)) for k, v in data["alternative"].items()))


@dataclass(frozen=True)
class ActualCauseResult:
    """The verdict on ``cause`` for ``effect``, with AC1–AC3 separately and the evidence."""

    cause: Setting
    effect: Setting
    definition: Definition
    ac1: bool
    ac2: bool
    ac3: bool
    witness: Witness | None
    smaller_cause: Setting | None
    responsibility: Fraction
    evaluations: int

    @property
    def is_cause(self) -> bool:
        return self.ac1 and self.ac2 and self.ac3

    def to_json(self) -> dict[str, Any]:
        return {
            "is_cause": self.is_cause, "definition": self.definition.value,
            "cause": dict(self.cause), "effect": dict(self.effect),
            "witness": None if self.witness is None else self.witness.to_json(),
            "responsibility": float(self.responsibility),
            "responsibility_fraction": str(self.responsibility),
            "ac1": self.ac1, "ac2": self.ac2, "ac3": self.ac3,
            "smaller_cause": None if self.smaller_cause is None else dict(self.smaller_cause),
            "evaluations": self.evaluations,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ActualCauseResult:
        def setting(d: dict[str, Any] | None) -> Setting | None:
            return None if d is None else tuple((str(k), int(v)) for k, v in d.items())

        witness = data.get("witness")
        return cls(setting(data["cause"]) or (), setting(data["effect"]) or (),
                   Definition(data["definition"]), bool(data["ac1"]), bool(data["ac2"]),
                   bool(data["ac3"]), None if witness is None else Witness.from_json(witness),
                   setting(data.get("smaller_cause")),
                   Fraction(data["responsibility_fraction"]), int(data["evaluations"]))


class _Search:
    """Model evaluations under interventions in the actual context, with a budget."""

    def __init__(self, model: StructuralModel, effect: Setting, limit: int) -> None:
        self.m = model
        self.u = [model.context[n] for n in model.exogenous]
        self.effect = [(model.index(v), y) for v, y in effect]
        self.limit = limit
        self.count = 0
        self.actual = model.solve_fast({}, self.u)
        self.idx = {v: model.index(v) for v in model.variables}
        self.graph = graph = model.graph()
        self.ancestors = graph.ancestors([v for v, _ in effect]) & set(model.endogenous)
        self.effect_vars = frozenset(v for v, _ in effect)

    def phi(self, do: dict[int, int]) -> bool:
        self.count += 1
        if self.count > self.limit:
            raise SearchLimitExceeded(self.limit, "this actual-causation question")
        values = self.m.solve_fast(do, self.u)
        return all(values[i] == y for i, y in self.effect)

    def value(self, var: str) -> int:
        return self.actual[self.idx[var]]

    def candidates(self, cause: Sequence[str], definition: Definition) -> list[str]:
        """The variables a contingency W may contain (exact prunings, see the module doc)."""
        pool = self.ancestors - set(cause) - self.effect_vars
        if definition is Definition.MODIFIED:
            pool &= self.graph.descendants(cause)
        return [v for v in self.m.order if v in pool]


def _alternatives(m: StructuralModel, cause: Setting) -> Iterator[tuple[int, ...]]:
    """Settings x' != x, lazily, those that change every conjunct first."""
    n = len(cause)
    for agree in range(n):
        for kept in itertools.combinations(range(n), agree):
            spaces = [[x] if i in kept else [v for v in m.endogenous[name].values if v != x]
                      for i, (name, x) in enumerate(cause)]
            yield from itertools.product(*spaces)


def _contingencies(s: _Search, pool: list[str],
                   definition: Definition) -> Iterator[tuple[int, dict[str, int]]]:
    """(changes, W=w) in order of the number of changed values, then of |W|."""
    top = 0 if definition is Definition.MODIFIED else len(pool)
    for c in range(top + 1):
        for changed in itertools.combinations(pool, c):
            others = [v for v in pool if v not in changed]
            new_values = [[x for x in s.m.endogenous[v].values if x != s.value(v)]
                          for v in changed]
            for values in itertools.product(*new_values):
                for f in range(len(others) + 1):
                    for frozen in itertools.combinations(others, f):
                        w = dict(zip(changed, values, strict=True))
                        w.update({v: s.value(v) for v in frozen})
                        yield c, w


def _ac2b(s: _Search, cause: Setting, w: dict[str, int], definition: Definition) -> bool:
    idx = s.idx.__getitem__
    base = {idx(v): x for v, x in cause}
    rest = [v for v in s.ancestors - s.effect_vars - set(w) - {v for v, _ in cause}]
    w_subsets: Iterator[tuple[str, ...]]
    if definition is Definition.ORIGINAL:
        w_subsets = iter([tuple(w)])
    else:
        w_subsets = (sub for r in range(len(w) + 1) for sub in itertools.combinations(w, r))
    for w_sub in w_subsets:
        for r in range(len(rest) + 1):
            for z_sub in itertools.combinations(rest, r):
                do = {**base, **{idx(v): w[v] for v in w_sub},
                      **{idx(z): s.value(z) for z in z_sub}}
                if not s.phi(do):
                    return False
    return True


def _witness(s: _Search, cause: Setting, definition: Definition) -> tuple[Witness, int] | None:
    """The first AC2 witness for ``cause`` and its number of changes, or None."""
    pool = s.candidates([v for v, _ in cause], definition)
    idx = s.idx.__getitem__
    for changes, w in _contingencies(s, pool, definition):
        do_w = {idx(v): x for v, x in w.items()}
        for alt in _alternatives(s.m, cause):
            do = {**do_w, **{idx(v): x for (v, _), x in zip(cause, alt, strict=True)}}
            if s.phi(do):
                continue
            if definition is Definition.MODIFIED or _ac2b(s, cause, w, definition):
                names = tuple(v for v, _ in cause)
                return Witness(tuple(w.items()), tuple(zip(names, alt, strict=True))), changes
    return None


def _smaller_cause(s: _Search, cause: Setting, definition: Definition) -> Setting | None:
    for r in range(1, len(cause)):
        for sub in itertools.combinations(cause, r):
            if _witness(s, sub, definition) is not None:
                return sub
    return None


def _check(model: StructuralModel, cause: Setting, effect: Setting) -> None:
    model.check_setting(dict(cause), "cause")
    model.check_setting(dict(effect), "effect")
    for what, setting in (("cause", cause), ("effect", effect)):
        if not setting:
            raise ModelError(f"the {what} is empty; give at least one assignment such as X=1")
        exo = [v for v, _ in setting if v in model.exogenous]
        if exo:
            raise ModelError(f"{what} {exo[0]} is exogenous; causes and effects are endogenous "
                             f"variables ({', '.join(model.endogenous)})")
    shared = sorted({v for v, _ in cause} & {v for v, _ in effect})
    if shared:
        raise ModelError(f"{shared[0]} is in both the cause and the effect; they must be "
                         "different variables")


def _modified_responsibility(s: _Search, cause: Setting) -> Fraction:
    """1/|X*| for the smallest MODIFIED-HP cause X* ⊇ cause (Halpern 2016, §6.1), else 0."""
    taken = {v for v, _ in cause}
    pool = [v for v in s.m.order if v in s.ancestors - taken - s.effect_vars]
    for extra in range(1, len(pool) + 1):
        for more in itertools.combinations(pool, extra):
            bigger = (*cause, *((v, s.value(v)) for v in more))
            if _witness(s, bigger, Definition.MODIFIED) is not None \
                    and _smaller_cause(s, bigger, Definition.MODIFIED) is None:
                return Fraction(1, len(bigger))
    return Fraction(0)


def is_actual_cause(model: StructuralModel, cause: Setting, effect: Setting,
                    definition: Definition = Definition.MODIFIED, *,
                    max_evaluations: int = DEFAULT_MAX_EVALUATIONS) -> ActualCauseResult:
    """Whether ``cause`` (``X=x``, or a conjunction) is an actual cause of ``effect``.

    Parameters
    ----------
    model : StructuralModel
        The model; its file's exogenous ``value`` settings are the context u.
    cause, effect : tuple of (str, int)
        Conjunctions of endogenous assignments, e.g. ``(("L", 1), ("MD", 1))``.
    definition : Definition
        MODIFIED (Halpern 2015, the default), UPDATED or ORIGINAL.
    max_evaluations : int
        Bound on model evaluations; :class:`~rung.scm.errors.SearchLimitExceeded` beyond it.

    Returns
    -------
    ActualCauseResult
        AC1, AC2 (with the witness), AC3 (with a smaller cause when it fails), and the
        degree of responsibility.

    Examples
    --------
    >>> from rung.scm.model import parse_model
    >>> m = parse_model('[exogenous]\\nU1 = {domain = "bool", value = true}\\n'
    ...                 'U2 = {domain = "bool", value = true}\\n'
    ...                 '[endogenous]\\nL = {domain = "bool", equation = "U1"}\\n'
    ...                 'MD = {domain = "bool", equation = "U2"}\\n'
    ...                 'FF = {domain = "bool", equation = "L or MD"}\\n')
    >>> is_actual_cause(m, (("L", 1),), (("FF", 1),)).is_cause
    False
    >>> r = is_actual_cause(m, (("L", 1),), (("FF", 1),), Definition.UPDATED)
    >>> r.is_cause, r.witness.contingency, str(r.responsibility)
    (True, (('MD', 0),), '1/2')
    """
    _check(model, cause, effect)
    s = _Search(model, effect, max_evaluations)
    ac1 = all(s.value(v) == x for v, x in (*cause, *effect))
    found = _witness(s, cause, definition) if ac1 else None
    smaller = _smaller_cause(s, cause, definition) if ac1 else None
    witness = None if found is None else found[0]
    is_cause = found is not None and smaller is None
    if definition is Definition.MODIFIED:
        resp = Fraction(1, len(cause)) if is_cause else (
            _modified_responsibility(s, cause) if ac1 else Fraction(0))
    else:
        resp = Fraction(1, found[1] + len(cause)) if is_cause and found else Fraction(0)
    return ActualCauseResult(cause=tuple(cause), effect=tuple(effect), definition=definition,
                             ac1=ac1, ac2=found is not None, ac3=smaller is None,
                             witness=witness, smaller_cause=smaller, responsibility=resp,
                             evaluations=s.count)
