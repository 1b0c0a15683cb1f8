"""``rung copilot --graph`` reads treatment and outcome from the graph's tags
(:func:`rung.workflow.request.prepare_run`; the CLI only prints its notes)."""

from __future__ import annotations

import pandas as pd
import pytest

from rung.workflow.request import _graph_roles, prepare_run

TAGGED = "dag { A [exposure]; B [outcome]; C; C -> A; C -> B; A -> B }"


def test_roles_from_the_tags() -> None:
    treatment, outcome, notes = _graph_roles(TAGGED, None, None)
    assert (treatment, outcome) == ("A", "B")
    assert "note: A from the --graph file's tag" in notes


def test_a_flag_wins_over_the_tag() -> None:
    assert _graph_roles(TAGGED, "C", None)[:2] == ("C", "B")
    assert _graph_roles(TAGGED, "C", None)[2] == ["note: B from the --graph file's tag"]


def test_two_exposures_need_the_flag() -> None:
    with pytest.raises(ValueError, match="takes one of each"):
        _graph_roles(TAGGED.replace("C;", "C [exposure];"), None, None)


def test_prepare_run_takes_the_roles_and_categories_from_the_files(tmp_path) -> None:
    csv = tmp_path / "d.csv"
    rows = [(i % 3, (i * 7) % 5, ["lo", "hi"][i % 2]) for i in range(40)]
    pd.DataFrame(rows, columns=["A", "B", "C"]).to_csv(csv, index=False)
    run = prepare_run(csv, graph_text=TAGGED)
    assert (run.config.treatment, run.config.outcome) == ("A", "B")
    assert run.config.data.categorical == ("C",)
    assert run.config.data.source == str(csv) and run.notes


def test_prepare_run_keeps_the_truth_only_for_the_examples_own_contrast() -> None:
    assert prepare_run(example="linear_backdoor").config.report.true_effect == 2.0
    assert prepare_run(example="linear_backdoor",
                       contrast=(0.0, 1.0)).config.report.true_effect is None
    with pytest.raises(ValueError, match=r"either a DATA\.csv"):
        prepare_run()
