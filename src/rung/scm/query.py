"""Counterfactual queries as typed values, with a text syntax, LaTeX and JSON.

The text syntax::

    Y[X=0]                          the value of Y under do(X=0) (in one context u)
    P(Y[X=1]=1 | X=0, Y=0)          Y under do(X=1) equals 1, given X=0 and Y=0
    P(Y[X=1]=1, Y[X=0]=0)           a joint query: commas join events
    P(Y[X=1, M=M[X=0]]=1)           nested counterfactuals (natural direct effects)

A term without brackets (``X``) is the factual variable. Values are integers or
``True``/``False``. The objects are frozen and hashable, so identification code can reuse them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from rung.scm._tokens import TokenCursor
from rung.scm.errors import ExpressionError

__all__ = [
    "CounterfactualQuery",
    "CounterfactualVariable",
    "Event",
    "Renders",
    "parse_query",
    "parse_setting",
    "parse_term",
    "probability_text",
]

_TOKEN = re.compile(r"\s*(?:(?P<int>-?\d+)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
                    r"|(?P<op>[\[\]()=,|&]))")
_MAX_DEPTH = 16

Setting = int  # a value of a variable


@dataclass(frozen=True)
class CounterfactualVariable:
    """``name`` under the interventions ``(var, value-or-counterfactual)``, e.g. ``Y[X=1]``."""

    name: str
    interventions: tuple[tuple[str, int | CounterfactualVariable], ...] = ()

    def to_text(self) -> str:
        if not self.interventions:
            return self.name
        inner = ", ".join(f"{v}={_text(x)}" for v, x in self.interventions)
        return f"{self.name}[{inner}]"

    def to_latex(self) -> str:
        if not self.interventions:
            return self.name
        inner = ", ".join(f"{v}={_latex(x)}" for v, x in self.interventions)
        return f"{self.name}_{{{inner}}}"

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "do": [
            {"variable": v, "value": x.to_json() if isinstance(x, CounterfactualVariable) else x}
            for v, x in self.interventions]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CounterfactualVariable:
        items = tuple((str(d["variable"]), d["value"] if isinstance(d["value"], int)
                       else cls.from_json(d["value"])) for d in data.get("do", []))
        return cls(str(data["name"]), items)


@dataclass(frozen=True)
class Event:
    """``variable = value``, e.g. ``Y[X=1]=1``."""

    variable: CounterfactualVariable
    value: int

    def to_text(self) -> str:
        return f"{self.variable.to_text()}={self.value}"

    def to_latex(self) -> str:
        return f"{self.variable.to_latex()}={self.value}"

    def to_json(self) -> dict[str, Any]:
        return {"variable": self.variable.to_json(), "value": self.value}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Event:
        return cls(CounterfactualVariable.from_json(data["variable"]), int(data["value"]))


@dataclass(frozen=True)
class CounterfactualQuery:
    """``P(events | given)``: the probability of a conjunction of counterfactual events.

    Examples
    --------
    >>> q = parse_query("P(Y[X=1]=1 | X=0, Y=0)")
    >>> q.to_text()
    'P(Y[X=1]=1 | X=0, Y=0)'
    >>> q.to_latex()
    'P(Y_{X=1}=1 \\\\mid X=0, Y=0)'
    >>> CounterfactualQuery.from_json(q.to_json()) == q
    True
    """

    events: tuple[Event, ...]
    given: tuple[Event, ...] = ()

    def to_text(self) -> str:
        return probability_text(self.events, self.given)

    def to_latex(self) -> str:
        return probability_text(self.events, self.given, latex=True)

    def to_json(self) -> dict[str, Any]:
        return {"events": [e.to_json() for e in self.events],
                "given": [e.to_json() for e in self.given], "text": self.to_text()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CounterfactualQuery:
        return cls(tuple(Event.from_json(e) for e in data["events"]),
                   tuple(Event.from_json(e) for e in data.get("given", [])))


class Renders(Protocol):
    """An event that renders itself as text and as LaTeX."""

    def to_text(self) -> str: ...

    def to_latex(self) -> str: ...


def probability_text(events: Sequence[Renders], given: Sequence[Renders] = (), *,
                     latex: bool = False) -> str:
    """``P(events | given)`` as text, or as LaTeX (``\\mid`` for the bar).

    Examples
    --------
    >>> y, x = parse_query("P(Y[X=1]=1)").events[0], parse_query("P(X=0)").events[0]
    >>> probability_text([y], [x]), probability_text([y], latex=True)
    ('P(Y[X=1]=1 | X=0)', 'P(Y_{X=1}=1)')
    """

    def show(e: Renders) -> str:
        return e.to_latex() if latex else e.to_text()

    bar = r" \mid " if latex else " | "
    cond = bar + ", ".join(map(show, given)) if given else ""
    return f"P({', '.join(map(show, events))}{cond})"


def _text(x: int | CounterfactualVariable) -> str:
    return x.to_text() if isinstance(x, CounterfactualVariable) else str(x)


def _latex(x: int | CounterfactualVariable) -> str:
    return x.to_latex() if isinstance(x, CounterfactualVariable) else str(x)


class _Parser(TokenCursor):
    grammar = _TOKEN
    chars_hint = "a query looks like P(Y[X=1]=1 | X=0) or Y[X=0]"
    end_name = "the end of the query"
    expected_hint = chars_hint

    def at(self, text: str) -> bool:
        return self.tok.kind == "op" and self.tok.text == text

    def value(self) -> int:
        tok = self.tok
        if tok.kind == "int":
            self.advance()
            return int(tok.text)
        if tok.kind == "name" and tok.text in ("True", "true", "False", "false"):
            self.advance()
            return int(tok.text in ("True", "true"))
        raise self.fail("a value (an integer, True or False)")

    def term(self, depth: int = 0) -> CounterfactualVariable:
        if depth > _MAX_DEPTH:
            raise self.fail(f"at most {_MAX_DEPTH} levels of nested counterfactuals, not more")
        if self.tok.kind != "name" or self.tok.text in ("True", "False", "true", "false"):
            raise self.fail("a variable name")
        name = self.advance().text
        items: list[tuple[str, int | CounterfactualVariable]] = []
        if self.at("["):
            self.advance()
            while True:
                if self.tok.kind != "name":
                    raise self.fail("an intervened variable name")
                var = self.advance().text
                self.expect("=")
                nested = self.tok.kind == "name" and self.tok.text not in (
                    "True", "False", "true", "false")
                items.append((var, self.term(depth + 1) if nested else self.value()))
                if not self.at(","):
                    break
                self.advance()
            self.expect("]")
        return CounterfactualVariable(name, tuple(items))

    def events(self, joiners: tuple[str, ...] = (",",)) -> tuple[Event, ...]:
        out = []
        while True:
            var = self.term()
            self.expect("=")
            out.append(Event(var, self.value()))
            if not any(self.at(j) for j in joiners):
                return tuple(out)
            self.advance()

    def end(self) -> None:
        if self.tok.kind != "end":
            raise self.fail("the end of the query")


def parse_query(text: str) -> CounterfactualQuery:
    """Parse ``P(events | given)``; the error names the bad token and its column.

    Examples
    --------
    >>> parse_query("P(Y[X=1]=1, Y[X=0]=0)").to_text()
    'P(Y[X=1]=1, Y[X=0]=0)'
    >>> parse_query("P(Y[X=1, M=M[X=0]]=1)").events[0].variable.to_latex()
    'Y_{X=1, M=M_{X=0}}'
    """
    p = _Parser(text)
    if not (p.tok.kind == "name" and p.tok.text == "P"):
        raise p.fail("'P(' to start a probability query")
    p.advance()
    p.expect("(")
    events = p.events()
    given: tuple[Event, ...] = ()
    if p.at("|"):
        p.advance()
        given = p.events()
    p.expect(")")
    p.end()
    return CounterfactualQuery(events, given)


def parse_term(text: str) -> CounterfactualVariable:
    """Parse one counterfactual variable such as ``Y[X=0]``.

    Examples
    --------
    >>> parse_term("Y[X=0, Z=True]")
    CounterfactualVariable(name='Y', interventions=(('X', 0), ('Z', 1)))
    """
    p = _Parser(text)
    term = p.term()
    p.end()
    return term


def parse_setting(text: str) -> tuple[tuple[str, int], ...]:
    """Parse a conjunction of factual assignments, ``X=1`` or ``X1=1, X2=0`` (or ``&``).

    Examples
    --------
    >>> parse_setting("L=1 & MD=True")
    (('L', 1), ('MD', 1))
    >>> parse_setting("Y[X=1]=1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rung.scm.errors.ExpressionError: 'Y[X=1]' is a counterfactual; ...
    """
    p = _Parser(text)
    events = p.events((",", "&"))
    p.end()
    out: list[tuple[str, int]] = []
    for e in events:
        if e.variable.interventions:
            raise ExpressionError(f"{e.variable.to_text()!r} is a counterfactual; write factual "
                                  "assignments such as X=1, Z=0", e.variable.to_text(), 1)
        if any(name == e.variable.name for name, _ in out):
            raise ExpressionError(f"{e.variable.name} is assigned twice in {text!r}; assign "
                                  "each variable once", e.variable.name, 1)
        out.append((e.variable.name, e.value))
    return tuple(out)
