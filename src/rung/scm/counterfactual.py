"""Counterfactuals in a fully specified structural model: values in the actual context, and
exact probabilities by enumeration over the exogenous distribution (Pearl 2009, *Causality*,
§7.1: abduction, action, prediction; here abduction is exact conditioning over every u)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rung.scm.errors import ModelError
from rung.scm.model import StructuralModel
from rung.scm.query import CounterfactualQuery, CounterfactualVariable, Event

__all__ = ["CounterfactualAnswer", "counterfactual_probability", "counterfactual_value"]


def _value_in(model: StructuralModel, term: CounterfactualVariable,
              u: Mapping[str, int]) -> int:
    do: dict[str, int] = {}
    for var, x in term.interventions:
        if var in model.exogenous:
            raise ModelError(f"{term.to_text()}: {var} is exogenous; interventions set "
                             f"endogenous variables ({', '.join(model.endogenous)})")
        do[var] = _value_in(model, x, u) if isinstance(x, CounterfactualVariable) else x
    values = model.solve(do, u)
    if term.name not in values:
        raise ModelError(f"{term.to_text()}: unknown variable {term.name!r}; the model's "
                         f"variables are {', '.join(model.variables)}")
    return values[term.name]


def counterfactual_value(model: StructuralModel, term: CounterfactualVariable,
                         context: Mapping[str, int] | None = None) -> int:
    """The value of ``term`` (e.g. ``Y[X=0]``) in ``context`` (default: the model's actual u).

    Examples
    --------
    >>> from rung.scm.model import parse_model
    >>> from rung.scm.query import parse_term
    >>> m = parse_model('[exogenous]\\nU = {domain = "bool", value = true}\\n'
    ...                 '[endogenous]\\nX = {domain = "bool", equation = "U"}\\n'
    ...                 'Y = {domain = "bool", equation = "X"}\\n')
    >>> counterfactual_value(m, parse_term("Y[X=0]")), counterfactual_value(m, parse_term("Y"))
    (0, 1)
    """
    u = {**model.context, **(context or {})}
    return _value_in(model, term, u)


@dataclass(frozen=True)
class CounterfactualAnswer:
    """``P(query)`` computed exactly; ``evidence`` is the probability of the given events."""

    query: CounterfactualQuery
    probability: float
    evidence: float
    contexts: int

    def to_json(self) -> dict[str, Any]:
        return {"query": self.query.to_text(), "query_json": self.query.to_json(),
                "latex": self.query.to_latex(), "probability": self.probability,
                "evidence_probability": self.evidence, "contexts": self.contexts}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CounterfactualAnswer:
        return cls(CounterfactualQuery.from_json(data["query_json"]),
                   float(data["probability"]), float(data["evidence_probability"]),
                   int(data["contexts"]))


def _holds(model: StructuralModel, events: tuple[Event, ...], u: Mapping[str, int]) -> bool:
    return all(_value_in(model, e.variable, u) == e.value for e in events)


def counterfactual_probability(model: StructuralModel,
                               query: CounterfactualQuery) -> CounterfactualAnswer:
    """``P(events | given)`` by exact enumeration of every context u (all worlds share u).

    Raises
    ------
    ModelError
        The model has no distribution over u, or the given events have probability 0.

    Examples
    --------
    >>> from rung.scm.model import parse_model
    >>> from rung.scm.query import parse_query
    >>> m = parse_model('[exogenous]\\nU = {domain = "bool", value = true, '
    ...                 'distribution = [0.5, 0.5]}\\n'
    ...                 '[endogenous]\\nX = {domain = "bool", equation = "U"}\\n'
    ...                 'Y = {domain = "bool", equation = "X"}\\n')
    >>> counterfactual_probability(m, parse_query("P(Y[X=1]=1 | X=0, Y=0)")).probability
    1.0
    """
    joint = evidence = 0.0
    count = 0
    for u, p in model.contexts():
        count += 1
        if p == 0.0 or not _holds(model, query.given, u):
            continue
        evidence += p
        if _holds(model, query.events, u):
            joint += p
    if evidence == 0.0:
        raise ModelError(f"{query.to_text()}: the given events have probability 0 in this "
                         "model, so the conditional probability is undefined; change the "
                         "conditions")
    return CounterfactualAnswer(query, joint / evidence, evidence, count)
