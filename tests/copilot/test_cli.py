"""`rung ask` through typer's CliRunner: JSON contracts, exit codes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rung.cli import main
from rung.cli.ask import parse_describe, read_text_arg

main._register()
runner = CliRunner()


def test_parse_describe():
    d = parse_describe(
        "A=height above sea level; temperature=air temperature",
        {"A": "altitude", "B": "temperature"},
    )
    assert d == {"altitude": "height above sea level", "temperature": "air temperature"}
    with pytest.raises(ValueError, match="NAME=description"):
        parse_describe("oops", {})


def test_read_text_arg(tmp_path):
    f = tmp_path / "story.txt"
    f.write_text("A story.")
    assert read_text_arg(str(f)) == "A story."
    assert read_text_arg("Just text.") == "Just text."


def test_bad_input_exit_2():
    res = runner.invoke(main.app, ["ask", "pairwise", "x", "x", "--model", "scripted"])
    assert res.exit_code == 2
    assert "twice" in res.output
    res = runner.invoke(
        main.app,
        ["ask", "graph", "--variables", "a,b", "--strategy", "magic", "--model", "scripted"],
    )
    assert res.exit_code == 2 and "strategy" in res.output


@pytest.mark.llm
def test_pairwise_json_tiny(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("RUNG_LM_CACHE", str(tmp_path / "cache.sqlite"))
    res = runner.invoke(
        main.app,
        [
            "ask",
            "pairwise",
            "altitude",
            "temperature",
            "--model",
            "tiny",
            "--variants",
            "2",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    js = json.loads(res.stdout)
    assert js["answer"] in ("A->B", "B->A", "none")
    assert set(js["probabilities"]) == {"A->B", "B->A", "none"}
    assert [v["order"] for v in js["variants"]] == ["forward", "reverse"]
    assert {"prompt_id", "order", "answer", "p"} <= set(js["variants"][0])
    assert js["position_bias"]["first_option_share_raw"] is not None


@pytest.mark.llm
def test_graph_dot_and_json_tiny(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("RUNG_LM_CACHE", str(tmp_path / "cache.sqlite"))
    desc = tmp_path / "vars.yaml"
    desc.write_text("rain: rainfall in mm\nwet ground: whether the ground is wet\n")
    dot = tmp_path / "g.dot"
    res = runner.invoke(
        main.app,
        [
            "ask",
            "graph",
            "--descriptions",
            str(desc),
            "--strategy",
            "bfs",
            "--model",
            "tiny",
            "-o",
            str(dot),
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    js = json.loads(res.stdout)
    assert js["nodes"] == ["rain", "wet ground"] and js["strategy"] == "bfs"
    assert all({"from", "to", "confidence"} <= set(e) for e in js["edges"])
    assert dot.read_text().startswith("digraph")


def test_graph_top_k_option_reaches_the_library():
    # the scripted backend scores every option alike: only --top-k can keep an edge
    args = ["ask", "graph", "--variables", "a,b", "--model", "scripted", "--no-cache", "--json"]
    plain = runner.invoke(main.app, args)
    assert plain.exit_code == 0, plain.output
    assert json.loads(plain.stdout)["edges"] == []
    top = runner.invoke(main.app, [*args, "--top-k", "1"])
    assert len(json.loads(top.stdout)["edges"]) == 1
    assert json.loads(top.stdout)["calls"] == 4
