"""What a task provides: a high-level causal model, a sampler and an input encoder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import torch

from rung.abstraction.causal_model import CausalModel, Values

__all__ = ["Inputs", "InterchangeData", "Task", "make_interchange_data", "make_task_data", "take"]

# a batch of network inputs: a tensor, or keyword tensors (e.g. {"input_ids": ...})
Inputs = torch.Tensor | Mapping[str, torch.Tensor]


def take(inputs: Inputs, idx: torch.Tensor | slice) -> Inputs:
    """The examples at ``idx`` of a tensor batch or of every tensor in a mapping."""
    if isinstance(inputs, Mapping):
        return {k: v[idx] for k, v in inputs.items()}
    return inputs[idx]


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
    """Base inputs, one source batch per intervened variable, counterfactual labels.

    Inputs are tensors or mappings of keyword tensors (Hugging Face style); ``labels`` are
    the class indices the intervened network should predict.
    """

    base: Inputs
    sources: dict[str, Inputs]
    labels: torch.Tensor

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    def batch(self, idx: torch.Tensor | slice) -> InterchangeData:
        """The examples at ``idx``."""
        return InterchangeData(
            take(self.base, idx), {v: take(s, idx) for v, s in self.sources.items()},
            self.labels[idx],
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
