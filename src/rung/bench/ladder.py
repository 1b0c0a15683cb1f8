"""A generated causal ladder benchmark with formal answers (CLadder's design, Jin et al. 2023).

Each item is a small binary SCM from a canonical family (chain, fork, collider, confounding,
mediation, IV, front-door, M-bias, napkin), told as a story with commonsense,
anti-commonsense (names in the reversed order of their usual causal direction) or nonsense
variable names, and one yes/no question on a rung of Pearl's ladder:

* rung 1: ``marginal`` (is P(Y=1) > 0.5?) and ``conditional`` (is Y=1 likelier given X=1?);
* rung 2: ``ate`` (does do(X=1) make Y=1 likelier than do(X=0)?) and ``adjustment`` (is the
  set a valid adjustment set for the effect of X on Y?);
* rung 3: ``ett`` (for units with X=1, would Y=1 have been less likely had X been 0?),
  ``nde`` and ``nie`` (the natural direct and indirect effects through the mediator M, Pearl
  2001: is each positive?) and ``necessity`` (for a case with X=1 and Y=1, is the probability
  of necessity P(Y_{X=0}=0 | X=1, Y=1) above 0.5?).

Every answer is computed, never written down: marginals and conditionals by
:func:`rung.identify.evaluate` on the observed joint, the effect by :func:`rung.identify.identify`
and the same evaluation (checked against the SCM's truncated factorisation), adjustment sets by
:func:`rung.identify.is_valid_adjustment_set`, and the third rung by exact enumeration of the
canonical threshold SCM (``V = 1`` iff ``U_V < P(V=1 | pa)``; :mod:`rung.bench.ladder_scm`),
the natural effects checked against the mediation formula. The ETT and the natural effects
are identified from the stated tables (no latents); the probability of necessity is not, so
its story adds :data:`THRESHOLD_RULE`, the sentence that fixes the structural model. Answers
whose deciding quantity lies within :data:`MARGIN` of the threshold are re-drawn, so the
two-decimal numbers of the story decide every answer.

Examples
--------
>>> items = generate(3, seed=0)
>>> [i.answer in ("Yes", "No") for i in items]
[True, True, True]
>>> generate(3, seed=0) == items
True
>>> LadderItem.from_json(items[0].to_json()) == items[0]
True
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np
import numpy.typing as npt

from rung.bench.ladder_scm import (
    Factor,
    ett,
    joint_of_factors,
    natural_direct,
    natural_indirect,
    necessity,
)
from rung.graph import CausalGraph
from rung.identify import JointDistribution, P, evaluate, identify, is_valid_adjustment_set

__all__ = [
    "FAMILIES",
    "MARGIN",
    "RUNG_OF",
    "THRESHOLD_RULE",
    "Factor",
    "LadderItem",
    "NameType",
    "QueryType",
    "generate",
    "joint_of_factors",
    "stated_labels",
    "stratified",
]

QueryType = Literal["marginal", "conditional", "ate", "adjustment", "ett", "nde", "nie",
                    "necessity"]
NameType = Literal["commonsense", "anti", "nonsense"]
RUNG_OF: dict[str, int] = {"marginal": 1, "conditional": 1, "ate": 2, "adjustment": 2, "ett": 3,
                           "nde": 3, "nie": 3, "necessity": 3}
#: the story's sentence that fixes the structural model (stated where the answer depends on it)
THRESHOLD_RULE = ("Each variable has its own hidden random number, uniform between 0 and 1 and "
                  "the same in every imagined scenario; the variable is 1 exactly when that "
                  "number is below the probability stated for its causes' values.")
MARGIN = 0.05
Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class _Family:
    observed: tuple[str, ...]  # topological order; X is the treatment, Y the outcome
    edges: tuple[tuple[str, str], ...]  # directed, latents included (U*)
    names: tuple[str, ...]  # commonsense names, one per observed node

    @property
    def latent(self) -> tuple[str, ...]:
        return tuple(sorted({a for a, _ in self.edges if a.startswith("U")}))


FAMILIES: dict[str, _Family] = {
    "chain": _Family(("X", "M", "Y"), (("X", "M"), ("M", "Y")),
                     ("smoking", "tar deposits", "lung cancer")),
    "fork": _Family(("Z", "X", "Y"), (("Z", "X"), ("Z", "Y")),
                    ("hot weather", "ice cream sales", "sunburn")),
    "collider": _Family(("X", "Y", "C"), (("X", "Y"), ("X", "C"), ("Y", "C")),
                        ("studying", "exam success", "scholarship")),
    "confounding": _Family(("Z", "X", "Y"), (("Z", "X"), ("Z", "Y"), ("X", "Y")),
                           ("old age", "medication", "recovery")),
    "mediation": _Family(("X", "M", "Y"), (("X", "M"), ("M", "Y"), ("X", "Y")),
                         ("education", "income", "good health")),
    "iv": _Family(("Z", "X", "Y"), (("Z", "X"), ("X", "Y"), ("U1", "X"), ("U1", "Y")),
                  ("living near a clinic", "treatment", "recovery")),
    "frontdoor": _Family(("X", "M", "Y"), (("X", "M"), ("M", "Y"), ("U1", "X"), ("U1", "Y")),
                         ("smoking", "tar deposits", "lung cancer")),
    "mbias": _Family(("Z", "X", "Y"), (("X", "Y"), ("U1", "X"), ("U1", "Z"), ("U2", "Z"),
                                       ("U2", "Y")),
                     ("hospital visits", "vaccination", "recovery")),
    "napkin": _Family(("W", "R", "X", "Y"), (("W", "R"), ("R", "X"), ("X", "Y"), ("U1", "W"),
                                              ("U1", "X"), ("U2", "W"), ("U2", "Y")),
                      ("genotype", "diet", "exercise", "weight loss")),
}


@dataclass(frozen=True)
class LadderItem:
    """One generated question with its formal model and its computed answer.

    ``mechanisms`` is the SCM (latents included, node ids); ``given`` the factorisation of the
    observed joint that the story states, two decimals; ``names`` maps node ids to the story's
    names; ``value`` is the quantity that decides ``answer``.
    """

    id: str
    family: str
    name_type: NameType
    query: QueryType
    treatment: str
    outcome: str
    adjustment: tuple[str, ...]
    names: tuple[tuple[str, str], ...]
    edges: tuple[tuple[str, str], ...]
    latent: tuple[str, ...]
    mechanisms: tuple[Factor, ...]
    given: tuple[Factor, ...]
    story: str
    question: str
    answer: str
    value: float

    @property
    def rung(self) -> int:
        """Pearl's rung of the question (1 seeing, 2 doing, 3 imagining)."""
        return RUNG_OF[self.query]

    @property
    def observed(self) -> tuple[str, ...]:
        return tuple(f.node for f in self.given)

    def name(self, node: str) -> str:
        return dict(self.names)[node]

    def graph(self) -> CausalGraph:
        """The true causal graph (latent nodes explicit)."""
        return CausalGraph(directed=self.edges, nodes=self.observed, latent=self.latent)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "family": self.family, "name_type": self.name_type,
            "query": self.query, "treatment": self.treatment, "outcome": self.outcome,
            "adjustment": list(self.adjustment), "names": [list(p) for p in self.names],
            "edges": [list(e) for e in self.edges], "latent": list(self.latent),
            "mechanisms": [f.to_json() for f in self.mechanisms],
            "given": [f.to_json() for f in self.given], "story": self.story,
            "question": self.question, "answer": self.answer, "value": self.value,
            "rung": self.rung,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LadderItem:
        if data.get("query") not in get_args(QueryType):
            raise ValueError(f"query {data.get('query')!r} is not one of {get_args(QueryType)}")
        return cls(
            str(data["id"]), str(data["family"]), data["name_type"], data["query"],
            str(data["treatment"]), str(data["outcome"]), tuple(data["adjustment"]),
            tuple((str(a), str(b)) for a, b in data["names"]),
            tuple((str(a), str(b)) for a, b in data["edges"]), tuple(data["latent"]),
            tuple(Factor.from_json(f) for f in data["mechanisms"]),
            tuple(Factor.from_json(f) for f in data["given"]), str(data["story"]),
            str(data["question"]), str(data["answer"]), float(data["value"]),
        )


def _parents(edges: Sequence[tuple[str, str]], node: str) -> tuple[str, ...]:
    return tuple(a for a, b in edges if b == node)


def _draw_mechanisms(fam: _Family, rng: random.Random) -> tuple[Factor, ...]:
    order = (*fam.latent, *fam.observed)
    out = []
    for v in order:
        pa = tuple(sorted(_parents(fam.edges, v), key=order.index))
        # distinct values: every parent changes the node (a faithful draw, no coincidences)
        cents = rng.sample(range(5, 96), 2 ** len(pa))
        out.append(Factor(v, pa, tuple(c / 100 for c in cents)))
    return tuple(out)


def _stated(fam: _Family, mech: tuple[Factor, ...]) -> tuple[Factor, ...]:
    """The observed factorisation the story states: the mechanisms themselves without
    latents, else the chain rule along the observed order (two decimals)."""
    if not fam.latent:
        return tuple(f for f in mech if f.node in fam.observed)
    order = (*fam.latent, *fam.observed)
    full = joint_of_factors(mech, order)
    obs = full.sum(axis=tuple(range(len(fam.latent))))
    out = []
    for k, v in enumerate(fam.observed):
        marg = obs.sum(axis=tuple(range(k + 1, len(fam.observed))))  # axes 0..k
        den = marg.sum(axis=k)
        p = np.where(den > 0, marg[..., 1] / np.where(den > 0, den, 1.0), 0.5)
        out.append(Factor(v, fam.observed[:k], tuple(round(float(x), 2) for x in p.ravel())))
    return tuple(out)


def _observed_joint(fam: _Family, mech: tuple[Factor, ...]) -> JointDistribution:
    full = joint_of_factors(mech, (*fam.latent, *fam.observed))
    obs = full.sum(axis=tuple(range(len(fam.latent))))
    return JointDistribution.from_table(fam.observed, obs / obs.sum())


def _do_truth(fam: _Family, mech: tuple[Factor, ...], x: int) -> float:
    """P(Y=1 | do(X=x)) by the truncated factorisation of the SCM."""
    order = (*fam.latent, *fam.observed)
    cut = tuple(Factor(f.node, (), (float(x),)) if f.node == "X" else f for f in mech)
    table = joint_of_factors(cut, order)
    return float(table.take(1, axis=order.index("Y")).sum())


def _ate(fam: _Family, mech: tuple[Factor, ...]) -> float | None:
    """The effect by rung's identification and evaluation, checked against the SCM."""
    res = identify(CausalGraph(directed=fam.edges, nodes=fam.observed, latent=fam.latent),
                   "X", "Y")
    if not res.identifiable or res.estimand is None:
        return None
    j = _observed_joint(fam, mech)
    value = (evaluate(res.estimand, j, {"X": 1, "Y": 1})
             - evaluate(res.estimand, j, {"X": 0, "Y": 1}))
    truth = _do_truth(fam, mech, 1) - _do_truth(fam, mech, 0)
    if not np.isclose(value, truth, atol=1e-9):
        raise RuntimeError(f"identified effect {value} differs from the SCM's {truth}")
    return value


def _value(fam: _Family, mech: tuple[Factor, ...], query: QueryType,
           adjustment: tuple[str, ...]) -> float | None:
    j = _observed_joint(fam, mech)
    if query == "marginal":
        return evaluate(P("Y"), j, {"Y": 1}) - 0.5
    if query == "conditional":
        return (evaluate(P("Y", given="X"), j, {"X": 1, "Y": 1})
                - evaluate(P("Y", given="X"), j, {"X": 0, "Y": 1}))
    if query == "ate":
        return _ate(fam, mech)
    if query == "adjustment":
        g = CausalGraph(directed=fam.edges, nodes=fam.observed, latent=fam.latent)
        return 1.0 if is_valid_adjustment_set(g, "X", "Y", adjustment) else -1.0
    return _counterfactual(j, mech, query)


def _counterfactual(j: JointDistribution, mech: tuple[Factor, ...], query: QueryType) -> float:
    """Rung-3 values by enumeration of the threshold SCM; the natural effects are checked
    against the mediation formula on the observed joint ``j`` (Pearl 2001)."""
    if query == "ett":
        return ett(mech)
    if query == "necessity":
        return necessity(mech) - 0.5
    if query == "nde":
        value, formula = natural_direct(mech, ["M"]), _mediation_formula(j, x_y=1)
    else:
        value, formula = natural_indirect(mech, ["M"]), _mediation_formula(j, x_y=0)
    if not np.isclose(value, formula, atol=1e-9):
        raise RuntimeError(f"{query} {value} differs from the mediation formula's {formula}")
    return value


def _mediation_formula(j: JointDistribution, x_y: int) -> float:
    """``Σ_m P(Y=1 | X=x_y, m) P(m | X=1-x_y) - P(Y=1 | X=0)`` with ``x_y = 1`` (the NDE)
    or ``Σ_m P(Y=1 | X=0, m) P(m | X=1) - P(Y=1 | X=0)`` with ``x_y = 0`` (the NIE)."""
    x_m = 0 if x_y == 1 else 1
    total = sum(evaluate(P("Y", given=["X", "M"]), j, {"X": x_y, "M": m, "Y": 1})
                * evaluate(P("M", given="X"), j, {"X": x_m, "M": m}) for m in (0, 1))
    return total - evaluate(P("Y", given="X"), j, {"X": 0, "Y": 1})


def _queries(fam: _Family) -> tuple[QueryType, ...]:
    out: list[QueryType] = ["marginal", "conditional", "adjustment"]
    g = CausalGraph(directed=fam.edges, nodes=fam.observed, latent=fam.latent)
    if identify(g, "X", "Y").identifiable:  # all but IV
        out.append("ate")
    if not fam.latent:  # the ETT is then identified by the back-door set (Shpitser-Pearl 2009)
        out += ["ett", "necessity"]
        if "M" in fam.observed:  # natural effects: no confounding, so the mediation formula
            out += ["nde", "nie"]
    return tuple(out)


def _names(fam: _Family, name_type: NameType, rng: random.Random) -> dict[str, str]:
    if name_type == "commonsense":
        names = fam.names
    elif name_type == "anti":  # reversed: effects named as causes, against common sense
        names = fam.names[::-1]
    else:
        from rung.bench.probes import load_probe_data

        words = [str(w) for w in load_probe_data("nonsense")["words"]]
        names = tuple(rng.sample(words, len(fam.observed)))
    return dict(zip(fam.observed, names, strict=True))


def _condition(f: Factor, row: int, names: Mapping[str, str]) -> str:
    bits = format(row, f"0{len(f.parents)}b") if f.parents else ""
    conds = ", ".join(f"{names[p]}={b}" for p, b in zip(f.parents, bits, strict=True))
    return f"P({names[f.node]}=1{' | ' + conds if conds else ''})"


def stated_labels(item: LadderItem) -> tuple[str, ...]:
    """The labels of the story's stated probabilities, in order (``P(b=1 | a=0)``, ...)."""
    names = dict(item.names)
    return tuple(_condition(f, r, names) for f in item.given for r in range(len(f.p_one)))


def _story(fam: _Family, given: tuple[Factor, ...], names: Mapping[str, str],
           threshold_rule: bool = False) -> str:
    lines = [f"Consider these yes/no variables (1 = yes, 0 = no): "
             f"{', '.join(names[v] for v in fam.observed)}."]
    lines += [f"{names[a]} directly causes {names[b]}." for a, b in fam.edges
              if not a.startswith("U")]
    for u in fam.latent:
        kids = " and ".join(names[b] for a, b in fam.edges if a == u)
        lines.append(f"An unobserved factor directly causes both {kids}.")
    lines += [f"{_condition(f, r, names)} = {p:.2f}." for f in given
              for r, p in enumerate(f.p_one)]
    if threshold_rule:
        lines.append(THRESHOLD_RULE)
    return " ".join(lines)


def _question(query: QueryType, names: Mapping[str, str], adjustment: tuple[str, ...]) -> str:
    x, y = names["X"], names["Y"]
    if query == "marginal":
        return f"Is the overall probability of {y}=1 greater than 0.5?"
    if query == "conditional":
        return f"Is {y}=1 more likely when {x}=1 than when {x}=0?"
    if query == "ate":
        return (f"If we intervened to set {x}=1, would {y}=1 be more likely than if we set "
                f"{x}=0?")
    if query == "adjustment":
        what = " and ".join(names[v] for v in adjustment) or "nothing (no adjustment)"
        return (f"To estimate the causal effect of {x} on {y} from these data, is it valid "
                f"to adjust for {what}?")
    if query == "ett":
        return f"For the cases with {x}=1, would {y}=1 have been less likely had {x} been 0?"
    if query == "necessity":
        return (f"For a case where {x}=1 and {y}=1, is it more likely than not that {y} would "
                f"have been 0 had {x} been 0?")
    m = names["M"]
    if query == "nde":
        return (f"If {x} were set to 1 while {m} stayed at the value it would have had with "
                f"{x}=0, would {y}=1 be more likely than with {x} set to 0?")
    return (f"With {x} held at 0, would {y}=1 be more likely if {m} took the value it would "
            f"have had with {x}=1, rather than its value with {x}=0?")


def _pick_set(fam: _Family, rng: random.Random) -> tuple[str, ...]:
    """A candidate set, valid or not with even odds where both kinds exist."""
    others = [v for v in fam.observed if v not in ("X", "Y")]
    subsets = [tuple(c) for k in range(len(others) + 1) for c in
               itertools.combinations(others, k)]
    g = CausalGraph(directed=fam.edges, nodes=fam.observed, latent=fam.latent)
    valid = [s for s in subsets if is_valid_adjustment_set(g, "X", "Y", s)]
    invalid = [s for s in subsets if s not in valid]
    pool = valid if valid and (not invalid or rng.random() < 0.5) else invalid
    return rng.choice(pool)


def _item(index: int, seed: int, family: str, name_type: NameType, rng: random.Random
          ) -> LadderItem:
    fam = FAMILIES[family]
    query = rng.choice(_queries(fam))
    adjustment = _pick_set(fam, rng) if query == "adjustment" else ()
    for _ in range(200):
        mech = _draw_mechanisms(fam, rng)
        value = _value(fam, mech, query, adjustment)
        if value is not None and (abs(value) >= MARGIN or abs(value) < 1e-12):
            break
    else:  # pragma: no cover - the margin is met within a few draws
        raise RuntimeError(f"no mechanism of {family} met the margin for {query}")
    names = _names(fam, name_type, rng)
    given = _stated(fam, mech)
    return LadderItem(
        id=f"ladder-s{seed}-{index:04d}", family=family, name_type=name_type, query=query,
        treatment="X", outcome="Y", adjustment=adjustment, names=tuple(names.items()),
        edges=fam.edges, latent=fam.latent, mechanisms=mech, given=given,
        story=_story(fam, given, names, threshold_rule=query == "necessity"),
        question=_question(query, names, adjustment),
        answer="Yes" if value > 1e-12 else "No", value=float(value),
    )


def generate(n: int, seed: int = 0) -> tuple[LadderItem, ...]:
    """``n`` ladder items, the same for the same ``seed``: the nine families in turn (in a
    seeded order), the three name types in turn, a seeded query and mechanism each.

    Examples
    --------
    >>> items = generate(9, seed=1)
    >>> sorted({i.family for i in items}) == sorted(FAMILIES)
    True
    """
    if n < 0:
        raise ValueError(f"n={n}: give a non-negative number of items")
    rng = random.Random(seed)
    order = sorted(FAMILIES)
    rng.shuffle(order)
    types: tuple[NameType, ...] = get_args(NameType)
    return tuple(_item(i, seed, order[i % len(order)], types[(i // len(order)) % 3], rng)
                 for i in range(n))


def stratified(items: Sequence[LadderItem], k: int) -> tuple[LadderItem, ...]:
    """The first ``k`` items (by index order) of each (rung, name type) stratum of
    ``items``: a subset whose items, ids and prompts are those of the full run, so any
    mode's answers on it pair with another's. They come in rounds (the first of every
    stratum in index order, then the second, ...), so a partial run is balanced.

    Examples
    --------
    >>> items = generate(60, seed=0)
    >>> sub = stratified(items, 2)
    >>> strata = {(i.rung, i.name_type) for i in items}
    >>> len(sub) == 2 * len(strata) and {(i.rung, i.name_type) for i in sub[:9]} == strata
    True
    """
    if k < 1:
        raise ValueError(f"k={k}: take at least 1 item per stratum")
    rank: dict[tuple[int, str], int] = {}
    kept = []
    for index, item in enumerate(items):
        key = (item.rung, item.name_type)
        rank[key] = rank.get(key, 0) + 1
        if rank[key] <= k:
            kept.append((rank[key], index, item))
    return tuple(item for _, _, item in sorted(kept, key=lambda t: t[:2]))
