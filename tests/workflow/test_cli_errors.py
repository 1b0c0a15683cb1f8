"""``rung copilot`` refuses bad input with exit 2 and writes nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from rung.cli.main import _register, app

_register()
runner = CliRunner()


def _csv(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "data.csv"
    p.write_text(text)
    return p


def _good() -> str:
    rng = np.random.default_rng(0)
    return "X,Y,Z\n" + "\n".join(",".join(f"{v:.3f}" for v in r)
                                 for r in rng.normal(size=(30, 3))) + "\n"


@pytest.mark.parametrize(("text", "args", "needle"), [
    (_good(), ["-t", "T", "-y", "Y"], "treatment column 'T' is not in the data"),
    (_good(), ["-t", "X", "-y", "W"], "outcome column 'W' is not in the data"),
    ("X,Y\n" + "1,2\n" * 12 + "1,oops\n", ["-t", "X", "-y", "Y"], "'oops' at line 14"),
    ("X,Y\n" + "1,2\n" * 12 + "nan,3\n", ["-t", "X", "-y", "Y"], "'X' is constant"),
    ("X,Y\n1,2\n", ["-t", "X", "-y", "Y"], "1 data row"),
    ("X,X\n1,2\n3,4\n", ["-t", "X", "-y", "Y"], "duplicate column names ['X']"),
    (_good(), ["-t", "X", "-y", "Y", "--transform", "log"], "--transform log needs positive"),
    (_good(), ["-t", "X", "-y", "Y", "--transform", "sqrt"], "transform='sqrt'"),
])
def test_bad_csv_exit_2_nothing_written(tmp_path: Path, text: str, args: list[str],
                                        needle: str) -> None:
    out = tmp_path / "out"
    res = runner.invoke(app, ["copilot", str(_csv(tmp_path, text)), *args, "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert needle in " ".join(res.output.split())
    assert not out.exists()


def test_needs_data_or_example(tmp_path: Path) -> None:
    res = runner.invoke(app, ["copilot", "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "--example" in res.output


def test_unknown_example(tmp_path: Path) -> None:
    res = runner.invoke(app, ["copilot", "--example", "nope", "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "unknown example 'nope'" in res.output


def test_missing_graph_file(tmp_path: Path) -> None:
    res = runner.invoke(app, ["copilot", str(_csv(tmp_path, _good())), "-t", "X", "-y", "Y",
                              "--graph", str(tmp_path / "g.dot"), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "g.dot" in res.output


def test_graph_with_unknown_node(tmp_path: Path) -> None:
    g = tmp_path / "g.dot"
    g.write_text("digraph { X -> Y; Q -> Y; }\n")
    res = runner.invoke(app, ["copilot", str(_csv(tmp_path, _good())), "-t", "X", "-y", "Y",
                              "--graph", str(g), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "['Q']" in res.output
    assert not (tmp_path / "o").exists()
