"""The ``rung data`` and ``rung bench`` commands: output shapes and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rung.cli import main as cli_main

runner = CliRunner()
RUNG = Path(sys.executable).parent / "rung"


@pytest.fixture(scope="module", autouse=True)
def _registered() -> None:
    cli_main._register()


def test_data_list_json(data_dir: Path) -> None:
    res = runner.invoke(cli_main.app, ["data", "list", "--json", "--data-dir", str(data_dir)])
    assert res.exit_code == 0, res.output
    rows = {r["name"]: r for r in json.loads(res.stdout)}
    assert rows["tuebingen"]["available"] and rows["tuebingen"]["items"] == 105
    assert rows["asia-graph"]["location"] == "pgmpy (bundled)"


def test_data_list_missing_dir(tmp_path: Path) -> None:
    res = runner.invoke(cli_main.app, ["data", "list", "--data-dir", str(tmp_path)])
    assert res.exit_code == 0 and "NO" in res.stdout and "RUNG_DATA" in res.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["bench", "run", "tubingen"], "unknown benchmark 'tubingen'"),
    (["bench", "run", "tuebingen", "--probes", "order,shuffle"], "unknown probes"),
    (["bench", "run", "tuebingen", "--limit", "0"], "limit=0"),
])
def test_bad_input_exits_2(args: list[str], message: str, tmp_path: Path) -> None:
    res = runner.invoke(cli_main.app, [*args, "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and message in res.stderr


def test_report_of_a_non_run_exits_2(tmp_path: Path) -> None:
    res = runner.invoke(cli_main.app, ["bench", "report", str(tmp_path)])
    assert res.exit_code == 2 and "not a benchmark run folder" in res.stderr


@pytest.mark.skipif(not RUNG.is_file(), reason="the rung console script is not installed")
@pytest.mark.parametrize(("args", "value"), [
    (["--variants", str(2**63)], str(2**63)),
    (["--variants", "1" + "0" * 400], "1" + "0" * 400),
    (["--limit", str(10**20)], str(10**20)),
    (["--limit", "-5"], "limit=-5"),
    (["--variants", "1"], "variants=1"),
])
def test_out_of_range_numbers_exit_2_naming_the_value(args: list[str], value: str,
                                                      tmp_path: Path) -> None:
    done = subprocess.run([str(RUNG), "bench", "run", "asia-graph", "--model", "tiny", *args,
                           "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and value in lines[0] and "Traceback" not in done.stderr
    assert not (tmp_path / "o").exists()  # refused before anything was written
