"""Whole-graph proposals: all pairs, breadth-first from root causes, or parents of each node.

* ``"pairs"`` — :func:`rung.copilot.pairwise` on every unordered pair
  (n(n-1)/2 queries, scored statements; the most reliable, the most expensive);
* ``"bfs"`` — Jiralerspong, Chen, More, Shah & Bengio (2024), "Efficient Causal Graph
  Discovery Using Large Language Models": ask for the root causes, then expand nodes
  breadth-first asking each for its direct effects (a linear number of generation queries);
* ``"parents"`` — ask every node for its direct causes (n generation queries).

Generation strategies list the variables in both orders (forward and reverse); an edge's
confidence is the share of variants that name it. Cycles are repaired by dropping the least
confident edge (:func:`~rung.copilot.repair.repair_cycles`) and the repairs are reported.

Undecided is an answer: a pair whose pairwise answer is undecided (its top two options within
:data:`~rung.copilot.aggregate.DECISION_MARGIN`, or its variants disagreeing), or an edge named
by about half the variants, never enters the graph under a threshold; it is listed in
``GraphProposal.undecided``. An empty graph says why (``GraphProposal.empty_reason``).
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypedDict

from rich.console import Console
from rich.progress import Progress

from rung.copilot.aggregate import DECISION_MARGIN, position_bias
from rung.copilot.beliefs import calibrated_pair, resolve_edge_calibration
from rung.copilot.listing import match_names
from rung.copilot.pairwise import ask_pairwise
from rung.copilot.repair import repair_cycles
from rung.copilot.results import GraphProposal, ProposedEdge
from rung.copilot.scoring import CallCounter, ScoredPrompt
from rung.copilot.variants import Variant, expand_variants, render_preamble
from rung.graph.names import check_distinct_names
from rung.lm.base import Message

if TYPE_CHECKING:
    from rung.copilot.session import Copilot

__all__ = [
    "DEFAULT_GRAPH_VARIANTS",
    "STRATEGIES",
    "GraphOptions",
    "Strategy",
    "ask_graph",
    "most_confident_edges",
]

DEFAULT_GRAPH_VARIANTS = 2
Strategy = Literal["pairs", "bfs", "parents"]
STRATEGIES: tuple[Strategy, ...] = ("pairs", "bfs", "parents")


class GraphOptions(TypedDict, total=False):
    """The keywords of a graph proposal, documented at :func:`rung.copilot.propose_graph`
    (defaults at :func:`ask_graph`); :meth:`rung.copilot.Copilot.graph` forwards them."""

    strategy: Strategy | str
    threshold: float
    top_k: int | None
    pairs: Sequence[tuple[str, str]] | None
    content_free: bool
    progress: bool


@dataclass
class _Job:
    """Shared state of one proposal run."""

    cp: Copilot
    variables: list[str]
    counter: CallCounter
    k: int
    tick: Callable[[], None]
    content_free: bool = False
    pairs: list[tuple[str, str]] | None = None

    def variants(self, task: str) -> list[Variant]:
        book = self.cp.book
        return expand_variants(
            book.select("graph", task=task),
            book.personas,
            self.k,
            described=bool(self.cp.descriptions),
        )

    def ask_list(self, task: str, node: str = "") -> tuple[dict[str, int], int]:
        """Votes per variable named by the variants of one generation query."""
        votes: dict[str, int] = {}
        vs = self.variants(task)
        others = [v for v in self.variables if v != node]
        for v in vs:
            preamble = render_preamble(
                self.cp.book.snippets("graph"),
                context=self.cp.context,
                descriptions=self.cp.descriptions if v.described else None,
                names=self.variables,
            )
            listing = "\n".join(f"- {name}" for name in v.arrange(others))
            prompt = v.template.text.format(preamble=preamble, listing=listing, node=node)
            messages = [Message("system", v.persona.system), Message("user", prompt)]
            text = self.counter.generate(messages, max_tokens=12 * len(others) + 16, stop=("\n\n",))
            for name in match_names(text, others):
                votes[name] = votes.get(name, 0) + 1
        self.tick()
        return votes, len(vs)


@dataclass
class _Found:
    """What a strategy found: kept edges, every candidate, undecided pairs, prompts."""

    edges: list[ProposedEdge]
    candidates: list[ProposedEdge]
    undecided: list[ProposedEdge]
    scored: list[ScoredPrompt]


def _pairs(job: _Job, threshold: float) -> _Found:
    found = _Found([], [], [], [])
    calibration = resolve_edge_calibration(job.cp, job.counter.model_id)
    if calibration and not calibration.fits(job.counter.model_id, job.k, job.content_free):
        calibration = None  # fitted under other settings: leave `calibrated` empty
    pairs = itertools.combinations(job.variables, 2) if job.pairs is None else job.pairs
    for a, b in pairs:
        r = ask_pairwise(job.cp, a, b, content_free=job.content_free, k=job.k)
        job.counter.calls += r.calls
        found.scored += [s for v in r.variants for s in v.scored]
        cal = calibrated_pair(r, calibration)
        both = [
            ProposedEdge(src, dst, r.probabilities[lab], r.votes[lab], len(r.variants),
                         r.decided, p_cal)
            for lab, (src, dst), p_cal in (("A->B", (a, b), cal[0]), ("B->A", (b, a), cal[1]))
        ]
        found.candidates += both
        if not r.decided:
            found.undecided.append(max(both, key=lambda e: e.confidence))
        found.edges += [
            e for e in both
            if e.decided and e.confidence >= threshold and e.confidence > r.probabilities["none"]
        ]
        job.tick()
    return found


def _from_votes(votes: dict[tuple[str, str], tuple[int, int]], threshold: float) -> _Found:
    """Edges from vote shares; a share within the margin of one half (the variants split
    evenly between naming the edge and not) is undecided."""
    cands = [
        ProposedEdge(s, t, n / asked, n, asked, abs(2 * n / asked - 1) >= DECISION_MARGIN)
        for (s, t), (n, asked) in votes.items()
    ]
    kept = [e for e in cands if e.decided and e.confidence >= threshold]
    return _Found(kept, cands, [e for e in cands if not e.decided], [])


def _bfs(job: _Job, threshold: float) -> dict[tuple[str, str], tuple[int, int]]:
    root_votes, asked = job.ask_list("roots")
    roots = [v for v in job.variables if root_votes.get(v, 0) / asked >= threshold]
    queue, seen = deque(roots), set(roots)
    votes: dict[tuple[str, str], tuple[int, int]] = {}
    while queue or len(seen) < len(job.variables):
        if not queue:  # never named as anyone's effect: a root as well
            nxt = next(v for v in job.variables if v not in seen)
            queue.append(nxt)
            seen.add(nxt)
        node = queue.popleft()
        child_votes, asked = job.ask_list("children", node)
        for child, n in child_votes.items():
            votes[(node, child)] = (n, asked)
            if n / asked >= threshold and child not in seen:
                seen.add(child)
                queue.append(child)
    return votes


def _parents(job: _Job) -> dict[tuple[str, str], tuple[int, int]]:
    votes: dict[tuple[str, str], tuple[int, int]] = {}
    for node in job.variables:
        parent_votes, asked = job.ask_list("parents", node)
        for parent, n in parent_votes.items():
            votes[(parent, node)] = (n, asked)
    return votes


@contextmanager
def _progress(enabled: bool, total: int, label: str) -> Iterator[Callable[[], None]]:
    if not enabled:
        yield lambda: None
        return
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda: bar.advance(task)


def ask_graph(
    cp: Copilot,
    variables: Sequence[str],
    *,
    strategy: Strategy | str = "pairs",
    threshold: float = 0.5,
    top_k: int | None = None,
    pairs: Sequence[tuple[str, str]] | None = None,
    content_free: bool = False,
    progress: bool = False,
) -> GraphProposal:
    """The graph proposal of session ``cp``; documented at :func:`rung.copilot.propose_graph`.

    An edge enters under ``threshold`` only when its pair's answer is decided; undecided
    pairs are listed in ``GraphProposal.undecided``.
    """
    names = _check_variables(variables, strategy, threshold)
    asked = None if pairs is None else _check_pairs(pairs, names, strategy)
    if top_k is not None and (isinstance(top_k, bool) or top_k < 0):
        raise ValueError(f"top_k={top_k}: give a non-negative number of edges")
    counter = cp.counter()
    n = len(names)
    n_pairs = n * (n - 1) // 2 if asked is None else len(asked)
    total = {"pairs": n_pairs, "bfs": n + 1, "parents": n}[strategy]
    with _progress(progress, total, f"proposing graph ({strategy})") as tick:
        job = _Job(cp, names, counter, cp.k(DEFAULT_GRAPH_VARIANTS), tick, content_free, asked)
        if strategy == "pairs":
            found = _pairs(job, threshold)
        else:
            votes = _bfs(job, threshold) if strategy == "bfs" else _parents(job)
            found = _from_votes(votes, threshold)
    edges = found.edges if top_k is None else most_confident_edges(found.candidates, top_k)
    graph, kept, repairs = repair_cycles(names, sorted(edges, key=lambda e: -e.confidence))
    bias = position_bias(found.scored) if found.scored else None
    return GraphProposal(
        graph, kept, repairs, counter.calls, strategy, counter.model_id, found.candidates, bias,
        threshold=None if top_k is not None else threshold, top_k=top_k,
        undecided=found.undecided,
    )


def most_confident_edges(candidates: Sequence[ProposedEdge], k: int) -> list[ProposedEdge]:
    """The ``k`` most confident candidates, at most one direction per pair.

    Examples
    --------
    >>> c = [ProposedEdge("a", "b", 0.4, 1, 2), ProposedEdge("b", "a", 0.3, 1, 2),
    ...      ProposedEdge("b", "c", 0.2, 0, 2)]
    >>> [(e.source, e.target) for e in most_confident_edges(c, 2)]
    [('a', 'b'), ('b', 'c')]
    """
    if k < 0:
        raise ValueError(f"top_k={k}: give a non-negative number of edges")
    best: dict[frozenset[str], ProposedEdge] = {}
    for e in candidates:
        key = frozenset((e.source, e.target))
        if key not in best or e.confidence > best[key].confidence:
            best[key] = e
    return sorted(best.values(), key=lambda e: (-e.confidence, e.source, e.target))[:k]


def _check_variables(variables: Sequence[str], strategy: str, threshold: float) -> list[str]:
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy={strategy!r}: use one of {', '.join(STRATEGIES)}")
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold={threshold}: use a confidence in (0, 1]")
    return check_distinct_names(variables, "variable names")


def _check_pairs(
    pairs: Sequence[tuple[str, str]], names: list[str], strategy: str
) -> list[tuple[str, str]]:
    if strategy != "pairs":
        raise ValueError(f"pairs= works with strategy='pairs' only, not {strategy!r}")
    known, seen = set(names), set()
    out: list[tuple[str, str]] = []
    for pair in pairs:
        a, b = (str(v).strip() for v in pair)
        unknown = sorted({a, b} - known)
        if unknown:
            raise ValueError(f"pair {pair!r}: {unknown} not among the variables {names}")
        if a == b:
            raise ValueError(f"pair {pair!r} is a self-pair; give two different variables")
        if frozenset((a, b)) in seen:
            raise ValueError(f"pair {pair!r} is asked twice (in either order); give it once")
        seen.add(frozenset((a, b)))
        out.append((a, b))
    return out
