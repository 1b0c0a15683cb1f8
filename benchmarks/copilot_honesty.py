"""Does ``rung copilot`` ever state a confidently wrong effect? Simulated data, known effects.

Each case is a CSV with a known average effect, run through the real ``rung copilot`` command
with the default (embedded, offline) language model and no graph: the LLM proposes, discovery
runs, the verdict is formed. A case is

- *covered* when the verdict's interval (status ``ok``) or range (status ``check``) holds the
  true effect;
- a *confident miss* when the status is ``ok`` and the interval misses the truth: the outcome
  the one rule forbids;
- an *honest miss* when the status is ``check`` (flagged) and the range misses, or there is no
  effect at all (the verdict names why).

Usage (resumable: a finished case is read back from ``OUT/NAME/result.json``)::

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/copilot_honesty.py --out runs/honesty

The cases: the simulated case studies of :mod:`rung.datasets` (names X, Y, Z: the LLM knows
nothing), and three with meaningful names that an LLM has opinions about: statin/CVD (the
case a 0.1 user hit), a randomised trial, and smoking/tar/cancer.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import rung.datasets as ds


@dataclass(frozen=True)
class Case:
    """One CSV with a known effect of ``treatment`` on ``outcome`` for ``contrast``."""

    name: str
    data: pd.DataFrame
    treatment: str
    outcome: str
    truth: float
    contrast: tuple[float, float]


def _statin(n: int = 3000, seed: int = 0) -> Case:
    """Age confounds statin and CVD risk; true ATE -2.0 (-0.6 direct, -35 x 0.04 via LDL)."""
    rng = np.random.default_rng(seed)
    age = rng.normal(60.0, 8.0, n)
    sex = rng.binomial(1, 0.5, n).astype(float)
    smoking = rng.binomial(1, 0.3, n).astype(float)
    statin = rng.binomial(1, 1 / (1 + np.exp(-(0.15 * (age - 60) + 0.6 * sex - 0.2))))
    ldl = 140 + 0.8 * (age - 60) - 35.0 * statin + 5.0 * smoking + rng.normal(0, 10, n)
    cvd = (10 + 0.2 * (age - 60) + sex + 1.5 * smoking + 0.04 * ldl - 0.6 * statin
           + rng.normal(0, 1, n))
    df = pd.DataFrame({"age": age, "sex": sex, "smoking": smoking, "statin": statin.astype(float),
                       "LDL": ldl, "CVD_risk": cvd})
    return Case("statin", df, "statin", "CVD_risk", -2.0, (1.0, 0.0))


def _trial(n: int = 2000, seed: int = 1) -> Case:
    """A randomised trial: drug assigned by coin flip; severity affects recovery only."""
    rng = np.random.default_rng(seed)
    severity = rng.normal(0.0, 1.0, n)
    drug = rng.binomial(1, 0.5, n).astype(float)
    recovery = 1.5 * drug - 1.0 * severity + rng.normal(0, 1, n)
    df = pd.DataFrame({"severity": severity, "drug": drug, "recovery_score": recovery})
    return Case("randomised_trial", df, "drug", "recovery_score", 1.5, (1.0, 0.0))


def _smoking(n: int = 3000, seed: int = 2) -> Case:
    """smoking -> tar -> cancer with genotype confounding smoking and cancer (observed)."""
    rng = np.random.default_rng(seed)
    genotype = rng.binomial(1, 0.4, n).astype(float)
    smoking = rng.binomial(1, 0.2 + 0.5 * genotype).astype(float)
    tar = 2.0 * smoking + rng.normal(0, 1, n)
    cancer = 0.8 * tar + 1.2 * genotype + rng.normal(0, 1, n)
    df = pd.DataFrame({"genotype": genotype, "smoking": smoking, "tar": tar,
                       "cancer_risk": cancer})
    return Case("smoking_tar", df, "smoking", "cancer_risk", 1.6, (1.0, 0.0))


def _simulated(name: str) -> Callable[[], Case]:
    def make() -> Case:
        cs = getattr(ds, name)()
        a, b = (float(v) for v in cs.contrast)
        return Case(name, cs.data, cs.treatment, cs.outcome, float(cs.true_effect), (a, b))

    return make


CASES: dict[str, Callable[[], Case]] = {
    "statin": _statin, "randomised_trial": _trial, "smoking_tar": _smoking,
    **{n: _simulated(n) for n in ("linear_backdoor", "nonlinear_backdoor", "linear_frontdoor",
                                  "linear_iv", "mixed_frontdoor", "napkin",
                                  "signalling_pathway")},
}


def _run(case: Case, out: Path, model: str | None) -> tuple[dict[str, object], float]:
    """The verdict of ``rung copilot`` on ``case`` (read back when already finished)."""
    run_dir = out / case.name
    result = run_dir / "result.json"
    if result.exists():
        return json.loads(result.read_text())["verdict"], float("nan")
    run_dir.mkdir(parents=True, exist_ok=True)
    csv = run_dir / f"{case.name}.csv"
    case.data.to_csv(csv, index=False)
    cmd = [sys.executable, "-m", "rung", "copilot", str(csv), "-t", case.treatment,
           "-y", case.outcome, "--contrast", str(case.contrast[0]), str(case.contrast[1]),
           "--out", str(run_dir), "--quiet"]
    if model:
        cmd += ["--model", model]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    took = time.perf_counter() - t0
    if not result.exists():
        raise SystemExit(f"{case.name}: rung copilot exited {proc.returncode}:\n"
                         f"{proc.stderr[-2000:]}")
    return json.loads(result.read_text())["verdict"], took


def _outcome(verdict: dict[str, object], truth: float) -> str:
    span = verdict.get("range") or verdict.get("interval")
    covered = isinstance(span, list) and span[0] <= truth <= span[1]
    if covered:
        return "covered"
    return "CONFIDENT MISS" if verdict.get("status") == "ok" else "flagged miss"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("runs/honesty"))
    ap.add_argument("--model", default=None, help="LM spec (default: the embedded model)")
    ap.add_argument("--cases", nargs="*", default=sorted(CASES), choices=sorted(CASES))
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    rows = []
    for name in args.cases:
        case = CASES[name]()
        verdict, took = _run(case, args.out, args.model)
        rows.append((case, verdict, took, _outcome(verdict, case.truth)))
        print(f"{name}: {rows[-1][3]} ({verdict.get('status')}, took {took:.0f} s)", flush=True)
    print("\n| case | truth | status | effect [interval] | range | outcome |")
    print("|---|---|---|---|---|---|")
    for case, v, _, outcome in rows:
        iv = v.get("interval")
        eff = "—" if v.get("effect") is None else f"{v['effect']:.3f}"
        if iv is not None:
            eff += f" [{iv[0]:.3f}, {iv[1]:.3f}]"
        rng = v.get("range")
        rng_s = "—" if rng is None else f"[{rng[0]:.3f}, {rng[1]:.3f}]"
        print(f"| {case.name} | {case.truth:.3f} | {v.get('status')} | {eff} | {rng_s} | "
              f"{outcome} |")
    confident = sum(r[3] == "CONFIDENT MISS" for r in rows)
    covered = sum(r[3] == "covered" for r in rows)
    ok = sum(r[1].get("status") == "ok" for r in rows)
    print("\nFlags of each CHECK (a conflict with a data mark is flagged only when its other "
          "orientation changes the adjustment set):")
    for case, v, _, _ in rows:
        for flag in v.get("flags") or []:
            print(f"- {case.name}: {str(flag)[:160]}")
    print(f"\nRESULT name=copilot_honesty cases={len(rows)} covered={covered} "
          f"confident_misses={confident} ok={ok} check={len(rows) - ok}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
