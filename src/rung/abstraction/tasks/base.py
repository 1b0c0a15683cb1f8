"""What a task provides: a high-level causal model, a sampler and an input encoder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import torch

from rung.abstraction.causal_model import CausalModel, Values

__all__ = ["InterchangeData", "Task", "make_interchange_data", "make_task_data"]


class Task(Protocol):
    """A supervised task with a causal hypothesis about how it is solved.

    ``sample`` draws high-level input values (extra keys such as image indices are allowed:
    the causal model ignores them and ``encode`` may use them); ``encode`` turns them into
    the network's input batch.
    """

    @property
    def causal_model(self) -> CausalModel: ...

    @property
    def n_classes(self) -> int: ...

    def sample(self, n: int, generator: torch.Generator, *, train: bool = True) -> Values: ...

    def encode(self, values: Values) -> torch.Tensor: ...


@dataclass(frozen=True)
class InterchangeData:
    """Base inputs, one source batch per intervened variable, counterfactual labels."""

    base: torch.Tensor
    sources: dict[str, torch.Tensor]
    labels: torch.Tensor

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    def batch(self, idx: torch.Tensor | slice) -> InterchangeData:
        """The examples at ``idx``."""
        return InterchangeData(
            self.base[idx], {v: s[idx] for v, s in self.sources.items()}, self.labels[idx]
        )


def make_task_data(task: Task, n: int, seed: int = 0, *,
                   train: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` encoded inputs and their factual labels."""
    g = torch.Generator().manual_seed(seed)
    values = task.sample(n, g, train=train)
    labels = task.causal_model.run(values)[task.causal_model.output]
    return task.encode(values), labels


def make_interchange_data(task: Task, variables: str | tuple[str, ...], n: int,
                          seed: int = 0, *, train: bool = True) -> InterchangeData:
    """``n`` interchange examples: each variable in ``variables`` is read from its own
    source input, and the labels are the causal model's counterfactual outputs."""
    names = (variables,) if isinstance(variables, str) else tuple(variables)
    task.causal_model.check_variables(set(names))
    g = torch.Generator().manual_seed(seed)
    base = task.sample(n, g, train=train)
    sources = {v: task.sample(n, g, train=train) for v in names}
    labels = task.causal_model.interchange(base, sources)
    return InterchangeData(
        task.encode(base), {v: task.encode(s) for v, s in sources.items()}, labels
    )
