"""``rung studio`` refuses bad input with exit 2 and one line (before serving anything)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rung.cli.studio import app


@pytest.mark.parametrize(("args", "needle"), [
    ([], "give one of DATA.csv, RUN_DIR or --example"),
    (["x.csv", "--example", "sachs"], "give one of DATA.csv, RUN_DIR or --example"),
    (["--example", "nonesuch", "--no-browser"], "nonesuch"),
])
def test_bad_sources_exit_2(args: list[str], needle: str, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2, res.output
    assert needle in res.output and "Traceback" not in res.output


def test_missing_csv_and_plain_folder(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, [str(tmp_path / "nope.csv"), "--no-browser"])
    assert res.exit_code == 2 and "neither a CSV file nor a run directory" in res.output
    res = CliRunner().invoke(app, [str(tmp_path), "--no-browser"])
    assert res.exit_code == 2 and "not a rung copilot run directory" in res.output


def test_csv_needs_treatment_and_outcome(tmp_path: Path) -> None:
    csv = tmp_path / "d.csv"
    csv.write_text("a,b\n" + "".join(f"{i},{i * i % 7}\n" for i in range(20)), encoding="utf-8")
    res = CliRunner().invoke(app, [str(csv), "--no-browser"])
    assert res.exit_code == 2 and "--treatment and --outcome are required" in res.output


def test_taken_port_is_named(tmp_path: Path) -> None:
    from rung.studio.rundir import start_run_dir
    from rung.workflow import CopilotConfig, DataConfig
    from tests.studio.conftest import xss_frame

    csv = tmp_path / "d.csv"
    xss_frame(100).to_csv(csv, index=False)
    run = tmp_path / "run"
    start_run_dir(xss_frame(100), CopilotConfig(treatment="X", outcome="Y",
                                                data=DataConfig(source=str(csv))), run)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        res = CliRunner().invoke(app, [str(run), "--port", str(port), "--no-browser"])
    assert res.exit_code == 2, res.output
    assert f"port {port}" in res.output and "--port" in res.output
