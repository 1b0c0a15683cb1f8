"""The co-pilot's data step: the data alone and the data with the LLM's beliefs as a prior.

:func:`fuse` runs :func:`rung.discover.prior_search.prior_search` twice on the same data,
once with ``weight=0`` (what the data alone say) and once with the beliefs as a soft prior,
each with the focused search and Occam's window on the treatment's edges
(:mod:`rung.discover.window`). Its result holds both, and for each the classes whose members
are plausible: the best class and every class in the window. Effects over those classes come
from ``rung.estimate``'s ``ida`` (one call per class), so an answer is a range over the
plausible graphs, never one graph's number.

Beliefs are the workflow's directed ones (anything with ``source``, ``target`` and a
calibrated ``confidence``: ``P(source -> target)``) or :class:`EdgeBelief` values. Directed
beliefs about a pair are merged: ``P(a -> b)``, ``P(b -> a)`` as given (scaled down to sum to 1
when they exceed it), ``P(none)`` the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from rung.discover.prior_search import (
    ORIENTATION_THRESHOLD,
    EdgeBelief,
    PriorSearchResult,
    prior_search,
)
from rung.discover.settled import SETTLED
from rung.discover.window import DEFAULT_WINDOW, noise_note
from rung.identify.equivalence_class import EquivalenceClass

__all__ = ["DirectedBelief", "FusionResult", "beliefs_from_directed", "fuse"]


class DirectedBelief(Protocol):
    """A calibrated belief in one direction (the workflow's ``LLMEdge``)."""

    @property
    def source(self) -> str: ...

    @property
    def target(self) -> str: ...

    @property
    def confidence(self) -> float: ...


def beliefs_from_directed(beliefs: Iterable[DirectedBelief | EdgeBelief]) -> list[EdgeBelief]:
    """One :class:`EdgeBelief` per pair; a direction given twice keeps its highest value.

    Examples
    --------
    >>> from types import SimpleNamespace as E
    >>> [b] = beliefs_from_directed([E(source="B", target="A", confidence=0.6),
    ...                              E(source="A", target="B", confidence=0.1)])
    >>> b.a, b.b, round(b.p_ab, 3), round(b.p_ba, 3), round(b.p_none, 3)
    ('A', 'B', 0.1, 0.6, 0.3)
    """
    pairs: dict[frozenset[str], EdgeBelief] = {}
    directed: dict[tuple[str, str], float] = {}
    for bel in beliefs:
        if isinstance(bel, EdgeBelief):
            pairs[frozenset((bel.a, bel.b))] = bel
            continue
        p = float(bel.confidence)
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"belief {bel.source} -> {bel.target} has confidence {p}; give a "
                             "calibrated probability in [0, 1]")
        key = (str(bel.source), str(bel.target))
        directed[key] = max(p, directed.get(key, 0.0))
    for s, t in sorted(directed):
        if frozenset((s, t)) in pairs:
            continue
        ab, ba = directed.get((s, t), 0.0), directed.get((t, s), 0.0)
        scale = max(1.0, ab + ba)
        a, b = sorted((s, t))
        p_ab, p_ba = (ab, ba) if (a, b) == (s, t) else (ba, ab)
        pairs[frozenset((s, t))] = EdgeBelief(a, b, p_ab / scale, p_ba / scale,
                                              1.0 - (ab + ba) / scale)
    return [pairs[k] for k in sorted(pairs, key=sorted)]


@dataclass(frozen=True)
class FusionResult:
    """What the data alone say (``data``) and with the beliefs (``fused``).

    ``data_classes`` and ``fused_classes`` are the plausible classes of each: the best
    class first, then each class in Occam's window. Estimate the effect over each and report
    the span (``rung.estimate``'s ``ida`` per class). When the belief orientations at the
    treatment are not :attr:`settled` (their joint probability is below
    :data:`rung.discover.settled.SETTLED`), the fused search's class without them is a
    plausible class too.
    """

    data: PriorSearchResult
    fused: PriorSearchResult
    treatment: str | None

    @property
    def data_classes(self) -> tuple[EquivalenceClass, ...]:
        return (self.data.cpdag, *(g.mpdag for g in self.data.plausible))

    @property
    def settled(self) -> bool:
        """Whether the marks at the treatment that the beliefs decided hold jointly with
        probability at least :data:`rung.discover.settled.SETTLED` (or there are none)."""
        return self.fused.support >= SETTLED

    @property
    def fused_classes(self) -> tuple[EquivalenceClass, ...]:
        unsettled = () if self.settled else (self.fused.cpdag,)
        return (self.fused.mpdag, *unsettled, *(g.mpdag for g in self.fused.plausible))

    @property
    def flags(self) -> tuple[str, ...]:
        """The belief orientations the data dispute, and the edges at the treatment whose
        denial stays within Occam's window."""
        out = list(self.fused.disagreements)
        out += [f"{a} -> {b} is weakly supported: a graph without it is {g.margin:.1f} nats "
                f"below the best{noise_note(g)}" for g in self.fused.plausible
                for a, b in [g.denied]]
        return tuple(out)

    def to_json(self) -> dict[str, Any]:
        return {"data": self.data.to_json(), "fused": self.fused.to_json(),
                "treatment": self.treatment, "flags": list(self.flags)}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> FusionResult:
        """Rebuild a result saved by :meth:`to_json`."""
        t = obj.get("treatment")
        return cls(PriorSearchResult.from_json(obj["data"]),
                   PriorSearchResult.from_json(obj["fused"]), None if t is None else str(t))


def fuse(data: pd.DataFrame, beliefs: Iterable[DirectedBelief | EdgeBelief], *,
         treatment: str | None = None, weight: float = 1.0, edge_prior: float | None = None,
         orientation_threshold: float = ORIENTATION_THRESHOLD, window: float = DEFAULT_WINDOW,
         **search: Any) -> FusionResult:
    """The data step of the co-pilot: the data alone, then the data with the beliefs.

    Parameters
    ----------
    data : DataFrame
        Numeric columns (discrete ones as integer codes), no missing values.
    beliefs : iterable
        Calibrated directed beliefs (``source``, ``target``, ``confidence``, e.g. the
        workflow's ``LLMEdge``) or :class:`EdgeBelief` values.
    treatment : str, optional
        Focus of the local search and Occam's window (its edges decide adjustment).
    weight, edge_prior, orientation_threshold, window, **search
        As in :func:`rung.discover.prior_search.prior_search`.

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace as E
    >>> rng = np.random.default_rng(0)
    >>> a = rng.integers(0, 2, 2000); b = (a ^ (rng.random(2000) < 0.1)).astype(int)
    >>> res = fuse(pd.DataFrame({"A": a, "B": b}), [E(source="A", target="B", confidence=0.9)],
    ...            treatment="A")
    >>> res.data.cpdag.undirected, res.fused.mpdag.directed
    ((('A', 'B'),), (('A', 'B'),))
    """
    focus = () if treatment is None else (treatment,)
    alone = prior_search(data, weight=0.0, focus=focus, window=window, **search)
    fused = prior_search(data, beliefs_from_directed(beliefs), weight=weight,
                         edge_prior=edge_prior, orientation_threshold=orientation_threshold,
                         focus=focus, window=window, **search)
    return FusionResult(alone, fused, treatment)
