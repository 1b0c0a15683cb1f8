"""``rung identify``: text, JSON contract, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

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


FIG5 = """dag {
bb="0,0,1,1"
U [latent,pos="0.5,0.2"]
X [exposure,pos="0.1,0.5"]
Y [outcome,pos="0.9,0.5"]
Z1 [pos="0.1,0.1"]
Z2 [pos="0.5,0.1"]
U -> Y
U -> Z2
X -> Y
Z1 -> X
Z1 -> Z2
}
"""


def _json(*args: str) -> dict[str, object]:
    r = runner.invoke(app, ["identify", *args, "--json"])
    assert r.exit_code == 0, r.output
    out: dict[str, object] = json.loads(r.stdout)
    return out


def test_lists_every_minimal_set_canonical_and_optimal() -> None:
    r = runner.invoke(app, ["identify", "A -> B -> X -> Y; A -> C -> Y", "-x", "X", "-y", "Y"])
    assert r.exit_code == 0, r.output
    assert "minimal: {A}; {B}; {C}" in r.stdout
    assert "canonical: {A, B, C}" in r.stdout and "optimal: {C}" in r.stdout
    adj = _json("A -> B -> X -> Y; A -> C -> Y", "-x", "X", "-y", "Y")["adjustment"]
    assert adj == {"effect": "total", "include": [], "exclude": [],
                   "minimal_sets": [["A"], ["B"], ["C"]], "canonical_set": ["A", "B", "C"],
                   "optimal_set": ["C"], "o_set": ["C"],
                   "optimal_reason": adj["optimal_reason"], "note": ""}  # type: ignore[index]


def test_dagitty_export_roles_and_no_optimal_set(tmp_path: Path) -> None:
    path = tmp_path / "fig5.dagitty"
    path.write_text(FIG5)
    out = _json(str(path))
    assert out["treatment"] == ["X"] and out["outcome"] == ["Y"]
    assert out["roles"] == {"treatment": ["X"], "outcome": ["Y"], "treatment_from": "graph",
                            "outcome_from": "graph", "notes": []}
    adj = out["adjustment"]
    assert adj["optimal_set"] is None and adj["o_set"] == ["Z1", "Z2"]  # type: ignore[index]
    assert adj["optimal_reason"].startswith("no optimal adjustment set exists")  # type: ignore[index]
    r = runner.invoke(app, ["identify", str(path)])
    assert "optimal: none; no optimal adjustment set exists" in r.stdout
    assert "treatment X from the graph's [exposure] tag" in r.stdout
    over = _json(str(path), "-x", "Z1")
    assert over["treatment"] == ["Z1"]
    assert over["roles"]["notes"] == [  # type: ignore[index]
        "--treatment Z1 overrides the graph's [exposure] X"]


def test_missing_roles_and_bad_constraints_exit_2() -> None:
    r = runner.invoke(app, ["identify", "X -> Y"])
    assert r.exit_code == 2 and "--treatment" in r.output and "[exposure]" in r.output
    r = runner.invoke(app, ["identify", "X -> Y", "-x", "X", "-y", "Y", "--include", "X"])
    assert r.exit_code == 2 and "treatment or outcome" in r.output
    r = runner.invoke(app, ["identify", "Z -> X -> Y", "-x", "X", "-y", "Y", "--include", "Z",
                            "--exclude", "Z"])
    assert r.exit_code == 2 and "both included and excluded" in r.output
    r = runner.invoke(app, ["identify", "Z -> X -> Y", "-x", "X", "-y", "Y", "--given", "Z",
                            "--effect", "direct"])
    assert r.exit_code == 2 and "--given" in r.output


def test_include_exclude() -> None:
    g = "A -> B -> X -> Y; A -> C -> Y"
    adj = _json(g, "-x", "X", "-y", "Y", "--exclude", "A", "--exclude", "C")["adjustment"]
    assert adj["minimal_sets"] == [["B"]] and adj["canonical_set"] == ["B"]  # type: ignore[index]
    assert adj["optimal_set"] is None  # the optimal {C} is excluded  # type: ignore[index]
    r = runner.invoke(app, ["identify", "Z -> X -> M -> Y; Z -> Y", "-x", "X", "-y", "Y",
                            "--include", "M"])
    assert r.exit_code == 0
    assert "no valid adjustment set contains {M}" in r.stdout and "M is a mediator" in r.stdout


def test_direct_effect() -> None:
    adj = _json("X -> M -> Y; X -> Y; Z -> X; Z -> Y", "-x", "X", "-y", "Y",
                "--effect", "direct")["adjustment"]
    assert adj["effect"] == "direct" and adj["minimal_sets"] == [["M", "Z"]]  # type: ignore[index]
    assert adj["canonical_set"] is None  # type: ignore[index]


def test_graph_adjusted_set_checked_then_used() -> None:
    mbias = "dag { X [exposure] Y [outcome] { A B } -> Z  A -> X B -> Y %s [adjusted] }"
    out = _json(mbias % "A")
    assert out["adjustment_set"] == ["A"] and out["graph_adjusted"]["used"] is True  # type: ignore[index]
    out = _json(mbias % "Z")
    bad = out["graph_adjusted"]
    assert bad["valid"] is False and bad["used"] is False  # type: ignore[index]
    assert bad["reason"] == "X <- A -> Z <- B -> Y is open"  # type: ignore[index]
    assert bad["minimal_sets_containing"] == [["A", "Z"], ["B", "Z"]]  # type: ignore[index]
    assert out["adjustment_set"] != ["Z"]
    r = runner.invoke(app, ["identify", mbias % "Z"])
    assert "is NOT valid: X <- A -> Z <- B -> Y is open; it is not used" in r.stdout


def test_graph_adjusted_set_for_direct_effect() -> None:
    g = "dag { X [exposure]; Y [outcome]; Z -> X -> M -> Y; Z -> Y; X -> Y; %s [adjusted] }"
    out = _json(g % "Z", "--effect", "direct")
    bad = out["graph_adjusted"]
    assert bad["valid"] is False and bad["reason"] == "X -> M -> Y is open"  # type: ignore[index]
    assert bad["minimal_sets_containing"] == [["M", "Z"]]  # type: ignore[index]
    both = "Z [adjusted]; M"
    good = _json(g % both, "--effect", "direct")["graph_adjusted"]
    assert good["valid"] is True and good["used"] is False  # type: ignore[index]
