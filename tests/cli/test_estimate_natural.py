"""``rung estimate --natural-effects``: NDE and NIE through the CLI, against the simulated truth."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from rung.cli.main import _register, app

GRAPH = "W -> X; W -> M; W -> Y; X -> M; M -> Y; X -> Y"


def _csv(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    n = 3000
    w = rng.normal(size=n)
    x = rng.binomial(1, 0.5, n)
    m = 0.8 * x + 0.5 * w + rng.normal(size=n)
    y = 1.0 * x + 2.0 * m + 0.3 * w + rng.normal(size=n)  # NDE 1.0, NIE 0.8 * 2 = 1.6
    path = tmp_path / "med.csv"
    pd.DataFrame({"W": w, "X": x, "M": m, "Y": y}).to_csv(path, index=False)
    return path


def test_natural_effects_cover_the_truth(tmp_path: Path) -> None:
    _register()
    res = CliRunner().invoke(app, ["estimate", GRAPH, "--data", str(_csv(tmp_path)),
                                   "--treatment", "X", "--outcome", "Y", "--mediator", "M",
                                   "--natural-effects", "--bootstrap", "40", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    for key, truth in (("nde", 1.0), ("nie", 1.6), ("te", 2.6)):
        lo, hi = out[f"{key}_ci"]
        assert lo <= truth <= hi, (key, out[key], lo, hi)
    assert out["additive"] is True and out["identification"]["covariates"] == ["W"]


def test_natural_effects_need_one_mediator(tmp_path: Path) -> None:
    _register()
    res = CliRunner().invoke(app, ["estimate", GRAPH, "--data", str(_csv(tmp_path)),
                                   "--treatment", "X", "--outcome", "Y", "--natural-effects"])
    assert res.exit_code == 2
    assert "exactly one --mediator" in res.output
