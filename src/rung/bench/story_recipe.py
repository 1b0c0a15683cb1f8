"""The program-aided recipe on a user's own story (``rung ask ... --recipe``).

The LLM only states the formal model (Ness's causal reasoning recipes; CLadder's CausalCoT
steps made formal), with the same constrained steps as the ladder recipe
(:mod:`rung.bench.ladder_recipe`): the variables (given, or a ``gen`` constrained to a comma
list of names found in the story), the graph read sentence by sentence (per pair of
variables a qualitative sentence names, ``select`` among an edge either way, a shared
unobserved cause or neither; :func:`rung.bench.ladder_extract.extract_graph`), the query
type, treatment and outcome (``select``), and the stated probabilities (``gen``, regex for
a number). The model is shown for the user to correct and can be fed back
(:meth:`FormalModel.from_json`); rung then derives the quantity.

The story's probabilities are asked only when the story states numbers at all; otherwise
they stay unknown and rung says which it needs. The derived quantity is reported with its
sign, never as a Yes/No to the user's own wording (whose direction rung does not parse).

Examples
--------
>>> m = FormalModel(("rain", "wet"), (("rain", "wet"),), (), "conditional", "rain", "wet",
...                 (("P(rain=1)", 0.3), ("P(wet=1 | rain=0)", 0.1),
...                  ("P(wet=1 | rain=1)", 0.9)))
>>> r = derive(m)
>>> r.answered, round(r.value, 2), r.quantity
(True, 0.8, 'P(wet=1 | rain=1) - P(wet=1 | rain=0)')
>>> FormalModel.from_json(m.to_json()) == m
True
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rung.bench.ladder import joint_of_factors
from rung.bench.ladder_extract import (
    QUERY_TEXT,
    extract_graph,
    number_of,
    query_type,
    select_among,
)
from rung.bench.ladder_formal import formal_value, necessity_bounds
from rung.graph import CausalGraph
from rung.identify import JointDistribution
from rung.lm.base import Backend
from rung.lm.program import Program, assistant, gen, system, user
from rung.scm.threshold import BinaryTable

__all__ = ["MAX_VARIABLES", "FormalModel", "RecipeAnswer", "derive", "extract_model",
           "structural_tables"]

#: at most this many variables (the graph step may ask every pair a sentence names)
MAX_VARIABLES = 6
_NAME = r"[A-Za-z][A-Za-z0-9 _'-]{0,39}"
_QUANTITY = {
    "marginal": "P({y}=1) - 0.5", "conditional": "P({y}=1 | {x}=1) - P({y}=1 | {x}=0)",
    "ate": "P({y}=1 | do({x}=1)) - P({y}=1 | do({x}=0))",
    "adjustment": "+1 if adjusting is valid, -1 if not",
    "ett": "E[{y} - {y}_({x}=0) | {x}=1]",
    "nde": "E[{y}_({x}=1, M_({x}=0))] - E[{y}_({x}=0)] (the natural direct effect)",
    "nie": "E[{y}_({x}=0, M_({x}=1))] - E[{y}_({x}=0)] (the natural indirect effect)",
    "necessity": "P({y}_({x}=0)=0 | {x}=1, {y}=1) - 0.5 (the probability of necessity, in "
                 "the threshold model)",
}


@dataclass(frozen=True)
class FormalModel:
    """What the LLM extracted: variables, directed edges, pairs with a shared unobserved
    cause, the query type (a key of ``QUERY_TEXT``), treatment, outcome and the stated
    probabilities of the chain-rule factorisation (``None``: not stated)."""

    variables: tuple[str, ...]
    edges: tuple[tuple[str, str], ...]
    confounded: tuple[tuple[str, str], ...]
    query: str
    treatment: str
    outcome: str
    numbers: tuple[tuple[str, float | None], ...]

    def __post_init__(self) -> None:
        known = set(self.variables)
        for a, b in (*self.edges, *self.confounded):
            if a not in known or b not in known:
                raise ValueError(f"pair ({a!r}, {b!r}) names a variable not in "
                                 f"{list(self.variables)}; list it under variables")
        if self.query not in QUERY_TEXT:
            raise ValueError(f"query {self.query!r}: choose one of {sorted(QUERY_TEXT)}")
        for role, v in (("treatment", self.treatment), ("outcome", self.outcome)):
            if v not in known:
                raise ValueError(f"{role} {v!r} is not one of {list(self.variables)}")

    def graph(self) -> CausalGraph:
        """The extracted graph (one latent ``U_i`` per confounded pair); ValueError on a
        cycle."""
        lat = [f"U{i}" for i in range(len(self.confounded))]
        arcs = [*self.edges, *[(u, v) for u, p in zip(lat, self.confounded, strict=True)
                               for v in p]]
        return CausalGraph(directed=arcs, nodes=list(self.variables), latent=lat)

    def to_json(self) -> dict[str, Any]:
        return {"variables": list(self.variables), "edges": [list(e) for e in self.edges],
                "confounded": [list(p) for p in self.confounded], "query": self.query,
                "treatment": self.treatment, "outcome": self.outcome,
                "numbers": {k: v for k, v in self.numbers}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FormalModel:
        nums = data.get("numbers") or {}
        return cls(tuple(str(v) for v in data["variables"]),
                   tuple((str(a), str(b)) for a, b in data["edges"]),
                   tuple((str(a), str(b)) for a, b in data.get("confounded", [])),
                   str(data["query"]), str(data["treatment"]), str(data["outcome"]),
                   tuple((str(k), None if v is None else float(v)) for k, v in nums.items()))


@dataclass(frozen=True)
class RecipeAnswer:
    """The extracted model and what rung derived from it (or why it could not)."""

    model: FormalModel
    quantity: str
    value: float | None
    reason: str  # empty when answered
    #: for ``necessity``: Tian & Pearl's bounds on PN from P(X, Y) and P(y | do(x)) alone
    #: (no threshold model), which the threshold model's PN lies within
    bounds: tuple[float, float] | None = None

    @property
    def answered(self) -> bool:
        return self.value is not None

    def to_json(self) -> dict[str, Any]:
        return {"model": self.model.to_json(), "quantity": self.quantity,
                "value": self.value, "answered": self.answered, "reason": self.reason or None,
                "bounds": None if self.bounds is None else list(self.bounds)}


def _factor_labels(model: FormalModel, order: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
    """(node, conditioning parents) of the factorisation the numbers state: the graph's
    parents without confounded pairs, else the chain rule along ``order``."""
    out = []
    for k, v in enumerate(order):
        if model.confounded:
            pa = tuple(order[:k])
        else:
            pa = tuple(p for p in order if (p, v) in model.edges)
        out.append((v, pa))
    return out


def _labels(node: str, parents: tuple[str, ...]) -> list[str]:
    rows = itertools.product("01", repeat=len(parents))
    return [f"P({node}=1{' | ' if parents else ''}"
            f"{', '.join(f'{p}={b}' for p, b in zip(parents, bits, strict=True))})"
            for bits in rows]


def stated_labels(model: FormalModel, order: Sequence[str]) -> list[str]:
    """The probability labels the model needs, in order."""
    return [lab for v, pa in _factor_labels(model, order) for lab in _labels(v, pa)]


def derive(model: FormalModel, adjustment: Sequence[str] = ()) -> RecipeAnswer:
    """rung's answer from an extracted (or user-corrected) formal model."""
    x, y = model.treatment, model.outcome
    quantity = _QUANTITY[model.query].format(x=x, y=y)
    try:
        g = model.graph()
    except ValueError as exc:
        return RecipeAnswer(model, quantity, None, f"the extracted graph is invalid: {exc}")
    if model.query == "adjustment" and not adjustment:
        return RecipeAnswer(model, quantity, None, "the recipe does not extract the candidate "
                            "adjustment set yet; ask `rung identify` about the set instead")
    order = list(g.topological_order())
    missing = _missing_numbers(model, order)
    if model.query != "adjustment" and missing:
        return RecipeAnswer(model, quantity, None, missing)
    table = joint_of_factors(_tables(model, order), order)
    if table.sum() <= 0:
        return RecipeAnswer(model, quantity, None, "the stated numbers give probability 0")
    j = JointDistribution.from_table(order, table / table.sum())
    value = formal_value(g, j, model.query, x, y, adjustment)
    if value is None or value != value:
        return RecipeAnswer(model, quantity, None, f"{quantity} is not identified from the "
                            "extracted graph (or conditions on a probability-0 event)")
    pn = necessity_bounds(g, j, x, y) if model.query == "necessity" else None
    return RecipeAnswer(model, quantity, float(value), "",
                        None if pn is None else (pn.lower, pn.upper))


def structural_tables(model: FormalModel) -> tuple[BinaryTable, ...]:
    """The model's probability tables, for a structural-model file
    (:func:`rung.scm.threshold.threshold_model_toml`, ``rung ask ... --recipe --scm FILE``).

    Raises
    ------
    ValueError
        The graph has a cycle, a pair with a shared unobserved cause (whose mechanism the
        stated numbers do not give), or a stated number is missing.

    Examples
    --------
    >>> m = FormalModel(("rain", "wet"), (("rain", "wet"),), (), "ett", "rain", "wet",
    ...                 (("P(rain=1)", 0.3), ("P(wet=1 | rain=0)", 0.1),
    ...                  ("P(wet=1 | rain=1)", 0.9)))
    >>> [t.p_one for t in structural_tables(m)]
    [(0.3,), (0.1, 0.9)]
    """
    if model.confounded:
        a, b = model.confounded[0]
        raise ValueError(f"{a!r} and {b!r} share an unobserved cause; a structural model "
                         "needs its mechanism, which the stated numbers do not give; remove "
                         "the pair from 'confounded' (--formal FILE) only if there is none")
    order = list(model.graph().topological_order())
    missing = _missing_numbers(model, order)
    if missing:
        raise ValueError(missing)
    return _tables(model, order)


def _missing_numbers(model: FormalModel, order: Sequence[str]) -> str:
    """Why the stated numbers do not make the tables (the labels with no value), or ""."""
    nums = dict(model.numbers)
    missing = [lab for lab in stated_labels(model, order) if nums.get(lab) is None]
    if not missing:
        return ""
    return (f"the story states no value for {', '.join(missing[:4])}"
            f"{' ...' if len(missing) > 4 else ''}; add the numbers to the model (--formal FILE)")


def _tables(model: FormalModel, order: Sequence[str]) -> tuple[BinaryTable, ...]:
    """The factorisation's tables from the stated numbers (an unstated one reads as 0)."""
    nums = dict(model.numbers)
    return tuple(BinaryTable(v, pa, tuple(float(nums.get(lab) or 0.0) for lab in _labels(v, pa)))
                 for v, pa in _factor_labels(model, order))


def _variables(backend: Backend, story: str) -> tuple[str, ...]:
    lm = Program(backend)
    with system():
        lm += "You read short causal stories and state their formal model exactly."
    with user():
        lm += (f"{story}\n\nList the yes/no variables of this story, separated by commas "
               f"(at most {MAX_VARIABLES}).")
    with assistant():
        lm += gen("v", regex=rf"{_NAME}(, {_NAME}){{1,{MAX_VARIABLES - 1}}}", max_tokens=60)
    names = [n.strip() for n in lm["v"].split(",")]
    low = story.lower()
    kept = tuple(dict.fromkeys(n for n in names if n and n.lower() in low))
    if len(kept) < 2:
        raise ValueError(f"the model named the variables {names}, fewer than two of which "
                         "appear in the story; give them with --variables 'a,b,c'")
    return kept


def _pick(backend: Backend, story: str, question: str, ask: str, names: Sequence[str]) -> str:
    p = select_among(backend, story, f"{question}\n\n{ask}", list(names))
    return max(p, key=p.__getitem__)


def extract_model(story: str, question: str, backend: Backend,
                  variables: Sequence[str] | None = None) -> FormalModel:
    """The LLM's formal model of ``story`` and ``question`` (each step constrained)."""
    names = tuple(variables) if variables else _variables(backend, story)
    if len(names) > MAX_VARIABLES:
        raise ValueError(f"{len(names)} variables: give at most {MAX_VARIABLES}")
    edges, conf = extract_graph(backend, story, names)
    query = query_type(backend, question)
    x = _pick(backend, story, question, "Which variable does the question change or "
              "compare?", names)
    y = _pick(backend, story, question, "Which variable is the outcome asked about?",
              [n for n in names if n != x])
    model = FormalModel(names, tuple(edges), tuple(conf), query, x, y, ())
    try:
        order = list(model.graph().topological_order())
    except ValueError:
        return model  # a cycle: derive() says so; no numbers to ask for
    states_numbers = re.search(r"\d", story) is not None
    nums = tuple((lab, number_of(backend, story, lab) if states_numbers else None)
                 for lab in stated_labels(model, order))
    return FormalModel(names, tuple(edges), tuple(conf), query, x, y, nums)
