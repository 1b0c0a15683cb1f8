"""The rule that picks the final graph when the analyst has not passed one (``--graph``).

Rule "data adjacencies, LLM orientations where the data are undecided":

1. Adjacency comes from the data: an edge is kept iff the discovery algorithm kept it (every
   CI test rejected independence). CI tests on thousands of rows are far more reliable about
   *whether* two variables are directly linked than a small local LLM, which is near chance
   on all but easy pairs.
2. A direction the data compel (``->`` in the CPDAG/PAG) is kept: the LLM does not override it.
3. An edge the data leave undecided (``--``, ``o-o``, ``o->``, or ``<->`` from conflicting
   colliders) takes the LLM's direction when the LLM proposes the pair, else the direction
   the LLM prefers among its two (P(A->B) vs P(B->A), every pair is scored both ways, so
   this holds even when the LLM's "no direct link" wins), except that an ``o->`` edge
   always keeps its arrowhead (a definite mark: the LLM may confirm it, not reverse it);
   ``<->`` stays a latent confounder unless the LLM's direction reaches the orientation
   threshold (:data:`rung.workflow.members.ORIENTATION_THRESHOLD`); a ``--``/``o-o`` edge
   the LLM is silent on follows the data's column order (flagged ``arbitrary``).
   An orientation below the threshold is one plausible choice, not knowledge: the final
   graph needs one, and the verdict covers every orientation the data leave open.
4. Edges are added most certain first; an LLM or arbitrary orientation that would close a
   directed cycle is reversed (reversing can never close one too), and flagged.

Every decision is recorded with its reason so the report can show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rung.discover import DiscoveredEdge, DiscoveryResult
from rung.graph import CausalGraph
from rung.workflow.disagreements import LLMEdge, most_confident_by_pair, preferred_directions
from rung.workflow.members import ORIENTATION_THRESHOLD

__all__ = ["EdgeDecision", "choose_final_graph"]


@dataclass(frozen=True)
class EdgeDecision:
    """How one final edge was decided: ``edge`` (e.g. ``"A -> B"``) and ``reason``."""

    edge: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"edge": self.edge, "reason": self.reason}


def _would_cycle(directed: list[tuple[str, str]], nodes: Sequence[str], a: str, b: str) -> bool:
    return b == a or a in CausalGraph(directed=directed, nodes=nodes).descendants(b)


def _llm_reason(hint: LLMEdge, threshold: float) -> str:
    if hint.confidence >= threshold:
        return f"LLM orientation (confidence {hint.confidence:.2f})"
    return (f"LLM orientation (confidence {hint.confidence:.2f}, below the {threshold:g} "
            "threshold: one plausible choice; the verdict covers the others)")


def _proposal(e: DiscoveredEdge, llm: dict[frozenset[str], LLMEdge],
              prefs: dict[frozenset[str], LLMEdge], threshold: float
              ) -> tuple[str, str, str, float] | None:
    """(source, target, reason, priority) for an edge the data leave undecided."""
    key = frozenset((e.source, e.target))
    hint = llm.get(key) or prefs.get(key)
    if e.kind == "o->" and hint is not None and hint.target == e.source:
        # the arrowhead at e.target is a definite mark: e.target is not an ancestor of
        # e.source, so the LLM's reverse direction contradicts the data: a disagreement
        # row and a verdict flag (and, from the threshold on, a contested edge)
        return e.source, e.target, \
            f"data arrowhead (o->) kept; the LLM's {hint.source} -> {hint.target} " \
            "contradicts it (a disagreement row and a verdict flag)", 0.5
    hint = llm.get(key)
    if e.kind == "<->" and (hint is None or hint.confidence < threshold):
        return None  # a definite mark: only a belief from the threshold on may orient it
    if hint is not None:
        return hint.source, hint.target, _llm_reason(hint, threshold), hint.confidence
    pref = prefs.get(key)
    if pref is not None:
        return pref.source, pref.target, \
            f"LLM's preferred direction (share {pref.confidence:.2f}; below its threshold)", \
            pref.confidence / 2
    if e.kind == "o->":
        return e.source, e.target, "data arrowhead (o->); LLM silent", 0.5
    if e.kind == "<->":
        return None
    if e.kind == "->":
        return e.source, e.target, "data direction (it conflicted with others)", 0.25
    return e.source, e.target, "arbitrary (column order): data and LLM silent", 0.0


def choose_final_graph(
    data: DiscoveryResult, llm: Sequence[LLMEdge], preferences: Sequence[LLMEdge] = (),
    *, threshold: float = ORIENTATION_THRESHOLD,
) -> tuple[CausalGraph, list[EdgeDecision]]:
    """Apply the rule of this module; return the final graph and one decision per edge.

    ``llm`` are the LLM's proposed edges; ``preferences`` every scored direction (both
    directions of each pair), used where the LLM proposes nothing for a pair.

    Examples
    --------
    >>> from rung.discover import DiscoveredEdge, DiscoveryResult
    >>> res = DiscoveryResult("pc", ("A", "B", "C"),
    ...     [DiscoveredEdge("A", "B", "--"), DiscoveredEdge("B", "C", "->")])
    >>> g, why = choose_final_graph(res, [LLMEdge("B", "A", 0.9)])
    >>> sorted(g.directed_edges)
    [('B', 'A'), ('B', 'C')]
    """
    hints = most_confident_by_pair(llm)
    prefs = preferred_directions(preferences, share=True)
    base = data.graph  # compelled directions (acyclic by construction) and <->
    directed = list(base.directed_edges)
    bidirected = list(base.bidirected_edges)
    decisions = [EdgeDecision(f"{a} -> {b}", "data compelled direction") for a, b in directed]
    kept = set(directed)
    todo = []
    for e in data.edges:
        if (e.source, e.target) in kept:
            continue
        prop = _proposal(e, hints, prefs, threshold)
        if prop is None:  # a <-> no confident LLM belief orients: already in ``bidirected``
            decisions.append(EdgeDecision(str(e), "data: latent confounder (no LLM belief "
                                          f"of probability {threshold:g} orients it)"))
        else:
            todo.append(prop)
    for a, b, reason, _ in sorted(todo, key=lambda t: -t[3]):
        if _would_cycle(directed, data.nodes, a, b):
            a, b, reason = b, a, reason + "; reversed to avoid a directed cycle"
        directed.append((a, b))
        decisions.append(EdgeDecision(f"{a} -> {b}", reason))
    # an LLM-oriented edge replaces a <-> on the same pair
    pairs = {frozenset(p) for p in directed}
    bidirected = [p for p in bidirected if frozenset(p) not in pairs]
    graph = CausalGraph(directed=directed, bidirected=bidirected, nodes=data.nodes)
    return graph, decisions
