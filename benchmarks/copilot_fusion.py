"""The fusion benchmark (issue 13): data alone, a simulated imperfect expert alone, and both.

Usage::

    nice -n 10 .venv/bin/python benchmarks/copilot_fusion.py --out runs/fusion
    .venv/bin/python benchmarks/copilot_fusion.py --out runs/fusion --report-only
    RUNG_LM_THREADS=1 nice -n 15 .venv/bin/python benchmarks/copilot_fusion.py \
        --expert embedded --networks asia sachs child --out out/fusion-llm

``--expert embedded`` asks the embedded LLM instead of the simulated expert
(:mod:`rung.bench.fusion_llm`; ``--accuracies`` and ``--fixed-weight`` do not apply: the
weight is the Bayes weight 1 and the calibration is held out on the other networks).

Cells already in ``OUT/cells.jsonl`` are skipped, so a killed run resumes. The report
(Markdown) is printed and written to ``OUT/report.md``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rung.bench.fusion import EXPERT_ACCURACIES, FUSION_NETWORKS
from rung.bench.fusion_run import bench_fusion, format_fusion_report, plan_cells


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("runs/fusion"))
    ap.add_argument("--networks", nargs="+", default=list(FUSION_NETWORKS),
                    choices=FUSION_NETWORKS)
    ap.add_argument("--sizes", nargs="+", type=int, default=[1000, 5000])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--first-seed", type=int, default=0,
                    help="run seeds first-seed .. first-seed+seeds-1 (to split a run)")
    ap.add_argument("--accuracies", nargs="+", type=float, default=list(EXPERT_ACCURACIES))
    ap.add_argument("--fixed-weight", action="store_true",
                    help="use the Bayes weight 1 instead of fitting it on held-out networks")
    ap.add_argument("--report-only", action="store_true")
    ap.add_argument("--rerun-misses", type=Path, default=None, metavar="LEDGER",
                    help="re-run only the data/fusion cells that missed in LEDGER (an earlier "
                         "cells.jsonl), cheapest first, into --out; print before -> after")
    ap.add_argument("--no-progress", action="store_true")
    ap.add_argument("--expert", choices=["simulated", "embedded"], default="simulated",
                    help="the expert: simulated (right with probability p) or the embedded "
                         "LLM")
    ap.add_argument("--ship-likelihood", type=Path, default=None, metavar="JSON",
                    help="with --expert embedded: write the likelihood fitted on every "
                         "network of OUT/answers.jsonl to JSON (rung ships it as "
                         "src/rung/copilot/answer_likelihood_embedded.json)")
    args = ap.parse_args(argv)
    if args.expert == "embedded" and args.ship_likelihood is not None:
        import json

        from rung.bench.fusion_llm import likelihood_from_ledger
        from rung.lm import get_backend

        lik = likelihood_from_ledger(args.out, get_backend("embedded").model_id)
        args.ship_likelihood.write_text(json.dumps(lik.to_json(), indent=2) + "\n")
        print(json.dumps(lik.to_json()))
        return 0
    if args.expert == "embedded":
        from rung.bench.fusion_llm import bench_fusion_llm

        print(bench_fusion_llm(args.out, networks=args.networks, sizes=args.sizes,
                               seeds=range(args.first_seed, args.first_seed + args.seeds),
                               report_only=args.report_only, progress=not args.no_progress))
        return 0
    if args.rerun_misses is not None:
        from rung.bench.fusion_run import format_rerun, missed_cells, run_fusion_benchmark
        from rung.bench.ledger import Ledger

        before = list(Ledger(args.rerun_misses, writable=False))
        weights = [r for r in before if str(r["key"]).startswith("weight/")]
        ledger = Ledger(args.out / "cells.jsonl")
        for r in weights:  # the search (and so the fitted weight) is that ledger's
            if r["key"] not in ledger:
                ledger.append(r)
        cells = [c for c in missed_cells(before) if c.network in args.networks
                 and c.n in args.sizes]
        after = run_fusion_benchmark(args.out, cells, progress=not args.no_progress)
        print(format_rerun(before, after))
        return 0
    if args.report_only:
        from rung.bench.ledger import Ledger

        seeds = range(args.first_seed, args.first_seed + args.seeds)
        cells = plan_cells(args.networks, args.sizes, seeds, args.accuracies)
        keys = {c.key for c in cells} | {f"weight/{c.network}" for c in cells}
        report = format_fusion_report([r for r in Ledger(args.out / "cells.jsonl",
                                                         writable=False) if r["key"] in keys])
    else:
        report = bench_fusion(args.out, networks=args.networks, sizes=args.sizes,
                              seeds=args.seeds, first_seed=args.first_seed,
                              accuracies=args.accuracies,
                              fit_prior_weight=not args.fixed_weight,
                              progress=not args.no_progress)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
