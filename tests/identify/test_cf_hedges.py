"""Every hedge is a true non-identification (Shpitser & Pearl 2008, Theorems 26 and 31).

For each random query over three variables that rung does not identify from ``P(v)``
(``not_identifiable``: an ID* conflict; ``experimental``: an ID hedge on a term ``P_x(s)``),
:func:`rung.identify.cf_verify.find_counterexample` must produce two SCMs that agree on
the observational distribution to 1e-12 and give the query values more than 1e-3 apart:
binary first, then with one variable of the query given a third value (ID* compares
values generically). A verdict the numbers cannot back fails the test.
"""

from __future__ import annotations

import collections

import numpy as np

from rung.graph import CausalGraph
from rung.identify.cf_api import identify_counterfactual
from rung.identify.cf_verify import find_counterexample
from rung.identify.counterfactual import CfEvent, CfQuery

NAMES = ("A", "B", "C")


def random_case(rng: np.random.Generator) -> tuple[list[tuple[str, str]],
                                                   list[tuple[str, str]], CfQuery]:
    directed = [(a, b) for i, a in enumerate(NAMES) for b in NAMES[i + 1:] if rng.random() < .5]
    bidirected = [(a, b) for i, a in enumerate(NAMES) for b in NAMES[i + 1:]
                  if rng.random() < .25]

    def event() -> CfEvent:
        v = str(rng.choice(NAMES))
        others = [u for u in NAMES if u != v]
        do = rng.choice(others, size=int(rng.integers(0, 3)), replace=False)
        return CfEvent(v, int(rng.integers(2)), tuple((str(u), int(rng.integers(2))) for u in do))

    q = CfQuery(tuple(event() for _ in range(int(rng.integers(1, 3)))),
                tuple(event() for _ in range(int(rng.integers(0, 3)))))
    return directed, bidirected, q


def _proof(g: CausalGraph, q: CfQuery) -> str | None:
    ce = find_counterexample(g, q)
    if ce is not None:
        assert ce.agreement < 1e-12 and ce.gap > 1e-3
        return "binary"
    named = dict.fromkeys(u for e in q.outcome + q.given
                          for u in (e.variable, *(k for k, _ in e.interventions)))
    for v in named:
        ce = find_counterexample(g, q, domain={v: 3}, latent_states=2)
        if ce is not None:
            assert ce.agreement < 1e-12 and ce.gap > 1e-3
            return f"{v} with 3 values"
    return None


def test_every_hedge_has_two_scms_that_agree_on_the_data_and_not_on_the_query() -> None:
    rng = np.random.default_rng(7)
    found: collections.Counter[tuple[str, str]] = collections.Counter()
    missed = []
    for _ in range(200):
        directed, bidirected, q = random_case(rng)
        g = CausalGraph.from_edges("; ".join([*NAMES, *(f"{a} -> {b}" for a, b in directed),
                                              *(f"{a} <-> {b}" for a, b in bidirected)]))
        r = identify_counterfactual(g, q)
        if r.status not in ("not_identifiable", "experimental"):
            continue
        how = _proof(g, q)
        if how is None:
            missed.append((g.to_edge_string(), q.to_text(), r.status))
        else:
            found[(r.status, how)] += 1
    assert not missed, missed
    assert sum(found.values()) >= 20, found  # the sample holds enough hedges to mean something
