"""Typed counterfactual events and queries for ID* / IDC* (Shpitser & Pearl 2007, 2008).

A :class:`CfEvent` is ``Y_x = y``: a variable, its intervention set and its value
(``Y[X=1]=1`` in text, ``Y_{X=1}=1`` in LaTeX). A :class:`CfQuery` is ``P(γ | δ)`` for two
conjunctions of events; with ``given`` empty it is a joint query ``P(γ)``.

The text syntax is parsed by :func:`rung.scm.query.parse_query` (one parser in rung);
:func:`from_scm_query` turns its (possibly nested) result into these flat events, refusing
nested counterfactuals, which ID* does not handle.

Examples
--------
>>> q = CfQuery((CfEvent("Y", 1, (("X", 1),)),), (CfEvent("X", 0),))
>>> q.to_text()
'P(Y[X=1]=1 | X=0)'
>>> q.to_latex()
'P(Y_{X=1}=1 \\\\mid X=0)'
>>> CfQuery.from_json(q.to_json()) == q
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rung.scm.query import probability_text

if TYPE_CHECKING:
    from rung.scm.query import CounterfactualQuery

__all__ = ["CfEvent", "CfQuery", "NestedCounterfactualError", "from_scm_query", "parse_cf_query"]


class NestedCounterfactualError(ValueError):
    """A query holds a nested counterfactual such as ``Y[X=1, M=M[X=0]]``."""


def _latex_name(name: str) -> str:
    from rung.identify.expr import _latex_name as latex_name

    return latex_name(name)


@dataclass(frozen=True)
class CfEvent:
    """``variable_{interventions} = value``; the interventions are kept sorted by name.

    Examples
    --------
    >>> e = CfEvent("Y", 1, (("Z", 0), ("X", 1)))
    >>> e.to_text(), e.interventions
    ('Y[X=1, Z=0]=1', (('X', 1), ('Z', 0)))
    """

    variable: str
    value: int
    interventions: tuple[tuple[str, int], ...] = ()

    def __post_init__(self) -> None:
        items = tuple(sorted((str(v), int(x)) for v, x in self.interventions))
        names = [v for v, _ in items]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.variable}: a variable is set twice in {list(items)}; "
                             "set each intervened variable once")
        object.__setattr__(self, "interventions", items)

    @property
    def world(self) -> frozenset[tuple[str, int]]:
        """The intervention set as a hashable world ``{(X, x), ...}``."""
        return frozenset(self.interventions)

    def variable_text(self) -> str:
        """``Y[X=1]`` (or ``Y`` when factual)."""
        if not self.interventions:
            return self.variable
        return self.variable + "[" + ", ".join(f"{v}={x}" for v, x in self.interventions) + "]"

    def to_text(self) -> str:
        """``Y[X=1]=1``."""
        return f"{self.variable_text()}={self.value}"

    def to_latex(self) -> str:
        """``Y_{X=1}=1``."""
        name = _latex_name(self.variable)
        if self.interventions:
            sub = ", ".join(f"{_latex_name(v)}={x}" for v, x in self.interventions)
            name = f"{{{name}}}_{{{sub}}}" if "_" in name else f"{name}_{{{sub}}}"
        return f"{name}={self.value}"

    def to_json(self) -> dict[str, Any]:
        """``{"variable": "Y", "interventions": {"X": 1}, "value": 1}``."""
        return {"variable": self.variable, "interventions": dict(self.interventions),
                "value": self.value}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CfEvent:
        """Inverse of :meth:`to_json`."""
        return cls(str(data["variable"]), int(data["value"]),
                   tuple((str(k), int(v)) for k, v in dict(data.get("interventions", {})).items()))


@dataclass(frozen=True)
class CfQuery:
    """``P(outcome | given)`` for conjunctions of counterfactual events."""

    outcome: tuple[CfEvent, ...]
    given: tuple[CfEvent, ...] = ()

    def __post_init__(self) -> None:
        if not self.outcome:
            raise ValueError("a counterfactual query needs at least one event before '|'")

    def variables(self) -> frozenset[str]:
        """Every variable named by the query (events and interventions)."""
        out: set[str] = set()
        for e in (*self.outcome, *self.given):
            out.add(e.variable)
            out.update(v for v, _ in e.interventions)
        return frozenset(out)

    def to_text(self) -> str:
        """``P(Y[X=1]=1 | X=0)``."""
        return probability_text(self.outcome, self.given)

    def to_latex(self) -> str:
        """``P(Y_{X=1}=1 \\mid X=0)``."""
        return probability_text(self.outcome, self.given, latex=True)

    def to_json(self) -> dict[str, Any]:
        """``{"text": ..., "outcome": [...], "given": [...]}``."""
        return {"text": self.to_text(), "outcome": [e.to_json() for e in self.outcome],
                "given": [e.to_json() for e in self.given]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CfQuery:
        """Inverse of :meth:`to_json`."""
        return cls(tuple(CfEvent.from_json(e) for e in data["outcome"]),
                   tuple(CfEvent.from_json(e) for e in data.get("given", [])))


def from_scm_query(query: CounterfactualQuery) -> CfQuery:
    """The flat :class:`CfQuery` of a parsed :class:`rung.scm.query.CounterfactualQuery`.

    Raises
    ------
    NestedCounterfactualError
        An intervention value is itself a counterfactual (``M=M[X=0]``): ID* identifies
        conjunctions of un-nested events only.
    """

    def flat(events: tuple[Any, ...]) -> tuple[CfEvent, ...]:
        out = []
        for ev in events:
            items = []
            for name, x in ev.variable.interventions:
                if not isinstance(x, int):
                    raise NestedCounterfactualError(
                        f"{ev.variable.to_text()} sets {name} to the counterfactual "
                        f"{x.to_text()}: ID* takes un-nested events only; write the query with "
                        "constant interventions (e.g. M=0) and sum over M yourself")
                items.append((name, x))
            out.append(CfEvent(ev.variable.name, int(ev.value), tuple(items)))
        return tuple(out)

    return CfQuery(flat(query.events), flat(query.given))


def parse_cf_query(text: str) -> CfQuery:
    """Parse ``P(Y[X=1]=1 | X=0)`` with rung's query parser (:mod:`rung.scm.query`).

    Examples
    --------
    >>> parse_cf_query("P(Y[X=1]=1, Y[X=0]=0)").to_text()
    'P(Y[X=1]=1, Y[X=0]=0)'
    """
    from rung.scm.query import parse_query

    return from_scm_query(parse_query(text))
