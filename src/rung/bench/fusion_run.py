"""Running the fusion benchmark: a resumable JSONL ledger of cells, one progress bar, and a
summary table with 95% confidence intervals over seeds.

``rung bench fusion`` calls :func:`run_fusion_benchmark` then :func:`format_fusion_report`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from rung.bench.fusion import (
    EXPERT_ACCURACIES,
    FUSION_NETWORKS,
    FusionCell,
    choose_query,
    fit_weight,
    run_cell,
)
from rung.bench.ledger import Ledger

__all__ = [
    "FusionRow",
    "bench_fusion",
    "format_fusion_report",
    "format_rerun",
    "fusion_goals",
    "missed_cells",
    "plan_cells",
    "run_fusion_benchmark",
    "summarize_fusion",
]

WEIGHT_FIT_ACCURACIES = (0.6, 0.95)


def plan_cells(networks: Sequence[str] = FUSION_NETWORKS, sizes: Sequence[int] = (1000, 5000),
               seeds: Iterable[int] = range(5),
               accuracies: Sequence[float] = EXPERT_ACCURACIES) -> list[FusionCell]:
    """Every cell, seed by seed (so a stopped run has every network at fewer seeds); per
    (n, seed, network): data, then the expert and fusion at each accuracy.

    Examples
    --------
    >>> [c.key for c in plan_cells(["asia"], [100], [0], [0.9])]
    ['asia/n100/s0/data/p-', 'asia/n100/s0/expert/p0.9', 'asia/n100/s0/fusion/p0.9']
    """
    unknown = [net for net in networks if net not in FUSION_NETWORKS]
    if unknown:
        raise ValueError(f"unknown networks {unknown}; choose from {FUSION_NETWORKS}")
    out, seed_list = [], list(seeds)
    for n in sizes:
        for seed in seed_list:
            for net in networks:
                out.append(FusionCell(net, n, seed, "data"))
                for p in accuracies:
                    out.append(FusionCell(net, n, seed, "expert", p))
                    out.append(FusionCell(net, n, seed, "fusion", p))
    return out


def missed_cells(records: Iterable[dict[str, Any]], sources: Sequence[str] = ("data", "fusion")
                 ) -> list[FusionCell]:
    """The cells of an earlier ledger whose range missed the truth, cheapest first (larger n,
    then smaller networks: the search is slower on few rows and many nodes), to re-measure
    what a change was meant to fix.

    Examples
    --------
    >>> recs = [{"key": "asia/n1000/s0/data/p-", "network": "asia", "n": 1000, "seed": 0,
    ...          "source": "data", "accuracy": None, "covers": False},
    ...         {"key": "asia/n5000/s1/fusion/p0.8", "network": "asia", "n": 5000, "seed": 1,
    ...          "source": "fusion", "accuracy": 0.8, "covers": False}]
    >>> [c.key for c in missed_cells(recs)]
    ['asia/n5000/s1/fusion/p0.8', 'asia/n1000/s0/data/p-']
    """
    order = {n: i for i, n in enumerate(FUSION_NETWORKS)}
    out = [FusionCell(r["network"], int(r["n"]), int(r["seed"]), r["source"], r["accuracy"])
           for r in records if r.get("source") in sources and not r["covers"]]
    return sorted(out, key=lambda c: (-c.n, order[c.network], c.seed, c.accuracy or 0.0))


def format_rerun(before: Iterable[dict[str, Any]], after: Iterable[dict[str, Any]]) -> str:
    """One line per re-measured cell: its range and status before and after."""
    old = {r["key"]: r for r in before if "source" in r}
    lines = []
    for r in after:
        if "source" not in r or r["key"] not in old:
            continue
        o = old[r["key"]]
        lines.append(f"- `{r['key']}`: {_span(o)} {o['status']} -> {_span(r)} {r['status']}"
                     f"{' (covers)' if r['covers'] else ''}, truth {r['true_effect']:.3f}")
    return "\n".join(lines)


def _span(r: dict[str, Any]) -> str:
    rng = r.get("range")
    return "none" if rng is None else f"[{rng[0]:.3f}, {rng[1]:.3f}]"


def _weight(ledger: Ledger, network: str, fit: bool) -> float:
    """The prior weight for a network, fitted on held-out networks once and kept in the
    ledger (``fit=False``: the Bayes weight 1 for calibrated beliefs)."""
    if not fit:
        return 1.0
    key = f"weight/{network}"
    if key not in ledger:
        w, shd = fit_weight(network, 1000, WEIGHT_FIT_ACCURACIES)
        ledger.append({"key": key, "network": network, "weight": w, "shd_by_weight": shd})
    rec = ledger.get(key)
    return 1.0 if rec is None else float(rec["weight"])


def run_fusion_benchmark(out: Path, cells: Sequence[FusionCell], *, fit_prior_weight: bool = True,
                         progress: bool = True) -> list[dict[str, Any]]:
    """Run every cell not yet in ``out/cells.jsonl`` (resumable) and return all records."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    ledger = Ledger(Path(out) / "cells.jsonl")
    todo = [c for c in cells if c.key not in ledger]
    bar = Progress(TextColumn("[bold]fusion {task.fields[cell]}"), BarColumn(),
                   MofNCompleteColumn(), TimeElapsedColumn(), disable=not progress)
    with bar:
        task = bar.add_task("cells", total=len(cells), completed=len(cells) - len(todo),
                            cell="")
        for cell in todo:
            bar.update(task, cell=cell.key)
            w = _weight(ledger, cell.network, fit_prior_weight) if cell.source == "fusion" \
                else 1.0
            ledger.append(run_cell(cell, weight=w))
            bar.advance(task)
    keys = {c.key for c in cells} | {f"weight/{c.network}" for c in cells}
    return [r for r in ledger if r["key"] in keys]


@dataclass(frozen=True)
class FusionRow:
    """Means over seeds with 95% t-intervals, for one network × n × source × accuracy."""

    network: str
    n: int
    source: str
    accuracy: float | None
    seeds: int
    shd: tuple[float, float, float]
    skeleton_f1: float
    directed_f1: float
    error: float
    coverage: float
    confident_misses: int

    def to_json(self) -> dict[str, Any]:
        """The fields by name (``shd``, mean and interval, as a list)."""
        return {**asdict(self), "shd": list(self.shd)}


def _confident_miss(r: dict[str, Any]) -> bool:
    """A miss reported with status "ok" (one possible effect): a confidently wrong answer."""
    return r["status"] == "ok" and not r["covers"]


def _mean_ci(values: Sequence[float]) -> tuple[float, float, float]:
    v = np.asarray(values, dtype=float)
    m = float(v.mean())
    if len(v) < 2:
        return m, m, m
    h = float(stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v)))
    return m, m - h, m + h


def summarize_fusion(records: Iterable[dict[str, Any]]) -> list[FusionRow]:
    """One row per network × n × source × accuracy."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        if "source" in r:
            groups[(r["network"], r["n"], r["source"], r["accuracy"])].append(r)
    order = {n: i for i, n in enumerate(FUSION_NETWORKS)}
    rows = []
    for (net, n, src, acc), rs in sorted(groups.items(), key=lambda kv: (
            order[kv[0][0]], kv[0][1], kv[0][3] or 0.0, kv[0][2])):
        errs = [r["error"] for r in rs if r["error"] is not None]
        rows.append(FusionRow(
            net, n, src, acc, len(rs), _mean_ci([r["shd"] for r in rs]),
            float(np.mean([r["skeleton_f1"] for r in rs])),
            float(np.mean([r["directed_f1"] for r in rs])),
            float(np.mean(errs)) if errs else float("nan"),
            float(np.mean([r["covers"] for r in rs])),
            sum(1 for r in rs if _confident_miss(r))))
    return rows


def fusion_goals(rows: Sequence[FusionRow], n: int = 1000) -> dict[str, str]:
    """The issue's goals, each as "met"/"not met" with the counts behind it."""
    by = {(r.network, r.n, r.source, r.accuracy): r for r in rows}
    nets = sorted({r.network for r in rows if r.n == n})

    def count(p: float, test: Any) -> tuple[int, int]:
        hits = total = 0
        for net in nets:
            d, e, f = (by.get((net, n, "data", None)), by.get((net, n, "expert", p)),
                       by.get((net, n, "fusion", p)))
            if d and e and f:
                total += 1
                hits += bool(test(d, e, f))
        return hits, total

    out = {}
    h, t = count(0.95, lambda d, e, f: f.shd[0] <= d.shd[0] / 2 and f.shd[0] <= e.shd[0])
    out["p=0.95: fusion SHD <= data/2 and <= expert"] = f"{h}/{t} networks"
    h, t = count(0.8, lambda d, e, f: f.shd[0] < d.shd[0] and f.shd[0] < e.shd[0])
    out["p=0.8: fusion SHD < both"] = f"{h}/{t} networks"
    h, t = count(0.5, lambda d, e, f: f.shd[1] <= d.shd[2])
    out["p=0.5: fusion no worse than data (CI)"] = f"{h}/{t} networks"
    return out


def format_fusion_report(records: Sequence[dict[str, Any]]) -> str:
    """A Markdown report: queries, the table, coverage, every miss, and the goals."""
    rows = summarize_fusion(records)
    cells = [r for r in records if "source" in r]
    lines = ["| network | n | source | p | seeds | SHD (95% CI) | skel F1 | dir F1 | "
             "abs effect error | coverage | confident misses |", "|" + "---|" * 11]
    for r in rows:
        acc = "" if r.accuracy is None else f"{r.accuracy:g}"
        lines.append(f"| {r.network} | {r.n} | {r.source} | {acc} | {r.seeds} | "
                     f"{r.shd[0]:.1f} [{r.shd[1]:.1f}, {r.shd[2]:.1f}] | {r.skeleton_f1:.2f} | "
                     f"{r.directed_f1:.2f} | {r.error:.3f} | {r.coverage:.0%} | "
                     f"{r.confident_misses} |")
    queries = [choose_query(n).to_json() for n in sorted({r["network"] for r in cells})]
    lines += ["", "Queries (exact effect P(Y=0|do(X=0)) - P(Y=0|do(X=1))):"]
    lines += [f"- {q['network']}: {q['treatment']} -> {q['outcome']}: {q['true_effect']:.4f}"
              for q in queries]
    for src in ("data", "expert", "fusion"):
        rs = [r for r in cells if r["source"] == src]
        if rs:
            cov = np.mean([r["covers"] for r in rs])
            bad = sum(1 for r in rs if _confident_miss(r))
            zero = sum(1 for r in rs if _confident_miss(r) and r["range"] == [0.0, 0.0])
            lines.append(f"- coverage, {src}: {cov:.1%} of {len(rs)} cells; confident misses "
                         f"(status ok, not covered): {bad}, of which {zero} at a graph-implied "
                         "zero [0, 0] (the class makes Y a parent of X)")
    fits = [r for r in records if str(r["key"]).startswith("weight/")]
    if fits:
        lines += ["", "Prior weight fitted on held-out networks (mean fusion SHD per weight):"]
        lines += [f"- {r['network']}: {r['weight']:g} ({r['shd_by_weight']})" for r in fits]
    for n in sorted({r.n for r in rows}):
        lines += ["", f"Goals (n = {n}):"]
        lines += [f"- {k}: {v}" for k, v in fusion_goals(rows, n).items()]
    misses = [r for r in cells if not r["covers"] and r["source"] != "expert"]
    lines += ["", f"Misses of data and fusion ({len(misses)}):"]
    lines += [f"- {r['key']}: range {r['range']}, truth {r['true_effect']:.4f}, "
              f"status {r['status']}" for r in misses]
    return "\n".join(lines)


def bench_fusion(out: Path, *, networks: Sequence[str] = FUSION_NETWORKS,
                 sizes: Sequence[int] = (1000, 5000), seeds: int = 5, first_seed: int = 0,
                 accuracies: Sequence[float] = EXPERT_ACCURACIES,
                 fit_prior_weight: bool = True, progress: bool = True) -> str:
    """``rung bench fusion``: run (or resume) the grid in ``out`` and return the Markdown
    report, also written to ``out/report.md``.

    Examples
    --------
    >>> import tempfile
    >>> report = bench_fusion(Path(tempfile.mkdtemp()), networks=["asia"], sizes=[200],
    ...                       seeds=1, accuracies=[0.9], fit_prior_weight=False,
    ...                       progress=False)
    >>> report.splitlines()[0].startswith("| network | n | source |")
    True
    """
    if seeds < 1:
        raise ValueError(f"seeds={seeds} must be at least 1")
    cells = plan_cells(networks, sizes, range(first_seed, first_seed + seeds), accuracies)
    records = run_fusion_benchmark(out, cells, fit_prior_weight=fit_prior_weight,
                                   progress=progress)
    report = format_fusion_report(records)
    (Path(out) / "report.md").write_text(report + "\n")
    return report
