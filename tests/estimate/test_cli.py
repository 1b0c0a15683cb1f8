"""``rung estimate``: JSON contract and exit codes 0 / 2 / 3."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rung import datasets
from rung.cli import main as cli_main

cli_main._register()
runner = CliRunner()
FD = "X -> M -> Y; X <-> Y"


@pytest.fixture
def fd_csv(tmp_path):
    p = tmp_path / "fd.csv"
    datasets.linear_frontdoor(n=1000, seed=0).data.to_csv(p, index=False)
    return p


def _run(*args: str):
    return runner.invoke(cli_main.app, ["estimate", *args])


def test_json_contract(fd_csv) -> None:
    r = _run(FD, "--data", str(fd_csv), "--treatment", "X", "--outcome", "Y",
             "--method", "frontdoor", "--bootstrap", "30", "--seed", "1", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert {"method", "ate", "ci", "n", "estimand"} <= set(out)
    assert out["method"] == "frontdoor" and out["n"] == 1000
    assert out["ci"][0] < out["ate"] < out["ci"][1]
    assert abs(out["ate"] - 3.0) < 0.3
    assert out["estimand"]["method"] == "frontdoor"


def test_contrast_and_text_output(fd_csv) -> None:
    r = _run(FD, "--data", str(fd_csv), "--treatment", "X", "--outcome", "Y",
             "--method", "generative", "--contrast", "2", "0")
    assert r.exit_code == 0, r.output
    assert "do(X=2)" in r.stdout


def test_non_identifiable_exit_3(fd_csv) -> None:
    r = _run("X -> Y; X <-> Y; M", "--data", str(fd_csv), "--treatment", "X",
             "--outcome", "Y")
    assert r.exit_code == 3
    assert "not identifiable" in r.stderr and "hedge" in r.stderr


@pytest.mark.parametrize("edit,needle", [
    (lambda df: df.astype(object).assign(M=lambda d: d["M"].where(d.index != 3, "abc")),
     "'M' mixes numbers and text: 'abc' at line 5"),
    (lambda df: df.drop(columns=["M"]), "['M'] are missing"),
])
def test_bad_data_exit_2(tmp_path, edit, needle) -> None:
    p = tmp_path / "bad.csv"
    edit(datasets.linear_frontdoor(n=20).data).to_csv(p, index=False)
    r = _run(FD, "--data", str(p), "--treatment", "X", "--outcome", "Y")
    assert r.exit_code == 2
    assert needle in r.stderr


def test_missing_values_are_dropped_and_stated(tmp_path) -> None:
    p = tmp_path / "holes.csv"
    df = datasets.linear_frontdoor(n=200).data
    df.assign(Y=df["Y"].where(df.index != 5)).to_csv(p, index=False)
    r = _run(FD, "--data", str(p), "--treatment", "X", "--outcome", "Y", "--method",
             "frontdoor")
    assert r.exit_code == 0, r.output
    assert "dropped 1 of 200 rows with a missing value (complete-case; first at line 7)" \
        in r.stdout


def test_missing_file_and_bad_method(fd_csv, tmp_path) -> None:
    r = _run(FD, "--data", str(tmp_path / "nope.csv"), "--treatment", "X", "--outcome", "Y")
    assert r.exit_code == 2
    r = _run(FD, "--data", str(fd_csv), "--treatment", "X", "--outcome", "Y",
             "--method", "magic")
    assert r.exit_code == 2 and "unknown method" in r.stderr


def test_generative_model_option_on_mixed_data(tmp_path) -> None:
    p = tmp_path / "mixed.csv"
    cs = datasets.mixed_frontdoor(n=1500, seed=2)
    cs.data.to_csv(p, index=False)
    r = _run("Z -> X -> M -> Y; Z -> Y; X <-> Y", "--data", str(p), "--treatment", "X",
             "--outcome", "Y", "--model", "mixed", "--bootstrap", "4", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["method"] == "generative" and out["model"] == "MixedSCM"
    assert out["ci"] is not None and "4 resamples" in out["interval"]
    assert abs(out["ate"] - 3.0) < cs.tolerance
    r = _run(FD, "--data", str(p), "--treatment", "X", "--outcome", "Y", "--model", "mixed",
             "--method", "ipw")
    assert r.exit_code == 2 and "--method generative" in r.stderr
