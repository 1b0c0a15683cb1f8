"""The plausible graphs: every member of the data's equivalence class that the evidence allows.

Discovery returns an equivalence class, not a graph: a CPDAG (PC, GES) whose ``--`` edges
can point either way, or a PAG (FCI) whose circles can be tails or arrowheads. The final
graph of the workflow picks one orientation for each of them; this module instead lists
every orientation the data did not rule out, so that the verdict can report the effect
over all of them (the IDA idea of Maathuis, Kalisch & Bühlmann 2009, "Estimating
high-dimensional intervention effects from observational data", Ann. Statist. 37(6A),
applied here by enumerating the members; for PAGs a member is a maximal ancestral graph,
Zhang 2008, "On the completeness of orientation rules for causal discovery in the
presence of latent confounders and selection bias", AIJ 172).

Options per edge of the class (``s``, ``t`` its ends):

====================  ============================================  ====================
data mark             members may hold                              narrowed by the LLM
====================  ============================================  ====================
``s -> t``            ``s -> t`` (compelled)                        never
``s -- t``            ``s -> t``, ``t -> s``                        to its direction
``s o-> t``           ``s -> t``, ``s <-> t`` (arrowhead at ``t``)  to ``s -> t``
``s o-o t``           ``s -> t``, ``t -> s``, ``s <-> t``           to its direction
``s <-> t``           ``s <-> t``                                   never
====================  ============================================  ====================

An LLM belief narrows an edge only when its probability reaches
:data:`ORIENTATION_THRESHOLD`. An LLM belief of at least that probability *against* a
data mark (the reverse of a compelled ``->``, a tail or reversal against an ``o->``
arrowhead, a direction on a ``<->``) is a *conflict*: the edge is contested, and the
members hold the data's options and the LLM's direction. A data mark is never overridden
without such a record (and a row in the disagreement table and a flag in the verdict).

A member must be acyclic, ancestral (no ``a <-> b`` with ``a`` an ancestor of ``b``) and
create no unshielded collider the data did not find (Meek 1995; Zhang 2008), except at a
contested edge. The members are enumerated by the class's own enumerator,
:meth:`rung.identify.equivalence_class.EquivalenceClass.members`, given these options per
edge; it stops at ``limit`` members and the result says whether it was complete.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rung.discover import DiscoveredEdge, DiscoveryResult
from rung.discover.prior_search import ORIENTATION_THRESHOLD
from rung.graph import CausalGraph
from rung.identify.equivalence_class import (
    MEMBER_CHOICES,
    EdgeChoice,
    EdgeOptions,
    EquivalenceClass,
    TooManyMembersError,
)
from rung.workflow.disagreements import LLMEdge, most_confident_by_pair

__all__ = [
    "ORIENTATION_THRESHOLD",
    "ClassMembers",
    "Orientation",
    "find_plausible_graphs",
]



Mark = EdgeChoice


@dataclass(frozen=True)
class Orientation:
    """How the evidence treats one edge of the class: its options and why."""

    source: str
    target: str
    data_kind: str
    options: tuple[Mark, ...]
    llm: str | None
    llm_confidence: float | None
    status: Literal["compelled", "undecided", "llm", "contested"]

    def describe(self) -> str:
        """The edge, its data mark and what the LLM said, in words."""
        what = f"{self.source} {self.data_kind} {self.target}"
        if self.llm is None:
            return what
        return f"{what} (LLM: {self.llm}, probability {self.llm_confidence:.2f})"

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "data_kind": self.data_kind,
                "options": list(self.options), "llm": self.llm,
                "llm_confidence": self.llm_confidence, "status": self.status}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Orientation:
        return cls(str(obj["source"]), str(obj["target"]), str(obj["data_kind"]),
                   tuple(obj["options"]), obj.get("llm"), obj.get("llm_confidence"),
                   obj["status"])


@dataclass(frozen=True)
class ClassMembers:
    """The plausible graphs and how each edge of the class was treated."""

    graphs: tuple[CausalGraph, ...]
    orientations: tuple[Orientation, ...]
    complete: bool
    limit: int
    threshold: float

    @property
    def conflicts(self) -> tuple[Orientation, ...]:
        """Edges where an LLM belief above the threshold contradicts a data mark."""
        return tuple(o for o in self.orientations if o.status == "contested")


def _orientation(e: DiscoveredEdge, belief: LLMEdge | None, threshold: float,
                 demoted: bool) -> Orientation:
    data = MEMBER_CHOICES["--"] if demoted else MEMBER_CHOICES[e.kind]
    status: Literal["compelled", "undecided", "llm", "contested"] = (
        "undecided" if len(data) > 1 else "compelled")
    options = data
    llm_txt = None if belief is None else f"{belief.source} -> {belief.target}"
    conf = None if belief is None else belief.confidence
    if belief is not None and belief.confidence >= threshold:
        said: Mark = "->" if belief.source == e.source else "<-"
        if said in data and len(data) > 1:
            options, status = (said,), "llm"
        elif said not in data:
            options, status = (*data, said), "contested"
    return Orientation(e.source, e.target, e.kind, options, llm_txt, conf, status)


def find_plausible_graphs(
    data: DiscoveryResult,
    llm: Sequence[LLMEdge] = (),
    *,
    threshold: float = ORIENTATION_THRESHOLD,
    limit: int = 256,
) -> ClassMembers:
    """Every member of the data's class that the LLM's confident beliefs leave possible.

    Parameters
    ----------
    data : DiscoveryResult
        The CPDAG or PAG found by discovery.
    llm : sequence of LLMEdge
        The LLM's beliefs (every scored direction); per pair the most probable counts, and
        only when its probability reaches ``threshold``.
    threshold : float
        See :data:`ORIENTATION_THRESHOLD`.
    limit : int
        Stop after this many members (``complete`` is then False).

    Examples
    --------
    >>> from rung.discover import DiscoveredEdge, DiscoveryResult
    >>> tri = DiscoveryResult("pc", ("Z", "X", "Y"), [DiscoveredEdge("Z", "X", "--"),
    ...     DiscoveredEdge("X", "Y", "--"), DiscoveredEdge("Z", "Y", "--")])
    >>> len(find_plausible_graphs(tri).graphs)   # the 3! orderings of a triangle
    6
    >>> len(find_plausible_graphs(tri, [LLMEdge("Z", "X", 0.9)]).graphs)
    3
    >>> len(find_plausible_graphs(tri, [LLMEdge("Z", "X", 0.3)]).graphs)  # below 0.8
    6
    """
    if limit < 1:
        raise ValueError(f"limit={limit}: give at least 1 member")
    beliefs = most_confident_by_pair(llm)  # per pair, the most probable belief
    kept = set(data.graph.directed_edges)  # compelled marks that close no cycle
    orients = tuple(
        _orientation(e, beliefs.get(frozenset((e.source, e.target))), threshold,
                     demoted=e.kind == "->" and (e.source, e.target) not in kept)
        for e in data.edges)
    cls = EquivalenceClass.from_edges(data.nodes, data.edges)
    options = [EdgeOptions(o.source, o.target, o.options, free=o.status == "contested")
               for o in orients]
    graphs: list[CausalGraph] = []
    try:
        graphs.extend(cls.members(limit, options=options, max_steps=200 * limit))
        complete = True
    except TooManyMembersError:  # more than limit members, or the step budget spent
        complete = False
    return ClassMembers(tuple(graphs), orients, complete, limit, threshold)
