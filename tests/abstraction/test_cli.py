from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from rung.cli.main import _register, app

runner = CliRunner()
RUNG = Path(sys.executable).parent / "rung"


@pytest.fixture(scope="module", autouse=True)
def _registered() -> None:
    _register()


def test_run_arithmetic_iit_json() -> None:
    res = runner.invoke(app, ["abstraction", "run", "arithmetic", "--method", "iit",
                              "--steps", "1500", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert set(out) >= {"task_accuracy", "iia", "method", "seconds"}
    assert out["method"] == "iit"
    assert out["task_accuracy"] >= 0.99
    assert out["iia"]["S@layers.0[0:16]"] >= 0.95


def test_run_das_reports_localist_alongside() -> None:
    res = runner.invoke(app, ["abstraction", "run", "arithmetic", "--method", "low-rank-das",
                              "--k", "16", "--steps", "50", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert list(out["iia"]) == ["S@layers.0"]
    assert 0.0 <= out["iia"]["S@layers.0"] <= 1.0
    assert len(out["localist_iia"]) == 1


@pytest.mark.parametrize(
    ("args", "needle"),
    [(["--layer", "7"], "layer 7"), (["--k", "0"], "--k 0"), (["--k", "80"], "k=80")],
)
def test_bad_input_exits_2(args: list[str], needle: str) -> None:
    res = runner.invoke(app, ["abstraction", "run", "arithmetic", "--steps", "1", *args])
    assert res.exit_code == 2
    assert needle in res.stderr


def test_unknown_task_is_rejected() -> None:
    res = runner.invoke(app, ["abstraction", "run", "sudoku"])
    assert res.exit_code == 2


def test_checkpoint_dir_resumes(tmp_path) -> None:
    args = ["abstraction", "run", "arithmetic", "--method", "das", "--steps", "20",
            "--checkpoint-dir", str(tmp_path), "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    saved = sorted(p.name for p in tmp_path.iterdir())
    assert len(saved) == 2  # the trained network and the learned subspace
    again = runner.invoke(app, args)
    assert json.loads(again.stdout)["iia"] == json.loads(first.stdout)["iia"]
    train = torch.load(next(tmp_path.glob("*-train.pt")), weights_only=True)  # plain data
    assert len(train["history"]) == 1500  # resumed as finished, not trained again
    assert not list(tmp_path.glob(".*.tmp"))  # atomic writes leave no temporary file


@pytest.mark.skipif(not RUNG.is_file(), reason="the rung console script is not installed")
@pytest.mark.parametrize(("args", "value"), [
    (["--seed", str(2**63)], str(2**63)),
    (["--seed", "-1"], "-1"),
    (["--seed", "1" + "0" * 400], "1" + "0" * 400),
    (["--steps", str(10**12)], str(10**12)),
    (["--k", str(2**70)], str(2**70)),
    (["--layer", str(2**63)], str(2**63)),
])
def test_out_of_range_numbers_exit_2_naming_the_value(args: list[str], value: str) -> None:
    done = subprocess.run([str(RUNG), "abstraction", "run", "arithmetic", *args],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and value in lines[0] and "Traceback" not in done.stderr
    assert done.stdout == ""
