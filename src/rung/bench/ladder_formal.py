"""rung's own derivation of a ladder query from a formal model (a graph and a joint).

The program-aided recipe (:mod:`rung.bench.ladder_recipe`, :mod:`rung.bench.story_recipe`)
extracts a graph and probabilities with the LLM; this module computes the answer from them
and nothing else:

* rung 1 by :func:`rung.identify.evaluate` on the joint;
* the effect by :func:`rung.identify.identify` and the same evaluation; a candidate set by
  :func:`rung.identify.is_valid_adjustment_set`;
* the ETT by the back-door formula (Shpitser & Pearl 2009) with the canonical set;
* the natural direct and indirect effects (Pearl 2001) and the probability of necessity
  (Pearl 1999) by :mod:`rung.scm` on the threshold structural model of the graph's tables
  (:mod:`rung.scm.threshold`), with every variable on a directed path from X to Y as the
  mediator. The natural effects of a DAG without latents do not depend on that model (the
  mediation formula); the probability of necessity does, which is why the ladder's story
  states the threshold rule. A graph with a latent gets no answer for these three.
  Beside that number, :func:`necessity_bounds` gives what the data alone allow: Tian &
  Pearl's (2000) sharp bounds on the probability of necessity from the observed P(X, Y) and
  the identified P(y | do(x)), with no structural model at all.

Examples
--------
>>> from rung.identify import JointDistribution
>>> import numpy as np
>>> g = CausalGraph(directed=[("X", "Y")], nodes=["X", "Y"])
>>> j = JointDistribution.from_table(["X", "Y"], np.array([[0.4, 0.1], [0.15, 0.35]]))
>>> round(formal_value(g, j, "ate", "X", "Y"), 4), round(formal_value(g, j, "nde", "X", "Y"), 4)
(0.5, 0.5)
>>> round(formal_value(g, j, "necessity", "X", "Y"), 4)  # P(Y_0=0 | X=1, Y=1) - 0.5
0.2143
>>> pn = necessity_bounds(g, j, "X", "Y")   # the threshold model's 0.7143 lies inside
>>> round(pn.lower, 4), round(pn.upper, 4)
(0.7143, 1.0)
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from rung.graph import CausalGraph
from rung.identify import (
    ExperimentalData,
    JointDistribution,
    ObservationalData,
    P,
    evaluate,
    find_canonical_adjustment_set,
    identify,
    is_valid_adjustment_set,
    probabilities_of_causation,
)
from rung.identify.bounds import Interval
from rung.scm import counterfactual_probability, parse_query
from rung.scm.threshold import BinaryTable, threshold_model, variable_ids

__all__ = ["STRUCTURAL", "formal_value", "necessity_bounds", "threshold_tables"]

#: the queries computed on the threshold structural model
STRUCTURAL = frozenset({"nde", "nie", "necessity"})


def formal_value(g: CausalGraph, j: JointDistribution, query: str, x: str, y: str,
                 adjustment: Sequence[str] = ()) -> float | None:
    """The quantity that decides a ``query`` on graph ``g`` and observed joint ``j``, signed
    so that a positive value means "Yes" in the ladder's phrasing; None when rung cannot
    derive it (no estimand; for the ETT, no back-door set; for the natural effects and the
    probability of necessity, a latent). ``marginal``: P(y=1) - 0.5; ``conditional``:
    P(y=1 | x=1) - P(y=1 | x=0); ``adjustment``: +1 valid, -1 not; ``ate``: the identified
    effect; ``ett``: E[Y - Y_{x=0} | x=1] by back-door; ``nde``/``nie``: the natural effects;
    ``necessity``: P(Y_{x=0}=0 | x=1, y=1) - 0.5."""
    if query == "marginal":
        return evaluate(P(y), j, {y: 1}) - 0.5
    if query == "conditional":
        return evaluate(P(y, given=x), j, {x: 1, y: 1}) - evaluate(P(y, given=x), j,
                                                                    {x: 0, y: 1})
    if query == "adjustment":
        return 1.0 if is_valid_adjustment_set(g, x, y, list(adjustment)) else -1.0
    if query == "ate":
        res = identify(g, x, y)
        if res.estimand is None:
            return None
        return evaluate(res.estimand, j, {x: 1, y: 1}) - evaluate(res.estimand, j,
                                                                  {x: 0, y: 1})
    if query in STRUCTURAL:
        return _structural(g, j, query, x, y)
    z = find_canonical_adjustment_set(g, x, y)  # ETT by back-door (Shpitser & Pearl 2009)
    if z is None:
        return None
    return _ett_backdoor(j, x, y, sorted(z))


def necessity_bounds(g: CausalGraph, j: JointDistribution, x: str, y: str
                     ) -> Interval | None:
    """Tian & Pearl's (2000, Theorem 1) sharp bounds on PN = P(Y_{x=0}=0 | x=1, y=1) from the
    observed P(X, Y) and the experimental P(y | do(x)) that :func:`rung.identify.identify`
    derives on ``g`` (so any graph whose effect is identified, latents allowed); None when
    the effect has no estimand or P(x=1, y=1) = 0."""
    res = identify(g, x, y)
    if res.estimand is None:
        return None
    cells = {(a, b): float(evaluate(P([x, y]), j, {x: a, y: b})) for a in (0, 1) for b in (0, 1)}
    obs = ObservationalData(cells[1, 1], cells[1, 0], cells[0, 1], cells[0, 0])
    exp = ExperimentalData(float(evaluate(res.estimand, j, {x: 1, y: 1})),
                           float(evaluate(res.estimand, j, {x: 0, y: 1})))
    return probabilities_of_causation(obs, exp).pn


def _ett_backdoor(j: JointDistribution, x: str, y: str, z: list[str]) -> float:
    """``Σ_z [P(y|x1,z) - P(y|x0,z)] P(z|x1)``."""
    total = 0.0
    for values in itertools.product((0, 1), repeat=len(z)):
        at = dict(zip(z, values, strict=True))
        pz = evaluate(P(z, given=x), j, {**at, x: 1}) if z else 1.0
        d = (evaluate(P(y, given=[x, *z]), j, {**at, x: 1, y: 1})
             - evaluate(P(y, given=[x, *z]), j, {**at, x: 0, y: 1}))
        total += 0.0 if pz == 0 else pz * d
    return total


def threshold_tables(g: CausalGraph, j: JointDistribution) -> tuple[BinaryTable, ...] | None:
    """P(v=1 | parents) of every node of the DAG ``g`` from ``j``, in topological order;
    None when ``g`` has a latent or a parent setting has probability 0."""
    if g.has_latent:
        return None
    order = list(g.topological_order())
    tables = []
    for v in order:
        pa = tuple(p for p in order if p in g.parents(v))
        rows = []
        for bits in itertools.product((0, 1), repeat=len(pa)):
            p = evaluate(P(v, given=list(pa)) if pa else P(v), j,
                         {**dict(zip(pa, bits, strict=True)), v: 1})
            if p != p:  # conditioning on a probability-0 setting
                return None
            rows.append(float(p))
        tables.append(BinaryTable(v, pa, tuple(rows)))
    return tuple(tables)


def _structural(g: CausalGraph, j: JointDistribution, query: str, x: str, y: str
                ) -> float | None:
    tables = threshold_tables(g, j)
    if tables is None:
        return None
    model, ids = threshold_model(tables), variable_ids(tables)
    vx, vy = ids[x], ids[y]

    def prob(text: str) -> float:
        return float(counterfactual_probability(model, parse_query(text)).probability)

    if query == "necessity":
        return prob(f"P({vy}[{vx}=0]=0 | {vx}=1, {vy}=1)") - 0.5
    on_path = g.descendants(x, include_self=False) & g.ancestors(y, include_self=False)
    x_m = 0 if query == "nde" else 1
    held = "".join(f", {ids[m]}={ids[m]}[{vx}={x_m}]" for m in sorted(on_path))
    return prob(f"P({vy}[{vx}={1 - x_m}{held}]=1)") - prob(f"P({vy}[{vx}=0]=1)")
