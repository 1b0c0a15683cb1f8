"""Interventions as program transformations: ``do`` (graph mutilation via
:func:`pyro.poutine.do`), ``condition``, and the quantities built on them.

``do`` and ``condition`` work as a function (``do(program, {"X": 1.0})``), a decorator
(``@do(data={"X": 1.0})``) or a context manager (``with do(data={"X": 1.0}): ...``) and
compose with each other, exactly like the Pyro handlers they wrap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyro.poutine as poutine
import torch

from rung.estimate.errors import EstimationError
from rung.estimate.programs.scm import SCMProgram

__all__ = ["ate", "cate", "condition", "do", "interventional_samples"]

Values = Mapping[str, float | torch.Tensor]


def _site_values(fn: Any, data: Values) -> dict[str, torch.Tensor]:
    """Convert plain numbers to site tensors (category codes for discrete programs)."""
    out: dict[str, torch.Tensor] = {}
    for k, v in data.items():
        if isinstance(v, torch.Tensor):
            out[k] = v
        elif isinstance(fn, SCMProgram):
            out[k] = fn.to_site(k, float(v))
        else:
            out[k] = torch.as_tensor(float(v), dtype=torch.float64)
    return out


def _with_values(
    handler: Callable[..., Any], fn: Callable[..., Any] | None, data: Values | None
) -> Any:
    """Apply a ``data=``-taking poutine ``handler`` to ``fn`` (or return it as a decorator)."""
    values: dict[str, Any] = _site_values(fn, data or {})
    if fn is None:
        return handler(data=values)
    return handler(fn, data=values)


def do(fn: Callable[..., Any] | None = None, data: Values | None = None) -> Any:
    """Intervene: replace the sample statements of ``data``'s sites by constants.

    Examples
    --------
    >>> from rung.estimate.programs.linear_gaussian import LinearGaussianSCM
    >>> from rung.graph import CausalGraph
    >>> g = CausalGraph.from_edges("X -> Y")
    >>> scm = LinearGaussianSCM.from_parameters(g, weights={("X", "Y"): 2.0},
    ...                                         scales={"X": 1.0, "Y": 1e-9})
    >>> round(float(do(scm, {"X": 1.5})(4)["Y"].mean()), 6)
    3.0
    """
    return _with_values(poutine.do, fn, data)


def condition(fn: Callable[..., Any] | None = None, data: Values | None = None) -> Any:
    """Condition sample sites on observed values (``pyro.poutine.condition``)."""
    return _with_values(poutine.condition, fn, data)


def interventional_samples(
    program: SCMProgram,
    interventions: Mapping[str, float],
    num_samples: int = 10_000,
    seed: int | None = 0,
) -> pd.DataFrame:
    """Samples of every observed node under ``do(interventions)``, one row per unit.

    Examples
    --------
    >>> from rung.estimate.programs.linear_gaussian import LinearGaussianSCM
    >>> from rung.graph import CausalGraph
    >>> g = CausalGraph.from_edges("X -> Y")
    >>> scm = LinearGaussianSCM.from_parameters(g, weights={("X", "Y"): 2.0},
    ...                                         scales={"X": 1.0, "Y": 1.0})
    >>> df = interventional_samples(scm, {"X": 1.0}, num_samples=20000)
    >>> bool(abs(df["Y"].mean() - 2.0) < 0.05), df["X"].unique().tolist()
    (True, [1.0])
    """
    _check_nodes(program, interventions)
    run = poutine.seed(do(program, interventions), rng_seed=seed) if seed is not None else \
        do(program, interventions)
    with torch.no_grad():
        sites = run(num_samples)
    cols = {}
    for n in program.structure_.order:
        vals = program.from_site(n, sites[n])
        cols[n] = np.broadcast_to(vals, (num_samples,)).copy()
    return pd.DataFrame(cols)


def ate(
    program: SCMProgram,
    treatment: str,
    outcome: str,
    a: float = 1.0,
    b: float = 0.0,
    num_samples: int = 20_000,
    seed: int | None = 0,
) -> float:
    """E[outcome | do(treatment=a)] - E[outcome | do(treatment=b)] by simulation.

    Both arms use the same random numbers (common random numbers), which removes most of
    the Monte Carlo noise from the difference.
    """
    s = 0 if seed is None else seed
    ya = interventional_samples(program, {treatment: a}, num_samples, s)[outcome]
    yb = interventional_samples(program, {treatment: b}, num_samples, s)[outcome]
    return float(ya.mean() - yb.mean())


def cate(
    program: SCMProgram,
    treatment: str,
    outcome: str,
    a: float = 1.0,
    b: float = 0.0,
    *,
    given: Mapping[str, float],
    num_samples: int = 50_000,
    seed: int | None = 0,
) -> float:
    """E[Y | do(X=a), W=w] - E[Y | do(X=b), W=w] by likelihood weighting.

    The program runs under ``do`` and ``condition(given)``; each unit is weighted by the
    likelihood of the given values, so the weighted mean of Y is the conditional mean.
    """
    if treatment in given:
        raise EstimationError(f"given contains the treatment {treatment!r}; drop it")
    _check_nodes(program, {**given, treatment: a})
    means = []
    for v in (a, b):
        fn = condition(do(program, {treatment: v}), _site_values(program, given))
        with torch.no_grad():
            tr = poutine.trace(poutine.seed(fn, rng_seed=seed or 0)).get_trace(num_samples)
        nodes: Any = tr.nodes
        logw = sum(nodes[k]["fn"].log_prob(nodes[k]["value"]) for k in given)
        w = torch.exp(torch.as_tensor(logw) - torch.as_tensor(logw).max()).numpy()
        w = np.broadcast_to(w, (num_samples,))
        ess = w.sum() ** 2 / (w**2).sum()
        if ess < 50:
            raise EstimationError(
                f"the evidence {dict(given)} is too unlikely under the model (effective sample "
                f"size {ess:.0f}); raise num_samples or condition on likelier values"
            )
        y = np.broadcast_to(program.from_site(outcome, nodes[outcome]["value"]),
                            (num_samples,))
        means.append(float(np.sum(w * y) / np.sum(w)))
    return means[0] - means[1]


def _check_nodes(program: SCMProgram, values: Mapping[str, Any]) -> None:
    known = set(program.structure_.order)
    bad = sorted(set(values) - known)
    if bad:
        raise EstimationError(f"nodes {bad} are not observed nodes of the model {sorted(known)}")
