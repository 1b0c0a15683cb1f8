"""The fusion benchmark with the embedded LLM as the expert (issue 13).

The simulated expert of :mod:`rung.bench.fusion` is replaced by rung's co-pilot pairwise
ensemble (:func:`rung.workflow.questions.ask_pairs`, the workflow's own call: ``variants=2``
prompt variants, each in both option orders; like the workflow's questions, no content-free
correction). The answers then run through the *same* steps as the simulated expert's
(:func:`rung.bench.fusion.expert_record`): the expert's graph, and the fused
:func:`rung.discover.prior_search` with calibrated beliefs, then IDA over the MPDAG.

Which pairs are asked:

- asia (28 pairs) and sachs (55): every pair;
- the larger networks: the pairs the workflow itself would ask in that cell
  (:func:`rung.workflow.questions.select_pairs` over the cell's data-alone result, with the
  workflow's extra budget of half the number of variables). The LLM is asked the union over
  the run's cells once; each cell's expert sees only its own cell's pairs (others: no belief
  in fusion, "none" in the expert's graph).

The network's variables carry no descriptions in rung, so the prompts name them only. Each
answer is the ensemble's most probable of ``A->B``, ``B->A`` and ``none``. Answers do not
depend on the data: they are kept in ``answers.jsonl`` (with the model calls and CPU
seconds), so every n and seed reuses them, and a stopped run resumes.

Calibration is held out: for network X, the likelihood of an answer given the truth,
``P(right direction | edge)``, ``P(reversed | edge)`` and ``P(an edge | no edge)`` (counts
with one pseudo-count per cell), and the edges per node come from the LLM's answers on the
*other* networks of the run, never on X. With the prior ``P(a->b) = P(b->a) = ρ/2`` (ρ from
those edges per node) Bayes' rule gives the belief; it is
:func:`rung.bench.fusion.calibrated_beliefs` when the errors are symmetric, and unlike a
single accuracy it learns that this model's "none" says little. The prior weight is the
Bayes weight 1 (the workflow's ``FUSION_WEIGHT``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from rung.bench.fusion import (
    FUSION_NETWORKS,
    ORIENTATION_THRESHOLD,
    Answer,
    FusionCell,
    data_alone,
    data_record,
    expert_record,
    network_edges,
    pair_truth,
    sample_network,
)
from rung.bench.ledger import Ledger
from rung.copilot.answer_likelihood import (
    AnswerLikelihood,
    edge_density,
    likelihood_beliefs,
    most_probable_answer,
)
from rung.lm import Backend

__all__ = ["ALL_PAIRS_NETWORKS", "EMBEDDED_VARIANTS", "LLMPairAnswer", "ask_network",
           "bench_fusion_llm", "cell_pairs", "fit_likelihood", "format_llm_report",
           "likelihood_from_ledger", "plan_llm_cells", "question_plan", "run_llm_benchmark",
           "run_llm_cell"]

ALL_PAIRS_NETWORKS = ("asia", "sachs")
EMBEDDED_VARIANTS = 2
"""The workflow's default number of prompt variants per question (each in both orders)."""


@dataclass(frozen=True)
class LLMPairAnswer:
    """The ensemble's distribution for one pair ``a < b`` of a network, and its cost."""

    network: str
    a: str
    b: str
    p_ab: float
    p_ba: float
    p_none: float
    calls: int = 0
    cpu_seconds: float = 0.0
    model: str = ""

    @property
    def key(self) -> str:
        return f"answer/{self.network}/{self.a}/{self.b}"

    @property
    def answer(self) -> Answer:
        """The most probable of the three (ties: ``none``, then ``A->B``).

        Examples
        --------
        >>> LLMPairAnswer("asia", "lung", "smoke", 0.34, 0.22, 0.44).answer
        'none'
        """
        return most_probable_answer(self.p_ab, self.p_ba, self.p_none)

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "network": self.network, "a": self.a, "b": self.b,
                "p_ab": self.p_ab, "p_ba": self.p_ba, "p_none": self.p_none,
                "calls": self.calls, "cpu_seconds": self.cpu_seconds, "model": self.model}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> LLMPairAnswer:
        return cls(str(obj["network"]), str(obj["a"]), str(obj["b"]), float(obj["p_ab"]),
                   float(obj["p_ba"]), float(obj["p_none"]), int(obj.get("calls", 0)),
                   float(obj.get("cpu_seconds", 0.0)), str(obj.get("model", "")))


def cell_pairs(network: str, n: int, seed: int) -> list[tuple[str, str]]:
    """The pairs (each sorted) the expert of one cell is asked about (see the module)."""
    from rung.workflow.fused import search_as_discovery
    from rung.workflow.questions import default_extra_pairs, select_pairs

    nodes, _ = network_edges(network)
    if network in ALL_PAIRS_NETWORKS:
        return list(combinations(nodes, 2))
    found = search_as_discovery(data_alone(network, n, seed), sample_network(network, n, seed))
    qs = select_pairs(nodes, found, default_extra_pairs(len(nodes)))
    return sorted({(min(q.a, q.b), max(q.a, q.b)) for q in qs})


def question_plan(network: str, cells: Iterable[tuple[int, int]]) -> list[tuple[str, str]]:
    """Every pair asked for ``network`` over the ``(n, seed)`` cells of a run."""
    pairs: set[tuple[str, str]] = set()
    for n, seed in cells:
        pairs |= set(cell_pairs(network, n, seed))
    return sorted(pairs)


def ask_network(network: str, pairs: Sequence[tuple[str, str]], backend: Backend,
                ledger: Ledger, *, variants: int = EMBEDDED_VARIANTS
                ) -> dict[tuple[str, str], LLMPairAnswer]:
    """Ask the ensemble about each pair not yet in ``ledger`` (one record per pair, written
    as it comes: resumable) and return the answers of ``pairs``."""
    from rung.workflow.questions import PairQuestion, ask_pairs

    out = {}
    for a, b in pairs:
        if a >= b:
            raise ValueError(f"pair ({a!r}, {b!r}) is not sorted; give (min, max)")
        rec = ledger.get(f"answer/{network}/{a}/{b}")
        if rec is not None:
            out[(a, b)] = LLMPairAnswer.from_json(rec)
            continue
        start = time.process_time()
        r = ask_pairs([PairQuestion(a, b, "fusion benchmark")], backend=backend,
                      variants=variants, progress=False)
        p = {(c.source, c.target): float(c.confidence) for c in r.candidates}
        out[(a, b)] = LLMPairAnswer(network, a, b, p[(a, b)], p[(b, a)],
                                    float(r.none[frozenset((a, b))]), r.calls,
                                    time.process_time() - start, r.model)
        ledger.append(out[(a, b)].to_json())
    return out


def fit_likelihood(answers: Mapping[str, Mapping[tuple[str, str], Answer]], network: str
                   ) -> AnswerLikelihood:
    """The likelihood of the LLM's answers from every network in ``answers`` except
    ``network`` (the one analysed): one pseudo-count per outcome.

    Examples
    --------
    >>> lik = fit_likelihood({"asia": {("bronc", "dysp"): "A->B", ("asia", "lung"): "none"},
    ...                       "sachs": {}}, "sachs")
    >>> round(lik.right, 2), round(lik.false_edge, 2), lik.networks
    (0.5, 0.33, ('asia',))
    """
    counts = np.zeros((2, 3))  # rows: edge / none; cols: right-dir / reversed / none
    hits = total = 0
    per_node, used = [], []
    for other in sorted(answers):
        if other == network:
            continue
        nodes, edges = network_edges(other)
        used.append(other)
        per_node.append(len(edges) / len(nodes))
        for (a, b), ans in answers[other].items():
            t = pair_truth(a, b, edges)
            hits, total = hits + (ans == t), total + 1
            if t == "none":
                counts[1, 2 if ans == "none" else 0] += 1
            else:
                counts[0, 0 if ans == t else 2 if ans == "none" else 1] += 1
    if not used:
        raise ValueError(f"no held-out network to calibrate {network!r} on; run the LLM on "
                         "at least one other network")
    edge_row = (counts[0] + 1) / (counts[0].sum() + 3)
    false_edge = (counts[1, 0] + 1) / (counts[1, [0, 2]].sum() + 2)
    return AnswerLikelihood(float(edge_row[0]), float(edge_row[1]), float(false_edge),
                            hits / max(total, 1), total, float(np.mean(per_node)), tuple(used))


def likelihood_from_ledger(out: Path, model: str) -> AnswerLikelihood:
    """The likelihood fitted on every network in ``out/answers.jsonl`` (the fit rung ships
    as ``rung/copilot/answer_likelihood_embedded.json``; the workflow applies it to
    networks it was not fitted on), labelled with ``model`` and the prompt variants."""
    rows = [LLMPairAnswer.from_json(r) for r in Ledger(Path(out) / "answers.jsonl",
                                                         writable=False)]
    if not rows:
        raise ValueError(f"{out}/answers.jsonl holds no answers; run the benchmark with "
                         "--expert embedded first")
    said: dict[str, dict[tuple[str, str], Answer]] = {}
    for r in rows:
        said.setdefault(r.network, {})[(r.a, r.b)] = r.answer
    lik = fit_likelihood(said, network="")  # no network held out: fit on all of them
    return replace(lik, model=model, variants=EMBEDDED_VARIANTS)


def run_llm_cell(cell: FusionCell, answers: Mapping[str, Mapping[tuple[str, str],
                 LLMPairAnswer]], weight: float = 1.0,
                 orientation_threshold: float = ORIENTATION_THRESHOLD) -> dict[str, Any]:
    """One cell with the embedded expert; ``answers`` holds every network of the run (the
    others calibrate this one)."""
    start = time.perf_counter()
    if cell.source == "data":
        rec = data_record(cell)
    else:
        nodes, truth = network_edges(cell.network)
        mine = answers[cell.network]
        pairs = cell_pairs(cell.network, cell.n, cell.seed)
        missing = [p for p in pairs if p not in mine]
        if missing:
            raise ValueError(f"cell {cell.key}: pairs {missing[:3]} were never asked; ask "
                             "the network's question plan first (ask_network)")
        said = {p: mine[p].answer for p in pairs}
        lik = fit_likelihood({net: {p: x.answer for p, x in got.items()}
                              for net, got in answers.items()}, cell.network)
        beliefs = likelihood_beliefs(said, lik, edge_density(nodes, lik.edges_per_node)) \
            if cell.source == "fusion" else {}
        rec = expert_record(cell, said, beliefs, weight, orientation_threshold)
        rec |= {"expert": "embedded", "pairs_asked": len(pairs),
                "own_accuracy": float(np.mean([said[p] == pair_truth(*p, truth)
                                               for p in pairs])),
                "calibration": lik.to_json()}
    rec["seconds"] = time.perf_counter() - start
    return rec


def plan_llm_cells(networks: Sequence[str], sizes: Sequence[int], seeds: Iterable[int]
                   ) -> list[FusionCell]:
    """Seed by seed, per (n, seed, network): data, the embedded expert, and fusion.

    Examples
    --------
    >>> [c.key for c in plan_llm_cells(["asia"], [100], [0])]
    ['asia/n100/s0/data/p-', 'asia/n100/s0/expert/embedded', 'asia/n100/s0/fusion/embedded']
    """
    seed_list = list(seeds)
    return [FusionCell(net, n, seed, src, None, "embedded")
            for n in sizes for seed in seed_list for net in networks
            for src in ("data", "expert", "fusion")]


def run_llm_benchmark(out: Path, cells: Sequence[FusionCell], backend: Backend, *,
                      progress: bool = True) -> list[dict[str, Any]]:
    """Ask the LLM each network's question plan (``out/answers.jsonl``), then run every cell
    not yet in ``out/cells.jsonl``; both resumable. Returns the cells' records."""
    answers_ledger = Ledger(Path(out) / "answers.jsonl")
    ledger = Ledger(Path(out) / "cells.jsonl")
    nets = list(dict.fromkeys(c.network for c in cells))
    answers = {}
    for net in nets:
        plan = question_plan(net, sorted({(c.n, c.seed) for c in cells if c.network == net}))
        if progress:
            print(f"LLM: {net}: {len(plan)} pairs", file=sys.stderr, flush=True)
        answers[net] = ask_network(net, plan, backend, answers_ledger)
    for cell in cells:
        if cell.key not in ledger:
            ledger.append(run_llm_cell(cell, answers))
            if progress:
                print(f"cell {cell.key} done", file=sys.stderr, flush=True)
    keys = {c.key for c in cells}
    return [r for r in ledger if r["key"] in keys]


def _paired(records: Sequence[dict[str, Any]], net: str, n: int
            ) -> tuple[int, float, float, float] | None:
    """Seeds, mean and 95% t-interval of fusion SHD minus data SHD (paired by seed)."""
    from scipy import stats

    by = {(r["source"], r["seed"]): r["shd"] for r in records
          if r["network"] == net and r["n"] == n}
    d = np.array([by[("fusion", s)] - by[("data", s)] for src, s in by
                  if src == "data" and ("fusion", s) in by], dtype=float)
    if len(d) == 0:
        return None
    h = 0.0 if len(d) < 2 else float(stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1)
                                     / np.sqrt(len(d)))
    return len(d), float(d.mean()), float(d.mean()) - h, float(d.mean()) + h


_CACHE_HIT_S = 0.5
"""Below this many CPU seconds a pair was served by the response cache (a model evaluation
of 4 prompts takes several seconds)."""


def _answer_lines(out: Path) -> list[str]:
    rows = [LLMPairAnswer.from_json(r) for r in Ledger(Path(out) / "answers.jsonl",
                                                         writable=False)]
    lines = ["", "LLM answers (all pairs asked for the network; accuracy on its own pairs is "
             "shown only, never used for it):",
             "| network | pairs | scored prompts | CPU s / pair evaluated (cache hits) | "
             "accuracy | edge answers |", "|---|---|---|---|---|---|"]
    for net in dict.fromkeys(r.network for r in rows):
        rs = [r for r in rows if r.network == net]
        _, edges = network_edges(net)
        acc = np.mean([r.answer == pair_truth(r.a, r.b, edges) for r in rs])
        ran = [r.cpu_seconds for r in rs if r.cpu_seconds >= _CACHE_HIT_S]
        cpu = f"{np.mean(ran):.1f}" if ran else "-"
        lines.append(f"| {net} | {len(rs)} | {sum(r.calls for r in rs)} | {cpu} "
                     f"({len(rs) - len(ran)}) | {acc:.2f} | "
                     f"{sum(r.answer != 'none' for r in rs)} |")
    return lines


def format_llm_report(out: Path, records: Sequence[dict[str, Any]]) -> str:
    """The table (data / expert / fusion with CIs over seeds), the paired verdict per
    network and n, the LLM's answers, the held-out calibrations, and every miss."""
    from rung.bench.fusion_run import summarize_fusion

    cells = [r for r in records if "source" in r]
    lines = ["| network | n | source | seeds | SHD (95% CI) | skel F1 | dir F1 | "
             "abs effect error | coverage | confident misses |", "|" + "---|" * 10]
    for r in summarize_fusion(cells):
        lines.append(f"| {r.network} | {r.n} | {r.source} | {r.seeds} | {r.shd[0]:.1f} "
                     f"[{r.shd[1]:.1f}, {r.shd[2]:.1f}] | {r.skeleton_f1:.2f} | "
                     f"{r.directed_f1:.2f} | {r.error:.3f} | {r.coverage:.0%} | "
                     f"{r.confident_misses} |")
    lines += ["", "Verdict: fusion SHD minus data-only SHD, paired by seed (95% t-CI); "
              "'no worse' unless the whole interval is above 0:",
              "| network | n | seeds | fusion - data (95% CI) | verdict |", "|---|---|---|---|---|"]
    worse = []
    pairs = sorted(dict.fromkeys((r["network"], r["n"]) for r in cells),
                   key=lambda k: (FUSION_NETWORKS.index(k[0]), k[1]))
    for net, n in pairs:
        p = _paired(cells, net, n)
        if p is not None:
            verdict = "worse" if p[2] > 0 else "better" if p[3] < 0 else "no worse"
            worse += [f"{net} n={n}"] if verdict == "worse" else []
            lines.append(f"| {net} | {n} | {p[0]} | {p[1]:+.1f} [{p[2]:+.1f}, {p[3]:+.1f}] | "
                         f"{verdict} |")
    lines.append(f"- fusion no worse than data-only beyond the CI on every network: "
                 f"{'met' if not worse else 'not met (' + ', '.join(worse) + ')'}")
    lines += _answer_lines(out)
    lines += ["", "Held-out calibration per network (P(right dir | edge), P(reversed | edge), "
              "P(edge | none), accuracy, pairs, networks):"]
    for net, cal in dict.fromkeys((r["network"], str(r["calibration"])) for r in cells
                                  if r["source"] == "fusion"):
        lines.append(f"- {net}: {cal}")
    misses = [r for r in cells if not r["covers"]]
    lines += ["", f"Effect misses ({len(misses)}):"]
    lines += [f"- {r['key']}: range {r['range']}, truth {r['true_effect']:.4f}, status "
              f"{r['status']}" for r in misses]
    return "\n".join(lines)


def bench_fusion_llm(out: Path, *, networks: Sequence[str], sizes: Sequence[int],
                     seeds: Iterable[int], backend: Backend | None = None,
                     report_only: bool = False, progress: bool = True) -> str:
    """``benchmarks/copilot_fusion.py --expert embedded``: run (or resume) and return the
    Markdown report, also written to ``out/report.md``."""
    cells = plan_llm_cells(networks, sizes, seeds)
    if report_only:
        keys = {c.key for c in cells}
        records = [r for r in Ledger(Path(out) / "cells.jsonl", writable=False)
                   if r["key"] in keys]
    else:
        if backend is None:
            from rung.lm import get_backend

            backend = get_backend("embedded")
        records = run_llm_benchmark(out, cells, backend, progress=progress)
    report = format_llm_report(out, records)
    (Path(out) / "report.md").write_text(report + "\n")
    return report
