from __future__ import annotations

import json

import pytest
import torch
from typer.testing import CliRunner

from rung.cli.main import _register, app

runner = CliRunner()


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
    train = torch.load(next(tmp_path.glob("*-train.pt")), weights_only=False)
    assert len(train["history"]) == 1500  # resumed as finished, not trained again
