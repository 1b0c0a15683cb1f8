"""``rung estimate`` on real CSVs (a real subprocess where the brief asks for one): text
categories, missing values, spaces in names; intervals for every method; exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from rung import datasets
from rung.cli import main as cli_main

cli_main._register()
runner = CliRunner()
RUNG = Path(sys.executable).parent / "rung"


def _run(*args: str):
    return runner.invoke(cli_main.app, ["estimate", *args])


def test_survey_csv_through_a_real_subprocess(tmp_path) -> None:
    cs = datasets.survey(n=3000, seed=5)
    p = tmp_path / "survey.csv"
    cs.data.to_csv(p, index=False)
    graph = cs.graph.to_edge_string()
    args = ["estimate", graph, "--data", str(p), "--treatment", "exercise", "--outcome",
            "blood pressure"]
    holes = int(cs.data[["age", "blood pressure"]].isna().any(axis=1).sum())
    text = subprocess.run([str(RUNG), *args], capture_output=True, text=True, timeout=300,
                          check=False)
    assert text.returncode == 0, text.stderr
    assert f"dropped {holes} of 3000 rows with a missing value" in text.stdout
    assert "encoded 'smoking status' (text, categorical): current=0, former=1, never=2" \
        in text.stdout
    assert "encoded 'exercise' (text, categorical): no=0, yes=1" in text.stdout
    assert "method: regression; adjustment set {age, smoking status}" in text.stdout
    assert "interval: influence function" in text.stdout
    r = runner.invoke(cli_main.app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["encoding"]["exercise"] == {"no": 0.0, "yes": 1.0}
    assert out["encoding"]["smoking status"] == {"current": 0.0, "former": 1.0, "never": 2.0}
    assert out["dropped_rows"] == holes > 0 and out["n"] == 3000 - holes
    assert out["ci"][0] <= cs.true_effect <= out["ci"][1]
    assert out["adjustment_set"] == ["age", "smoking status"]


def test_frontdoor_with_eleven_treatment_values(tmp_path) -> None:
    cs = datasets.frontdoor_eleven(n=20000, seed=3)
    p = tmp_path / "fd11.csv"
    cs.data.to_csv(p, index=False)
    r = _run("X -> M -> Y; X <-> Y", "--data", str(p), "--treatment", "X", "--outcome", "Y",
             "--contrast", "5", "4", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["form"] == "discrete"
    assert abs(out["ate"] - 2.4) < cs.tolerance
    assert out["ci"][0] < 2.4 < out["ci"][1]


def _linear(tmp_path, edges: str, n: int = 800) -> Path:
    from rung.graph import CausalGraph

    g = CausalGraph.from_edges(edges)
    rng = np.random.default_rng(0)
    cols: dict[str, np.ndarray] = {}
    for v in g.topological_order():
        cols[v] = sum((cols[q] for q in sorted(g.projected().parents(v))), rng.normal(size=n))
    p = tmp_path / "lin.csv"
    pd.DataFrame(cols).to_csv(p, index=False)
    return p


@pytest.mark.parametrize("method,edges,data", [
    ("regression", "Z -> X -> Y; Z -> Y", "binary"),
    ("ipw", "Z -> X -> Y; Z -> Y", "binary"),
    ("aipw", "Z -> X -> Y; Z -> Y", "binary"),
    ("frontdoor", "X -> M -> Y; X <-> Y", "linear"),
    ("iv", "Z -> X -> Y; X <-> Y", "linear"),
    ("plugin", "X -> M -> Y; X <-> Y", "discrete"),
    ("generative", "X -> M -> Y; X <-> Y", "linear"),
])
def test_every_method_gives_an_interval(tmp_path, method, edges, data) -> None:
    if data == "binary":
        p = tmp_path / "b.csv"
        datasets.linear_backdoor(n=800).data.to_csv(p, index=False)
    elif data == "discrete":
        p = tmp_path / "d.csv"
        rng = np.random.default_rng(0)
        u = rng.binomial(1, 0.5, 3000)
        x = rng.binomial(1, 0.2 + 0.6 * u)
        m = rng.binomial(1, 0.1 + 0.7 * x)
        y = rng.binomial(1, 0.1 + 0.5 * m + 0.3 * u)
        pd.DataFrame({"X": x, "M": m, "Y": y}).to_csv(p, index=False)
    else:
        p = _linear(tmp_path, edges, n=500)
    r = _run(edges, "--data", str(p), "--treatment", "X", "--outcome", "Y", "--method",
             method, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["ci"] is not None and out["ci"][0] <= out["ate"] <= out["ci"][1]
    assert out["interval"]


def test_frontdoor_on_a_non_identifiable_graph_exits_3(tmp_path) -> None:
    p = _linear(tmp_path, "X -> Y; M -> Y", n=100)
    r = _run("X -> Y; X <-> Y; M", "--data", str(p), "--treatment", "X", "--outcome", "Y",
             "--method", "frontdoor")
    assert r.exit_code == 3, r.output
    assert "not identifiable" in r.stderr
    for m in ("'regression'", "'plugin'", "'generative'", "'frontdoor'", "'iv'"):
        assert m not in r.stderr


def test_invalid_user_set_exits_2_naming_the_path(tmp_path) -> None:
    p = tmp_path / "b.csv"
    datasets.linear_backdoor(n=300).data.to_csv(p, index=False)
    r = _run("Z -> X -> Y; Z -> Y", "--data", str(p), "--treatment", "X", "--outcome", "Y",
             "--method", "regression", "--adjust", "")
    assert r.exit_code == 2, r.output
    assert "adjustment set {} is not valid: X <- Z -> Y is open; valid minimal sets: {Z}" \
        in r.stderr


def test_categorical_option_and_fifo(tmp_path) -> None:
    import os

    p = tmp_path / "c.csv"
    rng = np.random.default_rng(1)
    n = 2000
    z = rng.integers(0, 3, n)
    x = rng.binomial(1, np.array([0.2, 0.8, 0.5])[z])
    y = 2.0 * x + np.array([3.0, -2.0, 0.0])[z] + rng.normal(size=n)
    pd.DataFrame({"Z": z, "X": x, "Y": y}).to_csv(p, index=False)
    r = _run("Z -> X -> Y; Z -> Y", "--data", str(p), "--treatment", "X", "--outcome", "Y",
             "--categorical", "Z", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["categorical"] == ["Z"] and out["ci"][0] < 2.0 < out["ci"][1]
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    r = _run("Z -> X -> Y; Z -> Y", "--data", str(fifo), "--treatment", "X", "--outcome", "Y")
    assert r.exit_code == 2 and "not a regular file" in r.stderr
