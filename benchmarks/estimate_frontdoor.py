"""Linear front-door SCM with a latent U (N = 2,000, truth 3.0), one run, same data:

1. rung's generative estimator (exact latent-marginal likelihood + poutine.do simulation);
2. a plain Pyro fit of the same model as a user would write it (pyro.param weights, one
   latent U per row, AutoNormal guide, SVI with Adam), then do(X) simulation;
3. DoWhy's front-door two-stage regression estimator.

Prints each estimate's error and wall time, and time ratios against rung, then one
``RESULT`` summary line per peer (read by ``benchmarks/run_all.py``).
Run: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/estimate_frontdoor.py [--svi-steps 3000]
"""

from __future__ import annotations

import argparse
import time
import warnings

import pyro
import pyro.distributions as dist
import torch
from _result import faster, peer_version, print_result  # benchmarks/_result.py
from pyro.infer import SVI, Trace_ELBO
from pyro.infer.autoguide import AutoNormal

from rung.datasets import linear_frontdoor
from rung.estimate import GenerativeEstimator

TRUTH = 3.0


def run_rung(cs) -> float:  # type: ignore[no-untyped-def]
    return GenerativeEstimator(seed=0).fit(cs.data, cs.graph, "X", "Y").ate_


def plain_pyro(cs, steps: int) -> float:  # type: ignore[no-untyped-def]
    pyro.clear_param_store()
    pyro.set_rng_seed(0)
    data = {k: torch.tensor(cs.data[k].to_numpy(), dtype=torch.float32) for k in "XMY"}
    n = len(cs.data)

    def model(x=None, m=None, y=None, n=n):  # type: ignore[no-untyped-def]
        p = {k: pyro.param(k, torch.tensor(0.1)) for k in ("a_x", "b_xm", "b_my", "a_y", "c_m",
                                                            "c_x", "c_y")}
        s = {k: pyro.param(k, torch.tensor(1.0), constraint=dist.constraints.positive)
             for k in ("s_x", "s_m", "s_y")}
        with pyro.plate("units", n):
            u = pyro.sample("U", dist.Normal(0.0, 1.0))
            x = pyro.sample("X", dist.Normal(p["c_x"] + p["a_x"] * u, s["s_x"]), obs=x)
            m = pyro.sample("M", dist.Normal(p["c_m"] + p["b_xm"] * x, s["s_m"]), obs=m)
            y = pyro.sample("Y", dist.Normal(p["c_y"] + p["b_my"] * m + p["a_y"] * u, s["s_y"]),
                            obs=y)
        return y

    guide = AutoNormal(model)
    svi = SVI(model, guide, pyro.optim.Adam({"lr": 0.02}), Trace_ELBO())
    for _ in range(steps):
        svi.step(data["X"], data["M"], data["Y"])
    with torch.no_grad():
        y1 = pyro.poutine.do(model, data={"X": torch.tensor(1.0)})(n=20_000).mean()
        y0 = pyro.poutine.do(model, data={"X": torch.tensor(0.0)})(n=20_000).mean()
    return float(y1 - y0)


def dowhy_frontdoor(cs) -> float:  # type: ignore[no-untyped-def]
    from dowhy import CausalModel

    graph = "digraph { U [observed=\"no\"]; U -> X; U -> Y; X -> M; M -> Y; }"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = CausalModel(data=cs.data, treatment="X", outcome="Y", graph=graph)
        est = model.identify_effect(proceed_when_unidentifiable=True)
        res = model.estimate_effect(est, method_name="frontdoor.two_stage_regression")
    return float(res.value)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--svi-steps", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.set_num_threads(1)
    cs = linear_frontdoor(n=2000, seed=args.seed)
    t = time.perf_counter()
    import dowhy  # noqa: F401  (imported before timing, as rung and Pyro are: not its cost)

    print(f"(DoWhy import, not timed: {time.perf_counter() - t:.1f} s)")
    rows = []
    for name, fn in [("rung generative", lambda: run_rung(cs)),
                     (f"plain Pyro SVI ({args.svi_steps} steps)",
                      lambda: plain_pyro(cs, args.svi_steps)),
                     ("DoWhy front-door two-stage", lambda: dowhy_frontdoor(cs))]:
        t = time.perf_counter()
        est = fn()
        rows.append((name, est, time.perf_counter() - t))
    base = rows[0][2]
    print(f"linear front-door, N=2000, truth {TRUTH}")
    print(f"{'method':<34}{'estimate':>10}{'error':>9}{'time s':>9}{'time / rung':>13}")
    for name, est, sec in rows:
        print(f"{name:<34}{est:>10.3f}{abs(est - TRUTH):>9.3f}{sec:>9.2f}{sec / base:>12.1f}x")
    (_, r_est, r_sec), (_, p_est, p_sec), (_, d_est, d_sec) = rows
    print_result(script="estimate_frontdoor", peer=f"plain Pyro SVI ({args.svi_steps} steps)",
                 peer_version=f"pyro-ppl {peer_version('pyro-ppl')}",
                 ratio=f"{p_sec / r_sec:.1f}",
                 result=f"rung {r_est:.3f} vs truth {TRUTH} in {r_sec:.1f} s; "
                        f"{faster(p_sec / r_sec)} than the Pyro SVI fit "
                        f"({p_est:.3f} in {p_sec:.1f} s)")
    print_result(script="estimate_frontdoor", peer="DoWhy front-door two-stage regression",
                 peer_version=f"dowhy {peer_version('dowhy')}",
                 ratio=f"{d_sec / r_sec:.2f}",
                 result=f"DoWhy {d_est:.3f} in {d_sec:.2f} s (time / rung "
                        f"{d_sec / r_sec:.2f}x; a closed-form linear fit, no latent model)")


if __name__ == "__main__":
    main()
