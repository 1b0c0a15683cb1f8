"""A Bayesian SCM of the graph, fitted by NUTS, with ``do`` as a program transformation.

Following Mohammad-Taheri et al. (2022, "Do-calculus enables estimation of causal effects in
partially observed biomolecular pathways"): write the SCM as a probabilistic program, put
priors on every parameter θ, draw θ from the posterior by Hamiltonian Monte Carlo (Pyro's
``NUTS``, Hoffman & Gelman 2014), and, when do-calculus identifies P(y | do(x)), estimate it by
the posterior predictive of the mutilated program (``pyro.poutine.do``): each posterior draw
θ_s gives E[Y | do(x); θ_s] by simulation, and their spread is the credible interval.

Latents are handled in the cheapest exact way the mechanisms allow (``marginalise="auto"``):

- ``"analytic"``: every node linear-Gaussian -> the latents integrate out in closed form;
- ``"quadrature"``: at most ``quadrature_points ** L <= 4096`` grid points -> each row's
  latents are integrated on a Gauss–Hermite grid inside the likelihood;
- ``"sample"``: otherwise (e.g. more than 4 latents) each row's latents are NUTS sites, as
  in the paper's Stan programs — exact but slower.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, Literal, Self

import numpy as np
import pandas as pd
import pyro
import pyro.distributions as dist
import pyro.poutine as poutine
import torch
from pyro.ops.stats import split_gelman_rubin

from rung.estimate.data import check_data
from rung.estimate.errors import EstimationError, NotIdentifiedError
from rung.estimate.programs._bayes_adaptive import AdaptiveQuadrature
from rung.estimate.programs._bayes_counterfactual import counterfactual_draws
from rung.estimate.programs._bayes_likelihood import (
    LinearLayout,
    gauss_hermite_grid,
)
from rung.estimate.programs._bayes_nuts import laplace_factor, polish_map, run_chain
from rung.estimate.programs._bayes_potential import FlatPosterior, ThetaFn
from rung.estimate.programs._bayes_svi import Guide, fit_svi
from rung.estimate.programs.families import (
    Family,
    NodeScale,
    Priors,
    default_priors,
    family_distribution,
    site_name,
)
from rung.estimate.programs.posterior import (
    ConvergenceCriteria,
    ConvergenceError,
    PosteriorQuery,
    query_diagnostics,
)
from rung.estimate.programs.scm import SCMProgram, latent_structure
from rung.estimate.programs.user_mechanism import UserMechanism
from rung.graph import CausalGraph

__all__ = ["BayesianSCM", "Inference", "Marginalisation"]

Marginalisation = Literal["auto", "analytic", "quadrature", "sample"]
Inference = Literal["nuts", "svi"]
_GRID_LIMIT = 4096


class BayesianSCM(SCMProgram):
    """Bayesian structural causal model of a graph: priors, NUTS posterior, do-queries.

    Parameters
    ----------
    graph : CausalGraph
        Observed nodes are data columns; each ``<->`` (or explicit latent root) is a latent
        U ~ N(0, 1) feeding its children.
    families : dict or None
        Node -> a built-in family (:data:`~rung.estimate.programs.families.FAMILIES`).
        Default rule: a column with values in {0, 1} is ``"logistic"``; every other column
        (counts included, never turned into categories) is ``"gaussian"``.
    mechanisms : dict or None
        Node -> :class:`UserMechanism` (the user's Pyro function), overriding ``families``.
    priors : Priors or None
        Prior scales and per-site overrides (see :mod:`rung.estimate.programs.families`).
    num_samples, warmup, chains : int
        Posterior draws kept per chain, warm-up (adaptation) iterations, chains (run in turn).
    seed : int
        Seeds the chains (chain c uses ``seed + c``); torch's global state is restored.
    marginalise : {"auto", "analytic", "quadrature", "sample"}
        How latents are handled (module docstring).
    quadrature_points : int
        Gauss–Hermite points per latent.
    adaptive_quadrature : bool
        Opt-in, experimental: on the quadrature route give each row its own grid,
        re-centred at each θ by a Newton step from its latents' mode at the MAP point and
        scaled by the curvature (:mod:`rung.estimate.programs._bayes_adaptive`). A plain
        grid misses a row whose latent a node nearly determines and biases the fit; the
        adaptive one fixes that on one latent, but on the COVID-19 projection (two pinned
        latents) its chains stuck (docs/estimate.md). Either way ``quadrature_error_``
        reports the plain grid's error at the MAP point.
    max_tree_depth, target_accept, full_mass : NUTS settings (``full_mass``: a dense mass
        matrix, adapted in warm-up; it follows the ridge that a latent's non-identified scale
        makes, so trees stay short).
    map_steps : int
        Adam steps to a MAP point of the flat posterior (then polished by L-BFGS).
    precondition : bool
        Run NUTS on ξ with z = ẑ + L ξ, L Lᵀ the inverse Hessian at the MAP point ẑ
        (:mod:`rung.estimate.programs._bayes_nuts`): the same posterior, well scaled from
        the first iteration, each chain started from its own ξ₀ ~ N(0, I). Without it the
        chains start from ẑ jittered by 0.1 on z, which on badly scaled parameters can
        leave a chain stuck far below the mode (a refusal by R-hat).
    inference : {"nuts", "svi"}
        ``"svi"`` is the fast option: a Gaussian guide over the unconstrained parameters
        (:mod:`rung.estimate.programs._bayes_svi`), fitted by ``svi_steps`` ELBO steps; its
        ``chains * num_samples`` independent draws stand in for the posterior (an
        approximation; a query is refused when the ELBO did not settle).
    guide : {"mvn", "lowrank"}
        The SVI guide: full-rank or low-rank multivariate normal.
    criteria : ConvergenceCriteria or None
        When a query is refused for poor convergence.

    Attributes
    ----------
    structure_ : LatentStructure
    families_ : dict        node -> family name, or "user"
    marginalised_ : str     the latent route taken
    samples_ : dict         parameter site -> array (chains, draws)
    divergences_ : int     divergent transitions over all chains
    preconditioned_ : bool  whether the chains ran on the Laplace-preconditioned ξ
    adapted_ : bool        whether the rows' quadrature grids were adapted
    quadrature_error_ : float  |adaptive - plain grid| log-likelihood at the first MAP
        point, in nats: the plain grid's integration error there (nan off the route)
    param_rhat_max_ : float  the worst split R-hat over parameter sites
    fit_seconds_ : float

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=200); y = 2 * x + rng.normal(size=200)
    >>> g = CausalGraph.from_edges("X -> Y")
    >>> m = BayesianSCM(g, num_samples=40, warmup=40, chains=1,
    ...                 criteria=ConvergenceCriteria(min_ess=20)).fit(
    ...     pd.DataFrame({"X": x, "Y": y}))
    >>> q = m.interventional_mean({"X": 1.0}, "Y", allow_unconverged=True)
    >>> abs(q.mean - 2.0) < 0.3, q.ci[0] < q.mean < q.ci[1], q.marginalisation
    (True, True, 'analytic')
    """

    def __init__(self, graph: CausalGraph, *, families: Mapping[str, Family] | None = None,
                 mechanisms: Mapping[str, UserMechanism] | None = None,
                 priors: Priors | None = None, num_samples: int = 500, warmup: int = 500,
                 chains: int = 2, seed: int = 0, marginalise: Marginalisation = "auto",
                 quadrature_points: int = 8, max_tree_depth: int = 6,
                 target_accept: float = 0.8, criteria: ConvergenceCriteria | None = None,
                 full_mass: bool = True, map_steps: int = 300,
                 inference: Inference = "nuts", guide: Guide = "mvn",
                 svi_steps: int = 1500, precondition: bool = True,
                 adaptive_quadrature: bool = False) -> None:
        self.graph = graph
        self.families = families
        self.mechanisms = mechanisms
        self.priors = priors
        self.num_samples = num_samples
        self.warmup = warmup
        self.chains = chains
        self.seed = seed
        self.marginalise = marginalise
        self.quadrature_points = quadrature_points
        self.max_tree_depth = max_tree_depth
        self.target_accept = target_accept
        self.criteria = criteria
        self.full_mass = full_mass
        self.map_steps = map_steps
        self.inference = inference
        self.guide = guide
        self.svi_steps = svi_steps
        self.precondition = precondition
        self.adaptive_quadrature = adaptive_quadrature

    # ------------------------------------------------------------------ set-up
    def _setup(self, df: pd.DataFrame) -> None:
        s = self.structure_ = latent_structure(self.graph)
        fams, mechs = dict(self.families or {}), dict(self.mechanisms or {})
        bad = sorted((set(fams) | set(mechs)) - set(s.order))
        if bad:
            raise EstimationError(f"families/mechanisms name {bad}, which are not observed "
                                  f"nodes {list(s.order)}; use the graph's node names")
        self.families_: dict[str, str] = {}
        for n in s.order:
            col = df[n].to_numpy(dtype=float)
            auto = "logistic" if set(np.unique(col)) <= {0.0, 1.0} else "gaussian"
            self.families_[n] = "user" if n in mechs else fams.get(n, auto)
        first = {u: ch[0] for u, ch in s.latents.items()}
        pri = self.priors or Priors()
        self._priors: dict[str, dict[str, Any]] = {}
        for n in s.order:
            if n in mechs:
                self._priors[n] = dict(mechs[n].priors)
                continue
            scale = NodeScale(mean=float(df[n].mean()), sd=float(df[n].std()) or 1.0,
                              max=float(df[n].abs().max()),
                              parent_sd={p: float(df[p].std()) or 1.0 for p in s.parents[n]})
            self._priors[n] = default_priors(
                self.families_[n], n, s.parents[n], s.latents_of(n),  # type: ignore[arg-type]
                frozenset(u for u, c in first.items() if c == n), scale, pri)
        self.marginalised_ = self._route()

    def _route(self) -> str:
        s, want = self.structure_, self.marginalise
        all_gauss = all(f == "gaussian" for f in self.families_.values())
        fits_grid = self.quadrature_points ** len(s.latents) <= _GRID_LIMIT
        if want == "analytic" and not all_gauss:
            raise EstimationError("marginalise='analytic' needs every node 'gaussian'; use "
                                  "'quadrature' or 'sample' for the other families")
        if want == "quadrature" and not fits_grid:
            raise EstimationError(f"{len(s.latents)} latents need {self.quadrature_points}^"
                                  f"{len(s.latents)} grid points (> {_GRID_LIMIT}); use "
                                  "marginalise='sample' or fewer quadrature_points")
        if want != "auto":
            return want
        return "analytic" if all_gauss else "quadrature" if fits_grid else "sample"

    # ------------------------------------------------------------------ the program
    def node_dist(self, node: str, theta: Mapping[str, Any], inputs: Mapping[str, Any]) -> Any:
        """Distribution of ``node`` given its parameters (``theta``: name -> value) and
        ``inputs`` (the values of parents and latents)."""
        if self.families_[node] == "user":
            return (self.mechanisms or {})[node].fn(inputs, theta)
        s = self.structure_
        return family_distribution(self.families_[node], theta, inputs,  # type: ignore[arg-type]
                                   s.parents[node], s.latents_of(node))

    def _loglik(self, data: dict[str, torch.Tensor], x: torch.Tensor,
                position: Mapping[str, int]) -> ThetaFn:
        """(parameters, rows' latents) -> log p(data | θ), latents as ``marginalised_``."""
        s = self.structure_
        lay = LinearLayout(s, self.families_, position, self.node_dist)
        if self.marginalised_ == "analytic":
            mean, cov, n = self._mean, self._cov, self._n
            return lambda full, rows: lay.gaussian_loglik(full, mean, cov, n)
        if self.marginalised_ == "quadrature":
            grid, logw = self._grid
            xu, counts = torch.unique(x, dim=0, return_counts=True)
            cnt = counts.to(x.dtype)
            self._rows = (lay, xu, cnt)
            return lambda full, rows: lay.quadrature_loglik(full, xu, grid, logw, cnt)
        names = {n: tuple((k.split(":", 1)[1], i) for k, i in position.items()
                          if k.split(":", 1)[0] == n) for n in s.order}
        lat = tuple(s.latents)

        def sampled(full: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
            u = rows.reshape(len(lat), -1)
            vals: dict[str, Any] = {**data, **{v: u[j].reshape(1, -1)
                                               for j, v in enumerate(lat)}}
            out = torch.zeros((), dtype=torch.float64)
            for n in s.order:
                th = {k: full[i] for k, i in names[n]}
                out = out + self.node_dist(n, th, vals).log_prob(data[n]).sum()
            return out

        return sampled

    def _adapt(self, post: FlatPosterior, z: torch.Tensor) -> bool:
        """Measure the plain grid's error at ``z`` against the adaptive quadrature
        (:mod:`~rung.estimate.programs._bayes_adaptive`) and, when ``adaptive_quadrature``,
        replace the likelihood by the adaptive one anchored there. True when replaced."""
        self.quadrature_error_ = float("nan")
        if self.marginalised_ != "quadrature" or not self.structure_.latents:
            return False
        lay, xu, cnt = self._rows
        full = post.full(post.constrain(z.detach()))
        adaptive = AdaptiveQuadrature(lay, xu, cnt, self.quadrature_points, full)
        with torch.no_grad():
            rows = full[:0]
            self.quadrature_error_ = abs(float(adaptive(full, rows).detach())
                                         - float(post.loglik(full, rows)))
        if not self.adaptive_quadrature:
            return False
        post.loglik = adaptive
        return True

    def _simulate(self, theta: Mapping[str, dict[str, torch.Tensor]],
                  plates: tuple[tuple[str, int, int], ...]) -> dict[str, torch.Tensor]:
        """The generative program at fixed θ: latents ~ N(0, 1), then each node in order."""
        s = self.structure_
        out: dict[str, torch.Tensor] = {}
        with _plates(plates):
            for u in s.latents:
                out[u] = pyro.sample(u, dist.Normal(torch.zeros((), dtype=torch.float64), 1.0))
            for n in s.order:
                out[n] = pyro.sample(n, self.node_dist(n, theta[n], out))
        return out

    # ------------------------------------------------------------------ fitting
    def fit(self, data: pd.DataFrame) -> Self:
        """Draw the posterior of every parameter by NUTS (chains run one after another)."""
        order = latent_structure(self.graph).order
        df = check_data(data, order)[list(order)].astype(float)
        self._setup(df)
        x = torch.tensor(df.to_numpy(), dtype=torch.float64)
        self._n = len(df)
        self._mean = x.mean(0)
        self._cov = torch.cov(x.T, correction=0).reshape(len(order), len(order))
        self._grid = gauss_hermite_grid(len(self.structure_.latents), self.quadrature_points)
        data_t = {n: x[:, i].reshape(1, -1) for i, n in enumerate(order)}
        rows = self._n * len(self.structure_.latents) if self.marginalised_ == "sample" else 0
        post = FlatPosterior(self._priors, lambda full, rows: full.sum(), rows)
        post.loglik = self._loglik(data_t, x, post.position)
        self.posterior_ = post
        start = time.perf_counter()
        with poutine.seed(rng_seed=self.seed):
            z_map = polish_map(post, post.map_init(post.initial(), steps=self.map_steps))
            self.adapted_ = self._adapt(post, z_map)
            if self.adapted_:  # refit to the adaptive likelihood, re-anchor, refit
                z_map = polish_map(post, post.map_init(z_map, steps=self.map_steps // 3))
                lay, xu, cnt = self._rows
                post.loglik = AdaptiveQuadrature(lay, xu, cnt, self.quadrature_points,
                                                 post.full(post.constrain(z_map.detach())))
                z_map = polish_map(post, post.map_init(z_map, steps=self.map_steps // 3))
        self.divergences_, self.svi_settled_ = 0, True
        if self.inference == "svi":
            res = fit_svi(post, z_map, guide=self.guide, steps=self.svi_steps,
                          num_draws=self.chains * self.num_samples, seed=self.seed)
            draws = [post.constrain(res.z)[:, :post.dim]]
            self.svi_losses_, self.svi_settled_ = res.losses, res.settled
        else:
            factor = laplace_factor(post, z_map) if self.precondition else None
            self.preconditioned_ = factor is not None
            draws = []
            for c in range(self.chains):
                z, div = run_chain(post, z_map, factor, num_samples=self.num_samples,
                                   warmup=self.warmup, seed=self.seed + c,
                                   max_tree_depth=self.max_tree_depth,
                                   target_accept=self.target_accept, full_mass=self.full_mass)
                draws.append(post.constrain(z)[:, :post.dim])
                self.divergences_ += div
        self.fit_seconds_ = time.perf_counter() - start
        v = torch.stack(draws).numpy()  # (chains, draws, params)
        self.draw_shape_ = (v.shape[0], v.shape[1])
        self.samples_ = {k: v[:, :, j] for j, k in enumerate(post.keys)}
        self.param_rhat_max_ = _max_rhat(self.samples_)
        return self

    def _theta(self, index: np.ndarray | None = None) -> dict[str, dict[str, torch.Tensor]]:
        """Posterior draws of each node's parameters, flattened over chains, shape (S, 1)."""
        out: dict[str, dict[str, torch.Tensor]] = {}
        for n, pri in self._priors.items():
            out[n] = {}
            for name, p in pri.items():
                key = site_name(n, name)
                if key in self.samples_:
                    v = torch.as_tensor(self.samples_[key].reshape(-1))
                    out[n][name] = (v if index is None else v[index]).reshape(-1, 1)
                else:
                    out[n][name] = torch.as_tensor(float(p), dtype=torch.float64)
        return out

    # ------------------------------------------------------------------ queries
    def query_draws(self, do: Mapping[str, float], outcome: str, num_units: int = 1000,
                    seed: int = 0) -> np.ndarray:
        """E[outcome | do] for every posterior draw, shape (chains, draws): the program at
        each θ_s, mutilated by ``pyro.poutine.do`` and simulated on ``num_units`` units
        (the outcome's conditional mean is averaged, not its samples)."""
        self._check_nodes({**do, outcome: 0.0})
        theta = self._theta()
        n_draws = self.draw_shape_[0] * self.draw_shape_[1]
        values = {k: torch.as_tensor(float(v), dtype=torch.float64) for k, v in do.items()}
        program = poutine.do(self._simulate, data=values)  # type: ignore[arg-type]
        plates = (("draws", n_draws, -2), ("units", num_units, -1))
        with torch.no_grad():
            tr = poutine.trace(poutine.seed(program, rng_seed=seed)).get_trace(theta, plates)
        site: Any = tr.nodes[outcome]
        try:
            means = site["fn"].mean
        except NotImplementedError:
            means = site["value"]
        means = torch.broadcast_to(torch.as_tensor(means), (n_draws, num_units))
        return means.mean(-1).numpy().reshape(self.draw_shape_)

    def interventional_mean(self, do: Mapping[str, float], outcome: str, *,
                            alpha: float = 0.05, num_units: int = 1000, seed: int = 0,
                            allow_unconverged: bool = False,
                            allow_unidentified: bool = False) -> PosteriorQuery:
        """Posterior mean and (1 - alpha) credible interval of E[outcome | do(...)].

        The query (over all treatments of ``do`` jointly) must be identified by
        :func:`rung.identify.identify` and the diagnostics must pass ``criteria``; otherwise
        :class:`~rung.estimate.NotIdentifiedError` / :class:`ConvergenceError` is raised,
        unless ``allow_unidentified`` / ``allow_unconverged`` (a labelled result).
        """
        identified = self._identified(do, outcome, allow_unidentified)
        draws = self.query_draws(do, outcome, num_units, seed)
        return self._summarise(draws, do, outcome, alpha, identified, allow_unconverged,
                               f"E[{outcome} | do({dict(do)})]", f"bayesian-{self.inference}",
                               {"fit_seconds": round(self.fit_seconds_, 3),
                                "chains": self.chains, "warmup": self.warmup,
                                "num_units": num_units})

    def _summarise(self, draws: np.ndarray, do: Mapping[str, float], outcome: str,
                   alpha: float, identified: bool, allow_unconverged: bool, what: str,
                   method: str, details: dict[str, Any]) -> PosteriorQuery:
        """The query's diagnostics, refusal, mean and credible interval from its draws."""
        crit = self.criteria or ConvergenceCriteria()
        rhat, ess, reasons = query_diagnostics(draws, self.divergences_, crit)
        if not self.svi_settled_:
            reasons = (*reasons, f"the ELBO did not settle in {self.svi_steps} SVI steps")
        if reasons and not allow_unconverged:
            raise ConvergenceError(
                f"the posterior of {what} did not converge: "
                f"{'; '.join(reasons)}; raise warmup (now {self.warmup}), num_samples (now "
                f"{self.num_samples}) or target_accept, or tighten the priors; "
                "allow_unconverged=True returns it labelled")
        flat = draws.reshape(-1)
        lo, hi = np.quantile(flat, [alpha / 2, 1 - alpha / 2])
        return PosteriorQuery(
            treatments=tuple(do), values=tuple(float(v) for v in do.values()),
            outcome=outcome, mean=float(flat.mean()), sd=float(flat.std()),
            ci=(float(lo), float(hi)), alpha=alpha, n_draws=int(flat.size), rhat=rhat,
            ess=ess, divergences=int(self.divergences_),
            param_rhat_max=float(self.param_rhat_max_),
            status="not_converged" if reasons else "ok", reasons=reasons,
            identified=identified, marginalisation=self.marginalised_, method=method,
            details=details)

    def counterfactual_mean(self, evidence: Mapping[str, float], do: Mapping[str, float],
                            outcome: str, *, alpha: float = 0.05,
                            allow_unconverged: bool = False,
                            allow_unidentified: bool = False) -> PosteriorQuery:
        """Posterior mean and credible interval of E[outcome_do | evidence] for one fully
        observed unit (abduction, action, prediction per posterior draw; see
        :mod:`rung.estimate.programs._bayes_counterfactual`).

        Nodes downstream of the treatment need additive noise. With latents the answer rests
        on a variance split the data do not identify: it is refused unless
        ``allow_unidentified`` (then labelled).
        """
        self._check_nodes({**evidence, **do, outcome: 0.0})
        identified = not self.structure_.latents
        if not identified and not allow_unidentified:
            raise NotIdentifiedError(
                ", ".join(sorted(do)), outcome,
                "a unit's counterfactual under latents depends on how each node's variance "
                "splits between the latent and its own noise, which the data do not identify;"
                " allow_unidentified=True returns the model's answer labelled", None)
        draws = counterfactual_draws(self, evidence, do, outcome)
        return self._summarise(
            draws, do, outcome, alpha, identified, allow_unconverged,
            f"the counterfactual E[{outcome}_{dict(do)} | {dict(evidence)}]",
            f"bayesian-{self.inference}-counterfactual",
            {"evidence": {k: float(v) for k, v in evidence.items()},
             "assumption": "additive noise downstream of the treatment"})

    def _identified(self, do: Mapping[str, float], outcome: str, allow: bool) -> bool:
        from rung.identify import identify

        res = identify(self.graph, set(do), {outcome})
        if res.identifiable:
            return True
        if not allow:
            raise NotIdentifiedError(", ".join(sorted(do)), outcome,
                                     str(getattr(res, "reason", "") or "no identifying formula"),
                                     getattr(res, "hedge", None))
        return False

    def _check_nodes(self, values: Mapping[str, float]) -> None:
        bad = sorted(set(values) - set(self.structure_.order))
        if bad:
            raise EstimationError(f"{bad} are not observed nodes of the model "
                                  f"{list(self.structure_.order)}; name graph nodes")

    # ------------------------------------------------------------------ SCMProgram interface
    def model(self, num_samples: int) -> dict[str, torch.Tensor]:
        """The posterior predictive program: each unit takes a random posterior draw of θ
        and runs the SCM (so :func:`rung.estimate.do` and ``interventional_samples`` work)."""
        total = self.draw_shape_[0] * self.draw_shape_[1]
        idx = torch.randint(0, total, (num_samples,)).numpy()
        theta = {n: {k: v.reshape(-1) for k, v in th.items()}
                 for n, th in self._theta(idx).items()}
        return self._simulate(theta, (("units", num_samples, -1),))



class _plates:
    """Nested ``pyro.plate`` contexts from (name, size, dim) triples."""

    def __init__(self, plates: tuple[tuple[str, int, int], ...]) -> None:
        self._ctx = [pyro.plate(name, size, dim=d) for name, size, d in plates]

    def __enter__(self) -> None:
        for c in self._ctx:
            c.__enter__()

    def __exit__(self, *exc: object) -> None:
        for c in reversed(self._ctx):
            c.__exit__(*exc)


def _max_rhat(samples: Mapping[str, np.ndarray]) -> float:
    worst = 1.0
    for v in samples.values():
        x = torch.as_tensor(v)
        if x.shape[1] > 3 and float(x.std()) > 0:
            r = float(split_gelman_rubin(x, chain_dim=0, sample_dim=1))  # type: ignore[no-untyped-call]
            worst = max(worst, r if np.isfinite(r) else np.inf)
    return worst
