"""``rung identify``: text, JSON contract, exit codes."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from rung.cli.main import _register, app

_register()
runner = CliRunner()


def test_identifiable_json_contract() -> None:
    r = runner.invoke(app, ["identify", "X -> M -> Y; X <-> Y", "--treatment", "X",
                            "--outcome", "Y", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["identifiable"] is True and out["method"] == "frontdoor"
    assert out["adjustment_set"] is None
    assert out["estimand"]["text"] == "Σ_M P(M|X) Σ_X' P(Y|M,X') P(X')"
    assert out["estimand"]["tree"]["op"] == "sum"
    assert out["estimand"]["latex"].startswith(r"\sum_{M}")


def test_backdoor_and_hedge() -> None:
    r = runner.invoke(app, ["identify", "Z -> X -> Y; Z -> Y", "-x", "X", "-y", "Y", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["adjustment_set"] == ["Z"]
    r = runner.invoke(app, ["identify", "X -> Y; X <-> Y", "-x", "X", "-y", "Y", "--json"])
    assert r.exit_code == 0
    out = json.loads(r.stdout)
    assert out["identifiable"] is False
    assert out["hedge"] == {"F": ["X", "Y"], "F_prime": ["Y"]}
    r = runner.invoke(app, ["identify", "X -> Y; X <-> Y", "-x", "X", "-y", "Y"])
    assert r.exit_code == 0 and "NOT identifiable" in r.stdout


def test_conditional_and_bad_input() -> None:
    r = runner.invoke(app, ["identify", "X -> Z -> Y; X <-> Z", "-x", "X", "-y", "Y",
                            "--given", "Z", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["method"] == "idc"
    r = runner.invoke(app, ["identify", "X -> Y", "-x", "X", "-y", "Q"])
    assert r.exit_code == 2 and "Q" in r.output
    r = runner.invoke(app, ["identify", "X -> Y", "-x", "X", "-y", "X"])
    assert r.exit_code == 2 and "disjoint" in r.output
