"""Estimation of causal effects: a Pyro generative model of the graph with ``do`` as a
program transformation, counterfactuals, classic estimators, intervals and refuters.

Start with :func:`estimate_effect` (or :func:`estimate` on an
:class:`~rung.identify.Identification`), :func:`refute` and
:func:`interventional_distribution`.
"""

from rung.estimate.api import (
    ESTIMATOR_OF,
    METHODS,
    choose_method,
    estimate,
    estimate_effect,
    fit_estimator,
    interventional_distribution,
)
from rung.estimate.checks.refute import RefutationResult, Refutations, refute
from rung.estimate.data import check_data, read_csv
from rung.estimate.errors import (
    DataError,
    EstimationError,
    InvalidSetError,
    NotIdentifiedError,
    UnsupportedModelError,
)
from rung.estimate.estimators.adjustment import AIPW, IPW, RegressionAdjustment
from rung.estimate.estimators.base import DEFAULT_BOOTSTRAP, EffectEstimator
from rung.estimate.estimators.ett import ETTEstimate, ETTMethod, estimate_ett
from rung.estimate.estimators.frontdoor import FrontDoor
from rung.estimate.estimators.ida import (
    EffectSet,
    PossibleEffect,
    estimate_adjusted,
    ida,
    ida_over,
)
from rung.estimate.estimators.iv import TwoStageLeastSquares, find_instrument
from rung.estimate.estimators.joint import JointEffectEstimate, estimate_joint
from rung.estimate.estimators.mediation import (
    DEFAULT_MEDIATION_BOOTSTRAP,
    MediationEstimate,
    MediationMethod,
    estimate_mediation,
)
from rung.estimate.estimators.plugin import PluginEstimator
from rung.estimate.methods import ESTIMATORS_FOR, Method, Strategy, default_method, methods_for
from rung.estimate.programs.bayesian import BayesianSCM, Inference, Marginalisation
from rung.estimate.programs.counterfactual import Counterfactual, counterfactual
from rung.estimate.programs.discrete import DiscreteSCM
from rung.estimate.programs.families import FAMILIES, Family, Priors
from rung.estimate.programs.generative import (
    MODELS,
    GenerativeEstimator,
    choose_model,
    fit_generative_model,
)
from rung.estimate.programs.interventions import ate, cate, condition, do, interventional_samples
from rung.estimate.programs.linear_gaussian import LinearGaussianSCM
from rung.estimate.programs.mixed import MixedConfig, MixedSCM
from rung.estimate.programs.mixed_counterfactual import (
    SampledCounterfactual,
    sampled_counterfactual,
)
from rung.estimate.programs.posterior import ConvergenceCriteria, ConvergenceError, PosteriorQuery
from rung.estimate.programs.scm import SCMProgram, latent_structure
from rung.estimate.programs.user_mechanism import UserMechanism, hill
from rung.estimate.result import EffectEstimate

__all__ = [
    "AIPW",
    "DEFAULT_BOOTSTRAP",
    "DEFAULT_MEDIATION_BOOTSTRAP",
    "ESTIMATORS_FOR",
    "ESTIMATOR_OF",
    "FAMILIES",
    "IPW",
    "METHODS",
    "MODELS",
    "BayesianSCM",
    "ConvergenceCriteria",
    "ConvergenceError",
    "Counterfactual",
    "DataError",
    "DiscreteSCM",
    "ETTEstimate",
    "ETTMethod",
    "EffectEstimate",
    "EffectEstimator",
    "EffectSet",
    "EstimationError",
    "Family",
    "FrontDoor",
    "GenerativeEstimator",
    "Inference",
    "InvalidSetError",
    "JointEffectEstimate",
    "LinearGaussianSCM",
    "Marginalisation",
    "MediationEstimate",
    "MediationMethod",
    "Method",
    "MixedConfig",
    "MixedSCM",
    "NotIdentifiedError",
    "PluginEstimator",
    "PossibleEffect",
    "PosteriorQuery",
    "Priors",
    "RefutationResult",
    "Refutations",
    "RegressionAdjustment",
    "SCMProgram",
    "SampledCounterfactual",
    "Strategy",
    "TwoStageLeastSquares",
    "UnsupportedModelError",
    "UserMechanism",
    "ate",
    "cate",
    "check_data",
    "choose_method",
    "choose_model",
    "condition",
    "counterfactual",
    "default_method",
    "do",
    "estimate",
    "estimate_adjusted",
    "estimate_effect",
    "estimate_ett",
    "estimate_joint",
    "estimate_mediation",
    "find_instrument",
    "fit_estimator",
    "fit_generative_model",
    "hill",
    "ida",
    "ida_over",
    "interventional_distribution",
    "interventional_samples",
    "latent_structure",
    "methods_for",
    "read_csv",
    "refute",
    "sampled_counterfactual",
]
