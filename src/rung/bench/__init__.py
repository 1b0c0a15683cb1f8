"""Benchmarks with honesty probes: every score with its CI and its robustness gap.

Examples
--------
>>> from rung.bench import load_benchmark, parse_probes
>>> len(load_benchmark("asia-graph").items)
28
>>> parse_probes("order,nonsense")
('order', 'nonsense')
"""

from rung.bench.calibration import brier_score, expected_calibration_error, reliability_bins
from rung.bench.datadir import DatasetMissingError, candidate_dirs
from rung.bench.datafiles import DatasetCorruptError
from rung.bench.items import (
    ActualCauseItem,
    Benchmark,
    CounterfactualItem,
    Item,
    JudgmentItem,
    PairItem,
)
from rung.bench.ledger import Ledger, LedgerError
from rung.bench.metrics import (
    Estimate,
    accuracy,
    bootstrap_gap,
    bootstrap_mean,
    paired_gap,
    weighted_accuracy,
    wilson_proportion,
)
from rung.bench.probes import ALL_PROBES, make_probe, parse_probes
from rung.bench.registry import BENCHMARKS, list_datasets, load_benchmark
from rung.bench.report import write_report
from rung.bench.runlock import RunLockedError
from rung.bench.runner import RunConfig, RunSummary, run_benchmark
from rung.bench.scoring import BenchScores, ProbeScore, score_run

__all__ = [
    "ALL_PROBES",
    "BENCHMARKS",
    "ActualCauseItem",
    "BenchScores",
    "Benchmark",
    "CounterfactualItem",
    "DatasetCorruptError",
    "DatasetMissingError",
    "Estimate",
    "Item",
    "JudgmentItem",
    "Ledger",
    "LedgerError",
    "PairItem",
    "ProbeScore",
    "RunConfig",
    "RunLockedError",
    "RunSummary",
    "accuracy",
    "bootstrap_gap",
    "bootstrap_mean",
    "brier_score",
    "candidate_dirs",
    "expected_calibration_error",
    "list_datasets",
    "load_benchmark",
    "make_probe",
    "paired_gap",
    "parse_probes",
    "reliability_bins",
    "run_benchmark",
    "score_run",
    "weighted_accuracy",
    "wilson_proportion",
    "write_report",
]
