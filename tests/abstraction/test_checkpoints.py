"""Checkpoints: a malicious pickle is refused unrun, corrupt files are named, writes are atomic."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn

from rung.abstraction._training import train_loop
from rung.abstraction.checkpoints import CheckpointError, load_checkpoint, save_checkpoint

RUNG = Path(sys.executable).parent / "rung"


class _Payload:
    """Unpickling this runs a shell command (what an attacker would plant)."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (self.command,))


def _fit(path: Path | None, steps: int = 3, width: int = 4) -> list[float]:
    torch.manual_seed(0)
    net = nn.Linear(width, 1)
    x = torch.randn(8, width)
    return train_loop(lambda _: net(x).pow(2).mean(), [net], steps, lr=1e-2, checkpoint=path,
                      every=1)


def _plant(path: Path, marker: Path, *, zipped: bool) -> None:
    payload = _Payload(f"touch {marker}")
    if zipped:  # torch's own zip format, payload inside data.pkl
        torch.save({"modules": [payload], "optimizer": {}, "history": []}, path)
    else:  # a bare pickle (torch's legacy format)
        path.write_bytes(pickle.dumps(payload, protocol=2))


def test_the_payload_really_runs_when_unpickled(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    pickle.loads(pickle.dumps(_Payload(f"touch {marker}"), protocol=2))
    assert marker.exists()  # so the refusals below are refusals of a live payload


@pytest.mark.parametrize("zipped", [True, False])
def test_malicious_checkpoint_is_refused_and_not_run(tmp_path: Path, zipped: bool) -> None:
    ckpt, marker = tmp_path / "train.pt", tmp_path / "pwned"
    _plant(ckpt, marker, zipped=zipped)
    with pytest.raises(CheckpointError, match=r"train\.pt.*refused by torch's safe") as err:
        _fit(ckpt)
    assert "posix.system" in str(err.value) or "Unsupported operand" in str(err.value)
    assert not marker.exists()


def test_truncated_checkpoint_is_named(tmp_path: Path) -> None:
    ckpt = tmp_path / "train.pt"
    _fit(ckpt)
    data = ckpt.read_bytes()
    ckpt.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match=r"train\.pt' cannot be read.*delete it to train"):
        _fit(ckpt)
    ckpt.write_bytes(b"")
    with pytest.raises(CheckpointError, match=r"train\.pt' cannot be read"):
        _fit(ckpt)


def test_checkpoint_of_another_network_is_refused(tmp_path: Path) -> None:
    ckpt = tmp_path / "train.pt"
    _fit(ckpt, width=4)
    with pytest.raises(CheckpointError, match=r"train\.pt' was saved for a different network"):
        _fit(ckpt, width=5)
    torch.save({"modules": [], "history": []}, ckpt)
    with pytest.raises(CheckpointError, match=r"does not hold the keys"):
        load_checkpoint(ckpt, n_modules=1)


def test_resume_continues_the_saved_history(tmp_path: Path) -> None:
    ckpt = tmp_path / "train.pt"
    first = _fit(ckpt, steps=3)
    resumed = _fit(ckpt, steps=5)
    assert resumed[:3] == first and len(resumed) == 5
    assert load_checkpoint(ckpt, n_modules=1)["history"] == resumed


def test_failed_save_keeps_the_previous_checkpoint(tmp_path: Path) -> None:
    ckpt = tmp_path / "train.pt"
    save_checkpoint(ckpt, {"modules": [], "optimizer": {}, "history": [1.0]})
    with pytest.raises(Exception, match=r"pickle|lambda"):  # a lambda cannot be pickled
        save_checkpoint(ckpt, {"modules": [], "optimizer": {"f": lambda: 0}, "history": [2.0]})
    assert load_checkpoint(ckpt, n_modules=0)["history"] == [1.0]
    assert [p.name for p in tmp_path.iterdir()] == ["train.pt"]  # no temporary file left


@pytest.mark.skipif(not RUNG.is_file(), reason="the rung console script is not installed")
def test_cli_refuses_a_planted_checkpoint(tmp_path: Path) -> None:
    ckpt_dir, marker = tmp_path / "ckpt", tmp_path / "pwned"
    ckpt_dir.mkdir()
    planted = ckpt_dir / "arithmetic-standard-L0-k16-t5-s0-train.pt"
    _plant(planted, marker, zipped=True)
    done = subprocess.run(
        [str(RUNG), "abstraction", "run", "arithmetic", "--steps", "5", "--checkpoint-dir",
         str(ckpt_dir), "--json"],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert str(planted) in lines[0] and "nothing in it was run" in lines[0]
    assert not marker.exists() and done.stdout == ""


def test_temporaries_of_killed_savers_are_removed(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stale = tmp_path / f".train.pt.{dead.stdout.strip()}.0badc0de.tmp"
    live = tmp_path / f".train.pt.{os.getpid()}.feedf00d.tmp"  # a save in progress here
    stale.write_bytes(b"half a checkpoint")
    live.write_bytes(b"in progress")
    save_checkpoint(tmp_path / "train.pt", {"modules": [], "optimizer": {}, "history": []})
    assert not stale.exists() and live.exists()


@pytest.mark.skipif(not RUNG.is_file(), reason="the rung console script is not installed")
def test_cli_resumes_after_sigkill(tmp_path: Path) -> None:
    import signal
    import time

    ckpt_dir = tmp_path / "ckpt"
    cmd = [str(RUNG), "abstraction", "run", "arithmetic", "--method", "das", "--steps", "20",
           "--checkpoint-dir", str(ckpt_dir), "--json"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while not list(ckpt_dir.glob("*-train.pt")) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "training ended before the first checkpoint could be seen"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    (saved,) = ckpt_dir.glob("*-train.pt")
    partial = load_checkpoint(saved, n_modules=1)["history"]  # whole, though killed
    assert 0 < len(partial) < 1500
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    history = load_checkpoint(saved, n_modules=1)["history"]
    assert len(history) == 1500 and history[: len(partial)] == partial
    assert not list(ckpt_dir.glob(".*.tmp"))
