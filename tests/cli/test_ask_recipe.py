"""``rung ask judgment|counterfactual --recipe``: the formal model shown, the derived
quantity, exit 3 when rung cannot derive it, exit 2 for a bad model file."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

from rung.cli.main import run

RAIN = {"variables": ["rain", "wet"], "edges": [["rain", "wet"]], "confounded": [],
        "query": "ate", "treatment": "rain", "outcome": "wet",
        "numbers": {"P(rain=1)": 0.3, "P(wet=1 | rain=0)": 0.1, "P(wet=1 | rain=1)": 0.9}}


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = run(list(argv))
    return rc, out.getvalue(), err.getvalue()


def test_corrected_model_is_derived(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(RAIN))
    rc, out, _ = _run("ask", "judgment", "Rain wets streets.", "--question",
                      "Would the street be wet had it not rained?", "--formal", str(path))
    assert rc == 0
    assert "rain -> wet" in out and "= +0.800 (positive)" in out
    rc, out, _ = _run("ask", "counterfactual", "Rain wets streets.", "--question", "If not?",
                      "--option", "dry", "--option", "wet", "--formal", str(path), "--json")
    assert rc == 0
    rec = json.loads(out)["recipe"]
    assert rec["answered"] and abs(rec["value"] - 0.8) < 1e-9
    assert rec["model"] == RAIN


def test_story_without_numbers_shows_the_model_and_exits_3() -> None:
    rc, out, err = _run("ask", "judgment", "Rain wets streets.", "--question", "Did it?",
                        "--recipe", "--variables", "rain,streets", "--model", "scripted",
                        "--json", "--no-cache")
    assert rc == 3
    rec = json.loads(out)["recipe"]
    assert rec["model"]["variables"] == ["rain", "streets"] and not rec["answered"]
    assert err.count("\n") == 1 and "states no value for P(" in err


def test_bad_model_file_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"variables": ["a"]}))
    rc, _, err = _run("ask", "judgment", "x", "--recipe", "--formal", str(path))
    assert rc == 2 and "no 'edges'" in err and err.count("\n") == 1
    path.write_text(json.dumps({**RAIN, "treatment": "snow"}))
    rc, _, err = _run("ask", "judgment", "x", "--recipe", "--formal", str(path))
    assert rc == 2 and "treatment 'snow' is not one of" in err
    rc, _, err = _run("ask", "judgment", "x", "--recipe", "--variables", "a,,b",
                      "--model", "scripted")
    assert rc == 2 and "--variables" in err


def test_scm_file_answers_rung_scm(tmp_path: Path) -> None:
    """--scm writes the threshold model; `rung scm counterfactual` reads it: the probability
    of necessity P(wet_0=0 | rain=1, wet=1) = (0.9 - 0.1) / 0.9 there."""
    path, scm = tmp_path / "model.json", tmp_path / "rain.toml"
    path.write_text(json.dumps({**RAIN, "query": "necessity"}))
    rc, out, _ = _run("ask", "judgment", "Rain wets streets.", "--question", "Was it the rain?",
                      "--formal", str(path), "--scm", str(scm), "--json")
    assert rc == 0
    rec = json.loads(out)["recipe"]
    assert abs(rec["value"] - (0.8 / 0.9 - 0.5)) < 1e-9
    # Tian & Pearl from P(X, Y) and P(y | do(x)) alone: [(P(y) - P(y_0)) / P(x, y), 1]
    lo, hi = rec["bounds"]
    assert abs(lo - (0.34 - 0.1) / 0.27) < 1e-9 and abs(hi - 1.0) < 1e-9
    query = rec["scm"]["queries"][0]
    assert query == "P(wet[rain=0]=0 | rain=1, wet=1)"
    rc, out, _ = _run("scm", "counterfactual", str(scm), "--query", query, "--json")
    assert rc == 0 and abs(json.loads(out)["probability"] - 0.8 / 0.9) < 1e-9


def test_necessity_shows_the_bounds_the_data_allow(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps({**RAIN, "query": "necessity", "numbers": {
        "P(rain=1)": 0.5, "P(wet=1 | rain=0)": 0.4, "P(wet=1 | rain=1)": 0.8}}))
    rc, out, _ = _run("ask", "judgment", "Rain wets streets.", "--question", "Was it the rain?",
                      "--formal", str(path))
    # P(x, y) = 0.4, P(y) = 0.6, P(y_0) = 0.4, P(y'_0) = 0.6, P(x', y') = 0.3
    assert rc == 0 and "[0.500, 0.750]" in out and "Tian & Pearl" in out


def test_scm_file_refuses_a_shared_unobserved_cause(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps({**RAIN, "confounded": [["rain", "wet"]]}))
    rc, _, err = _run("ask", "judgment", "x", "--formal", str(path), "--scm",
                      str(tmp_path / "m.toml"))
    assert rc == 2 and "share an unobserved cause" in err and err.count("\n") == 1
    assert not (tmp_path / "m.toml").exists()
