"""Latency from an edit to the updated identification in rung studio.

Each edit is a full round trip through a running studio: HTTP POST /api/edit on 127.0.0.1,
whose answer carries the new identification (rung.identify.identify), every minimal
adjustment set, the disagreement table and the per-edge evidence. Two sessions, each
started by the workflow's own input and discovery steps:

- Sachs (11 nodes; the example's data, its discovered final graph), query PKC -> P38;
- alarm (pgmpy, 37 nodes; 2,000 rows forward-sampled, the true alarm graph written to
  ``final_graph.dot`` as the analyst's graph), query LVFAILURE -> BP.

The edits remove and restore edges away from the query, in turn. Also printed: the
identification view alone (in-process), to separate it from the HTTP and JSON cost.

Run: ``.venv/bin/python benchmarks/studio_latency.py [--edits 200]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

import pandas as pd

from rung.graph import CausalGraph
from rung.studio import StudioContext, StudioSession, start_in_thread
from rung.studio.edits import state_of
from rung.studio.rundir import example_config, start_run_dir
from rung.workflow import CopilotConfig
from rung.workflow.graph_files import graph_to_dot


def _summary(name: str, ms: list[float]) -> str:
    q = statistics.quantiles(ms, n=20)
    return (f"{name:<34} edits={len(ms):4d}  median={statistics.median(ms):7.2f} ms  "
            f"p95={q[18]:7.2f} ms  max={max(ms):7.2f} ms")


def _edit_body(g: CausalGraph, a: str, b: str) -> bytes:
    cur = state_of(g, a, b)
    return json.dumps({"a": a, "b": b, "action": "remove" if cur != "none" else "add",
                       "state": "none" if cur != "none" else "forward",
                       "tab": "bench"}).encode()


def round_trip(run_dir: Path, edits: int) -> tuple[list[float], list[float]]:
    """(HTTP round-trip ms, identification-only ms) over ``edits`` edits."""
    ctx = StudioContext(session=StudioSession(run_dir))
    cfg = ctx.session.inputs.config
    server = start_in_thread(ctx)
    base = server.url.split("?")[0]
    pairs = [e for e in ctx.session.snapshot().graph.directed_edges
             if cfg.treatment not in e and cfg.outcome not in e]
    http, ident = [], []
    try:
        for k in range(edits):
            a, b = pairs[k % len(pairs)]
            g = ctx.session.snapshot().graph
            req = urllib.request.Request(base + "api/edit", data=_edit_body(g, a, b), headers={
                "Content-Type": "application/json", "X-Studio-Token": ctx.token})
            t0 = time.perf_counter()
            with urllib.request.urlopen(req) as r:
                answer = json.loads(r.read())
            http.append((time.perf_counter() - t0) * 1000)
            ident.append(float(answer["identification"]["ms"]))
    finally:
        server.stop()
    return http, ident


def sachs_run(tmp: Path) -> Path:
    raw, config = example_config("sachs")
    start_run_dir(raw, config, tmp / "sachs")
    return tmp / "sachs"


def alarm_run(tmp: Path) -> Path:
    from pgmpy.sampling import BayesianModelSampling
    from pgmpy.utils import get_example_model

    model = get_example_model("alarm")
    rows = BayesianModelSampling(model).forward_sample(size=2000, seed=0, show_progress=False)
    codes = rows.apply(lambda c: pd.Categorical(c).codes).astype(float)
    codes = codes.loc[:, codes.nunique() > 1]
    csv = tmp / "alarm.csv"
    codes.to_csv(csv, index=False)
    run = tmp / "alarm"
    start_run_dir(codes, CopilotConfig(treatment="LVFAILURE", outcome="BP", discovery="pc",
                                       source=str(csv)), run)
    truth = CausalGraph(directed=[tuple(e) for e in model.edges() if set(e) <= set(codes)],
                        nodes=list(codes.columns))
    (run / "final_graph.dot").write_text(graph_to_dot(truth), encoding="utf-8")
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--edits", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in (("sachs (11 nodes)", sachs_run), ("alarm (37 nodes)", alarm_run)):
            run = make(Path(tmp))
            n = len(StudioSession(run).snapshot().graph.nodes)
            http, ident = round_trip(run, args.edits)
            print(_summary(f"{name}: edit -> answer (HTTP)", http))
            print(_summary(f"{name}: identification only", ident), f"[{n} nodes]")


if __name__ == "__main__":
    main()
