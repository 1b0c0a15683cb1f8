"""Reviewing a causal graph with the model: doubtful and missing edges, latent confounders.

Every judgement is a yes/no statement scored over K variants in both answer orders
(:func:`~rung.copilot.statements.score_statement`); a short generated reason is added for
each flagged edge so a person can review it (Ness: the model as a co-pilot, not an oracle).
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from rung.copilot.aggregate import PositionBias, position_bias
from rung.copilot.display import frame, html_block, html_table
from rung.copilot.scoring import CallCounter, ScoredPrompt
from rung.copilot.statements import score_statement
from rung.copilot.variants import render_preamble
from rung.graph import CausalGraph
from rung.lm.base import Message

if TYPE_CHECKING:
    import pandas as pd

    from rung.copilot.session import Copilot

__all__ = [
    "DEFAULT_CRITIQUE_VARIANTS",
    "Critique",
    "EdgeNote",
    "ask_critique",
    "ask_latent_confounders",
]

DEFAULT_CRITIQUE_VARIANTS = 2
_NOTE_COLUMNS = ("source", "target", "kind", "confidence", "reason")


@dataclass(frozen=True)
class EdgeNote:
    """A flagged edge: ``kind`` is "doubtful", "missing" or "latent"."""

    source: str
    target: str
    kind: str
    confidence: float
    reason: str = ""


@dataclass(frozen=True)
class Critique:
    """Flagged edges of a graph, the model calls spent and position-bias statistics."""

    notes: list[EdgeNote]
    calls: int
    position_bias: PositionBias
    graph: CausalGraph | None = None

    def of_kind(self, kind: str) -> list[EdgeNote]:
        return [n for n in self.notes if n.kind == kind]

    def to_json(self) -> dict[str, Any]:
        return {
            "notes": [asdict(n) for n in self.notes],
            "calls": self.calls,
            "position_bias": self.position_bias.to_json(),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per flagged edge."""
        return frame([asdict(n) for n in self.notes], _NOTE_COLUMNS)

    def _repr_html_(self) -> str:
        lines = [f"{len(self.notes)} flagged edges · {self.calls} model calls"]
        table = html_table([asdict(n) for n in self.notes], caption="flagged edges")
        return html_block("critique", lines, [table])


class _Reviewer:
    def __init__(self, cp: Copilot, graph: CausalGraph) -> None:
        self.counter: CallCounter = cp.counter()
        self.book = cp.book
        self.k = cp.k(DEFAULT_CRITIQUE_VARIANTS)
        self.preamble = render_preamble(
            self.book.snippets("roles"),
            context=cp.context,
            descriptions=cp.descriptions,
            names=graph.nodes,
        )
        self.scored: list[ScoredPrompt] = []

    def p_yes(self, task: str, x: str, y: str) -> float:
        s = score_statement(
            self.counter, self.book, task, {"x": x, "y": y, "preamble": self.preamble}, self.k
        )
        self.scored += s.scored
        return s.p_yes

    def reason(self, x: str, relation: str, y: str) -> str:
        t = self.book.select("roles", task="reason")[0]
        prompt = t.text.format(preamble=self.preamble, x=x, y=y, relation=relation)
        persona = self.book.personas[0].system
        text = self.counter.generate(
            [Message("system", persona), Message("user", prompt)], max_tokens=48, stop=("\n",)
        )
        return text.strip()


def ask_critique(
    cp: Copilot, graph: CausalGraph, *, threshold: float = 0.5, reasons: bool = True
) -> Critique:
    """Doubtful edges (the model doubts ``x -> y``) and missing ones (it asserts one).

    Costs one yes/no statement per ordered pair of nodes (× K variants) plus one generated
    reason per flagged edge when ``reasons``.
    """
    r = _Reviewer(cp, graph)
    present = set(graph.directed_edges)
    notes = []
    for x, y in itertools.permutations(graph.nodes, 2):
        if (y, x) in present:
            continue  # the reverse edge is judged on its own
        p = r.p_yes("edge", x, y)
        if (x, y) in present and p < threshold:
            why = r.reason(x, "not directly cause", y) if reasons else ""
            notes.append(EdgeNote(x, y, "doubtful", 1.0 - p, why))
        elif (x, y) not in present and p >= threshold:
            why = r.reason(x, "directly cause", y) if reasons else ""
            notes.append(EdgeNote(x, y, "missing", p, why))
    notes.sort(key=lambda n: -n.confidence)
    return Critique(notes, r.counter.calls, position_bias(r.scored), graph)


def ask_latent_confounders(
    cp: Copilot, graph: CausalGraph, *, threshold: float = 0.5
) -> Critique:
    """Pairs the model thinks share an unmeasured common cause; ``.graph`` adds them as
    bidirected edges to ``graph``."""
    r = _Reviewer(cp, graph)
    notes = []
    for x, y in itertools.combinations(graph.nodes, 2):
        p = r.p_yes("latent", x, y)
        if p >= threshold:
            notes.append(EdgeNote(x, y, "latent", p))
    notes.sort(key=lambda n: -n.confidence)
    extended = CausalGraph(
        directed=graph.directed_edges,
        bidirected=[*graph.bidirected_edges, *((n.source, n.target) for n in notes)],
        nodes=graph.all_nodes,
        latent=graph.latent,
    )
    return Critique(notes, r.counter.calls, position_bias(r.scored), extended)
