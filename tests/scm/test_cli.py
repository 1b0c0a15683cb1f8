"""``rung scm``: JSON contract, text output and exit codes (0, 2 bad input, 3 unanswerable)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from rung.cli.scm import app

MODELS = Path(__file__).parent / "models"
runner = CliRunner()


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_actual_cause_json_contract() -> None:
    r = _run("actual-cause", str(MODELS / "forest_fire_disjunctive.toml"), "--cause", "L=1",
             "--effect", "FF=1", "--definition", "updated", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert {"is_cause", "definition", "witness", "responsibility", "cause", "effect"} <= set(out)
    assert out["is_cause"] is True and out["definition"] == "updated"
    assert out["witness"] == {"contingency": {"MD": 0}, "alternative": {"L": 0}}
    assert out["responsibility"] == 0.5 and out["cause"] == {"L": 1}


def test_actual_cause_default_is_modified_and_conjunctions_work() -> None:
    path = str(MODELS / "forest_fire_disjunctive.toml")
    r = _run("actual-cause", path, "--cause", "L=1", "--effect", "FF=1", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["is_cause"] is False
    assert json.loads(r.stdout)["definition"] == "modified"
    r = _run("actual-cause", path, "--cause", "L=1, MD=1", "--effect", "FF=1")
    assert r.exit_code == 0 and "IS an actual cause" in r.stdout


def test_counterfactual_value_and_probability() -> None:
    r = _run("counterfactual", str(MODELS / "rock_throwing.toml"), "--query", "BS[ST=0]",
             "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["kind"] == "value" and out["value"] == 1 and out["query"] == "BS[ST=0]"
    r = _run("counterfactual", str(MODELS / "treatment.toml"), "--query",
             "P(Y[X=1]=1 | X=0, Y=0)", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["kind"] == "probability" and 0 <= out["probability"] <= 1
    assert out["query"] == "P(Y[X=1]=1 | X=0, Y=0)"
    r = _run("counterfactual", str(MODELS / "treatment.toml"), "--query", "Y[X=0]")
    assert r.exit_code == 0 and "Y[X=0] = 0" in r.stdout


def test_bad_input_exits_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[exogenous]\nU = { domain = "bool", value = true }\n[endogenous]\n'
                   'X = { domain = "bool", equation = "__import__(\'os\').system(\'ls\')" }\n')
    r = _run("actual-cause", str(bad), "--cause", "X=1", "--effect", "X=1")
    assert r.exit_code == 2
    line = r.output.strip()
    assert "\n" not in line and "line 4" in line and "'__import__'" in line
    for args in (("--cause", "Q=1", "--effect", "FF=1"), ("--cause", "L=", "--effect", "FF=1")):
        r = _run("actual-cause", str(MODELS / "forest_fire_disjunctive.toml"), *args)
        assert r.exit_code == 2 and r.output.startswith("error: ")
    r = _run("counterfactual", str(MODELS / "rock_throwing.toml"), "--query", "BS[ST=0")
    assert r.exit_code == 2 and "column" in r.output
    r = _run("counterfactual", str(tmp_path / "missing.toml"), "--query", "Y")
    assert r.exit_code == 2 and "does not exist" in r.output


def test_search_bound_exits_3() -> None:
    r = _run("actual-cause", str(MODELS / "voting_11_0.toml"), "--cause", "V1=1", "--effect",
             "WIN=1", "--definition", "original", "--max-evaluations", "50")
    assert r.exit_code == 3 and "more than 50 model evaluations" in r.output
