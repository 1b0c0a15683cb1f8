"""A small optimisation loop shared by IIT and DAS: progress bar and resumable checkpoints."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import torch
from rich.progress import Progress
from torch import nn

from rung.abstraction.checkpoints import CheckpointError, load_checkpoint, save_checkpoint

__all__ = ["frozen", "train_loop"]


def train_loop(step_loss: Callable[[int], torch.Tensor], modules: Iterable[nn.Module],
               steps: int, *, lr: float, progress: bool = False,
               checkpoint: Path | None = None, every: int = 200,
               decay: bool = False, description: str = "training") -> list[float]:
    """Minimise ``step_loss(step)`` with Adam over the parameters of ``modules``.

    With ``decay`` the learning rate falls linearly from ``lr`` to 0 over the steps.

    When ``checkpoint`` is given, the modules, optimiser and loss history are saved every
    ``every`` steps and at the end; a later call with the same checkpoint resumes after the
    last saved step instead of starting over. Checkpoints are written atomically and read
    with torch's restricted (``weights_only``) unpickler; a corrupt, foreign or unsafe file
    raises :class:`~rung.abstraction.checkpoints.CheckpointError` naming it (see
    :mod:`rung.abstraction.checkpoints`).

    Returns
    -------
    list of float
        The loss at each step (including resumed ones).
    """
    if steps < 0:
        raise ValueError(f"steps={steps} must be non-negative")
    mods = list(modules)
    params = [p for m in mods for p in m.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=lr)
    history: list[float] = []
    if checkpoint is not None and checkpoint.exists():
        history = _resume(checkpoint, mods, opt)

    def save() -> None:
        if checkpoint is not None:
            state = {"modules": [m.state_dict() for m in mods],
                     "optimizer": opt.state_dict(), "history": history}
            save_checkpoint(checkpoint, state)

    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task(description, total=steps, completed=len(history))
        for step in range(len(history), steps):
            if decay:
                for group in opt.param_groups:
                    group["lr"] = lr * (1.0 - step / steps)
            opt.zero_grad(set_to_none=True)
            loss = step_loss(step)
            loss.backward()  # type: ignore[no-untyped-call]
            opt.step()
            history.append(float(loss.detach()))
            bar.advance(task)
            if (step + 1) % every == 0:
                save()
    save()
    return history


def _resume(path: Path, mods: list[nn.Module], opt: torch.optim.Optimizer) -> list[float]:
    """Load the checkpoint ``path`` into ``mods`` and ``opt``; return its loss history."""
    state = load_checkpoint(path, n_modules=len(mods))
    try:
        for m, s in zip(mods, state["modules"], strict=True):
            m.load_state_dict(s)
        opt.load_state_dict(state["optimizer"])
    except (RuntimeError, ValueError, KeyError, TypeError) as exc:
        first = " ".join(str(exc).split())[:200]
        raise CheckpointError(
            f"checkpoint {str(path)!r} was saved for a different network or optimiser "
            f"({first}); delete it to train from the start, or choose another "
            "--checkpoint-dir") from None
    return [float(h) for h in state["history"]]


class frozen:
    """Context manager: turn off ``requires_grad`` on a model's parameters, then restore."""

    def __init__(self, model: nn.Module) -> None:
        self.model = model
        self._flags: list[bool] = []

    def __enter__(self) -> nn.Module:
        self._flags = [p.requires_grad for p in self.model.parameters()]
        self.model.requires_grad_(False)
        return self.model

    def __exit__(self, *exc: object) -> None:
        for p, flag in zip(self.model.parameters(), self._flags, strict=True):
            p.requires_grad_(flag)
