"""Bayesian NUTS fits (rung.estimate.BayesianSCM) on simulated versions of the case studies
of Mohammad-Taheri et al. (2022), at the paper's sample sizes, against the paper's "true LVM"
errors and HMC times.

Simulators (own code; parameters from the paper's public code, github.com/srtaheri/
LVMwithDoCalculus and CGMwithDoCalculus):

- multi-cause (N = 100): three latents U1~N(-8,10), U2~N(6,8), U3~N(-5,7) drive binary
  X1..X5 and Y; X -> M -> Y; query E[Y | do(X1..X5 = 0)] (joint, front-door);
- napkin (N = 100): UXW~N(3,1), UWY~N(5,1); W gamma, R ~ N(0.7W, 6), X logistic,
  Y ~ N(0.2 UWY + 0.4 X, 6); query E[Y | do(X = 1)] = 1.4;
- COVID-19 (N = 200): the sIL6Rα pathway with nine latents and sigmoid (100/(1+e^-η))
  mechanisms, binary cytokine storm; query E[cytok | do(sIL6Rα = 20)]. The model is the latent
  projection of the graph onto {AGTR1, ADAM17, sIL6Rα, cytok} (sigmoid nodes, logistic
  cytok), where {AGTR1, ADAM17} blocks every back-door path;
- IGF signalling (N = 100; rung.datasets.signalling_pathway): linear-Gaussian, one latent.

Per replicate: does the 95% credible interval cover the exact truth; |posterior mean - truth|;
the paper's error, |estimate - mean of a simulated interventional sample| (sizes 200/300/500
as in the paper's code); the fit time. Run:

    OMP_NUM_THREADS=1 nice -n 15 .venv/bin/python benchmarks/bayes_case_studies.py \
        --replicates 20 20 10 10 [--studies multicause napkin covid igf]
        [--samples 300 --warmup 300 --chains 2] [--quadrature-points 6] [--no-precondition]
        [--adaptive-quadrature] [--loading-prior 1.0]
        [--ledger rung-output/bayes_case_studies.jsonl] [--stop-at UNIX_TIME] [--report-only]

Replicates run round-robin over the studies and each lands in the ledger as it finishes, so
a stopped run resumes where it was. A query that fails the convergence checks is refused
(no ``allow_unconverged``) and counted and listed as a refusal, not in the coverage.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.polynomial.hermite_e import hermegauss
from scipy.special import expit

from rung.bench.ledger import Ledger
from rung.datasets import signalling_pathway
from rung.estimate import EstimationError, Priors
from rung.estimate.programs.bayesian import BayesianSCM
from rung.estimate.programs.posterior import ConvergenceError
from rung.graph import CausalGraph

# paper's "true LVM" median errors and HMC seconds per fit (None: not reported)
PAPER = {"multicause": (0.065, None), "napkin": (0.38, None),
         "covid": (0.022, 14 * 3600 / 10), "igf": (None, 50 * 60 / 30)}


@dataclass(frozen=True)
class Study:
    graph: CausalGraph
    do: dict[str, float]
    outcome: str
    truth: float
    simulate: Callable[[int, int], tuple[pd.DataFrame, float]]  # (n, seed) -> data, paper truth
    families: dict[str, str]


# ---------------------------------------------------------------- multi-cause (paper case 1)
_MC_X = {1: (2.0, .23, .33, .12), 2: (1.59, .23, .34, .15), 3: (1.52, .21, .32, .13),
         4: (1.49, .24, .35, .16), 5: (1.38, .28, .38, .10)}
_MC_M = (-1.4, .36, .12, .10, .11, .26)
_MC_Y = (-1.1, .26, .22, .15, .11)
_MC_U = ((-8.0, 10.0), (6.0, 8.0), (-5.0, 7.0))


def _mc_y(m: np.ndarray | float, u: np.ndarray) -> np.ndarray:
    return expit(_MC_Y[0] + _MC_Y[1] * m + u @ np.array(_MC_Y[2:]))


def _mc_sim(n: int, seed: int) -> tuple[pd.DataFrame, float]:
    rng = np.random.default_rng(seed)
    u = np.column_stack([rng.normal(mu, sd, n) for mu, sd in _MC_U])
    cols = {f"X{j}": rng.binomial(1, expit(c[0] + u @ np.array(c[1:]))) for j, c in _MC_X.items()}
    x = np.column_stack(list(cols.values()))
    m = rng.binomial(1, expit(_MC_M[0] + x @ np.array(_MC_M[1:])))
    y = rng.binomial(1, _mc_y(m, u))
    # the paper's error compares with 200 simulated units under do(X = 0)
    u2 = np.column_stack([rng.normal(mu, sd, 200) for mu, sd in _MC_U])
    m2 = rng.binomial(1, expit(_MC_M[0]), 200)
    y2 = rng.binomial(1, _mc_y(m2, u2))
    return pd.DataFrame({**cols, "M": m, "Y": y}).astype(float), float(y2.mean())


def _mc_truth() -> float:
    z, w = hermegauss(80)
    w = w / w.sum()
    lin = np.array(_MC_Y[2:])
    mu = sum(b * m for b, (m, _) in zip(lin, _MC_U, strict=True))
    sd = np.sqrt(sum((b * s) ** 2 for b, (_, s) in zip(lin, _MC_U, strict=True)))
    pm = expit(_MC_M[0])
    return float(sum(p * np.sum(w * expit(_MC_Y[0] + _MC_Y[1] * m + mu + sd * z))
                     for m, p in ((1, pm), (0, 1 - pm))))


def multicause() -> Study:
    xs = [f"X{j}" for j in _MC_X]
    g = CausalGraph(directed=[*((u, v) for u in ("U1", "U2", "U3") for v in [*xs, "Y"]),
                              *((x, "M") for x in xs), ("M", "Y")], latent=["U1", "U2", "U3"])
    return Study(g, dict.fromkeys(xs, 0.0), "Y", _mc_truth(), _mc_sim, {})


# ---------------------------------------------------------------- napkin (paper case 2)
def _napkin_sim(n: int, seed: int) -> tuple[pd.DataFrame, float]:
    rng = np.random.default_rng(seed)
    uxw, uwy = rng.normal(3, 1, n), rng.normal(5, 1, n)
    m = 0.3 * uxw + 0.5 * uwy
    w = np.maximum(rng.gamma(1 / (5 * m**2), 5 * m), 1e-300)
    r = rng.normal(0.7 * w, 6)
    x = rng.binomial(1, expit(2 + 0.23 * uxw + 0.1 * r))
    y = rng.normal(0.2 * uwy + 0.4 * x, 6)
    y2 = rng.normal(0.2 * rng.normal(5, 1, 300) + 0.4, 6)  # the paper's 300 units, do(X=1)
    return pd.DataFrame({"W": w, "R": r, "X": x, "Y": y}).astype(float), float(y2.mean())


def napkin() -> Study:
    g = CausalGraph.from_edges("W -> R -> X -> Y; W <-> X; W <-> Y")
    return Study(g, {"X": 1.0}, "Y", 1.4, _napkin_sim, {"W": "gamma"})


# ---------------------------------------------------------------- COVID-19 (paper case 3)
def _sig(eta: np.ndarray) -> np.ndarray:
    return 100 * expit(eta)


def _covid_units(rng: np.random.Generator, n: int, sil6r: float | None) -> dict[str, np.ndarray]:
    def nrm(mu: float) -> np.ndarray:
        return rng.normal(mu, 10, n)

    u1s, u2s = nrm(22), nrm(22)
    sars = _sig(-2 + 0.05 * u1s + 0.06 * u2s)
    toci = nrm(45)
    ace2 = 20 - 0.1 * sars
    ang = 25 - 0.8 * ace2 + 0.5 * u1s + 0.6 * u2s
    agtr1 = _sig(-1.5 + 0.08 * ang)
    u1a, u2a = nrm(25), nrm(25)
    adam17 = _sig(-3.8 + 0.04 * agtr1 + 0.04 * u1a + 0.03 * u2a)
    sil = _sig(-3 + 0.03 * adam17 + 0.05 * u1a + 0.06 * u2a - 0.04 * toci)
    if sil6r is not None:
        sil = np.full(n, sil6r)
    u_ee, u_et, u_ei, gefi = nrm(50), nrm(45), nrm(40), nrm(40)
    egf = _sig(-3 + 0.03 * adam17 + 0.05 * u_ee)
    tnf = _sig(-4.1 + 0.05 * adam17 + 0.06 * u_et)
    egfr = _sig(-6 + 0.03 * egf + 0.05 * u_ei + 0.02 * u_et + 0.04 * u_ee - 0.04 * gefi)
    u1p, u2p = nrm(20), nrm(20)
    prr = _sig(-3.4 + 0.05 * sars + 0.02 * u1p + 0.03 * u2p)
    nfkb = _sig(-5 + 0.01 * prr + 0.02 * u1p + 0.03 * u2p + 0.02 * egfr + 0.03 * tnf)
    il6stat3 = _sig(-4.6 + 0.05 * u_ei + 0.04 * sil)
    il6amp = _sig(-3.7 + 0.02 * nfkb + 0.03 * il6stat3)
    p_cytok = expit(-2 + 0.06 * il6amp)
    return {"AGTR1": agtr1, "ADAM17": adam17, "Sil6r": sil,
            "cytok": rng.binomial(1, p_cytok).astype(float), "p_cytok": p_cytok}


def _covid_sim(n: int, seed: int) -> tuple[pd.DataFrame, float]:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(_covid_units(rng, n, None)).drop(columns="p_cytok")
    return df, float(_covid_units(rng, 500, 20.0)["cytok"].mean())  # the paper's 500 units


def covid() -> Study:
    g = CausalGraph.from_edges("AGTR1 -> ADAM17 -> Sil6r -> cytok; ADAM17 -> cytok; "
                               "ADAM17 <-> Sil6r; AGTR1 <-> cytok")
    truth = float(_covid_units(np.random.default_rng(12345), 1_000_000, 20.0)["p_cytok"].mean())
    fam = {"AGTR1": "sigmoid", "ADAM17": "sigmoid", "Sil6r": "sigmoid"}
    return Study(g, {"Sil6r": 20.0}, "cytok", truth, _covid_sim, fam)


# ---------------------------------------------------------------- IGF (rung's simulator)
def igf() -> Study:
    cs = signalling_pathway(n=10)
    assert cs.true_mean is not None

    def sim(n: int, seed: int) -> tuple[pd.DataFrame, float]:
        return signalling_pathway(n=n, seed=seed).data, float("nan")

    return Study(cs.graph, {"SOS": 1.0}, "Erk", cs.true_mean(1.0), sim, {})


STUDIES = {"multicause": (multicause, 100), "napkin": (napkin, 100), "covid": (covid, 200),
           "igf": (igf, 100)}


@dataclass(frozen=True)
class Settings:
    samples: int
    warmup: int
    chains: int
    q_points: int
    tree_depth: int
    precondition: bool = True
    adaptive: bool = False
    loading: float = 1.0  # the loadings' prior sd (rung.estimate.Priors.loading)

    @property
    def tag(self) -> str:
        # "L": chains on the Laplace-preconditioned scale; "Q": adaptive quadrature (ledger
        # rows without "L" are the earlier set-up and are never mixed with these)
        return (f"s{self.samples}w{self.warmup}c{self.chains}q{self.q_points}"
                f"d{self.tree_depth}" + ("L" if self.precondition else "")
                + ("Q" if self.adaptive else "")
                + (f"P{self.loading:g}" if self.loading != 1.0 else ""))


def fit_one(name: str, rep: int, cfg: Settings) -> dict[str, object]:
    """One replicate: simulate, fit, ask the query WITHOUT allow_unconverged (a refusal is
    recorded as a refusal, with its reason)."""
    make, n = STUDIES[name]
    st = make()
    df, paper_truth = st.simulate(n, 1000 + rep)
    model = BayesianSCM(st.graph, families=st.families, num_samples=cfg.samples,  # type: ignore[arg-type]
                        warmup=cfg.warmup, chains=cfg.chains, seed=rep,
                        quadrature_points=cfg.q_points, max_tree_depth=cfg.tree_depth,
                        precondition=cfg.precondition,
                        adaptive_quadrature=cfg.adaptive, priors=Priors(loading=cfg.loading))
    t0, c0 = time.perf_counter(), time.process_time()
    rec: dict[str, object] = {"key": f"{name}/{rep}/{cfg.tag}", "study": name, "rep": rep,
                              "n": n, "truth": st.truth, "paper_truth": paper_truth}
    try:
        model.fit(df)
        q = model.interventional_mean(st.do, st.outcome)
        rec.update(status="ok", mean=q.mean, ci=list(q.ci), rhat=q.rhat, ess=q.ess,
                   divergences=q.divergences, summary=q.summary())
    except ConvergenceError as exc:
        rec.update(status="refused", reason=str(exc).split(";")[0])
    except (EstimationError, RuntimeError, ValueError) as exc:  # listed as failures
        rec.update(status="error", reason=f"{type(exc).__name__}: {exc}")
    rec.update(wall=time.perf_counter() - t0, cpu=time.process_time() - c0,
               route=getattr(model, "marginalised_", ""),
               adapted=bool(getattr(model, "adapted_", False)),
               quadrature_error=float(getattr(model, "quadrature_error_", float("nan"))))
    return rec


def summarise(name: str, recs: list[dict[str, object]]) -> dict[str, object]:
    ok = [r for r in recs if r["status"] == "ok"]
    cover = [r["ci"][0] <= r["truth"] <= r["ci"][1] for r in ok]  # type: ignore[index]
    err = [abs(float(r["mean"]) - float(r["truth"])) for r in ok]  # type: ignore[arg-type]
    perr = [abs(float(r["mean"]) - float(r["paper_truth"])) for r in ok  # type: ignore[arg-type]
            if np.isfinite(float(r["paper_truth"]))]  # type: ignore[arg-type]
    cpu = [float(r["cpu"]) for r in recs]  # type: ignore[arg-type]
    return {"n": STUDIES[name][1], "fits": len(recs), "ok": len(ok),
            "covered": int(sum(cover)), "median_err": float(np.median(err)) if err else np.nan,
            "median_paper_err": float(np.median(perr)) if perr else np.nan,
            "cpu_per_fit": float(np.mean(cpu)) if cpu else np.nan,
            "wall_per_fit": float(np.mean([float(r["wall"]) for r in recs]))  # type: ignore[arg-type]
            if recs else np.nan,
            "refused": [f"rep {r['rep']}: {r.get('reason', '')}" for r in recs
                        if r["status"] != "ok"]}


def report(rows: dict[str, dict[str, object]]) -> str:
    lines = ["| study | N | fits | reported (converged) | 95% CrI covers truth | median abs "
             "err (truth) | median err (paper's way) | paper true-LVM median | CPU s/fit | "
             "wall s/fit | paper HMC s/fit | speed-up (CPU) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for s, r in rows.items():
        p_err, p_sec = PAPER[s]
        cpu = float(r["cpu_per_fit"])  # type: ignore[arg-type]
        ratio = f"{p_sec / cpu:.0f}x" if p_sec and np.isfinite(cpu) else "n/a"
        ok = int(r["ok"])  # type: ignore[call-overload]
        cov = f"{r['covered']}/{ok} ({int(r['covered']) / ok:.0%})" if ok else "-"  # type: ignore[call-overload]
        lines.append(
            f"| {s} | {r['n']} | {r['fits']} | {ok} | {cov} | {r['median_err']:.3f} | "
            f"{r['median_paper_err']:.3f} | {p_err if p_err is not None else 'n/a'} | "
            f"{cpu:.0f} | {r['wall_per_fit']:.0f} | {p_sec or 'n/a'} | {ratio} |")
    for s, r in rows.items():
        for line in r["refused"]:  # type: ignore[attr-defined]
            lines.append(f"- {s} refused/failed, {line}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--studies", nargs="+", default=list(STUDIES), choices=list(STUDIES))
    ap.add_argument("--replicates", nargs="+", type=int, default=[20],
                    help="replicates per study (one number, or one per study)")
    ap.add_argument("--samples", type=int, default=300)
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--chains", type=int, default=2)
    ap.add_argument("--quadrature-points", type=int, default=6)
    ap.add_argument("--max-tree-depth", type=int, default=6)
    ap.add_argument("--no-precondition", action="store_true",
                    help="chains on the raw unconstrained scale (the earlier set-up)")
    ap.add_argument("--adaptive-quadrature", action="store_true",
                    help="each row's own quadrature grid (experimental, see docs)")
    ap.add_argument("--loading-prior", type=float, default=1.0,
                    help="prior sd of the latents' loadings (default 1.0, rung's default)")
    ap.add_argument("--ledger", type=Path, default=Path("rung-output/bayes_case_studies.jsonl"),
                    help="resumable JSONL ledger: a replicate done is never refitted")
    ap.add_argument("--stop-at", type=float, default=float("inf"),
                    help="unix time after which no new fit starts")
    ap.add_argument("--report-only", action="store_true")
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    cfg = Settings(a.samples, a.warmup, a.chains, a.quadrature_points, a.max_tree_depth,
                   not a.no_precondition, a.adaptive_quadrature, a.loading_prior)
    reps = dict(zip(a.studies, a.replicates * len(a.studies) if len(a.replicates) == 1
                    else a.replicates, strict=True))
    led = Ledger(a.ledger, writable=not a.report_only)
    # round-robin over the studies, so a stopped run has replicates of each
    plan = [(s, r) for r in range(max(reps.values())) for s in a.studies if r < reps[s]]
    for s, r in plan:
        if a.report_only or time.time() > a.stop_at:
            break
        if f"{s}/{r}/{cfg.tag}" in led:
            continue
        rec = fit_one(s, r, cfg)
        led.append(rec)
        print(f"  {rec['key']}: {rec['status']} {rec.get('summary', rec.get('reason', ''))} "
              f"truth {float(rec['truth']):.4g}  {float(rec['cpu']):.0f}s CPU", flush=True)  # type: ignore[arg-type]
    recs = list(led)
    rows = {s: summarise(s, [x for x in recs if x["study"] == s and
                             str(x["key"]).endswith(cfg.tag) and x["rep"] < reps[s]])
            for s in a.studies}
    print(report(rows))


if __name__ == "__main__":
    main()
