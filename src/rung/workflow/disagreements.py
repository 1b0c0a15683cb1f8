"""The disagreement table: every pair on which the LLM's graph and the data's graph differ.

Kinds of disagreement (one row per unordered pair):

- ``llm_only``: the LLM proposes an edge; the data separate the pair (CI p-value > alpha).
- ``data_only``: the data keep an edge (every CI test rejected independence); the LLM has none.
- ``orientation``: both have the edge; the data's compelled direction (or an ``o->``
  arrowhead) opposes the LLM's. With ``preferences`` (every scored direction), a pair
  the LLM proposes no edge for is also an ``orientation`` row when the direction the LLM
  prefers contradicts the data's mark: the final-graph rule consults that preference, so
  the conflict is shown, never silent.
- ``confounding``: both have the edge; the data mark it ``<->`` (a latent common cause, or
  conflicting colliders) where the LLM says one causes the other.
- ``override`` (fused path, :func:`rung.workflow.fused.overridden_marks`): the data alone
  compel a direction that the class with the LLM's prior turns, leaves open or drops.

Each conflict with a data mark carries ``moves_answer`` (:func:`mark_relevance`): whether
the pair's other orientation changes what the final graph says about the effect. Only those
rows are verdict flags; the others stay in the table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal, get_args

from rung.discover import DiscoveryResult
from rung.graph import CausalGraph, CycleError

__all__ = ["CONFLICT_KINDS", "Disagreement", "DisagreementKind", "LLMEdge", "find_disagreements",
           "llm_edges_from_proposal", "mark_relevance", "most_confident_by_pair", "moves_answer",
           "preferred_directions"]

DisagreementKind = Literal["llm_only", "data_only", "orientation", "confounding", "override"]

#: the kinds where the LLM (or its prior) goes against a data mark: the verdict's conflicts
CONFLICT_KINDS: tuple[DisagreementKind, ...] = ("orientation", "confounding", "override")


@dataclass(frozen=True)
class LLMEdge:
    """An edge the LLM ensemble proposes, with its confidence and the variants' votes."""

    source: str
    target: str
    confidence: float
    votes: Any = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> LLMEdge:
        """Rebuild an edge saved by :meth:`to_json`."""
        return cls(str(obj["source"]), str(obj["target"]), float(obj["confidence"]),
                   obj.get("votes"))


def llm_edges_from_proposal(edges: Iterable[Sequence[Any]]) -> list[LLMEdge]:
    """Turn ``GraphProposal.edges`` rows ``(source, target, confidence, votes)`` into LLMEdges."""
    out = []
    for row in edges:
        votes = row[3] if len(row) > 3 else None
        out.append(LLMEdge(str(row[0]), str(row[1]), float(row[2]), votes))
    return out


@dataclass(frozen=True)
class Disagreement:
    """One row of the disagreement table.

    ``moves_answer`` (:func:`mark_relevance`; None where not judged) says whether the
    pair's other orientation changes the final graph's answer; ``note`` is the explanation
    of a row whose kind's sentence does not cover it (an ``override`` row names the fused
    class's mark).

    Examples
    --------
    >>> row = Disagreement("A", "B", "orientation", "A -> B", 0.9, "B -> A", None, (), None)
    >>> Disagreement.from_json(row.to_json()) == row
    True
    """

    a: str
    b: str
    kind: DisagreementKind
    llm_edge: str | None
    llm_confidence: float | None
    data_edge: str | None
    p_value: float | None
    sepset: tuple[str, ...]
    final_edge: str | None
    moves_answer: bool | None = None
    note: str = ""

    @property
    def explanation(self) -> str:
        """One sentence for the analyst."""
        if self.note:
            return self.note
        p = "n/a" if self.p_value is None else f"{self.p_value:.3g}"
        if self.kind == "llm_only":
            given = ", ".join(self.sepset) or "nothing"
            return f"LLM proposes {self.llm_edge}; data find independence given {given} (p={p})"
        if self.kind == "data_only":
            return f"data keep {self.data_edge} (largest CI p={p}); the LLM proposes no edge"
        if self.kind == "orientation":
            return f"LLM says {self.llm_edge}; data orient {self.data_edge}"
        if self.kind == "override":
            return f"the LLM's prior overrode the data's {self.data_edge}"
        return f"LLM says {self.llm_edge}; data suggest a latent common cause ({self.data_edge})"

    @property
    def is_conflict(self) -> bool:
        """Whether the LLM or its prior goes against a data mark (:data:`CONFLICT_KINDS`)."""
        return self.kind in CONFLICT_KINDS

    def to_json(self) -> dict[str, Any]:
        """The row of ``disagreements.json`` (``moves_answer`` only where judged)."""
        d = asdict(self)
        d["sepset"] = list(self.sepset)
        del d["moves_answer"], d["note"]
        d["explanation"] = self.explanation
        if self.moves_answer is not None:
            d["moves_answer"] = self.moves_answer
        return d

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Disagreement:
        """Rebuild a row saved by :meth:`to_json` (an explanation other than the kind's
        sentence is kept as the ``note``)."""
        kind = obj["kind"]
        if kind not in get_args(DisagreementKind):
            raise ValueError(f"disagreement kind {kind!r} is not one of "
                             f"{get_args(DisagreementKind)}; fix the row")

        def opt(key: str) -> Any:
            return obj.get(key)

        conf, p, moves = opt("llm_confidence"), opt("p_value"), opt("moves_answer")
        row = cls(str(obj["a"]), str(obj["b"]), kind, opt("llm_edge"),
                  None if conf is None else float(conf), opt("data_edge"),
                  None if p is None else float(p), tuple(obj.get("sepset") or ()),
                  opt("final_edge"), None if moves is None else bool(moves))
        text = str(obj.get("explanation") or "")
        return row if text in ("", row.explanation) else replace(row, note=text)


def most_confident_by_pair(edges: Iterable[LLMEdge]) -> dict[frozenset[str], LLMEdge]:
    """Per unordered pair, its most confident edge (on a tie, the first given).

    Examples
    --------
    >>> best = most_confident_by_pair([LLMEdge("A", "B", 0.6), LLMEdge("B", "A", 0.7)])
    >>> best[frozenset("AB")]
    LLMEdge(source='B', target='A', confidence=0.7, votes=None)
    """
    best: dict[frozenset[str], LLMEdge] = {}
    for e in edges:
        key = frozenset((e.source, e.target))
        if key not in best or e.confidence > best[key].confidence:
            best[key] = e
    return best


def _final_edge(final: CausalGraph | None, a: str, b: str) -> str | None:
    if final is None:
        return None
    if (a, b) in final.directed_edges:
        return f"{a} -> {b}"
    if (b, a) in final.directed_edges:
        return f"{b} -> {a}"
    if tuple(sorted((a, b))) in final.bidirected_edges:
        return f"{a} <-> {b}"
    return None


def _contradicts(d: Any, e: LLMEdge) -> bool:
    """Whether the LLM's direction ``e`` goes against the data edge's definite marks."""
    if d.kind == "->":
        return bool((d.source, d.target) != (e.source, e.target))
    return bool(d.kind == "o->" and d.target == e.source)


def _classify(llm: LLMEdge | None, data: DiscoveryResult, a: str, b: str,
              pref: LLMEdge | None = None) -> DisagreementKind | None:
    d = data.edge_between(a, b)
    if llm is None:
        if d is not None and pref is not None and _contradicts(d, pref):
            return "orientation"
        return "data_only" if d is not None else None
    if d is None:
        return "llm_only"
    if d.kind == "<->":
        return "confounding"
    return "orientation" if _contradicts(d, llm) else None


def preferred_directions(prefs: Iterable[LLMEdge], *, share: bool = False
                         ) -> dict[frozenset[str], LLMEdge]:
    """Per pair, the more probable of its scored directions (a tie: none).

    With ``share``, only pairs scored in both directions count, and the preferred one
    carries its share P(dir) / (P(A->B) + P(B->A)) as its confidence.

    Examples
    --------
    >>> prefs = [LLMEdge("A", "B", 0.2), LLMEdge("B", "A", 0.6), LLMEdge("C", "D", 0.3)]
    >>> sorted(str(e.confidence) for e in preferred_directions(prefs).values())
    ['0.3', '0.6']
    >>> [round(e.confidence, 2) for e in preferred_directions(prefs, share=True).values()]
    [0.75]
    """
    by_pair: dict[frozenset[str], list[LLMEdge]] = {}
    for p in prefs:
        by_pair.setdefault(frozenset((p.source, p.target)), []).append(p)
    out = {}
    for key, opts in by_pair.items():
        best = max(opts, key=lambda o: o.confidence)
        if sum(o.confidence == best.confidence for o in opts) != 1:
            continue
        if not share:
            out[key] = best
        elif len(opts) == 2:
            total = sum(o.confidence for o in opts)
            out[key] = LLMEdge(best.source, best.target, best.confidence / total, best.votes)
    return out


def find_disagreements(
    llm: Sequence[LLMEdge], data: DiscoveryResult, final: CausalGraph | None = None,
    preferences: Sequence[LLMEdge] = (),
) -> list[Disagreement]:
    """Rows for every pair on which the LLM's and the data's graphs disagree.

    Rows are sorted by the LLM's confidence (most confident first), then by p-value.
    """
    by_pair = most_confident_by_pair(llm)
    prefs = preferred_directions(preferences)
    rows: list[Disagreement] = []
    nodes = data.nodes
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            e = by_pair.get(frozenset((a, b)))
            pref = prefs.get(frozenset((a, b)))
            kind = _classify(e, data, a, b, pref)
            if kind is None:
                continue
            if e is None and kind == "orientation":
                e = pref
            d = data.edge_between(a, b)
            ev = data.evidence_for(a, b)
            rows.append(Disagreement(
                a=a, b=b, kind=kind,
                llm_edge=None if e is None else f"{e.source} -> {e.target}",
                llm_confidence=None if e is None else e.confidence,
                data_edge=None if d is None else str(d),
                p_value=None if ev is None else ev.p_value,
                sepset=() if ev is None else ev.sepset,
                final_edge=_final_edge(final, a, b),
            ))
    rows.sort(key=lambda r: (-(r.llm_confidence or 0.0), -(r.p_value or 0.0)))
    return rows


def _answer(g: CausalGraph, x: str, y: str) -> tuple[Any, ...]:
    """What a graph says about P(y | do(x)): no path, or the method and its sets."""
    from rung.identify import identify

    if y not in g.descendants(x, include_self=False):
        return ("no path",)
    res = identify(g, x, y)
    return (res.identifiable, res.method, tuple(sorted(res.adjustment_set or ())),
            tuple(sorted(res.mediators or ())))


def moves_answer(final: CausalGraph, a: str, b: str, x: str, y: str) -> bool:
    """Whether turning the final graph's directed edge between ``a`` and ``b`` changes
    what it says about P(y | do(x)): a path appears or goes, no back-door set of the two
    graphs is valid in both, or (another route) the identification changes. An edge that is
    not directed in the final graph, or whose reversal closes a cycle, counts as moving it
    (the conservative answer).

    Examples
    --------
    >>> g = CausalGraph.from_edges("Z -> X -> Y; Z -> Y; W -> Y")
    >>> moves_answer(g, "Z", "X", "X", "Y"), moves_answer(g, "W", "Y", "X", "Y")
    (True, False)
    """
    directed = list(final.directed_edges)
    if (a, b) in directed:
        old = (a, b)
    elif (b, a) in directed:
        old = (b, a)
    else:
        return True
    turned = [(old[1], old[0]) if e == old else e for e in directed]
    try:
        other = CausalGraph(directed=turned, bidirected=final.bidirected_edges,
                            nodes=final.nodes)
    except CycleError:
        return True
    return _changes(final, other, x, y)


def _changes(final: CausalGraph, other: CausalGraph, x: str, y: str) -> bool:
    """A path from x to y appears or goes, or neither graph's back-door set is valid in
    both (a set valid in both gives the same estimate either way)."""
    from rung.identify import identify, is_valid_adjustment_set

    path = y in final.descendants(x, include_self=False)
    if path != (y in other.descendants(x, include_self=False)):
        return True
    if not path:
        return False
    one, two = identify(final, x, y), identify(other, x, y)
    if all(r.identifiable and r.method == "backdoor" for r in (one, two)):
        sets = [set(one.adjustment_set or ()), set(two.adjustment_set or ())]
        return not any(is_valid_adjustment_set(final, x, y, s)
                       and is_valid_adjustment_set(other, x, y, s) for s in sets)
    return _answer(final, x, y) != _answer(other, x, y)


def mark_relevance(rows: Sequence[Disagreement], final: CausalGraph, x: str, y: str
                   ) -> list[Disagreement]:
    """The rows with ``moves_answer`` set on each conflict with a data mark (kinds
    :data:`CONFLICT_KINDS`): whether the other orientation of that pair changes what the
    final graph says about the effect. Only those are verdict flags."""
    return [replace(r, moves_answer=moves_answer(final, r.a, r.b, x, y)) if r.is_conflict
            else r for r in rows]
