"""The estimation seam: :func:`estimate` takes a typed :class:`~rung.identify.Identification`
(never re-identifying); :func:`estimate_effect` identifies once and calls it;
:func:`interventional_distribution` samples do-interventions from a fitted model."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection, Mapping
from typing import Any, ParamSpec, TypeVar, overload

import pandas as pd

from rung.data import MissingPolicy, Table, as_table, check_contrast_support, default_contrast
from rung.data import prepare as prepare_data
from rung.estimate._identification import (
    identify_or_raise,
    not_identified_reason,
    require_identified,
)
from rung.estimate.data import check_data
from rung.estimate.errors import EstimationError, NotIdentifiedError
from rung.estimate.estimators.adjustment import AIPW, IPW, RegressionAdjustment
from rung.estimate.estimators.base import EffectEstimator
from rung.estimate.estimators.frontdoor import FrontDoor
from rung.estimate.estimators.iv import TwoStageLeastSquares
from rung.estimate.estimators.joint import JointEffectEstimate, estimate_joint
from rung.estimate.estimators.plugin import PluginEstimator
from rung.estimate.methods import Method, default_method
from rung.estimate.programs.generative import GenerativeEstimator, fit_generative_model
from rung.estimate.programs.interventions import interventional_samples
from rung.estimate.programs.scm import latent_structure
from rung.estimate.result import EffectEstimate
from rung.graph import CausalGraph

__all__ = ["ESTIMATOR_OF", "METHODS", "choose_method", "estimate", "estimate_effect",
           "fit_estimator", "interventional_distribution"]

#: method -> estimator class
ESTIMATOR_OF: Mapping[Method, type[EffectEstimator]] = {
    Method.GENERATIVE: GenerativeEstimator,
    Method.PLUGIN: PluginEstimator,
    Method.REGRESSION: RegressionAdjustment,
    Method.IPW: IPW,
    Method.AIPW: AIPW,
    Method.FRONTDOOR: FrontDoor,
    Method.IV: TwoStageLeastSquares,
}

#: estimator name -> class (the CLI's ``--method`` values)
METHODS: Mapping[str, type[EffectEstimator]] = {m.value: c for m, c in ESTIMATOR_OF.items()}

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _parameters_of(like: Callable[_P, object]
                   ) -> Callable[[Callable[..., _R]], Callable[_P, _R]]:
    """Give a forwarding wrapper the parameters of ``like`` (for type checkers and
    :func:`help`), so that they are written once."""
    def forward(wrapper: Callable[..., _R]) -> Callable[_P, _R]:
        returns = inspect.signature(wrapper).return_annotation
        wrapper.__signature__ = inspect.signature(like).replace(  # type: ignore[attr-defined]
            return_annotation=returns)
        return wrapper
    return forward


def choose_method(graph: CausalGraph, data: pd.DataFrame, treatment: str, outcome: str
                  ) -> type[EffectEstimator]:
    """The estimator matching how the effect is identified (refuses non-identified effects).

    back-door -> regression adjustment; front-door -> front-door; anything else (ID/IDC)
    -> plug-in for discrete data, the generative model otherwise (the table
    :data:`rung.estimate.methods.ESTIMATORS_FOR`).
    """
    res = identify_or_raise(graph, treatment, outcome)
    m = default_method(res, graph, data)
    if m is None:  # pragma: no cover - identified effects always have a method
        raise EstimationError(f"no method estimates {res.reason}")
    return ESTIMATOR_OF[m]


def _resolve_contrast(contrast: tuple[float, float] | None, data: pd.DataFrame | Table,
                      treatment: str, categorical: Collection[str]) -> tuple[float, float]:
    """``contrast``, or (1, 0) when the data support it, else :func:`default_contrast`."""
    if contrast is not None:
        return contrast
    x = prepare_data(data, [treatment], categorical=categorical).frame[treatment].to_numpy()
    try:
        check_contrast_support(x, (1.0, 0.0), treatment, categorical=treatment in categorical)
        return 1.0, 0.0
    except ValueError:
        return default_contrast(x, treatment, categorical=treatment in categorical)


def fit_estimator(
    identification: Any,
    data: pd.DataFrame | Table,
    method: Method | str | type[EffectEstimator] | EffectEstimator | None = None,
    *,
    graph: CausalGraph,
    contrast: tuple[float, float] | None = None,
    bootstrap: int | None = None,
    alpha: float = 0.05,
    seed: int | None = None,
    categorical: Collection[str] = (),
    missing: MissingPolicy = "drop",
    **params: Any,
) -> EffectEstimator:
    """The fitted estimator of :func:`estimate` (same parameters): for refuters, the
    generative method's fitted model ``model_`` and the bootstrap draws; ``.result()`` is
    the :class:`EffectEstimate`.

    Examples
    --------
    >>> from rung.datasets import linear_backdoor
    >>> from rung.identify import identify
    >>> cs = linear_backdoor(n=2000)
    >>> ident = identify(cs.graph, "X", "Y")
    >>> est = fit_estimator(ident, cs.data, Method.REGRESSION, graph=cs.graph)
    >>> est.adjustment_set_, est.result().identification is ident
    (('Z',), True)
    """
    if len(identification.treatment) != 1 or len(identification.outcome) != 1:
        raise EstimationError(
            f"the identification answers P({sorted(identification.outcome)} | "
            f"do({sorted(identification.treatment)})): several treatments are a joint query, "
            "estimated by rung.estimate.estimate_joint (the generative model); one outcome only")
    (x,) = sorted(identification.treatment)
    (y,) = sorted(identification.outcome)
    table = as_table(data)
    est = _estimator(identification, graph, table, method, categorical, params)
    user_set = bool({"adjustment_set", "mediators", "instruments"} & set(params))
    if est.method != Method.IV.value and not user_set:
        # (a user's set is checked by the estimator: the refusal then names the open path)
        require_identified_unless_simulated(est, identification, graph, x, y)
    if isinstance(method, EffectEstimator):  # its own settings stand; params override
        est = est.clone(**params)
    else:
        est = est.clone(contrast=_resolve_contrast(contrast, table, x, categorical),
                        bootstrap=bootstrap, alpha=alpha, seed=seed, **params)
    return est.fit(table, graph, x, y, identification=identification,
                   categorical=categorical, missing=missing)


@_parameters_of(fit_estimator)
def estimate(*args: Any, **kwargs: Any) -> EffectEstimate:
    """Estimate the effect that ``identification`` identified, with the chosen method.

    Parameters
    ----------
    identification : Identification
        :func:`rung.identify.identify` of P(Y | do(X)) on ``graph``; it is used as is
        (never recomputed) and kept in the result.
    data : pandas.DataFrame or rung.data.Table
    method : Method, str, estimator class or instance, or None
        ``None``: :func:`rung.estimate.methods.default_method` (the one table).
    graph : CausalGraph
        The graph the identification was made on (the models and checks need it).
    contrast : (float, float) or None
        ``(a, b)``; ``None``: (1, 0) when the data hold both values, else
        :func:`rung.data.default_contrast` (two well-supported values, never equal).
    bootstrap : int or None
        ``None``: the analytic interval where the estimator has one, else a bootstrap of
        its default count (:data:`rung.estimate.estimators.base.DEFAULT_BOOTSTRAP`).
    alpha, seed
    categorical : collection of str
        Integer-coded category columns (text columns are categorical already).
    missing : "drop" or "error"
        Complete-case analysis (default; the dropped rows are counted in the result).
    **params
        Estimator parameters (``adjustment_set``, ``mediators``, ``instruments``, ...);
        a user's set is checked by the identification criterion and refused, with the
        open path, when invalid.

    Raises
    ------
    NotIdentifiedError
        The effect is not identifiable and the method is not IV (CLI exit 3).
    InvalidSetError
        A user's set fails the criterion (CLI exit 2).

    Examples
    --------
    >>> from rung.datasets import linear_backdoor
    >>> from rung.identify import identify
    >>> cs = linear_backdoor(n=2000)
    >>> ident = identify(cs.graph, "X", "Y")
    >>> res = estimate(ident, cs.data, Method.AIPW, graph=cs.graph, seed=0)
    >>> res.identification is ident, res.ci is not None, abs(res.ate - 2.0) < 0.2
    (True, True, True)
    """
    return fit_estimator(*args, **kwargs).result()


def require_identified_unless_simulated(est: EffectEstimator, identification: Any,
                                        graph: CausalGraph, x: str, y: str) -> None:
    """Refuse a non-identifiable effect before any work (a labelled generative simulation
    with ``allow_unidentified=True`` excepted)."""
    if getattr(est, "allow_unidentified", False):
        return
    require_identified(identification, graph, x, y)


def _estimator(identification: Any, graph: CausalGraph, table: Table,
               method: Method | str | type[EffectEstimator] | EffectEstimator | None,
               categorical: Collection[str], params: Mapping[str, Any]) -> EffectEstimator:
    if isinstance(method, EffectEstimator):
        return method
    if isinstance(method, type):
        return method()
    if method is None:
        chosen = default_method(identification, graph, table.frame, categorical)
        if chosen is None:
            (x,) = sorted(identification.treatment)
            (y,) = sorted(identification.outcome)
            require_identified(identification, graph, x, y)
            raise EstimationError(f"no method estimates {identification.reason}")
        method = chosen
    cls = ESTIMATOR_OF[Method.parse(method)]
    allow = {"allow_unidentified": params["allow_unidentified"]} \
        if "allow_unidentified" in params else {}
    return cls(**allow)


@overload
def estimate_effect(
    graph: CausalGraph, data: pd.DataFrame | Table, treatment: str, outcome: str,
    method: Method | str | type[EffectEstimator] | EffectEstimator | None = None, *,
    contrast: tuple[float, float] | None = None, bootstrap: int | None = None,
    alpha: float = 0.05, seed: int | None = None, categorical: Collection[str] = (),
    missing: MissingPolicy = "drop", **params: Any,
) -> EffectEstimate: ...


@overload
def estimate_effect(
    graph: CausalGraph, data: pd.DataFrame | Table, treatment: list[str] | tuple[str, ...],
    outcome: str, method: Method | str | None = None, *,
    contrast: tuple[Any, Any] | None = None, bootstrap: int | None = None,
    alpha: float = 0.05, seed: int | None = None, categorical: Collection[str] = (),
    missing: MissingPolicy = "drop", **params: Any,
) -> JointEffectEstimate: ...


def estimate_effect(
    graph: CausalGraph,
    data: pd.DataFrame | Table,
    treatment: str | list[str] | tuple[str, ...],
    outcome: str,
    method: Method | str | type[EffectEstimator] | EffectEstimator | None = None,
    **options: Any,
) -> EffectEstimate | JointEffectEstimate:
    """Estimate E[Y | do(X=a)] - E[Y | do(X=b)]: identify once, then :func:`estimate`.

    Parameters
    ----------
    graph : CausalGraph
    data : pandas.DataFrame or rung.data.Table
    treatment, outcome : str
        ``treatment`` may be a list of names: the joint query P(Y | do(X1, ..., Xk)) is
        identified as a whole and estimated by the generative model
        (:func:`rung.estimate.estimators.joint.estimate_joint`, a :class:`JointEffectEstimate`;
        ``contrast=((a1, ..., ak), (b1, ..., bk))``).
    method : Method, str, estimator class, estimator instance or None
        A :class:`Method` (or its value, a key of :data:`METHODS`); ``None`` chooses by
        the identification (:func:`rung.estimate.methods.default_method`).
    **options
        ``contrast``, ``bootstrap``, ``alpha``, ``seed``, ``categorical``, ``missing`` and
        the estimator's parameters: see :func:`estimate`.

    Raises
    ------
    NotIdentifiedError
        The effect is not identifiable (the message names the hedge).
    InvalidSetError
        A user's ``adjustment_set``, ``mediators`` or ``instruments`` is not valid (the
        message names the open path and the valid sets).
    DataError
        Missing columns, a column mixing numbers and text, infinities (the message names
        column and CSV line).

    Examples
    --------
    >>> from rung.datasets import linear_backdoor
    >>> cs = linear_backdoor(n=2000)
    >>> res = estimate_effect(cs.graph, cs.data, "X", "Y", "aipw", seed=0)
    >>> res.method, abs(res.ate - 2.0) < 0.2, res.interval
    ('aipw', True, 'influence function')
    """
    from rung.identify import identify

    if not isinstance(treatment, str):
        return _joint_effect(graph, data, list(treatment), outcome, method, options)
    if treatment == outcome:
        raise EstimationError(f"treatment and outcome are both {treatment!r}; pick two nodes")
    graph.check_nodes({treatment, outcome})
    ident = identify(graph, treatment, outcome)
    return estimate(ident, data, method, graph=graph, **options)


def interventional_distribution(
    graph: CausalGraph,
    data: pd.DataFrame,
    interventions: Mapping[str, float],
    *,
    outcome: str | None = None,
    num_samples: int = 10_000,
    seed: int | None = 0,
    allow_unidentified: bool = False,
    **model_params: Any,
) -> pd.DataFrame:
    """Samples of every observed node under ``do(interventions)`` from a fitted generative model.

    With ``outcome`` given, the joint effect of the intervened nodes on it,
    P(outcome | do(all of them)), must be identifiable as a whole (else
    :class:`~rung.estimate.errors.NotIdentifiedError`, unless ``allow_unidentified=True``).

    Examples
    --------
    >>> from rung.datasets import linear_frontdoor
    >>> cs = linear_frontdoor(n=2000)
    >>> df = interventional_distribution(cs.graph, cs.data, {"X": 1.0}, outcome="Y")
    >>> bool(abs(df["Y"].mean() - 3.0) < 0.3)
    True
    """
    if outcome is not None and not allow_unidentified:
        _require_joint_identified(graph, list(interventions), outcome)
    df = check_data(data, latent_structure(graph).order)
    scm = fit_generative_model(graph, df, **model_params)
    return interventional_samples(scm, interventions, num_samples, seed)


def _require_joint_identified(graph: CausalGraph, xs: list[str], outcome: str) -> None:
    """Refuse unless P(outcome | do(xs)) (the joint query) is identifiable."""
    from rung.identify import identify

    res = identify(graph, xs, outcome)
    if not res.identifiable:
        _, full = not_identified_reason(res)
        raise NotIdentifiedError(", ".join(xs), outcome, full.removeprefix("not identifiable: "),
                                 getattr(res, "hedge", None))


def _joint_effect(graph: CausalGraph, data: pd.DataFrame | Table, xs: list[str], outcome: str,
                  method: Any, options: Mapping[str, Any]) -> JointEffectEstimate:
    """:func:`estimate_effect` of several treatments: one joint identification, then
    :func:`~rung.estimate.estimators.joint.estimate_joint` (the generative model)."""
    from rung.identify import identify

    if method is not None and Method.parse(method) is not Method.GENERATIVE:
        raise EstimationError(f"method={method!r} estimates one treatment; a joint effect of "
                              f"{xs} is estimated by method 'generative' (or method=None)")
    if len(set(xs)) != len(xs) or outcome in xs or not xs:
        raise EstimationError(f"treatments {xs} must be distinct nodes other than the "
                              f"outcome {outcome!r}")
    graph.check_nodes({*xs, outcome})
    ident = identify(graph, xs, outcome)
    return estimate_joint(ident, data, graph=graph, treatments=xs, **options)
