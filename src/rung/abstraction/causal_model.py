"""High-level causal models: small SCMs of named variables, run on batches of tensors.

A :class:`CausalModel` is the *hypothesis* in causal abstraction (Geiger et al., 2021,
"Causal Abstractions of Neural Networks"): named variables, each computed from its parents
by a Python function on batched tensors. Its structure is a :class:`rung.graph.CausalGraph`,
so interventions use the same ``do`` vocabulary as the rest of rung.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import torch

from rung.graph import CausalGraph

__all__ = ["CausalModel", "UnknownVariableError", "Values"]

Values = dict[str, torch.Tensor]
Mechanism = Callable[..., torch.Tensor]


class UnknownVariableError(ValueError):
    """A variable name that the causal model does not have."""


@dataclass(frozen=True)
class CausalModel:
    """A deterministic structural causal model over named, batched tensor variables.

    Parameters
    ----------
    mechanisms : mapping of str to callable
        For each non-input variable, a function of its parents' values (passed as keyword
        arguments named after the parents) returning a batch tensor.
    parents : mapping of str to tuple of str
        The parents of each non-input variable; variables that appear only as parents are
        the inputs.
    output : str
        The variable the neural network is trained to predict.

    Examples
    --------
    >>> m = CausalModel(
    ...     mechanisms={"S": lambda x, y: x + y, "O": lambda S, z: S + z},
    ...     parents={"S": ("x", "y"), "O": ("S", "z")},
    ...     output="O",
    ... )
    >>> m.inputs
    ('x', 'y', 'z')
    >>> base = {"x": torch.tensor([1]), "y": torch.tensor([2]), "z": torch.tensor([3])}
    >>> int(m.run(base)["O"])
    6
    >>> src = {"x": torch.tensor([5]), "y": torch.tensor([5]), "z": torch.tensor([0])}
    >>> int(m.interchange(base, {"S": src}))
    13
    """

    mechanisms: Mapping[str, Mechanism]
    parents: Mapping[str, tuple[str, ...]]
    output: str
    graph: CausalGraph = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        missing = set(self.mechanisms) ^ set(self.parents)
        if missing:
            raise ValueError(
                f"variables {sorted(missing)} need both a mechanism and a parents entry"
            )
        edges = [(p, v) for v, ps in self.parents.items() for p in ps]
        graph = CausalGraph(directed=edges, nodes=[*self._input_names(), *self.parents])
        object.__setattr__(self, "graph", graph)
        if self.output not in self.parents:
            raise UnknownVariableError(
                f"output {self.output!r} is not a computed variable; pick one of "
                f"{sorted(self.parents)}"
            )

    def _input_names(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for ps in self.parents.values():
            for p in ps:
                if p not in self.parents:
                    seen[p] = None
        return tuple(seen)

    @property
    def inputs(self) -> tuple[str, ...]:
        """The exogenous input variables, in order of first appearance."""
        return self._input_names()

    @property
    def variables(self) -> tuple[str, ...]:
        """All variables in topological order."""
        return self.graph.topological_order()

    def check_variables(self, names: set[str] | Mapping[str, object]) -> None:
        """Raise :class:`UnknownVariableError` naming any variable not in the model."""
        unknown = sorted(set(names) - set(self.graph.nodes))
        if unknown:
            raise UnknownVariableError(
                f"unknown variables {unknown}; the model has {list(self.variables)}"
            )

    def run(self, inputs: Mapping[str, torch.Tensor],
            do: Mapping[str, torch.Tensor] | None = None) -> Values:
        """Compute every variable on a batch of inputs, with variables in ``do`` fixed.

        Parameters
        ----------
        inputs : mapping of str to Tensor
            A batch of values for each input variable (all the same batch size).
        do : mapping of str to Tensor, optional
            Hard interventions: these variables take the given values instead of their
            mechanisms (Pearl's do-operator; cf. :meth:`CausalGraph.do`).
        """
        do = dict(do or {})
        self.check_variables(do)
        absent = [v for v in self.inputs if v not in inputs and v not in do]
        if absent:
            raise UnknownVariableError(f"missing input values for {absent}")
        values: Values = {}
        for v in self.variables:
            if v in do:
                values[v] = do[v]
            elif v in self.parents:
                args = {p: values[p] for p in self.parents[v]}
                values[v] = self.mechanisms[v](**args)
            else:
                values[v] = inputs[v]
        return values

    def interchange(self, base: Mapping[str, torch.Tensor],
                    sources: Mapping[str, Mapping[str, torch.Tensor]]) -> torch.Tensor:
        """The counterfactual output: run ``base`` with each variable set to its value on
        its own source input (an interchange intervention, several sources at once).

        Parameters
        ----------
        base : mapping of str to Tensor
            Batched base inputs.
        sources : mapping of str to mapping
            For each intervened variable, the batched source inputs it is read from.
        """
        self.check_variables(sources)
        fixed = {v: self.run(src)[v] for v, src in sources.items()}
        return self.run(base, do=fixed)[self.output]
