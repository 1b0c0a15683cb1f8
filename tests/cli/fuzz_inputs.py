"""Malformed inputs for :mod:`tests.cli.test_fuzz`: graph texts, CSV files and bad numbers,
each with the substrings of which a correct error message names at least one."""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

import numpy as np

__all__ = ["CSV_CASES", "GRAPH_COMMANDS", "bad_graphs", "bad_numbers", "write_inputs"]

GOOD = "Z -> X; Z -> Y; X -> Y"

VALID = [
    "dag { X [exposure] Y [outcome] Z -> X Z -> Y X -> Y }",
    'dag {\n  "X" [exposure]\n  Y [outcome]\n  U [latent]\n  U -> X\n  U -> Y\n  X -> Y\n}',
    "digraph { X -> Y; Z -> X; Z -> Y }",
    'digraph G {\n  node [shape=box];\n  "X" -> "Y" [label="e"];\n  Z -> {X Y};\n}',
]

#: control, invisible and bidi characters that must never hide in a name
HIDDEN = ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\u200b", "\u200d", "\u2060", "\u202e",
          "\ufeff", "\u00ad"]


def _cut(rng: random.Random, text: str) -> str:
    """``text`` cut somewhere after its opening brace and before its closing one."""
    lo, hi = text.index("{") + 1, text.rindex("}")
    return text[:rng.randrange(lo, hi)]


def _hidden(rng: random.Random) -> tuple[str, tuple[str, ...]]:
    ch = rng.choice(HIDDEN)
    name = rng.choice(["X", "Y", "Z"])
    at = rng.randrange(len(name) + 1)
    bad = name[:at] + ch + name[at:]
    text = GOOD.replace(name, bad, 1)
    return text, (f"U+{ord(ch):04X}",)


def bad_graphs(rng: random.Random) -> list[tuple[str, tuple[str, ...]]]:
    """Malformed graph texts (each one wrong by construction) with their needles."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for _ in range(14):
        out.append((_cut(rng, rng.choice(VALID)), ("column",)))
    for _ in range(12):
        out.append(_hidden(rng))
    for _ in range(5):
        arrow = rng.choice(["->", "<-", "<->"])
        out.append((GOOD + f"; W {arrow}", (f"'{arrow}'",)))
    for brace in ["}", "{", "]", "[", ";}", "}}"]:
        out.append((f"X -> Y {brace}", (f"'{brace.lstrip(';')[0]}'",)))
    for _ in range(4):
        name = "N" * rng.choice([1_000, 5_000, 20_000]) + str(rng.randrange(100))
        out.append((f"X -> {name}; {name} -> X", ("directed cycle",)))
    out += [("A -> A", ("self-loop A -> A",)), ("X -- Y", ("'--'",)),
            ('X -> "Y', ("unclosed string",)), ('digraph { X -> "Y }', ("unclosed string",)),
            ("digraph { " + "{" * 400 + "X" + "}" * 400 + " }", ("nested",)),
            ("digraph { " + "subgraph { " * 3000 + "X" + " }" * 3000 + " }", ("nested",)),
            ("dag { X -> Y } }", ("'}'",)), ("digraph { X -> Y } extra", ("'extra'",)),
            ("graph [ node [ id 0 ] ", ("GML",)), ("", ("empty graph",)),
            ("   \n\t ", ("empty graph",)), ("X => Y", ("'> Y'",)),
            ("X -> Y; Y -> Z; Z -> X", ("directed cycle",))]
    return out


def _show(g: str, d: Path) -> list[str]:
    return ["graph", "show", g]


GRAPH_COMMANDS: list[Callable[[str, Path], list[str]]] = [
    _show,
    lambda g, d: ["graph", "check", g, "-i", "X _||_ Y | Z"],
    lambda g, d: ["graph", "independencies", g],
    lambda g, d: ["graph", "convert", g, "--to", "dot"],
    lambda g, d: ["graph", "draw", g, "-o", f"{d}/out.svg"],
    lambda g, d: ["graph", "test", g, "--data", f"{d}/good.csv"],
    lambda g, d: ["identify", g, "-x", "X", "-y", "Y"],
    lambda g, d: ["estimate", g, "--data", f"{d}/good.csv", "--treatment", "X",
                  "--outcome", "Y"],
]

#: (file in the fixture folder, needles) for every command that reads a CSV
CSV_CASES: list[tuple[str, tuple[str, ...]]] = [
    ("missing.csv", ("missing.csv",)),
    ("adir", ("adir",)),
    ("empty.csv", ("empty.csv", "empty")),
    ("binary.bin", ("UTF-8",)),
    ("nonnum.csv", ("'abc'",)),
    ("inf.csv", ("inf",)),
    ("dup.csv", ("['Y']",)),
    ("bomdup.csv", ("'X'",)),
    ("ragged.csv", ("line 3",)),
    ("onerow.csv", ("1 row", "1 data row", "'Z' is constant")),
    ("headeronly.csv", ("headeronly.csv", "0 row", "no row", "no data")),
    ("fifo", ("fifo",)),
]


def write_inputs(root: Path, rng: np.random.Generator) -> None:
    """Write the good and the bad input files into ``root``."""
    z = rng.normal(size=60)
    x = (z + rng.normal(size=60) > 0).astype(int)
    y = 2 * x + z + rng.normal(size=60)
    rows = "".join(f"{a},{b:.4f},{c:.4f}\n" for a, b, c in zip(x, y, z, strict=True))
    (root / "good.csv").write_text("X,Y,Z\n" + rows)
    twelve = "".join(f"{i % 2},{i},{i}\n" for i in range(12))
    files = {
        "dup.csv": "X,Y,Y,Z\n" + "".join(f"{i % 2},1,2,{i}\n" for i in range(20)),
        "bomdup.csv": "X,\ufeffX,Y,Z\n" + "".join(f"{i % 2},{i},{i},{i}\n" for i in range(20)),
        "nonnum.csv": "X,Y,Z\n1,2,3\n0,abc,1\n" + twelve,
        "inf.csv": "X,Y,Z\n1,inf,3\n" + twelve,
        "ragged.csv": "X,Y,Z\n1,2,3\n0,1,2,3\n" + twelve,
        "onerow.csv": "X,Y,Z\n1,2,3\n",
        "nocol.csv": "X,Y\n" + "".join(f"{i % 2},{i}\n" for i in range(12)),
        "headeronly.csv": "X,Y,Z\n",
        "empty.csv": "",
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (root / "afile").write_text("not a folder")
    (root / "adir").mkdir()
    os.mkfifo(root / "fifo")
    model = (Path(__file__).parents[1] / "scm" / "models" / "treatment.toml").read_text()
    (root / "model.toml").write_text(model)
    (root / "trunc.toml").write_text(model[: model.index("[endogenous]") + 30])


def bad_numbers(d: Path) -> list[tuple[list[str], str, list[str]]]:
    """(command prefix, option, bad values): every value is wrong for that option."""
    big = str(2**63)
    est = ["estimate", GOOD, "--data", f"{d}/good.csv", "--treatment", "X", "--outcome", "Y"]
    test = ["graph", "test", GOOD, "--data", f"{d}/good.csv"]
    cop = ["copilot", f"{d}/good.csv", "-t", "X", "-y", "Y", "--model", "scripted",
           "--out", f"{d}/run"]
    ask = ["ask", "pairwise", "A", "B", "--model", "scripted", "--no-cache"]
    askg = ["ask", "graph", "--variables", "a,b", "--model", "scripted", "--no-cache"]
    bench = ["bench", "run", "tuebingen", "--model", "scripted", "--out", f"{d}/b"]
    abst = ["abstraction", "run", "arithmetic"]
    scm = ["scm", "actual-cause", f"{d}/model.toml", "--cause", "X=1", "--effect", "Y=1"]
    ints = ["abc", "1.5", "", "1e3", "0x10"]
    floats = ["nan", "inf", "-inf", "abc", "-1", "2"]
    return [
        (est, "--bootstrap", ["-1", "0", big, *ints[:2]]),
        (est, "--seed", ["-1", "abc"]),
        (test, "--alpha", [*floats, "0", "1"]),
        (test, "--max-tests", ["0", "-1", "abc"]),
        (test, "--seed", ["-3", "abc"]),
        (["graph", "independencies", GOOD], "--max-pairs", ["-1", "abc", "1.5"]),
        (["graph", "draw", GOOD, "-o", f"{d}/o.svg"], "--max-nodes", ["-5", "abc"]),
        (["graph", "draw", GOOD, "-o", f"{d}/o.svg"], "--max-edges", ["-1", "nan"]),
        (cop, "--alpha", floats),
        (cop, "--bootstrap", ["-1", "abc"]),
        (cop, "--seed", ["-1", "abc"]),
        (cop, "--llm-top-k", ["0", "-1", "abc"]),
        (cop, "--llm-threshold", ["nan", "2", "-1"]),
        (cop, "--llm-extra-pairs", ["-1", "abc"]),
        (cop, "--orientation-threshold", ["nan", "2", "-1"]),
        (["lm", "ask", "hi", "--model", "scripted", "--no-cache"], "--max-tokens",
         ["0", "-1", "abc", big]),
        (ask, "--variants", ["0", "-2", "abc", big]),
        (askg, "--threshold", ["nan", "2", "-1"]),
        (askg, "--top-k", ["0", "-1"]),
        (bench, "--limit", ["-1", "abc"]),
        (bench, "--variants", ["0", "-1", big]),
        (abst, "--k", ["0", "-1", "abc", big]),
        (abst, "--steps", ["-1", "abc", big]),
        (abst, "--seed", ["-1", str(2**32), big]),
        (abst, "--layer", ["-1", "abc", "99"]),
        (scm, "--max-evaluations", ["0", "-1", "abc"]),
    ]
