"""Two ladder modes compared on shared items: the paired gap and the name gaps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rung.bench.ladder_compare import (
    LadderComparison,
    compare_ladder_runs,
    compare_records,
    comparison_markdown,
)
from rung.bench.ledger import Ledger
from rung.bench.metrics import paired_gap, unpaired_gap
from rung.cli import main as cli_main

NAMES = ("commonsense", "anti", "nonsense")


def _records(mode: str, correct: list[bool]) -> list[dict[str, Any]]:
    return [{"key": f"base/i{i}", "item": f"i{i}", "probe": "base", "mode": mode,
             "rung": 1 + i % 3, "name_type": NAMES[(i // 3) % 3], "correct": c}
            for i, c in enumerate(correct)]


def _write(folder: Path, records: list[dict[str, Any]]) -> Path:
    led = Ledger(folder / "answers.jsonl")
    for r in records:
        led.append(r)
    return folder


DIRECT = [True, False, True, False, False, True, True, False, False] * 2
RECIPE = [True] * 17 + [False]


def test_rows_pair_the_shared_items_and_match_the_metrics() -> None:
    cmp = compare_records(_records("direct", DIRECT), _records("recipe", RECIPE)[:15])
    assert cmp.modes == ("direct", "recipe") and cmp.n == 15
    rows = {r.group: r for r in cmp.rows}
    assert next(iter(rows)) == "all"
    assert set(rows) == {"all", "rung 1", "rung 2", "rung 3", *NAMES}
    assert rows["all"].gap == paired_gap([int(c) for c in DIRECT[:15]], [1] * 15)
    rung2 = [i for i in range(15) if i % 3 == 1]
    assert rows["rung 2"].first.n == len(rung2)
    assert rows["rung 2"].first.value == pytest.approx(sum(DIRECT[i] for i in rung2) / 5)


def test_name_gaps_are_against_commonsense_within_each_mode() -> None:
    cmp = compare_records(_records("direct", DIRECT), _records("recipe", RECIPE))
    gaps = {(g.mode, g.name_type): g.gap for g in cmp.name_gaps}
    assert set(gaps) == {(m, k) for m in ("direct", "recipe") for k in ("anti", "nonsense")}
    idx = {k: [i for i in range(18) if NAMES[(i // 3) % 3] == k] for k in NAMES}
    want = unpaired_gap([int(DIRECT[i]) for i in idx["nonsense"]],
                        [int(DIRECT[i]) for i in idx["commonsense"]])
    assert gaps[("direct", "nonsense")] == want


def test_json_round_trip_and_markdown() -> None:
    cmp = compare_records(_records("direct", DIRECT), _records("recipe", RECIPE))
    assert LadderComparison.from_json(json.loads(json.dumps(cmp.to_json()))) == cmp
    md = comparison_markdown(cmp)
    assert "| all | 18 |" in md and "direct − recipe" in md and "| recipe | nonsense |" in md


def test_bad_inputs_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="share no answered item"):
        compare_records(_records("direct", DIRECT), [
            dict(r, item="other" + r["item"]) for r in _records("recipe", RECIPE)])
    mixed = _records("direct", DIRECT)[:2] + _records("cot", DIRECT)[2:]
    with pytest.raises(ValueError, match=r"modes \['cot', 'direct'\]"):
        compare_records(mixed, _records("recipe", RECIPE))
    with pytest.raises(ValueError, match=r"no answers\.jsonl"):
        compare_ladder_runs(tmp_path, tmp_path)


def test_cli_compares_two_run_folders(tmp_path: Path) -> None:
    a = _write(tmp_path / "a", _records("direct", DIRECT))
    b = _write(tmp_path / "b", _records("recipe", RECIPE))
    cli_main._register()
    runner = CliRunner()
    res = runner.invoke(cli_main.app, ["bench", "compare", str(a), str(b), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == compare_ladder_runs(a, b).to_json()
    res = runner.invoke(cli_main.app, ["bench", "compare", str(a), str(tmp_path / "none")])
    assert res.exit_code == 2 and "no answers.jsonl" in res.output
    assert "Traceback" not in res.output
