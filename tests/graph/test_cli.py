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
        (("convert", "X -> Y", "--to", "gml"), "unknown format 'gml'"),
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
