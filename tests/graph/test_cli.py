"""``rung graph`` commands through typer's CliRunner and the installed console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rung.cli.main import _register, app

_register()
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["graph", *args])
    return result.exit_code, result.stdout, result.stderr


def test_show_json_contract() -> None:
    code, out, _ = run("show", "U [latent]; U -> X; U -> Y; X -> M -> Y", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["nodes"] == ["X", "Y", "M"]
    assert data["directed"] == [["X", "M"], ["M", "Y"]]
    assert data["bidirected"] == [["X", "Y"]]
    assert data["latent"] == ["U"]
    assert data["c_components"] == [["X", "Y"], ["M"]]
    assert ["U", "X"] in data["explicit"]["directed"]


def test_show_reads_files_and_dagitty(tmp_path: Path) -> None:
    path = tmp_path / "g.dagitty"
    path.write_text("dag {\n X [exposure]\n Y [outcome]\n X -> Y\n}\n")
    code, out, _ = run("show", str(path), "--json")
    assert code == 0 and json.loads(out)["exposures"] == ["X"]
    dot = tmp_path / "g.dot"
    dot.write_text("digraph { X -> Y; X -> Y [dir=both, style=dashed] }")
    code, out, _ = run("show", str(dot))
    assert code == 0 and "c-components: {X, Y}" in out


@pytest.mark.parametrize(
    ("text", "independence", "implied"),
    [
        ("X -> M -> Y", "X _||_ Y | M", True),
        ("X -> M -> Y", "X _||_ Y", False),
        ("X -> M -> Y; X <-> Y", "X _||_ Y | M", False),
        ("X -> C <- Y", "X _||_ Y", True),
    ],
)
def test_check(text: str, independence: str, implied: bool) -> None:
    code, out, _ = run("check", text, "--independence", independence, "--json")
    assert code == 0
    assert json.loads(out)["implied"] is implied
    code, out, _ = run("check", text, "-i", independence)
    assert ("NOT implied" in out) is (not implied)


def test_independencies_and_convert() -> None:
    code, out, _ = run("independencies", "V1 -> V2 -> V3 -> V4; V2 <-> V4")
    assert code == 0 and out.strip() == "V1 _||_ V3 | V2"
    code, out, _ = run("convert", "X -> Y; X <-> Y", "--to", "dot")
    assert code == 0 and "dir=both" in out


def test_draw(tmp_path: Path) -> None:
    out_path = tmp_path / "g.svg"
    code, _, _ = run("draw", "X -> M -> Y; X <-> Y", "-o", str(out_path))
    assert code == 0 and "<svg" in out_path.read_text()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("show", "X -> Y -> X"), "directed cycle X -> Y -> X"),
        (("show", "dag {\n X -- Y }"), "line 2, column 4"),
        (("show", "missing.dot"), "'missing.dot' not found"),
        (("show", "X -> X"), "self-loop"),
        (("check", "X -> Y", "-i", "X _||_ Q"), "['Q']"),
        (("check", "X -> Y", "-i", "X and Y"), "_||_"),
        (("draw", "X -> Y", "-o", "g.pdf"), ".svg or .png"),
        (("convert", "X -> Y", "--to", "pdf"), "unknown format 'pdf'; use one of dagitty, dot"),
        (("show", 'dag { "a\x00b" -> Y }'), "U+0000 NULL"),
        (("show", '"a\u200bb" -> Y'), "U+200B ZERO WIDTH SPACE"),
        (("show", "X -> }"), "braces are not part of an edge string"),
        (("show", "digraph {" + "{" * 3000 + "a" + "}" * 3000 + "}"), "nested more than 100"),
        (("show", "digraph {" + "subgraph {" * 3000 + "}" * 3000 + "}"), "nested more than"),
        (("show", "dag { X -- Y }"), "partially directed graph (a CPDAG)"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: tuple[str, ...], fragment: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ") and fragment in err
    assert "Traceback" not in out + err


def test_console_script_exit_code() -> None:
    exe = Path(sys.executable).with_name("rung")
    if not exe.exists():
        pytest.skip("rung console script not installed")
    proc = subprocess.run([str(exe), "graph", "show", "A -> B -> A"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 2 and proc.stderr.startswith("error: directed cycle")


def test_show_dagitty_net_export_and_convert_to_gml(tmp_path: Path) -> None:
    from tests.graph.test_parse import DAGITTY_NET

    path = tmp_path / "model.dagitty"
    path.write_text(DAGITTY_NET, encoding="utf-8")
    code, out, _ = run("show", str(path), "--json")
    data = json.loads(out)
    assert code == 0 and data["adjusted"] == ["age", "smoking"]
    assert data["selected"] == ["hospital"] and data["exposures"] == ["blood pressure"]
    code, gml, _ = run("convert", str(path), "--to", "gml")
    assert code == 0 and gml.startswith("graph [")
    code, back, _ = run("convert", gml, "--to", "dagitty")
    assert code == 0 and 'bb="-3.716,-3.396,3.981,3.422"' in back


def _chain_text(n: int) -> str:
    return "; ".join(f"V{i} -> V{i + 1}" for i in range(n - 1))


def test_independencies_are_minimal_and_limited() -> None:
    code, out, _ = run("independencies", "Z1 -> Z2 -> Y; Z4 -> Z5 -> Y", "--json")
    rows = {frozenset((r["x"], r["y"])): r["z"] for r in json.loads(out)}
    assert code == 0 and rows[frozenset(("Z2", "Z5"))] == []
    code, _, err = run("independencies", _chain_text(60), "--max-pairs", "100")
    assert code == 2 and "1,711 non-adjacent pairs, more than --max-pairs 100" in err


def test_ten_thousand_nodes_are_refused_with_the_limits_named(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(_chain_text(10_000), encoding="utf-8")
    code, _, err = run("independencies", str(path))
    assert code == 2 and "10,000 observed nodes" in err and "--max-pairs" in err
    code, _, err = run("draw", str(path), "-o", str(tmp_path / "big.svg"))
    assert code == 2 and "10,000 nodes" in err and "--max-nodes 300" in err
    assert not (tmp_path / "big.svg").exists()


def _simulate(tmp_path: Path, n: int = 600) -> Path:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(1)
    w = rng.normal(size=n)
    z = 0.8 * w + rng.normal(size=n)
    x = 0.8 * z + rng.normal(size=n)
    y = 0.8 * x + 0.8 * z + rng.normal(size=n)
    path = tmp_path / "d.csv"
    pd.DataFrame({"W": w, "Z": z, "X": x, "Y": y}).to_csv(path, index=False)
    return path


def test_graph_test_command(tmp_path: Path) -> None:
    csv = _simulate(tmp_path)
    code, out, _ = run("test", "W -> Z -> X -> Y; Z -> Y", "--data", str(csv), "--json")
    data = json.loads(out)
    assert code == 0 and data["verdict"] == "consistent" and data["n_tests"] == 2
    assert {t["implication"] for t in data["tests"]} == {"W ⊥ X | Z", "W ⊥ Y | Z"}
    assert all(t["test"] == "fisherz" for t in data["tests"])
    code, out, _ = run("test", "W -> Z -> X -> Y", "--data", str(csv), "--alpha", "0.01")
    assert code == 0 and "Z ⊥ Y | X" in out and "violated" in out
    assert out.strip().splitlines()[-1].startswith("verdict: violated")


@pytest.mark.parametrize(
    ("graph", "extra", "fragment"),
    [
        ("W -> Q -> Y", (), "['Q'] are missing from the data"),
        ("W -> Z -> Y", ("--alpha", "1.5"), "--alpha 1.5 must lie strictly between 0 and 1"),
        ("W -> Z -> Y", ("--data", "nowhere.csv"), "nowhere.csv"),
        ("W -> Z -> X -> Y", ("--max-tests", "2"), "implies 3 independencies, more than"),
    ],
)
def test_graph_test_bad_input_exits_2(tmp_path: Path, graph: str, extra: tuple[str, ...],
                                      fragment: str) -> None:
    csv = _simulate(tmp_path)
    args = ["test", graph, "--data", str(csv), *extra]
    code, out, err = run(*args)
    assert code == 2 and fragment in err and err.startswith("error: ")
    assert "Traceback" not in out + err


def test_graph_test_bad_csv_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("W,Z,Y\n1,2\n", encoding="utf-8")
    code, _, err = run("test", "W -> Z -> Y", "--data", str(bad))
    assert code == 2 and "line 2 has 2 fields" in err
    text = tmp_path / "text.csv"
    text.write_text("W,Z,Y\n1,2,3\n2,x,4\n3,1,5\n", encoding="utf-8")
    code, _, err = run("test", "W -> Z -> Y", "--data", str(text))
    assert code == 2 and "'Z'" in err


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("digraph {" + "subgraph {" * 3000 + "}" * 3000 + "}", "nested more than 100"),
        ('dag { "a\x00b" -> Y }', "U+0000 NULL"),
        ('dag { "\ufeffX" -> Y }', "U+FEFF"),
        ("X -> }", "braces are not part of an edge string"),
    ],
)
def test_console_script_refuses_bad_graph_files(tmp_path: Path, content: str,
                                                fragment: str) -> None:
    exe = Path(sys.executable).with_name("rung")
    if not exe.exists():
        pytest.skip("rung console script not installed")
    path = tmp_path / "g.txt"
    path.write_text(content, encoding="utf-8")
    for command in ("show", "independencies"):
        proc = subprocess.run([str(exe), "graph", command, str(path)], capture_output=True,
                              text=True, check=False, timeout=120)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.startswith("error: ") and fragment in proc.stderr
        assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
