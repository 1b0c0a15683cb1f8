"""Run every speed script in ``benchmarks/`` and write the README's speed table (``make bench``).

Each script times rung and a named peer on the same inputs in one run and ends with one
``RESULT`` line per peer (``benchmarks/_result.py``). This runner starts each script with
the same interpreter (the ``.venv-bench`` one under ``make bench``: the peers' pinned
versions downgrade scipy, so they live outside the main venv), keeps each script's full
output under ``--logs``, and writes

* ``--out`` (``benchmarks/RESULTS.md``): the table, with the date, commit, machine and load;
* ``--table`` (``benchmarks/README_TABLE.md``): the same table as the README shows it.

A script that fails or prints no ``RESULT`` line gets a row saying so, and the runner exits 1.

Usage: ``nice -n 10 .venv-bench/bin/python benchmarks/run_all.py [--only lm_select]``
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from _result import parse_result_line

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: the speed-vs-peer scripts, in README order; each runs with its own default settings
SCRIPTS = ("identify_vs_y0", "estimate_frontdoor", "lm_select", "abstraction_vs_pyvene")


@dataclass(frozen=True)
class Row:
    """One line of the table: a script compared with one peer."""

    script: str
    peer: str
    result: str
    seconds: float


def run_script(name: str, python: str, logs: Path) -> tuple[list[Row], bool]:
    """Run ``benchmarks/NAME.py``; its rows, and whether it ran clean."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}
    start = time.perf_counter()
    proc = subprocess.run([python, str(HERE / f"{name}.py")], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    (logs / f"{name}.log").write_text(proc.stdout + "\n--- stderr ---\n" + proc.stderr)
    fields = [f for f in map(parse_result_line, proc.stdout.splitlines()) if f is not None]
    rows = [Row(name, f"{f['peer']} ({f['peer_version']})", f["result"], seconds)
            for f in fields]
    ok = proc.returncode == 0 and bool(rows)
    if not ok:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        why = f"exit {proc.returncode}" if proc.returncode else "no RESULT line"
        rows.append(Row(name, "–", f"FAILED ({why}): {tail[:200]}", seconds))
    print(f"{name}: {'ok' if ok else 'FAILED'} in {seconds:.0f} s", flush=True)
    for row in rows:
        print(f"  {row.peer}: {row.result}", flush=True)
    return rows, ok


def table(rows: list[Row]) -> str:
    """The Markdown table: script | peer (pinned version) | result."""
    lines = ["| script | peer (version) | result on this machine |", "|---|---|---|"]
    lines += [f"| `benchmarks/{r.script}.py` | {r.peer} | {r.result} |" for r in rows]
    return "\n".join(lines) + "\n"


def machine() -> str:
    """CPU model, core count and the 1-minute load average, in one line."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        names = [ln.split(":", 1)[1].strip() for ln in cpuinfo.read_text().splitlines()
                 if ln.startswith("model name")]
        model = names[0] if names else model
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{model}, {os.cpu_count()} cores, load average {load:.1f}"


def commit() -> str:
    """The current git commit (short), or ``unknown`` outside a checkout."""
    proc = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    return proc.stdout.strip() or "unknown"


def results_page(rows: list[Row], before: str, after: str) -> str:
    """RESULTS.md: how and where the table was measured, then the table and the timings."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    secs = {r.script: r.seconds for r in rows}
    timings = ", ".join(f"{s} {t:.0f} s" for s, t in secs.items())
    return (
        "# Speed claims, as `make bench` measured them\n\n"
        f"Written by `benchmarks/run_all.py` on {when}, commit {commit()}, Python "
        f"{platform.python_version()}, one thread per script (`OMP_NUM_THREADS=1`).\n\n"
        f"Machine at the start: {before}; at the end: {after}. A load average above the core "
        "count means other jobs shared the CPUs, which slows both sides of each ratio but "
        "not equally: read the ratios as this run's, not as constants.\n\n"
        f"{table(rows)}\n"
        f"Wall time per script: {timings}. Full outputs: `build/bench/*.log`.\n"
    )


def readme_table(rows: list[Row]) -> str:
    """The README's "Speed claims" table text (for pasting; equal to RESULTS.md's table)."""
    return ("Measured by `make bench` (see `benchmarks/RESULTS.md` for the date, commit and "
            "machine load of the run):\n\n" + table(rows))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--python", default=sys.executable, help="interpreter for the scripts")
    ap.add_argument("--only", nargs="+", choices=SCRIPTS, default=list(SCRIPTS))
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--table", type=Path, default=HERE / "README_TABLE.md")
    ap.add_argument("--logs", type=Path, default=ROOT / "build" / "bench")
    args = ap.parse_args(argv)
    args.logs.mkdir(parents=True, exist_ok=True)
    before = machine()
    rows: list[Row] = []
    clean = True
    for name in args.only:
        got, ok = run_script(name, args.python, args.logs)
        rows += got
        clean &= ok
    args.out.write_text(results_page(rows, before, machine()))
    args.table.write_text(readme_table(rows))
    print(f"wrote {args.out} and {args.table}")
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
