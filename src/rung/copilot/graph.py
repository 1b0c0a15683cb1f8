"""Whole-graph proposals: all pairs, breadth-first from root causes, or parents of each node.

* ``"pairs"`` — :func:`~rung.copilot.pairwise.pairwise` on every unordered pair
  (n(n-1)/2 queries, scored statements; the most reliable, the most expensive);
* ``"bfs"`` — Jiralerspong, Chen, More, Shah & Bengio (2024), "Efficient Causal Graph
  Discovery Using Large Language Models": ask for the root causes, then expand nodes
  breadth-first asking each for its direct effects (a linear number of generation queries);
* ``"parents"`` — ask every node for its direct causes (n generation queries).

Generation strategies list the variables in both orders (forward and reverse); an edge's
confidence is the share of variants that name it. Cycles are repaired by dropping the least
confident edge (:func:`~rung.copilot.repair.repair_cycles`) and the repairs are reported.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from rich.console import Console
from rich.progress import Progress

from rung.copilot.aggregate import position_bias
from rung.copilot.listing import match_names
from rung.copilot.pairwise import pairwise
from rung.copilot.repair import repair_cycles
from rung.copilot.results import GraphProposal, ProposedEdge
from rung.copilot.scoring import CallCounter, ScoredPrompt, counted
from rung.copilot.templates import TemplateBook, load_templates
from rung.copilot.variants import Variant, expand_variants, render_preamble
from rung.lm.base import Backend, Message

__all__ = ["DEFAULT_GRAPH_VARIANTS", "STRATEGIES", "most_confident_edges", "propose_graph"]

DEFAULT_GRAPH_VARIANTS = 2
STRATEGIES = ("pairs", "bfs", "parents")


@dataclass
class _Job:
    """Shared state of one proposal run."""

    variables: list[str]
    counter: CallCounter
    book: TemplateBook
    k: int
    descriptions: Mapping[str, str] | None
    context: str | None
    tick: Callable[[], None]
    content_free: bool = False
    pairs: list[tuple[str, str]] | None = None

    def variants(self, task: str) -> list[Variant]:
        return expand_variants(
            self.book.select("graph", task=task),
            self.book.personas,
            self.k,
            described=bool(self.descriptions),
        )

    def ask_list(self, task: str, node: str = "") -> tuple[dict[str, int], int]:
        """Votes per variable named by the variants of one generation query."""
        votes: dict[str, int] = {}
        vs = self.variants(task)
        others = [v for v in self.variables if v != node]
        for v in vs:
            preamble = render_preamble(
                self.book.snippets("graph"),
                context=self.context,
                descriptions=self.descriptions if v.described else None,
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


def _pairs(
    job: _Job, threshold: float
) -> tuple[list[ProposedEdge], list[ProposedEdge], list[ScoredPrompt]]:
    edges: list[ProposedEdge] = []
    candidates: list[ProposedEdge] = []
    scored: list[ScoredPrompt] = []
    pairs = itertools.combinations(job.variables, 2) if job.pairs is None else job.pairs
    for a, b in pairs:
        r = pairwise(
            a,
            b,
            backend=job.counter,
            descriptions=job.descriptions,
            context=job.context,
            variants=job.k,
            templates=job.book,
            content_free=job.content_free,
        )
        job.counter.calls += r.calls
        scored += [s for v in r.variants for s in v.scored]
        for lab, (src, dst) in (("A->B", (a, b)), ("B->A", (b, a))):
            e = ProposedEdge(src, dst, r.probabilities[lab], r.votes[lab], len(r.variants))
            candidates.append(e)
            if e.confidence >= threshold and e.confidence > r.probabilities["none"]:
                edges.append(e)
        job.tick()
    return edges, candidates, scored


def _edges_from_votes(
    votes: dict[tuple[str, str], tuple[int, int]], threshold: float
) -> tuple[list[ProposedEdge], list[ProposedEdge]]:
    cands = [ProposedEdge(s, t, n / asked, n, asked) for (s, t), (n, asked) in votes.items()]
    return [e for e in cands if e.confidence >= threshold], cands


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


def propose_graph(
    variables: Sequence[str],
    descriptions: Mapping[str, str] | None = None,
    *,
    strategy: str = "pairs",
    backend: Backend | None = None,
    variants: int | None = None,
    threshold: float = 0.5,
    context: str | None = None,
    templates: TemplateBook | None = None,
    progress: bool = True,
    content_free: bool = False,
    top_k: int | None = None,
    pairs: Sequence[tuple[str, str]] | None = None,
) -> GraphProposal:
    """Propose a whole causal graph over ``variables`` with a confidence on every edge.

    Parameters
    ----------
    variables : sequence of str
        Variable names (at least two, distinct).
    descriptions : mapping, optional
        Variable descriptions (variants are asked with and without them).
    strategy : {"pairs", "bfs", "parents"}
        Query plan (see the module docstring); "bfs" and "parents" cost O(n) queries.
    backend : Backend, optional
        Language model; default ``rung.lm.get_backend()``.
    variants : int, optional
        Variants per query (even; both orders always); default 2.
    threshold : float
        Minimum confidence for an edge to enter the graph.
    progress : bool
        Show a progress bar on stderr.
    content_free : bool
        Contextual calibration of the yes/no answers ("pairs" only; see
        :func:`~rung.copilot.pairwise.pairwise`).
    top_k : int, optional
        Instead of ``threshold``, keep the ``top_k`` most confident edges (one direction
        per pair). For models that rank pairs better than they judge them absolutely
        (measured on Sachs: the 1.5B default said "No" to every pair, yet ranked them).
    pairs : sequence of (str, str), optional
        Ask only these unordered pairs, in this order ("pairs" only; default every pair).
        Each name must be a variable; no self-pairs, no pair twice (in either order).

    Returns
    -------
    GraphProposal
        ``.graph`` (a :class:`~rung.graph.CausalGraph`), ``.edges`` with confidences,
        ``.repairs``, ``.calls``; ``.candidates`` holds every scored edge, kept or not.
    """
    names = _check_variables(variables, strategy, threshold)
    asked = None if pairs is None else _check_pairs(pairs, names, strategy)
    counter = counted(backend)
    n = len(names)
    n_pairs = n * (n - 1) // 2 if asked is None else len(asked)
    total = {"pairs": n_pairs, "bfs": n + 1, "parents": n}[strategy]
    with _progress(progress, total, f"proposing graph ({strategy})") as tick:
        job = _Job(
            names,
            counter,
            templates or load_templates(),
            DEFAULT_GRAPH_VARIANTS if variants is None else variants,
            descriptions,
            context,
            tick,
            content_free,
            asked,
        )
        bias = None
        if strategy == "pairs":
            edges, candidates, scored = _pairs(job, threshold)
            bias = position_bias(scored) if scored else None
        else:
            votes = _bfs(job, threshold) if strategy == "bfs" else _parents(job)
            edges, candidates = _edges_from_votes(votes, threshold)
    if top_k is not None:
        edges = most_confident_edges(candidates, top_k)
    graph, kept, repairs = repair_cycles(names, sorted(edges, key=lambda e: -e.confidence))
    return GraphProposal(
        graph, kept, repairs, counter.calls, strategy, counter.model_id, candidates, bias
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
    names = [str(v).strip() for v in variables]
    if len(names) < 2 or any(not v for v in names):
        raise ValueError(f"need at least two non-empty variable names, got {list(variables)!r}")
    dupes = sorted({v for v in names if names.count(v) > 1})
    if dupes:
        raise ValueError(f"duplicate variable names {dupes}; give each variable once")
    return names


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
