"""The generative estimator: identify, fit a Pyro model of the graph, simulate ``do``.

Following Mohammad-Taheri et al. (2022), when P(y | do(x)) is identifiable a generative
model fitted to the observational data, mutilated by ``do`` and simulated is a valid
estimator, even when its latent parameters are not identified. When the effect is not
identifiable the estimator refuses (naming the hedge) unless ``allow_unidentified=True``,
which returns a simulation labelled as such.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from rung.data import column_kind
from rung.estimate._identification import estimand_json, iv_advice, not_identified_reason
from rung.estimate.errors import EstimationError, NotIdentifiedError
from rung.estimate.estimators.base import EffectEstimator
from rung.estimate.programs.discrete import DiscreteSCM
from rung.estimate.programs.interventions import interventional_samples
from rung.estimate.programs.linear_gaussian import LinearGaussianSCM
from rung.estimate.programs.mixed import MixedSCM
from rung.estimate.programs.scm import SCMProgram, latent_structure
from rung.graph import CausalGraph

__all__ = ["MODELS", "GenerativeEstimator", "choose_model", "fit_generative_model"]

#: model name -> class (the CLI's ``--model`` values)
MODELS: Mapping[str, type[SCMProgram]] = {
    "linear-gaussian": LinearGaussianSCM,
    "discrete": DiscreteSCM,
    "mixed": MixedSCM,
}


def choose_model(graph: CausalGraph, data: pd.DataFrame) -> type[SCMProgram]:
    """The fitting route for the column types: exact where it exists, SVI otherwise.

    Every observed node discrete (integers, at most 20 values) -> :class:`DiscreteSCM`
    (exact EM); every node continuous -> :class:`LinearGaussianSCM` (exact likelihood);
    a mix -> :class:`MixedSCM` (logistic/softmax/linear-Gaussian, latents integrated by
    quadrature or SVI).

    Examples
    --------
    >>> from rung.datasets import mixed_frontdoor
    >>> cs = mixed_frontdoor(n=200)
    >>> choose_model(cs.graph, cs.data).__name__
    'MixedSCM'
    """
    order = latent_structure(graph).order
    kinds = {column_kind(pd.to_numeric(data[c], errors="coerce").to_numpy(dtype=float))
             for c in order if c in data.columns}
    if kinds and "continuous" not in kinds:
        return DiscreteSCM
    if kinds <= {"continuous"}:
        return LinearGaussianSCM
    return MixedSCM


def _model_class(model: str | type[SCMProgram] | None, graph: CausalGraph,
                 data: pd.DataFrame) -> type[SCMProgram]:
    if model is None:
        return choose_model(graph, data)
    if isinstance(model, str):
        if model not in MODELS:
            raise EstimationError(f"unknown model {model!r}; choose one of {sorted(MODELS)}")
        return MODELS[model]
    return model


def fit_generative_model(
    graph: CausalGraph,
    data: pd.DataFrame,
    model: str | type[SCMProgram] | None = None,
    *,
    init: SCMProgram | None = None,
    **params: Any,
) -> SCMProgram:
    """Fit a generative model of ``graph`` to ``data`` (no identification check).

    ``model=None`` chooses by :func:`choose_model`; a key of :data:`MODELS` or a class picks
    one. ``init`` (a fitted model of the same class) warm-starts EM / gradient fits;
    ``params`` go to the model's constructor.

    Examples
    --------
    >>> from rung.datasets import linear_frontdoor
    >>> cs = linear_frontdoor(n=500)
    >>> type(fit_generative_model(cs.graph, cs.data)).__name__
    'LinearGaussianSCM'
    """
    cls = _model_class(model, graph, data)
    scm: Any = cls(graph, **params)  # type: ignore[call-arg]
    warm = init is not None and type(init) is cls and cls in (DiscreteSCM, MixedSCM)
    fitted: SCMProgram = scm.fit(data, init=init) if warm else scm.fit(data)
    return fitted


@dataclass(kw_only=True, eq=False, repr=False)
class GenerativeEstimator(EffectEstimator):
    """Effect of X on Y by simulating ``do(X)`` in a generative model fitted to the data.

    Parameters
    ----------
    model : str, SCMProgram subclass or None
        :class:`LinearGaussianSCM`, :class:`DiscreteSCM`, :class:`MixedSCM` (or their
        :data:`MODELS` keys), or ``None`` to choose by column types (:func:`choose_model`).
    model_params : dict or None
        Constructor arguments of the model (e.g. ``{"latent_states": 3}`` or
        ``{"config": MixedConfig(hidden=8)}``).
    warm_start : bool
        Start each bootstrap refit from the full-data fit (one EM run instead of restarts;
        fewer gradient steps), which also keeps the latents' labelling across resamples.
    num_samples : int
        Monte Carlo units per arm of the simulation.
    allow_unidentified : bool
        Simulate a non-identified effect anyway; the result is labelled ``identified=False``.
    contrast, bootstrap, alpha, seed
        See :class:`~rung.estimate.estimators.base.EffectEstimator`.

    Attributes
    ----------
    model_ : SCMProgram
        The model fitted to the full data (use it for ``do``, samples, counterfactuals).

    Examples
    --------
    >>> from rung.datasets import linear_frontdoor
    >>> cs = linear_frontdoor(n=2000)
    >>> est = GenerativeEstimator(seed=0).fit(cs.data, cs.graph, "X", "Y")  # doctest: +SKIP
    >>> abs(est.ate_ - 3.0) < 0.15  # doctest: +SKIP
    True
    """

    method = "generative"
    #: each resample refits the model, so the default interval uses fewer resamples
    default_bootstrap = 20

    model: str | type[SCMProgram] | None = None
    model_params: dict[str, Any] | None = None
    num_samples: int = 20_000
    allow_unidentified: bool = False
    warm_start: bool = True
    model_: SCMProgram = field(init=False)  # learned by fit()

    def _plan(self, graph: CausalGraph, treatment: str, outcome: str) -> list[str]:
        res = self.identification_
        if not res.identifiable:
            reason, full = not_identified_reason(res)
            if not self.allow_unidentified:
                raise NotIdentifiedError(treatment, outcome, full, getattr(res, "hedge", None),
                                         advice=iv_advice(graph, treatment, outcome))
            self.identified_ = False
            self.details_["warning"] = (
                f"NOT IDENTIFIED ({reason}); this is one model's simulation, not an estimate"
            )
        self.estimand_ = estimand_json(res) if res.identifiable else None
        self.details_["identification"] = str(getattr(res, "method", "") or "none")
        self._fitted_full = False
        return list(latent_structure(graph).order)

    def _means(self, df: pd.DataFrame) -> tuple[float, float]:
        init = self.model_ if self._fitted_full and self.warm_start else None
        scm = fit_generative_model(self.graph_, df, self.model, init=init,
                                   **(self.model_params or {}))
        if not self._fitted_full:  # the first call sees the full data
            self.model_ = scm
            self._fitted_full = True
            self.details_["model"] = type(scm).__name__
            self.details_["converged"] = bool(getattr(scm, "converged_", True))
            if hasattr(scm, "n_steps_"):
                self.details_["n_steps"] = int(scm.n_steps_)
        seed = self.seed if self.seed is not None else 0  # common random numbers per arm
        ya, yb = (interventional_samples(scm, {self.treatment_: v}, self.num_samples, seed)
                  [self.outcome_].mean() for v in self.contrast_)
        return float(ya), float(yb)
