"""The effect in every plausible graph: the multiset of possible effects (IDA).

Maathuis, Kalisch & Bühlmann (2009) estimate, for each member of the data's equivalence
class, the effect that member implies, and report the multiset; here each member is
identified by :func:`rung.identify.identify` (so PAG members with ``<->`` edges are handled
by the back-door, front-door or ID route) and members that share an identification
(method and adjustment set or mediators) share one estimate with its interval. A member in
which the treatment is not an ancestor of the outcome has effect exactly 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from rung.graph import CausalGraph
from rung.workflow.members import ClassMembers, Orientation

__all__ = ["ClassEffects", "MemberEffect", "estimate_over_class"]

Route = Literal["no_path", "backdoor", "frontdoor", "id", "not_identified"]


@dataclass(frozen=True)
class MemberEffect:
    """The effect shared by ``members`` plausible graphs (one of them is ``example``)."""

    route: Route
    members: int
    example: str
    adjustment_set: tuple[str, ...] | None
    mediators: tuple[str, ...] | None
    effect: float | None
    interval: tuple[float, float] | None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"route": self.route, "members": self.members, "example": self.example,
                "adjustment_set": None if self.adjustment_set is None
                else list(self.adjustment_set),
                "mediators": None if self.mediators is None else list(self.mediators),
                "effect": self.effect,
                "interval": None if self.interval is None else list(self.interval),
                "note": self.note}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> MemberEffect:
        def tup(v: Any) -> tuple[str, ...] | None:
            return None if v is None else tuple(v)

        iv = obj.get("interval")
        return cls(obj["route"], int(obj["members"]), str(obj["example"]),
                   tup(obj.get("adjustment_set")), tup(obj.get("mediators")),
                   None if obj.get("effect") is None else float(obj["effect"]),
                   None if iv is None else (float(iv[0]), float(iv[1])),
                   str(obj.get("note", "")))


@dataclass(frozen=True)
class ClassEffects:
    """The effects over the plausible graphs and how the class was formed."""

    source: Literal["class", "analyst"]
    members: int
    complete: bool
    threshold: float
    effects: tuple[MemberEffect, ...]
    orientations: tuple[Orientation, ...] = ()

    @property
    def estimated(self) -> tuple[MemberEffect, ...]:
        """Groups with an effect and an interval."""
        return tuple(e for e in self.effects if e.effect is not None and e.interval)

    @property
    def span(self) -> tuple[float, float] | None:
        """From the lowest interval end to the highest, over every estimated group."""
        ests = self.estimated
        if not ests:
            return None
        return (min(e.interval[0] for e in ests if e.interval),
                max(e.interval[1] for e in ests if e.interval))

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "members": self.members, "complete": self.complete,
                "threshold": self.threshold, "effects": [e.to_json() for e in self.effects],
                "orientations": [o.to_json() for o in self.orientations],
                "span": None if self.span is None else list(self.span)}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> ClassEffects:
        return cls(obj["source"], int(obj["members"]), bool(obj["complete"]),
                   float(obj["threshold"]),
                   tuple(MemberEffect.from_json(e) for e in obj["effects"]),
                   tuple(Orientation.from_json(o) for o in obj.get("orientations", [])))


_Key = tuple[Route, tuple[str, ...] | None, tuple[str, ...] | None, str]


def _route(g: CausalGraph, x: str, y: str) -> _Key:
    from rung.identify import identify

    if y not in g.descendants(x, include_self=False):
        return "no_path", None, None, ""
    res = identify(g, x, y)
    if not res.identifiable:
        return "not_identified", None, None, g.to_edge_string()
    adj = None if res.adjustment_set is None else tuple(sorted(res.adjustment_set))
    med = None if res.mediators is None else tuple(sorted(res.mediators))
    if res.method == "backdoor":
        return "backdoor", adj, med, ""
    if res.method == "frontdoor":
        return "frontdoor", adj, med, ""
    return "id", adj, med, g.to_edge_string()


def _estimate(key: _Key, g: CausalGraph, data: pd.DataFrame, x: str, y: str,
              contrast: tuple[float, float], bootstrap: int, seed: int
              ) -> tuple[float | None, tuple[float, float] | None, str]:
    from rung.estimate.estimators.adjustment import RegressionAdjustment
    from rung.estimate.estimators.frontdoor import FrontDoor

    route, adj, med, _ = key
    if route == "no_path":
        return 0.0, (0.0, 0.0), f"{x} is not an ancestor of {y}: the effect is 0"
    if route == "not_identified":
        return None, None, "not identifiable in this graph"
    if route == "id":
        return None, None, "identified by the general ID algorithm; not estimated here"
    kw: dict[str, Any] = {"contrast": contrast, "bootstrap": bootstrap, "seed": seed}
    est = (RegressionAdjustment(adjustment_set=list(adj or ()), **kw) if route == "backdoor"
           else FrontDoor(mediators=list(med or ()), **kw))
    try:
        res = est.fit(data, g, x, y).result()
    except ValueError as exc:
        return None, None, f"{est.method}: {' '.join(str(exc).split())}"
    ci = None if res.ci is None else (float(res.ci[0]), float(res.ci[1]))
    return float(res.ate), ci, est.method


def estimate_over_class(
    data: pd.DataFrame,
    members: ClassMembers | Sequence[CausalGraph],
    treatment: str,
    outcome: str,
    *,
    contrast: tuple[float, float],
    bootstrap: int = 50,
    seed: int = 0,
) -> ClassEffects:
    """Identify and estimate the effect in every plausible graph (see the module docstring).

    ``members`` is the output of :func:`rung.workflow.members.find_plausible_graphs`, or a
    list of graphs the analyst vouches for (``source="analyst"``).

    Examples
    --------
    >>> from rung.datasets import linear_backdoor
    >>> from rung.discover import DiscoveredEdge, DiscoveryResult
    >>> from rung.workflow.members import find_plausible_graphs
    >>> cs = linear_backdoor(n=2000, seed=0)
    >>> tri = DiscoveryResult("pc", ("Z", "X", "Y"), [DiscoveredEdge("Z", "X", "--"),
    ...     DiscoveredEdge("X", "Y", "--"), DiscoveredEdge("Z", "Y", "--")])
    >>> fx = estimate_over_class(cs.data, find_plausible_graphs(tri), "X", "Y",
    ...                          contrast=(1.0, 0.0), bootstrap=20)
    >>> sorted(e.route for e in fx.effects)
    ['backdoor', 'backdoor', 'no_path']
    >>> lo, hi = fx.span; lo <= 0.0 and 2.0 < hi
    True
    """
    if isinstance(members, ClassMembers):
        graphs, source = members.graphs, "class"
        complete, threshold, orients = members.complete, members.threshold, members.orientations
    else:
        graphs, source, complete, threshold, orients = tuple(members), "analyst", True, 1.0, ()
    groups: dict[_Key, list[CausalGraph]] = {}
    for g in graphs:
        groups.setdefault(_route(g, treatment, outcome), []).append(g)
    # many distinct adjustment sets: fewer resamples each (never fewer than 10)
    per_group = bootstrap if len(groups) <= 10 else max(10, bootstrap * 10 // len(groups))
    effects = []
    for key, gs in groups.items():
        effect, ci, note = _estimate(key, gs[0], data, treatment, outcome, contrast,
                                     per_group, seed)
        effects.append(MemberEffect(key[0], len(gs), gs[0].to_edge_string(), key[1], key[2],
                                    effect, ci, note))
    effects.sort(key=lambda e: (e.effect is None, e.effect or 0.0, -e.members))
    return ClassEffects(source, len(graphs), complete, threshold,  # type: ignore[arg-type]
                        tuple(effects), orients)
