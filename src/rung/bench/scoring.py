"""Scores of a run, computed from its ledger: every number with its CI, every probe with
its gap to the base score, plus calibration, position bias, baselines and graph metrics.

Accuracies carry Wilson score intervals (Kish's effective size when weighted) and gaps
Tango's paired score interval; see :mod:`rung.bench.metrics`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from rung.bench.calibration import brier_score, expected_calibration_error, reliability_bins
from rung.bench.items import Benchmark, CounterfactualItem, LadderQuestion, PairItem
from rung.bench.metrics import Estimate, bootstrap_auc, paired_gap, wilson_proportion
from rung.bench.probes import load_probe_data
from rung.graph.metrics import (
    edge_precision_recall_f1,
    normalized_hamming_distance,
    structural_hamming_distance,
)

if TYPE_CHECKING:
    from rung.bench.ladder_recipe import ScoreRow

__all__ = ["BenchScores", "LadderScores", "ProbeScore", "score_run"]

Record = dict[str, Any]


@dataclass(frozen=True)
class ProbeScore:
    """Accuracy under one probe, and ``gap = base - probe`` on the same items."""

    probe: str
    accuracy: Estimate
    gap: Estimate | None
    weighted: Estimate | None = None
    extra: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"probe": self.probe, "accuracy": self.accuracy.to_json(),
                "gap": self.gap.to_json() if self.gap else None,
                "weighted_accuracy": self.weighted.to_json() if self.weighted else None,
                **self.extra}


@dataclass(frozen=True)
class BenchScores:
    """Everything the report shows for one run."""

    benchmark: str
    model_id: str
    probes: list[ProbeScore]
    baselines: dict[str, float]
    calibration: dict[str, Any]
    position_bias: dict[str, float | None]
    cost: dict[str, float]
    graph: dict[str, float] | None = None
    memorisation: Estimate | None = None
    skipped: tuple[tuple[str, str], ...] = ()
    ladder: LadderScores | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "benchmark": self.benchmark, "model_id": self.model_id,
            "probes": [p.to_json() for p in self.probes], "baselines": self.baselines,
            "calibration": self.calibration, "position_bias": self.position_bias,
            "cost": self.cost, "graph": self.graph,
            "memorisation": self.memorisation.to_json() if self.memorisation else None,
            "skipped": [list(s) for s in self.skipped],
            **({"ladder": self.ladder.to_json()} if self.ladder else {}),
        }


@dataclass(frozen=True)
class LadderScores:
    """A ladder run's accuracy per group (all, each rung, each name type) beside each
    group's majority baseline, and, for the recipe, each extraction step's accuracy (all
    Wilson 95% intervals); ``abstained`` counts the recipe's refusals (scored wrong)."""

    mode: str
    rows: tuple[ScoreRow, ...]
    abstained: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"mode": self.mode, "groups": [r.to_json() for r in self.rows],
                "abstained": self.abstained}


def _ladder(bench: Benchmark, base: dict[str, Record]) -> LadderScores | None:
    from rung.bench.ladder_recipe import RecipeResult, score_ladder

    qs = [it for it in bench.items if isinstance(it, LadderQuestion) and it.id in base]
    if not qs:
        return None
    recs = [base[q.id] for q in qs]
    steps = [RecipeResult.from_json(r["recipe"]) for r in recs if "recipe" in r]
    mode = qs[0].mode
    rows = score_ladder([q.item for q in qs], [str(r["answer"]) for r in recs], mode,
                        steps if len(steps) == len(qs) else [])
    return LadderScores(mode, rows, sum(r["answer"] == "abstain" for r in recs))


def _by_probe(records: Sequence[Record]) -> dict[str, dict[str, Record]]:
    out: dict[str, dict[str, Record]] = {}
    for rec in records:
        out.setdefault(rec["probe"], {})[rec["item"]] = rec
    return out


def _weights(bench: Benchmark, ids: Sequence[str]) -> list[float]:
    w = {it.id: getattr(it, "weight", 1.0) for it in bench.items}
    return [float(w.get(i, 1.0)) for i in ids]


def _probe_score(bench: Benchmark, name: str, recs: dict[str, Record],
                 base: dict[str, Record]) -> ProbeScore:
    ids = sorted(recs)
    hits = [float(recs[i]["correct"]) for i in ids]
    acc = wilson_proportion(hits)
    weighted = None
    if bench.weighted and sum(_weights(bench, ids)) > 0:
        weighted = wilson_proportion(hits, _weights(bench, ids))
    paired = [i for i in ids if i in base]
    gap = None
    if name != "base" and paired:
        gap = paired_gap([float(base[i]["correct"]) for i in paired],
                         [float(recs[i]["correct"]) for i in paired])
    extra: dict[str, float] = {}
    if gap is not None and len(paired) < len(base):
        extra["base_on_same_items"] = float(np.mean([base[i]["correct"] for i in paired]))
    if name == "nonsense":
        thr = float(load_probe_data("nonsense")["confident_threshold"])
        conf = [max(recs[i]["probabilities"].values()) for i in ids]
        extra["confident_share"] = float(np.mean([c >= thr for c in conf]))
        extra["confident_threshold"] = thr
    return ProbeScore(name, acc, gap, weighted, extra)


def _baselines(bench: Benchmark, base: dict[str, Record]) -> dict[str, float]:
    truths = [rec["truth"] for rec in base.values()]
    if not truths:
        return {}
    _, counts = np.unique(truths, return_counts=True)
    out = {"majority": float(counts.max() / len(truths))}
    n_opts = [len(rec["probabilities"]) or 2 for rec in base.values()]
    out["chance"] = float(np.mean([1 / k for k in n_opts]))
    if all(isinstance(it, PairItem) for it in bench.items):
        out["always_first_causes_second"] = float(np.mean([t == "A->B" for t in truths]))
    return out


def _calibration(base: dict[str, Record]) -> dict[str, Any]:
    recs = [r for r in base.values() if r.get("probabilities")]
    if not recs:
        return {}
    conf = [max(r["probabilities"].values()) for r in recs]
    hit = [bool(r["correct"]) for r in recs]
    return {
        "brier": brier_score([r["probabilities"] for r in recs], [r["truth"] for r in recs]),
        "ece": expected_calibration_error(conf, hit),
        "mean_confidence": float(np.mean(conf)),
        "bins": [asdict(b) for b in reliability_bins(conf, hit)],
    }


def _options_shown(bench: Benchmark) -> dict[str, int]:
    """Options in one prompt per item: all options for a multiple-choice counterfactual;
    two (yes / no, or the two variables) for every other task."""
    return {it.id: len(it.options) if isinstance(it, CounterfactualItem) else 2
            for it in bench.items}


def _position_bias(records: Sequence[Record], shown: dict[str, int]) -> dict[str, float | None]:
    """Share of single prompts picking the first-presented option, and the share a model
    without position preference would have (mean of 1/k over prompts of k options)."""
    prompts = first = expected = 0.0
    flips: list[float] = []
    for rec in records:
        pb = rec.get("position_bias") or {}
        if pb.get("first_option_share_raw") is not None:
            prompts += pb["prompts"]
            first += pb["first_option_share_raw"] * pb["prompts"]
            expected += pb["prompts"] / shown.get(rec["item"], 2)
        if pb.get("order_flip_rate") is not None:
            flips.append(pb["order_flip_rate"])
    return {"prompts": prompts,
            "first_option_share_raw": first / prompts if prompts else None,
            "no_preference_share": expected / prompts if prompts else None,
            "order_flip_rate": float(np.mean(flips)) if flips else None}


def _graph(bench: Benchmark, base: dict[str, Record]) -> dict[str, float]:
    items = {it.id: it for it in bench.items if isinstance(it, PairItem)}
    pred: list[tuple[str, str]] = []
    for item_id, rec in base.items():
        it = items[item_id]
        if rec["answer"] == "A->B":
            pred.append((it.a, it.b))
        elif rec["answer"] == "B->A":
            pred.append((it.b, it.a))
    nodes, truth = list(bench.variables), sorted(bench.truth_edges)
    edge_p = [1.0 - float(rec["probabilities"].get("none", 0.0)) for rec in base.values()]
    auc = bootstrap_auc(edge_p, [items[i].truth != "none" for i in base])
    ori = edge_precision_recall_f1(pred, truth, nodes=nodes)
    adj = edge_precision_recall_f1(pred, truth, nodes=nodes, oriented=False)
    return {
        "pairs_answered": len(base), "pairs_total": len(items),
        "shd": structural_hamming_distance(pred, truth, nodes=nodes),
        "normalized_hamming": normalized_hamming_distance(pred, truth, nodes=nodes),
        # the trivial graph answer "no link anywhere", for comparison
        "empty_graph_normalized_hamming": normalized_hamming_distance([], truth, nodes=nodes),
        "precision": ori.precision, "recall": ori.recall, "f1": ori.f1,
        "adjacency_precision": adj.precision, "adjacency_recall": adj.recall,
        "adjacency_f1": adj.f1, "predicted_edges": len(pred), "true_edges": len(truth),
        # does P(some edge) rank adjacent pairs above non-adjacent ones? (0.5 = no signal)
        **({"adjacency_auc": auc.value, "adjacency_auc_low": auc.low,
            "adjacency_auc_high": auc.high} if auc is not None else {}),
    }


def score_run(bench: Benchmark, records: Sequence[Record], model_id: str = "") -> BenchScores:
    """Score the ledger ``records`` of a run of ``bench`` (records of items the benchmark no
    longer asks, e.g. skipped rows, are ignored)."""
    ids = {it.id for it in bench.items}
    records = [r for r in records if r["probe"] == "memorisation" or r["item"] in ids]
    groups = _by_probe(records)
    base = groups.get("base", {})
    if not base:
        raise ValueError(f"no base answers for {bench.name!r} yet; run `rung bench run` first")
    order = ["base", "order", "rename", "nonsense", "anti"]
    probes = [_probe_score(bench, p, groups[p], base) for p in order if p in groups]
    memo = groups.get("memorisation")
    item_recs = [r for r in records if r["probe"] != "memorisation"]
    return BenchScores(
        bench.name, model_id, probes, _baselines(bench, base), _calibration(base),
        _position_bias(item_recs, _options_shown(bench)),
        {"model_calls": float(sum(r.get("calls", 0) for r in records)),
         "model_seconds": float(sum(r.get("seconds", 0.0) for r in records)),
         "questions": float(len(records))},
        _graph(bench, base) if bench.is_graph else None,
        wilson_proportion([float(r["correct"]) for r in memo.values()]) if memo else None,
        bench.skipped,
        _ladder(bench, base),
    )
