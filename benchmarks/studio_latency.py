"""Latency from an edit to the updated identification in rung studio.

Sachs (11 nodes): the full round trip through the running studio (HTTP POST /api/edit on
127.0.0.1; the answer carries the new identification, every minimal adjustment set, the
disagreement table and the per-edge evidence), on a session started by the workflow's own
input and discovery steps. Alarm (pgmpy, 37 nodes): the same server-side path in-process
(the session's edit, then the identification view: rung.identify.identify and every minimal
adjustment set), since discovery on alarm's data is not what is timed.

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

from rung.graph import CausalGraph
from rung.studio import StudioContext, StudioSession, start_in_thread
from rung.studio.edits import set_edge, state_of
from rung.studio.rundir import example_config, start_run_dir
from rung.studio.views import identification_view


def _summary(name: str, ms: list[float]) -> str:
    q = statistics.quantiles(ms, n=20)
    return (f"{name:<28} edits={len(ms):4d}  median={statistics.median(ms):7.2f} ms  "
            f"p95={q[18]:7.2f} ms  max={max(ms):7.2f} ms")


def sachs_round_trip(edits: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        raw, config = example_config("sachs")
        start_run_dir(raw, config, Path(tmp) / "run")
        ctx = StudioContext(session=StudioSession(Path(tmp) / "run"))
        server = start_in_thread(ctx)
        base = server.url.split("?")[0]
        pairs = [e for e in ctx.session.snapshot().graph.directed_edges
                 if config.treatment not in e and config.outcome not in e]
        ms = []
        try:
            for k in range(edits):
                a, b = pairs[k % len(pairs)]
                cur = state_of(ctx.session.snapshot().graph, a, b)
                body = json.dumps({"a": a, "b": b, "action": "remove" if cur != "none"
                                   else "add", "state": "none" if cur != "none" else "forward",
                                   "tab": "bench"}).encode()
                req = urllib.request.Request(base + "api/edit", data=body, headers={
                    "Content-Type": "application/json", "X-Studio-Token": ctx.token})
                t0 = time.perf_counter()
                with urllib.request.urlopen(req) as r:
                    answer = json.loads(r.read())
                ms.append((time.perf_counter() - t0) * 1000)
                assert "identification" in answer
        finally:
            server.stop()
    return ms


def alarm_in_process(edits: int) -> list[float]:
    from pgmpy.utils import get_example_model

    model = get_example_model("alarm")
    g = CausalGraph(directed=[tuple(e) for e in model.edges()], nodes=list(model.nodes()))
    treatment, outcome = "LVFAILURE", "BP"
    pairs = [e for e in g.directed_edges if treatment not in e and outcome not in e]
    ms = []
    for k in range(edits):
        a, b = pairs[k % len(pairs)]
        t0 = time.perf_counter()
        state = "none" if state_of(g, a, b) != "none" else "forward"
        g = set_edge(g, a, b, state)  # type: ignore[arg-type]
        view = identification_view(g, treatment, outcome)
        ms.append((time.perf_counter() - t0) * 1000)
        assert view["identification"]["identifiable"] in (True, False)
    return ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=200)
    args = parser.parse_args()
    print(_summary("sachs (11 nodes, HTTP)", sachs_round_trip(args.edits)))
    print(_summary("alarm (37 nodes, in-process)", alarm_in_process(args.edits)))


if __name__ == "__main__":
    main()
