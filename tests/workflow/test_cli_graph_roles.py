"""``rung copilot --graph`` reads treatment and outcome from the graph's tags."""

from __future__ import annotations

import pytest

from rung.cli.copilot import _graph_roles

TAGGED = "dag { A [exposure]; B [outcome]; C; C -> A; C -> B; A -> B }"


def test_roles_from_the_tags(capsys: pytest.CaptureFixture[str]) -> None:
    assert _graph_roles(TAGGED, None, None) == ("A", "B")
    assert "A from the --graph file's tag" in capsys.readouterr().err


def test_a_flag_wins_over_the_tag() -> None:
    assert _graph_roles(TAGGED, "C", None) == ("C", "B")


def test_two_exposures_need_the_flag() -> None:
    with pytest.raises(ValueError, match="takes one of each"):
        _graph_roles(TAGGED.replace("C;", "C [exposure];"), None, None)
