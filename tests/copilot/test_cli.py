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


SCRIPTED = ["--model", "scripted", "--no-cache"]


def test_pairwise_tie_answers_undecided():
    # the scripted test double scores every option alike: A->B and B->A tie exactly
    res = runner.invoke(main.app, ["ask", "pairwise", "altitude", "temperature", "-k", "2",
                                   *SCRIPTED])
    assert res.exit_code == 0, res.output
    assert "answer undecided" in res.stdout and "margin 0.000 < 0.05" in res.stdout
    js = json.loads(runner.invoke(main.app, ["ask", "pairwise", "altitude", "temperature",
                                             "-k", "2", *SCRIPTED, "--json"]).stdout)
    assert js["decision"] == "undecided" and js["decided"] is False
    assert js["answer"] in ("A->B", "B->A", "none")  # the best guess, key kept


@pytest.mark.parametrize("bad", ["-2", "0", "NaN", "Infinity", '"hot"'])
def test_bad_calibration_temperature_exits_2_naming_it(tmp_path, bad):
    cal = tmp_path / "cal.json"
    cal.write_text(f'{{"temperature": {bad}}}')
    res = runner.invoke(main.app, ["ask", "pairwise", "a", "b", "-k", "2", *SCRIPTED,
                                   "--calibration", str(cal), "--json"])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output and res.stdout == ""
    assert "temperature" in res.stderr and "finite number > 0" in res.stderr
    assert str(cal) in res.stderr


def test_empty_graph_is_reported_never_written_silently(tmp_path):
    dot = tmp_path / "g.dot"
    res = runner.invoke(main.app, ["ask", "graph", "--variables", "a,b", *SCRIPTED, "-o",
                                   str(dot)])
    assert res.exit_code == 0, res.output
    assert f"warning: {dot} holds an empty graph" in res.stderr
    assert "--top-k" in res.stderr and "--threshold" in res.stderr
    assert "// empty:" in dot.read_text()
    js = json.loads(runner.invoke(main.app, ["ask", "graph", "--variables", "a,b", *SCRIPTED,
                                             "--json"]).stdout)
    assert js["empty"] is True and "--top-k" in js["empty_reason"]
    assert [(u["from"], u["to"]) for u in js["undecided"]] == [("a", "b")]


def test_custom_template_is_asked_or_explained(tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text('[[template]]\nid = "mine"\nfamily = "pairwise"\n'
                    'text = "{preamble}Would changing {x} move {y}? {first} or {second}."\n'
                    '[[template]]\nid = "off"\nfamily = "pairwise"\nenabled = false\n'
                    'text = "{preamble}{x} {y} {first} {second}"\n')
    res = runner.invoke(main.app, ["ask", "pairwise", "a", "b", *SCRIPTED, "--templates",
                                   str(mine), "--json"])
    assert res.exit_code == 0, res.output
    js = json.loads(res.stdout)
    assert len(js["variants"]) == 8 and js["variants"][0]["prompt_id"] == "mine"
    assert "template 'off' (pairwise) was not asked: it is disabled" in res.stderr


def test_role_commands_match_the_role_enum():
    from rung.cli.ask import ROLE_NAMES
    from rung.copilot import Role

    assert tuple(r.value for r in Role) == ROLE_NAMES
    res = runner.invoke(main.app, ["ask", "mediators", "x", "y", "--candidate", "z",
                                   *SCRIPTED, "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["role"] == "mediator"


def test_non_finite_json_is_a_backend_error():
    import math

    from rung.cli.ask import _print_json
    from rung.lm.base import LMError

    with pytest.raises(LMError, match="non-finite"):
        _print_json({"p": math.nan})


def _tuebingen_dir():
    from pathlib import Path

    for up in Path(__file__).resolve().parents:
        if (up / "shared" / "data" / "tuebingen" / "pairs.csv").is_file():
            return up / "shared" / "data"
    pytest.skip("../shared/data/tuebingen not found")


def test_calibrate_command_writes_a_calibration(tmp_path):
    out = tmp_path / "edge.json"
    res = runner.invoke(main.app, ["ask", "calibrate", "--pairs", "4", "--heldout", "2",
                                   "--data-dir", str(_tuebingen_dir()), *SCRIPTED, "-o",
                                   str(out)])
    assert res.exit_code == 0, res.output
    from rung.copilot import EdgeCalibration

    cal = EdgeCalibration.from_json(json.loads(out.read_text()))
    assert cal.n == 8 and cal.heldout_after is not None and cal.heldout_after.n == 4
    assert "Tübingen" in cal.fitted_on and cal.model == "scripted"
    bad = runner.invoke(main.app, ["ask", "calibrate", "--pairs", "500", *SCRIPTED,
                                   "--data-dir", str(_tuebingen_dir())])
    assert bad.exit_code == 2 and "available" in bad.stderr


def test_belief_command_with_a_given_calibration(tmp_path):
    from rung.copilot import EdgeSample, fit_edge_calibration

    samples = [EdgeSample("x", "y", p, t) for p, t in ((0.9, True), (0.6, True), (0.4, False),
                                                       (0.2, False), (0.7, False))]
    cal = fit_edge_calibration(samples, model="scripted", variants=2, content_free=True,
                               fitted_on="five edges")
    path = tmp_path / "edge.json"
    path.write_text(json.dumps(cal.to_json()))
    res = runner.invoke(main.app, ["ask", "belief", "a", "b", *SCRIPTED, "--edge-calibration",
                                   str(path), "--json"])
    assert res.exit_code == 0, res.output
    forward, backward = json.loads(res.stdout)
    assert (forward["source"], backward["source"]) == ("a", "b") and forward["note"] == ""
    assert forward["p_calibrated"] is not None and "five edges" in forward["calibration"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"kind": "rung.copilot.EdgeCalibration", "slope": -1}')
    res = runner.invoke(main.app, ["ask", "belief", "a", "b", *SCRIPTED, "--edge-calibration",
                                   str(bad)])
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_belief_command_refuses_a_calibration_file_that_is_not_json(tmp_path):
    broken = tmp_path / "edge.json"
    broken.write_text('{"kind": ')
    res = runner.invoke(main.app, ["ask", "belief", "a", "b", *SCRIPTED, "--edge-calibration",
                                   str(broken)])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert f"--edge-calibration file {str(broken)!r} is not JSON" in res.stderr
    assert "line 1" in res.stderr and "rung ask calibrate -o" in res.stderr
