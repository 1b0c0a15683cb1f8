"""Typed results of the co-pilot's tasks; each keeps the evidence (every variant's answer),
says whether its answer is decided, and shows itself in a notebook (``_repr_html_``,
``to_frame()``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from rung.copilot.aggregate import (
    Decision,
    PositionBias,
    VariantRecord,
    aggregate,
    decide,
    entropy_bits,
    position_bias,
)
from rung.copilot.calibration import TemperatureCalibration
from rung.copilot.display import frame, html_block, html_table
from rung.graph import CausalGraph

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ChoiceResult",
    "EnsembleResult",
    "GraphProposal",
    "PairwiseResult",
    "ProposedEdge",
    "build_result_fields",
]


_VARIANT_COLUMNS = ("prompt_id", "order", "persona", "described", "answer", "p")


@dataclass(frozen=True)
class EnsembleResult:
    """An ensemble answer with its probabilities, agreement, entropy and evidence.

    ``answer`` is the most probable option (the best guess); ``decision`` says whether it
    stands: when the runner-up is within :data:`~rung.copilot.aggregate.DECISION_MARGIN` or
    the variants disagree (:func:`~rung.copilot.aggregate.decide`), ``decision.label`` is
    ``"undecided"`` and ``decision.reason`` says why.
    """

    answer: str
    probabilities: dict[str, float]
    agreement: float
    entropy: float
    vote: str
    votes: dict[str, int]
    variants: list[VariantRecord]
    calls: int
    position_bias: PositionBias
    decision: Decision
    model: str = ""
    calibrated: bool = False

    @property
    def decided(self) -> bool:
        """Whether the answer stands (else it is reported as ``"undecided"``)."""
        return self.decision.decided

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (keys are a contract: added to, never renamed)."""
        return {
            "decision": self.decision.label,
            "decided": self.decision.decided,
            "margin": self.decision.margin,
            "runner_up": self.decision.runner_up,
            "undecided_reason": self.decision.reason,
            "answer": self.answer,
            "probabilities": dict(self.probabilities),
            "agreement": self.agreement,
            "entropy": self.entropy,
            "vote": self.vote,
            "votes": dict(self.votes),
            "calls": self.calls,
            "model": self.model,
            "calibrated": self.calibrated,
            "position_bias": self.position_bias.to_json(),
            "variants": [v.to_json() for v in self.variants],
        }

    def summary(self) -> str:
        """One line: the decision, the probabilities and the agreement."""
        probs = ", ".join(f"{k} {p:.3f}" for k, p in self.probabilities.items())
        head = (
            f"undecided (best guess {self.answer}; {self.decision.reason})"
            if not self.decided
            else self.answer
        )
        return f"{head} · {probs} · agreement {self.agreement:.2f}"

    def to_frame(self) -> pd.DataFrame:
        """One row per variant: wording, order, persona, its answer and probabilities."""
        labels = list(self.probabilities)
        rows = [{**v.to_json(), **{f"p[{k}]": v.probabilities.get(k) for k in labels}}
                for v in self.variants]
        return frame(rows, [*_VARIANT_COLUMNS, *(f"p[{k}]" for k in labels)])

    def _repr_html_(self) -> str:
        probs = [{"option": k, "probability": p, "votes": self.votes.get(k, 0)}
                 for k, p in self.probabilities.items()]
        variants = [{c: v.to_json()[c] for c in _VARIANT_COLUMNS} for v in self.variants]
        lines = [self.summary(), f"{self.calls} model calls · model {self.model or '?'}"]
        return html_block(self._title(), lines, [
            html_table(probs, caption="aggregate (order-debiased)"),
            html_table(variants, caption="variants"),
        ])

    def _title(self) -> str:
        return f"answer: {self.decision.label}"


@dataclass(frozen=True)
class PairwiseResult(EnsembleResult):
    """Direction between ``a`` (A) and ``b`` (B): ``"A->B"``, ``"B->A"`` or ``"none"``."""

    a: str = ""
    b: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, **super().to_json()}

    def _title(self) -> str:
        return f"{self.a} (A) vs {self.b} (B): {self.decision.label}"


@dataclass(frozen=True)
class ChoiceResult(EnsembleResult):
    """A multiple-choice answer (``"Yes"``/``"No"`` or one of the given options)."""

    options: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "options": list(self.options)}


def build_result_fields(
    records: Sequence[VariantRecord],
    labels: Sequence[str],
    *,
    calls: int,
    model: str,
    calibration: TemperatureCalibration | None = None,
) -> dict[str, Any]:
    """The shared fields of an :class:`EnsembleResult` from its variant records.

    A fitted ``calibration`` rescales the aggregated probabilities (the answer, vote and
    agreement do not change under temperature scaling; the entropy and the margin of the
    decision do: the decision is taken on the probabilities reported).
    """
    agg = aggregate(records, labels)
    probs = calibration.transform(agg.probabilities) if calibration else agg.probabilities
    scored = [s for r in records for s in r.scored]
    return {
        "decision": decide(probs, labels, agg.agreement),
        "answer": agg.answer,
        "probabilities": probs,
        "agreement": agg.agreement,
        "entropy": entropy_bits(list(probs.values())),
        "vote": agg.vote,
        "votes": agg.votes,
        "variants": list(records),
        "calls": calls,
        "position_bias": position_bias(scored),
        "model": model,
        "calibrated": calibration is not None,
    }


class ProposedEdge(NamedTuple):
    """A directed edge proposal: ``(source, target, confidence, votes, asked, ...)``.

    ``votes`` of the ``asked`` variants named this edge (their own answer). ``decided`` is
    False when the pair's answer is undecided (see :func:`~rung.copilot.aggregate.decide`);
    ``calibrated`` is the calibrated probability of the edge when an
    :class:`~rung.copilot.beliefs.EdgeCalibration` was applied.
    """

    source: str
    target: str
    confidence: float
    votes: int
    asked: int
    decided: bool = True
    calibrated: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.target,
            "confidence": self.confidence,
            "votes": self.votes,
            "asked": self.asked,
            "decided": self.decided,
            "calibrated": self.calibrated,
        }


_EDGE_COLUMNS = ("from", "to", "confidence", "votes", "asked", "decided", "calibrated")


@dataclass(frozen=True)
class GraphProposal:
    """A whole proposed graph: edges with confidences, cycle repairs, and cost.

    ``undecided`` holds the best direction of every pair whose answer was undecided (they
    never enter the graph under a threshold); ``threshold`` and ``top_k`` record the rule
    that chose the edges, so an empty graph can say why it is empty (:attr:`empty_reason`).
    """

    graph: CausalGraph
    edges: list[ProposedEdge]
    repairs: list[dict[str, Any]]
    calls: int
    strategy: str
    model: str = ""
    candidates: list[ProposedEdge] = field(default_factory=list)
    position_bias: PositionBias | None = None
    threshold: float | None = None
    top_k: int | None = None
    undecided: list[ProposedEdge] = field(default_factory=list)

    @property
    def empty_reason(self) -> str | None:
        """Why the graph has no edges, and the option that would help; None if it has some."""
        if self.edges:
            return None
        if self.top_k == 0:
            return "top_k=0 keeps no edge; ask for top_k >= 1"
        if not self.candidates:
            return ("the model named no edge at all; give descriptions, another strategy, or "
                    "a stronger model")
        best = max(self.candidates, key=lambda e: e.confidence)
        why = (f"no edge reached threshold {self.threshold:g}" if self.threshold is not None
               else "no edge was kept")
        if self.strategy == "pairs":
            why += " and beat 'no direct link'"
        if self.undecided:
            why += f" ({len(self.undecided)} pairs undecided)"
        return (f"{why}; the most confident candidate was {best.source} -> {best.target} at "
                f"{best.confidence:.2f}: lower the threshold (--threshold) or keep the most "
                "confident edges (--top-k N)")

    def to_json(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy,
            "model": self.model,
            "nodes": list(self.graph.nodes),
            "edges": [e.to_json() for e in self.edges],
            "repairs": self.repairs,
            "calls": self.calls,
            "position_bias": self.position_bias.to_json() if self.position_bias else None,
            "threshold": self.threshold,
            "top_k": self.top_k,
            "empty": not self.edges,
            "empty_reason": self.empty_reason,
            "undecided": [e.to_json() for e in self.undecided],
        }

    def to_dot(self) -> str:
        """Graphviz DOT text with each edge labelled by its confidence (an empty graph says
        so in a comment)."""
        lines = ["digraph proposal {"]
        if not self.edges:
            lines.append("  // empty: " + " ".join(str(self.empty_reason).split()))
        lines += [f"  {_dot_id(n)};" for n in self.graph.nodes]
        lines += [
            f'  {_dot_id(e.source)} -> {_dot_id(e.target)} [label="{e.confidence:.2f}"];'
            for e in self.edges
        ]
        return "\n".join([*lines, "}"]) + "\n"

    def to_frame(self) -> pd.DataFrame:
        """Every scored candidate edge, with ``kept`` marking those in the graph."""
        kept = {(e.source, e.target) for e in self.edges}
        rows = [{**e.to_json(), "kept": (e.source, e.target) in kept} for e in self.candidates]
        return frame(rows, [*_EDGE_COLUMNS, "kept"])

    def _repr_html_(self) -> str:
        rule = (f"top {self.top_k}" if self.top_k is not None
                else f"threshold {self.threshold}")
        lines = [f"{len(self.edges)} edges over {len(self.graph.nodes)} variables · strategy "
                 f"{self.strategy} · {rule} · {self.calls} model calls · "
                 f"{len(self.repairs)} cycle repairs"]
        if self.empty_reason:
            lines.append(f"empty graph: {self.empty_reason}")
        if self.undecided:
            lines.append("undecided: " + ", ".join(f"{e.source} / {e.target}"
                                                   for e in self.undecided))
        tables = [html_table([e.to_json() for e in self.edges], caption="edges")]
        return html_block("graph proposal", lines, tables)


def _dot_id(name: str) -> str:
    """A DOT double-quoted identifier (quotes and backslashes escaped)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
