"""Numerical verification of an estimand against the truth in random discrete SCMs.

Each bidirected edge becomes an explicit latent parent of its two ends; conditional
probability tables are drawn at random; the true ``P(y | do(x), z)`` is computed by exact
enumeration of the intervened model and compared, for every value of the free variables,
with the estimand evaluated on the exact observational joint. ``trials`` models are
evaluated at once along a leading batch axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rung.graph import CausalGraph
from rung.identify.api import Identification
from rung.identify.joint import evaluate_array

__all__ = ["RandomSCM", "VerificationReport", "verify"]

Array = npt.NDArray[np.float64]


class NothingToVerify(ValueError):
    """The result carries no estimand (not identifiable)."""


@dataclass(frozen=True)
class VerificationReport:
    """Outcome of :func:`verify`: the largest error over trials and free-variable values."""

    max_abs_error: float
    trials: int
    states: int

    @property
    def ok(self) -> bool:
        """True when the largest error is below 1e-9."""
        return self.max_abs_error < 1e-9


class RandomSCM:
    """Random discrete CPTs for ``graph`` (latent projection; one latent per bidirected edge).

    Axes of every factor: ``(trial, observed..., latent...)``, observed in ``nodes`` order.
    """

    def __init__(
        self, graph: CausalGraph, trials: int, states: int, rng: np.random.Generator
    ) -> None:
        g = graph.projected()
        self.nodes: tuple[str, ...] = g.nodes
        n, lat = len(self.nodes), len(g.bidirected_edges)
        axis = {v: 1 + i for i, v in enumerate(self.nodes)}
        self.shape = (trials, *([states] * (n + lat)))
        self.factors: dict[str, Array] = {}
        self.latent_priors: list[Array] = []
        fam: dict[str, list[int]] = {v: [axis[v]] + [axis[p] for p in g.parents(v)]
                                     for v in self.nodes}
        for k, (a, b) in enumerate(g.bidirected_edges):
            u = 1 + n + k
            fam[a].append(u)
            fam[b].append(u)
            self.latent_priors.append(self._table(rng, [u], u))
        for v in self.nodes:
            self.factors[v] = self._table(rng, fam[v], axis[v])

    def _table(self, rng: np.random.Generator, axes: list[int], child: int) -> Array:
        shape = [self.shape[0]] + [1] * (len(self.shape) - 1)
        for a in axes:
            shape[a] = self.shape[a]
        t: Array = rng.uniform(0.05, 1.0, size=shape)
        out: Array = t / t.sum(axis=child, keepdims=True)
        return out

    def _marginal(self, drop: frozenset[str], keep: set[str]) -> Array:
        """Σ over latents and non-kept observed of Π factors (except ``drop``)."""
        out: Array = np.ones((self.shape[0],) + (1,) * (len(self.shape) - 1))
        for f in self.latent_priors:
            out = out * f
        for v, f in self.factors.items():
            if v not in drop:
                out = out * f
        out = np.broadcast_to(out, self.shape)
        n = len(self.nodes)
        axes = tuple(1 + i for i, v in enumerate(self.nodes) if v not in keep)
        axes += tuple(range(1 + n, len(self.shape)))
        summed: Array = out.sum(axis=axes, keepdims=True)
        return summed[(...,) + (0,) * (len(self.shape) - 1 - n)]

    def observational(self) -> Array:
        """The joint over observed nodes, shape ``(trials, states, ...)``."""
        return self._marginal(frozenset(), set(self.nodes))

    def interventional(
        self, x: frozenset[str], y: frozenset[str], z: frozenset[str] = frozenset()
    ) -> Array:
        """``P(y | do(x), z)`` for every value of ``x, y, z`` (other axes length 1)."""
        joint = self._marginal(x, set(x | y | z))
        if not z:
            return joint
        ax = tuple(1 + i for i, v in enumerate(self.nodes) if v in y)
        cond: Array = joint / joint.sum(axis=ax, keepdims=True)
        return cond


def verify(
    graph: CausalGraph,
    result: Identification,
    trials: int = 5,
    seed: int = 0,
    states: int = 2,
) -> VerificationReport:
    """Largest |estimand - truth| over ``trials`` random SCMs and all variable values.

    Examples
    --------
    >>> from rung.identify import identify
    >>> g = CausalGraph.from_edges("W1 -> W2 -> X -> Y; W1 <-> X; W1 <-> Y")
    >>> verify(g, identify(g, "X", "Y"), trials=3).ok
    True
    """
    expr = result.estimand
    if expr is None:
        raise NothingToVerify(
            f"the effect of {sorted(result.treatment)} on {sorted(result.outcome)} has no "
            "estimand to verify (not identifiable)"
        )
    if trials < 1 or states < 2:
        raise ValueError(f"need trials >= 1 and states >= 2 (got {trials}, {states})")
    scm = RandomSCM(graph, trials, states, np.random.default_rng(seed))
    truth = scm.interventional(result.treatment, result.outcome, result.given)
    value = evaluate_array(expr, scm.observational(), scm.nodes)
    err = float(np.max(np.abs(np.broadcast_to(value, np.broadcast_shapes(value.shape,
                                                                          truth.shape)) - truth)))
    return VerificationReport(max_abs_error=err, trials=trials, states=states)
