"""Which pairs the LLM is asked about, and which of its answers become the LLM's graph.

Asking a pairwise ensemble about every pair costs n(n-1)/2 questions (55 for the 11 Sachs
proteins, 4 scored prompts each). The workflow's final graph takes its adjacencies from the
data, so the LLM's answer changes the result only on pairs the data keep; elsewhere it can
only raise a flag. The default plan therefore runs discovery first and asks the LLM about

1. every pair adjacent in the data's skeleton (its direction can orient the final graph, and
   "no link" or an opposite direction becomes a row of the disagreement table), and
2. a small budget of non-adjacent pairs: those the data separated with the *weakest*
   evidence (smallest largest-p-value over the conditioning sets tried), where a confident
   LLM edge is the most plausible correction to the data.

Every question keeps both option orders (variants come in forward/reverse pairs), so the
position bias of the model cancels in the aggregate.

The LLM's graph is read from the answers by one of two documented rules:

* ``top_k`` (default): the ``k`` most probable directions, at most one per pair, with
  ``k`` = the number of variables unless given (a sparse-graph prior: mean degree 2). Small
  local models say "No" to almost every "Does x cause y?" yet rank pairs better than
  chance, so an absolute threshold keeps nothing;
* ``threshold``: a direction enters when its probability reaches the threshold and beats
  "no direct link".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from rung.copilot import ProposedEdge, pairwise, position_bias, repair_cycles
from rung.copilot.graph import most_confident_edges
from rung.copilot.scoring import ScoredPrompt
from rung.discover import DiscoveryResult
from rung.lm import Backend

__all__ = [
    "LLMAnswers",
    "PairQuestion",
    "ask_pairs",
    "default_extra_pairs",
    "edges_from_answers",
    "select_pairs",
]


@dataclass(frozen=True)
class PairQuestion:
    """One unordered pair to ask about, and why it was chosen."""

    a: str
    b: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"a": self.a, "b": self.b, "reason": self.reason}


def default_extra_pairs(n_variables: int) -> int:
    """Budget of non-adjacent pairs asked by default: half the number of variables.

    Examples
    --------
    >>> default_extra_pairs(11)
    5
    """
    return n_variables // 2


def select_pairs(nodes: Sequence[str], data: DiscoveryResult | None, extra: int
                 ) -> list[PairQuestion]:
    """The pairs to ask about (see the module docstring).

    With ``data=None`` every pair is asked (needed when the LLM's answers must be known
    before discovery, i.e. with background knowledge).

    Examples
    --------
    >>> from rung.discover import DiscoveredEdge, DiscoveryResult, EdgeEvidence
    >>> res = DiscoveryResult("pc", ("A", "B", "C"), [DiscoveredEdge("A", "B", "--")],
    ...     {("A", "C"): EdgeEvidence(0.5, (), 1), ("B", "C"): EdgeEvidence(0.02, ("A",), 3)})
    >>> [(q.a, q.b) for q in select_pairs(["A", "B", "C"], res, 1)]
    [('A', 'B'), ('B', 'C')]
    """
    if extra < 0:
        raise ValueError(f"extra pairs={extra}: give a non-negative budget")
    if data is None:
        return [PairQuestion(a, b, "all pairs asked") for a, b in combinations(nodes, 2)]
    adjacent = [PairQuestion(e.source, e.target, f"adjacent in the data ({e.kind})")
                for e in data.edges]
    others = []
    for a, b in combinations(nodes, 2):
        if data.adjacent(a, b):
            continue
        ev = data.evidence_for(a, b)
        others.append((1.0 if ev is None else ev.p_value, a, b))
    others.sort()
    weak = [PairQuestion(a, b, f"separated by the data with weak evidence (p={p:.3g})")
            for p, a, b in others[:extra]]
    return [*adjacent, *weak]


@dataclass
class LLMAnswers:
    """Both directions of every asked pair, with the model calls and the prompts scored."""

    candidates: list[ProposedEdge]
    none: dict[frozenset[str], float]
    calls: int
    model: str
    scored: list[ScoredPrompt] = field(default_factory=list)

    def position_bias_json(self) -> dict[str, Any] | None:
        return position_bias(self.scored).to_json() if self.scored else None


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[Callable[[str], None]]:
    if not enabled:
        yield lambda _: None
        return
    cols = (TextColumn("LLM: {task.description}"), BarColumn(),
            TextColumn("{task.completed}/{task.total} pairs"), TimeElapsedColumn())
    with Progress(*cols, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=total)
        yield lambda label: bar.update(task, advance=1, description=label)


def ask_pairs(
    questions: Sequence[PairQuestion],
    *,
    backend: Backend,
    descriptions: Mapping[str, str] | None = None,
    variants: int = 2,
    progress: bool = True,
) -> LLMAnswers:
    """Ask :func:`rung.copilot.pairwise` about each pair (``variants`` in both orders)."""
    cands: list[ProposedEdge] = []
    none: dict[frozenset[str], float] = {}
    scored: list[ScoredPrompt] = []
    calls, model = 0, getattr(backend, "model_id", "")
    with _progress(progress, len(questions)) as tick:
        for q in questions:
            r = pairwise(q.a, q.b, backend=backend, descriptions=descriptions,
                         variants=variants)
            calls += r.calls
            model = r.model or model
            scored += [s for v in r.variants for s in v.scored]
            for lab, (src, dst) in (("A->B", (q.a, q.b)), ("B->A", (q.b, q.a))):
                cands.append(ProposedEdge(src, dst, r.probabilities[lab], r.votes[lab],
                                          len(r.variants)))
            none[frozenset((q.a, q.b))] = r.probabilities.get("none", 0.0)
            tick(f"{q.a} / {q.b}")
    return LLMAnswers(cands, none, calls, model, scored)


def edges_from_answers(
    answers: LLMAnswers, nodes: Sequence[str], *, top_k: int | None, threshold: float | None
) -> tuple[list[ProposedEdge], list[dict[str, Any]], str]:
    """The LLM's edges by the rule (``threshold`` if given, else ``top_k``; ``None`` means
    the number of variables), after cycle repair; also the repairs and the rule in words."""
    if threshold is not None:
        picked = [e for e in answers.candidates if e.confidence >= threshold
                  and e.confidence > answers.none[frozenset((e.source, e.target))]]
        rule = (f"threshold: a direction enters when its probability is >= {threshold:g} "
                "and beats 'no direct link'")
    else:
        k = len(nodes) if top_k is None else top_k
        picked = most_confident_edges(answers.candidates, k)
        why = "the number of variables" if top_k is None else "as asked"
        rule = (f"top-k: the {k} most probable directions among the asked pairs, one per pair "
                f"(k = {why})")
    _, kept, repairs = repair_cycles(list(nodes), sorted(picked, key=lambda e: -e.confidence))
    return kept, repairs, rule


def expected_calls(n_pairs: int, variants: int) -> int:
    """Scored prompts for ``n_pairs`` yes/no questions: 2 directions × ``variants``.

    Examples
    --------
    >>> expected_calls(28, 2)
    112
    """
    return n_pairs * 2 * (2 * math.ceil(variants / 2))
