"""End-to-end runs on the built-in tasks: train, align, measure (used by the CLI).

Each run trains a small :class:`~rung.abstraction.models.MLP` on a task, then measures the
interchange intervention accuracy of the task's high-level variables at a layer:

- ``standard``: plain training; IIA of neuron-aligned sites (``k`` neurons per variable);
- ``iit``: interchange intervention training on those same sites, then their IIA;
- ``das`` / ``boundless-das`` / ``low-rank-das``: plain training, then a learned subspace
  per variable at the whole layer, with the best localist (neuron-slice) IIA beside it.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn

from rung.abstraction.das import DAS, BoundlessDAS, LowRankDAS
from rung.abstraction.iia import find_localist_alignments, interchange_accuracy, task_accuracy
from rung.abstraction.iit import IIT
from rung.abstraction.models import MLP, MLPConfig
from rung.abstraction.sites import Site
from rung.abstraction.tasks.arithmetic import ArithmeticTask
from rung.abstraction.tasks.base import (
    InterchangeData,
    Task,
    make_interchange_data,
    make_task_data,
)
from rung.abstraction.tasks.equality import EqualityTask
from rung.abstraction.tasks.pvr import PVRTask

__all__ = ["METHODS", "TASKS", "RunResult", "TaskSpec", "run_task"]


@dataclass(frozen=True)
class TaskSpec:
    """A built-in task with the network and defaults used to study it."""

    make: Callable[[], Task]
    variables: tuple[str, ...]
    d_hidden: int
    n_layers: int
    train_steps: int
    k: int
    lr: float = 1e-3


TASKS: dict[str, TaskSpec] = {
    "arithmetic": TaskSpec(ArithmeticTask, ("S",), d_hidden=64, n_layers=3,
                           train_steps=1500, k=16),
    "equality": TaskSpec(EqualityTask, ("WX", "YZ"), d_hidden=64, n_layers=3,
                         train_steps=4000, k=32),
    "pvr": TaskSpec(PVRTask, ("P",), d_hidden=128, n_layers=2, train_steps=3000, k=32),
}

METHODS = ("standard", "iit", "das", "boundless-das", "low-rank-das")


@dataclass
class RunResult:
    """What the CLI prints: ``{"task_accuracy", "iia", "method", "seconds", ...}``."""

    task_accuracy: float
    iia: dict[str, float]
    method: str
    seconds: float
    localist_iia: dict[str, float] = field(default_factory=dict)


def _neuron_sites(spec: TaskSpec, layer: int, k: int) -> dict[str, Site]:
    if k * len(spec.variables) > spec.d_hidden:
        raise ValueError(
            f"k={k} neurons for each of {len(spec.variables)} variables exceed the layer "
            f"width {spec.d_hidden}; use --k {spec.d_hidden // len(spec.variables)} or less"
        )
    return {v: Site(f"layers.{layer}", units=slice(i * k, (i + 1) * k))
            for i, v in enumerate(spec.variables)}


@dataclass(frozen=True)
class _Options:
    """Settings shared by the steps of one run."""

    seed: int
    progress: bool
    checkpoint_dir: Path | None
    tag: str

    def checkpoint(self, what: str) -> Path | None:
        """Where to save/resume ``what`` (``None``: no checkpoints)."""
        if self.checkpoint_dir is None:
            return None
        self.checkpoint_dir.mkdir(parents=True, exist_ok=True)
        return self.checkpoint_dir / f"{self.tag}-{what}.pt"


def _train(spec: TaskSpec, task: Task, alignment: dict[str, Site], steps: int,
           opts: _Options) -> nn.Module:
    torch.manual_seed(opts.seed)
    d_in = task.encode(task.sample(1, torch.Generator().manual_seed(0))).shape[-1]
    net = MLP(MLPConfig(d_in, task.n_classes, spec.d_hidden, spec.n_layers))
    IIT(alignment, steps=steps, lr=spec.lr, seed=opts.seed, progress=opts.progress,
        checkpoint=opts.checkpoint("train")).fit(net, task)
    return net


# method -> (class, learning rate); the boundary of Boundless DAS needs a larger step
_DAS_CLASSES: dict[str, tuple[type[DAS], float]] = {
    "das": (DAS, 1e-2), "boundless-das": (BoundlessDAS, 3e-2), "low-rank-das": (LowRankDAS, 1e-2),
}


def _check(name: str, method: str, layer: int) -> TaskSpec:
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose one of {sorted(TASKS)}")
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {list(METHODS)}")
    spec = TASKS[name]
    if not 0 <= layer < spec.n_layers:
        raise ValueError(f"layer {layer} out of range: the {name} network has layers "
                         f"0..{spec.n_layers - 1}")
    return spec


def _das_iia(method: str, net: nn.Module, task: Task, variable: str, site: Site, k: int,
             steps: int, data_seed: int, test: InterchangeData, opts: _Options,
             result: RunResult) -> None:
    cls, lr = _DAS_CLASSES[method]
    train = make_interchange_data(task, variable, 10_000, seed=data_seed)
    das = cls(variable, site, k, steps=steps, lr=lr, seed=opts.seed, progress=opts.progress,
              checkpoint=opts.checkpoint(f"{variable}-{steps}")).fit(net, train)
    result.iia[f"{variable}@{site}"] = das.score(net, test)
    local = find_localist_alignments(net, test, variable, [site.module], size=k)
    best = next(iter(local))
    result.localist_iia[f"{variable}@{best}"] = local[best]


def run_task(name: str, method: str = "standard", *, layer: int = 0, k: int | None = None,
             steps: int | None = None, seed: int = 0, n_eval: int = 2000,
             progress: bool = False, checkpoint_dir: Path | None = None) -> RunResult:
    """Train, align and measure one built-in task; see the module docstring.

    ``steps`` is the number of optimisation steps of the method itself (training for
    ``standard``/``iit``, subspace learning for the DAS variants, default 1,000). With
    ``checkpoint_dir``, training and subspace learning save their progress there and a
    repeated run resumes instead of starting over.
    """
    spec = _check(name, method, layer)
    k = spec.k if k is None else k
    start = time.perf_counter()
    task = spec.make()
    is_das = method in _DAS_CLASSES
    sites = {} if is_das else _neuron_sites(spec, layer, k)
    train_steps = spec.train_steps if is_das or steps is None else steps
    trained = "iit" if method == "iit" else "standard"
    opts = _Options(seed, progress, checkpoint_dir,
                    f"{name}-{trained}-L{layer}-k{k}-t{train_steps}-s{seed}")
    net = _train(spec, task, sites if method == "iit" else {}, train_steps, opts)
    x, y = make_task_data(task, n_eval, seed=10_000 + seed, train=False)
    result = RunResult(task_accuracy(net, x, y), {}, method, 0.0)
    for i, v in enumerate(spec.variables):
        test = make_interchange_data(task, v, n_eval, seed=20_000 + seed + i, train=False)
        if is_das:
            opts_das = dataclasses.replace(opts, tag=f"{opts.tag}-{method}")
            _das_iia(method, net, task, v, Site(f"layers.{layer}"), k,
                     1000 if steps is None else steps, 30_000 + seed + i, test, opts_das,
                     result)
        else:
            result.iia[f"{v}@{sites[v]}"] = interchange_accuracy(net, test, {v: sites[v]})
    result.seconds = time.perf_counter() - start
    return result
