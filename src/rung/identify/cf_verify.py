"""Numerical checks of counterfactual estimands and hedges on random discrete SCMs.

:class:`ResponseSCM` is a structural model with finite latents: one own noise ``U_V`` per
node and one latent per bidirected edge; every node is a random deterministic function of
its parents and latent parents (a response-function table). Enumerating the latent
configurations gives every counterfactual exactly: a world ``do(x)`` is evaluated for each
configuration, and worlds share the configuration (the parallel-worlds / twin network).

* :func:`verify_counterfactual`: the largest ``|estimand - truth|`` over random SCMs, the
  estimand evaluated on the exact observational joint (the ``experimental_estimand`` on
  the exact interventional distributions with ``experimental=True``).
* :func:`find_counterexample`: two SCMs (the same response functions, two latent
  distributions) that agree on the observational distribution (or on every
  interventional one) to 1e-12 and disagree on the query: the proof that a hedge is a true
  non-identification. It walks the fibre ``{θ : obs(θ) = obs(θ0)}`` of the latent
  distributions, moving along the query's gradient projected on the fibre's tangent.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from rung.graph import CausalGraph
from rung.identify.cf_api import CounterfactualIdentification
from rung.identify.cf_estimand import (
    At,
    CfAdd,
    CfConst,
    CfExpr,
    CfFraction,
    CfProduct,
    CfSum,
    Do,
    Sym,
)
from rung.identify.counterfactual import CfEvent, CfQuery
from rung.identify.joint import evaluate_array
from rung.identify.verify import VerificationReport

__all__ = ["Counterexample", "ResponseSCM", "find_counterexample", "verify_counterfactual"]

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class ResponseSCM:
    """A random SCM over ``graph`` (latent projection) with enumerated latent configurations.

    The own noise ``U_V`` of a node indexes a list of response functions (maps from parent
    values to a value of ``V``): all of them when there are at most ``max_responses``, else
    the ``k`` shifts ``pa ↦ (c(pa) + u) mod k`` and random others, so ``P(v) > 0``. A
    shared latent ``U_VW`` (``latent_states`` values) rotates that list by a random offset,
    which makes the response types of ``V`` and ``W`` dependent.
    """

    def __init__(self, graph: CausalGraph, states: int, rng: np.random.Generator,
                 latent_states: int = 2, domain: Mapping[str, int] | None = None,
                 max_responses: int = 16) -> None:
        g = graph.projected()
        self.graph = g
        self.nodes: tuple[str, ...] = g.topological_order()
        self.card = {v: (domain or {}).get(v, states) for v in self.nodes}
        self.responses = {v: self._responses(v, rng, max_responses) for v in self.nodes}
        shared = list(g.bidirected_edges)
        self.sizes = tuple([len(self.responses[v]) for v in self.nodes]
                           + [latent_states] * len(shared))
        grid = np.array(list(itertools.product(*[range(k) for k in self.sizes])),
                        dtype=np.int64)
        self.configs: IntArray = grid.reshape(-1, len(self.sizes))
        n = len(self.nodes)
        self.lat_of = {v: [n + k for k, e in enumerate(shared) if v in e] for v in self.nodes}
        self.offsets = {v: self._offsets(len(self.lat_of[v]), self.sizes[i], latent_states, rng)
                        for i, v in enumerate(self.nodes)}
        self.logits = [rng.normal(size=k) for k in self.sizes]

    @staticmethod
    def _offsets(n_lat: int, k: int, latent_states: int, rng: np.random.Generator) -> IntArray:
        """Distinct rotations per shared-latent configuration (while ``k`` allows)."""
        n = latent_states ** n_lat
        vals = rng.permutation(k)[:n] if n <= k else rng.integers(0, k, size=n)
        out: IntArray = np.asarray(vals, dtype=np.int64).reshape([latent_states] * n_lat)
        return out

    def _responses(self, v: str, rng: np.random.Generator, cap: int) -> IntArray:
        """Response functions of ``v``: one row per function, one column per parent value."""
        k = self.card[v]
        m = int(np.prod([self.card[p] for p in sorted(self.graph.parents(v))]))
        if k ** m <= cap:
            grid = np.array(list(itertools.product(range(k), repeat=m)), dtype=np.int64)
            return grid.reshape(-1, m)
        base = rng.integers(0, k, size=m)
        shifts = (base[None, :] + np.arange(k)[:, None]) % k
        out: IntArray = np.vstack([shifts, rng.integers(0, k, size=(cap - k, m))])
        return out.astype(np.int64)

    def probs(self, logits: list[Array] | None = None) -> Array:
        """Probability of each latent configuration (independent latents, softmax priors)."""
        p: Array = np.ones(len(self.configs))
        for k, lg in enumerate(logits if logits is not None else self.logits):
            th = np.exp(lg - lg.max())
            p = p * (th / th.sum())[self.configs[:, k]]
        return p

    def world(self, do: Mapping[str, int]) -> dict[str, IntArray]:
        """Every node's value in ``do(x)``, per latent configuration."""
        val: dict[str, IntArray] = {}
        for i, v in enumerate(self.nodes):
            if v in do:
                val[v] = np.full(len(self.configs), do[v], dtype=np.int64)
                continue
            pa = sorted(self.graph.parents(v))
            cell = np.zeros(len(self.configs), dtype=np.int64)
            for p in pa:
                cell = cell * self.card[p] + val[p]
            shift = self.offsets[v][tuple(self.configs[:, j] for j in self.lat_of[v])]
            u = (self.configs[:, i] + shift) % self.sizes[i]
            val[v] = self.responses[v][u, cell]
        return val

    def event_mask(self, events: tuple[CfEvent, ...]) -> npt.NDArray[np.bool_]:
        """Configurations where every event holds."""
        mask = np.ones(len(self.configs), dtype=bool)
        for e in events:
            mask &= self.world(dict(e.interventions))[e.variable] == e.value
        return mask

    def joint_matrix(self, do: Mapping[str, int]) -> Array:
        """Indicator matrix (cells of ``P_do(v)`` × configurations)."""
        vals = self.world(do)
        shape = tuple(self.card[v] for v in self.nodes)
        flat = np.ravel_multi_index(tuple(vals[v] for v in self.nodes), shape)
        m: Array = np.zeros((int(np.prod(shape)), len(self.configs)))
        m[flat, np.arange(len(self.configs))] = 1.0
        return m

    def joint(self, do: Mapping[str, int] | None = None, p: Array | None = None) -> Array:
        """``P_do(v)`` as a table with one axis per node (in ``self.nodes`` order)."""
        shape = tuple(self.card[v] for v in self.nodes)
        out: Array = (self.joint_matrix(do or {}) @ (self.probs() if p is None else p)
                      ).reshape(shape)
        return out

    def query(self, q: CfQuery, p: Array | None = None) -> float:
        """The true ``P(γ | δ)`` (nan when ``P(δ) = 0``)."""
        p = self.probs() if p is None else p
        num = float(p[self.event_mask(q.outcome + q.given)].sum())
        if not q.given:
            return num
        den = float(p[self.event_mask(q.given)].sum())
        return num / den if den > 0 else float("nan")


def _value(v: int | Sym, env: Mapping[Sym, int]) -> int:
    return env[v] if isinstance(v, Sym) else v


def evaluate_cf(e: CfExpr, scm: ResponseSCM, env: Mapping[Sym, int] | None = None) -> float:
    """Value of a counterfactual estimand in ``scm``: :class:`At` terms on the observational
    joint, :class:`Do` terms on the exact interventional distributions."""
    env = env or {}
    if isinstance(e, CfConst):
        return float(e.value)
    if isinstance(e, At):
        arr = evaluate_array(e.expr, scm.joint(), scm.nodes)
        bind = {k: _value(v, env) for k, v in e.values}
        index = tuple(bind[n] if arr.shape[i] > 1 else 0 for i, n in enumerate(scm.nodes))
        return float(arr[index])
    if isinstance(e, Do):
        do = {k: _value(v, env) for k, v in e.do}
        q = CfQuery(tuple(CfEvent(k, _value(v, env), tuple(do.items())) for k, v in e.outcome))
        return scm.query(q)
    if isinstance(e, CfSum):
        total = 0.0
        for vals in itertools.product(*[range(scm.card[s.variable]) for s in e.over]):
            total += evaluate_cf(e.expr, scm, {**env, **dict(zip(e.over, vals, strict=True))})
        return total
    if isinstance(e, CfAdd):
        return sum(evaluate_cf(t, scm, env) for t in e.terms)
    if isinstance(e, CfProduct):
        out = 1.0
        for f in e.factors:
            out *= evaluate_cf(f, scm, env)
        return out
    if isinstance(e, CfFraction):
        return evaluate_cf(e.numerator, scm, env) / evaluate_cf(e.denominator, scm, env)
    raise TypeError(f"cannot evaluate {type(e).__name__}: not a counterfactual estimand")


def verify_counterfactual(graph: CausalGraph, result: CounterfactualIdentification,
                          trials: int = 5, seed: int = 0, states: int = 2,
                          experimental: bool = False) -> VerificationReport:
    """Largest ``|estimand - truth|`` over ``trials`` random SCMs.

    Examples
    --------
    >>> from rung.identify.cf_api import identify_counterfactual
    >>> g = CausalGraph.from_edges("Z -> X -> Y; Z -> Y")
    >>> verify_counterfactual(g, identify_counterfactual(g, "P(Y[X=1]=1 | X=0)")).ok
    True
    """
    e = result.experimental_estimand if experimental else result.estimand
    if e is None:
        raise ValueError(f"{result.query.to_text()} has no estimand to verify "
                         f"(status {result.status}); use find_counterexample for a hedge")
    rng = np.random.default_rng(seed)
    err = 0.0
    for _ in range(trials):
        scm = ResponseSCM(graph, states, rng)
        err = max(err, abs(evaluate_cf(e, scm) - scm.query(result.query)))
    return VerificationReport(max_abs_error=err, trials=trials, states=states)


@dataclass(frozen=True)
class Counterexample:
    """Two SCMs (``scm`` with latent distributions ``probs_a`` and ``probs_b``) that agree
    on the compared distributions to ``agreement`` and give the query ``value_a`` and
    ``value_b``."""

    scm: ResponseSCM
    probs_a: Array
    probs_b: Array
    value_a: float
    value_b: float
    agreement: float
    compared: Literal["observational", "experimental"]

    @property
    def gap(self) -> float:
        """``|value_a - value_b|``."""
        return abs(self.value_a - self.value_b)


def _observables(scm: ResponseSCM, compared: str) -> Array:
    if compared == "observational":
        return scm.joint_matrix({})
    mats = []
    for r in range(len(scm.nodes) + 1):
        for xs in itertools.combinations(scm.nodes, r):
            for vals in itertools.product(*[range(scm.card[x]) for x in xs]):
                mats.append(scm.joint_matrix(dict(zip(xs, vals, strict=True))))
    return np.vstack(mats)


class _Fibre:
    """Observables ``M p(φ)`` and the query of latent logits ``φ`` with their Jacobians."""

    def __init__(self, scm: ResponseSCM, q: CfQuery, m: Array) -> None:
        self.scm, self.m = scm, m
        self.num = scm.event_mask(q.outcome + q.given).astype(float)
        self.den = scm.event_mask(q.given).astype(float) if q.given else np.ones_like(self.num)
        self.splits = np.cumsum([len(lg) for lg in scm.logits])[:-1]
        self.onehot = np.hstack([(scm.configs[:, k:k + 1] == np.arange(n)).astype(float)
                                 for k, n in enumerate(scm.sizes)])

    def unpack(self, phi: Array) -> list[Array]:
        return list(np.split(phi, self.splits))

    def dp(self, phi: Array) -> tuple[Array, Array]:
        p = self.scm.probs(self.unpack(phi))
        theta = np.concatenate([np.exp(lg - lg.max()) / np.exp(lg - lg.max()).sum()
                                for lg in self.unpack(phi)])
        jac: Array = p[:, None] * (self.onehot - theta[None, :])
        return p, jac

    def query(self, p: Array) -> float:
        den = float(self.den @ p)
        return float(self.num @ p) / den if den > 0 else float("nan")

    def query_grad(self, p: Array, jac: Array) -> Array:
        a, b = self.num @ p, self.den @ p
        out: Array = (self.num @ jac * b - self.den @ jac * a) / b ** 2
        return out


def _project(fib: _Fibre, phi: Array, target: Array) -> tuple[Array, float]:
    for _ in range(50):
        p, jac = fib.dp(phi)
        r = fib.m @ p - target
        if np.abs(r).max() < 1e-14:
            break
        phi = phi - np.linalg.lstsq(fib.m @ jac, r, rcond=None)[0]
    return phi, float(np.abs(fib.m @ fib.scm.probs(fib.unpack(phi)) - target).max())


def find_counterexample(graph: CausalGraph, query: CfQuery, *, compared: Literal[
        "observational", "experimental"] = "observational", states: int = 2,
        domain: Mapping[str, int] | None = None, seed: int = 0, tries: int = 3,
        latent_states: int = 3) -> Counterexample | None:
    """Two SCMs agreeing on the ``compared`` distributions and disagreeing on ``query``.

    None when no pair is found (the query may be identified). The pair found is exact up
    to the ``agreement`` it reports (at most 1e-12) and has ``gap > 1e-3``.

    Examples
    --------
    >>> from rung.identify.counterfactual import parse_cf_query
    >>> ce = find_counterexample(CausalGraph.from_edges("X -> Y"),
    ...                          parse_cf_query("P(Y[X=1]=1, Y[X=0]=0)"))
    >>> ce.agreement < 1e-12 and ce.gap > 1e-3
    True
    """
    rng = np.random.default_rng(seed)
    for _ in range(tries):
        scm = ResponseSCM(graph, states, rng, latent_states=latent_states, domain=domain)
        fib = _Fibre(scm, query, _observables(scm, compared))
        phi0 = np.concatenate(scm.logits)
        p0 = scm.probs()
        if not fib.den @ p0 > 0:
            continue
        target, q0 = fib.m @ p0, fib.query(p0)
        phi = phi0
        for _ in range(8):
            p, jac = fib.dp(phi)
            jo, g = fib.m @ jac, fib.query_grad(p, jac)
            d = g - np.linalg.pinv(jo, rcond=1e-10) @ (jo @ g)
            if np.linalg.norm(d) < 1e-8 * max(1.0, float(np.linalg.norm(g))):
                break
            try:
                phi, agree = _project(fib, phi + 0.5 * d / np.linalg.norm(d), target)
            except np.linalg.LinAlgError:
                break
            p1 = scm.probs(fib.unpack(phi))
            if agree < 1e-12 and abs(fib.query(p1) - q0) > 1e-3:
                return Counterexample(scm, p0, p1, q0, fib.query(p1), agree, compared)
    return None
