"""Fuzz every ``rung`` command with malformed input (issue 21's "must show").

A seeded generator (:func:`fuzz_cases`) builds several hundred malformed invocations across
every command group: graph texts cut short or mutated (dagitty, DOT, edge strings, control
and invisible characters, stray braces, deep nesting, huge names), broken CSV files (wrong
columns, text in a numeric column, binary junk, empty, BOM duplicates, a directory, a FIFO, a
missing file), bad numbers (negative, NaN, infinity, 2**63, not a number), unknown choices and
conflicting options. Each case states the exit statuses the README's table allows and the
substrings (the bad value, or the offending option or column) of which the message must name
one. Every case asserts: no traceback, one ``error: ...`` line on stderr, an allowed status,
a message naming the bad value, and a time bound. Nothing loads a language model: the LM cases
use the ``scripted`` backend or a URL that fails before any request.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from rung.cli.main import run
from tests.cli.fuzz_inputs import (
    CSV_CASES,
    GRAPH_COMMANDS,
    bad_graphs,
    bad_numbers,
    write_inputs,
)

#: seconds one in-process case may take (generous: CI machines are shared)
CASE_SECONDS = 20
SEED = 21


@dataclass(frozen=True)
class Case:
    """One malformed invocation: argv, allowed exit statuses, and needles (any one must be
    in the error line)."""

    argv: tuple[str, ...]
    codes: frozenset[int]
    needles: tuple[str, ...]

    @property
    def label(self) -> str:
        text = " ".join(self.argv)
        return (text[:70] + f"..({len(text)})") if len(text) > 80 else text


def _case(argv: list[str], needles: tuple[str, ...], codes: tuple[int, ...] = (2,)) -> Case:
    return Case(tuple(argv), frozenset(codes), needles)


def _graph_cases(d: Path, rng: random.Random) -> Iterator[Case]:
    for text, needles in bad_graphs(rng):
        for make in rng.sample(GRAPH_COMMANDS, 3):
            yield _case(make(text, d), needles)
    for text, needles in bad_graphs(rng)[:12]:
        (d / "fuzz.dot").write_text(text, encoding="utf-8")
        path = d / f"g{rng.randrange(10**9)}.txt"
        path.write_text(text, encoding="utf-8")
        yield _case(["graph", "show", str(path)], needles)
        yield _case(["copilot", f"{d}/good.csv", "-t", "X", "-y", "Y", "--model", "scripted",
                     "--out", f"{d}/run", "--graph", str(path)], needles)


def _csv_cases(d: Path) -> Iterator[Case]:
    for name, needles in CSV_CASES:
        path = f"{d}/{name}"
        yield _case(["estimate", "Z -> X; Z -> Y; X -> Y", "--data", path, "--treatment", "X",
                     "--outcome", "Y"], needles)
        yield _case(["graph", "test", "Z -> X; Z -> Y; X -> Y", "--data", path], needles)
        yield _case(["copilot", path, "-t", "X", "-y", "Y", "--model", "scripted",
                     "--out", f"{d}/run"], needles)
    for cmd in (["estimate", "Z -> X; Z -> Y; X -> Y", "--treatment", "X", "--outcome", "Y"],
                ["graph", "test", "Z -> X; Z -> Y; X -> Y"]):  # copilot needs no Z
        yield _case([*cmd, "--data", f"{d}/nocol.csv"], ("'Z'",))


def _text_cell_cases(d: Path, rng: random.Random) -> Iterator[Case]:
    """A random word in a random numeric cell; and a header that lacks a graph node."""
    for i in range(8):
        word = rng.choice(["abc", "1,2", "one", "1.2.3", "--", "0x1G", "TRUE1", "e5e"])
        row, col = rng.randrange(12), rng.randrange(3)
        lines = [",".join(str(v) for v in (r % 2, r, r * 2)) for r in range(12)]
        cells = lines[row].split(",")
        cells[col] = f'"{word}"'
        lines[row] = ",".join(cells)
        path = d / f"cell{i}.csv"
        path.write_text("X,Y,Z\n" + "\n".join(lines) + "\n")
        yield _case(["estimate", "Z -> X; Z -> Y; X -> Y", "--data", str(path),
                     "--treatment", "X", "--outcome", "Y"], (f"'{word}'",))
    for i in range(6):
        cols = rng.sample(["X", "Y", "Z", "W", "V"], 3)
        missing = sorted({"X", "Y", "Z"} - set(cols))
        if not missing:
            continue
        path = d / f"cols{i}.csv"
        path.write_text(",".join(cols) + "\n" + "".join(f"{r % 2},{r},{r}\n" for r in range(12)))
        yield _case(["graph", "test", "Z -> X; Z -> Y; X -> Y", "--data", str(path)],
                    tuple(repr(m) for m in missing))


def _option_cases(d: Path, rng: random.Random) -> Iterator[Case]:
    for prefix, option, values in bad_numbers(d):
        for value in values:
            yield _case([*prefix, option, value], (value, option))


def _choice_and_conflict_cases(d: Path, rng: random.Random) -> Iterator[Case]:
    words = ["nosuch", "PC", "Total", "", "all,none", "x" * 300, "\u200b"]
    est = ["estimate", "X -> Y", "--data", f"{d}/good.csv", "--treatment", "X", "--outcome", "Y"]
    cop = ["copilot", f"{d}/good.csv", "-t", "X", "-y", "Y", "--model", "scripted",
           "--out", f"{d}/run"]
    for word in rng.sample(words, 5):
        needles = (repr(word)[1:-1] or "''",)
        yield _case(["graph", "convert", "X -> Y", "--to", word], needles)
        yield _case(["identify", "X -> Y", "-x", "X", "-y", "Y", "--effect", word], needles)
        yield _case([*est, "--method", word], needles)
        yield _case([*est, "--model", word], (*needles, "--model"))
        yield _case(["abstraction", "run", word], needles)
        yield _case(["abstraction", "run", "arithmetic", "--method", word], needles)
        yield _case(["scm", "actual-cause", f"{d}/model.toml", "--cause", "X=1", "--effect",
                     "Y=1", "--definition", word], needles)
        for option in ("--strategy", "--discovery", "--transform", "--llm-pairs"):
            yield _case([*cop, option, word], needles)
        yield _case(["copilot", "--example", word], needles)
        yield _case(["bench", "run", word, "--model", "scripted", "--out", f"{d}/b"], needles)
        yield _case(["bench", "run", "tuebingen", "--model", "scripted", "--probes",
                     word or "x", "--out", f"{d}/b"],
                    (word.lower() or "'x'", repr(word.lower())[1:-1]))
    conflicts = [
        (["identify", "X -> Y", "-x", "X", "-y", "Y", "-z", "X"], ("'X'", "both")),
        (["identify", "X -> Y; Z -> Y", "-x", "X", "-y", "Y", "-z", "Z", "--include", "Z"],
         ("--include",)),
        ([*est, "--model", "mixed", "--method", "ipw"], ("--model", "ipw")),
        ([*est, "--adjust", "Q"], ("'Q'",)),
        ([*est, "--categorical", "Q"], ("'Q'",)),
        (["copilot", f"{d}/good.csv", "--example", "sachs"], ("--example",)),
        (["copilot", f"{d}/good.csv", "-y", "Y"], ("--treatment",)),
        ([*cop, "--llm-top-k", "3", "--llm-threshold", "0.5"], ("--llm-top-k", "llm_top_k")),
        (["ask", "pairwise", "A", "A", "--model", "scripted"], ("'A'",)),
        (["ask", "confounders", "X", "Y", "--candidate", "Y", "--model", "scripted"], ("'Y'",)),
    ]
    for argv, needles in conflicts:
        yield _case(argv, needles)


def _file_cases(d: Path) -> Iterator[Case]:
    sc = ["--cause", "X=1", "--effect", "Y=1"]
    for name, needles in [("missing.toml", ("missing.toml",)), ("adir", ("adir",)),
                          ("binary.bin", ("UTF-8",)), ("good.csv", ("good.csv",)),
                          ("trunc.toml", ("trunc.toml",)), ("empty.csv", ("empty.csv",))]:
        yield _case(["scm", "actual-cause", f"{d}/{name}", *sc], needles)
        yield _case(["scm", "counterfactual", f"{d}/{name}", "--query", "Y[X=0]"], needles)
    for bad in ["X", "X=", "=1", "Q=1", "X=7", "X==1", "X=1,", "X=1 and", "\x00=1"]:
        needle = repr(bad)[1:-1].split("=")[0] or bad
        yield _case(["scm", "actual-cause", f"{d}/model.toml", "--cause", bad, "--effect",
                     "Y=1"], (needle, "--cause"))
        yield _case(["scm", "actual-cause", f"{d}/model.toml", "--cause", "X=1", "--effect",
                     bad], (needle, "--effect"))
    for bad, needle in [("Y[X=0", "Y[X=0"), ("Y[Q=0]", "'Q'"), ("", "query"),
                        ("Q[X=0]", "'Q'"), ("Y[X=9]", "X=9"), ("[X=0]", "[X=0]"),
                        ("Y[X=0]]", "Y[X=0]]")]:
        yield _case(["scm", "counterfactual", f"{d}/model.toml", "--query", bad],
                    (needle, "--query"))
    for target in ("missing", "afile"):
        yield _case(["bench", "report", f"{d}/{target}"], (target,))
        yield _case(["data", "list", "--data-dir", f"{d}/{target}"], (target,))
        yield _case(["bench", "run", "tuebingen", "--model", "scripted", "--data-dir",
                     f"{d}/{target}", "--out", f"{d}/b"], (target,))
    yield _case(["bench", "report", f"{d}/adir"], ("adir",))
    yield _case(["bench", "run", "tuebingen", "--model", "scripted", "--out", f"{d}/afile"],
                ("afile",))
    yield _case(["abstraction", "run", "arithmetic", "--checkpoint-dir", f"{d}/afile"],
                ("afile",))
    yield _case(["lm", "setup", "--model-dir", f"{d}/afile"], ("afile",))
    urls = ["http://[::1|m", "http://127.0.0.1:99999/v1|m", "http://:80/v1|m",
            "ftp://127.0.0.1/v1|m", "http://127.0.0.1:9", "http://127.0.0.1:1e3/v1|m",
            "http://127.0.0.1:-1/v1|m", "foo", f"gguf:{d}/afile", f"gguf:{d}/missing.gguf"]
    for url in urls:
        needle = url.split("|")[0].removeprefix("gguf:")
        yield _case(["lm", "info", "--model", url], (needle,), codes=(1, 2))
        yield _case(["lm", "ask", "hi", "--no-cache", "--model", url], (needle,), codes=(1, 2))
        yield _case(["ask", "pairwise", "A", "B", "--no-cache", "--model", url], (needle,),
                    codes=(1, 2))
    for name in ["A\x00", "\x1b[31mA", "A\u202e", "", " "]:
        yield _case(["ask", "pairwise", name, "B", "--model", "scripted", "--no-cache"],
                    (repr(name)[1:-1] or "''", "empty"))


_COP = "copilot {d}/good.csv -t X -y Y --model scripted --out {d}/run"
#: fuzz cases that fail in files still being worked on (cli/ask.py, cli/lm.py, cli/copilot.py):
#: run by :func:`test_known_open_bugs` as strict xfails, so a fix shows up at once
KNOWN_OPEN: dict[tuple[str, ...], str] = {
    # `rung lm info` is a diagnostic: it reports an unusable model file as
    # `model_ready: false` with the problem, and exits 0 by design.
    ("lm", "info", "--model", "gguf:{d}/afile"): "cli/lm.py: info does not check the spec",
    ("lm", "info", "--model", "gguf:{d}/missing.gguf"): "cli/lm.py: info does not check it",
}


def _known(d: Path) -> dict[tuple[str, ...], str]:
    return {tuple(a.replace("{d}", str(d)) for a in k): v for k, v in KNOWN_OPEN.items()}


def fuzz_cases(d: Path) -> list[Case]:
    """Every malformed invocation, in a fixed order from a fixed seed (less the known open
    bugs of files owned elsewhere)."""
    rng = random.Random(SEED)
    cases = [*_graph_cases(d, rng), *_csv_cases(d), *_text_cell_cases(d, rng),
             *_option_cases(d, rng), *_choice_and_conflict_cases(d, rng), *_file_cases(d)]
    known = _known(d)
    return [c for c in cases if c.argv not in known]


class _CaseTimeout(BaseException):
    """Raised by the alarm: a BaseException, so no CLI error handler swallows it."""


def _alarm(signum: int, frame: object) -> None:
    raise _CaseTimeout


@pytest.fixture(scope="module")
def d(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    write_inputs(root, np.random.default_rng(SEED))
    return root


@pytest.fixture(autouse=True)
def _private_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNG_LM_CACHE", str(tmp_path / "lm.sqlite"))
    monkeypatch.setenv("RUNG_LM", "scripted")
    monkeypatch.setenv("RUNG_LM_TIMEOUT", "3")
    monkeypatch.setenv("RUNG_DATA", str(tmp_path / "no-data"))
    monkeypatch.chdir(tmp_path)


def _problems(case: Case, rc: int, out: str, err: str, seconds: float) -> list[str]:
    lines = [line for line in err.splitlines() if line.strip()]
    found = []
    if "Traceback" in out + err:
        found.append("traceback")
    if rc not in case.codes:
        found.append(f"exit {rc}, want {sorted(case.codes)}")
    if len(lines) != 1 or not lines[0].startswith("error: "):
        found.append(f"stderr is not one 'error:' line: {err[:300]!r}")
    elif not any(n in lines[0] for n in case.needles):
        found.append(f"message names none of {case.needles!r}: {lines[0][:300]!r}")
    if seconds > CASE_SECONDS:
        found.append(f"took {seconds:.1f} s")
    return found


def _run_in_process(argv: tuple[str, ...]) -> tuple[int, str, str, float]:
    out, err = io.StringIO(), io.StringIO()
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(CASE_SECONDS + 10)
    start = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = run(list(argv))
    except _CaseTimeout:
        rc = -1
        err.write("Timed out (no answer)\n")
    except Exception:  # an escaped exception is the traceback a user would see
        rc = -1
        err.write("Traceback (in process):\n" + traceback.format_exc(limit=-3))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    return rc, out.getvalue(), err.getvalue(), time.perf_counter() - start


def test_fuzz_cases_are_many_and_cover_every_group(d: Path) -> None:
    cases = fuzz_cases(d)
    groups = {c.argv[0] for c in cases}
    assert len(cases) >= 300, len(cases)
    assert groups >= {"graph", "identify", "estimate", "lm", "ask", "bench", "data",
                      "abstraction", "copilot", "scm"}, groups
    assert {c.argv[1] for c in cases if c.argv[0] == "graph"} >= {
        "show", "check", "independencies", "convert", "draw", "test"}
    assert [c.argv for c in fuzz_cases(d)] == [c.argv for c in cases]  # seeded, repeatable


def test_fuzz_in_process(d: Path) -> None:
    failures = []
    for case in fuzz_cases(d):
        rc, out, err, seconds = _run_in_process(case.argv)
        found = _problems(case, rc, out, err, seconds)
        if found:
            failures.append(f"{case.label!r}: {'; '.join(found)}")
    assert not failures, f"{len(failures)} failing cases:\n" + "\n".join(failures)


@pytest.mark.parametrize("argv", list(KNOWN_OPEN), ids=list(KNOWN_OPEN.values()))
@pytest.mark.xfail(strict=True, reason="open bug in a file owned elsewhere (see KNOWN_OPEN)")
def test_known_open_bugs(argv: tuple[str, ...], d: Path) -> None:
    real = tuple(a.replace("{d}", str(d)) for a in argv)
    case = Case(real, frozenset({1, 2} if argv[0] == "lm" else {2}), (real[-1], real[-2]))
    rc, out, err, seconds = _run_in_process(real)
    assert not _problems(case, rc, out, err, seconds)


@pytest.mark.slow
def test_fuzz_sample_as_real_processes(d: Path) -> None:
    """~20 cases through the installed ``rung`` script: real exit statuses, real stderr."""
    script = Path(sys.executable).with_name("rung")
    if not script.exists():
        pytest.skip("the rung console script is not installed next to this Python")
    sample = random.Random(SEED).sample(fuzz_cases(d), 20)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    failures = []
    for at in range(0, len(sample), 4):  # four at a time: a shared machine stays usable
        procs = [(case, subprocess.Popen(
            [str(script), *case.argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, errors="replace", env=env)) for case in sample[at:at + 4]]
        for case, proc in procs:
            try:
                out, err = proc.communicate(timeout=300)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, err = proc.communicate()
            found = _problems(case, proc.returncode, out, err, 0.0)
            if found:
                failures.append(f"{case.label!r}: {'; '.join(found)}")
    assert not failures, "\n".join(failures)
