"""Mechanisms as code: a node of a :class:`~rung.estimate.programs.bayesian.BayesianSCM`
whose conditional distribution is the user's own Pyro function of its inputs and parameters.

The function receives the values of the node's inputs (observed parents by name, and the
latents feeding it, named as in :func:`~rung.estimate.latent_structure`) and its parameters
θ (by the names of ``priors``), and returns a Pyro distribution. Inputs and parameters are
tensors that broadcast against each other (one value per unit during fitting; a batch of
posterior draws by units when a query is simulated), so the function must use elementwise
torch operations. ``do`` replaces the node's (or a parent's) sample statement as for every
built-in family: the mechanism is a program, intervened on by transformation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pyro.distributions as dist
import torch

__all__ = ["UserMechanism", "hill"]

MechanismFn = Callable[[Mapping[str, torch.Tensor], Mapping[str, torch.Tensor]], Any]


@dataclass(frozen=True)
class UserMechanism:
    """A user-written mechanism: ``fn(inputs, theta) -> pyro distribution`` and the priors
    of its parameters.

    Attributes
    ----------
    fn : callable
        ``(inputs, theta) -> Distribution``; ``inputs`` maps each parent (and latent) to its
        values, ``theta`` each parameter name of ``priors`` to its value.
    priors : dict
        Parameter name -> a Pyro distribution (its prior), or a number (a fixed value).
        Parameter sites are named ``"<node>:<name>"`` in the posterior.

    Examples
    --------
    >>> import pyro.distributions as dist
    >>> m = UserMechanism(lambda x, th: dist.Normal(th["a"] * x["X"], 1.0),
    ...                   priors={"a": dist.Normal(0.0, 1.0)})
    >>> float(m.fn({"X": torch.tensor(2.0)}, {"a": torch.tensor(3.0)}).mean)
    6.0
    """

    fn: MechanismFn
    priors: Mapping[str, Any]

    def __post_init__(self) -> None:
        if not callable(self.fn):
            raise TypeError(f"UserMechanism.fn must be callable, got {self.fn!r}; pass a "
                            "function (inputs, theta) -> pyro distribution")
        for name, prior in self.priors.items():
            if not isinstance(prior, int | float | dist.Distribution):
                raise TypeError(f"prior of parameter {name!r} is {prior!r}; pass a Pyro "
                                "distribution or a number (a fixed value)")


def hill(parent: str, *, vmax: Any = None, k: Any = None, n: Any = None,
         sigma: Any = None) -> UserMechanism:
    """Hill kinetics of one positive parent: Normal(vmax · x^n / (k^n + x^n), sigma).

    Each argument is a prior (a Pyro distribution) or a fixed number; ``None`` takes the
    default (vmax, k ~ LogNormal(0, 1.5); n ~ LogNormal(0, 0.5); sigma ~ HalfNormal(1)).

    Examples
    --------
    >>> m = hill("X", vmax=2.0, k=1.0, n=1.0, sigma=0.1)
    >>> float(m.fn({"X": torch.tensor(1.0)}, {"vmax": 2.0, "k": 1.0, "n": 1.0,
    ...                                       "sigma": 0.1}).mean)
    1.0
    """
    one = torch.ones((), dtype=torch.float64)
    lognormal: Any = dist.LogNormal
    defaults = {"vmax": lognormal(0 * one, 1.5 * one), "k": lognormal(0 * one, 1.5 * one),
                "n": lognormal(0 * one, 0.5 * one), "sigma": dist.HalfNormal(one)}
    given = {"vmax": vmax, "k": k, "n": n, "sigma": sigma}
    priors = {name: defaults[name] if v is None else v for name, v in given.items()}

    def fn(inputs: Mapping[str, torch.Tensor], th: Mapping[str, torch.Tensor]) -> Any:
        x = torch.as_tensor(inputs[parent]).clamp(min=1e-12)
        xn = x ** th["n"]
        return dist.Normal(th["vmax"] * xn / (torch.as_tensor(th["k"]) ** th["n"] + xn),
                           th["sigma"])

    return UserMechanism(fn=fn, priors=priors)
