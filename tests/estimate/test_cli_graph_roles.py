"""``rung estimate`` reads treatment, outcome and ``[adjusted]`` from the graph's tags."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rung.cli.main import run

TAGGED = "dag { X [exposure]; Y [outcome]; %s Z -> X; Z -> Y; X -> Y; X -> M }"


@pytest.fixture(scope="module")
def csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = np.random.default_rng(3)
    n = 2000
    z = rng.normal(size=n)
    x = z + rng.normal(size=n)
    m = x + rng.normal(size=n)
    y = 2 * x + z + rng.normal(size=n)  # true effect of X on Y: 2
    path = tmp_path_factory.mktemp("roles") / "zxmy.csv"
    rows = "\n".join(f"{a},{b},{c},{d}" for a, b, c, d in zip(z, x, m, y, strict=True))
    path.write_text("Z,X,M,Y\n" + rows + "\n")
    return path


def _estimate(capsys: pytest.CaptureFixture[str], graph: str, csv: Path, *extra: str
              ) -> tuple[int, dict, str]:
    code = run(["estimate", graph, "--data", str(csv), "--method", "regression", "--json",
                *extra])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out else {}), err


def test_roles_and_valid_adjusted_set_come_from_the_graph(
        csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, res, _ = _estimate(capsys, TAGGED % "Z [adjusted];", csv)
    assert code == 0 and abs(res["ate"] - 2.0) < 0.15
    assert any("[adjusted] set {Z} is valid and is used" in n for n in res["notes"])
    assert any("[exposure]" in n for n in res["notes"])


def test_invalid_adjusted_set_is_named_and_not_used(
        csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, res, _ = _estimate(capsys, TAGGED % "M [adjusted];", csv)
    assert code == 0 and abs(res["ate"] - 2.0) < 0.15  # the valid set was used instead
    assert any("NOT valid: X <- Z -> Y is open" in n for n in res["notes"])


def test_a_flag_overrides_the_tag(csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, res, _ = _estimate(capsys, TAGGED % "", csv, "--outcome", "M")
    assert code == 0 and abs(res["ate"] - 1.0) < 0.15
    assert any("overrides" in n for n in res["notes"])


def test_no_tag_and_no_flag_is_exit_2(csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _estimate(capsys, "X -> Y; Z -> X", csv)
    assert code == 2 and "no exposure given" in err
