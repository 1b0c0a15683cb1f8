"""The graphs the data leave plausible around a treatment: a focused local search and
Occam's window.

Greedy hill-climbing stops at a local optimum, and on the edges at a treatment ``X`` that
decide its adjustment set it often stops at a reversed neighbourhood (on insurance, a
mediator became a parent of ``X``). Two steps make the answer honest about that:

1. **Focused iterated local search** (Lourenço, Martin & Stützle 2003): for each edge at a
   focus node, deny it (forbid ``a -> b``, start from the graph with it reversed) and climb
   again; when that reaches a higher score, move there and repeat. The result scores at
   least as high as the plain climb.
2. **Occam's window** (Madigan & Raftery 1994): every graph so found whose score is within
   ``window`` nats of the best (default ``log 20``, their posterior-odds cut-off of 20) is
   kept as plausible. An effect must then be reported as a range over all of them, and a
   single number only when they agree.
3. **Vuong's test** (Vuong 1989, non-nested model selection): a fixed window in nats does not
   scale with the data's noise; the score difference of two graphs is a sum over rows, and
   its sampling SD is ``sqrt(n) ·`` the SD of the per-row log-likelihood differences. A graph
   whose margin is below ``z`` such SDs (default 1.96, Vuong's two-sided 5% level: the data
   cannot tell the two apart) is plausible too, however many nats it lies below.

The search itself is a callable (pgmpy's ``HillClimbSearch`` in
:func:`rung.discover.prior_search.prior_search`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rung.discover.perturb import reaches
from rung.identify.equivalence_class import EquivalenceClass

__all__ = ["DEFAULT_WINDOW", "VUONG_Z", "PlausibleGraph", "focused_search", "noise_note"]

DEFAULT_WINDOW = math.log(20.0)
Edges = frozenset[tuple[str, str]]
Climb = Callable[[Edges, tuple[tuple[str, str], ...]], Edges]
Spread = Callable[[Edges, Edges], float]
VUONG_Z = 1.96


@dataclass(frozen=True)
class PlausibleGraph:
    """A graph within Occam's window of the best one.

    ``denied`` is the best graph's edge ``a -> b`` this graph was searched without,
    ``margin`` how many nats (total score: data plus prior) it lies below the best,
    ``mpdag`` its class with the same confident belief orientations as the best's, and
    ``spread`` the sampling SD of the score difference (Vuong's test; 0 when not computed):
    ``margin / spread`` is how many SDs the data prefer the best graph by.
    """

    denied: tuple[str, str]
    dag: tuple[tuple[str, str], ...]
    mpdag: EquivalenceClass
    margin: float
    spread: float = 0.0

    @property
    def z(self) -> float | None:
        """``margin / spread`` (None when the spread is 0)."""
        return self.margin / self.spread if self.spread > 0 else None

    def to_json(self) -> dict[str, Any]:
        return {"denied": list(self.denied), "dag": [list(e) for e in self.dag],
                "mpdag": self.mpdag.to_json(), "margin": self.margin, "spread": self.spread}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> PlausibleGraph:
        a, b = obj["denied"]
        return cls((str(a), str(b)), tuple((str(u), str(v)) for u, v in obj["dag"]),
                   EquivalenceClass.from_json(obj["mpdag"]), float(obj["margin"]),
                   float(obj.get("spread", 0.0)))


def noise_note(graph: PlausibleGraph) -> str:
    """``" (z = 1.2 SDs of the data's noise)"`` for a graph kept by Vuong's test, else "".

    Examples
    --------
    >>> g = PlausibleGraph(("A", "B"), (), EquivalenceClass("AB"), 12.0, 10.0)
    >>> print(noise_note(g))
     (1.2 SDs of the data's noise: Vuong's test cannot tell them apart)
    """
    z = graph.z
    if z is None or graph.margin <= DEFAULT_WINDOW:
        return ""
    return f" ({z:.1f} SDs of the data's noise: Vuong's test cannot tell them apart)"


def _reversed_start(edges: Edges, edge: tuple[str, str]) -> Edges:
    """The graph without ``a -> b``, with ``b -> a`` when that closes no cycle."""
    a, b = edge
    rest = edges - {edge}
    # b still reachable from a without the edge: then b -> a would close a cycle
    return rest if reaches(set(rest), a, b) else rest | {(b, a)}


def focused_search(start: Edges, focus: Iterable[str], climb: Climb,
                   total: Callable[[Edges], float], *, window: float = DEFAULT_WINDOW,
                   max_rounds: int = 5, tolerance: float = 1e-6,
                   spread: Spread | None = None, z: float = VUONG_Z
                   ) -> tuple[Edges, list[tuple[tuple[str, str], Edges, float]]]:
    """Iterated local search on the focus nodes' edges, then Occam's window.

    Returns the best graph found and ``(denied edge, graph, margin)`` for each alternative
    within ``window`` nats of it (margins >= 0, smallest first). With ``spread`` (the
    sampling SD of the score difference of two graphs), an alternative is also kept when its
    margin is at most ``z`` times that SD (Vuong's test cannot tell them apart).

    Examples
    --------
    >>> score = {frozenset({("A", "B")}): -1.0, frozenset({("B", "A")}): -2.0}
    >>> climb = lambda s, forbidden: s      # a search that stays where it starts
    >>> best, alts = focused_search(frozenset({("A", "B")}), ["A"], climb,
    ...                             lambda e: score.get(e, -9.0))
    >>> sorted(best), [(d, sorted(g), m) for d, g, m in alts]
    ([('A', 'B')], [(('A', 'B'), [('B', 'A')], 1.0)])
    """
    nodes = set(focus)
    best, best_score = start, total(start)
    tried: dict[tuple[str, str], tuple[Edges, float]] = {}
    for _ in range(max_rounds):
        tried = {}
        moved = False
        for edge in sorted(e for e in best if nodes & set(e)):
            alt = climb(_reversed_start(best, edge), (edge,))
            score = total(alt)
            if score > best_score + tolerance:
                best = climb(alt, ())
                best_score = total(best)
                moved = True
                break
            tried[edge] = (alt, best_score - score)
        if not moved:
            break
    alts = [(e, g, m) for e, (g, m) in tried.items() if g != best and (
        m <= window or (spread is not None and m <= z * spread(best, g)))]
    return best, sorted(alts, key=lambda t: (t[2], t[0]))
