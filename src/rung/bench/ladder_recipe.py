"""Answering ladder items: directly (the co-pilot's yes/no ensemble), step by step
(CausalCoT's style, :mod:`rung.bench.ladder_cot`) or by the program-aided recipe, where the
LLM only formalises the story and rung derives the answer. :func:`ladder_record` gives the
bench ledger's record of one answer in any of the three modes.

The recipe (Ness's "causal reasoning recipes"; CLadder's CausalCoT steps made formal), its
LLM steps in :mod:`rung.bench.ladder_extract`:

1. graph: the story's qualitative sentences one at a time; per pair of variables a sentence
   names, ``select`` among "A causes B", "B causes A", "an unobserved factor causes both",
   "neither";
2. query type: ``select`` among the eight kinds after the question, by domain-conditional
   PMI (against the same ``select`` without the question);
3. numbers: per stated probability, ``gen`` constrained by a regex for a probability;
4. rung identifies the query on the extracted graph and evaluates it on the joint built from
   the extracted numbers (:mod:`rung.bench.ladder_formal`); the yes/no answer follows. A
   graph with a cycle, an effect with no estimand, an ETT with no back-door set, or a
   natural effect or probability of necessity on a graph with a latent gives ``"abstain"``
   (scored as wrong): rung never guesses.

Each extraction step is scored on its own against the item's formal model. The treatment,
outcome and candidate set are read from the item (they are named in the question); the
numbers are asked for the item's stated probabilities (the labels a data table would show).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rung.bench.items import LadderMode, parse_ladder_mode
from rung.bench.ladder import Factor, LadderItem, joint_of_factors, stated_labels
from rung.bench.ladder_extract import NUMBER, QUERY_TEXT, extract_graph, number_of, query_type
from rung.bench.ladder_formal import formal_value
from rung.bench.metrics import Estimate, wilson_proportion
from rung.graph import CausalGraph
from rung.identify import JointDistribution
from rung.lm.base import Backend

__all__ = ["NUMBER", "QUERY_TEXT", "Mode", "RecipeResult", "ScoreRow", "answer_direct",
           "answer_recipe", "formal_answer", "formal_value", "ladder_record", "number_of",
           "query_type", "run_ladder", "score_ladder", "scores_markdown"]

Mode = LadderMode


@dataclass(frozen=True)
class RecipeResult:
    """What the recipe extracted, what rung derived, and each step's correctness."""

    answer: str  # "Yes", "No" or "abstain"
    edges: tuple[tuple[str, str], ...]
    confounded: tuple[tuple[str, str], ...]
    query: str
    numbers: tuple[float, ...]
    edges_correct: bool
    query_correct: bool
    numbers_correct: bool

    def to_json(self) -> dict[str, Any]:
        return {"answer": self.answer, "edges": [list(e) for e in self.edges],
                "confounded": [list(p) for p in self.confounded], "query": self.query,
                "numbers": list(self.numbers), "edges_correct": self.edges_correct,
                "query_correct": self.query_correct, "numbers_correct": self.numbers_correct}

    @classmethod
    def from_json(cls, r: Mapping[str, Any]) -> RecipeResult:
        return cls(
            answer=str(r["answer"]), edges=tuple((str(a), str(b)) for a, b in r["edges"]),
            confounded=tuple((str(a), str(b)) for a, b in r["confounded"]),
            query=str(r["query"]), numbers=tuple(float(x) for x in r["numbers"]),
            edges_correct=bool(r["edges_correct"]), query_correct=bool(r["query_correct"]),
            numbers_correct=bool(r["numbers_correct"]))


def _true_confounded(item: LadderItem) -> set[frozenset[str]]:
    out = set()
    for u in item.latent:
        kids = [b for a, b in item.edges if a == u]
        out |= {frozenset(p) for p in itertools.combinations(kids, 2)}
    return out


def answer_recipe(item: LadderItem, backend: Backend) -> RecipeResult:
    """Extract the formal model with the LLM; derive the answer with rung."""
    query = query_type(backend, item.question)  # first: the story's steps share a prefix
    ids = {item.name(v): v for v in item.observed}
    named_edges, named_conf = extract_graph(backend, item.story, list(ids))
    edges = [(ids[a], ids[b]) for a, b in named_edges]
    conf = [(ids[a], ids[b]) for a, b in named_conf]
    numbers = tuple(number_of(backend, item.story, label) for label in stated_labels(item))
    stated = [p for f in item.given for p in f.p_one]
    true_edges = {(a, b) for a, b in item.edges if not a.startswith("U")}
    return RecipeResult(
        answer=formal_answer(item, edges, conf, query, numbers),
        edges=tuple(edges), confounded=tuple(conf), query=query, numbers=numbers,
        edges_correct=set(edges) == true_edges and
        {frozenset(p) for p in conf} == _true_confounded(item),
        query_correct=query == item.query,
        numbers_correct=all(abs(x - y) < 0.005 for x, y in zip(numbers, stated, strict=True)),
    )


def formal_answer(item: LadderItem, edges: Sequence[tuple[str, str]],
                  confounded: Sequence[tuple[str, str]], query: str,
                  numbers: Sequence[float]) -> str:
    """The answer rung derives from a formal model: ``"Yes"``, ``"No"`` or ``"abstain"``.

    Examples
    --------
    >>> from rung.bench.ladder import generate
    >>> it = generate(1, seed=0)[0]
    >>> nums = [p for f in it.given for p in f.p_one]
    >>> conf = [(a, b) for u in it.latent for a, b in itertools.combinations(
    ...     [c for p, c in it.edges if p == u], 2)]
    >>> true = [e for e in it.edges if not e[0].startswith("U")]
    >>> formal_answer(it, true, conf, it.query, nums) == it.answer
    True
    """
    latent = [(f"U{i}", a) for i, (a, b) in enumerate(confounded)]
    latent += [(f"U{i}", b) for i, (a, b) in enumerate(confounded)]
    try:
        g = CausalGraph(directed=[*edges, *latent], nodes=item.observed,
                        latent=[f"U{i}" for i in range(len(confounded))])
    except ValueError:
        return "abstain"  # a cycle: no causal model to compute with
    it = iter(numbers)
    factors = [Factor(f.node, f.parents, tuple(next(it) for _ in f.p_one)) for f in item.given]
    table = joint_of_factors(factors, item.observed)
    if table.sum() <= 0:
        return "abstain"
    j = JointDistribution.from_table(item.observed, table / table.sum())
    value = formal_value(g, j, query, item.treatment, item.outcome, item.adjustment)
    if value is None or value != value:  # no estimand, or conditioning on probability zero
        return "abstain"
    return "Yes" if value > 1e-12 else "No"


def answer_direct(item: LadderItem, backend: Backend, variants: int | None = None) -> str:
    """The co-pilot's yes/no answer: the statements ensemble, both orders."""
    from rung.copilot import Copilot

    return str(Copilot(backend, variants).judgment(item.story, item.question).answer)


@dataclass(frozen=True)
class ScoreRow:
    """Accuracy of one mode on one group of items, with the majority baseline."""

    mode: str
    group: str  # "all", "rung 1".., a name type, or "step: edges|query|numbers"
    accuracy: Estimate
    baseline: Estimate

    def to_json(self) -> dict[str, Any]:
        return {"mode": self.mode, "group": self.group, "accuracy": self.accuracy.to_json(),
                "baseline": self.baseline.to_json()}


def _row(mode: str, group: str, correct: Sequence[bool], truths: Sequence[str]) -> ScoreRow:
    major = max(set(truths), key=list(truths).count)
    return ScoreRow(mode, group, wilson_proportion([int(c) for c in correct]),
                    wilson_proportion([int(t == major) for t in truths]))


def run_ladder(items: Sequence[LadderItem], backend: Backend, mode: Mode,
               variants: int | None = None) -> tuple[ScoreRow, ...]:
    """Scores of ``mode`` overall, per rung, per name type (and per recipe step)."""
    parse_ladder_mode(mode)
    records = [ladder_record(item, backend, mode, variants) for item in items]
    steps = [RecipeResult.from_json(r["recipe"]) for r in records if "recipe" in r]
    return score_ladder(items, [str(r["answer"]) for r in records], mode, steps)


def ladder_record(item: LadderItem, backend: Backend, mode: str,
                  variants: int | None = None) -> dict[str, Any]:
    """The ledger record of one answer in ``mode``: ``answer``, ``probabilities`` (empty for
    the recipe, whose answer is derived, not a model's belief), ``calls``, and the mode's own
    fields (``recipe``: the extraction and its per-step scores; ``reasoning``: the chain of
    thought). The item's rung, query, family and name type ride along for reading."""
    from rung.bench.ladder_cot import answer_cot
    from rung.bench.tasks import outcome_record
    from rung.copilot.scoring import CallCounter

    counter = CallCounter(backend)
    rec: dict[str, Any]
    if parse_ladder_mode(mode) == "direct":
        from rung.copilot import Copilot

        rec = outcome_record(Copilot(counter, variants).judgment(item.story, item.question))
    elif mode == "cot":
        cot = answer_cot(item, counter)
        rec = {"answer": cot.answer, "probabilities": cot.probabilities,
               "reasoning": cot.reasoning}
    else:
        res = answer_recipe(item, counter)
        rec = {"answer": res.answer, "probabilities": {}, "recipe": res.to_json()}
    rec["calls"] = max(int(rec.get("calls") or 0), counter.calls)
    rec.update(mode=mode, rung=item.rung, query=item.query, family=item.family,
               name_type=item.name_type)
    return rec


def score_ladder(items: Sequence[LadderItem], answers: Sequence[str], mode: str,
                 steps: Sequence[RecipeResult] = ()) -> tuple[ScoreRow, ...]:
    """Accuracy with Wilson 95% intervals overall, per rung and per name type, beside the
    majority baseline of each group; with recipe ``steps``, each extraction step's accuracy.

    Examples
    --------
    >>> from rung.bench.ladder import generate
    >>> items = generate(6, seed=0)
    >>> rows = score_ladder(items, [i.answer for i in items], "oracle")
    >>> rows[0].group, rows[0].accuracy.value
    ('all', 1.0)
    """
    if len(answers) != len(items):
        raise ValueError(f"{len(answers)} answers for {len(items)} items; give one per item")
    correct = [a == item.answer for a, item in zip(answers, items, strict=True)]
    groups: dict[str, list[int]] = {"all": list(range(len(items)))}
    for i, item in enumerate(items):
        groups.setdefault(f"rung {item.rung}", []).append(i)
        groups.setdefault(item.name_type, []).append(i)
    rows = [_row(mode, g, [correct[i] for i in ix], [items[i].answer for i in ix])
            for g, ix in sorted(groups.items(), key=lambda kv: (kv[0] != "all", kv[0]))]
    truths = [it.answer for it in items]
    if steps and len(steps) != len(items):
        raise ValueError(f"{len(steps)} recipe steps for {len(items)} items; give one per item")
    for step in ("edges", "query", "numbers"):
        if steps:
            rows.append(_row(mode, f"step: {step}",
                             [getattr(r, f"{step}_correct") for r in steps], truths))
    if steps:  # the same steps, per extracted part: each pair, each number
        hits = [h for it, r in zip(items, steps, strict=True) for h in _pair_hits(it, r)]
        nums = [abs(x - y) < 0.005 for it, r in zip(items, steps, strict=True)
                for x, y in zip(r.numbers, [p for f in it.given for p in f.p_one], strict=True)]
        for group, part in (("each pair (edge and confounding)", [e and c for e, c in hits]),
                            ("each pair (edge)", [e for e, _ in hits]),
                            ("each pair (confounding)", [c for _, c in hits]),
                            ("each number", nums)):
            rows.append(_row(mode, f"step: {group}", part, ["-"] * len(part)))
    return tuple(rows)


def _pair_hits(item: LadderItem, res: RecipeResult) -> list[tuple[bool, bool]]:
    """Per pair of observed variables: whether the extracted directed edge (or its
    absence) matches the truth, and whether the extracted shared unobserved cause (or its
    absence) does."""
    true_edges = {(a, b) for a, b in item.edges if not a.startswith("U")}
    true_conf = _true_confounded(item)
    got_edges, got_conf = set(res.edges), {frozenset(p) for p in res.confounded}
    return [(all(((a, b) in true_edges) == ((a, b) in got_edges) for a, b in ((x, y), (y, x))),
             (frozenset((x, y)) in true_conf) == (frozenset((x, y)) in got_conf))
            for x, y in itertools.combinations(item.observed, 2)]


def scores_markdown(rows: Sequence[ScoreRow]) -> str:
    """A Markdown table of score rows (the majority baseline is n/a for steps)."""
    out = ["| mode | group | n | accuracy [95% CI] | majority baseline |", "|---|---|---|---|---|"]
    for r in rows:
        base = "n/a" if r.group.startswith("step") else str(r.baseline)
        out.append(f"| {r.mode} | {r.group} | {r.accuracy.n} | {r.accuracy} | {base} |")
    return "\n".join(out)
