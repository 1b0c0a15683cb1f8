"""``rung identify GRAPH --query``: counterfactual identification from the command line."""

from __future__ import annotations

import json

import pytest

from rung.cli.main import run


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ett_in_the_backdoor_graph_is_identified(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "identify", "X -> Y; Z -> X; Z -> Y", "--query",
                        "P(Y[X=1]=1 | X=0)", "--json")
    res = json.loads(out)
    assert code == 0 and res["identifiable"] is True
    assert res["query"]["text"] == "P(Y[X=1]=1 | X=0)"
    assert "P(Y=1|X=1,Z=z)" in res["estimand"]["text"]


def test_pns_in_the_bow_is_not_identified(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "identify", "X -> Y; X <-> Y", "--query",
                        "P(Y[X=1]=1, Y[X=0]=0)")
    assert code == 0 and "NOT identifiable" in out


def test_bad_query_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "identify", "X -> Y", "--query", "P(Y[X=1=1")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1


def test_query_with_treatment_flag_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "identify", "X -> Y", "--query", "P(Y[X=1]=1)", "-x", "X")
    assert code == 2 and "--query states the whole" in err
